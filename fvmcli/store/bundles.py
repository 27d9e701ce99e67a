"""What an offline bundle carries out of the database and merges back into it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.core.bundle import MERGED_KINDS, SECOND_PERSON, Entry, second_word
from fvmcli.store.answers import SECOND_PERSON as WORD_COLUMNS
from fvmcli.store.schema import (
    answers,
    equipment_counts,
    equipment_requirements,
    history,
    waivers,
)

# The kind of the second person's word on an answer or a waiver (attestation, approval).
WORD_OF = {concerned: kind for kind, (concerned, _states) in SECOND_PERSON.items()}


def unit_entries(conn: Connection, unit_id: str) -> list[Entry]:
    """Return the unit's history that bundles carry (``MERGED_KINDS``), oldest first."""
    query = (
        sa.select(history)
        .where(history.c.unit_id == unit_id, history.c.kind.in_(MERGED_KINDS))
        .order_by(history.c.id)
    )
    return [
        Entry(r.kind, r.scope, r.subject, r.old, r.new, r.comment, r.by, r.at, r.version)
        for r in conn.execute(query)
    ]


def add_entries(
    conn: Connection, unit_id: str, entries: list[Entry], *, key: str | None = None
) -> None:
    """Append merged entries to the history as they were recorded elsewhere, with the login
    that imported them and the fingerprint of the device key that signed them."""
    from fvmcli.store.history import append

    login = conn.info.get("fvm_login")
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
            )
            for e in entries
        ],
    )


def current_state(conn: Connection, unit_id: str) -> dict[str, list[dict[str, Any]]]:
    """Return the unit's current answers, waivers, counts and requirements as plain rows."""

    def rows(table: sa.Table) -> list[dict[str, Any]]:
        found = conn.execute(sa.select(table).where(table.c.unit_id == unit_id))
        return [
            {
                k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in r._mapping.items()
                if k != "unit_id"
            }
            for r in found
        ]

    return {
        "answers": rows(answers),
        "waivers": rows(waivers),
        "counts": rows(equipment_counts),
        "requirements": rows(equipment_requirements),
    }


def apply_newest(conn: Connection, unit_id: str, newest: dict[Any, Entry]) -> int:
    """Make the current state follow the newest entry of every topic; return how many rows
    changed. An attestation or approval goes into the row of the answer or waiver it stands
    for (``core.bundle.second_word``). No history is written: the entries are the history."""
    return sum(
        _put(conn, *_target(unit_id, e, second_word(newest, e)))
        for e in newest.values()
        if e.kind not in SECOND_PERSON
    )


def _target(
    unit_id: str, e: Entry, word: Entry | None
) -> tuple[sa.Table, dict[str, Any], dict[str, Any] | None]:
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
            equipment_counts,
            {"unit_id": unit_id, "item": e.subject},
            (
                None
                if e.new is None
                else {**json.loads(e.new), "counted_by": e.by, "counted_at": e.at}
            ),
        )
    return (
        equipment_requirements,
        {"unit_id": unit_id, "item": e.subject},
        (None if e.new is None else {"quantity": int(e.new)}),
    )


def _question_target(
    unit_id: str, e: Entry
) -> tuple[sa.Table, dict[str, Any], dict[str, Any] | None]:
    """Return the answers or waivers table, the row's key and the entry's values."""
    key = {"unit_id": unit_id, "checklist": e.scope, "question": e.subject}
    if e.new is None:
        return (answers if e.kind == "answer" else waivers), key, None
    if e.kind == "answer":
        return (
            answers,
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
        waivers,
        key,
        {
            "reason": e.comment or "",
            "until": date.fromisoformat(e.new),
            "decided_by": e.by,
            "decided_at": e.at,
        },
    )


def _put(
    conn: Connection, table: sa.Table, ids: dict[str, Any], values: dict[str, Any] | None
) -> int:
    key = [table.c[k] == v for k, v in ids.items()]
    row = conn.execute(sa.select(table).where(*key)).first()
    if values is None:
        if row is None:
            return 0
        conn.execute(table.delete().where(*key))
        return 1
    if row is not None and all(row._mapping[k] == v for k, v in values.items()):
        return 0
    if row is None:
        conn.execute(table.insert().values(**ids, **values))
    else:
        conn.execute(table.update().where(*key).values(**values))
    return 1
