"""A go/no-go decision that can be checked without the database (``cli.md``, "added turn 5"):
the archive holds the frozen evidence and its digest, the rules it was evaluated under, the
votes and the decision, and the history's chain from the proposal to the decision with its
head. ``check`` recomputes every digest and link and says what does not hold."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from fvmcli.core.gate import digest as evidence_digest
from fvmcli.core.history_chain import FIELDS, canonical, entry_hash
from fvmcli.core.packs import content_digest as pack_digest  # the one digest rule
from fvmcli.core.record import DIGEST_PREFIX
from fvmcli.i18n import _

FORMAT = "fvm-gate-archive/1"
# The name of the archive attached to the decision's PDF.
ATTACHMENT = "fvm-gate-archive.json"
# What a chain entry of the archive carries: the fields its hash covers, the row it wrote,
# and its payload's digest (never the personal payload itself).
WRITTEN = ("tbl", "rowkey", "state")


def chain_entry(
    entry_id: int, prev: str, digest: str, payload: str, row: Mapping[str, Any]
) -> dict[str, Any]:
    """Return a history entry as the archive carries it (``row`` holds ``FIELDS`` and the
    ``WRITTEN`` columns)."""
    entry = {name: row.get(name) for name in (*FIELDS, *WRITTEN)}
    return {"id": entry_id, "prev": prev, "hash": digest, "entry": {**entry, "payload": payload}}


def _entry_problems(position: int, link: Any, expected_prev: str | None) -> list[str]:
    """Return what does not hold of the archive's chain entry at ``position``."""
    where = _("chain[{i}]").format(i=position)
    if not isinstance(link, dict) or not isinstance(link.get("entry"), dict):
        return [_("{where}: not a chain entry").format(where=where)]
    entry = link["entry"]
    prev, digest, payload = link.get("prev"), link.get("hash"), entry.get("payload")
    if not (isinstance(prev, str) and isinstance(digest, str) and isinstance(payload, str)):
        return [_("{where}: its prev, hash or payload is missing").format(where=where)]
    problems = []
    if expected_prev is not None and prev != expected_prev:
        problems.append(
            _("{where} (entry {id}): does not follow the entry before it").format(
                where=where, id=link.get("id")
            )
        )
    fields = [entry.get(name) for name in FIELDS]
    written = [entry.get(name) for name in WRITTEN]
    if entry_hash(prev, fields, payload, written) != digest:
        problems.append(
            _("{where} (entry {id}): its content does not give its hash").format(
                where=where, id=link.get("id")
            )
        )
    return problems


def _state(entry: Mapping[str, Any]) -> dict[str, Any]:
    try:
        found = json.loads(entry.get("state") or "null")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _rowkey(entry: Mapping[str, Any]) -> list[Any]:
    try:
        found = json.loads(entry.get("rowkey") or "null")
    except ValueError:
        return []
    return found if isinstance(found, list) else []


def check(document: Any) -> list[str]:
    """Return every way ``document`` fails to be an intact archive of a decision (empty: it
    holds): the evidence against its digest, the rules against their digest, each chain entry
    against its hash and the one before it, the proposal, votes and decision against what the
    chain records, and the head."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return [_("not an fvm gate archive (format {format!r} expected)").format(format=FORMAT)]
    problems: list[str] = []
    label = document.get("label")
    evidence = document.get("evidence")
    sealed = document.get("digest")
    if not isinstance(evidence, dict) or evidence_digest(evidence) != sealed:
        problems.append(_("evidence: does not match its digest"))
    content = document.get("content") or {}
    files = content.get("files") if isinstance(content, dict) else None
    if not isinstance(files, dict) or not all(isinstance(t, str) for t in files.values()):
        problems.append(_("content: the rules' files are missing"))
    elif pack_digest({p: t.encode("utf-8") for p, t in files.items()}) != content.get("digest"):
        problems.append(_("content: the rules' files do not match their digest"))
    chain = document.get("chain")
    if not isinstance(chain, list) or not chain:
        return [*problems, _("chain: missing")]
    prev: str | None = None
    for position, link in enumerate(chain):
        problems += _entry_problems(position, link, prev)
        prev = link.get("hash") if isinstance(link, dict) else None
    if document.get("head") != prev:
        problems.append(_("head: is not the hash of the chain's last entry"))
    entries = [link["entry"] for link in chain if isinstance(link, dict) and "entry" in link]
    problems += _recorded_problems(label, sealed, evidence, entries, document)
    return problems


def _recorded_problems(
    label: Any, sealed: Any, evidence: Any, entries: list[dict[str, Any]], document: dict[str, Any]
) -> list[str]:
    """Return where the proposal, the votes and the decision of the archive differ from what
    its chain records."""
    problems: list[str] = []
    first = entries[0] if entries else {}
    proposal = _state(first)
    text = canonical(evidence).decode("utf-8") if isinstance(evidence, dict) else ""
    if (
        first.get("tbl") != "gate_proposals"
        or _rowkey(first) != [label]
        or proposal.get("digest") != sealed
        or proposal.get("evidence")
        != DIGEST_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()
    ):
        problems.append(_("chain: does not begin with this proposal and its evidence"))
    votes: dict[str, dict[str, Any]] = {}
    decided: dict[str, Any] | None = None
    for entry in entries:
        key = _rowkey(entry)
        if entry.get("tbl") == "gate_votes" and key[:1] == [label] and len(key) == 2:
            votes[str(key[1])] = _state(entry)
        if entry.get("tbl") == "gate_decisions" and key == [label]:
            decided = _state(entry)
    given = {str(v.get("role")): v for v in document.get("votes") or [] if isinstance(v, dict)}
    for role in sorted(set(votes) | set(given), key=str):
        chained, shown = votes.get(role), given.get(role)
        fields = ("vote", "by", "at", "comment")
        if chained is None or shown is None or any(chained.get(f) != shown.get(f) for f in fields):
            problems.append(
                _("votes: {role} differs from what the chain records").format(role=role)
            )
    shown = document.get("decision")
    if decided is None or not isinstance(shown, dict):
        problems.append(_("decision: the chain records none"))
    elif (
        decided.get("decision") != shown.get("decision")
        or decided.get("by") != shown.get("by")
        or decided.get("at") != shown.get("at")
        or decided.get("reason") != shown.get("reason")
        or _json_list(decided.get("conditions")) != shown.get("conditions")
        or _json_list(decided.get("against")) != shown.get("against_criteria")
    ):
        problems.append(_("decision: differs from what the chain records"))
    return problems


def _json_list(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
