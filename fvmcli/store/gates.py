"""Go/no-go proposals with their frozen evidence, votes and decisions, with their history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.store.history import Change, record
from fvmcli.store.schema import gate_decisions, gate_proposals, gate_votes


@dataclass(frozen=True)
class StoredProposal:
    label: str
    phase: int
    as_of: date
    go_live: date | None
    checklist: str
    verdict: str
    evidence: str  # the canonical JSON as stored
    digest: str
    by: str
    at: str


@dataclass(frozen=True)
class StoredVote:
    role: str
    vote: str
    by: str
    at: str
    comment: str | None


@dataclass(frozen=True)
class StoredDecision:
    decision: str
    by: str
    at: str
    conditions: list[str]
    reason: str | None
    against: list[str]


def get_proposal(conn: Connection, label: str) -> StoredProposal | None:
    """Return the proposal with this label, or None."""
    row = conn.execute(sa.select(gate_proposals).where(gate_proposals.c.label == label)).first()
    if row is None:
        return None
    return StoredProposal(
        row.label,
        row.phase,
        row.as_of,
        row.go_live,
        row.checklist,
        row.verdict,
        row.evidence,
        row.digest,
        row.proposed_by,
        row.proposed_at,
    )


def list_proposals(conn: Connection) -> list[tuple[StoredProposal, str | None]]:
    """Return every proposal with its decision (None while open), oldest first."""
    decided = dict(conn.execute(sa.select(gate_decisions.c.label, gate_decisions.c.decision)).all())
    labels = conn.execute(sa.select(gate_proposals.c.label).order_by(gate_proposals.c.proposed_at))
    found = []
    for (label,) in labels:
        proposal = get_proposal(conn, label)
        if proposal is not None:
            found.append((proposal, decided.get(label)))
    return found


def add_proposal(conn: Connection, proposal: StoredProposal, parts: dict[str, str]) -> None:
    """Store a proposal; its history entry keeps the digest and each part's digest."""
    conn.execute(
        gate_proposals.insert().values(
            label=proposal.label,
            phase=proposal.phase,
            as_of=proposal.as_of,
            go_live=proposal.go_live,
            checklist=proposal.checklist,
            verdict=proposal.verdict,
            evidence=proposal.evidence,
            digest=proposal.digest,
            proposed_by=proposal.by,
            proposed_at=proposal.at,
        )
    )
    new = json.dumps({"digest": proposal.digest, "parts": parts}, sort_keys=True)
    record(
        conn,
        [
            Change(
                proposal.at, proposal.by, "gate-proposal", None, "gate", proposal.label, None, new
            )
        ],
    )


def proposal_parts(conn: Connection, label: str) -> dict[str, Any] | None:
    """Return what the history recorded of a proposal when it was made: its digest and each
    part's digest."""
    from fvmcli.store.schema import history

    row = conn.execute(
        sa.select(history.c.new)
        .where(history.c.kind == "gate-proposal", history.c.subject == label)
        .order_by(history.c.id)
        .limit(1)
    ).first()
    if row is None or row.new is None:
        return None
    try:
        found = json.loads(row.new)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def votes(conn: Connection, label: str) -> list[StoredVote]:
    """Return the votes on a proposal, by role."""
    rows = conn.execute(
        sa.select(gate_votes).where(gate_votes.c.label == label).order_by(gate_votes.c.role)
    )
    return [StoredVote(r.role, r.vote, r.by, r.at, r.comment) for r in rows]


def put_vote(conn: Connection, label: str, vote: StoredVote) -> None:
    """Store a role's vote, replacing its earlier one; the history keeps both."""
    key = (gate_votes.c.label == label, gate_votes.c.role == vote.role)
    old = conn.execute(sa.select(gate_votes.c.vote).where(*key)).scalar()
    conn.execute(gate_votes.delete().where(*key))
    conn.execute(
        gate_votes.insert().values(
            label=label,
            role=vote.role,
            vote=vote.vote,
            by=vote.by,
            at=vote.at,
            comment=vote.comment,
        )
    )
    record(
        conn,
        [
            Change(
                vote.at, vote.by, "gate-vote", None, label, vote.role, old, vote.vote, vote.comment
            )
        ],
    )


def decision(conn: Connection, label: str) -> StoredDecision | None:
    """Return the decision on a proposal, or None while it is open."""
    row = conn.execute(sa.select(gate_decisions).where(gate_decisions.c.label == label)).first()
    if row is None:
        return None
    return StoredDecision(
        row.decision,
        row.by,
        row.at,
        json.loads(row.conditions),
        row.reason,
        json.loads(row.against),
    )


def put_decision(conn: Connection, label: str, found: StoredDecision) -> None:
    """Store the decision on a proposal (final), and its history entry."""
    conn.execute(
        gate_decisions.insert().values(
            label=label,
            decision=found.decision,
            by=found.by,
            at=found.at,
            conditions=json.dumps(found.conditions, ensure_ascii=False),
            reason=found.reason,
            against=json.dumps(found.against),
        )
    )
    new = json.dumps(
        {"decision": found.decision, "conditions": found.conditions, "against": found.against},
        ensure_ascii=False,
        sort_keys=True,
    )
    record(
        conn,
        [Change(found.at, found.by, "gate-decision", None, "gate", label, None, new, found.reason)],
    )
