"""The history's hash chain: walk it and say whether it was altered."""

from __future__ import annotations

from fvmcli.core.history_chain import Verdict, verify
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context


def verify_history(ctx: Context, head: str | None = None) -> Verdict:
    """Return what a walk of the whole history found: the first entry altered, removed or
    inserted out of order, and whether ``head`` (a hash recorded earlier, e.g. in minutes)
    is still in it."""
    from fvmcli.store.history import chain_rows

    if head is not None:
        head = head.strip().lower()
        if len(head) != 64 or any(c not in "0123456789abcdef" for c in head):
            raise InputError(_("--head: expected a SHA-256 in hex (64 characters)"))
    with ctx.open().read() as conn:
        return verify(chain_rows(conn), head)


def history_head(ctx: Context) -> str | None:
    """Return the hash of the newest history entry, for minutes to record."""
    from fvmcli.store.history import head_of

    with ctx.open().read() as conn:
        return head_of(conn)
