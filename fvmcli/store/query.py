"""Small helpers for building the store's queries."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.store.driver import MAX_IN


def where_in(
    query: sa.Select[Any], column: sa.ColumnElement[Any], values: Iterable[Any] | None
) -> tuple[sa.Select[Any], set[Any] | None]:
    """Return the query narrowed to ``values``, and the set the caller must still filter by
    (None when the database did the filtering or there was nothing to filter)."""
    if values is None:
        return query, None
    chosen = set(values)
    if len(chosen) > MAX_IN:  # one scan beats thousands of bound parameters (driver.MAX_IN)
        return query, chosen
    return query.where(column.in_(chosen)), None


_CURSORS = itertools.count()


def raw_rows(
    conn: Connection, query: sa.Select[Any], *, stream: bool = False
) -> Iterator[tuple[Any, ...]]:
    """Yield the query's rows as the driver's own tuples, in the connection's transaction,
    without SQLAlchemy's per-row processing: for the hot reads of the whole territory, whose
    columns need no conversion (text and whole numbers). With ``stream`` the rows come from a
    server-side cursor on PostgreSQL, so that memory does not grow with the territory."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if conn.dialect.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    if stream and conn.dialect.name == "postgresql":
        cursor: Any = dbapi.cursor(name=f"fvm_stream_{next(_CURSORS)}")
        cursor.itersize = 5000
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(5000):
            yield from batch
    finally:
        cursor.close()


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
