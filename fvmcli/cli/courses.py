"""``fvm course``: the curriculum and training coverage per unit."""

from __future__ import annotations

from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.output import emit_json, emit_table, say
from fvmcli.errors import UnknownIdError

app = typer.Typer(help="Courses: the curriculum and training coverage.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON.")


def course_json(course: Any, lang: str) -> dict[str, Any]:
    """Return a course as JSON."""
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
    env = get_env(ctx)
    courses = [course_json(c, env.lang) for c in env.curriculum.courses.values()]
    if as_json:
        emit_json(courses)
        return
    emit_table(
        ["id", "title", "hours", "format", "assessment", "prerequisites"],
        [
            [
                c["id"],
                c["title"],
                f"{c['hours']:g}",
                c["format"],
                "yes" if c["assessment"] else "",
                ", ".join(c["prerequisites"]),
            ]
            for c in courses
        ],
        title="Courses",
    )


@app.command("show")
def show(
    ctx: typer.Context, course_id: str = typer.Argument(..., metavar="COURSE"), as_json: bool = JSON
) -> None:
    """Show one course with its modules and the roles that require it.

    Example: fvm course show millennium-fundament
    """
    env = get_env(ctx)
    course = env.curriculum.courses.get(course_id)
    if course is None:
        known = ", ".join(env.curriculum.courses)
        raise UnknownIdError(f"no course {course_id!r} (known: {known})")
    data = course_json(course, env.lang)
    data["required_by"] = [r.id for r in env.curriculum.roles.values() if course.id in r.requires]
    if as_json:
        emit_json(data)
        return
    say(f"{data['title']} ({course.id})", "bold")
    if data["summary"]:
        say(data["summary"])
    say(
        f"{course.hours:g} h · {course.format} · assessment: {'yes' if course.assessment else 'no'}"
        f" · prerequisites: {', '.join(course.prerequisites) or 'none'}"
    )
    say(f"Required for: {', '.join(data['required_by']) or 'no role'}")
    if data["modules"]:
        emit_table(["module", "hours"], [[m["title"], f"{m['hours']:g}"] for m in data["modules"]])


@app.command("coverage")
def coverage(
    ctx: typer.Context,
    unit_ids: list[str] = typer.Option([], "--unit", metavar="ID", help="Only these units."),
    area: str | None = typer.Option(None, "--area", help="Only this area."),
    phase: int | None = typer.Option(None, "--phase", help="Only this phase."),
    unit_type: str | None = typer.Option(None, "--type", help="Only this unit type."),
    as_json: bool = JSON,
) -> None:
    """Training coverage per unit: people, required (person, course) pairs, completed pairs.

    Example: fvm course coverage --phase 1 --json
    """
    from fvmcli.cli.units import selection
    from fvmcli.core.training import coverage as unit_coverage
    from fvmcli.store.training import completed_pairs, people_by_unit

    env = get_env(ctx)
    with env.db.read() as conn:
        units, ids = selection(
            env, conn, unit_ids=unit_ids, area=area, phase=phase, unit_type=unit_type
        )
        people = people_by_unit(conn, ids)
        done = completed_pairs(conn, ids)
    requires = env.curriculum.requires()
    rows = []
    for unit in units:
        result = unit_coverage(people.get(unit.id, []), requires, done)
        rows.append(
            {
                "unit": unit.id,
                "people": result.people,
                "required": result.required,
                "completed": result.completed,
                "coverage": result.percent,
            }
        )
    if as_json:
        emit_json({"units": rows})
        return
    emit_table(
        ["unit", "people", "required", "completed", "coverage"],
        [
            [
                r["unit"],
                r["people"],
                r["required"],
                r["completed"],
                "–" if r["coverage"] is None else f"{r['coverage']:.1f}%",
            ]
            for r in rows
        ],
        title="Training coverage",
    )
