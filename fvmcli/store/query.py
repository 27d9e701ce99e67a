"""Small helpers for building the store's queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

# Past this many values an IN list is replaced by reading every row and filtering in Python:
# one scan beats thousands of bound parameters, and SQLite limits their number.
MAX_IN = 900


def where_in(
    query: sa.Select[Any], column: sa.ColumnElement[Any], values: Iterable[Any] | None
) -> tuple[sa.Select[Any], set[Any] | None]:
    """Return the query narrowed to ``values``, and the set the caller must still filter by
    (None when the database did the filtering or there was nothing to filter)."""
    if values is None:
        return query, None
    chosen = set(values)
    if len(chosen) > MAX_IN:
        return query, chosen
    return query.where(column.in_(chosen)), None
