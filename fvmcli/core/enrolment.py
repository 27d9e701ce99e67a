"""Enrolment rules: seats, waitlist order, promotion, and what is refused (``scoring.md``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fvmcli.core.model import Course
from fvmcli.i18n import _

FAILED = "failed"  # attended and failed the assessment: the seat was used, the course is not done
# The course is done: what coverage, prerequisites and plans count (SQL: ``store.reads.completed``).
COMPLETED = "completed"
SEAT = ("enrolled", "attended", COMPLETED, "no-show", FAILED)
WAITLISTED = "waitlisted"
BOOKED = (*SEAT, WAITLISTED)  # every place but a cancelled one
# The places in one session of a course that keep a person from booking another session of it:
# a seat still to be used (enrolled) or used with its assessment still open (attended). A no-show,
# a failed attempt or a waitlist place leaves the course to be booked again; a completed course
# is its own refusal. The one seat rule of rebooking (docs/decisions.md, #49).
HOLDS_COURSE = ("enrolled", "attended")


@dataclass(frozen=True)
class SessionTime:
    id: str
    course: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Booking:
    """One of a person's enrolments, with its session."""

    session: SessionTime
    status: str


DAY_HOURS = 8.0  # a training day


def default_end(start: datetime, course: Course | None) -> datetime:
    """Return a session's end when none is given: the course's hours in one day, or, for a
    course of more than a day's hours, as many 8-hour days as it needs, each from the start's
    time (Millennium Fundament, 24 hours: three days, 09:00–17:00)."""
    hours = course.hours if course and course.hours > 0 else 1.0
    if hours <= DAY_HOURS:
        return start + timedelta(hours=hours)
    days = math.ceil(hours / DAY_HOURS)
    return start + timedelta(days=days - 1, hours=DAY_HOURS)


def session_days(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Return the days a session is held, each with its hours: a session that ends on a later
    day than it starts is held every day from its start's date to its end's date, from the
    start's time to the end's time of day."""
    if start.date() == end.date():
        return [(start, end)]
    first_end = datetime.combine(start.date(), end.time())
    return [
        (start + timedelta(days=n), first_end + timedelta(days=n))
        for n in range((end.date() - start.date()).days + 1)
    ]


def session_time_problem(start: datetime, end: datetime) -> str | None:
    """Return why a session's start and end do not make a session, or None: the end must come
    after the start, and a session over several days ends each day after it starts."""
    if end <= start:
        return _("the end must come after the start")
    if start.date() != end.date() and end.time() <= start.time():
        return _(
            "a session over several days is held each day from its start's time to its end's "
            "time, so the end's time of day must come after the start's"
        )
    return None


def session_id(course: str, start: datetime, taken: Iterable[str]) -> str:
    """Return a readable, stable id: ``<course>-<date>``, with ``-2``, ``-3``… when taken."""
    base = f"{course}-{start.date().isoformat()}"
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def seats_held(statuses: Iterable[str]) -> int:
    """Return how many of a session's places (their statuses) hold a seat: the one seat count
    that promotion, enrolment and a change of capacity all use."""
    return sum(1 for status in statuses if status in SEAT)


def new_status(capacity: int, seats_held: int) -> str:
    """Return ``enrolled`` while a seat is free, else ``waitlisted``."""
    return "enrolled" if seats_held < capacity else WAITLISTED


def to_promote(capacity: int, seats_held: int, waitlist: Sequence[str]) -> list[str]:
    """Return who moves from the waitlist (in its order) into the seats that are free."""
    free = max(0, capacity - seats_held)
    return list(waitlist[:free])


def overlaps(a: SessionTime, b: SessionTime) -> bool:
    """Return True when two sessions share any time."""
    return a.start < b.end and b.start < a.end


def refusals(
    session: SessionTime,
    course: Course,
    bookings: Iterable[Booking],
    completed_courses: set[str],
) -> list[str]:
    """Return why enrolling in ``session`` is refused (empty when it is allowed).

    ``bookings`` are the person's other enrolments; cancelled ones are ignored. A place in
    another session of the same course refuses only when it is in ``HOLDS_COURSE``.
    """
    reasons = []
    missing = [c for c in course.prerequisites if c not in completed_courses]
    if missing:
        reasons.append(
            _("has not completed the prerequisite(s) {missing}").format(missing=", ".join(missing))
        )
    if course.id in completed_courses:
        reasons.append(_("has already completed {id}").format(id=course.id))
    for booking in bookings:
        other = booking.session
        if booking.status not in BOOKED or other.id == session.id:
            continue
        if other.course == course.id:
            if booking.status not in HOLDS_COURSE:
                continue  # a no-show, a failed attempt, a waitlist place (it moves): book again
            held = (
                _("already has a seat in {id} of the same course")
                if booking.status == "enrolled"
                else _("attended {id} of the same course; its assessment is not recorded yet")
            )
            reasons.append(held.format(id=other.id))
        elif overlaps(session, other):
            reasons.append(
                _("is already booked in {id}, which overlaps in time").format(id=other.id)
            )
    return reasons


def moved_waitlist(session: SessionTime, bookings: Iterable[Booking], now: datetime) -> list[str]:
    """Return the sessions of the same course, not yet begun, whose waitlist place a person
    gives up when booked in ``session``: the place moves to the new session (a person waits
    for one session of a course at a time). A waitlist place of a session that has begun
    stays, as what happened."""
    return [
        b.session.id
        for b in bookings
        if b.status == WAITLISTED
        and b.session.course == session.course
        and b.session.id != session.id
        and b.session.start > now
    ]


def before_start(session: SessionTime, today: date) -> bool:
    """Return True when ``today`` is before the session's first day: attendance (or a no-show)
    cannot be known yet. The day itself counts, so attendance is taken as people arrive."""
    return today < session.start.date()


def held_days(session: SessionTime) -> list[date]:
    """Return the days a session is held (``session_days``), as dates."""
    return [start.date() for start, _end in session_days(session.start, session.end)]


def days_to_mark(days: Sequence[date], day: date | None, today: date) -> list[date]:
    """Return the days one recording of attendance marks: ``day`` when given; else every day
    of a one-day session; of a session over several days, today when it is one of them, else
    every day (the session is over, or not begun: ``before_start`` refuses that)."""
    if day is not None:
        return [day]
    if len(days) > 1 and today in days:
        return [today]
    return list(days)


def day_problem(days: Sequence[date], day: date) -> str | None:
    """Return why ``day`` cannot be marked on a session held on ``days`` (None: it can)."""
    if day in days:
        return None
    shown = ", ".join(d.isoformat() for d in days)
    return _("{day} is not a day of the session (it is held on {days})").format(
        day=day.isoformat(), days=shown
    )


def status_after_days(
    course: Course, status: str, days: Sequence[date], attended: set[date]
) -> str:
    """Return a person's status once ``attended`` days are recorded: the course's attendance
    status (``attendance_status``) when every day is attended, else the status as it was
    (a session over several days completes only when each day is attended)."""
    if set(days) <= attended:
        return attendance_status(course, no_show=False)
    return status


def assessment_too_early(days: Sequence[date], today: date) -> date | None:
    """Return the last day of the session when ``today`` is before it (an assessment comes
    on or after the last day), else None."""
    return days[-1] if today < days[-1] else None


def attendance_status(course: Course, no_show: bool) -> str:
    """Return the status attendance records: completed, unless the course has an assessment."""
    if no_show:
        return "no-show"
    return "attended" if course.assessment else COMPLETED
