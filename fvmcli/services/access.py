"""Who may change what: the login, its grants, the check every write makes, and the setup
that makes PostgreSQL enforce the same rights for every client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fvmcli.core.access import (
    ACTION_WORDS,
    GRANTABLE,
    ROLES,
    Grant,
    allows,
)
from fvmcli.core.model import Unit
from fvmcli.errors import EnvironmentProblem, InputError, NotPermitted
from fvmcli.i18n import _
from fvmcli.services.context import Context

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

MAX_NAMED = 20  # forbidden units named in one refusal


def enforced(conn: Connection) -> bool:
    """Return True when this database enforces rights (PostgreSQL after ``access init``)."""
    from fvmcli.store.access import rights_configured

    return rights_configured(conn)


def require(
    ctx: Context, conn: Connection, action: str, units: Iterable[Unit] | None = None
) -> None:
    """Refuse (exit 5) when the login may not ``action`` on every one of ``units`` (None: an
    action that is not about units), naming the login, the action, every unit refused and the
    grant that would allow it. Nothing is checked where rights are not configured."""
    if not enforced(conn):
        return
    from fvmcli.store.access import grants_of

    login = ctx.db.login
    grants = grants_of(conn, login)
    role = GRANTABLE[action]
    if units is None:
        if not allows(grants, action, None, None):
            raise NotPermitted(
                _("{login} may not {action}").format(login=login, action=_(ACTION_WORDS[action])),
                hint=_("An admin can run: fvm access grant {login} --role {role}").format(
                    login=login, role=role
                ),
            )
        return
    refused = sorted({u.id for u in units if not allows(grants, action, u.id, u.area)})
    if refused:
        shown = ", ".join(refused[:MAX_NAMED])
        if len(refused) > MAX_NAMED:
            shown += _(" and {MAX_NAMED} more").format(MAX_NAMED=len(refused) - MAX_NAMED)
        units_opt = " ".join(_("--unit {u}").format(u=u) for u in refused[:3])
        raise NotPermitted(
            _("{login} may not {action} {shown}; nothing was stored").format(
                login=login, action=_(ACTION_WORDS[action]), shown=shown
            ),
            hint=_("An admin can run: fvm access grant {login} --role {role} {units_opt}").format(
                login=login, role=role, units_opt=units_opt
            ),
        )


@dataclass(frozen=True)
class AccessState:
    """The login, whether rights are enforced, and the login's grants."""

    login: str
    backend: str
    enforced: bool
    grants: list[Grant]


def whoami(ctx: Context) -> AccessState:
    """Return who the database says this is, and what they may do."""
    from fvmcli.store.access import grants_of

    with ctx.db.read() as conn:
        on = enforced(conn)
        grants = grants_of(conn, ctx.db.login)
    return AccessState(ctx.db.login, ctx.db.backend, on, grants)


def list_grants(ctx: Context) -> list[Grant]:
    """Return every grant, by login, role and scope."""
    from fvmcli.store.access import grants_of

    with ctx.db.read() as conn:
        return grants_of(conn)


def _postgres(ctx: Context, what: str) -> None:
    if ctx.db.backend != "postgresql":
        raise InputError(
            _(
                "{what} is for a shared PostgreSQL database; a SQLite file belongs to one person"
            ).format(what=what),
            hint=_("Use --db postgresql://user@host/db."),
        )


def init(ctx: Context) -> None:
    """Make the database enforce rights: group roles, privileges, row-level security and the
    login stamp on history. Needs the owner of the tables (and CREATEROLE). Safe to repeat."""
    from fvmcli.store.access import setup_rights

    _postgres(ctx, "fvm access init")
    try:
        with ctx.db.write() as conn:
            setup_rights(conn)
    except NotPermitted as exc:
        raise EnvironmentProblem(
            _("{login} cannot set up rights: {message}").format(
                login=ctx.db.login, message=exc.message
            ),
            hint=_("Run 'fvm access init' as the owner of fvm's tables, with CREATEROLE."),
        ) from exc


def _check_scope(ctx: Context, role: str, areas: list[str], scoped: bool) -> None:
    """Refuse an unknown role, a scope on a role that holds everywhere, or an unknown area."""
    if role not in ROLES:
        raise InputError(
            _("--role: unknown role {role!r} (known: {ROLES})").format(
                role=role, ROLES=", ".join(ROLES)
            )
        )
    if scoped and role in ("reader", "trainer", "admin"):
        raise InputError(
            _("--role {role} holds everywhere; it takes no --unit or --area").format(role=role)
        )
    for area in areas:
        if area not in ctx.territory.areas:
            raise InputError(_("--area: unknown area {area!r}").format(area=area))


def grant(
    ctx: Context, login: str, role: str, *, units: list[str], areas: list[str]
) -> list[Grant]:
    """Give ``login`` a role, on these units and areas (neither: everywhere); return the
    grants added. The login must exist on the server: fvm never creates logins."""
    from fvmcli.store.access import add_grants, login_exists, set_group
    from fvmcli.store.units import existing_unit_ids

    _postgres(ctx, "fvm access grant")
    _check_scope(ctx, role, areas, bool(units or areas))
    wanted = [Grant(login, role, u, None) for u in units]
    wanted += [Grant(login, role, None, a) for a in areas]
    wanted = wanted or [Grant(login, role)]
    with ctx.db.write() as conn:
        require(ctx, conn, "grant")
        if not login_exists(conn, login):
            raise InputError(
                _("no login {login!r} on this server").format(login=login),
                hint=_(
                    "A database administrator creates it: CREATE ROLE {login} LOGIN (with "
                    "a password, Kerberos or a certificate as the server is set up); then "
                    "run this again."
                ).format(login=login),
            )
        missing = set(units) - existing_unit_ids(conn, set(units))
        if missing:
            raise InputError(
                _("--unit: no unit {missing}").format(missing=", ".join(sorted(missing)))
            )
        added = add_grants(conn, wanted, by=ctx.db.login, at=ctx.clock.now())
        set_group(conn, login, role, True)
    return wanted if added else []


def revoke(
    ctx: Context, login: str, *, role: str | None, units: list[str], areas: list[str]
) -> int:
    """Take grants from ``login`` (of a role, on units or areas; else all); return how many.
    A role with no grant left is taken away in the database at once."""
    from fvmcli.store.access import grants_of, remove_grants, set_group

    _postgres(ctx, "fvm access revoke")
    if role is not None and role not in ROLES:
        raise InputError(
            _("--role: unknown role {role!r} (known: {ROLES})").format(
                role=role, ROLES=", ".join(ROLES)
            )
        )
    with ctx.db.write() as conn:
        require(ctx, conn, "grant")
        before = {g.role for g in grants_of(conn, login)}
        removed = remove_grants(conn, login, role=role, units=units, areas=areas)
        after = {g.role for g in grants_of(conn, login)}
        for gone in before - after:
            set_group(conn, login, gone, False)
    return removed
