"""``fvm access``: who may change what on a shared PostgreSQL database."""

from __future__ import annotations

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import output_options
from fvmcli.cli.output import Listing, Output, Shown, say, show
from fvmcli.core.access import ROLE_MEANING
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import Column

app = typer.Typer(
    help=GROUPS["access"][1],
    no_args_is_help=True,
)

LOGIN = typer.Argument(..., metavar="LOGIN", help="A login on the database server.")
UNITS = typer.Option([], "--unit", metavar="U", help="Only this unit (repeatable).")
AREAS = typer.Option([], "--area", metavar="A", help="Only this area (repeatable).")
GRANTS = (
    Column("login", "login"),
    Column("role", "role"),
    Column("unit", "unit"),
    Column("area", "area"),
    Column("may", "may", cell=lambda g: _(ROLE_MEANING.get(g.role, "")), data=False),
)


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


@app.command("grant")
def grant(
    ctx: typer.Context,
    login: str = LOGIN,
    role: str = typer.Option(..., "--role", help="reader, answerer, trainer, lead or admin."),
    units: list[str] = UNITS,
    areas: list[str] = AREAS,
) -> None:
    """Give a login a role, on units or areas (answerer, lead) or everywhere (admins).

    Example: fvm access grant anna --role answerer --unit vc-hjo
    """
    from fvmcli.services.access import grant as give

    added = give(get_env(ctx), login, role, units=units, areas=areas)
    from fvmcli.render.values import scope_text

    scope = scope_text(units, areas)
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
) -> None:
    """Take rights from a login: takes effect at once.

    Example: fvm access revoke anna --role answerer --unit vc-hjo
    """
    from fvmcli.services.access import revoke as take

    removed = take(get_env(ctx), login, role=role, units=units, areas=areas)
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
    from fvmcli.services.access import list_grants

    found = list_grants(get_env(ctx))
    out.emit(Listing(GRANTS, found, title=_("{count} grants").format(count=len(found))))


@app.command("whoami")
@output_options()
def whoami(ctx: typer.Context, out: Output) -> None:
    """Show the login the database authenticated, and what it may do.

    Example: fvm access whoami
    """
    from fvmcli.render.columns import data_rows
    from fvmcli.services.access import whoami as who

    state = who(get_env(ctx))

    def printed() -> None:
        say(_("You are {login} on {backend}.").format(login=state.login, backend=state.backend))
        if not state.enforced:
            say(
                _(
                    "Rights are not enforced on this database: anyone who can connect may "
                    "change anything."
                )
            )
            return
        if not state.grants:
            say(_("You have no grant: you may read nothing and change nothing."))
        show(GRANTS, state.grants, title=_("Your grants"))

    document = {
        "login": state.login,
        "backend": state.backend,
        "enforced": state.enforced,
        "grants": data_rows(GRANTS, state.grants),
    }
    out.emit(Shown(lambda: document, printed))
