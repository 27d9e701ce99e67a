"""Go/no-go proposals with their frozen evidence, votes and decisions, with their history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.store import record
from fvmcli.store.driver import Connection, as_date
from fvmcli.store.history import Change


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


_PROPOSAL = (
    "label, phase, as_of, go_live, checklist, verdict, evidence, digest, proposed_by, proposed_at"
)


def _proposal(row: tuple[Any, ...]) -> StoredProposal:
    """Return the proposal of a row of ``_PROPOSAL``; a damaged date is named."""
    label, phase, as_of, go_live, *rest = row
    day = as_date(as_of, f"gate_proposals.as_of ({label})")
    planned = None if go_live is None else as_date(go_live, f"gate_proposals.go_live ({label})")
    return StoredProposal(label, phase, day, planned, *rest)


_PROPOSAL_COLUMNS = [c.strip() for c in _PROPOSAL.split(",")]


def get_proposal(conn: Connection, label: str) -> StoredProposal | None:
    """Return the proposal with this label, or None."""
    row = conn.first(f"SELECT {_PROPOSAL} FROM gate_proposals WHERE label = {conn.mark}", (label,))
    return None if row is None else _proposal(row)


def list_proposals(conn: Connection) -> list[tuple[StoredProposal, str | None]]:
    """Return every proposal with its decision (None while open), oldest first."""
    prefixed = ", ".join(f"p.{c.strip()}" for c in _PROPOSAL.split(","))
    rows = conn.rows(
        f"SELECT {prefixed}, d.decision FROM gate_proposals p "
        "LEFT JOIN gate_decisions d ON d.label = p.label ORDER BY p.proposed_at"
    )
    return [(_proposal(row[:-1]), row[-1]) for row in rows]


def add_proposal(conn: Connection, proposal: StoredProposal, parts: dict[str, str]) -> None:
    """Store a proposal; its history entry keeps the digest and each part's digest."""
    values = (
        proposal.label,
        proposal.phase,
        proposal.as_of,
        proposal.go_live,
        proposal.checklist,
        proposal.verdict,
        proposal.evidence,
        proposal.digest,
        proposal.by,
        proposal.at,
    )
    new = json.dumps({"digest": proposal.digest, "parts": parts}, sort_keys=True)
    record.insert(
        conn,
        "gate_proposals",
        [dict(zip(_PROPOSAL_COLUMNS, values, strict=True))],
        Change(proposal.at, proposal.by, "gate-proposal", None, "gate", proposal.label, None, new),
    )


def proposal_parts(conn: Connection, label: str) -> dict[str, Any] | None:
    """Return what the history recorded of a proposal when it was made: its digest and each
    part's digest."""
    new = conn.scalar(
        "SELECT new FROM history WHERE kind = 'gate-proposal' "
        f"AND subject = {conn.mark} ORDER BY id LIMIT 1",
        (label,),
    )
    if new is None:
        return None
    try:
        found = json.loads(new)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def votes(conn: Connection, label: str) -> list[StoredVote]:
    """Return the votes on a proposal, by role."""
    rows = conn.rows(
        f'SELECT role, vote, "by", "at", comment FROM gate_votes WHERE label = {conn.mark} '
        "ORDER BY role",
        (label,),
    )
    return [StoredVote(*row) for row in rows]


def put_vote(conn: Connection, label: str, vote: StoredVote) -> None:
    """Store a role's vote, replacing its earlier one; the history keeps both."""
    old = conn.scalar(
        f"SELECT vote FROM gate_votes WHERE label = {conn.mark} AND role = {conn.mark}",
        (label, vote.role),
    )
    change = Change(
        vote.at, vote.by, "gate-vote", None, label, vote.role, old, vote.vote, vote.comment
    )
    key = {"label": label, "role": vote.role}
    values = {"vote": vote.vote, "by": vote.by, "at": vote.at, "comment": vote.comment}
    if old is None:
        record.insert(conn, "gate_votes", [{**key, **values}], change)
    else:
        record.update(conn, "gate_votes", key, values, change)


def decision(conn: Connection, label: str) -> StoredDecision | None:
    """Return the decision on a proposal, or None while it is open."""
    row = conn.first(
        f'SELECT decision, "by", "at", conditions, reason, against FROM gate_decisions '
        f"WHERE label = {conn.mark}",
        (label,),
    )
    if row is None:
        return None
    made, by, at, conditions, reason, against = row
    return StoredDecision(made, by, at, json.loads(conditions), reason, json.loads(against))


def put_decision(conn: Connection, label: str, found: StoredDecision) -> None:
    """Store the decision on a proposal (final), and its history entry."""
    row = {
        "label": label,
        "decision": found.decision,
        "by": found.by,
        "at": found.at,
        "conditions": json.dumps(found.conditions, ensure_ascii=False),
        "reason": found.reason,
        "against": json.dumps(found.against),
    }
    new = json.dumps(
        {"decision": found.decision, "conditions": found.conditions, "against": found.against},
        ensure_ascii=False,
        sort_keys=True,
    )
    record.insert(
        conn,
        "gate_decisions",
        [row],
        Change(found.at, found.by, "gate-decision", None, "gate", label, None, new, found.reason),
    )
