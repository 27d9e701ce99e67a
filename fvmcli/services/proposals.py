"""A proposal: evidence frozen under a label with the SHA-256 of its canonical JSON
(``scoring.md``, "Gate"), whether a go/no-go's (``services.gate``) or a day of hypercare's
(``services.hypercare``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fvmcli.core.gate import canonical, digest, part_digests
from fvmcli.errors import ConflictError, InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import require_right

if TYPE_CHECKING:
    from fvmcli.services.gate import GateEvaluation
    from fvmcli.services.hypercare import HypercareDay
    from fvmcli.store.driver import Connection


@dataclass(frozen=True)
class Proposed:
    """A proposal made: its label, its digest and what it froze."""

    label: str
    digest: str
    evaluation: GateEvaluation | HypercareDay


def check_label(label: str) -> str:
    """Return a proposal's label stripped; refused (2) when empty, too long or unprintable."""
    from fvmcli.core.limits import MAX_ID

    label = label.strip()
    if not label or len(label) > MAX_ID or not label.isprintable():
        raise InputError(_("LABEL: a name of 1–{n} printable characters").format(n=MAX_ID))
    return label


def vacant(ctx: Context, conn: Connection, label: str) -> None:
    """Refuse a proposal by a login without the right (5), or under a label taken (3)."""
    from fvmcli.store.gates import get_proposal

    require_right(ctx, conn, "decide")
    if get_proposal(conn, label) is not None:
        raise ConflictError(
            _("a proposal {label!r} exists already").format(label=label),
            hint=_("Choose another label, e.g. with the date of the meeting."),
        )


def seal(
    ctx: Context,
    conn: Connection,
    label: str,
    found: GateEvaluation | HypercareDay,
    day: date,
    checklist: str,
) -> Proposed:
    """Store the evidence of ``found`` as proposal ``label`` with its digest (``scoring.md``,
    "Gate"), and the history's record of it and of each part's digest."""
    from fvmcli.store.gates import StoredProposal, add_proposal

    evidence = found.evidence()
    sealed = digest(evidence)
    add_proposal(
        conn,
        StoredProposal(
            label,
            found.phase,
            day,
            found.go_live,
            checklist,
            found.verdict,
            canonical(evidence).decode("utf-8"),
            sealed,
            ctx.actor(),
            ctx.clock.now(),
            *(ctx.content_version or (None, None)),  # the content it was evaluated under
        ),
        part_digests(evidence),
    )
    return Proposed(label, sealed, found)
