"""``fvm runbook``: the cut-over's runbooks and their planned schedule from T0."""

from __future__ import annotations

from pathlib import Path

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import output_options
from fvmcli.cli.output import Output
from fvmcli.errors import InputError
from fvmcli.i18n import _

app = typer.Typer(help=GROUPS["runbook"][1], no_args_is_help=True)

RUNBOOK = typer.Argument(..., metavar="RUNBOOK", help="The runbook's id, e.g. driftstart.")


@app.command("list")
@output_options()
def list_(ctx: typer.Context, out: Output) -> None:
    """List the runbooks of the content (runbooks/<id>.toml).

    Example: fvm runbook list
    """
    from fvmcli.cli.views.runs import runbooks_view
    from fvmcli.services.runbooks import runbook_list

    env = get_env(ctx)
    out.emit(runbooks_view(runbook_list(env), env.lang))


@app.command("show")
@output_options()
def show(ctx: typer.Context, out: Output, runbook: str = RUNBOOK) -> None:
    """Show a runbook's tasks: owner, planned start from T0, duration, predecessors, once per
    phase or per unit, checkpoints and the way back.

    Example: fvm runbook show driftstart
    """
    from fvmcli.cli.views.runs import runbook_view
    from fvmcli.services.runbooks import runbook_show

    env = get_env(ctx)
    out.emit(runbook_view(runbook_show(env, runbook), env.lang))


@app.command("plan")
@output_options(csv=True)
def plan(
    ctx: typer.Context,
    out: Output,
    runbook: str = RUNBOOK,
    phase: int = typer.Option(..., "--phase", metavar="N", help="The phase."),
    area: str | None = typer.Option(None, "--area", metavar="A", help="Only this area's units."),
    t0: str | None = typer.Option(
        None,
        "--t0",
        metavar="DATETIME",
        help="T0 (default: the phase's go-live date at the runbook's t0), e.g. 2027-02-10T06:00.",
    ),
    durations_from: str | None = typer.Option(
        None, "--durations-from", metavar="RUN", help="Plan with the durations measured in RUN."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write FILE.xlsx (for printing) or FILE.ics (a calendar)."
    ),
) -> None:
    """The planned schedule from T0: every task instance (per unit where the task is), its
    owner, planned start and finish, the critical path marked.

    Examples: fvm runbook plan driftstart --phase 1
    fvm runbook plan driftstart --phase 1 -o driftstart.xlsx
    fvm runbook plan driftstart --phase 1 --durations-from repetition-1 -o helgen.ics
    """
    from fvmcli.cli.views.runs import plan_view
    from fvmcli.services.runbooks import runbook_plan

    env = get_env(ctx)
    found = runbook_plan(env, runbook, phase, area=area, t0=t0, durations_from=durations_from)
    if output is None:
        out.emit(plan_view(found))
        return
    suffix = output.suffix.lower()
    title = _("{title}, phase {phase}").format(title=found.title, phase=found.phase)
    if suffix == ".xlsx":
        from fvmcli.cli.writing import write_file
        from fvmcli.render.run_plan import plan_workbook

        write_file(output, lambda path: plan_workbook(title, found.rows, path))
    elif suffix == ".ics":
        from datetime import UTC

        from fvmcli.cli.writing import write_bytes
        from fvmcli.render.run_plan import plan_calendar

        stamp = env.clock.read().astimezone(UTC)
        write_bytes(plan_calendar(found.runbook.id, phase, title, found.rows, stamp), output)
    else:
        raise InputError(_("-o: write a .xlsx or .ics file, got {name}").format(name=output.name))
