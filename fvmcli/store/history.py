"""The append-only history of every change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from fvmcli.store.driver import Connection, in_list


@dataclass(frozen=True)
class Change:
    """One change: who made it, when, what it was about, and the old and new values."""

    at: str
    by: str
    kind: str
    unit_id: str | None = None
    scope: str | None = None
    subject: str | None = None
    old: str | None = None
    new: str | None = None
    comment: str | None = None
    version: int | None = None
    login: str | None = None  # None: the connection's login (see Database.login)
    key: str | None = None  # the fingerprint of the device key of a bundle's entry


def record(conn: Connection, changes: list[Change]) -> None:
    """Append changes to the history, in order, each with the login that made it (on
    PostgreSQL with rights configured, the database sets it itself and cannot be told)."""
    login = conn.login
    append(
        conn,
        [
            (*(getattr(c, name) for name in HEAD_COLUMNS), c.login or login, c.key, *UNWRITTEN)
            for c in changes
        ],
    )


# The columns of a change up to its version, and of an entry as ``append`` takes it.
HEAD_COLUMNS = (
    "at",
    "by",
    "kind",
    "unit_id",
    "scope",
    "subject",
    "old",
    "new",
    "comment",
    "version",
)
# The row an entry wrote (table, key, recorded and personal columns): ``store/record.py``.
WRITTEN_COLUMNS = ("tbl", "rowkey", "state", "private")
UNWRITTEN = (None, None, None, None)
ENTRY_COLUMNS = (*HEAD_COLUMNS, "login", "key", *WRITTEN_COLUMNS)
_CHAIN_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('fvm-history', 0))"


def append(conn: Connection, entries: list[tuple[object, ...]]) -> None:
    """Append entries (tuples of ``ENTRY_COLUMNS``) to the history as links of its hash chain
    (``core.history_chain``): the one way an entry is written. On PostgreSQL the chain's lock
    is held to the end of the transaction, so that writers link one after another; a SQLite
    writer holds the whole database already."""
    from fvmcli.core.history_chain import CHAIN_COLUMNS, GENESIS, LINKS, chained

    if not entries:
        return
    # The head is read once a transaction: after that this transaction made it (it holds the
    # chain's lock), so many small appends (an enrolment per person) cost no query each.
    head = conn.chain_head
    if head is None:
        if conn.backend == "postgresql":
            conn.run(_CHAIN_LOCK)
        head = head_of(conn)
    pick = itemgetter(*(ENTRY_COLUMNS.index(name) for name in CHAIN_COLUMNS))
    rows, conn.chain_head = chained(head or GENESIS, map(pick, entries))
    conn.insert("history", (*CHAIN_COLUMNS, *LINKS), rows)


def chain_rows(conn: Connection) -> Iterator[tuple[Any, ...]]:
    """Yield every entry in id order as ``core.history_chain.verify`` reads it, streaming."""
    from fvmcli.core.history_chain import CHAIN_COLUMNS, LINKS

    columns = ", ".join(("id", *LINKS, *CHAIN_COLUMNS))
    yield from conn.rows(f"SELECT {columns} FROM history ORDER BY id", stream=True)


def head_of(conn: Connection) -> str | None:
    """Return the hash of the newest entry (the chain's head), None when there is none."""
    found: str | None = conn.scalar("SELECT hash FROM history ORDER BY id DESC LIMIT 1")
    return found


# Every field of a Change, in order, as columns ("by" is a word of SQL: quoted).
_CHANGES = ", ".join(f'"{name}"' for name in Change.__dataclass_fields__)


def record_tuples(conn: Connection, changes: list[tuple[object, ...]]) -> None:
    """Append changes given as tuples of ``HEAD_COLUMNS`` (the fields of a Change up to its
    version), with the connection's login: for bulk writes, without making a Change each."""
    append(conn, [(*c, conn.login, None, *UNWRITTEN) for c in changes])


def changes(
    conn: Connection,
    *,
    kinds: tuple[str, ...],
    unit_id: str | None = None,
    scope: str | None = None,
    subject: str | None = None,
) -> list[Change]:
    """Return the changes of these kinds, oldest first, narrowed by unit, scope and subject."""
    sql = f"SELECT {_CHANGES} FROM history WHERE kind IN ({conn.marks(len(kinds))})"
    params: list[object] = list(kinds)
    for column, value in (("unit_id", unit_id), ("scope", scope), ("subject", subject)):
        if value is not None:
            sql += f" AND {column} = {conn.mark}"
            params.append(value)
    return [Change(*row) for row in conn.rows(sql + " ORDER BY id", params)]


def latest(conn: Connection, limit: int, unit_ids: list[str] | None = None) -> list[Change]:
    """Return the ``limit`` newest changes, newest first (only of these units, when given)."""
    # Past MAX_IN ids: walk back from the newest instead of binding thousands of ids.
    where, params, keep = in_list("unit_id", unit_ids, conn.mark)
    sql = f"SELECT {_CHANGES} FROM history WHERE 1 = 1{where} ORDER BY id DESC"
    if keep is None:
        sql += f" LIMIT {int(limit)}"
    found: list[Change] = []
    rows = conn.rows(sql, params, stream=keep is not None, size=500)
    try:
        for row in rows:
            change = Change(*row)
            if keep is not None and change.unit_id not in keep:
                continue
            found.append(change)
            if len(found) >= limit:
                break
    finally:
        rows.close()
    return found
