"""``fvm course``: the curriculum and training coverage per unit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import AS_OF, JSON, unit_filters
from fvmcli.cli.output import emit_json, emit_table, say, show, warn
from fvmcli.errors import InputError
from fvmcli.i18n import N_, _, ngettext
from fvmcli.render.columns import Column
from fvmcli.render.values import number_shown, percent_shown, word

app = typer.Typer(help=GROUPS["course"][1], no_args_is_help=True)

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
    Column("people", "people"),
    Column("required", "required"),
    Column("completed", "completed"),
    Column("coverage", "coverage", lambda v: percent_shown(v, 1)),
)


def course_json(course: Any, lang: str) -> dict[str, Any]:
    """Return a course as JSON, texts in ``lang``."""
    return {
        "id": course.id,
        "title": course.title.get(lang),
        "summary": course.summary.get(lang) if course.summary else None,
        "audience": list(course.audience),
        "prerequisites": list(course.prerequisites),
        "hours": course.hours,
        "format": course.format,
        "assessment": course.assessment,
        "modules": [{"title": m.title.get(lang), "hours": m.hours} for m in course.modules],
    }


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List the courses.

    Example: fvm course list
    """
    from fvmcli.services.training import list_courses

    env = get_env(ctx)
    rows = [course_json(c, env.lang) for c in list_courses(env)]
    show(COURSES, rows, as_json=as_json, title=_("Courses"))


@app.command("show")
def show_(
    ctx: typer.Context, course_id: str = typer.Argument(..., metavar="COURSE"), as_json: bool = JSON
) -> None:
    """Show one course with its modules and the roles that require it.

    Example: fvm course show millennium-fundament
    """
    from fvmcli.services.training import show_course

    env = get_env(ctx)
    detail = show_course(env, course_id)
    course = detail.course
    data = {**course_json(course, env.lang), "required_by": detail.required_by}
    if as_json:
        emit_json(data)
        return
    say(f"{data['title']} ({course.id})", "bold")
    if data["summary"]:
        say(data["summary"])
    say(
        _(
            "{hours:g} h · {course} · assessment: {assessment} · prerequisites: {prerequisites}"
        ).format(
            hours=course.hours,
            course=word(course.format),
            assessment=_("yes") if course.assessment else _("no"),
            prerequisites=", ".join(course.prerequisites) or _("none"),
        )
    )
    say(
        _("Required for: {required_by}").format(
            required_by=", ".join(detail.required_by) or _("no role")
        )
    )
    if data["modules"]:
        emit_table(
            [N_("module"), N_("hours")], [[m["title"], f"{m['hours']:g}"] for m in data["modules"]]
        )


@app.command("coverage")
@unit_filters(units=True)
def coverage(ctx: typer.Context, filters: Any, as_json: bool = JSON) -> None:
    """Training coverage per unit: people, required (person, course) pairs, completed pairs.

    Example: fvm course coverage --phase 1 --json
    """
    from fvmcli.services.training import coverage as unit_coverage

    rows = unit_coverage(get_env(ctx), filters)
    if as_json:
        emit_json({"units": rows})
        return
    show(COVERAGE, rows, as_json=False, title=_("Training coverage"))


PLAN = (
    Column("course", "course", cell=lambda r: f"{r['title']} ({r['course']})"),
    Column("title", "title", table=False),
    Column("missing", "missing"),
    Column("booked", "booked"),
    Column("waitlisted", "waitlisted"),
    Column("free_seats", "free seats"),
    Column("shortfall", "shortfall"),
    Column("sessions_to_add", "sessions to add"),
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


@app.command("plan")
def plan(
    ctx: typer.Context,
    phase: int = typer.Option(..., "--phase", metavar="N", help="The phase to plan for."),
    area: str | None = typer.Option(None, "--area", metavar="A", help="Only this area."),
    capacity: int = typer.Option(
        12, "--capacity", metavar="N", help="Seats in a session to add (default 12)."
    ),
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Also write the plan as FILE.xlsx, a sheet per course."
    ),
) -> None:
    """Training capacity plan: per course, how many of the phase's people still miss it, how
    many hold a seat before go-live or only wait, the free seats, the shortfall and the
    sessions to add; then the same per area, worst first.

    Examples:
      fvm course plan --phase 1
      fvm course plan --phase 1 --capacity 16 -o plan.xlsx
    """
    from fvmcli.services.plan import course_plan

    env = get_env(ctx)
    if output is not None and output.suffix.lower() != ".xlsx":
        raise InputError(_("-o: the plan is written as .xlsx, not {name}").format(name=output.name))
    found = course_plan(env, phase, area=area, capacity=capacity, as_of=as_of)
    if output is not None:
        from fvmcli.cli.writing import atomic_path, write_file
        from fvmcli.render.plan_sheet import plan_workbook

        if as_json:  # stdout holds the JSON document alone
            with atomic_path(output) as temporary:
                plan_workbook(found, temporary)
        else:
            write_file(output, lambda path: plan_workbook(found, path))
    if as_json:
        emit_json(found.as_json())
        return
    if found.window_end is None:
        warn(
            _(
                "Phase {phase} has no go-live date: every coming session counts. Set one with "
                "fvm phase set {phase} --go-live YYYY-MM-DD"
            ).format(phase=phase)
        )
    window = found.window_end.isoformat() if found.window_end else _("no go-live date")
    show(
        PLAN,
        found.rows(),
        as_json=False,
        title=_("Training plan for phase {phase}, {start} – {end}, {seats} seats a session").format(
            phase=phase, start=found.as_of.isoformat(), end=window, seats=found.capacity
        ),
    )
    by_area = found.area_rows()
    if by_area:
        show(PLAN_AREAS, by_area, as_json=False, title=_("Per area"))
    add = sum(c.total.sessions_to_add for c in found.courses)
    say(
        ngettext("{n} session to add in all.", "{n} sessions to add in all.", add).format(n=add)
        if add
        else _("The sessions planned hold every seat the phase needs.")
    )
