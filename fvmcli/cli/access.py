"""``fvm access``: who may change what on a shared PostgreSQL database."""

from __future__ import annotations

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import output_options
from fvmcli.cli.output import Output, say
from fvmcli.i18n import _, ngettext

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
        ..., "--role", help="reader, answerer, trainer, voter, lead or admin."
    ),
    units: list[str] = UNITS,
    areas: list[str] = AREAS,
    gate_role: str | None = GATE_ROLE,
) -> None:
    """Give a login a role, on units or areas (answerer, lead) or everywhere (admins); a
    voter votes on a go/no-go for the one role of the gate its grant names.

    Example: fvm access grant anna --role answerer --unit vc-hjo

    Example: fvm access grant karin --role voter --gate-role chefslakare
    """
    from fvmcli.services.access import grant as give

    added = give(get_env(ctx), login, role, units=units, areas=areas, gate_role=gate_role)
    from fvmcli.render.values import scope_text

    scope = gate_role if gate_role else scope_text(units, areas)
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
) -> None:
    """Take rights from a login: takes effect at once.

    Example: fvm access revoke anna --role answerer --unit vc-hjo
    """
    from fvmcli.services.access import revoke as take

    removed = take(get_env(ctx), login, role=role, units=units, areas=areas, gate_role=gate_role)
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
