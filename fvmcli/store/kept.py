"""One driver connection kept for a command's transactions, one at a time (``Kept``)."""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fvmcli.store.driver import (
    Connection,
    Immutable,
    Writable,
    connect,
    postgresql_open,
    postgresql_within,
    psycopg_module,
    sqlite_open,
    sqlite_within,
    to_write,
)

PING_AFTER = 1.0  # seconds idle after which a kept PostgreSQL connection is asked if it answers


class Kept:
    """One driver connection to ``target``, opened at the first transaction and kept for the
    next ones, one at a time: a command connects once however many short transactions it
    runs (its schema check, the content in force, its write). A SQLite file a read opened
    read-only is opened again, to write, at the first write (a read creates and changes
    nothing, ``sqlite_open``); one it opened read-write serves the write too, as a PostgreSQL
    connection serves both. A transaction that fails closes the connection (nothing of that
    transaction is kept; the next one connects again); a transaction asked for inside another
    runs on a connection of its own, as each did before."""

    def __init__(self, backend: str, target: str) -> None:
        self.backend = backend
        self.target = target
        self._dbapi: Any = None
        self._writes = False  # whether the open connection was opened to write
        self._busy = False
        self._closing: Any = None
        self._ended = 0.0  # when the last transaction ended (monotonic seconds)
        self._held: Connection | None = None  # the read transaction ``held`` keeps open

    @contextmanager
    def transaction(
        self, *, write: bool = False, keep: bool = True, login: str | None = None
    ) -> Iterator[Connection]:
        """Yield a Connection in one transaction (``sqlite_within``, ``postgresql_within``);
        a read inside ``held`` is the held transaction."""
        if self._held is not None and not write:
            yield self._held
            return
        if self._busy:
            with connect(self.backend, self.target, write=write, keep=keep, login=login) as conn:
                yield conn
            return
        if self._dbapi is not None and write and not self._writes and self.backend == "sqlite":
            if isinstance(self._dbapi, Writable):  # the same file, opened read-write: kept
                to_write(self._dbapi)
                self._writes = True
            else:
                self.close()
        if self._dbapi is not None and self.backend == "postgresql" and not self._answers():
            self.close()  # a server restarted, or an idle connection dropped: connect again
        if self._dbapi is None:
            self._open(write)
        within = sqlite_within if self.backend == "sqlite" else postgresql_within
        self._busy = True
        try:
            with within(self._dbapi, write=write, keep=keep, login=login) as conn:
                yield conn
        except BaseException:
            self.close()
            raise
        finally:
            self._busy = False
            self._ended = time.monotonic()
        if isinstance(self._dbapi, Immutable):
            self.close()

    @contextmanager
    def held(self, login: str | None = None) -> Iterator[None]:
        """Hold one read transaction for the block: every read transaction asked for inside
        it is that one, so that all the reads of the block see one state of the database. A
        write inside it (content published on first use) runs on a connection of its own,
        unseen by those reads; a database error inside it ends the block (on PostgreSQL
        the held transaction reads no more)."""
        if self._held is not None:
            yield
            return
        with self.transaction(login=login) as conn:
            self._held = conn
            try:
                yield
            finally:
                self._held = None

    def _open(self, write: bool) -> None:
        opened = sqlite_open if self.backend == "sqlite" else postgresql_open
        self._dbapi = opened(self.target, write=write)
        self._writes = write
        # Closed when the Kept is let go of or at exit, whoever forgot to close it.
        self._closing = weakref.finalize(self, self._dbapi.close)

    def _answers(self) -> bool:
        """Return whether the kept PostgreSQL connection still answers: not closed nor
        broken, and, when idle for PING_AFTER seconds or more, answering a SELECT 1 outside
        a transaction (as SQLAlchemy's pre-ping); a command's transactions in quick
        succession are spared the round trip."""
        dbapi = self._dbapi
        if dbapi.closed or dbapi.broken:
            return False
        if time.monotonic() - self._ended < PING_AFTER:
            return True
        try:
            dbapi.autocommit = True
            dbapi.execute("SELECT 1")
            dbapi.autocommit = False
        except psycopg_module().Error:
            return False
        return True

    def close(self) -> None:
        """Close the connection, when one is open."""
        if self._closing is not None:
            self._closing()
        self._dbapi = self._closing = None
