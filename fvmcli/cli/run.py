"""``fvm run``: the cut-over carried out, in rehearsals and live: marks, status, fallback."""

from __future__ import annotations

from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import output_options
from fvmcli.cli.output import Output, say
from fvmcli.i18n import _

app = typer.Typer(help=GROUPS["run"][1], no_args_is_help=True)

NAME = typer.Argument(..., metavar="NAME", help="The run's name, e.g. repetition-1 or live.")


@app.command("start")
def start(
    ctx: typer.Context,
    runbook: str = typer.Argument(..., metavar="RUNBOOK", help="The runbook's id."),
    name: str = NAME,
    phase: int = typer.Option(..., "--phase", metavar="N", help="The phase."),
    area: str | None = typer.Option(None, "--area", metavar="A", help="Only this area's units."),
    rehearsal: bool = typer.Option(False, "--rehearsal", help="A rehearsal, not the live run."),
    t0: str | None = typer.Option(
        None,
        "--t0",
        metavar="DATETIME",
        help="T0 (default: the phase's go-live date at the runbook's t0), e.g. 2027-02-10T06:00.",
    ),
    durations_from: str | None = typer.Option(
        None, "--durations-from", metavar="RUN", help="Plan with the durations measured in RUN."
    ),
) -> None:
    """Start a run of a runbook over a phase's units: a rehearsal or the live run. The run
    keeps the runbook and the units as they are now.

    Examples: fvm run start driftstart repetition-1 --phase 1 --rehearsal --t0 2027-01-20T06:00
    fvm run start driftstart skarp --phase 1 --durations-from repetition-1
    """
    from fvmcli.cli.views.runs import _when
    from fvmcli.services.runs import run_start

    found = run_start(
        get_env(ctx),
        runbook,
        name,
        phase,
        area=area,
        rehearsal=rehearsal,
        t0=t0,
        durations_from=durations_from,
    )
    say(
        _("Started {name}: {count} task instances, T0 {t0}.").format(
            name=name, count=len(found.items), t0=_when(found.t0)
        )
    )


@app.command("task")
def task(
    ctx: typer.Context,
    name: str = NAME,
    task_id: str = typer.Argument(..., metavar="TASK", help="The task's id in the runbook."),
    action: str = typer.Argument(..., metavar="start|done|failed|skipped|blocked"),
    unit: str | None = typer.Option(None, "--unit", metavar="ID", help="The unit (unit tasks)."),
    at: str | None = typer.Option(
        None, "--at", metavar="DATETIME", help="When it happened (default: now)."
    ),
    comment: str | None = typer.Option(None, "--comment", metavar="TEXT", help="A note."),
    decision: str | None = typer.Option(
        None,
        "--decision",
        metavar="LABEL",
        help="A checkpoint's decided go/no-go proposal (fvm gate decide).",
    ),
    force: bool = typer.Option(
        False, "--force", help="Start although a predecessor is not done (needs --reason)."
    ),
    reason: str | None = typer.Option(None, "--reason", metavar="TEXT", help="Why --force."),
) -> None:
    """Mark a task instance: start, done, failed, skipped or blocked. A task starts only when
    its predecessors are done or skipped; done needs a start first; a checkpoint is done only
    with --decision, and a no-go decision marks it failed. The Swedish words work too:
    starta, klar, misslyckad, överhoppad, blockerad.

    Examples: fvm run task skarp freeze start
    fvm run task skarp unit-check done --unit vc-hjo --at 2027-02-10T03:15
    fvm run task skarp go-no-go done --decision etapp1-2027-02-10
    """
    from fvmcli.cli.views.runs import _state, _when
    from fvmcli.services.runs import run_mark

    found = run_mark(
        get_env(ctx),
        name,
        task_id,
        action,
        unit=unit,
        at=at,
        comment=comment,
        decision=decision,
        force=force,
        reason=reason,
    )
    shown = task_id if unit is None else f"{task_id} ({unit})"
    say(
        _("{task}: {state} at {at}.").format(
            task=shown, state=_state(found.state), at=_when(found.at)
        )
    )


@app.command("fallback")
def fallback(
    ctx: typer.Context,
    name: str = NAME,
    reason: str = typer.Option(..., "--reason", metavar="TEXT", help="Why the run falls back."),
) -> None:
    """Fall back: the runbook's rollback tasks join the run, planned after their predecessors.

    Example: fvm run fallback skarp --reason "Migreringen blev inte klar"
    """
    from fvmcli.services.runs import run_fallback

    found = run_fallback(get_env(ctx), name, reason)
    back = sorted({i.task.id for i in found.items if i.task.rollback})
    say(
        _("{name} falls back; the way back: {tasks}.").format(
            name=name, tasks=", ".join(back) or _("none")
        )
    )


@app.command("status")
@output_options(csv=True)
def status(
    ctx: typer.Context,
    out: Output,
    name: str = NAME,
    as_of: str | None = typer.Option(
        None, "--as-of", metavar="DATETIME", help="The moment to look from (default: now)."
    ),
) -> None:
    """A run's state: each instance's state, planned and expected times, late or not, the
    critical path, the expected finish and the slip.

    Examples: fvm run status skarp
    fvm run status repetition-1 --as-of 2027-01-20T04:00 --json
    """
    from fvmcli.cli.views.runs import status_view
    from fvmcli.services.run_status import run_status

    out.emit(status_view(run_status(get_env(ctx), name, as_of)))


@app.command("watch")
def watch(
    ctx: typer.Context,
    name: str = NAME,
    every: float = typer.Option(
        10.0, "--every", min=0.2, metavar="SECONDS", help="Seconds between refreshes."
    ),
    count: int = typer.Option(
        0, "--count", min=0, help="Stop after this many refreshes (0: run until Ctrl-C)."
    ),
) -> None:
    """The command centre's live view of a run: late tasks, what is running, who owns what
    is next, the expected finish and the slip, read again every --every seconds. Ctrl-C ends.

    Example: fvm run watch skarp --every 5
    """
    from fvmcli.cli.run_watch import render_frame
    from fvmcli.cli.watch import run as refresh
    from fvmcli.services.run_status import watch_frame

    env = get_env(ctx)
    first: list[Any] = [watch_frame(env, name)]

    def fetch() -> Any:
        return first.pop() if first else watch_frame(env, name)

    refresh(fetch, every, count, render=render_frame)


@app.command("list")
@output_options(csv=True)
def list_(ctx: typer.Context, out: Output) -> None:
    """List the runs, oldest first: rehearsals and live runs, how far each has come.

    Example: fvm run list
    """
    from fvmcli.cli.views.runs import runs_view
    from fvmcli.services.run_status import run_list

    out.emit(runs_view(run_list(get_env(ctx))))


@app.command("compare")
@output_options(csv=True)
def compare(
    ctx: typer.Context,
    out: Output,
    first: str = typer.Argument(..., metavar="NAME", help="The first run."),
    second: str = typer.Argument(..., metavar="NAME", help="The run to compare with it."),
) -> None:
    """Compare the durations of two runs per task (median over units): planned, measured in
    each, and the difference. Rehearsal against rehearsal, or against the live run.

    Example: fvm run compare repetition-1 repetition-2
    """
    from fvmcli.cli.views.runs import compare_view
    from fvmcli.services.run_status import run_compare

    out.emit(compare_view(run_compare(get_env(ctx), first, second)))
