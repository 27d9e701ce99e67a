"""Training: courses, people, sessions, enrolment with waitlists, attendance and coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.core.model import Course, Person
from fvmcli.errors import ConflictError, EnvironmentProblem, InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import ImportOutcome, UnitFilter, require_right, select

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# ---------------------------------------------------------------- courses


def require_course(ctx: Context, course_id: str) -> Course:
    """Return the course or raise an error listing the known ones."""
    course = ctx.curriculum.courses.get(course_id)
    if course is None:
        raise UnknownIdError(
            _("no course {course_id!r} (known: {courses})").format(
                course_id=course_id, courses=", ".join(ctx.curriculum.courses)
            )
        )
    return course


def list_courses(ctx: Context) -> list[Course]:
    """Return the courses of the curriculum in content order."""
    return list(ctx.curriculum.courses.values())


@dataclass(frozen=True)
class CourseDetail:
    course: Course
    required_by: list[str]


def show_course(ctx: Context, course_id: str) -> CourseDetail:
    """Return a course with the roles that require it."""
    course = require_course(ctx, course_id)
    roles = [r.id for r in ctx.curriculum.roles.values() if course.id in r.requires]
    return CourseDetail(course, roles)


@dataclass(frozen=True)
class UnitCoverage:
    """A unit's training coverage (``coverage`` is None when nobody needs a course)."""

    unit: str
    people: int
    required: int
    completed: int
    coverage: float | None


def coverage(ctx: Context, chosen: UnitFilter = UnitFilter()) -> list[UnitCoverage]:
    """Return the training coverage of every selected unit, counted by the database."""
    from fvmcli.store.evidence import EMPTY, coverage_by_unit

    with ctx.db.read() as conn:
        chosen_units = select(ctx, conn, chosen)
        covered = coverage_by_unit(conn, chosen_units.ids, ctx.curriculum.requires())
    found = []
    for unit in chosen_units.units:
        c = covered.get(unit.id, EMPTY)
        found.append(UnitCoverage(unit.id, c.people, c.required, c.completed, c.percent))
    return found


# ---------------------------------------------------------------- people


def add_person(ctx: Context, person: Person, *, by: str | None = None) -> Person:
    """Register a new person in a unit with a role; an existing id is a conflict."""
    from fvmcli.content.people_csv import person_problems
    from fvmcli.store.training import get_person, upsert_people
    from fvmcli.store.units import existing_unit_ids

    with ctx.db.write() as conn:
        require_right(ctx, conn, "train")
        units = existing_unit_ids(conn, {person.unit})
        problems = person_problems(person, ctx.curriculum.roles, units)
        if problems:
            raise InputError("; ".join(f"--{f}: {m}" for f, m in problems))
        if get_person(conn, person.id) is not None:
            raise ConflictError(
                _("person {id!r} already exists").format(id=person.id),
                hint=_("Use 'fvm person import' to update people from a file."),
            )
        upsert_people(conn, [person], by=ctx.actor(by), at=ctx.clock.now())
    return person


def save_people(ctx: Context, people: list[Person], *, by: str | None = None) -> ImportOutcome:
    """Add or update many people in one transaction after the checks every way in shares;
    any bad record stores nothing."""
    from fvmcli.content.people_csv import person_problems
    from fvmcli.errors import Problem, ProblemsError
    from fvmcli.store.training import upsert_people
    from fvmcli.store.units import existing_unit_ids

    with ctx.db.write() as conn:
        require_right(ctx, conn, "train")
        units = existing_unit_ids(conn, {p.unit for p in people})
        problems = [
            Problem(f"people[{index}].{f}", m)
            for index, person in enumerate(people)
            for f, m in person_problems(person, ctx.curriculum.roles, units)
        ]
        if problems:
            raise ProblemsError("people", problems, hint=_("Nothing was stored."))
        result = upsert_people(conn, people, by=ctx.actor(by), at=ctx.clock.now())
    return ImportOutcome(
        len(people), len(result.added), len(result.changed), len(result.unchanged), False
    )


def import_people(
    ctx: Context, file: Path, *, dry_run: bool = False, by: str | None = None
) -> ImportOutcome:
    """Add or update people from CSV; nothing is stored when any row is bad."""
    from fvmcli.content.csvfile import read_csv
    from fvmcli.content.people_csv import OPTIONAL, REQUIRED, parse_people
    from fvmcli.store.training import upsert_people
    from fvmcli.store.units import existing_unit_ids

    rows = read_csv(file, REQUIRED, OPTIONAL)
    named = {r.get("unit") or "" for r in rows}
    with ctx.db.write(dry_run=dry_run) as conn:
        require_right(ctx, conn, "train")
        people = parse_people(file, ctx.curriculum.roles, existing_unit_ids(conn, named), rows)
        result = upsert_people(conn, people, by=ctx.actor(by), at=ctx.clock.now())
    return ImportOutcome(
        len(people), len(result.added), len(result.changed), len(result.unchanged), dry_run
    )


def list_people(ctx: Context, unit: str | None = None, role: str | None = None) -> list[Person]:
    """Return people ordered by id; a forgotten person has no name or email."""
    from fvmcli.store.training import list_people as stored_people

    with ctx.db.read() as conn:
        return stored_people(conn, unit=unit, role=role)


@dataclass(frozen=True)
class Forgotten:
    """What erasing a person reached: the database, and the backup copies deleted."""

    person: str
    backups_deleted: list[Path]
    purged: bool


def forget_person(
    ctx: Context,
    person_id: str,
    *,
    delete_backups: bool = False,
    purge: bool = False,
    by: str | None = None,
) -> Forgotten:
    """Erase a person's name, email and free text everywhere, history included, and leave no
    copy in the database's files: SQLite zeroes what it deletes, and ``purge`` rewrites the
    tables on PostgreSQL. Pre-upgrade backup copies still hold the person, so erasure is
    refused while any exists, unless ``delete_backups`` deletes them."""
    from fvmcli.store.training import forget_person as erase
    from fvmcli.store.training import get_person

    backups = ctx.db.backups()
    if backups and not delete_backups:
        raise ConflictError(
            _("backup copies made before schema upgrades still hold {person_id}'s data: ").format(
                person_id=person_id
            )
            + ", ".join(str(b) for b in backups),
            hint=_(
                "Remove them, or run again with --delete-backups to delete them as "
                "part of the erasure. Nothing was erased."
            ),
        )
    if purge and ctx.db.backend != "postgresql":
        raise InputError(_("--purge is for PostgreSQL; a SQLite file is scrubbed anyway"))
    from fvmcli.store.access import forget_in_database

    actor = ctx.actor(by)
    with ctx.db.write() as conn:
        require_right(ctx, conn, "erase")
        if get_person(conn, person_id) is None:
            raise UnknownIdError(_("no person {person_id!r}").format(person_id=person_id))
        if ctx.enforced:
            forget_in_database(conn, person_id, at=ctx.clock.now(), by=actor)
        else:
            erase(conn, person_id, by=actor, at=ctx.clock.now())
    deleted = []
    for backup in backups:
        for part in (backup, *(backup.with_name(backup.name + s) for s in ("-wal", "-shm"))):
            try:
                part.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise EnvironmentProblem(
                    _(
                        "{person_id} is erased from the database, but {part} could not be "
                        "deleted: {strerror}"
                    ).format(person_id=person_id, part=part, strerror=exc.strerror),
                    hint=_("Delete it by hand: it still holds the person's data."),
                ) from exc
        deleted.append(backup)
    if ctx.db.backend == "sqlite" or purge:
        ctx.db.scrub(["people", "enrolments", "history"])
    return Forgotten(person_id, deleted, purge)


# ---------------------------------------------------------------- sessions


def _fields(capacity: int | None, location: str | None, trainer: str | None) -> None:
    """Refuse a capacity, place or trainer beyond the declared limits."""
    from fvmcli.core.limits import MAX_NAME
    from fvmcli.core.values import check_count, check_text

    try:
        if capacity is not None:
            check_count(capacity, "--capacity")
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


def _require_session(conn: Connection, session_id: str, *, lock: bool = False) -> dict[str, Any]:
    from fvmcli.store.training import get_session

    session = get_session(conn, session_id, lock=lock)
    if session is None:
        raise UnknownIdError(
            _("no session {session_id!r}").format(session_id=session_id),
            hint=_("See 'fvm session list'."),
        )
    return session


def _promote(conn: Connection, session: dict[str, Any], *, by: str, at: str) -> list[str]:
    """Fill free seats from the waitlist in order; return who was promoted."""
    from fvmcli.core.enrolment import SEAT, WAITLISTED, to_promote
    from fvmcli.store.training import list_people as stored_people
    from fvmcli.store.training import session_enrolments, set_enrolment

    current = session_enrolments(conn, session["id"])
    seats = sum(1 for _, s in current if s in SEAT)
    waitlist = [p for p, s in current if s == WAITLISTED]
    promoted = to_promote(session["capacity"], seats, waitlist)
    people = {p.id: p for p in stored_people(conn, ids=promoted)} if promoted else {}
    for person_id in promoted:
        set_enrolment(
            conn,
            session["id"],
            people[person_id],
            "enrolled",
            by=by,
            at=at,
            note="promoted from the waitlist",
            known=(WAITLISTED,),
        )
    return promoted


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
    from fvmcli.core.enrolment import BOOKED, SEAT
    from fvmcli.store.training import session_enrolments

    if old is None:
        return None
    current = session_enrolments(conn, old["id"])
    held = sum(1 for _, s in current if s in SEAT)
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
    promoted = _promote(conn, values, by=by, at=at) if outcome == "changed" else []
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
    if ends <= begins:
        raise InputError(_("--end must come after --start"))
    if session_id is not None:
        try:
            check_id(session_id, what="--id")
        except ValueError as exc:
            raise InputError(str(exc)) from exc
    with ctx.db.write() as conn:
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
    """Change a session; raising its capacity promotes people from the waitlist."""
    _fields(capacity, location, trainer)
    with ctx.db.write() as conn:
        require_right(ctx, conn, "train")
        old = _require_session(conn, session_id, lock=True)
        values = dict(old)
        if capacity is not None:
            values["capacity"] = capacity
        if start is not None:
            values["start"] = _when(start, "--start").isoformat(timespec="minutes")
        if end is not None:
            values["end"] = _when(end, "--end").isoformat(timespec="minutes")
        if values["end"] <= values["start"]:
            raise InputError(_("the end must come after the start"))
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
    ctx: Context, file: Path, *, dry_run: bool = False, by: str | None = None
) -> SessionsImported:
    """Add or update sessions from CSV; a row without id matches a session of the same course
    and start. Nothing is stored when any row is bad."""
    from fvmcli.content.csvfile import RowProblems
    from fvmcli.content.sessions_csv import parse_sessions
    from fvmcli.core.enrolment import default_end
    from fvmcli.core.enrolment import session_id as make_id
    from fvmcli.store.training import list_sessions

    problems = RowProblems(str(file))
    rows = parse_sessions(file, ctx.curriculum, problems)
    user, at = ctx.actor(by), ctx.clock.now()
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    promoted: list[tuple[str, str]] = []
    with ctx.db.write(dry_run=dry_run) as conn:
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
                "capacity": row.capacity if row.capacity is not None else (old or {})["capacity"],
                "location": row.location,
                "trainer": row.trainer,
            }
            problem = _change_problem(conn, old, values)
            if problem:
                problems.add_line(row.line, None, problem)
                continue
            saved = _save(conn, values, by=user, at=at)
            counts[saved.outcome] += 1
            promoted += [(sid, p) for p in saved.promoted]
            existing[sid] = values
            by_start[(row.course, start)] = sid
        problems.raise_if_any()
    return SessionsImported(
        len(rows), counts["added"], counts["changed"], counts["unchanged"], promoted, dry_run
    )


def list_sessions(ctx: Context, course: str | None = None) -> list[dict[str, Any]]:
    """Return sessions ordered by start, with seats held and waitlist length."""
    from fvmcli.store.training import list_sessions as stored_sessions

    if course is not None:
        require_course(ctx, course)
    with ctx.db.read() as conn:
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
    with ctx.db.read() as conn:
        return _session_view(conn, _require_session(conn, session_id))


@dataclass(frozen=True)
class Roster:
    session: dict[str, Any]
    course: Course
    people: dict[str, Person]


def roster(ctx: Context, session_id: str) -> Roster:
    """Return a session with its participants and waitlist, for an attendance sheet."""
    from fvmcli.store.training import list_people as stored_people

    with ctx.db.read() as conn:
        data = _session_view(conn, _require_session(conn, session_id))
        people = {p.id: p for p in stored_people(conn, ids=data["enrolled"] + data["waitlist"])}
    return Roster(data, require_course(ctx, data["course"]), people)


@dataclass(frozen=True)
class Enrolled:
    """One person's outcome of an enrolment: the new status, or that they were already in."""

    person: str
    status: str
    already: bool = False
    forced: bool = False


def enroll(
    ctx: Context,
    session_id: str,
    person_ids: list[str],
    *,
    force: bool = False,
    reason: str | None = None,
    by: str | None = None,
) -> list[Enrolled]:
    """Enrol people in order: a free seat, else the waitlist. Refusals (prerequisites, another
    place in the course, overlaps) store nothing unless forced with a reason.

    Reads every record it needs in a fixed number of queries, whatever the number of people,
    and locks the people (on PostgreSQL) so that one person is never booked twice at once.
    """
    from fvmcli.core.enrolment import BOOKED, SEAT, new_status, refusals
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
    refused: list[str] = []
    with ctx.db.write() as conn:
        require_right(ctx, conn, "train")
        session = _require_session(conn, session_id, lock=True)
        course = require_course(ctx, session["course"])
        people = lock_people(conn, wanted)
        unknown = [p for p in wanted if p not in people]
        if unknown:
            raise UnknownIdError(_("no person {map}").format(map=", ".join(map(repr, unknown))))
        statuses = dict(session_enrolments(conn, session_id))
        seats = sum(1 for s in statuses.values() if s in SEAT)
        done: dict[str, set[str]] = {}
        for person, done_course in completed_pairs(conn, person_ids=wanted):
            done.setdefault(person, set()).add(done_course)
        bookings = bookings_of(conn, wanted)
        when = session_time(session)
        for person_id in wanted:
            status = statuses.get(person_id)
            if status in BOOKED:
                outcome.append(Enrolled(person_id, status or "", already=True))
                continue
            why = refusals(when, course, bookings.get(person_id, []), done.get(person_id, set()))
            if why and not force:
                refused.append(f"{person_id} " + "; ".join(why))
                continue
            new = new_status(session["capacity"], seats)
            seats += new in SEAT
            set_enrolment(
                conn,
                session_id,
                people[person_id],
                new,
                by=user,
                at=at,
                reason=reason.strip() if why and reason else None,
                known=(status,),
            )
            outcome.append(Enrolled(person_id, new, forced=bool(why)))
        if refused:
            raise ConflictError(
                _("refused, nothing stored:\n  ") + "\n  ".join(refused),
                hint=_("Use --force --reason TEXT to enrol anyway."),
            )
    return outcome


def cancel(
    ctx: Context, session_id: str, person_ids: list[str], *, by: str | None = None
) -> list[str]:
    """Cancel enrolments; return who was promoted from the waitlist into the freed seats."""
    from fvmcli.store.training import lock_people, session_enrolments, set_enrolment

    user, at = ctx.actor(by), ctx.clock.now()
    with ctx.db.write() as conn:
        require_right(ctx, conn, "train")
        session = _require_session(conn, session_id, lock=True)
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
        return _promote(conn, session, by=user, at=at)


def mark(
    ctx: Context,
    session_id: str,
    person_ids: list[str],
    *,
    no_show: bool = False,
    passing: bool = False,
    by: str | None = None,
) -> list[tuple[str, str]]:
    """Record attendance, a no-show or a passed assessment; return (person, new status).

    Attendance completes a course without assessment; ``passing`` needs an assessed course and
    recorded attendance. Nothing is stored when any person does not qualify.
    """
    from fvmcli.core.enrolment import SEAT, attendance_status
    from fvmcli.store.training import lock_people, session_enrolments, set_enrolment

    user, at = ctx.actor(by), ctx.clock.now()
    marked = []
    with ctx.db.write() as conn:
        require_right(ctx, conn, "train")
        session = _require_session(conn, session_id, lock=True)
        course = require_course(ctx, session["course"])
        if passing and not course.assessment:
            raise InputError(
                _(
                    "{id} has no assessment: attendance completes it (use 'fvm session attend')"
                ).format(id=course.id)
            )
        statuses = dict(session_enrolments(conn, session_id))
        people = lock_people(conn, person_ids)
        for person_id in dict.fromkeys(person_ids):
            status = statuses.get(person_id)
            if person_id not in people or status not in SEAT:
                where = (
                    _("is on the waitlist of") if status == "waitlisted" else _("holds no seat in")
                )
                raise ConflictError(
                    _("{person_id} {where} {session_id}; nothing stored").format(
                        person_id=person_id, where=where, session_id=session_id
                    )
                )
            if passing and status not in ("attended", "completed"):
                raise ConflictError(
                    _(
                        "{person_id} has not attended {session_id}; record attendance first; "
                        "nothing stored"
                    ).format(person_id=person_id, session_id=session_id)
                )
            new = "completed" if passing else attendance_status(course, no_show)
            set_enrolment(conn, session_id, people[person_id], new, by=user, at=at, known=(status,))
            statuses[person_id] = new
            marked.append((person_id, new))
    return marked


@dataclass(frozen=True)
class CalendarSource:
    sessions: list[dict[str, Any]]
    titles: dict[str, str]
    summaries: dict[str, str]


def calendar(ctx: Context, course: str | None = None) -> CalendarSource:
    """Return the sessions (of one course, or all) with course titles in the user's language."""
    found = list_sessions(ctx, course)
    courses = ctx.curriculum.courses.values()
    return CalendarSource(
        found,
        {c.id: c.title.get(ctx.lang) for c in courses},
        {c.id: c.summary.get(ctx.lang) for c in courses if c.summary},
    )
