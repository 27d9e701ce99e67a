"""``fvm course``: the curriculum and training coverage per unit."""

from __future__ import annotations

from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import JSON, unit_filters
from fvmcli.cli.output import emit_json, emit_table, say, show
from fvmcli.i18n import N_, _
from fvmcli.render.columns import Column
from fvmcli.render.values import percent_shown

app = typer.Typer(help=GROUPS["course"][1], no_args_is_help=True)

COURSES = (
    Column("id", "id"),
    Column("title", "title"),
    Column("summary", "summary", table=False),
    Column("audience", "audience", table=False),
    Column("hours", "hours", lambda h: f"{h:g}"),
    Column("format", "format"),
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
            course=course.format,
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
