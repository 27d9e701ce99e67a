"""``fvm session``: scheduling, enrolment with waitlists, attendance, rosters, calendars."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import Env, get_env, resolve_user
from fvmcli.cli.output import emit_json, emit_table, progress, say
from fvmcli.errors import ConflictError, InputError, UnknownIdError

app = typer.Typer(
    help="Training sessions: schedule, enrol, waitlist, attendance, rosters.", no_args_is_help=True
)

SESSION = typer.Argument(
    ..., metavar="SESSION", help="Session id, e.g. millennium-fundament-2026-12-14."
)
PEOPLE = typer.Argument(..., metavar="PERSON...", help="One or more person ids.")
BY = typer.Option(None, "--by", metavar="NAME", help="Who makes the change (env FVM_USER).")
JSON = typer.Option(False, "--json", help="Print JSON.")


def _course(env: Env, course_id: str) -> Any:
    course = env.curriculum.courses.get(course_id)
    if course is None:
        raise UnknownIdError(
            f"no course {course_id!r} (known: {', '.join(env.curriculum.courses)})"
        )
    return course


def _when(text: str, option: str) -> datetime:
    from fvmcli.core.values import parse_datetime

    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from exc


def _require_session(conn: Any, session_id: str, *, lock: bool = False) -> dict[str, Any]:
    from fvmcli.store.training import get_session

    session = get_session(conn, session_id, lock=lock)
    if session is None:
        raise UnknownIdError(f"no session {session_id!r}", hint="See 'fvm session list'.")
    return session


def _promote(conn: Any, session: dict[str, Any], *, by: str, at: str) -> list[str]:
    """Fill free seats from the waitlist in order; return who was promoted."""
    from fvmcli.core.enrolment import SEAT, WAITLISTED, to_promote
    from fvmcli.store.training import get_person, session_enrolments, set_enrolment

    current = session_enrolments(conn, session["id"])
    seats = sum(1 for _, s in current if s in SEAT)
    waitlist = [p for p, s in current if s == WAITLISTED]
    promoted = to_promote(session["capacity"], seats, waitlist)
    for person_id in promoted:
        person = get_person(conn, person_id)
        assert person is not None
        set_enrolment(
            conn, session["id"], person, "enrolled", by=by, at=at, note="promoted from the waitlist"
        )
    return promoted


def _save(
    env: Env, conn: Any, values: dict[str, Any], *, by: str, at: str
) -> tuple[str, list[str]]:
    from fvmcli.store.training import save_session

    outcome = save_session(conn, values, by=by, at=at)
    return outcome, _promote(conn, values, by=by, at=at) if outcome == "changed" else []


@app.command("add")
def add(
    ctx: typer.Context,
    course_id: str = typer.Argument(..., metavar="COURSE"),
    start: str = typer.Option(..., "--start", metavar="DATETIME", help="2026-12-14T09:00"),
    end: str | None = typer.Option(
        None, "--end", metavar="DATETIME", help="Default: the course's hours, at most a day."
    ),
    capacity: int = typer.Option(..., "--capacity", min=0, help="Seats."),
    location: str | None = typer.Option(None, "--location"),
    trainer: str | None = typer.Option(None, "--trainer"),
    session_id: str | None = typer.Option(None, "--id", help="Default: <course>-<date>."),
    by: str | None = BY,
) -> None:
    """Schedule a session of a course.

    Example: fvm session add millennium-fundament --start 2026-12-14T09:00 --capacity 12
    --location "Regionens hus, Göteborg"
    """
    from fvmcli.clock import now_iso
    from fvmcli.core.enrolment import default_end
    from fvmcli.core.enrolment import session_id as make_id
    from fvmcli.core.values import check_id
    from fvmcli.store.training import session_ids

    env = get_env(ctx)
    course = _course(env, course_id)
    begins = _when(start, "--start")
    ends = _when(end, "--end") if end else default_end(begins, course)
    if ends <= begins:
        raise InputError("--end must come after --start")
    if session_id is not None:
        try:
            check_id(session_id, what="--id")
        except ValueError as exc:
            raise InputError(str(exc)) from exc
    with env.db.write() as conn:
        taken = session_ids(conn)
        if session_id in taken:
            raise ConflictError(
                f"session {session_id!r} already exists",
                hint="Change it with 'fvm session update'.",
            )
        sid = session_id or make_id(course.id, begins, taken)
        _save(
            env,
            conn,
            {
                "id": sid,
                "course": course.id,
                "start": begins.isoformat(timespec="minutes"),
                "end": ends.isoformat(timespec="minutes"),
                "capacity": capacity,
                "location": location,
                "trainer": trainer,
            },
            by=resolve_user(by),
            at=now_iso(),
        )
    say(f"Scheduled {sid}: {begins:%Y-%m-%d %H:%M}–{ends:%H:%M}, {capacity} seats.")


@app.command("update")
def update(
    ctx: typer.Context,
    session_id: str = SESSION,
    capacity: int | None = typer.Option(None, "--capacity", min=0),
    start: str | None = typer.Option(None, "--start", metavar="DATETIME"),
    end: str | None = typer.Option(None, "--end", metavar="DATETIME"),
    location: str | None = typer.Option(None, "--location"),
    trainer: str | None = typer.Option(None, "--trainer"),
    by: str | None = BY,
) -> None:
    """Change a session; raising the capacity promotes people from the waitlist.

    Example: fvm session update open-link-2027-01-18 --capacity 16
    """
    from fvmcli.clock import now_iso

    env = get_env(ctx)
    with env.db.write() as conn:
        values = dict(_require_session(conn, session_id, lock=True))
        if capacity is not None:
            values["capacity"] = capacity
        if start is not None:
            values["start"] = _when(start, "--start").isoformat(timespec="minutes")
        if end is not None:
            values["end"] = _when(end, "--end").isoformat(timespec="minutes")
        if values["end"] <= values["start"]:
            raise InputError("the end must come after the start")
        values.update(
            {k: v for k, v in (("location", location), ("trainer", trainer)) if v is not None}
        )
        outcome, promoted = _save(env, conn, values, by=resolve_user(by), at=now_iso())
    say(f"{session_id}: {outcome}.")
    for person in promoted:
        say(f"Promoted {person} from the waitlist.")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="CSV: course, start[, end, capacity, location, trainer, id]."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file; store nothing."),
    by: str | None = BY,
) -> None:
    """Add or update sessions from CSV; a row without id matches a session of the same course
    and start. Nothing is stored if any row is bad.

    Example: fvm session import kurstillfallen.csv
    """
    from fvmcli.clock import now_iso
    from fvmcli.content.csvfile import RowProblems
    from fvmcli.content.sessions_csv import parse_sessions
    from fvmcli.core.enrolment import default_end
    from fvmcli.core.enrolment import session_id as make_id
    from fvmcli.store.training import list_sessions

    env = get_env(ctx)
    problems = RowProblems(str(file))
    rows = parse_sessions(file, env.curriculum, problems)
    user, at = resolve_user(by), now_iso()
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    promoted: list[tuple[str, str]] = []
    with progress(f"Importing {file.name}"), env.db.write(dry_run=dry_run) as conn:
        existing = {s["id"]: s for s in list_sessions(conn)}
        by_start = {(s["course"], s["start"]): s["id"] for s in existing.values()}
        for row in rows:
            start = row.start.isoformat(timespec="minutes")
            sid = (
                row.id
                or by_start.get((row.course, start))
                or make_id(row.course, row.start, existing)
            )
            old = existing.get(sid)
            if old is None and row.capacity is None:
                problems.add_line(row.line, "capacity", "is required for a new session")
                continue
            course = env.curriculum.courses[row.course]
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
            outcome, moved = _save(env, conn, values, by=user, at=at)
            counts[outcome] += 1
            promoted += [(sid, p) for p in moved]
            existing[sid] = values
            by_start[(row.course, start)] = sid
        problems.raise_if_any()
    verb = "Would import" if dry_run else "Imported"
    say(
        f"{verb} {len(rows)} sessions from {file}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + "."
    )
    for sid, person in promoted:
        say(f"Promoted {person} from the waitlist of {sid}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    course: str | None = typer.Option(None, "--course", help="Only this course."),
    as_json: bool = JSON,
) -> None:
    """List sessions with seats taken and waitlist length.

    Example: fvm session list --course open-link
    """
    from fvmcli.store.training import list_sessions

    env = get_env(ctx)
    if course is not None:
        _course(env, course)
    with env.db.read() as conn:
        found = list_sessions(conn, course=course)
    if as_json:
        emit_json(found)
        return
    emit_table(
        ["id", "course", "start", "end", "seats", "waitlist", "location", "trainer"],
        [
            [
                s["id"],
                s["course"],
                s["start"],
                s["end"],
                f"{s['seats']}/{s['capacity']}",
                s["waiting"] or "",
                s["location"],
                s["trainer"],
            ]
            for s in found
        ],
        title=f"{len(found)} sessions",
    )


def _show_data(conn: Any, session: dict[str, Any]) -> dict[str, Any]:
    from fvmcli.core.enrolment import SEAT, WAITLISTED
    from fvmcli.store.training import session_enrolments

    current = session_enrolments(conn, session["id"])
    return {
        **session,
        "enrolled": [p for p, s in current if s in SEAT],
        "waitlist": [p for p, s in current if s == WAITLISTED],
        "status": {p: s for p, s in current},
    }


@app.command("show")
def show(ctx: typer.Context, session_id: str = SESSION, as_json: bool = JSON) -> None:
    """Show a session: who holds a seat (with attendance) and the waitlist in order.

    Example: fvm session show millennium-fundament-2026-12-14 --json
    """
    env = get_env(ctx)
    with env.db.read() as conn:
        data = _show_data(conn, _require_session(conn, session_id))
    if as_json:
        emit_json(data)
        return
    say(
        f"{data['id']} · {data['course']} · {data['start']}–{data['end']} · "
        f"{len(data['enrolled'])}/{data['capacity']} seats · {data['location'] or ''}"
    )
    emit_table(
        ["#", "person", "status"],
        [[i + 1, p, data["status"][p]] for i, p in enumerate(data["enrolled"])],
        title="Seats",
    )
    if data["waitlist"]:
        emit_table(
            ["#", "person"], [[i + 1, p] for i, p in enumerate(data["waitlist"])], title="Waitlist"
        )


@app.command("enroll")
def enroll(
    ctx: typer.Context,
    session_id: str = SESSION,
    person_ids: list[str] = PEOPLE,
    force: bool = typer.Option(False, "--force", help="Override a refusal (needs --reason)."),
    reason: str | None = typer.Option(
        None, "--reason", help="Why the refusal is overridden; kept with the enrolment."
    ),
    by: str | None = BY,
) -> None:
    """Enrol people: a free seat, else the waitlist in order. Missing prerequisites, a place in
    another session of the course and overlapping bookings are refused unless --force --reason.

    Example: fvm session enroll millennium-fundament-2026-12-14 p1001 p1002
    """
    from fvmcli.clock import now_iso
    from fvmcli.core.enrolment import BOOKED, SEAT, new_status, refusals
    from fvmcli.store.training import (
        completed_pairs,
        get_person,
        person_bookings,
        session_enrolments,
        session_time,
        set_enrolment,
    )

    env = get_env(ctx)
    if force and not (reason or "").strip():
        raise InputError("--force needs --reason TEXT (the reason is kept)")
    user, at = resolve_user(by), now_iso()
    outcome = []
    with env.db.write() as conn:
        session = _require_session(conn, session_id, lock=True)
        course = _course(env, session["course"])
        when = session_time(session)
        refused = []
        for person_id in dict.fromkeys(person_ids):
            person = get_person(conn, person_id)
            if person is None:
                raise UnknownIdError(f"no person {person_id!r}")
            status = dict(session_enrolments(conn, session_id)).get(person_id)
            if status in BOOKED:
                outcome.append(f"{person_id} is already {status}")
                continue
            done = {c for _, c in completed_pairs(conn, person_ids=[person_id])}
            why = refusals(when, course, person_bookings(conn, person_id), done)
            if why and not force:
                refused.append(f"{person_id} " + "; ".join(why))
                continue
            seats = sum(1 for _, s in session_enrolments(conn, session_id) if s in SEAT)
            new = new_status(session["capacity"], seats)
            set_enrolment(
                conn,
                session_id,
                person,
                new,
                by=user,
                at=at,
                reason=reason.strip() if why and reason else None,
            )
            outcome.append(f"{person_id}: {new}" + (" (forced)" if why else ""))
        if refused:
            raise ConflictError(
                "refused, nothing stored:\n  " + "\n  ".join(refused),
                hint="Use --force --reason TEXT to enrol anyway.",
            )
    for line in outcome:
        say(line)


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    session_id: str = SESSION,
    person_ids: list[str] = PEOPLE,
    by: str | None = BY,
) -> None:
    """Cancel enrolments; freed seats go to the first on the waitlist at once.

    Example: fvm session cancel millennium-fundament-2026-12-14 p1001
    """
    from fvmcli.clock import now_iso
    from fvmcli.store.training import get_person, session_enrolments, set_enrolment

    env = get_env(ctx)
    user, at = resolve_user(by), now_iso()
    with env.db.write() as conn:
        session = _require_session(conn, session_id, lock=True)
        statuses = dict(session_enrolments(conn, session_id))
        for person_id in person_ids:
            person = get_person(conn, person_id)
            if person is None or statuses.get(person_id) in (None, "cancelled"):
                raise InputError(f"{person_id} is not enrolled in {session_id}; nothing stored")
            set_enrolment(conn, session_id, person, "cancelled", by=user, at=at)
        promoted = _promote(conn, session, by=user, at=at)
    say(f"Cancelled {', '.join(person_ids)} in {session_id}.")
    for person_id in promoted:
        say(f"Promoted {person_id} from the waitlist.")


def _mark(
    ctx: typer.Context,
    session_id: str,
    person_ids: list[str],
    by: str | None,
    *,
    no_show: bool = False,
    passing: bool = False,
) -> None:
    from fvmcli.clock import now_iso
    from fvmcli.core.enrolment import SEAT, attendance_status
    from fvmcli.store.training import get_person, session_enrolments, set_enrolment

    env = get_env(ctx)
    user, at = resolve_user(by), now_iso()
    with env.db.write() as conn:
        session = _require_session(conn, session_id, lock=True)
        course = _course(env, session["course"])
        if passing and not course.assessment:
            raise InputError(
                f"{course.id} has no assessment: attendance completes it (use 'fvm session attend')"
            )
        statuses = dict(session_enrolments(conn, session_id))
        for person_id in person_ids:
            person = get_person(conn, person_id)
            status = statuses.get(person_id)
            if person is None or status not in SEAT:
                where = "is on the waitlist of" if status == "waitlisted" else "holds no seat in"
                raise ConflictError(f"{person_id} {where} {session_id}; nothing stored")
            if passing and status not in ("attended", "completed"):
                raise ConflictError(
                    f"{person_id} has not attended {session_id}; record "
                    "attendance first; nothing stored"
                )
            new = "completed" if passing else attendance_status(course, no_show)
            set_enrolment(conn, session_id, person, new, by=user, at=at)
            say(f"{person_id}: {new}")


@app.command("attend")
def attend(
    ctx: typer.Context,
    session_id: str = SESSION,
    person_ids: list[str] = PEOPLE,
    no_show: bool = typer.Option(False, "--no-show", help="Record that they did not come."),
    by: str | None = BY,
) -> None:
    """Record attendance (or a no-show). Attendance completes a course without assessment.

    Example: fvm session attend millennium-intro-2026-12-01 p1001 p1002
    """
    _mark(ctx, session_id, person_ids, by, no_show=no_show)


@app.command("pass")
def pass_(
    ctx: typer.Context,
    session_id: str = SESSION,
    person_ids: list[str] = PEOPLE,
    by: str | None = BY,
) -> None:
    """Record a passed assessment: completes a course that has one, after attendance.

    Example: fvm session pass millennium-fundament-2026-12-14 p1001
    """
    _mark(ctx, session_id, person_ids, by, passing=True)


@app.command("roster")
def roster(
    ctx: typer.Context,
    session_id: str = SESSION,
    fmt: str | None = typer.Option(None, "--format", help="html, md, pdf or csv."),
    output: Path | None = typer.Option(None, "-o", "--output", help="File to write."),
) -> None:
    """Print an attendance sheet: participants with unit and role, a signature column, and the
    waitlist.

    Example: fvm session roster millennium-fundament-2026-12-14 -o narvaro.pdf
    """
    from fvmcli.cli.writing import choose_format, write_bytes, write_document
    from fvmcli.render.roster import roster_context, roster_csv
    from fvmcli.store.training import list_people

    env = get_env(ctx)
    kind = choose_format(fmt, output, ("html", "md", "pdf", "csv"))
    with env.db.read() as conn:
        data = _show_data(conn, _require_session(conn, session_id))
        people = {p.id: p for p in list_people(conn, ids=data["enrolled"] + data["waitlist"])}
    course = _course(env, data["course"])
    context = roster_context(data, course, people, env.curriculum, env.lang)
    if kind == "csv":
        write_bytes(roster_csv(context).encode("utf-8"), output)
    else:
        write_document(env, "roster", kind, context, output)


@app.command("calendar")
def calendar(
    ctx: typer.Context,
    output: Path = typer.Option(..., "-o", "--output", help="The .ics file to write."),
    course: str | None = typer.Option(None, "--course", help="Only this course."),
) -> None:
    """Write the sessions as an iCalendar file; re-publishing updates events, never duplicates.

    Example: fvm session calendar -o fvm-utbildningar.ics
    """
    from datetime import UTC

    from fvmcli.cli.writing import write_bytes
    from fvmcli.render.calendar import sessions_calendar
    from fvmcli.store.training import list_sessions

    env = get_env(ctx)
    if course is not None:
        _course(env, course)
    with env.db.read() as conn:
        found = list_sessions(conn, course=course)
    lang = env.lang
    titles = {c.id: c.title.get(lang) for c in env.curriculum.courses.values()}
    summaries = {c.id: c.summary.get(lang) for c in env.curriculum.courses.values() if c.summary}
    write_bytes(sessions_calendar(found, titles, summaries, datetime.now(UTC)), output)
