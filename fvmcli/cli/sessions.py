"""``fvm session``: scheduling, enrolment with waitlists, attendance, rosters, calendars."""

from __future__ import annotations

from pathlib import Path

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import BY, DRY_RUN, ENCODING, PLAIN_CSV, output_options
from fvmcli.cli.output import Listing, Output, importing, say
from fvmcli.cli.views.training import named
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import Column
from fvmcli.render.values import time_span, word

app = typer.Typer(help=GROUPS["session"][1], no_args_is_help=True)

SESSION = typer.Argument(..., metavar="SESSION", help="Session id, e.g. intro-course-2026-12-14.")
PEOPLE = typer.Argument(..., metavar="PERSON...", help="One or more person ids.")
END = typer.Option(
    None,
    "--end",
    metavar="DATETIME",
    help=(
        "Default: the course's hours; a longer course runs over days of eight hours. A session "
        "over several days is held each day from the start's time to the end's."
    ),
)
FORCE = typer.Option(False, "--force", help="Override a refusal (needs --reason).")
REASON = typer.Option(None, "--reason", help="Why the refusal is overridden; kept in the history.")
LOCATION = typer.Option(None, "--location", help="Where, e.g. Regionens hus, Göteborg.")
TRAINER = typer.Option(None, "--trainer", help="Who teaches.")

SESSIONS = (  # when, where and the seats stay; the course (in the id already) goes first
    Column("id", "id", drop=0),
    Column("course", "course", drop=5),
    Column("start", "start", lambda t: t.replace("T", " "), drop=0),
    Column("end", "end", lambda t: t.replace("T", " "), drop=4),
    Column("capacity", "capacity", table=False),
    Column("seats", "seats", cell=lambda s: f"{s['seats']}/{s['capacity']}", drop=0),
    Column("waiting", "waitlist", lambda n: n or "", drop=2),
    Column("location", "location", drop=0, least=12),
    Column("trainer", "trainer", drop=3),
)


@app.command("add")
def add(
    ctx: typer.Context,
    course_id: str = typer.Argument(..., metavar="COURSE"),
    start: str = typer.Option(..., "--start", metavar="DATETIME", help="2026-12-14T09:00"),
    end: str | None = END,
    capacity: int = typer.Option(..., "--capacity", min=0, help="Seats."),
    location: str | None = LOCATION,
    trainer: str | None = TRAINER,
    session_id: str | None = typer.Option(None, "--id", help="Default: <course>-<date>."),
    by: str | None = BY,
) -> None:
    """Schedule a session of a course.

    Example: fvm session add intro-course --start 2026-12-14T09:00 --capacity 12
    --location "Regionens hus, Göteborg"
    """
    from fvmcli.services.training import add_session

    saved = add_session(
        get_env(ctx, creates=True),
        course_id,
        start=start,
        end=end,
        capacity=capacity,
        location=location,
        trainer=trainer,
        session_id=session_id,
        by=by,
    )
    say(
        ngettext(
            "Scheduled {id}: {when}, {capacity} seat.",
            "Scheduled {id}: {when}, {capacity} seats.",
            saved.capacity,
        ).format(id=saved.id, when=time_span(saved.start, saved.end), capacity=saved.capacity)
    )


@app.command("update")
def update(
    ctx: typer.Context,
    session_id: str = SESSION,
    capacity: int | None = typer.Option(None, "--capacity", min=0, help="Seats."),
    start: str | None = typer.Option(None, "--start", metavar="DATETIME", help="New start."),
    end: str | None = END,
    location: str | None = LOCATION,
    trainer: str | None = TRAINER,
    by: str | None = BY,
) -> None:
    """Change a session; raising the capacity promotes people from the waitlist. A new
    --start without --end moves the whole session, its length kept.

    Example: fvm session update intro-course-2027-01-18 --capacity 16
    """
    from fvmcli.services.training import update_session

    saved = update_session(
        get_env(ctx),
        session_id,
        capacity=capacity,
        start=start,
        end=end,
        location=location,
        trainer=trainer,
        by=by,
    )
    say(
        ngettext(
            "{id}: {outcome}; {when}, {capacity} seat.",
            "{id}: {outcome}; {when}, {capacity} seats.",
            saved.capacity,
        ).format(
            id=session_id,
            outcome=word(saved.outcome),
            when=time_span(saved.start, saved.end),
            capacity=saved.capacity,
        )
    )
    for person in saved.promoted:
        say(_("Promoted {person} from the waitlist.").format(person=person))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="CSV: course, start[, end, capacity, location, trainer, id]."
    ),
    dry_run: bool = DRY_RUN,
    by: str | None = BY,
    encoding: str | None = ENCODING,
) -> None:
    """Add or update sessions from CSV; a row without id matches a session of the same course
    and start. Nothing is stored if any row is bad.

    Example: fvm session import kurstillfallen.csv
    """
    from fvmcli.cli.writing import say_imported
    from fvmcli.services.training import import_sessions

    with importing(file):
        done = import_sessions(
            get_env(ctx, creates=True), file, dry_run=dry_run, by=by, encoding=encoding
        )
    counted = ngettext("{rows} session", "{rows} sessions", done.rows)
    say_imported(counted.format(rows=done.rows), file, done)
    for sid, person in done.promoted:
        say(_("Promoted {person} from the waitlist of {sid}.").format(person=person, sid=sid))


@app.command("list")
@output_options(csv=True)
def list_(
    ctx: typer.Context,
    out: Output,
    course: str | None = typer.Option(None, "--course", help="Only this course."),
) -> None:
    """List sessions with seats taken and waitlist length.

    Example: fvm session list --course intro-course
    """
    from fvmcli.services.training import list_sessions

    found = list_sessions(get_env(ctx), course)
    out.emit(Listing(SESSIONS, found, title=_("{count} sessions").format(count=len(found))))


@app.command("show")
@output_options()
def show_(ctx: typer.Context, out: Output, session_id: str = SESSION) -> None:
    """Show a session: who holds a seat (with attendance) and the waitlist in order.

    Example: fvm session show intro-course-2026-12-14 --json
    """
    from fvmcli.cli.views.training import session_view
    from fvmcli.services.training import roster

    out.emit(session_view(roster(get_env(ctx), session_id)))


@app.command("history")
@output_options(csv=True)
def history(ctx: typer.Context, out: Output, session_id: str = SESSION) -> None:
    """Show a session's history: its changes and every booking, attendance and result.

    Example: fvm session history millennium-fundament-2026-12-14
    """
    from fvmcli.cli.views.training import training_history_view
    from fvmcli.services.training import training_history

    rows = training_history(get_env(ctx), session_id=session_id)
    title = _("History of {session_id}").format(session_id=session_id)
    out.emit(training_history_view(rows, title, without="session"))


@app.command("enroll")
def enroll(
    ctx: typer.Context,
    session_id: str = SESSION,
    person_ids: list[str] = PEOPLE,
    force: bool = FORCE,
    reason: str | None = REASON,
    by: str | None = BY,
) -> None:
    """Enrol people: a free seat, else the waitlist in order. Missing prerequisites, a seat in
    another session of the course and overlapping bookings are refused unless --force --reason;
    the others are booked. A no-show or a waitlist place on another session does not stop a new
    booking (the waitlist place moves here).

    Example: fvm session enroll intro-course-2026-12-14 p1001 p1002
    """
    from fvmcli.errors import PartlyRefused
    from fvmcli.services.training import enroll as enroll_people

    refused: PartlyRefused | None = None
    try:
        found = enroll_people(
            get_env(ctx), session_id, person_ids, force=force, reason=reason, by=by
        )
    except PartlyRefused as exc:  # the others are booked: say so, then why these are not
        found, refused = exc.done, exc  # type: ignore[assignment]
    for e in found:
        if e.refused:
            continue
        if e.already:
            already = _("{person} is already {status}")
            say(named(already.format(person=e.person, status=word(e.status)), e.name))
            continue
        forced = " " + _("(forced)") if e.forced else ""
        say(named(f"{e.person}: {word(e.status)}{forced}", e.name))
        for other in e.moved_from:
            say("  " + _("its waitlist place in {id} moved here").format(id=other))
    if refused is not None:
        raise refused


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    session_id: str = SESSION,
    person_ids: list[str] = PEOPLE,
    by: str | None = BY,
) -> None:
    """Cancel enrolments; freed seats go to the first on the waitlist at once.

    Example: fvm session cancel intro-course-2026-12-14 p1001
    """
    from fvmcli.services.training import cancel as cancel_people

    promoted = cancel_people(get_env(ctx), session_id, person_ids, by=by)
    say(
        _("Cancelled {person_ids} in {session_id}.").format(
            person_ids=", ".join(person_ids), session_id=session_id
        )
    )
    for person_id in promoted:
        say(_("Promoted {person_id} from the waitlist.").format(person_id=person_id))


@app.command("attend")
def attend(
    ctx: typer.Context,
    session_id: str = SESSION,
    person_ids: list[str] = PEOPLE,
    no_show: bool = typer.Option(False, "--no-show", help="Record that they did not come."),
    day: str | None = typer.Option(
        None,
        "--day",
        metavar="YYYY-MM-DD",
        help="A day of a session over several days (default: today, or every day once over).",
    ),
    force: bool = FORCE,
    reason: str | None = REASON,
    by: str | None = BY,
) -> None:
    """Record attendance (or a no-show). Attendance completes a course without assessment; a
    session over several days is attended day by day, and completes when every day is.
    Before the day it is refused unless --force --reason.

    Examples: fvm session attend intro-course-2026-12-01 p1001 p1002
    fvm session attend super-user-2027-01-19 p1001 --day 2027-01-20
    """
    from fvmcli.services.training import mark_people

    marked = mark_people(
        get_env(ctx),
        session_id,
        person_ids,
        no_show=no_show,
        force=force,
        reason=reason,
        by=by,
        day=day,
    )
    for m in marked:
        line = f"{m.person}: {word(m.status)}"
        if m.days:
            line += " · " + ngettext(
                "{n} of {total} day attended", "{n} of {total} days attended", m.of_days
            ).format(n=len(m.days), total=m.of_days)
        say(named(line, m.name))


@app.command("pass")
def pass_(
    ctx: typer.Context,
    session_id: str = SESSION,
    person_ids: list[str] = PEOPLE,
    failed: bool = typer.Option(
        False, "--failed", help="Record a failed attempt instead: it stays, and counts."
    ),
    by: str | None = BY,
) -> None:
    """Record a passed assessment: completes a course that has one, after attendance. With
    --failed, a failed attempt: the course is not completed, and the attempt is kept.

    Examples: fvm session pass intro-course-2026-12-14 p1001
    fvm session pass intro-course-2026-12-14 p1002 --failed
    """
    from fvmcli.services.training import mark_people

    found = mark_people(
        get_env(ctx), session_id, person_ids, passing=not failed, failed=failed, by=by
    )
    for m in found:
        say(named(f"{m.person}: {word(m.status)}", m.name))


@app.command("roster")
def roster(
    ctx: typer.Context,
    session_id: str = SESSION,
    fmt: str | None = typer.Option(None, "--format", help="html, md, pdf or csv."),
    output: Path | None = typer.Option(None, "-o", "--output", help="File to write."),
    plain: bool = PLAIN_CSV,
) -> None:
    """Print an attendance sheet: participants with unit and role, a signature column, and the
    waitlist.

    Example: fvm session roster intro-course-2026-12-14 -o narvaro.pdf
    """
    from fvmcli.cli.writing import choose_format, write_bytes, write_document
    from fvmcli.render.roster import roster_context, roster_csv
    from fvmcli.services.training import roster as session_roster

    env = get_env(ctx)
    kind = choose_format(fmt, output, ("html", "md", "pdf", "csv"))
    found = session_roster(env, session_id)
    context = roster_context(
        found.session,
        found.course,
        found.people,
        env.curriculum,
        env.lang,
        found.units,
        found.days,
        found.attended,
    )
    if kind == "csv":
        write_bytes(roster_csv(context, plain=plain).encode("utf-8"), output)
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
    from fvmcli.services.training import calendar as session_calendar

    env = get_env(ctx)
    found = session_calendar(env, course)
    stamp = env.clock.read().astimezone(UTC)
    ics = sessions_calendar(found.sessions, found.titles, found.summaries, stamp, found.versions)
    write_bytes(ics, output)
