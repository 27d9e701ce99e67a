"""The append-only history of every change."""

from __future__ import annotations

from dataclasses import dataclass

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
    from fvmcli.store.query import insert_rows

    if changes:
        login = conn.info.get("fvm_login")
        insert_rows(conn, history, [{**vars(c), "login": c.login or login} for c in changes])


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


def record_tuples(conn: Connection, changes: list[tuple[object, ...]]) -> None:
    """Append changes given as tuples of ``HEAD_COLUMNS`` (the fields of a Change up to its
    version), with the connection's login: for bulk writes, without making a Change each."""
    from fvmcli.store.query import insert_tuples

    if changes:
        login = conn.info.get("fvm_login")
        insert_tuples(conn, history, (*HEAD_COLUMNS, "login"), [(*c, login) for c in changes])


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
        Change(**{k: v for k, v in row._mapping.items() if k != "id"})
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
        found.append(Change(**{k: v for k, v in row._mapping.items() if k != "id"}))
        if len(found) >= limit:
            break
    return found
