"""Speaking to the database through its DB-API driver (``sqlite3``, psycopg): the store's
one way to the database, for reads and writes alike.

Every command opens its transactions here (``connect``) and hands the store a
``Connection``: SQL text in the driver's own parameter style, rows as the driver's tuples,
one streaming helper (``fetch_rows``) and one IN-list helper (``in_list``). SQLAlchemy and
Alembic build and upgrade the schema (``store/database.py``), and no command that only reads
or writes rows imports them. The settings every connection gets (SQLite's pragmas,
PostgreSQL's lock timeout) are made here too.
"""

from __future__ import annotations

import contextlib
import itertools
import pathlib
import sqlite3
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from types import ModuleType
from typing import Any

from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _
from fvmcli.store.sqlite_files import connecting, read_query, sqlite_uri, unreadable_here

BUSY_TIMEOUT_MS = 30_000
LOCK_TIMEOUT = "30s"  # how long a command waits for a lock another session holds
FETCH = 1000  # rows per fetch, and per round trip of a server-side cursor
# Past this many values an IN list is replaced by reading every row and filtering in Python:
# one scan beats thousands of bound parameters, and SQLite limits their number.
MAX_IN = 900


def sqlite_settings(dbapi_conn: Any, _record: Any = None, *, read: bool = False) -> None:
    """Set what every SQLite connection of fvm needs: write-ahead logging, foreign keys, the
    busy timeout, and zeroed deleted content; transactions are begun by fvm itself. A ``read``
    leaves the journal mode as the file has it (fvm's files keep write-ahead logging, set
    when they were made): setting it writes to the file."""
    dbapi_conn.isolation_level = None
    if not read:
        to_write(dbapi_conn)
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten content is zeroed in the file, so that erasure is real.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def bounded_waits(dbapi_connection: Any, _record: Any = None) -> None:
    """Make a PostgreSQL connection give up on a lock after LOCK_TIMEOUT (exit 4, nothing
    stored) instead of waiting for ever, unless the URL or the server set a limit of its own;
    and plan its cursors for their whole result: streams are read to their end (PostgreSQL
    plans a cursor for a tenth of its rows unless told)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), "
            "set_config('cursor_tuple_fraction', '1.0', false)"
        )
        row = cursor.fetchone()
        if row is not None and row[0] in ("0", "0ms"):
            cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    finally:
        cursor.close()
    dbapi_connection.commit()


def psycopg_module() -> ModuleType:
    """Return the psycopg module; its absence is the environment's problem (exit 4)."""
    try:
        import psycopg
    except ImportError as exc:
        raise EnvironmentProblem(
            _("PostgreSQL needs the psycopg driver, which is not installed."),
            hint=_("Install it with:"),
            command="python -m pip install 'fvmcli[postgres]'",
        ) from exc
    return psycopg


_CURSORS = itertools.count()


# Dates are written as ISO text (the form SQLite stores them in, and PostgreSQL reads):
# sqlite3's own date adapter is deprecated since Python 3.12.
sqlite3.register_adapter(date, date.isoformat)

# The marker of a positional parameter in each driver's own style (its DB-API ``paramstyle``):
# sqlite3's "qmark" and psycopg's "format". SQL is written with the driver's marker, never
# rewritten from one style to another.
MARKS = {"sqlite": "?", "postgresql": "%s"}


def quoted(column: str) -> str:
    """Return a column's name quoted, so that names that are words of SQL ("by") are names."""
    return f'"{column}"'


class Connection:
    """A driver connection in one transaction: the store's one way to the database. SQL is
    text, its parameters marked in the driver's own style (``mark``); rows come back as the
    driver's tuples. ``login`` is who acts (``Database.login``), for the history."""

    def __init__(self, dbapi: Any, backend: str, login: str | None = None) -> None:
        self.dbapi = dbapi
        self.backend = backend
        self.mark = MARKS[backend]
        self.login = login
        self.chain_head: str | None = None  # the history's head once this transaction wrote

    def marks(self, count: int) -> str:
        """Return ``count`` parameter markers, comma separated (for VALUES and IN lists)."""
        return ", ".join([self.mark] * count)

    def rows(
        self, sql: str, params: Sequence[Any] = (), *, stream: bool = False, size: int = FETCH
    ) -> Generator[tuple[Any, ...], None, None]:
        """Yield the statement's rows as the driver's tuples (``fetch_rows``)."""
        return fetch_rows(self.dbapi, self.backend, sql, params, stream=stream, size=size)

    def first(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """Return the statement's first row, or None."""
        rows = self.rows(sql, params)
        try:
            return next(rows, None)
        finally:
            rows.close()  # the cursor too

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Return the first column of the statement's first row, or None."""
        row = self.first(sql, params)
        return None if row is None else row[0]

    def records(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Return the statement's rows as mappings of column name to value."""
        cursor = self.dbapi.cursor()
        try:
            execute(cursor, sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a statement that changes rows; return how many it changed."""
        cursor = self.dbapi.cursor()
        try:
            execute(cursor, sql, params)
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Execute a statement once per row of parameters, in one ``executemany``."""
        if not rows:
            return
        cursor = self.dbapi.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows, given in the order of ``columns``, in one ``executemany``."""
        names = ", ".join(map(quoted, columns))
        self.run_many(f"INSERT INTO {table} ({names}) VALUES ({self.marks(len(columns))})", rows)

    def update(self, table: str, values: Mapping[str, Any], key: Mapping[str, Any]) -> int:
        """Set ``values`` in the rows of ``table`` whose columns equal ``key``; return how
        many rows changed."""
        sets = ", ".join(f"{quoted(name)} = {self.mark}" for name in values)
        where = " AND ".join(f"{quoted(name)} = {self.mark}" for name in key)
        return self.run(
            f"UPDATE {table} SET {sets} WHERE {where}", [*values.values(), *key.values()]
        )

    def delete(self, table: str, key: Mapping[str, Any]) -> int:
        """Delete the rows of ``table`` whose columns equal ``key`` (never every row: a key
        names them); return how many."""
        if not key:
            raise ValueError(f"a delete from {table} names no rows")
        where = " AND ".join(f"{quoted(name)} = {self.mark}" for name in key)
        return self.run(f"DELETE FROM {table} WHERE {where}", list(key.values()))


def execute(cursor: Any, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> None:
    """Execute ``sql`` on the cursor; without parameters the text is sent as it is, so that a
    ``%`` in it (PostgreSQL's ``format('%I')``) is no marker."""
    if params:
        cursor.execute(sql, params if isinstance(params, Mapping) else tuple(params))
    else:
        cursor.execute(sql)


def fetch_rows(
    dbapi: Any,
    backend: str,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] = (),
    *,
    stream: bool = False,
    size: int = FETCH,
) -> Generator[tuple[Any, ...], None, None]:
    """Yield the rows of ``sql`` (in the driver's own parameter style) on the DB-API
    connection ``dbapi``, as the driver's tuples, fetched ``size`` at a time: the one
    streaming helper of the store. With ``stream`` they come from a server-side cursor on
    PostgreSQL, so memory does not grow with the table."""
    if backend == "postgresql" and stream:
        cursor: Any = dbapi.cursor(name=f"fvm_stream_{next(_CURSORS)}")
    else:
        cursor = dbapi.cursor()
    try:
        execute(cursor, sql, params)
        while batch := cursor.fetchmany(size):
            yield from batch
    finally:
        # A stream left unread when a command stops early is closed later, when its
        # connection may be gone already: there is then nothing left to close.
        with contextlib.suppress(Exception):
            cursor.close()


def narrowed(values: Iterable[Any] | None) -> tuple[list[Any] | None, set[Any] | None]:
    """Return how a read is narrowed to ``values``: (the values for an IN list, None), or
    (None, the set the caller must filter rows by) past ``MAX_IN`` values, or (None, None)
    for every row (``values`` None). The one rule of both kinds of query."""
    if values is None:
        return None, None
    chosen = sorted(set(values))
    if len(chosen) > MAX_IN:
        return None, set(chosen)
    return chosen, None


def in_list(
    column: str, values: Iterable[Any] | None, mark: str
) -> tuple[str, list[Any], set[Any] | None]:
    """Return the ``AND column IN (…)`` condition for ``values`` with its parameters (marked
    ``mark``, the driver's marker), and the set the caller must still filter rows by
    (``narrowed``)."""
    chosen, rest = narrowed(values)
    if chosen is None:
        return "", [], rest
    if not chosen:
        return " AND 1 = 0", [], None
    return f" AND {column} IN ({', '.join([mark] * len(chosen))})", chosen, None


def as_date(value: Any, where: str) -> date:
    """Return a stored date (text on SQLite, a date on PostgreSQL); a stored value that is
    no date is a damaged database, named by ``where`` (table.column)."""
    from fvmcli.core.limits import FIRST_YEAR, LAST_YEAR

    try:
        found = value if isinstance(value, date) else date.fromisoformat(value)
        if not FIRST_YEAR <= found.year <= LAST_YEAR:
            raise ValueError(value)
        return found
    except (TypeError, ValueError):
        raise EnvironmentProblem(
            _("the database holds {value!r} in {where}, where a date belongs").format(
                value=value, where=where
            ),
            hint=_(
                "Restore it from a backup copy, or correct the value with the command that sets it."
            ),
        ) from None


def missing_table(exc: BaseException) -> bool:
    """Return True when the driver (or SQLAlchemy's wrapper of its error) says a table does
    not exist."""
    orig = getattr(exc, "orig", None) or exc
    return getattr(orig, "sqlstate", None) == "42P01" or "no such table" in str(orig)


class Immutable(sqlite3.Connection):
    """A connection that reads its file as it lies (``read_query``): kept for one transaction
    only, so that a file made writable meanwhile is read under SQLite's locks again."""


class Writable(sqlite3.Connection):
    """A connection opened to read an existing file read-write (``mode=rw``, nothing
    created): it may serve a later write of the same command once given the write's own
    setting (``to_write``), instead of a second connection."""


def to_write(dbapi: sqlite3.Connection) -> None:
    """Give a connection what one to write has beyond a read's settings: write-ahead
    logging, which a read leaves as the file has it (``sqlite_settings`` for a connection
    opened to write, ``Kept`` for a ``Writable`` read that goes on to write)."""
    dbapi.execute("PRAGMA journal_mode=WAL").fetchall()


def _factory(query: str | None) -> type[sqlite3.Connection]:
    """Return the class of a connection opened with the URI query ``query`` (``read_query``;
    None: to write)."""
    if query and "immutable" in query:
        return Immutable
    return Writable if query == "mode=rw" else sqlite3.Connection


def sqlite_open(path: str, *, write: bool = False) -> sqlite3.Connection:
    """Return a connection on the SQLite file with fvm's settings. One to write makes the
    file's folder when missing (the user data folder on first use); one to read creates and
    changes nothing (``sqlite_uri``, ``sqlite_settings``)."""
    if write:
        pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    connecting(path)
    query = None if write else read_query(path)
    dbapi = sqlite3.connect(
        sqlite_uri(path, write=write),
        timeout=BUSY_TIMEOUT_MS / 1000,
        uri=True,
        factory=_factory(query),
    )
    try:
        try:
            sqlite_settings(dbapi, read=not write)
            if query == "mode=ro":  # SQLite opens the file at its first read: fail here
                dbapi.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlite3.OperationalError as exc:
            if query != "mode=ro" or "unable to open" not in str(exc):
                raise
            raise unreadable_here(path) from exc
    except BaseException:
        dbapi.close()
        raise
    return dbapi


def postgresql_open(conninfo: str, *, write: bool = False) -> Any:
    """Return a psycopg connection on the PostgreSQL database with fvm's settings (the same
    for reading and writing)."""
    dbapi = psycopg_module().connect(conninfo)
    try:
        bounded_waits(dbapi)
    except BaseException:
        dbapi.close()
        raise
    return dbapi


@contextmanager
def sqlite_within(
    dbapi: sqlite3.Connection, *, write: bool = False, keep: bool = True, login: str | None = None
) -> Iterator[Connection]:
    """Yield a Connection in one transaction on an open SQLite connection: a read, or with
    ``write`` a write that holds the write lock from its start (two terminals queue on the
    busy timeout instead of failing midway), committed when ``keep``. On an error the
    transaction is left open: the caller closes the connection, which keeps nothing."""
    dbapi.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    yield Connection(dbapi, "sqlite", login)
    dbapi.execute("COMMIT" if write and keep else "ROLLBACK")


@contextmanager
def postgresql_within(
    dbapi: Any, *, write: bool = False, keep: bool = True, login: str | None = None
) -> Iterator[Connection]:
    """Yield a Connection in one transaction on an open psycopg connection: a read on one
    snapshot, or with ``write`` a write committed when ``keep``. On an error the caller
    closes the connection."""
    if write:
        dbapi.isolation_level = None  # the server's default, READ COMMITTED
        dbapi.read_only = None
    else:
        # One snapshot for the whole command: every stream of a read sees the same
        # database, however long the read takes and whatever commits meanwhile.
        dbapi.isolation_level = psycopg_module().IsolationLevel.REPEATABLE_READ
        dbapi.read_only = True
    yield Connection(dbapi, "postgresql", login)
    if write and keep:
        dbapi.commit()
    else:
        dbapi.rollback()


@contextmanager
def sqlite_transaction(
    path: str, *, write: bool = False, keep: bool = True, login: str | None = None
) -> Iterator[Connection]:
    """Yield a Connection on the SQLite file in one transaction (``sqlite_within``) on a
    connection of its own, closed afterwards."""
    dbapi = sqlite_open(path, write=write)
    try:
        with sqlite_within(dbapi, write=write, keep=keep, login=login) as conn:
            yield conn
    finally:
        dbapi.close()  # a transaction left open (an error) ends with nothing kept


@contextmanager
def postgresql_transaction(
    conninfo: str, *, write: bool = False, keep: bool = True, login: str | None = None
) -> Iterator[Connection]:
    """Yield a Connection on the PostgreSQL database in one transaction
    (``postgresql_within``) on a connection of its own, closed afterwards."""
    dbapi = postgresql_open(conninfo, write=write)
    try:
        with postgresql_within(dbapi, write=write, keep=keep, login=login) as conn:
            yield conn
    finally:
        dbapi.close()


def connect(
    backend: str, target: str, *, write: bool = False, keep: bool = True, login: str | None = None
) -> Any:
    """Return the context manager of a transaction on ``target``: a SQLite file's path, or a
    PostgreSQL connection URL (``postgresql://…``); see ``sqlite_transaction``."""
    opened = sqlite_transaction if backend == "sqlite" else postgresql_transaction
    return opened(target, write=write, keep=keep, login=login)
