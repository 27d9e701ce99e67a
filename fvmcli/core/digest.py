"""A unit's reminder digest: what is late, what is due soon, and what would close the gaps."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from fvmcli.core.equipment import ItemState
from fvmcli.core.forecast import Forecast
from fvmcli.core.model import Person, Unit
from fvmcli.core.scoring import QuestionResult, UnitScore

# The recipient key of a unit's own e-mail address; '@' keeps it apart from every person id.
UNIT_MAILBOX = "@unit"
MAX_OFFERS = 3  # coming sessions offered per missing course


@dataclass(frozen=True)
class DueItem:
    """A question still short of full credit, with its due date (negative days: overdue)."""

    question: str
    due: date
    days_left: int
    owner: str | None
    critical: bool
    waiver_until: date | None = None
    waiver_reason: str | None = None


@dataclass(frozen=True)
class EndingWaiver:
    question: str
    until: date
    reason: str


@dataclass(frozen=True)
class SeatOffer:
    """A coming session of a course with free seats."""

    session: str
    start: datetime
    end: datetime
    location: str | None
    free: int


@dataclass(frozen=True)
class TrainingGap:
    """A person who still lacks a required course, and how to close it."""

    person: str
    name: str | None
    role: str
    course: str
    booked: str | None = None  # the coming session the person already holds a place on
    offers: tuple[SeatOffer, ...] = ()


@dataclass(frozen=True)
class Recipient:
    key: str  # a person id, or UNIT_MAILBOX
    name: str | None
    email: str


@dataclass(frozen=True)
class Digest:
    """One unit's reminder: each list is empty when there is nothing of its kind."""

    unit: Unit
    as_of: date
    within: int
    blockers: tuple[DueItem, ...] = ()
    overdue: tuple[DueItem, ...] = ()
    due_soon: tuple[DueItem, ...] = ()
    waivers_ending: tuple[EndingWaiver, ...] = ()
    training: tuple[TrainingGap, ...] = ()
    equipment: tuple[ItemState, ...] = ()
    # Critical answers awaiting a second person, and answers given before a prerequisite.
    unattested: tuple[str, ...] = ()
    inconsistent: tuple[tuple[str, str], ...] = ()
    recipients: tuple[Recipient, ...] = field(default=(), compare=False)
    # Will the unit be green by go-live at its pace (``core.forecast``)? Not a reason to write.
    forecast: Forecast | None = None
    go_live: date | None = None
    # Hypercare: the indicators the unit has not reported for the day before (``day``).
    hypercare_day: date | None = None
    hypercare_missing: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Return True when the unit has nothing to be reminded of."""
        return not (
            self.blockers
            or self.overdue
            or self.due_soon
            or self.waivers_ending
            or self.training
            or self.equipment
            or self.unattested
            or self.inconsistent
            or self.hypercare_missing
        )

    def fingerprint(self) -> str:
        """Return the SHA-256 of what the digest says (not of who receives it)."""
        data = {k: v for k, v in asdict(self).items() if k != "recipients"}
        text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _due_item(result: QuestionResult, as_of: date) -> DueItem:
    assert result.due is not None
    waiver = result.waiver
    return DueItem(
        result.question.id,
        result.due,
        (result.due - as_of).days,
        result.question.owner,
        result.question.critical,
        waiver.until if waiver else None,
        waiver.reason if waiver else None,
    )


def question_reminders(
    score: UnitScore, within: int
) -> tuple[tuple[DueItem, ...], tuple[DueItem, ...], tuple[DueItem, ...], tuple[EndingWaiver, ...]]:
    """Return the unit's blockers, other overdue items (longest overdue first), items due
    within ``within`` days (soonest first), and active waivers that end within that window."""
    as_of = score.as_of
    horizon = as_of + timedelta(days=within)
    blockers, overdue, soon, ending = [], [], [], []
    for r in score.questions:
        if r.blocker:
            blockers.append(_due_item(r, as_of))
        elif r.overdue:
            overdue.append(_due_item(r, as_of))
        elif (
            r.credit is not None
            and r.credit < 1
            and r.due is not None
            and as_of < r.due <= horizon
            and r.waiver is None
        ):
            soon.append(_due_item(r, as_of))
        if r.waiver is not None and r.waiver.until <= horizon:
            ending.append(EndingWaiver(r.question.id, r.waiver.until, r.waiver.reason))

    def late_first(item: DueItem) -> tuple[int, str]:
        return (item.days_left, item.question)

    return (
        tuple(sorted(blockers, key=late_first)),
        tuple(sorted(overdue, key=late_first)),
        tuple(sorted(soon, key=late_first)),
        tuple(sorted(ending, key=lambda w: (w.until, w.question))),
    )


def answer_checks(score: UnitScore) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Return the answers awaiting attestation, and (question, the prerequisite it waits for)
    for each answer given while a prerequisite is not done."""
    return (
        tuple(r.question.id for r in score.questions if r.unattested),
        tuple((r.question.id, p) for r in score.questions if r.inconsistent for p in r.waiting_for),
    )


def training_gaps(
    people: Sequence[Person],
    requires: Mapping[str, tuple[str, ...]],
    completed: set[tuple[str, str]],
    booked: Mapping[tuple[str, str], str],
    offers: Mapping[str, Sequence[SeatOffer]],
) -> tuple[TrainingGap, ...]:
    """Return every (person, required course) pair not yet completed, in person then course
    order, with the session the person is booked on, or else the coming sessions with seats."""
    from fvmcli.core.training import required_of

    gaps = []
    in_order = sorted(people, key=lambda p: p.id)
    for person, course in required_of(in_order, lambda p: p.role, requires):
        if (person.id, course) in completed:
            continue
        place = booked.get((person.id, course))
        gaps.append(
            TrainingGap(
                person.id,
                person.name,
                person.role,
                course,
                place,
                () if place else tuple(offers.get(course, ())[:MAX_OFFERS]),
            )
        )
    return tuple(gaps)


def seat_offers(
    sessions: Iterable[Mapping[str, Any]], after: datetime
) -> dict[str, list[SeatOffer]]:
    """Return course → its sessions starting after ``after`` with a free seat, soonest first.
    Each session is a mapping with id, course, start, end (ISO text), location, capacity, seats."""
    found: dict[str, list[SeatOffer]] = {}
    for s in sessions:
        start = datetime.fromisoformat(s["start"])
        free = int(s["capacity"]) - int(s["seats"])
        if start <= after or free <= 0:
            continue
        found.setdefault(s["course"], []).append(
            SeatOffer(s["id"], start, datetime.fromisoformat(s["end"]), s["location"], free)
        )
    for offers in found.values():
        offers.sort(key=lambda o: (o.start, o.session))
    return found


def equipment_work(items: Iterable[ItemState]) -> tuple[ItemState, ...]:
    """Return the items with something left to procure, configure or test."""
    return tuple(i for i in items if i.to_procure or i.to_configure or i.to_test)


def recipients(
    unit: Unit, people: Sequence[Person], reminded_roles: set[str]
) -> tuple[Recipient, ...]:
    """Return who receives the unit's digest: its people of a reminded role with an e-mail
    (in id order), then the unit's own mailbox; an address appears once."""
    found: list[Recipient] = []
    seen: set[str] = set()
    for person in sorted(people, key=lambda p: p.id):
        if (
            person.role in reminded_roles
            and person.email
            and not person.forgotten
            and person.email.casefold() not in seen
        ):
            seen.add(person.email.casefold())
            found.append(Recipient(person.id, person.name, person.email))
    if unit.email and unit.email.casefold() not in seen:
        found.append(Recipient(UNIT_MAILBOX, unit.name, unit.email))
    return tuple(found)
