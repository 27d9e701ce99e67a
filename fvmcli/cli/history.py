"""``fvm history``: the history of every change as a chain that shows tampering."""

from __future__ import annotations

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import output_options
from fvmcli.cli.output import Output, Shown, say
from fvmcli.errors import ExitCode
from fvmcli.i18n import _

app = typer.Typer(help=GROUPS["history"][1], no_args_is_help=True)


@app.command("verify")
@output_options()
def verify(
    ctx: typer.Context,
    out: Output,
    head: str | None = typer.Option(
        None, "--head", metavar="HASH", help="A head recorded earlier: is it still in the history?"
    ),
) -> None:
    """Walk the history's hash chain: name the first entry that was altered, removed or
    inserted out of order, and say whether the history still extends a head recorded
    earlier. Exits 0 when it holds, 1 when not.

    Examples: fvm history verify
    fvm history verify --head 3f5a…  (the head printed by fvm info, a report or a gate)
    """
    from fvmcli.services.history import verify_history

    found = verify_history(get_env(ctx), head)
    document = {
        "entries": found.entries,
        "head": found.head,
        "ok": found.ok,
        "first_bad": None
        if found.first_bad is None
        else {"id": found.first_bad[0], "why": found.first_bad[1]},
    }

    def printer() -> None:
        if found.first_bad is not None:
            entry, why = found.first_bad
            say(
                _("History entry {id}: {why}. The history was changed outside fvm.").format(
                    id=entry, why=_(why)
                ),
                "bold red",
            )
        else:
            say(
                _("The history holds: {n} entries, head {head}.").format(
                    n=found.entries, head=found.head
                )
            )
        if found.extends is False:
            say(_("The head {head} is no longer in the history.").format(head=head), "bold red")
        elif found.extends:
            say(_("The history still extends the head {head}.").format(head=head))

    out.emit(Shown(lambda: document, printer))
    if not found.ok:
        raise typer.Exit(ExitCode.GATE_FAILED)
