"""Sessions: scheduling, changes, imports, listings, rosters and the calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.core.enrolment import session_time_problem
from fvmcli.core.model import Course, Person
from fvmcli.errors import ConflictError, InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import require_right

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection

from fvmcli.services.training.courses import require_course


def _fields(capacity: int | None, location: str | None, trainer: str | None) -> None:
    """Refuse a capacity, place or trainer beyond the declared limits."""
    from fvmcli.core.limits import MAX_NAME
    from fvmcli.core.values import check_count, check_text

    try:
        if capacity is not None:
            check_count(capacity, "--capacity")
            if capacity < 1:  # every booking would land on the waitlist
                raise ValueError(
                    _(
                        "--capacity must be at least 1: a session without seats puts every "
                        "booking on the waitlist"
                    )
                )
        check_text(location, "--location", MAX_NAME)
        check_text(trainer, "--trainer", MAX_NAME)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def _when(text: str, option: str) -> datetime:
    from fvmcli.core.values import parse_datetime

    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from exc


def require_session(conn: Connection, session_id: str, *, lock: bool = False) -> dict[str, Any]:
    from fvmcli.core.suggest import closest
    from fvmcli.store.training import get_session, session_ids

    session = get_session(conn, session_id, lock=lock)
    if session is None:
        meant = closest(session_id, session_ids(conn))
        raise UnknownIdError(
            _("no session {session_id!r}").format(session_id=session_id),
            hint=_("Did you mean {id}? See 'fvm session list'.").format(id=meant)
            if meant
            else _("See 'fvm session list'."),
        )
    return session


@dataclass(frozen=True)
class SessionSaved:
    """A session added, changed or left unchanged, and who moved up from its waitlist."""

    id: str
    outcome: str
    start: datetime
    end: datetime
    capacity: int
    promoted: list[str] = field(default_factory=list)


def _change_problem(
    conn: Connection, old: dict[str, Any] | None, values: dict[str, Any]
) -> str | None:
    """Return why a stored session may not change as ``values`` say (None: it may): its
    capacity may not fall below the seats held, nor may its course change under bookings."""
    from fvmcli.core.enrolment import BOOKED, seats_held
    from fvmcli.store.training import session_enrolments

    if old is None:
        return None
    current = session_enrolments(conn, old["id"])
    held = seats_held(s for _, s in current)
    if values["capacity"] < held:
        return _(
            "{old}: {held} seats are held, so the capacity cannot be {value}; "
            "cancel enrolments first"
        ).format(old=old["id"], held=held, value=values["capacity"])
    booked = sum(1 for _, s in current if s in BOOKED)
    if values["course"] != old["course"] and booked:
        return _(
            "{session}: {booked} people are booked on {course}; its course cannot change "
            "to {value} (schedule a new session instead)"
        ).format(session=old["id"], booked=booked, course=old["course"], value=values["course"])
    return None


def _save(conn: Connection, values: dict[str, Any], *, by: str, at: str) -> SessionSaved:
    from fvmcli.store.training import save_session

    outcome = save_session(conn, values, by=by, at=at)
    from fvmcli.services.training.seats import promote

    promoted = promote(conn, values, by=by, at=at) if outcome == "changed" else []
    return SessionSaved(
        values["id"],
        outcome,
        datetime.fromisoformat(values["start"]),
        datetime.fromisoformat(values["end"]),
        values["capacity"],
        promoted,
    )


def add_session(
    ctx: Context,
    course_id: str,
    *,
    start: str,
    end: str | None = None,
    capacity: int,
    location: str | None = None,
    trainer: str | None = None,
    session_id: str | None = None,
    by: str | None = None,
) -> SessionSaved:
    """Schedule a session of a course; its id defaults to ``<course>-<date>``."""
    from fvmcli.core.enrolment import default_end
    from fvmcli.core.enrolment import session_id as make_id
    from fvmcli.core.values import check_id
    from fvmcli.store.training import session_ids

    course = require_course(ctx, course_id)
    _fields(capacity, location, trainer)
    begins = _when(start, "--start")
    ends = _when(end, "--end") if end else default_end(begins, course)
    problem = session_time_problem(begins, ends)
    if problem:
        raise InputError(_("--end: {problem}").format(problem=problem))
    if session_id is not None:
        try:
            check_id(session_id, what="--id")
        except ValueError as exc:
            raise InputError(str(exc)) from exc
    with ctx.open().write() as conn:
        require_right(ctx, conn, "train")
        taken = session_ids(conn)
        if session_id in taken:
            raise ConflictError(
                _("session {session_id!r} already exists").format(session_id=session_id),
                hint=_("Change it with 'fvm session update'."),
            )
        values = {
            "id": session_id or make_id(course.id, begins, taken),
            "course": course.id,
            "start": begins.isoformat(timespec="minutes"),
            "end": ends.isoformat(timespec="minutes"),
            "capacity": capacity,
            "location": location,
            "trainer": trainer,
        }
        return _save(conn, values, by=ctx.actor(by), at=ctx.clock.now())


def update_session(
    ctx: Context,
    session_id: str,
    *,
    capacity: int | None = None,
    start: str | None = None,
    end: str | None = None,
    location: str | None = None,
    trainer: str | None = None,
    by: str | None = None,
) -> SessionSaved:
    """Change a session; raising its capacity promotes people from the waitlist. A new start
    without a new end moves the whole session, its length kept."""
    _fields(capacity, location, trainer)
    with ctx.open().write() as conn:
        require_right(ctx, conn, "train")
        old = require_session(conn, session_id, lock=True)
        values = dict(old)
        if capacity is not None:
            values["capacity"] = capacity
        if start is not None:
            begins = _when(start, "--start")
            values["start"] = begins.isoformat(timespec="minutes")
        if end is not None:
            values["end"] = _when(end, "--end").isoformat(timespec="minutes")
        elif start is not None:
            # A new start moves the whole session, its length kept (times mended by hand
            # need both; a damaged one says so below).
            try:
                length = datetime.fromisoformat(old["end"]) - datetime.fromisoformat(old["start"])
            except (TypeError, ValueError):
                length = None
            if length is not None:
                values["end"] = (begins + length).isoformat(timespec="minutes")
        problem = session_time_problem(
            datetime.fromisoformat(values["start"]), datetime.fromisoformat(values["end"])
        )
        if problem:
            raise InputError(problem)
        values.update(
            {k: v for k, v in (("location", location), ("trainer", trainer)) if v is not None}
        )
        problem = _change_problem(conn, old, values)
        if problem:
            raise ConflictError(problem + _("; nothing stored"))
        return _save(conn, values, by=ctx.actor(by), at=ctx.clock.now())


@dataclass(frozen=True)
class SessionsImported:
    rows: int
    added: int
    changed: int
    unchanged: int
    promoted: list[tuple[str, str]]
    dry_run: bool


def import_sessions(
    ctx: Context,
    file: Path,
    *,
    dry_run: bool = False,
    by: str | None = None,
    encoding: str | None = None,
) -> SessionsImported:
    """Add or update sessions from CSV; a row without id matches a session of the same course
    and start. Nothing is stored when any row is bad.
    Files are read in ``encoding`` (None: UTF-8, else Windows-1252)."""
    from fvmcli.content.csvfile import RowProblems, reading
    from fvmcli.content.sessions_csv import parse_sessions
    from fvmcli.core.enrolment import default_end
    from fvmcli.core.enrolment import session_id as make_id
    from fvmcli.store.training import list_sessions

    with reading(encoding):
        problems = RowProblems(str(file))
        conflicts = RowProblems(str(file))  # rows that fit the file but not the stored bookings
        rows = parse_sessions(file, ctx.curriculum, problems)
        user, at = ctx.actor(by), ctx.clock.now()
        counts = {"added": 0, "changed": 0, "unchanged": 0}
        promoted: list[tuple[str, str]] = []
        with ctx.open().write(dry_run=dry_run) as conn:
            require_right(ctx, conn, "train")
            existing = {s["id"]: s for s in list_sessions(conn)}
            by_start = {(s["course"], s["start"]): s["id"] for s in existing.values()}
            seen: dict[str, int] = {}
            for row in rows:
                start = row.start.isoformat(timespec="minutes")
                sid = (
                    row.id
                    or by_start.get((row.course, start))
                    or make_id(row.course, row.start, existing)
                )
                if sid in seen:
                    problems.add_line(
                        row.line,
                        "id",
                        _("session {sid} is in the file twice (first on row {seen})").format(
                            sid=sid, seen=seen[sid]
                        ),
                    )
                    continue
                seen[sid] = row.line
                try:
                    _fields(row.capacity, row.location, row.trainer)
                except InputError as exc:
                    problems.add_line(row.line, None, exc.message.lstrip("-"))
                    continue
                old = existing.get(sid)
                if old is None and row.capacity is None:
                    problems.add_line(row.line, "capacity", _("is required for a new session"))
                    continue
                course = ctx.curriculum.courses[row.course]
                end = row.end or (
                    datetime.fromisoformat(old["end"])
                    if old and old["course"] == row.course
                    else default_end(row.start, course)
                )
                values = {
                    "id": sid,
                    "course": row.course,
                    "start": start,
                    "end": end.isoformat(timespec="minutes"),
                    "capacity": row.capacity
                    if row.capacity is not None
                    else (old or {})["capacity"],
                    "location": row.location,
                    "trainer": row.trainer,
                }
                problem = _change_problem(conn, old, values)
                if problem:
                    conflicts.add_line(row.line, None, problem)
                    continue
                saved = _save(conn, values, by=user, at=at)
                counts[saved.outcome] += 1
                promoted += [(sid, p) for p in saved.promoted]
                existing[sid] = values
                by_start[(row.course, start)] = sid
            problems.raise_if_any()
            if conflicts:
                # The file is sound; what it asks conflicts with stored bookings (exit 3).
                raise ConflictError(
                    "\n".join([str(file), *(f"  {p}" for p in conflicts.problems)]),
                    hint=_(
                        "Cancel enrolments first, or schedule a new session. Nothing was imported."
                    ),
                )
        return SessionsImported(
            len(rows), counts["added"], counts["changed"], counts["unchanged"], promoted, dry_run
        )


def list_sessions(ctx: Context, course: str | None = None) -> list[dict[str, Any]]:
    """Return sessions ordered by start, with seats held and waitlist length."""
    from fvmcli.store.training import list_sessions as stored_sessions

    if course is not None:
        require_course(ctx, course)
    with ctx.open().read() as conn:
        return stored_sessions(conn, course=course)


def _session_view(conn: Connection, session: dict[str, Any]) -> dict[str, Any]:
    from fvmcli.core.enrolment import SEAT, WAITLISTED
    from fvmcli.store.training import session_enrolments

    current = session_enrolments(conn, session["id"])
    return {
        **session,
        "enrolled": [p for p, s in current if s in SEAT],
        "waitlist": [p for p, s in current if s == WAITLISTED],
        "status": {p: s for p, s in current},
    }


def show_session(ctx: Context, session_id: str) -> dict[str, Any]:
    """Return a session with who holds a seat, the waitlist in order, and each status."""
    with ctx.open().read() as conn:
        return _session_view(conn, require_session(conn, session_id))


@dataclass(frozen=True)
class Roster:
    session: dict[str, Any]
    course: Course
    people: dict[str, Person]
    units: dict[str, str] = field(default_factory=dict)  # the people's units: id → name
    # a session over several days: its days, and the days each person attended
    days: list[date] = field(default_factory=list)
    attended: dict[str, list[str]] = field(default_factory=dict)


def roster(ctx: Context, session_id: str) -> Roster:
    """Return a session with its participants and waitlist, for an attendance sheet."""
    from fvmcli.core.enrolment import held_days
    from fvmcli.store.reads import list_units
    from fvmcli.store.training import attended_days, session_time
    from fvmcli.store.training import list_people as stored_people

    with ctx.open().read() as conn:
        data = _session_view(conn, require_session(conn, session_id))
        people = {p.id: p for p in stored_people(conn, ids=data["enrolled"] + data["waitlist"])}
        units = {
            u.id: u.name for u in list_units(conn, ids=sorted({p.unit for p in people.values()}))
        }
        days = held_days(session_time(data))
        attended = attended_days(conn, session_id) if len(days) > 1 else {}
    course = require_course(ctx, data["course"])
    return Roster(data, course, people, units, days if len(days) > 1 else [], attended)


@dataclass(frozen=True)
class CalendarSource:
    sessions: list[dict[str, Any]]
    titles: dict[str, str]
    summaries: dict[str, str]
    # session → (changes since it was added, when it last changed): SEQUENCE, LAST-MODIFIED
    versions: dict[str, tuple[int, datetime]] = field(default_factory=dict)


def calendar(ctx: Context, course: str | None = None) -> CalendarSource:
    """Return the sessions (of one course, or all) with course titles in the user's language."""
    from fvmcli.store.training import session_versions

    found = list_sessions(ctx, course)
    with ctx.open().read() as conn:
        versions = {
            sid: (n, datetime.fromisoformat(at)) for sid, (n, at) in session_versions(conn).items()
        }
    courses = ctx.curriculum.courses.values()
    return CalendarSource(
        found,
        {c.id: c.title.get(ctx.lang) for c in courses},
        {c.id: c.summary.get(ctx.lang) for c in courses if c.summary},
        versions,
    )
