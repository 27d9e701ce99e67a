"""Answers and waivers of units on checklists, with their history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fvmcli.core.model import Answer, NewAnswer, Waiver
from fvmcli.store import record
from fvmcli.store.driver import Connection, as_date, in_list
from fvmcli.store.history import Change, changes
from fvmcli.store.units import lock_units

HISTORY_KINDS = ("answer", "waiver", "attestation", "approval")


# The columns of an Answer, in the order of its fields, after the unit's id.
_ANSWER = (
    "unit_id, question, value, comment, answered_by, answered_at, version, attestation, attested_by"
)


def get_answers(conn: Connection, unit_id: str, checklist: str) -> dict[str, Answer]:
    """Return question id → current answer for one unit."""
    return answers_by_unit(conn, checklist, [unit_id]).get(unit_id, {})


def answers_by_unit(
    conn: Connection, checklist: str, unit_ids: Iterable[str] | None = None
) -> dict[str, dict[str, Answer]]:
    """Return unit → question → answer for many units in one query (all units when None)."""
    where, params, keep = in_list("unit_id", unit_ids, conn.mark)
    sql = f"SELECT {_ANSWER} FROM answers WHERE checklist = {conn.mark}{where}"
    found: dict[str, dict[str, Answer]] = defaultdict(dict)
    for unit_id, *fields in conn.rows(sql, [checklist, *params]):
        if keep is None or unit_id in keep:
            found[unit_id][fields[0]] = Answer(*fields)
    return found


def save_answers(
    conn: Connection,
    checklist: str,
    version: int,
    batch: list[NewAnswer],
    *,
    by: str,
    at: str,
    revised: Mapping[str, int] | None = None,
    current: Mapping[str, Mapping[str, Answer]] | None = None,
) -> int:
    """Store answers that differ from the current ones; return how many changed.

    Each change is appended to history with the previous value. Current answers are read in one
    query (unless ``current`` gives them: the batch's units' answers, read by this transaction
    after it locked those units) and new and changed rows written in one batch
    (``record.upsert``), so imports of many units stay fast.
    """
    named = {n.unit_id for n in batch}
    lock_units(conn, named)
    if current is None:
        current = answers_by_unit(conn, checklist, named) if batch else {}
    none: dict[str, Answer] = {}
    rows: list[dict[str, Any]] = []
    # Each row's entry: where it belongs and what it says (``record.Place``), and who gave
    # it; the batch shares one Change (the moment stored, the kind, the version).
    places: list[record.Place] = []
    who_gave: list[str] = []
    limits = revised or {}
    for new in batch:
        old = current.get(new.unit_id, none).get(new.question)
        # The same answer again is no change, unless it confirms a stale one (given before
        # the question's meaning changed in version ``revised``): then it is recorded anew.
        limit = limits.get(new.question)
        confirms = limit is not None and (old is None or (old.version or 0) < limit)
        if (
            old is not None
            and old.value == new.value
            and old.comment == new.comment
            and not confirms
        ):
            continue
        # The answer's time is when the person says they answered; its history entry is
        # stamped with the moment it is stored, so that the history's order is the order of
        # what was known (a date typed on a sheet never sorts before work stored earlier).
        who, when = new.by or by, new.at or at
        places.append(
            (
                new.unit_id,
                checklist,
                new.question,
                old.value if old else None,
                new.value,
                new.comment,
            )
        )
        who_gave.append(who)
        # The whole row: a changed answer replaces the stored one, even with the same value
        # starting unattested again.
        rows.append(
            {
                "unit_id": new.unit_id,
                "checklist": checklist,
                "question": new.question,
                "value": new.value,
                "comment": new.comment,
                "answered_by": who,
                "answered_at": when,
                "version": version,
                "attestation": None,
                "attested_by": None,
                "attested_at": None,
            }
        )
    change = Change(at, by, "answer", version=version)
    record.upsert(conn, "answers", rows, change, places, who_gave)
    return len(rows)


def get_waivers(conn: Connection, unit_id: str, checklist: str) -> dict[str, Waiver]:
    """Return question id → waiver (active or not) for one unit."""
    from fvmcli.store.reads import waivers_by_unit

    return waivers_by_unit(conn, checklist, [unit_id]).get(unit_id, {})


def change_waiver(
    conn: Connection,
    unit_id: str,
    checklist: str,
    question: str,
    reason: str,
    until: date | None,
    *,
    by: str,
    at: str,
    version: int,
) -> bool:
    """Waive a question for a unit until a date, replacing any earlier waiver, or withdraw it
    (``until`` None). Return False when there was nothing to withdraw. History keeps both."""
    lock_units(conn, [unit_id])
    key = {"unit_id": unit_id, "checklist": checklist, "question": question}
    stored = conn.scalar(
        f"SELECT until FROM waivers WHERE unit_id = {conn.mark} AND checklist = {conn.mark} "
        f"AND question = {conn.mark}",
        tuple(key.values()),
    )
    old = None if stored is None else as_date(stored, "waivers.until")
    if old is None and until is None:
        return False
    old_text = old.isoformat() if old else None
    new_text = until.isoformat() if until else None
    change = Change(
        at, by, "waiver", unit_id, checklist, question, old_text, new_text, reason, version
    )
    if until is None:
        record.delete(conn, "waivers", key, change)
    elif old is None:
        row = {**key, "reason": reason, "until": until, "decided_by": by, "decided_at": at}
        record.insert(conn, "waivers", [row], change)
    else:  # a waiver given again starts unapproved
        values = {"reason": reason, "until": until, "decided_by": by, "decided_at": at}
        values |= {"approval": None, "approved_by": None, "approved_at": None}
        record.update(conn, "waivers", key, values, change)
    return True


# What a second person's word is recorded as: the kind of history entry, the table of the
# row it concerns, and that row's columns of the state, who and when.
SECOND_PERSON = {
    "attestation": ("answers", "attestation", "attested_by", "attested_at"),
    "approval": ("waivers", "approval", "approved_by", "approved_at"),
}


def second_person(
    conn: Connection,
    kind: str,
    unit_id: str,
    checklist: str,
    question: str,
    state: str,
    *,
    by: str,
    at: str,
    comment: str | None,
    version: int,
) -> None:
    """Record a second person's word on an answer (``kind`` "attestation": "attested" or
    "rejected") or on a requested waiver ("approval": "approved" or "rejected"), in the row
    it concerns and in history."""
    table, state_column, by_column, at_column = SECOND_PERSON[kind]
    record.update(
        conn,
        table,
        {"unit_id": unit_id, "checklist": checklist, "question": question},
        {state_column: state, by_column: by, at_column: at},
        Change(at, by, kind, unit_id, checklist, question, None, state, comment, version),
    )


def answer_history(
    conn: Connection, unit_id: str, checklist: str, question: str | None = None
) -> list[Change]:
    """Return answer, waiver, attestation and approval changes of one unit, oldest first."""
    return changes(conn, kinds=HISTORY_KINDS, unit_id=unit_id, scope=checklist, subject=question)


# ---------------------------------------------------------------- staging a large import

_STAGED = "fvm_staged_answers"
_STAGED_COLUMNS = ("line", "unit_id", "question", "value", "comment", "answered_by", "answered_at")


def stage_answers(conn: Connection, rows: Iterable[tuple[Any, ...]], batch: int = 5000) -> int:
    """Put an import's rows (line, unit, question, value, comment, by, at) into a temporary
    table of this transaction, a batch at a time; return how many. The file is then checked
    and stored unit by unit from there, so memory does not grow with its size."""
    drop_staged(conn)
    texts = ", ".join(f"{name} TEXT" for name in _STAGED_COLUMNS[1:])
    conn.run(f"CREATE TEMPORARY TABLE {_STAGED} (line INTEGER, {texts})")
    count = 0
    pending: list[tuple[Any, ...]] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= batch:
            conn.insert(_STAGED, _STAGED_COLUMNS, pending)
            count += len(pending)
            pending = []
    conn.insert(_STAGED, _STAGED_COLUMNS, pending)
    # Indexed once the rows are in: one sort instead of a tree kept in order row by row.
    conn.run(f"CREATE INDEX ix_{_STAGED} ON {_STAGED} (unit_id, line)")
    return count + len(pending)


def staged_units(conn: Connection) -> list[str]:
    """Return the unit ids the staged rows name, in order."""
    rows = conn.rows(f"SELECT DISTINCT unit_id FROM {_STAGED} ORDER BY unit_id")
    return [unit_id for (unit_id,) in rows]


def staged_rows(conn: Connection, first: str, last: str) -> list[tuple[Any, ...]]:
    """Return the staged rows of the units from ``first`` to ``last`` (in id order), by unit
    and line."""
    sql = (
        f"SELECT {', '.join(_STAGED_COLUMNS)} FROM {_STAGED} "
        f"WHERE unit_id >= {conn.mark} AND unit_id <= {conn.mark} ORDER BY unit_id, line"
    )
    return list(conn.rows(sql, (first, last)))


def drop_staged(conn: Connection) -> None:
    """Drop the staging table (it would go with the connection anyway)."""
    temporary = "temp" if conn.backend == "sqlite" else "pg_temp"  # never a table of the schema
    conn.run(f"DROP TABLE IF EXISTS {temporary}.{_STAGED}")
