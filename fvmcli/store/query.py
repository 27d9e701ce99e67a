"""Small helpers for building the store's queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.store.driver import fetch_rows, narrowed


def where_in(
    query: sa.Select[Any], column: sa.ColumnElement[Any], values: Iterable[Any] | None
) -> tuple[sa.Select[Any], set[Any] | None]:
    """Return the query narrowed to ``values``, and the set the caller must still filter by
    (``driver.narrowed``)."""
    chosen, rest = narrowed(values)
    if chosen is None:
        return query, rest
    return query.where(column.in_(chosen)), None


def raw_rows(
    conn: Connection, query: sa.Select[Any], *, stream: bool = False
) -> Iterator[tuple[Any, ...]]:
    """Yield the query's rows as the driver's own tuples, in the connection's transaction,
    without SQLAlchemy's per-row processing (``driver.fetch_rows``): for the hot reads of the
    whole territory, whose columns need no conversion (text and whole numbers)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if conn.dialect.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    return fetch_rows(dbapi, conn.dialect.name, str(compiled), params, stream=stream)


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows (mappings with the keys of the first) in one ``executemany``."""
    if rows:
        names = list(rows[0])
        insert_tuples(conn, table, names, [tuple(r[n] for n in names) for r in rows])


def insert_tuples(
    conn: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows, given as tuples in the order of ``columns``, with the driver's own
    ``executemany`` in the connection's transaction: SQLAlchemy's per-row parameter processing
    costs more than the insert itself in bulk imports. The columns need no conversion (text,
    whole numbers)."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.executemany(statement, rows)
    finally:
        cursor.close()
