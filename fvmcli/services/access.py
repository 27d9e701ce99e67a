"""Who may change what: the login, its grants, the check every write makes, and the setup
that makes PostgreSQL enforce the same rights for every client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fvmcli.core.access import (
    ACTION_WORDS,
    ACTION_WORDS_WITHOUT_UNITS,
    GRANTABLE,
    ROLES,
    Grant,
    allows,
    may_vote,
)
from fvmcli.core.model import Unit
from fvmcli.errors import ConflictError, InputError, NotPermitted
from fvmcli.i18n import _
from fvmcli.services.context import Context

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection

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

    login = ctx.open().login
    grants = grants_of(conn, login)
    role = GRANTABLE[action]
    who = _who_grants(conn)
    if units is None:
        if not allows(grants, action, None, None):
            words = ACTION_WORDS_WITHOUT_UNITS.get(action, ACTION_WORDS[action])
            raise NotPermitted(
                _("{login} may not {action}").format(login=login, action=_(words)),
                hint=who,
                command=grant_command(login, role),
            )
        return
    chosen = list(units)
    refused = sorted({u.id for u in chosen if not allows(grants, action, u.id, u.area)})
    if refused:
        shown = ", ".join(refused[:MAX_NAMED])
        if len(refused) > MAX_NAMED:
            shown += _(" and {MAX_NAMED} more").format(MAX_NAMED=len(refused) - MAX_NAMED)
        units_opt = _grant_scope(refused, {u.id: u.area for u in chosen})
        raise NotPermitted(
            _("{login} may not {action} {shown}; nothing was stored").format(
                login=login, action=_(ACTION_WORDS[action]), shown=shown
            ),
            hint=who,
            command=grant_command(login, role, units_opt),
        )


def require_vote(ctx: Context, conn: Connection, gate_role: str) -> None:
    """Refuse (exit 5) a vote for ``gate_role`` by a login without a voter grant naming it,
    where rights are enforced; the hint gives the grant."""
    if not enforced(conn):
        return
    from fvmcli.store.access import grants_of

    login = ctx.open().login
    if may_vote(grants_of(conn, login), gate_role):
        return
    raise NotPermitted(
        _("{login} may not vote for the role {role} of the go/no-go").format(
            login=login, role=gate_role
        ),
        hint=_who_grants(conn),
        command=grant_command(login, GRANTABLE["vote"], f"--gate-role {gate_role}"),
    )


def _grant_scope(refused: list[str], area_of: dict[str, str]) -> str:
    """Return the --unit options of a grant that would allow every refused unit, or, past
    MAX_NAMED units, the --area options of their areas."""
    if len(refused) <= MAX_NAMED:
        return " ".join(f"--unit {u}" for u in refused)
    areas = sorted({area_of[u] for u in refused if u in area_of})
    return " ".join(f"--area {a}" for a in areas)


def _who_grants(conn: Connection) -> str:
    """Return the hint that says who can run the grant that gives a missing right
    (``grant_command``): an admin where one exists; else, since nobody could run 'fvm access
    grant', the owner of the tables, who makes the first admin."""
    from fvmcli.store.access import has_admin

    if has_admin(conn):
        return _("An admin can run:")
    return _(
        "No admin exists yet: the owner of fvm's tables runs 'fvm access init --admin "
        "LOGIN' to make one, who can then run:"
    )


def grant_command(login: str, role: str, scope: str = "") -> str:
    """Return the command that grants ``login`` the ``role`` over ``scope`` (its options)."""
    return f"fvm access grant {login} --role {role} {scope}".rstrip()


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

    with ctx.open().read() as conn:
        on = enforced(conn)
        grants = grants_of(conn, ctx.open().login)
    return AccessState(ctx.open().login, ctx.open().backend, on, grants)


def list_grants(ctx: Context) -> list[Grant]:
    """Return every grant, by login, role and scope."""
    from fvmcli.store.access import grants_of

    with ctx.open().read() as conn:
        return grants_of(conn)


def _postgres(ctx: Context, what: str) -> None:
    if ctx.open().backend != "postgresql":
        raise InputError(
            _(
                "{what} is for a shared PostgreSQL database; a SQLite file belongs to one person"
            ).format(what=what),
            hint=_("Use --db postgresql://user@host/db."),
        )


@dataclass(frozen=True)
class Setup:
    """What ``fvm access init`` did: who the admin is, and whether that grant is new."""

    admin: str
    new_admin: bool


def init(ctx: Context, admin: str | None = None) -> Setup:
    """Make the database enforce rights: group roles, privileges, row-level security and the
    login stamp on history, and make ``admin`` (default: the login running it) an admin, so
    that a fresh database has someone who may grant rights. Needs the owner of the tables
    (and CREATEROLE). Safe to repeat. Returns the admin and whether the grant is new."""
    from fvmcli.store.access import add_grants, login_exists, make_member, setup_rights

    _postgres(ctx, "fvm access init")
    login = ctx.open().login
    chosen = (admin or "").strip() or login
    _check_login(chosen)
    try:
        with ctx.open().write() as conn:
            if not login_exists(conn, chosen):
                raise _no_login(chosen)
            setup_rights(conn)
            added = add_grants(conn, [Grant(chosen, "admin")], by=login, at=ctx.clock.now())
            make_member(conn, chosen, "admin")
    except NotPermitted as exc:
        raise NotPermitted(
            _("{login} cannot set up rights: {message}").format(login=login, message=exc.message),
            hint=_("Run 'fvm access init' as the owner of fvm's tables, with CREATEROLE."),
        ) from exc
    return Setup(chosen, bool(added))


@dataclass(frozen=True)
class RecordCheck:
    """What ``fvm access check`` found: whether the database enforces the record at all (a
    SQLite file cannot), and each recorded table a login could change beside it."""

    enforced: bool
    gaps: list[tuple[str, str]]


def check(ctx: Context) -> RecordCheck:
    """Return each recorded table that a login could write outside the record (PostgreSQL);
    a SQLite file enforces nothing, and ``history verify`` is its check."""
    from fvmcli.store.record_rights import record_gaps

    with ctx.open().read() as conn:
        if conn.backend != "postgresql":
            return RecordCheck(False, [])
        if not enforced(conn):
            return RecordCheck(False, [("*", "rights")])
        return RecordCheck(True, record_gaps(conn))


MAX_LOGIN_BYTES = 63  # PostgreSQL cuts a role's name longer than this


def _check_login(login: str) -> None:
    """Refuse a login name the server would cut: it would grant a right to a name no login
    has (the server compares it cut, and fvm would store it whole)."""
    if len(login.encode("utf-8")) > MAX_LOGIN_BYTES:
        raise InputError(
            _("{login!r}: a PostgreSQL login has at most {n} bytes").format(
                login=login[:70], n=MAX_LOGIN_BYTES
            )
        )


def _no_login(login: str) -> InputError:
    """Return the error for a login the server does not have: fvm never creates logins."""
    return InputError(
        _("no login {login!r} on this server").format(login=login),
        hint=_(
            "A database administrator creates it: CREATE ROLE {login} LOGIN (with "
            "a password, Kerberos or a certificate as the server is set up); then "
            "run this again."
        ).format(login=login),
    )


def _check_scope(
    ctx: Context,
    role: str,
    areas: list[str],
    scoped: bool,
    gate_role: str | None = None,
    owners: list[str] | None = None,
) -> None:
    """Refuse an unknown role, a scope on a role that holds everywhere, an unknown area, a
    voter without the role of the gate it votes for (or another role with one), an owner
    without the runbook owners whose tasks it marks (or another role with them)."""
    from fvmcli.services.task_owners import check_owners

    if role not in ROLES:
        raise InputError(
            _("--role: unknown role {role!r} (known: {ROLES})").format(
                role=role, ROLES=", ".join(ROLES)
            )
        )
    voter = GRANTABLE["vote"]
    if (role == voter) != (gate_role is not None):
        raise InputError(
            _("--role {voter} goes with --gate-role, and --gate-role with --role {voter}").format(
                voter=voter
            ),
            hint=_("For example:"),
            command="fvm access grant anna --role voter --gate-role mas",
        )
    check_owners(ctx, role, owners or [], scoped)
    if gate_role is not None and ctx.gate.role(gate_role) is None:
        raise InputError(
            _("--gate-role: no role {role!r} (known: {known})").format(
                role=gate_role, known=", ".join(r.id for r in ctx.gate.roles)
            )
        )
    if scoped and role in ("reader", "trainer", "voter", "owner", "admin"):
        raise InputError(
            _("--role {role} holds everywhere; it takes no --unit or --area").format(role=role)
        )
    for area in areas:
        if area not in ctx.territory.areas:
            raise InputError(_("--area: unknown area {area!r}").format(area=area))


def grant(
    ctx: Context,
    login: str,
    role: str,
    *,
    units: list[str],
    areas: list[str],
    gate_role: str | None = None,
    owners: list[str] | None = None,
) -> list[Grant]:
    """Give ``login`` a role, on these units and areas (neither: everywhere), the voter role
    for one role of the gate, or the owner role for these runbook owners; return the grants
    added. The login must exist on the server: fvm never creates logins."""
    from fvmcli.store.access import add_grants, login_exists, set_group
    from fvmcli.store.units import existing_unit_ids

    _postgres(ctx, "fvm access grant")
    _check_login(login)
    _check_scope(ctx, role, areas, bool(units or areas), gate_role, owners)
    wanted = [Grant(login, role, u, None) for u in units]
    wanted += [Grant(login, role, None, a) for a in areas]
    wanted += [Grant(login, role, owner=o) for o in dict.fromkeys(owners or [])]
    wanted = wanted or [Grant(login, role, gate_role=gate_role)]
    with ctx.open().write() as conn:
        require(ctx, conn, "grant")
        if not login_exists(conn, login):
            raise _no_login(login)
        missing = set(units) - existing_unit_ids(conn, set(units))
        if missing:
            raise InputError(
                _("--unit: no unit {missing}").format(missing=", ".join(sorted(missing)))
            )
        added = add_grants(conn, wanted, by=ctx.open().login, at=ctx.clock.now())
        set_group(conn, login, role, True)
    return wanted if added else []


def _matches(
    grant: Grant,
    role: str | None,
    units: list[str],
    areas: list[str],
    gate_role: str | None,
    owners: list[str] | None = None,
) -> bool:
    """Return True when a revoke of ``role`` on ``units``/``areas`` (for ``gate_role``, of
    ``owners``) takes ``grant``."""
    if role is not None and grant.role != role:
        return False
    if gate_role is not None and grant.gate_role != gate_role:
        return False
    if owners and grant.owner not in owners:
        return False
    if units or areas:
        return grant.unit in units or grant.area in areas
    return True


def revoke(
    ctx: Context,
    login: str,
    *,
    role: str | None,
    units: list[str],
    areas: list[str],
    gate_role: str | None = None,
    owners: list[str] | None = None,
) -> int:
    """Take grants from ``login`` (of a role, on units or areas, of runbook owners; else
    all); return how many.
    A role with no grant left is taken away in the database at once."""
    from fvmcli.store.access import grants_of, remove_grants, set_group

    _postgres(ctx, "fvm access revoke")
    if role is not None and role not in ROLES:
        raise InputError(
            _("--role: unknown role {role!r} (known: {ROLES})").format(
                role=role, ROLES=", ".join(ROLES)
            )
        )
    with ctx.open().write() as conn:
        require(ctx, conn, "grant")
        held = grants_of(conn)
        going = [
            g
            for g in held
            if g.login == login and _matches(g, role, units, areas, gate_role, owners)
        ]
        staying = [g for g in held if g not in going]
        if going and not any(g.role == "admin" for g in staying):
            raise ConflictError(
                _("{login} is the last admin; nobody could grant rights after this").format(
                    login=login
                ),
                hint=_("Make another admin first:"),
                command=_("fvm access grant LOGIN --role admin"),
            )
        # The grants go first, while the admin revoking them still holds the admin group's
        # privileges on access_grants; then the group memberships, which the database lets an
        # admin take from anyone and any login give up for itself (an admin revoking itself).
        removed = remove_grants(
            conn,
            login,
            role=role,
            units=units,
            areas=areas,
            gate_role=gate_role,
            owners=owners,
            by=ctx.open().login,
            at=ctx.clock.now(),
        )
        for gone in {g.role for g in going} - {g.role for g in staying if g.login == login}:
            set_group(conn, login, gone, False)
    return removed
