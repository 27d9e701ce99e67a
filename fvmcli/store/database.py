"""Opening the database: URL resolution, SQLite settings, schema check and upgrade."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fvmcli.clock import now_iso
from fvmcli.errors import EnvironmentProblem, InputError, NotPermitted
from fvmcli.i18n import _
from fvmcli.store.db_errors import database_error, environment_hint, operational
from fvmcli.store.driver import (
    BUSY_TIMEOUT_MS,
    Connection,
    bounded_waits,
    missing_table,
    psycopg_module,
    sqlite_settings,
)
from fvmcli.store.kept import Kept
from fvmcli.store.retyped import refuse_retyped, retyped
from fvmcli.store.revisions import HEAD, REVISIONS
from fvmcli.store.sqlite_files import connecting, missing_or_empty, refuse_others
from fvmcli.store.urls import masked, parse_url, sqlite_url

if TYPE_CHECKING:
    import sqlalchemy as sa

_SIDE = ("-wal", "-shm", "-journal")
_PG_MIGRATION_LOCK = 7_362_001  # any constant shared by every fvm process


def normalise_url(raw: str) -> str:
    """Return a SQLAlchemy URL: ``postgresql://`` uses psycopg 3, a bare path is SQLite.

    An empty value, a URL that does not parse, a PostgreSQL URL without a database name and an
    unknown kind of database are refused, so fvm never writes somewhere the user did not mean.
    """
    if not raw.strip():
        raise InputError(
            _("--db / FVM_DB is empty"), hint=_("Name a SQLite file or postgresql://user@host/db.")
        )
    if "://" not in raw:
        return sqlite_url(Path(raw).expanduser().resolve())
    try:
        url = parse_url(raw)
    except ValueError as exc:
        raise InputError(
            _("not a database URL: {masked}").format(masked=masked(raw)),
            hint=_("Example: postgresql://user@host/db"),
        ) from exc
    backend = url.backend
    if backend not in ("sqlite", "postgresql"):
        raise InputError(
            _(
                "unsupported database {backend!r}: use a SQLite file or postgresql://user@host/db"
            ).format(backend=backend)
        )
    if backend == "postgresql":
        if not url.database:
            raise InputError(
                _("{masked} names no database").format(masked=masked(raw)),
                hint=_("Add the database name: postgresql://user@host/fvm"),
            )
        # PostgreSQL's old name is read as its name (SQLAlchemy knows only the new one).
        return url.with_driver(f"postgresql+{url.driver or 'psycopg'}")
    return raw


def display_url(url: str) -> str:
    """Return the URL with any password hidden, for messages and ``fvm info``."""
    return masked(url)


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for other backends and in-memory databases."""
    parsed = parse_url(url)
    if parsed.backend != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_engine(url: str) -> sa.Engine:
    import sqlalchemy as sa

    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        connecting(str(path))
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    sa.event.listen(engine, "connect", sqlite_settings)

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # A writer takes the write lock up front, so that two terminals queue on the busy
        # timeout instead of failing when a read transaction later tries to write.
        read_only = conn.get_execution_options().get("fvm_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _create_engine(url: str) -> sa.Engine:
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    backend = parse_url(url).backend
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        psycopg_module()
        try:
            engine = sa.create_engine(url, pool_pre_ping=True)
        except (NoSuchModuleError, ArgumentError) as exc:
            raise InputError(
                _("unsupported database driver in {display_url}").format(
                    display_url=display_url(url)
                )
            ) from exc
        sa.event.listen(engine, "connect", bounded_waits)
        return engine
    raise InputError(
        _(
            "unsupported database {backend!r}: use a SQLite file or postgresql://user@host/db"
        ).format(backend=backend)
    )


@dataclass
class SchemaState:
    """Where a database stands against this program's migrations."""

    current: str | None
    head: str = HEAD
    retyped: tuple[tuple[str, str, str, str], ...] = ()  # columns changed by hand (``retyped``)

    @property
    def is_current(self) -> bool:
        return self.current == self.head


class Database:
    """One database: short transactions for reading and for writing, all on one connection
    of its driver (``store/kept.Kept``, closed by ``dispose``); SQLAlchemy and Alembic only
    build and upgrade the schema."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._login: str | None = None
        parsed = parse_url(url)
        self.backend = parsed.backend
        # What the driver connects to: a SQLite file, or a PostgreSQL database through psycopg.
        if self.backend == "sqlite" and parsed.driver in (None, "pysqlite"):
            path = sqlite_path(url)
            if path is None:
                raise InputError(
                    _("{display_url} names no SQLite file").format(display_url=display_url(url)),
                    hint=_("Name the file: sqlite:///PATH/fvm.sqlite, or just its path."),
                )
            self._target = str(path)
        elif self.backend == "postgresql" and parsed.driver == "psycopg":
            self._target = parsed.libpq()
        else:
            raise InputError(
                _("unsupported database driver in {display_url}").format(
                    display_url=display_url(url)
                ),
                hint=_("fvm speaks to SQLite files and to PostgreSQL through psycopg."),
            )
        self._kept = Kept(self.backend, self._target)

    @cached_property
    def engine(self) -> sa.Engine:
        """Return SQLAlchemy's engine, for Alembic's migrations and the schema's reset alone:
        made (and SQLAlchemy imported) on first use."""
        return _create_engine(self.url)

    @property
    def login(self) -> str:
        """Return who is logged in: the login PostgreSQL authenticated, or on SQLite (one
        person's file) the user's login name."""
        if self._login is None:
            if self.backend == "postgresql":
                from fvmcli.store.access import session_login

                with self.read() as conn:
                    self._login = session_login(conn)
            else:
                import getpass

                try:
                    self._login = getpass.getuser()
                except (KeyError, OSError):
                    self._login = "unknown"
        return self._login

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """Yield a connection in a read transaction (on PostgreSQL, one snapshot)."""
        with self._translate(), self._kept.transaction(login=self._login) as conn:
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Hold one read transaction for the block: the reads inside it see one state of the
        database, so that the parts of one document (a report) are of one moment."""
        with self._translate(), self._kept.held(login=self._login):
            yield

    @contextmanager
    def write(self, *, dry_run: bool = False) -> Iterator[Connection]:
        """Yield a connection in one write transaction: committed on success, rolled back on
        error, and always rolled back for a dry run."""
        login = self.login
        opened = self._kept.transaction(write=True, keep=not dry_run, login=login)
        with self._translate(), opened as conn:
            yield conn

    @contextmanager
    def schema_connection(self) -> Iterator[sa.Connection]:
        """Yield SQLAlchemy's connection in one transaction, for Alembic and the reset."""
        with self._translate(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            if not database_error(exc):
                raise
            orig = getattr(exc, "orig", None) or exc
            if getattr(orig, "sqlstate", None) == "42501":  # insufficient_privilege, RLS
                detail = str(orig).strip().splitlines()[0]
                raise NotPermitted(
                    _(
                        "{login} may not do this here: the database refused ({detail}); "
                        "nothing was stored"
                    ).format(login=self._login or _("this login"), detail=detail),
                    hint=_("See your rights with 'fvm access whoami'; an admin grants them."),
                ) from exc
            detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
            damaged = type(orig) is sqlite3.DatabaseError
            if damaged or "malformed" in detail or "not a database" in detail:
                raise EnvironmentProblem(
                    _(
                        "database {display_url} is damaged or is not an fvm database ({detail})."
                    ).format(display_url=display_url(self.url), detail=detail),
                    hint=_(
                        "Restore it from a backup copy (NAME.backup-… beside it), or point "
                        "--db / FVM_DB at the right file."
                    ),
                ) from exc
            state = str(getattr(orig, "sqlstate", None) or "")
            hint = environment_hint(state, detail)
            if hint is None and not operational(exc):
                raise
            if self.backend == "sqlite":  # a file, not a server: say so in the user's words
                if detail == "unable to open database file":
                    detail = _("the file cannot be opened")
                hint = hint or _(
                    "Check that --db / FVM_DB names a database file in a folder you may write to."
                )
            raise EnvironmentProblem(
                _("database {display_url}: {detail}").format(
                    display_url=display_url(self.url), detail=detail
                ),
                hint=hint
                or _("Check that the server is running and the URL (--db / FVM_DB) is right."),
            ) from exc

    def _not_fvm(self) -> EnvironmentProblem:
        """Return the refusal of a database that holds no fvm schema, to a command that only
        reads."""
        return EnvironmentProblem(
            _("{display_url} holds no fvm database; nothing was created").format(
                display_url=display_url(self.url)
            ),
            hint=_(
                "Create it with 'fvm init' (or 'fvm demo' for a demo territory), or "
                "point --db / FVM_DB at the database you meant."
            ),
        )

    def _no_sqlite_file(self) -> bool:
        """Return True for a SQLite database whose file is missing or empty (0 bytes)."""
        return self.backend == "sqlite" and missing_or_empty(self._target)

    def refuse_others(self, *, create: bool) -> None:
        """Refuse a SQLite file that is no fvm database (``refuse_others``)."""
        if self.backend == "sqlite":
            refuse_others(self._target, display_url(self.url), create=create, read=self.read)

    def schema_state(self) -> SchemaState:
        """Return the revision the database is at (None when it has no schema yet), asked
        with one query. A SQLite file that does not exist or is empty holds none, and is not
        opened: a connection would make it a database."""
        if self._no_sqlite_file():
            return SchemaState(None)
        try:
            with self.read() as conn:
                row = conn.first("SELECT version_num FROM alembic_version")
                found = retyped(conn) if self.backend == "postgresql" else ()
                if self.backend == "postgresql" and self._login is None:
                    from fvmcli.store.access import session_login

                    self._login = session_login(conn)  # asked here, not in a read of its own
        except EnvironmentProblem as exc:
            if exc.__cause__ is None or not missing_table(exc.__cause__):
                raise
            return SchemaState(None)
        return SchemaState(row[0] if row else None, retyped=found)

    def _has_tables(self) -> bool:
        """Return True when the database holds fvm's tables (its units table)."""
        if self._no_sqlite_file():
            return False
        try:
            with self.read() as conn:
                conn.first("SELECT 1 FROM units")
        except EnvironmentProblem as exc:
            if exc.__cause__ is not None and missing_table(exc.__cause__):
                return False
            raise
        return True

    def ensure_schema(self, *, create: bool = True) -> SchemaState:
        """Create or upgrade the schema; refuse a schema newer than this program. Without
        ``create`` a database that holds no fvm schema yet (an empty file, an empty database
        or schema on a server) is refused instead: a command that only reads creates nothing."""
        self.refuse_others(create=False)
        state = self.schema_state()
        if state.is_current:
            refuse_retyped(display_url(self.url), state.retyped)
            return state
        if state.current is None and self._has_tables():
            raise EnvironmentProblem(
                _(
                    "{display_url} holds fvm's tables but no record of their schema version "
                    "(alembic_version): they were changed by hand"
                ).format(display_url=display_url(self.url)),
                hint=_("Restore a backup copy, or point --db / FVM_DB at fvm's database."),
            )
        if state.current is None and not create:
            raise self._not_fvm()
        if state.current is None:
            self.refuse_others(create=True)
        if state.current is not None and state.current not in REVISIONS:
            raise EnvironmentProblem(
                _(
                    "database {display_url} has schema {current}, newer than this fvm "
                    "understands (up to {HEAD})."
                ).format(display_url=display_url(self.url), current=state.current, HEAD=HEAD),
                hint=_(
                    "Upgrade fvmcli (python -m pip install -U fvmcli) before using this database."
                ),
            )
        copy = self.backup() if state.current is not None else None
        try:
            self._upgrade()
        except BaseException:
            # The upgrade is one transaction: the file is as it was, and so is its copy, which
            # would only pile up beside a file that cannot be upgraded (read-only, say).
            if copy is not None:
                copy.unlink(missing_ok=True)
            raise
        return SchemaState(HEAD)

    def backup(self) -> Path | None:
        """Copy a SQLite file before an upgrade; return the copy's path (None elsewhere)."""
        path = sqlite_path(self.url)
        if path is None or not path.exists():
            return None
        stamp = now_iso().replace(":", "").replace("+", "p")[:17]
        target = path.with_name(f"{path.name}.backup-{stamp}")
        partial = target.with_name(target.name + ".partial")
        connecting(str(path))
        try:
            with sqlite3.connect(path) as src, sqlite3.connect(partial) as dst:
                src.backup(dst)
            dst.close()
            src.close()
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as exc:
            partial.unlink(missing_ok=True)
            raise EnvironmentProblem(
                _("cannot make the backup copy {target} before upgrading: {exc}").format(
                    target=target, exc=exc
                ),
                hint=_("Free some space beside the database; nothing was changed."),
            ) from exc
        return target

    def backups(self) -> list[Path]:
        """Return the pre-upgrade copies of a SQLite file that lie beside it (none elsewhere)."""
        path = sqlite_path(self.url)
        if path is None:
            return []
        return sorted(
            p for p in path.parent.glob(f"{path.name}.backup-*") if not p.name.endswith(_SIDE)
        )

    def scrub(self, tables: list[str]) -> None:
        """Rewrite what erasure touched so that no old copy of a row stays in the files:
        SQLite moves the write-ahead log into the (secure-delete) file and empties it;
        PostgreSQL rewrites ``tables`` with VACUUM FULL (it takes their locks a moment)."""
        from fvmcli.store.revisions import TABLES

        with self._translate():
            if self.backend == "sqlite":
                connecting(self._target)
                dbapi = sqlite3.connect(self._target, timeout=BUSY_TIMEOUT_MS / 1000)
                try:
                    dbapi.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    dbapi.close()
                return
            psycopg = psycopg_module()
            with psycopg.connect(self._target, autocommit=True) as dbapi:
                for table in tables:
                    if table in TABLES:  # VACUUM takes no parameters: only our own names
                        dbapi.execute(f'VACUUM FULL "{table}"')

    def _upgrade(self) -> None:
        import sqlalchemy as sa
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.schema_connection() as conn:
            if self.backend == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def reset(self) -> None:
        """Drop every table of ours and build the schema afresh (used by ``fvm demo``)."""
        import sqlalchemy as sa

        from fvmcli.store.schema import metadata

        with self.schema_connection() as conn:
            metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        self._upgrade()

    def dispose(self) -> None:
        """Close the driver's connection, and let go of SQLAlchemy's engine when a migration
        made one."""
        self._kept.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
