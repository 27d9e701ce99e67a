"""Answers and waivers of units on checklists, with their history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.core.model import Answer, NewAnswer, Waiver
from fvmcli.store.history import Change, changes, record, record_tuples
from fvmcli.store.query import insert_tuples, where_in
from fvmcli.store.schema import answers, waivers
from fvmcli.store.units import lock_units

HISTORY_KINDS = ("answer", "waiver", "attestation", "approval")


def _answer(row: sa.Row[Any]) -> Answer:
    return Answer(
        row.question,
        row.value,
        row.comment,
        row.answered_by,
        row.answered_at,
        row.version,
        row.attestation,
        row.attested_by,
    )


def get_answers(conn: Connection, unit_id: str, checklist: str) -> dict[str, Answer]:
    """Return question id → current answer for one unit."""
    query = sa.select(answers).where(answers.c.unit_id == unit_id, answers.c.checklist == checklist)
    return {row.question: _answer(row) for row in conn.execute(query)}


def answers_by_unit(
    conn: Connection, checklist: str, unit_ids: Iterable[str] | None = None
) -> dict[str, dict[str, Answer]]:
    """Return unit → question → answer for many units in one query (all units when None)."""
    query, keep = where_in(
        sa.select(answers).where(answers.c.checklist == checklist), answers.c.unit_id, unit_ids
    )
    found: dict[str, dict[str, Answer]] = defaultdict(dict)
    for row in conn.execute(query):
        if keep is None or row.unit_id in keep:
            found[row.unit_id][row.question] = _answer(row)
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
) -> int:
    """Store answers that differ from the current ones; return how many changed.

    Each change is appended to history with the previous value. Current answers are read in one
    query and new rows written in one batch, so imports of many units stay fast.
    """
    lock_units(conn, {n.unit_id for n in batch})
    current = answers_by_unit(conn, checklist, {n.unit_id for n in batch}) if batch else {}
    inserts: list[tuple[object, ...]] = []
    log: list[tuple[object, ...]] = []
    limits = revised or {}
    for new in batch:
        old = current[new.unit_id].get(new.question)
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
        who, when = new.by or by, new.at or at
        if old is None:
            inserts.append(
                (new.unit_id, checklist, new.question, new.value, new.comment, who, when, version)
            )
        else:
            conn.execute(
                answers.update()
                .where(
                    answers.c.unit_id == new.unit_id,
                    answers.c.checklist == checklist,
                    answers.c.question == new.question,
                )
                .values(
                    value=new.value,
                    comment=new.comment,
                    answered_by=who,
                    answered_at=when,
                    version=version,
                    # A new answer, even with the same value, starts unattested.
                    attestation=None,
                    attested_by=None,
                    attested_at=None,
                )
            )
        log.append(
            (
                when,
                who,
                "answer",
                new.unit_id,
                checklist,
                new.question,
                old.value if old else None,
                new.value,
                new.comment,
                version,
            )
        )
    insert_tuples(conn, answers, ANSWER_COLUMNS, inserts)
    record_tuples(conn, log)
    return len(log)


ANSWER_COLUMNS = (
    "unit_id",
    "checklist",
    "question",
    "value",
    "comment",
    "answered_by",
    "answered_at",
    "version",
)


def get_waivers(conn: Connection, unit_id: str, checklist: str) -> dict[str, Waiver]:
    """Return question id → waiver (active or not) for one unit."""
    query = sa.select(waivers).where(waivers.c.unit_id == unit_id, waivers.c.checklist == checklist)
    return {
        r.question: Waiver(
            r.question,
            r.reason,
            r.until,
            r.decided_by,
            r.approved_by if r.approval == "approved" else None,
            r.approval == "rejected",
        )
        for r in conn.execute(query)
    }


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
    key = (
        waivers.c.unit_id == unit_id,
        waivers.c.checklist == checklist,
        waivers.c.question == question,
    )
    old = conn.execute(sa.select(waivers.c.until).where(*key)).scalar()
    if old is None and until is None:
        return False
    conn.execute(waivers.delete().where(*key))
    if until is not None:
        conn.execute(
            waivers.insert().values(
                unit_id=unit_id,
                checklist=checklist,
                question=question,
                reason=reason,
                until=until,
                decided_by=by,
                decided_at=at,
            )
        )
    old_text = old.isoformat() if old else None
    new_text = until.isoformat() if until else None
    record(
        conn,
        [
            Change(
                at, by, "waiver", unit_id, checklist, question, old_text, new_text, reason, version
            )
        ],
    )
    return True


# What a second person's word is recorded as: the kind of history entry, the table of the
# row it concerns, and that row's columns of the state, who and when.
SECOND_PERSON = {
    "attestation": (answers, "attestation", "attested_by", "attested_at"),
    "approval": (waivers, "approval", "approved_by", "approved_at"),
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
    conn.execute(
        table.update()
        .where(
            table.c.unit_id == unit_id,
            table.c.checklist == checklist,
            table.c.question == question,
        )
        .values({state_column: state, by_column: by, at_column: at})
    )
    record(
        conn,
        [Change(at, by, kind, unit_id, checklist, question, None, state, comment, version)],
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
    temporary = sa.Table(
        _STAGED,
        sa.MetaData(),
        sa.Column("line", sa.Integer),
        *(sa.Column(name, sa.Text) for name in _STAGED_COLUMNS[1:]),
        prefixes=["TEMPORARY"],
    )
    temporary.drop(conn, checkfirst=True)
    temporary.create(conn)
    conn.execute(sa.text(f"CREATE INDEX ix_{_STAGED} ON {_STAGED} (unit_id, line)"))
    count = 0
    pending: list[tuple[Any, ...]] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= batch:
            insert_tuples(conn, temporary, _STAGED_COLUMNS, pending)
            count += len(pending)
            pending = []
    insert_tuples(conn, temporary, _STAGED_COLUMNS, pending)
    return count + len(pending)


def staged_units(conn: Connection) -> list[str]:
    """Return the unit ids the staged rows name, in order."""
    query = sa.text(f"SELECT DISTINCT unit_id FROM {_STAGED} ORDER BY unit_id")
    return [r[0] for r in conn.execute(query)]


def staged_rows(conn: Connection, first: str, last: str) -> list[tuple[Any, ...]]:
    """Return the staged rows of the units from ``first`` to ``last`` (in id order), by unit
    and line."""
    from fvmcli.store.query import raw_rows

    staged = sa.table(_STAGED, *(sa.column(c) for c in _STAGED_COLUMNS))
    query = (
        sa.select(*staged.c)
        .where(staged.c.unit_id >= first, staged.c.unit_id <= last)
        .order_by(staged.c.unit_id, staged.c.line)
    )
    return list(raw_rows(conn, query))


def drop_staged(conn: Connection) -> None:
    """Drop the staging table (it would go with the connection anyway)."""
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {_STAGED}"))
