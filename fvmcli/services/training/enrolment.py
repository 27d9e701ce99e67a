"""Enrolment: seats and waitlists, cancellations with promotion, attendance and passes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from fvmcli.errors import ConflictError, InputError, PartlyRefused, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import require_right

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection

from fvmcli.services.training.courses import require_course
from fvmcli.services.training.seats import promote
from fvmcli.services.training.sessions import require_session


@dataclass(frozen=True)
class Enrolled:
    """One person's outcome of an enrolment: the new status, or that they were already in."""

    person: str
    status: str
    already: bool = False
    forced: bool = False
    name: str | None = field(default=None, compare=False)  # as people read it; None: erased
    refused: tuple[str, ...] = ()  # why the person was not booked (nothing stored for them)
    moved_from: tuple[str, ...] = ()  # sessions of the course whose waitlist place moved here
    days: tuple[date, ...] = ()  # the days attended of a session over several days
    of_days: int = 1  # the days the session is held


def enroll(
    ctx: Context,
    session_id: str,
    person_ids: list[str],
    *,
    force: bool = False,
    reason: str | None = None,
    by: str | None = None,
) -> list[Enrolled]:
    """Enrol people in order: a free seat, else the waitlist. A person who is refused
    (prerequisites, a seat in another session of the course, overlaps) is not booked, unless
    forced with a reason; the others are booked, and ``PartlyRefused`` (exit 3) is raised after
    they are stored, with every person's outcome (``refused`` set for those not booked). A
    waitlist place on another session of the course, not yet begun, moves to this session.

    Reads every record it needs in a fixed number of queries, whatever the number of people,
    and locks the people (on PostgreSQL) so that one person is never booked twice at once.
    """
    from fvmcli.core.enrolment import (
        BOOKED,
        SEAT,
        WAITLISTED,
        moved_waitlist,
        new_status,
        refusals,
        seats_held,
    )
    from fvmcli.store.training import (
        bookings_of,
        completed_pairs,
        lock_people,
        session_enrolments,
        session_time,
        set_enrolment,
    )

    if force and not (reason or "").strip():
        raise InputError(_("--force needs --reason TEXT (the reason is kept)"))
    user, at = ctx.actor(by), ctx.clock.now()
    wanted = list(dict.fromkeys(person_ids))
    outcome: list[Enrolled] = []
    with ctx.open().write() as conn:
        require_right(ctx, conn, "train")
        session = require_session(conn, session_id, lock=True)
        course = require_course(ctx, session["course"])
        people = lock_people(conn, wanted)
        unknown = [p for p in wanted if p not in people]
        if unknown:
            raise UnknownIdError(
                _("no person {map}").format(map=", ".join(map(repr, unknown))),
                hint=_meant(conn, unknown),
            )
        statuses = dict(session_enrolments(conn, session_id))
        seats = seats_held(statuses.values())
        done: dict[str, set[str]] = {}
        for who, done_course in completed_pairs(conn, person_ids=wanted):
            done.setdefault(who, set()).add(done_course)
        bookings = bookings_of(conn, wanted)
        when = session_time(session)
        now = ctx.clock.moment()
        for person_id in wanted:
            person = people[person_id]
            status = statuses.get(person_id)
            if status in BOOKED:
                outcome.append(Enrolled(person_id, status or "", already=True, name=person.name))
                continue
            held = bookings.get(person_id, [])
            why = refusals(when, course, held, done.get(person_id, set()))
            if why and not force:
                outcome.append(Enrolled(person_id, "", name=person.name, refused=tuple(why)))
                continue
            new = new_status(session["capacity"], seats)
            seats += new in SEAT
            set_enrolment(
                conn,
                session_id,
                person,
                new,
                by=user,
                at=at,
                reason=reason.strip() if why and reason else None,
                known=(status,),
            )
            moved = moved_waitlist(when, held, now)
            for other in moved:
                set_enrolment(
                    conn,
                    other,
                    person,
                    "cancelled",
                    by=user,
                    at=at,
                    note=f"moved to {session_id}",
                    known=(WAITLISTED,),
                )
            outcome.append(
                Enrolled(
                    person_id, new, forced=bool(why), name=person.name, moved_from=tuple(moved)
                )
            )
    refused = [e for e in outcome if e.refused]
    if refused:
        booked = len(outcome) - len(refused)
        head = _("not booked (the others are):") if booked else _("refused, nothing stored:")
        raise PartlyRefused(
            "\n  ".join([head, *(f"{e.person} " + "; ".join(e.refused) for e in refused)]),
            list(outcome),
            hint=_("Use --force --reason TEXT to enrol anyway."),
        )
    return outcome


def cancel(
    ctx: Context, session_id: str, person_ids: list[str], *, by: str | None = None
) -> list[str]:
    """Cancel enrolments; return who was promoted from the waitlist into the freed seats."""
    from fvmcli.store.training import lock_people, session_enrolments, set_enrolment

    user, at = ctx.actor(by), ctx.clock.now()
    with ctx.open().write() as conn:
        require_right(ctx, conn, "train")
        session = require_session(conn, session_id, lock=True)
        statuses = dict(session_enrolments(conn, session_id))
        people = lock_people(conn, person_ids)
        for person_id in dict.fromkeys(person_ids):
            if person_id not in people or statuses.get(person_id) in (None, "cancelled"):
                raise InputError(
                    _("{person_id} is not enrolled in {session_id}; nothing stored").format(
                        person_id=person_id, session_id=session_id
                    )
                )
            set_enrolment(
                conn,
                session_id,
                people[person_id],
                "cancelled",
                by=user,
                at=at,
                known=(statuses[person_id],),
            )
        return promote(conn, session, by=user, at=at)


def mark_people(
    ctx: Context,
    session_id: str,
    person_ids: list[str],
    *,
    no_show: bool = False,
    passing: bool = False,
    failed: bool = False,
    force: bool = False,
    reason: str | None = None,
    by: str | None = None,
    day: str | None = None,
) -> list[Enrolled]:
    """Record attendance, a no-show, or a passed (``passing``) or failed (``failed``)
    assessment; return each person's new status, with their name.

    Attendance completes a course without assessment; an assessment's result needs an assessed
    course, recorded attendance, and the session's last day come. A session over several days
    is attended day by day (``day``; without it, today when the session is on, else every day),
    and attendance is recorded when every day is attended. A failed attempt stays as it is (the
    person takes the course again in another session), so no figure drops it. Nothing is stored
    when any person does not qualify. Attendance on a day still to come is refused unless
    ``force``d with a ``reason``, which is kept in the history.
    """
    from fvmcli.core.enrolment import (
        COMPLETED,
        FAILED,
        assessment_too_early,
        attendance_status,
        day_problem,
        days_to_mark,
        held_days,
        status_after_days,
    )
    from fvmcli.store.training import (
        attended_days,
        lock_people,
        session_enrolments,
        session_time,
        set_enrolment,
    )

    if force and not (reason or "").strip():
        raise InputError(_("--force needs --reason TEXT (the reason is kept)"))
    user, at, today = ctx.actor(by), ctx.clock.now(), ctx.clock.today()
    marked = []
    with ctx.open().write() as conn:
        require_right(ctx, conn, "train")
        session = require_session(conn, session_id, lock=True)
        course = require_course(ctx, session["course"])
        assessed = passing or failed
        starts = session_time(session)
        days = held_days(starts)
        on = _day(day)
        if on is not None:
            problem = day_problem(days, on)
            if problem:
                raise InputError(_("--day: {problem}; nothing stored").format(problem=problem))
        chosen = days_to_mark(days, on, today)
        # An assessment's result needs recorded attendance, which this already refused.
        if not assessed and chosen[0] > today and not force:
            raise ConflictError(
                (
                    _(
                        "{session_id} starts on {day}: attendance cannot be recorded before the "
                        "session; nothing stored"
                    )
                    if day is None
                    else _(
                        "{day} of {session_id} is still to come: attendance cannot be recorded "
                        "before the day; nothing stored"
                    )
                ).format(session_id=session_id, day=chosen[0].isoformat()),
                hint=_(
                    "Record it on the day, or use --force --reason TEXT to record it anyway "
                    "(the reason is kept)."
                ),
            )
        if assessed and not course.assessment:
            raise InputError(
                _(
                    "{id} has no assessment: attendance completes it (use 'fvm session attend')"
                ).format(id=course.id)
            )
        last = assessment_too_early(days, today) if assessed else None
        if last is not None:
            raise ConflictError(
                _(
                    "the assessment of {session_id} comes on or after its last day, {day}; "
                    "nothing stored"
                ).format(session_id=session_id, day=last.isoformat())
            )
        statuses = dict(session_enrolments(conn, session_id))
        several = len(days) > 1
        held = attended_days(conn, session_id) if several else {}
        people = lock_people(conn, person_ids)
        for person_id in dict.fromkeys(person_ids):
            status = statuses.get(person_id)
            _check_mark(person_id, status, person_id in people, session_id, passing, failed)
            kept = reason.strip() if force and reason else None  # why it was recorded early
            person = people[person_id]
            stored_days = None
            if failed:
                new = FAILED
            elif passing:
                new = COMPLETED
            elif no_show or not several:
                new = attendance_status(course, no_show)
            else:
                before = {date.fromisoformat(d) for d in held.get(person_id, [])}
                attended = before | set(chosen)
                new = status_after_days(course, status or "", days, attended)
                if status in ("attended", COMPLETED):
                    new = status  # attended already, every day
                stored_days = ",".join(d.isoformat() for d in sorted(attended))
                kept = "; ".join(
                    ["day " + ", ".join(d.isoformat() for d in chosen)] + ([kept] if kept else [])
                )
            set_enrolment(
                conn,
                session_id,
                person,
                new,
                by=user,
                at=at,
                note=kept,
                known=(status,),
                days=stored_days,
            )
            statuses[person_id] = new
            marked.append(
                Enrolled(
                    person_id,
                    new,
                    name=people[person_id].name,
                    days=tuple(sorted(attended)) if stored_days is not None else (),
                    of_days=len(days),
                )
            )
    return marked


def _meant(conn: Connection, unknown: list[str]) -> str:
    """Return the hint for person ids that name nobody: who was meant, where one is alike."""
    from fvmcli.core.suggest import closest
    from fvmcli.store.training import list_people

    known = [p.id for p in list_people(conn)]
    meant = [m for m in (closest(wrong, known) for wrong in unknown) if m]
    if meant:
        return _("Did you mean {id}? See 'fvm person list'.").format(id=", ".join(meant))
    return _("See 'fvm person list'.")


def _day(text: str | None) -> date | None:
    """Return the day ``--day`` names, or None; InputError when it is not a date."""
    from fvmcli.core.values import parse_date

    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError(f"--day: {exc}") from exc


def _check_mark(
    person_id: str, status: str | None, known: bool, session_id: str, passing: bool, failed: bool
) -> None:
    """Refuse (ConflictError) to record attendance or an assessment's result of a person who
    does not qualify: no seat, no attendance before a result, a failed attempt, a pass twice."""
    from fvmcli.core.enrolment import COMPLETED, FAILED, SEAT

    if not known or status not in SEAT:
        where = _("is on the waitlist of") if status == "waitlisted" else _("holds no seat in")
        raise ConflictError(
            _("{person_id} {where} {session_id}; nothing stored").format(
                person_id=person_id, where=where, session_id=session_id
            )
        )
    if (passing or failed) and status not in ("attended", COMPLETED, FAILED):
        raise ConflictError(
            _(
                "{person_id} has not attended {session_id}; record attendance first; nothing stored"
            ).format(person_id=person_id, session_id=session_id)
        )
    if status == FAILED and not failed:
        raise ConflictError(
            _(
                "{person_id} failed the assessment of {session_id}: the attempt stays; "
                "enrol the person in another session; nothing stored"
            ).format(person_id=person_id, session_id=session_id)
        )
    if failed and status == COMPLETED:
        raise ConflictError(
            _("{person_id} passed the assessment of {session_id} already; nothing stored").format(
                person_id=person_id, session_id=session_id
            )
        )
