"""``fvm course``: the curriculum and training coverage per unit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import AS_OF, output_options, unit_filters
from fvmcli.cli.output import Output
from fvmcli.errors import InputError
from fvmcli.i18n import _

app = typer.Typer(help=GROUPS["course"][1], no_args_is_help=True)


@app.command("list")
@output_options(csv=True)
def list_(ctx: typer.Context, out: Output) -> None:
    """List the courses.

    Example: fvm course list
    """
    from fvmcli.cli.views.training import courses_view
    from fvmcli.services.training import course_rows

    out.emit(courses_view(course_rows(get_env(ctx))))


@app.command("show")
@output_options()
def show_(
    ctx: typer.Context, out: Output, course_id: str = typer.Argument(..., metavar="COURSE")
) -> None:
    """Show one course with its modules and the roles that require it.

    Example: fvm course show intro-course
    """
    from fvmcli.cli.views.training import course_view
    from fvmcli.services.training import show_course

    env = get_env(ctx)
    detail = show_course(env, course_id)
    roles = {r.id: r.name.get(env.lang) for r in env.curriculum.roles.values()}
    titles = {c.id: c.title.get(env.lang) for c in env.curriculum.courses.values()}
    out.emit(course_view(detail.as_json(env.lang), detail, roles, titles))


@app.command("coverage")
@unit_filters(units=True)
@output_options(csv=True)
def coverage(ctx: typer.Context, filters: Any, out: Output) -> None:
    """Training coverage per unit: people, required (person, course) pairs, completed pairs.

    Example: fvm course coverage --phase 1 --json
    """
    from fvmcli.cli.views.training import coverage_view
    from fvmcli.services.training import coverage as unit_coverage

    out.emit(coverage_view(unit_coverage(get_env(ctx), filters)))


@app.command("plan")
@output_options(csv=True)
def plan(
    ctx: typer.Context,
    out: Output,
    phase: int = typer.Option(..., "--phase", metavar="N", help="The phase to plan for."),
    area: str | None = typer.Option(None, "--area", metavar="A", help="Only this area."),
    capacity: int = typer.Option(12, "--capacity", metavar="N", help="Seats in a session to add."),
    as_of: str | None = AS_OF,
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
    from fvmcli.cli.views.training import plan_view
    from fvmcli.services.plan import course_plan

    env = get_env(ctx)
    if output is not None and output.suffix.lower() != ".xlsx":
        raise InputError(_("-o: the plan is written as .xlsx, not {name}").format(name=output.name))
    found = course_plan(env, phase, area=area, capacity=capacity, as_of=as_of)
    if output is not None:
        from fvmcli.cli.writing import write_file
        from fvmcli.render.plan_sheet import plan_workbook

        # With --json or --csv stdout holds the document alone: the file is written quietly.
        write_file(output, lambda path: plan_workbook(found, path), quiet=out.for_scripts)
    out.emit(plan_view(found, phase))
