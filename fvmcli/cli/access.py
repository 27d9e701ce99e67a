"""``fvm access``: who may change what on a shared PostgreSQL database."""

from __future__ import annotations

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import output_options
from fvmcli.cli.output import Output, Shown, say
from fvmcli.errors import ExitCode
from fvmcli.i18n import N_, _, ngettext

app = typer.Typer(
    help=GROUPS["access"][1],
    no_args_is_help=True,
)

LOGIN = typer.Argument(..., metavar="LOGIN", help="A login on the database server.")
UNITS = typer.Option([], "--unit", metavar="U", help="Only this unit (repeatable).")
AREAS = typer.Option([], "--area", metavar="A", help="Only this area (repeatable).")


@app.command("init")
def init(
    ctx: typer.Context,
    admin: str | None = typer.Option(
        None,
        "--admin",
        metavar="LOGIN",
        help="The login to make the first admin (default: the login running this).",
    ),
) -> None:
    """Make the database enforce rights for every client: group roles, privileges, row-level
    security, and the login stamped on every change; and make the login running it (or
    --admin LOGIN) an admin, who grants everyone else their rights. Run it as the owner of
    fvm's tables.

    Example: fvm --db postgresql://fvm_owner@dbhost/fvm access init --admin lena
    """
    from fvmcli.services.access import init as setup

    done = setup(get_env(ctx), admin)
    say(_("Rights are enforced: each login may change only what its grants allow."))
    if done.new_admin:
        say(
            _("{login} is now an admin and can grant rights: fvm access grant …").format(
                login=done.admin
            )
        )
    else:
        say(_("{login} was already an admin.").format(login=done.admin))


GATE_ROLE = typer.Option(
    None,
    "--gate-role",
    help="With --role voter: the role of the gate (gates.toml) the login votes for.",
)


@app.command("grant")
def grant(
    ctx: typer.Context,
    login: str = LOGIN,
    role: str = typer.Option(
        ..., "--role", help="reader, answerer, trainer, voter, owner, content, lead or admin."
    ),
    units: list[str] = UNITS,
    areas: list[str] = AREAS,
    gate_role: str | None = GATE_ROLE,
    owners: list[str] = typer.Option(
        [],
        "--owner",
        metavar="OWNER",
        help="With --role owner: a task owner of the runbooks (courses/roles.toml) whose "
        "tasks of a run the login marks, wherever they are (repeatable).",
    ),
) -> None:
    """Give a login a role, on units or areas (answerer, lead) or everywhere (admins); a
    voter votes on a go/no-go for the one role of the gate its grant names; an owner marks
    the tasks of a run whose owner its grant names (fvm run task), of every unit.

    Example: fvm access grant anna --role answerer --unit clinic-12

    Example: fvm access grant karin --role voter --gate-role chefslakare

    Example: fvm access grant olle --role owner --owner desk-team
    """
    from fvmcli.services.access import grant as give

    added = give(
        get_env(ctx), login, role, units=units, areas=areas, gate_role=gate_role, owners=owners
    )
    from fvmcli.render.values import scope_text

    scope = gate_role or ", ".join(owners) or scope_text(units, areas)
    say(
        (
            _("{login} is {role} for {scope}.")
            if added
            else _("{login} was already {role} for {scope}.")
        ).format(login=login, role=role, scope=scope)
    )


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    login: str = LOGIN,
    role: str | None = typer.Option(None, "--role", help="Only this role."),
    units: list[str] = UNITS,
    areas: list[str] = AREAS,
    gate_role: str | None = typer.Option(
        None, "--gate-role", help="Only the voter's grant for this role of the gate."
    ),
    owners: list[str] = typer.Option(
        [], "--owner", metavar="OWNER", help="Only the owner's grant for this task owner."
    ),
) -> None:
    """Take rights from a login: takes effect at once.

    Example: fvm access revoke anna --role answerer --unit clinic-12

    Example: fvm access revoke olle --role owner --owner desk-team
    """
    from fvmcli.services.access import revoke as take

    removed = take(
        get_env(ctx),
        login,
        role=role,
        units=units,
        areas=areas,
        gate_role=gate_role,
        owners=owners,
    )
    say(
        ngettext(
            "Revoked {removed} grant of {login}.", "Revoked {removed} grants of {login}.", removed
        ).format(removed=removed, login=login)
    )


@app.command("list")
@output_options(csv=True)
def list_(ctx: typer.Context, out: Output) -> None:
    """List every grant.

    Example: fvm access list --json
    """
    from fvmcli.cli.views.system import grants_view
    from fvmcli.services.access import list_grants

    out.emit(grants_view(list_grants(get_env(ctx))))


@app.command("whoami")
@output_options()
def whoami(ctx: typer.Context, out: Output) -> None:
    """Show the login the database authenticated, and what it may do.

    Example: fvm access whoami
    """
    from fvmcli.cli.views.system import whoami_view
    from fvmcli.services.access import whoami as who

    out.emit(whoami_view(who(get_env(ctx))))


# What each gap of ``fvm access check`` means, in words.
GAPS = {
    "row-level security": N_("no row-level security: any login with a privilege writes any row"),
    "record": N_("a change is not refused when it comes without its history entry"),
    "four-eyes": N_("an attestation or approval by its own giver is not refused"),
    "public": N_("every login may write it (a privilege of PUBLIC)"),
    "rights": N_("rights are not set up: run 'fvm access init' as the owner of the tables"),
}


@app.command("check")
@output_options()
def check(ctx: typer.Context, out: Output) -> None:
    """Check that no login can change a recorded table outside the record: each table has
    row-level security, refuses a change that comes without its history entry, and (answers,
    waivers) refuses four eyes given by the same person. Exits 1 naming each table that does
    not; 'fvm access init' sets it all up again.

    Example: fvm --db postgresql://fvm@dbhost/fvm access check
    """
    from fvmcli.services.access import check as find

    found = find(get_env(ctx))
    document = {
        "enforced": found.enforced,
        "ok": found.enforced and not found.gaps,
        "gaps": [{"table": t, "gap": g} for t, g in found.gaps],
    }

    def printer() -> None:
        if not found.enforced and not found.gaps:
            say(
                _(
                    "A SQLite file is one person's: it cannot stop anyone who has the file from "
                    "changing it. 'fvm history verify' finds what was changed beside fvm."
                )
            )
            return
        if not found.gaps:
            say(_("Every recorded table is written through the record only."))
            return
        say(_("Recorded tables a login can change outside the record:"), "bold red")
        for table, gap in found.gaps:
            say(f"  {table}: {_(GAPS[gap])}", "red")
        say(_("Set it up again with:"))
        say("  fvm access init")

    out.emit(Shown(lambda: document, printer))
    if found.gaps:
        raise typer.Exit(ExitCode.GATE_FAILED)
