"""What a database error means for the person who met it: the driver's and SQLAlchemy's
errors sorted into the environment's (a server away, a schema changed by hand, a lock) and
fvm's own."""

from __future__ import annotations

import sqlite3

from fvmcli.i18n import _


def database_error(exc: BaseException) -> bool:
    """Return True for an error the database or its driver raised (SQLAlchemy's wrapper, or
    the driver's own where fvm speaks to it directly)."""
    if isinstance(exc, sqlite3.DatabaseError):
        return True
    if type(exc).__module__ == "sqlalchemy.exc":
        from sqlalchemy.exc import DatabaseError, OperationalError

        return isinstance(exc, OperationalError | DatabaseError)
    return type(exc).__module__.startswith("psycopg") and any(
        cls.__name__ == "DatabaseError" for cls in type(exc).__mro__
    )


def operational(exc: BaseException) -> bool:
    """Return True for an error of the environment (connection, server, disk, locks)."""
    if isinstance(exc, sqlite3.OperationalError):
        return True
    if type(exc).__module__ == "sqlalchemy.exc":
        from sqlalchemy.exc import OperationalError

        return isinstance(exc, OperationalError)
    return type(exc).__module__.startswith("psycopg") and any(
        cls.__name__ == "OperationalError" for cls in type(exc).__mro__
    )


def environment_hint(state: str, detail: str) -> str | None:
    """Return what to do about a database error that is the environment's, not fvm's (a
    schema changed by hand, a read-only database, no schema to work in, a timeout, a lock);
    None for any other error."""
    lowered = detail.lower()
    # A table or column missing, of another type (22P02, 42804), or there already (42P07).
    changed = ("42P01", "42703", "42P07", "22P02", "42804")
    if state in changed or "no such table" in lowered or "no such column" in lowered:
        return _(
            "fvm's tables were changed by hand, or --db names a database (or search_path a "
            "schema) that is not fvm's. Restore a backup, or point --db / FVM_DB at fvm's "
            "database."
        )
    if state == "25006" or "readonly database" in lowered or "read-only" in lowered:
        return _("The database is read-only here: use a login or a file that may be written.")
    if state == "3F000":
        return _(
            "The login's search_path names no schema that exists: set it to fvm's schema "
            "(options=-csearch_path=… in the URL)."
        )
    if state in ("57014", "55P03") or state.startswith("40"):
        return _(
            "The database gave up waiting (a timeout or a lock held by another session); "
            "nothing was stored. Try again, or raise statement_timeout / lock_timeout."
        )
    if state.startswith(("08", "53", "57")):
        return _(
            "The server closed the connection or lacks resources; nothing was stored. "
            "Try again when it is back."
        )
    return None
