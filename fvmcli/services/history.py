"""The history's hash chain and the record it keeps: walk the chain, replay it, and say
whether the chain or the tables were altered."""

from __future__ import annotations

from dataclasses import dataclass, field

from fvmcli.core.history_chain import Verdict, verify
from fvmcli.core.record import Difference
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context

# How many differences a check keeps to show; it counts them all.
SHOWN = 200


@dataclass(frozen=True)
class HistoryCheck:
    """What ``history verify`` found: the walk of the chain, and where the tables differ
    from what the chain says (the first ``SHOWN``, and how many in all)."""

    chain: Verdict
    differences: list[Difference] = field(default_factory=list)
    different: int = 0

    @property
    def ok(self) -> bool:
        """Return True when the chain holds and every table holds what it says."""
        return self.chain.ok and self.different == 0


def verify_history(ctx: Context, head: str | None = None) -> HistoryCheck:
    """Return what a walk of the whole history found (the first entry altered, removed or
    inserted out of order, and whether ``head``, a hash recorded earlier, is still in it),
    and each difference between the rows the chain says each recorded table holds and the
    rows it holds. Both are read in one snapshot, streaming: memory stays flat."""
    from fvmcli.core.record import differences
    from fvmcli.store.history import chain_rows
    from fvmcli.store.record import SHAPES, replayed, stored

    if head is not None:
        head = head.strip().lower()
        if len(head) != 64 or any(c not in "0123456789abcdef" for c in head):
            raise InputError(_("--head: expected a SHA-256 in hex (64 characters)"))
    with ctx.open().read() as conn:
        walked = verify(chain_rows(conn), head)
        shown: list[Difference] = []
        count = 0
        for shape in SHAPES.values():
            for found in differences(shape, replayed(conn, shape.table), stored(conn, shape.table)):
                count += 1
                if len(shown) < SHOWN:
                    shown.append(found)
    return HistoryCheck(walked, shown, count)


def history_head(ctx: Context) -> str | None:
    """Return the hash of the newest history entry, for minutes to record."""
    from fvmcli.store.history import head_of

    with ctx.open().read() as conn:
        return head_of(conn)
