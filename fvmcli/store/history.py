"""The append-only history of every change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.store.schema import history


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
    login = conn.info.get("fvm_login")
    append(
        conn,
        [
            tuple(getattr(c, name) for name in HEAD_COLUMNS) + (c.login or login, c.key)
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
ENTRY_COLUMNS = (*HEAD_COLUMNS, "login", "key")
_CHAIN_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('fvm-history', 0))"


def append(conn: Connection, entries: list[tuple[object, ...]]) -> None:
    """Append entries (tuples of ``ENTRY_COLUMNS``) to the history as links of its hash chain
    (``core.history_chain``): the one way an entry is written. On PostgreSQL the chain's lock
    is held to the end of the transaction, so that writers link one after another; a SQLite
    writer holds the whole database already."""
    from fvmcli.core.history_chain import CHAIN_COLUMNS, GENESIS, LINKS, chained
    from fvmcli.store.query import insert_tuples

    if not entries:
        return
    # The head is read once a transaction: after that this transaction made it (it holds the
    # chain's lock), so many small appends (an enrolment per person) cost no query each.
    transaction = conn.get_transaction()
    known = conn.info.get("fvm_chain")
    if known is not None and known[0] is transaction:
        head = known[1]
    else:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(_CHAIN_LOCK))
        head = head_of(conn)
    places = [ENTRY_COLUMNS.index(name) for name in CHAIN_COLUMNS]
    rows, head = chained(head or GENESIS, (tuple(e[i] for i in places) for e in entries))
    conn.info["fvm_chain"] = (transaction, head)
    insert_tuples(conn, history, (*CHAIN_COLUMNS, *LINKS), rows)


def chain_rows(conn: Connection) -> Iterator[tuple[Any, ...]]:
    """Yield every entry in id order as ``core.history_chain.verify`` reads it, streaming."""
    from fvmcli.core.history_chain import CHAIN_COLUMNS, LINKS
    from fvmcli.store.query import raw_rows

    columns = ("id", *LINKS, *CHAIN_COLUMNS)
    query = sa.select(*(history.c[name] for name in columns)).order_by(history.c.id)
    yield from raw_rows(conn, query, stream=True)


def head_of(conn: Connection) -> str | None:
    """Return the hash of the newest entry (the chain's head), None when there is none."""
    return conn.execute(sa.select(history.c.hash).order_by(history.c.id.desc()).limit(1)).scalar()


CHANGE_FIELDS = frozenset(Change.__dataclass_fields__)


def record_tuples(conn: Connection, changes: list[tuple[object, ...]]) -> None:
    """Append changes given as tuples of ``HEAD_COLUMNS`` (the fields of a Change up to its
    version), with the connection's login: for bulk writes, without making a Change each."""
    login = conn.info.get("fvm_login")
    append(conn, [(*c, login, None) for c in changes])


def changes(
    conn: Connection,
    *,
    kinds: tuple[str, ...],
    unit_id: str | None = None,
    scope: str | None = None,
    subject: str | None = None,
) -> list[Change]:
    """Return the changes of these kinds, oldest first, narrowed by unit, scope and subject."""
    query = sa.select(history).where(history.c.kind.in_(kinds)).order_by(history.c.id)
    for column, value in (("unit_id", unit_id), ("scope", scope), ("subject", subject)):
        if value is not None:
            query = query.where(history.c[column] == value)
    return [
        Change(**{k: v for k, v in row._mapping.items() if k in CHANGE_FIELDS})
        for row in conn.execute(query)
    ]


def latest(conn: Connection, limit: int, unit_ids: list[str] | None = None) -> list[Change]:
    """Return the ``limit`` newest changes, newest first (only of these units, when given)."""
    from fvmcli.store.query import where_in

    # Past MAX_IN ids: walk back from the newest instead of binding thousands of ids.
    query, keep = where_in(
        sa.select(history).order_by(history.c.id.desc()), history.c.unit_id, unit_ids
    )
    if keep is None:
        query = query.limit(limit)
    found: list[Change] = []
    for row in conn.execute(query.execution_options(yield_per=500)):
        if keep is not None and row.unit_id not in keep:
            continue
        found.append(Change(**{k: v for k, v in row._mapping.items() if k in CHANGE_FIELDS}))
        if len(found) >= limit:
            break
    return found
