"""Opening the database: URL resolution, SQLite settings, schema check and upgrade."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from fvmcli.clock import now_iso
from fvmcli.errors import EnvironmentProblem, InputError
from fvmcli.store.schema import HEAD, REVISIONS, metadata

BUSY_TIMEOUT_MS = 30_000
_PG_MIGRATION_LOCK = 7_362_001  # any constant shared by every fvm process


def normalise_url(raw: str) -> str:
    """Return a SQLAlchemy URL: ``postgresql://`` uses psycopg 3, a bare path is SQLite.

    An empty value, a URL that does not parse, a PostgreSQL URL without a database name and an
    unknown kind of database are refused, so fvm never writes somewhere the user did not mean.
    """
    if not raw.strip():
        raise InputError(
            "--db / FVM_DB is empty", hint="Name a SQLite file or postgresql://user@host/db."
        )
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    try:
        url = make_url(raw)
        url.port  # noqa: B018 (a bad port raises here, not later)
    except (ArgumentError, ValueError) as exc:
        raise InputError(
            f"not a database URL: {_masked(raw)}", hint="Example: postgresql://user@host/db"
        ) from exc
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql", "postgres"):
        raise InputError(
            f"unsupported database {backend!r}: use a SQLite file or postgresql://user@host/db"
        )
    if backend in ("postgresql", "postgres"):
        if not url.database:
            raise InputError(
                f"{_masked(raw)} names no database",
                hint="Add the database name: postgresql://user@host/fvm",
            )
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _masked(raw: str) -> str:
    """Return ``raw`` with the password of a user:password@ part hidden."""
    import re

    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", raw)


def display_url(url: str) -> str:
    """Return the URL with any password hidden, for messages and ``fvm info``."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for other backends and in-memory databases."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def _sqlite_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front, so that two terminals queue on the busy
        # timeout instead of failing when a read transaction later tries to write.
        read_only = conn.get_execution_options().get("fvm_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _create_engine(url: str) -> Engine:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise EnvironmentProblem(
                "PostgreSQL needs the psycopg driver, which is not installed.",
                hint="Install it with: python -m pip install 'fvmcli[postgres]'",
            ) from exc
        try:
            return sa.create_engine(url, pool_pre_ping=True)
        except (NoSuchModuleError, ArgumentError) as exc:
            raise InputError(f"unsupported database driver in {display_url(url)}") from exc
    raise InputError(
        f"unsupported database {backend!r}: use a SQLite file or postgresql://user@host/db"
    )


@dataclass
class SchemaState:
    """Where a database stands against this program's migrations."""

    current: str | None
    head: str = HEAD

    @property
    def is_current(self) -> bool:
        return self.current == self.head


class Database:
    """One database: short transactions for reading and for writing."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Yield a connection in a read transaction."""
        with self._translate(), self.engine.connect() as conn:
            conn = conn.execution_options(fvm_read_only=True)
            with conn.begin():
                yield conn

    @contextmanager
    def write(self, *, dry_run: bool = False) -> Iterator[Connection]:
        """Yield a connection in one write transaction: committed on success, rolled back on
        error, and always rolled back for a dry run."""
        with self._translate(), self.engine.connect() as conn:
            transaction = conn.begin()
            try:
                yield conn
            except BaseException:
                transaction.rollback()
                raise
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()

    @contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except (OperationalError, DatabaseError, sqlite3.DatabaseError) as exc:
            orig = getattr(exc, "orig", None) or exc
            detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
            damaged = type(orig) is sqlite3.DatabaseError
            if damaged or "malformed" in detail or "not a database" in detail:
                raise EnvironmentProblem(
                    f"database {display_url(self.url)} is damaged or is not an fvm database "
                    f"({detail}).",
                    hint="Restore it from a backup copy (NAME.backup-… beside it), or point "
                    "--db / FVM_DB at the right file.",
                ) from exc
            if not isinstance(exc, OperationalError | sqlite3.OperationalError):
                raise
            raise EnvironmentProblem(
                f"database {display_url(self.url)}: {detail}",
                hint="Check that the server is running and the URL (--db / FVM_DB) is right.",
            ) from exc

    def schema_state(self) -> SchemaState:
        """Return the revision the database is at (None when it has no schema yet)."""
        with self._translate(), self.engine.connect() as conn:
            conn = conn.execution_options(fvm_read_only=True)
            if not sa.inspect(conn).has_table("alembic_version"):
                return SchemaState(None)
            row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
        return SchemaState(row[0] if row else None)

    def ensure_schema(self) -> SchemaState:
        """Create or upgrade the schema; refuse a schema newer than this program."""
        state = self.schema_state()
        if state.is_current:
            return state
        if state.current is not None and state.current not in REVISIONS:
            raise EnvironmentProblem(
                f"database {display_url(self.url)} has schema {state.current}, newer than this "
                f"fvm understands (up to {HEAD}).",
                hint="Upgrade fvmcli (python -m pip install -U fvmcli) before using this database.",
            )
        if state.current is not None:
            self.backup()
        self._upgrade()
        return SchemaState(HEAD)

    def backup(self) -> Path | None:
        """Copy a SQLite file before an upgrade; return the copy's path (None elsewhere)."""
        path = sqlite_path(self.url)
        if path is None or not path.exists():
            return None
        stamp = now_iso().replace(":", "").replace("+", "p")[:17]
        target = path.with_name(f"{path.name}.backup-{stamp}")
        with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return target

    def _upgrade(self) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.write() as conn:
            if self.backend == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def reset(self) -> None:
        """Drop every table of ours and build the schema afresh (used by ``fvm demo``)."""
        with self.write() as conn:
            metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        self._upgrade()

    def dispose(self) -> None:
        self.engine.dispose()
