"""What the demo territory holds, planned before it is stored: units modelled on Västra
Götaland, their answers, equipment counts, people and training sessions."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from fvmcli.core.enrolment import default_end
from fvmcli.core.equipment import unit_items
from fvmcli.core.model import (
    NA,
    Catalog,
    Checklist,
    Count,
    Course,
    Curriculum,
    NewAnswer,
    Person,
    Question,
    Unit,
)
from fvmcli.core.score_plan import applicable_questions
from fvmcli.services.context import Context

# Go-live of each phase, in days after the as-of date: phase 1 is close, phase 3 a year away.
PHASE_OFFSETS = {1: 75, 2: 210, 3: 390}


@cache
def demo_names() -> dict[str, Any]:
    """Return the demo's name lists (units, municipalities, staff roles, people's names) from
    ``demo.toml`` beside this module."""
    import tomllib
    from importlib.resources import files

    return tomllib.loads(files("fvmcli.services").joinpath("demo.toml").read_text("utf-8"))


def _slug(name: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-"})
    return name.lower().translate(table)


def demo_units() -> list[Unit]:
    """Return the demo's units: hospitals, primary care, private, municipal, school health."""
    names = demo_names()
    units = []
    for kind in ("hospital", "primary-care", "private"):
        units += [_unit(kind, u) for u in names[kind]]
    for area, municipalities in names["municipalities"].items():
        for k, name in enumerate(municipalities):
            staff = 12 + (len(name) * 7 + k * 11) % 60
            units.append(
                Unit(
                    f"kommun-{_slug(name)}",
                    f"{name} kommun – hemsjukvård",
                    area,
                    "municipal",
                    staff,
                    name,
                )
            )
    units += [_unit("school-health", u) for u in names["school-health"]]
    return units


def _unit(kind: str, raw: dict[str, Any]) -> Unit:
    # Hospital and primary-care units have a functional mailbox for reminders (fvm remind);
    # the others show how a unit without a recipient is listed.
    mailbox = f"{raw['id']}@exempel.invalid" if kind in ("hospital", "primary-care") else None
    return Unit(
        raw["id"],
        raw["name"],
        raw["area"],
        kind,
        raw["staff"],
        raw.get("municipality"),
        None,
        mailbox,
    )


def go_live_dates(as_of: date) -> dict[int, date]:
    """Return each phase's demo go-live date, counted from ``as_of``."""
    return {phase: as_of + timedelta(days=days) for phase, days in PHASE_OFFSETS.items()}


# How far along a unit is: the share of its questions answered, and how good the answers are.
PROFILES = {
    "ready": (1.0, 0.97),
    "nearly": (0.95, 0.85),
    "struggling": (0.8, 0.45),
    "started": (0.35, 0.8),
    "untouched": (0.0, 0.0),
}
# Profiles by phase: phase 1 goes live soon and is furthest along; phase 3 has barely begun.
PHASE_PROFILES = {
    1: ["ready", "ready", "nearly", "nearly", "struggling", "ready", "nearly"],
    2: ["nearly", "started", "struggling", "ready", "started", "untouched"],
    3: ["started", "untouched", "untouched", "started", "nearly", "untouched", "struggling"],
}


def profile_of(unit: Unit, index: int, phase: int) -> str:
    """Return the demo profile of the ``index``-th unit of a phase."""
    choices = PHASE_PROFILES[phase]
    return choices[index % len(choices)]


def _value(question: Question, good: bool, rng: random.Random, as_of: date) -> str:
    kind = question.type
    if kind == "yes-no":
        return "yes" if good else "no"
    if kind == "yes-partial-no":
        return "yes" if good else rng.choice(["partial", "no"])
    if kind == "percent":
        target = question.target or 100.0
        return str(round(min(100.0, target * (1.0 if good else rng.uniform(0.2, 0.8)))))
    if kind == "number":
        return str(rng.randint(2, 12))
    if kind == "date":
        return (as_of - timedelta(days=rng.randint(1, 30))).isoformat()
    if kind == "choice":
        return question.options[0].id if good else question.options[-1].id
    return rng.choice(
        [
            "Inga kända risker.",
            "Beroende till kommunens IT-leverantör.",
            "Lokalbyte under våren kan påverka.",
        ]
    )


def demo_answers(checklist: Checklist, unit: Unit, profile: str, as_of: date) -> list[NewAnswer]:
    """Return the answers a unit of ``profile`` has given, deterministically."""
    share, quality = PROFILES[profile]
    rng = random.Random(f"{unit.id}/{profile}")
    values: dict[str, str] = {}
    batch: list[NewAnswer] = []
    for question in checklist.questions:
        if question.derived or question not in applicable_questions(checklist, unit.type, values):
            continue
        if rng.random() >= share:
            continue
        good = rng.random() < quality or (question.critical and profile == "ready")
        value = (
            NA if question.allow_na and rng.random() < 0.1 else _value(question, good, rng, as_of)
        )
        if question.id == "med.has-infusion-pumps":  # hospitals have pumps in the demo
            value = "yes" if unit.type == "hospital" else "no"
        values[question.id] = value
        comment = (
            "Se protokoll i projektets dokumentarkiv." if question.evidence == "required" else None
        )
        batch.append(NewAnswer(unit.id, question.id, value, comment))
    return batch


def demo_counts(catalog: Catalog, unit: Unit, profile: str) -> list[tuple[str, Count]]:
    """Return the unit's equipment counts for its profile: complete, short, or not counted."""
    if profile == "untouched":
        return []
    rng = random.Random(f"{unit.id}/equipment")
    counts = []
    for state in unit_items(catalog, unit, {}, {}):
        r = state.required
        if r == 0:
            continue
        if profile == "ready":
            present = configured = tested = r
        else:
            present = max(0, r - rng.randint(0, max(1, r // 3)))
            configured = max(0, present - rng.randint(0, max(1, present // 2)))
            tested = max(0, configured - rng.randint(0, configured))
            if profile == "started":
                tested = 0
        counts.append((state.item, Count(present, configured, tested)))
    return counts


TRAINED = {"ready": 0.97, "nearly": 0.85, "struggling": 0.5, "started": 0.2, "untouched": 0.0}


def demo_people(unit: Unit, index: int) -> list[Person]:
    """Return the demo's registered staff of a unit (a handful, not the whole staff)."""
    names = demo_names()
    roles = names["staff-roles"][unit.type]
    first, last = names["names"]["first"], names["names"]["last"]
    count = max(2, min(8, (unit.staff or 10) // 6))
    rng = random.Random(f"{unit.id}/people")
    return [
        Person(
            f"{unit.id}-p{n + 1}",
            f"{rng.choice(first)} {rng.choice(last)}",
            roles[n % len(roles)],
            unit.id,
        )
        for n in range(count)
    ]


@dataclass(frozen=True)
class DemoSession:
    id: str
    course: str
    start: datetime
    end: datetime
    capacity: int
    location: str
    past: bool


def _easter(year: int) -> date:
    """Return Easter Sunday of ``year`` (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month, day = divmod(h + l_ - 7 * m + 90, 25)
    return date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def _day_off(day: date) -> bool:
    """Return True on a Saturday, a Sunday, a Swedish public holiday or an eve that workplaces
    keep free (Christmas Eve, New Year's Eve, Midsummer Eve): no training is held then."""
    if day.weekday() >= 5:
        return True
    if (day.month, day.day) in {
        (1, 1),
        (1, 6),
        (5, 1),
        (6, 6),
        (12, 24),
        (12, 25),
        (12, 26),
        (12, 31),
    }:
        return True
    if day.month == 6 and 19 <= day.day <= 25 and day.weekday() == 4:  # Midsummer Eve
        return True
    easter = _easter(day.year)
    return (day - easter).days in (-2, 1, 39)  # Good Friday, Easter Monday, Ascension Day


def _working(start: datetime, course: Course) -> datetime:
    """Return the first start from ``start`` on whose every day of the session is a working
    day (``_day_off``)."""
    while True:
        end = default_end(start, course)
        days = (end.date() - start.date()).days + 1
        if not any(_day_off(start.date() + timedelta(days=n)) for n in range(days)):
            return start
        start += timedelta(days=1)


def demo_sessions(as_of: date, curriculum: Curriculum) -> list[DemoSession]:
    """Return per course a past session (where the trained completed) and two upcoming ones."""
    places = ["Borås, Södra Älvsborgs Sjukhus", "Skövde, Kärnsjukhuset", "Uddevalla sjukhus"]
    found = []
    for k, course in enumerate(curriculum.courses.values()):
        past = _working(datetime.combine(as_of - timedelta(days=40 + 3 * k), time(9)), course)
        found.append(
            DemoSession(
                f"{course.id}-{past.date().isoformat()}",
                course.id,
                past,
                default_end(past, course),
                600,
                "Utbildningscentrum, Regionens hus Göteborg",
                True,
            )
        )
        for week in (2, 5):
            start = _working(
                datetime.combine(as_of + timedelta(weeks=week, days=k % 5), time(9)), course
            )
            found.append(
                DemoSession(
                    f"{course.id}-{start.date().isoformat()}",
                    course.id,
                    start,
                    default_end(start, course),
                    12,
                    places[(k + week) % 3],
                    False,
                )
            )
    return found


def _course_order(curriculum: Curriculum) -> list[str]:
    """Return course ids with every prerequisite before the courses that need it."""
    done: list[str] = []

    def visit(course_id: str) -> None:
        if course_id in done:
            return
        for before in curriculum.courses[course_id].prerequisites:
            visit(before)
        done.append(course_id)

    for course_id in curriculum.courses:
        visit(course_id)
    return done


@dataclass(frozen=True)
class DemoPlan:
    """Everything the demo stores, decided before anything is written."""

    units: list[Unit]
    answers: list[NewAnswer]
    counts: list[tuple[str, str, Count]]
    people: list[Person]
    sessions: list[DemoSession]
    completions: dict[str, list[str]]  # course → people who completed it in its past session
    bookings: dict[str, list[str]]  # upcoming session → people booked on it, in order


def plan_demo(ctx: Context, as_of: date) -> DemoPlan:
    """Return the demo territory as of ``as_of``, the same every time."""
    from fvmcli.core.enrolment import SessionTime, overlaps
    from fvmcli.core.training import required_of

    units = demo_units()
    checklist = ctx.checklist("golive")
    requires = ctx.curriculum.requires()
    answers: list[NewAnswer] = []
    counts: list[tuple[str, str, Count]] = []
    people: list[Person] = []
    wanted: dict[str, list[Person]] = {}  # course → people who should complete it
    pending: list[tuple[Person, str]] = []  # (person, course) to book on an upcoming session
    seen: dict[int, int] = {}
    for unit in units:
        phase = ctx.territory.phase_of(unit.area)
        index = seen[phase] = seen.get(phase, -1) + 1
        profile = profile_of(unit, index, phase)
        answers += demo_answers(checklist, unit, profile, as_of)
        counts += [(unit.id, item, c) for item, c in demo_counts(ctx.catalog, unit, profile)]
        rng = random.Random(f"{unit.id}/training")
        staff = list(demo_people(unit, index))
        people += staff
        for person, course in required_of(staff, lambda p: p.role, requires):
            if rng.random() < TRAINED[profile]:
                wanted.setdefault(course, []).append(person)
            elif profile != "untouched" and rng.random() < 0.5:
                pending.append((person, course))
    sessions = demo_sessions(as_of, ctx.curriculum)
    completed: dict[str, set[str]] = {}
    completions: dict[str, list[str]] = {}
    for course in _course_order(ctx.curriculum):
        needs = ctx.curriculum.courses[course].prerequisites
        for person in wanted.get(course, []):
            # A course is completed only after its prerequisites; else the person is booked.
            if all(c in completed.get(person.id, set()) for c in needs):
                completed.setdefault(person.id, set()).add(course)
                completions.setdefault(course, []).append(person.id)
            else:
                pending.append((person, course))
    upcoming: dict[str, list[DemoSession]] = {}
    for s in sessions:
        if not s.past:
            upcoming.setdefault(s.course, []).append(s)
    bookings: dict[str, list[str]] = {}
    booked: dict[str, list[SessionTime]] = {}
    for n, (person, course) in enumerate(pending):
        needs = ctx.curriculum.courses[course].prerequisites
        if not all(c in completed.get(person.id, set()) for c in needs):
            continue
        target = upcoming[course][n % len(upcoming[course])]
        when = SessionTime(target.id, course, target.start, target.end)
        if any(overlaps(when, other) for other in booked.get(person.id, [])):
            continue
        booked.setdefault(person.id, []).append(when)
        bookings.setdefault(target.id, []).append(person.id)
    return DemoPlan(units, answers, counts, people, sessions, completions, bookings)


def attested_answers(ctx: Context, given: list[NewAnswer]) -> list[tuple[str, str]]:
    """Return the answers a second person attested in the demo: nine in ten of those that
    need it (a lead's worklist keeps the rest)."""
    checklist = ctx.checklist("golive")
    return [
        (a.unit_id, a.question)
        for a in given
        if (q := checklist.question(a.question)) is not None
        and q.attest
        and random.Random(f"attest/{a.unit_id}/{a.question}").random() < 0.9
    ]
