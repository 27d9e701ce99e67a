"""Rights of a runbook task's owner (issue 46): a login granted the owner role for an owner
of ``courses/roles.toml`` marks the tasks of a run that name that owner, wherever they are; the
database's row-level security says the same (``store.access``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fvmcli.core.access import owns
from fvmcli.core.model import Unit
from fvmcli.errors import InputError, NotPermitted
from fvmcli.i18n import _
from fvmcli.services.access import enforced, grant_command, require
from fvmcli.services.context import Context

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


def require_mark(
    ctx: Context, conn: Connection, instance: str, owner: str | None, unit: Unit | None
) -> None:
    """Refuse (exit 5) a mark of a run's task ``instance`` (its name, as a person reads it)
    by a login that neither owns it (an owner grant naming the task's ``owner``) nor may mark
    tasks of ``unit`` (None: a task of the whole phase, which needs a grant everywhere), where
    rights are enforced; the refusal names the owner and the grant that would allow it."""
    if not enforced(conn):
        return
    from fvmcli.store.access import grants_of

    login = ctx.open().login
    if owns(grants_of(conn, login), owner):
        return
    try:
        require(ctx, conn, "mark", None if unit is None else [unit])
    except NotPermitted as refused:
        if owner is None:
            raise
        message = (
            _(
                "{login} may not mark {instance}: {login} is neither its owner ({owner}) "
                "nor marks the tasks of {unit}; nothing was stored"
            )
            if unit is not None
            else _(
                "{login} may not mark {instance}: {login} is not its owner ({owner}), and a "
                "task of the whole phase is otherwise a lead's; nothing was stored"
            )
        )
        raise NotPermitted(
            message.format(
                login=login, instance=instance, owner=owner, unit=unit.id if unit else ""
            ),
            hint=refused.hint,
            command=grant_command(login, "owner", f"--owner {owner}"),
        ) from None


def check_owners(ctx: Context, role: str, owners: list[str], scoped: bool) -> None:
    """Refuse --owner without --role owner and the other way round, with --unit or --area,
    or naming an owner that is neither an owner nor a role of ``courses/roles.toml`` (what a
    runbook task's ``owner`` names, ``content.md``)."""
    owner_role = "owner"
    if (role == owner_role) != bool(owners):
        raise InputError(
            _("--role {owner} goes with --owner, and --owner with --role {owner}").format(
                owner=owner_role
            ),
            hint=_("For example:"),
            command="fvm access grant anna --role owner --owner desk-team",
        )
    if owners and scoped:
        raise InputError(
            _("--owner marks an owner's tasks wherever they are; it takes no --unit or --area")
        )
    curriculum = ctx.curriculum
    known = sorted(set(curriculum.owners) | set(curriculum.roles))
    unknown = [o for o in owners if o not in known]
    if unknown:
        raise InputError(
            _("--owner: no owner {owner!r} in courses/roles.toml (known: {known})").format(
                owner=unknown[0], known=", ".join(known)
            )
        )
