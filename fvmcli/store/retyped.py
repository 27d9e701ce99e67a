"""The check, when a database is opened, that no column of fvm's tables was given another type
by hand (PostgreSQL): one query of the catalog, compared with the types in
``store/column_types.py`` (generated from ``store/schema.py``), without SQLAlchemy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _
from fvmcli.store.column_types import COLUMN_TYPES

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


def retyped(conn: Connection) -> tuple[tuple[str, str, str, str], ...]:
    """Return (table, column, its type, the type fvm made it) for each column of fvm's tables
    on PostgreSQL whose type was changed by hand, read from the catalog in one query."""
    rows = conn.rows(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
        "AND a.attnum > 0 AND NOT a.attisdropped"
    )
    found = []
    for table, column, kind in rows:
        made = COLUMN_TYPES.get(table, {}).get(column)
        if made is not None and kind != made:
            found.append((table, column, kind, made))
    return tuple(sorted(found))


def refuse_retyped(where: str, found: Sequence[tuple[str, str, str, str]]) -> None:
    """Refuse a database whose columns ``retyped`` found (exit 4), naming each column, its
    type and fvm's, and the statement that gives each its type back."""
    if not found:
        return
    columns = "; ".join(
        _("{table}.{column} is {kind}, not {made}").format(
            table=table, column=column, kind=kind, made=made
        )
        for table, column, kind, made in found
    )
    raise EnvironmentProblem(
        _("database {where}: fvm's tables were changed by hand ({columns})").format(
            where=where, columns=columns
        ),
        hint=_("Restore a backup, or have the tables' owner give each column its type back, e.g.:"),
        command=" ".join(
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {made} USING {column}::{made};"
            for table, column, _kind, made in found
        ),
    )
