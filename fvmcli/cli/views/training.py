"""How ``fvm course`` and ``fvm session`` show courses, coverage, the plan and sessions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fvmcli.cli.output import Listing, Shown, emit_table, say, show, warn
from fvmcli.i18n import N_, _, ngettext
from fvmcli.render.columns import Column, blank_zero, value_of
from fvmcli.render.values import local_time, number_shown, percent_shown, time_span, word

COURSES = (
    Column("id", "id"),
    Column("title", "title"),
    Column("summary", "summary", table=False),
    Column("audience", "audience", table=False),
    Column("hours", "hours", number_shown),
    Column("format", "format", word),
    Column("assessment", "assessment", lambda a: _("yes") if a else ""),
    Column("prerequisites", "prerequisites", ", ".join),
    Column("modules", "modules", table=False),
)
COVERAGE = (
    Column("unit", "unit"),
    Column("staff", "staff"),
    Column("people", "registered"),
    Column("required", "required"),
    Column("completed", "completed"),
    Column("coverage", "coverage", cell=lambda r: _coverage(r)),
    Column("failed", "failed attempts", blank_zero),
)


def _coverage(row: Any) -> str:
    """Return the coverage with its denominator: ``71,4 % (20 av 28)``."""
    if value_of(row, "coverage") is None:
        return "–"
    return _("{percent} ({completed} of {required})").format(
        percent=percent_shown(value_of(row, "coverage"), 1),
        completed=value_of(row, "completed"),
        required=value_of(row, "required"),
    )


PLAN = (  # the point: what is short and the sessions to add; the course name shrinks first
    Column(
        "course", "course", cell=lambda r: f"{r['title']} ({r['course']})", shrink=True, least=24
    ),
    Column("missing", "missing", drop=0),
    Column("booked", "booked", drop=3),
    Column("waitlisted", "waitlisted", drop=2),
    Column("free_seats", "free seats", drop=1),
    Column("shortfall", "shortfall", drop=0),
    Column("sessions_to_add", "sessions to add", drop=0),
)
PLAN_AREAS = (
    Column("course", "course"),
    Column("area", "area"),
    Column("missing", "missing"),
    Column("booked", "booked"),
    Column("waitlisted", "waitlisted"),
    Column("shortfall", "shortfall"),
    Column("sessions_to_add", "sessions to add"),
)


def courses_view(rows: list[dict[str, Any]]) -> Listing:
    """Return ``course list``."""
    return Listing(COURSES, rows, title=_("Courses"))


def course_view(
    data: dict[str, Any],
    detail: Any,
    roles: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
) -> Shown:
    """Return ``course show``: its facts, the roles that require it and its prerequisites by
    name (``roles``, ``titles``: id → name; the JSON keeps the ids) and its modules."""
    course = detail.course
    named_roles = [(roles or {}).get(r, r) for r in detail.required_by]

    def printed() -> None:
        say(f"{data['title']} ({course.id})", "bold")
        if data["summary"]:
            say(data["summary"])
        say(
            _(
                "{hours} h · {course} · assessment: {assessment} · prerequisites: {prerequisites}"
            ).format(
                hours=number_shown(course.hours),
                course=word(course.format),
                assessment=_("yes") if course.assessment else _("no"),
                prerequisites=", ".join((titles or {}).get(c, c) for c in course.prerequisites)
                or _("none"),
            )
        )
        say(
            _("Required for: {required_by}").format(
                required_by=", ".join(named_roles) or _("no role")
            )
        )
        if data["modules"]:
            emit_table(
                [N_("module"), N_("hours")],
                [[m["title"], number_shown(m["hours"])] for m in data["modules"]],
            )

    return Shown(lambda: data, printed)


def coverage_view(rows: list[Any]) -> Shown:
    """Return ``course coverage``: one row per unit."""
    listing = Listing(COVERAGE, rows, title=_("Training coverage"))

    def printed() -> None:
        listing.show()
        registered = sum(r.people for r in rows)
        staff = sum(r.staff or 0 for r in rows)
        if staff and registered != staff:  # say what the figures count, where it differs
            say(
                _(
                    "Coverage counts the people registered in fvm ({registered}), not the staff "
                    "of the units ({staff}): register the others with 'fvm person import'."
                ).format(registered=registered, staff=staff),
                "dim",
            )

    return Shown(lambda: {"units": rows}, printed, listing)


def plan_view(found: Any, phase: int) -> Shown:
    """Return ``course plan``: per course, then per area, then the sessions to add."""
    listing = Listing(
        PLAN,
        found.rows(),
        title=_("Training plan for phase {phase}, {start} – {end}, {seats} seats a session").format(
            phase=phase,
            start=found.as_of.isoformat(),
            end=found.window_end.isoformat() if found.window_end else _("no go-live date"),
            seats=found.capacity,
        ),
    )

    def printed() -> None:
        if found.window_end is None:
            warn(
                _(
                    "Phase {phase} has no go-live date: every coming session counts. Set one with:"
                ).format(phase=phase),
                command=_("fvm phase set {phase} --go-live YYYY-MM-DD").format(phase=phase),
            )
        listing.show()
        by_area = found.area_rows()
        if by_area:
            show(PLAN_AREAS, by_area, title=_("Per area"))
        add = sum(c.total.sessions_to_add for c in found.courses)
        say(
            ngettext("{n} session to add in all.", "{n} sessions to add in all.", add).format(n=add)
            if add
            else _("The sessions planned hold every seat the phase needs.")
        )

    return Shown(found.as_json, printed, listing)


SEATS = (
    Column("n", "#"),
    Column("person", "person"),
    Column("name", "name"),
    Column("status", "status", word),
)
WAITLIST = (Column("n", "#"), Column("person", "person"), Column("name", "name"))


def named(line: str, name: str | None) -> str:
    """Return a line about a person (it begins with the id, which scripts and habits look
    for) with the person's name after it, as people read them; an erased person has none."""
    return f"{line} – {name}" if name else line


def named_id(person_id: str, name: str | None) -> str:
    """Return a person as a sentence names them: ``Åsa Öberg (t06)``; the id alone when the
    person is erased."""
    return f"{name} ({person_id})" if name else person_id


def person_name(person_id: str, people: dict[str, Any]) -> str:
    """Return a stored person's name (``people``: id → Person); empty when erased."""
    found = people.get(person_id)
    return (found.name if found is not None else None) or ""


def session_view(found: Any) -> Shown:
    """Return ``session show`` (from the session's roster): the session's line, its seats and
    its waitlist in order, people by name; the JSON is the session as stored (ids)."""
    data = found.session

    def printed() -> None:
        say(
            _("{id} · {course} · {span} · {count}/{capacity} seats · {location}").format(
                id=data["id"],
                course=data["course"],
                span=time_span(data["start"], data["end"]),
                count=len(data["enrolled"]),
                capacity=data["capacity"],
                location=data["location"] or "",
            )
        )
        seats = [
            {
                "n": i + 1,
                "person": p,
                "name": person_name(p, found.people),
                "status": data["status"][p],
            }
            for i, p in enumerate(data["enrolled"])
        ]
        show(SEATS, seats, title=_("Seats"))
        if data["waitlist"]:
            waiting = [
                {"n": i + 1, "person": p, "name": person_name(p, found.people)}
                for i, p in enumerate(data["waitlist"])
            ]
            show(WAITLIST, waiting, title=_("Waitlist"))

    return Shown(lambda: data, printed)


TRAINING_HISTORY = (
    Column("at", "at", lambda at: local_time(at) or ""),
    Column("session", "session"),
    Column("course", "course", table=False),
    Column("person", "person"),
    Column("previous", "previous", word),
    Column("status", "status", word),
    Column("comment", "comment"),
    Column("by", "by"),
)


def training_history_view(rows: list[dict[str, Any]], title: str, *, without: str) -> Listing:
    """Return ``person history`` (``without`` the person column) or ``session history``
    (without the session column); JSON and CSV keep both."""
    columns = tuple(replace(c, table=False) if c.key == without else c for c in TRAINING_HISTORY)
    return Listing(columns, rows, title=title)
