"""Go/no-go proposals with their frozen evidence, votes and decisions, with their history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.core.record import Difference, differences
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
    content_version: int | None = None  # the content in force when the evidence was frozen
    content_digest: str | None = None


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
    "label, phase, as_of, go_live, checklist, verdict, evidence, digest, proposed_by, proposed_at, "
    "content_version, content_digest"
)


def _proposal(row: tuple[Any, ...]) -> StoredProposal:
    """Return the proposal of a row of ``_PROPOSAL``; a damaged date is named."""
    label, phase, as_of, go_live, *rest = row
    day = as_date(as_of, f"gate_proposals.as_of ({label})")
    planned = None if go_live is None else as_date(go_live, f"gate_proposals.go_live ({label})")
    return StoredProposal(label, phase, day, planned, *rest)


_PROPOSAL_COLUMNS = [c.strip() for c in _PROPOSAL.split(",")]


def get_proposal(conn: Connection, label: str) -> StoredProposal | None:
    """Return the proposal with this label as the history's chain records it (its evidence
    as the table stores it, which ``gate verify`` checks against the recorded digest), or
    None when the chain has none."""
    found = record.recorded(conn, "gate_proposals", scope="gate", subject=label).get((label,))
    if found is None:
        return None
    evidence = conn.scalar(
        f"SELECT evidence FROM gate_proposals WHERE label = {conn.mark}", (label,)
    )
    return _proposal(_chain_row(found, evidence or ""))


def _chain_row(found: dict[str, Any], evidence: str) -> tuple[Any, ...]:
    """Return a proposal the chain records as a row of ``_PROPOSAL``, with ``evidence``."""
    return tuple(evidence if c == "evidence" else found.get(c) for c in _PROPOSAL_COLUMNS)


def list_proposals(conn: Connection) -> list[tuple[StoredProposal, str | None]]:
    """Return every proposal the chain records with its decision (None while open), oldest
    first."""
    proposals = record.recorded(conn, "gate_proposals")
    decisions = record.recorded(conn, "gate_decisions")
    evidence = dict(conn.rows("SELECT label, evidence FROM gate_proposals"))
    found = [
        (
            _proposal(_chain_row(row, evidence.get(label, ""))),
            decisions.get((label,), {}).get("decision"),
        )
        for (label,), row in proposals.items()
    ]
    return sorted(found, key=lambda pair: pair[0].at)


def record_differences(conn: Connection, label: str) -> list[Difference]:
    """Return where the tables differ from what the chain records of a proposal, its votes
    and its decision (empty: they agree)."""
    found: list[Difference] = []
    for table, placed in (
        ("gate_proposals", {"scope": "gate", "subject": label}),
        ("gate_votes", {"scope": label}),
        ("gate_decisions", {"scope": "gate", "subject": label}),
    ):
        chain = record.recorded(conn, table, **placed)
        stored = record.table_rows(conn, table, {"label": label})
        found += differences(record.SHAPES[table], record.as_replayed(chain, table), stored)
    return found


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
        proposal.content_version,
        proposal.content_digest,
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
    """Return the votes on a proposal as the history's chain records them, by role."""
    found = record.recorded(conn, "gate_votes", scope=label)
    return [
        StoredVote(row["role"], row["vote"], row["by"], row["at"], row["comment"])
        for _key, row in sorted(found.items())
    ]


def put_vote(conn: Connection, label: str, vote: StoredVote) -> None:
    """Store a role's vote, replacing its earlier one; the history keeps both."""
    stored = conn.scalar(
        f"SELECT vote FROM gate_votes WHERE label = {conn.mark} AND role = {conn.mark}",
        (label, vote.role),
    )
    recorded = record.recorded(conn, "gate_votes", scope=label).get((label, vote.role))
    old = None if recorded is None else recorded["vote"]
    change = Change(
        vote.at, vote.by, "gate-vote", None, label, vote.role, old, vote.vote, vote.comment
    )
    key = {"label": label, "role": vote.role}
    values = {"vote": vote.vote, "by": vote.by, "at": vote.at, "comment": vote.comment}
    if stored is None:
        record.insert(conn, "gate_votes", [{**key, **values}], change)
    else:
        record.update(conn, "gate_votes", key, values, change)


def decision(conn: Connection, label: str) -> StoredDecision | None:
    """Return the decision on a proposal as the history's chain records it, or None while
    it is open."""
    row = record.recorded(conn, "gate_decisions", scope="gate", subject=label).get((label,))
    if row is None:
        return None
    return StoredDecision(
        row["decision"],
        row["by"],
        row["at"],
        record.parsed(row["conditions"], []),
        row["reason"],
        record.parsed(row["against"], []),
    )


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


def chain_segment(conn: Connection, label: str) -> list[dict[str, Any]]:
    """Return the history's entries from the one that recorded the proposal to the one that
    recorded its decision, in order, as ``core.archive.chain_entry`` makes them (no personal
    payload); empty while the proposal is undecided."""
    from fvmcli.core.archive import WRITTEN, chain_entry
    from fvmcli.core.history_chain import FIELDS

    key = json.dumps([label], ensure_ascii=False, separators=(",", ":"))
    bounds = conn.first(
        "SELECT (SELECT min(id) FROM history WHERE tbl = 'gate_proposals' "
        f"AND rowkey = {conn.mark}), (SELECT max(id) FROM history "
        f"WHERE tbl = 'gate_decisions' AND rowkey = {conn.mark})",
        (key, key),
    )
    if bounds is None or None in bounds:
        return []
    columns = ", ".join(f'"{c}"' for c in ("id", "prev", "hash", "payload", *FIELDS, *WRITTEN))
    rows = conn.rows(
        f"SELECT {columns} FROM history WHERE id >= {conn.mark} AND id <= {conn.mark} ORDER BY id",
        bounds,
        stream=True,
    )
    names = (*FIELDS, *WRITTEN)
    return [
        chain_entry(row[0], row[1], row[2], row[3], dict(zip(names, row[4:], strict=True)))
        for row in rows
    ]


def proposal_content(conn: Connection, label: str) -> tuple[int | None, dict[str, bytes]]:
    """Return the content version a proposal was frozen under and that version's files as
    published in the database (none when the proposal names no version)."""
    version = conn.scalar(
        f"SELECT content_version FROM gate_proposals WHERE label = {conn.mark}", (label,)
    )
    if version is None:
        return None, {}
    rows = conn.rows(
        f"SELECT path, data FROM content_files WHERE version = {conn.mark} ORDER BY path",
        (version,),
    )
    return int(version), {path: bytes(data) for path, data in rows}
