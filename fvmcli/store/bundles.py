"""What an offline bundle carries out of the database and merges back into it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from fvmcli.core.bundle import MERGED_KINDS, SECOND_PERSON, Entry, second_word
from fvmcli.store import record
from fvmcli.store.answers import SECOND_PERSON as WORD_COLUMNS
from fvmcli.store.driver import Connection
from fvmcli.store.history import Change

# The kind of the second person's word on an answer or a waiver (attestation, approval).
WORD_OF = {concerned: kind for kind, (concerned, _states) in SECOND_PERSON.items()}


def unit_entries(conn: Connection, unit_id: str) -> list[Entry]:
    """Return the unit's history that bundles carry (``MERGED_KINDS``), oldest first."""
    rows = conn.rows(
        'SELECT kind, scope, subject, old, new, comment, "by", "at", version FROM history '
        f"WHERE unit_id = {conn.mark} AND kind IN ({conn.marks(len(MERGED_KINDS))}) ORDER BY id",
        (unit_id, *MERGED_KINDS),
    )
    return [Entry(*row) for row in rows]


def add_entries(
    conn: Connection, unit_id: str, entries: list[Entry], *, key: str | None = None
) -> None:
    """Append merged entries to the history as they were recorded elsewhere, with the login
    that imported them and the fingerprint of the device key that signed them."""
    from fvmcli.store.history import UNWRITTEN, append

    login = conn.login
    append(
        conn,
        [
            (
                e.at,
                e.by,
                e.kind,
                unit_id,
                e.scope,
                e.subject,
                e.old,
                e.new,
                e.comment,
                e.version,
                login,
                key,
                *UNWRITTEN,
            )
            for e in entries
        ],
    )


def current_state(conn: Connection, unit_id: str) -> dict[str, list[dict[str, Any]]]:
    """Return the unit's current answers, waivers, counts and requirements as plain rows."""

    def rows(table: str) -> list[dict[str, Any]]:
        found = conn.records(f"SELECT * FROM {table} WHERE unit_id = {conn.mark}", (unit_id,))
        return [{k: _plain(v) for k, v in r.items() if k != "unit_id"} for r in found]

    return {
        "answers": rows("answers"),
        "waivers": rows("waivers"),
        "counts": rows("equipment_counts"),
        "requirements": rows("equipment_requirements"),
    }


def _plain(value: Any) -> Any:
    """Return a stored value as plain data: a date (PostgreSQL's) as its ISO text, as SQLite
    keeps it."""
    return value.isoformat() if isinstance(value, date) else value


# The kind of the entry that records what a merge made of a row: the bundle's entries say
# what happened on the device, this one what the shared table holds since.
MERGE = "merge"


def apply_merge(
    conn: Connection,
    unit_id: str,
    current: dict[Any, Entry],
    adopted: Iterable[Any],
    days: Mapping[Any, tuple[str, str]] | None = None,
    *,
    by: str,
    at: str,
) -> int:
    """Make the current state follow the ``adopted`` topics' entries of ``current`` (each
    topic's current entry after a merge, ``core.merge.plan_merge``); return how many rows
    changed. An attestation or approval goes into the row of the answer or waiver it stands
    for (``core.bundle.second_word``): an adopted word puts the row of its answer or waiver
    anew. An answer's time is the one its side's row gives (``days``: value and time, the day
    the person answered) where that row holds the entry's value, else the entry's. Each row
    changed gets a ``merge`` entry with the row it now holds (the merged entries themselves are
    already in the history)."""
    topics: dict[Any, None] = {}
    for topic in adopted:
        kind, scope, subject = topic
        concerned = SECOND_PERSON.get(kind)
        topics[(concerned[0], scope, subject) if concerned else topic] = None
    entries = [current[t] for t in topics if t in current]
    changed = 0
    for e in entries:
        table, key, values = _target(unit_id, e, second_word(current, e))
        value, day = (days or {}).get(e.topic, (None, None))
        if values is not None and e.kind == "answer" and value == e.new and day is not None:
            values["answered_at"] = day
        changed += _put(conn, table, key, values, Change(at, by, MERGE, unit_id))
    return changed


def _target(
    unit_id: str, e: Entry, word: Entry | None
) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    """Return the table, the row's key and the values the entry (with the second person's
    ``word`` on it) gives it (None: no row)."""
    if e.kind in ("answer", "waiver"):
        table, key, values = _question_target(unit_id, e)
        if values is not None:
            _table, state, by, at = WORD_COLUMNS[WORD_OF[e.kind]]
            values |= {
                state: word.new if word else None,
                by: word.by if word else None,
                at: word.at if word else None,
            }
        return table, key, values
    if e.kind == "count":
        return (
            "equipment_counts",
            {"unit_id": unit_id, "item": e.subject},
            (
                None
                if e.new is None
                else {**json.loads(e.new), "counted_by": e.by, "counted_at": e.at}
            ),
        )
    return (
        "equipment_requirements",
        {"unit_id": unit_id, "item": e.subject},
        (None if e.new is None else {"quantity": int(e.new)}),
    )


def _question_target(unit_id: str, e: Entry) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    """Return the answers or waivers table, the row's key and the entry's values."""
    key = {"unit_id": unit_id, "checklist": e.scope, "question": e.subject}
    if e.new is None:
        return ("answers" if e.kind == "answer" else "waivers"), key, None
    if e.kind == "answer":
        return (
            "answers",
            key,
            {
                "value": e.new,
                "comment": e.comment,
                "answered_by": e.by,
                "answered_at": e.at,
                "version": e.version,
            },
        )
    return (
        "waivers",
        key,
        {
            "reason": e.comment or "",
            "until": date.fromisoformat(e.new),
            "decided_by": e.by,
            "decided_at": e.at,
        },
    )


def _put(
    conn: Connection,
    table: str,
    ids: dict[str, Any],
    values: dict[str, Any] | None,
    change: Change,
) -> int:
    """Make the row of ``table`` with the key ``ids`` hold ``values`` (None: no row), with
    ``change`` placed on that row; return 1 when it changed, else 0."""
    where = " AND ".join(f"{k} = {conn.mark}" for k in ids)
    found = conn.records(f"SELECT * FROM {table} WHERE {where}", tuple(ids.values()))
    subject = ids.get("question", ids.get("item"))
    placed = replace(change, scope=ids.get("checklist", table), subject=subject)
    if values is None:
        return 1 if record.delete(conn, table, ids, placed) else 0
    if found and all(_plain(found[0][k]) == _plain(v) for k, v in values.items()):
        return 0
    if found:
        record.update(conn, table, ids, values, placed)
    else:
        record.insert(conn, table, [{**ids, **values}], placed)
    return 1
