"""``fvm history``: the history of every change as a chain that shows tampering."""

from __future__ import annotations

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import output_options
from fvmcli.cli.output import Output, Shown, say
from fvmcli.cli.views.record import difference_text
from fvmcli.errors import ExitCode
from fvmcli.i18n import _, ngettext

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
    """Walk the history's hash chain and replay it: name the first entry that was altered,
    removed or inserted out of order, say whether the history still extends a head recorded
    earlier, and name every row of a recorded table that differs from what the chain says
    (changed, added or removed outside fvm). Exits 0 when both hold, 1 when not.

    Examples: fvm history verify
    fvm history verify --head 3f5a…  (the head printed by fvm info, a report or a gate)
    """
    from fvmcli.services.history import verify_history

    check = verify_history(get_env(ctx), head)
    found = check.chain
    document = {
        "entries": found.entries,
        "head": found.head,
        "ok": check.ok,
        "first_bad": None
        if found.first_bad is None
        else {"id": found.first_bad[0], "why": found.first_bad[1]},
        "state": {
            "ok": check.different == 0,
            "count": check.different,
            "differences": [d.as_json() for d in check.differences],
        },
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
        if check.different:
            say(
                ngettext(
                    "{n} difference between the tables and what the history records: "
                    "changed outside fvm.",
                    "{n} differences between the tables and what the history records: "
                    "changed outside fvm.",
                    check.different,
                ).format(n=check.different),
                "bold red",
            )
            for difference in check.differences:
                say("  " + difference_text(difference))
            if check.different > len(check.differences):
                say(
                    _("  … and {n} more (all of them: --json)").format(
                        n=check.different - len(check.differences)
                    )
                )
        else:
            say(_("Every recorded table holds what the history says."))

    out.emit(Shown(lambda: document, printer))
    if not check.ok:
        raise typer.Exit(ExitCode.GATE_FAILED)
