"""How a difference between a table and the history's record reads."""

from __future__ import annotations

import json
from typing import Any

from fvmcli.core.record import Difference
from fvmcli.i18n import _


def _value(value: object) -> str:
    return "–" if value is None else json.dumps(value, ensure_ascii=False)


def difference_text(d: Difference | dict[str, Any]) -> str:
    """Return one difference as a person reads it: the table, the row's key, the column, what
    the chain says and what the table holds."""
    if isinstance(d, dict):
        d = Difference(**d)
    key = ", ".join(f"{name} {value}" for name, value in d.key.items())
    if d.column is None and d.stored is None:
        return _("{table}, {key}: recorded in the history, missing from the table").format(
            table=d.table, key=key
        )
    if d.column is None:
        return _("{table}, {key}: in the table, never recorded in the history").format(
            table=d.table, key=key
        )
    return _(
        "{table}, {key}, column {column}: the history says {chain}, the table holds {stored}"
    ).format(
        table=d.table, key=key, column=d.column, chain=_value(d.chain), stored=_value(d.stored)
    )
