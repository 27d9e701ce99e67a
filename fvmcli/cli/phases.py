"""``fvm phase``: rollout phases (etapper) and their go-live dates."""

from __future__ import annotations

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import BY, output_options
from fvmcli.cli.output import Listing, Output, say
from fvmcli.i18n import N_, _
from fvmcli.render.columns import Column

app = typer.Typer(help=GROUPS["phase"][1], no_args_is_help=True)

PHASES = (
    Column("phase", "phase"),
    Column("go_live", "go-live", empty=N_("not set")),
    Column("areas", "areas", table=False),
    Column("area_names", "areas", cell=lambda p: ", ".join(p.area_names), data=False),
    Column("units", "units"),
)


@app.command("list")
@output_options(csv=True)
def list_(ctx: typer.Context, out: Output) -> None:
    """List the phases with their areas, go-live dates and unit counts.

    Example: fvm phase list --json
    """
    from fvmcli.services.territory import list_phases

    out.emit(Listing(PHASES, list_phases(get_env(ctx)), title=_("Phases")))


@app.command("set")
def set_(
    ctx: typer.Context,
    phase: int = typer.Argument(..., help="Phase number (1, 2, 3)."),
    go_live: str = typer.Option(..., "--go-live", metavar="YYYY-MM-DD", help="Go-live date."),
    by: str | None = BY,
) -> None:
    """Set a phase's go-live date; every deadline of its units follows.

    Example: fvm phase set 1 --go-live 2027-04-15
    """
    from fvmcli.services.territory import set_phase

    change = set_phase(get_env(ctx, creates=True), phase, go_live, by=by)
    old = change.previous
    was = _(" (was {old})").format(old=old.isoformat()) if old and old != change.go_live else ""
    say(
        _("Phase {phase} goes live on {go_live}{was}.").format(
            phase=phase, go_live=change.go_live.isoformat(), was=was
        )
    )
