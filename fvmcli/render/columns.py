"""Columns declared once: the same declaration makes a terminal table, JSON and CSV."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import Any

from fvmcli.i18n import _
from fvmcli.render.values import percent_shown, waiver_text, word


def value_of(row: Any, key: str) -> Any:
    """Return ``row[key]`` of a mapping, else the attribute ``key``."""
    return row[key] if isinstance(row, Mapping) else getattr(row, key)


@dataclass(frozen=True)
class Column:
    """One column of a listing.

    ``key`` names the value in JSON and CSV and where it is read from; ``label`` heads the
    terminal table; ``fmt`` turns a present value into the text a person reads; ``cell`` makes
    the table cell from the whole row instead; ``empty`` stands for an absent value. A column
    with ``table=False`` is only in JSON and CSV, one with ``data=False`` only in the table.
    """

    key: str
    label: str
    fmt: Callable[[Any], str] | None = None
    cell: Callable[[Any], Any] | None = None
    empty: str = "–"
    table: bool = True
    data: bool = True
    # At a narrow terminal: columns of the highest ``drop`` go first (0: never), and ``shrink``
    # columns (names, texts) are shortened with … before any column goes, down to ``least``
    # characters (a column that carries the table's point keeps more). None: by position.
    drop: int | None = None
    shrink: bool | None = None
    least: int | None = None

    def shown(self, row: Any) -> Any:
        """Return the table cell of ``row``."""
        if self.cell is not None:
            return self.cell(row)
        value = value_of(row, self.key)
        if value is None:
            return _(self.empty)
        return self.fmt(value) if self.fmt else value


def with_names(
    columns: Sequence[Column], names: Mapping[str, Mapping[str, str]]
) -> tuple[Column, ...]:
    """Return ``columns`` where a column keyed in ``names`` shows the name of each id (an
    area's, a unit type's) in the table; JSON and CSV keep the ids."""
    from dataclasses import replace

    def namer(known: Mapping[str, str]) -> Callable[[Any], str]:
        return lambda value: known.get(value, str(value))

    return tuple(replace(c, fmt=namer(names[c.key])) if c.key in names else c for c in columns)


def data_rows(columns: Sequence[Column], rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Return the rows as plain objects keyed by the data columns (for JSON)."""
    keys = [c.key for c in columns if c.data]
    return [{k: value_of(r, k) for k in keys} for r in rows]


def table_cells(
    columns: Sequence[Column], rows: Iterable[Any]
) -> tuple[list[str], list[list[Any]]]:
    """Return the table's headings and its cells as a person reads them."""
    shown = [c for c in columns if c.table]
    return [c.label for c in shown], [[c.shown(r) for c in shown] for r in rows]


SHRINKING = ("name", "title", "text", "question", "reason", "location", "comment", "area", "type")


def table_fit(columns: Sequence[Column]) -> list[tuple[int, bool, int | None]]:
    """Return (drop order, may shrink, the least width it shrinks to) of each table column:
    by default the first column is never dropped and later ones go first, and names and texts
    may shrink."""
    shown = [c for c in columns if c.table]
    return [
        (
            c.drop if c.drop is not None else (0 if i == 0 else i),
            c.shrink if c.shrink is not None else c.key in SHRINKING,
            c.least,
        )
        for i, c in enumerate(shown)
    ]


def csv_rows(columns: Sequence[Column], rows: Iterable[Any], *, plain: bool = False) -> str:
    """Return the rows as guarded CSV with the data columns' keys as headings (Swedish Excel's
    dialect, or with ``plain`` RFC 4180)."""
    out = io.StringIO()
    write_csv_rows(out.write, columns, rows, plain=plain)
    return out.getvalue()


def write_csv_rows(
    write: Callable[[str], Any],
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    plain: bool = False,
) -> None:
    """Write ``csv_rows``' CSV into ``write`` row by row, never holding it whole."""
    from fvmcli.render.spreadsheet import write_csv

    keys = [c.key for c in columns if c.data]
    write_csv(write, keys, ([_flat(v) for v in _values(r, keys)] for r in rows), plain=plain)


def _values(row: Any, keys: Sequence[str]) -> Sequence[Any]:
    """Return the row's values of ``keys`` (``value_of`` each)."""
    if isinstance(row, Mapping) or len(keys) < 2:
        return [value_of(row, k) for k in keys]
    return _getter(tuple(keys))(row)


@cache
def _getter(keys: tuple[str, ...]) -> Callable[[Any], Any]:
    return attrgetter(*keys)


_SCALARS = (str, int, float, bool, type(None))  # a cell as it is


def _flat(value: Any) -> Any:
    """Return a cell's value as one CSV cell: lists and objects as their JSON text."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, list | tuple | dict):
        import json

        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def percent(value: float) -> str:
    """Return a percentage 0…100 as ``72%`` (``72 %`` in Swedish)."""
    return percent_shown(value)


def fraction(value: float) -> str:
    """Return a fraction 0…1 as ``81%`` (``81 %`` in Swedish)."""
    return percent_shown(value * 100)


def blank_zero(value: Any) -> Any:
    """Return an empty cell for 0, else the value."""
    return value or ""


# The territory's units, worst first: `cutover status`, its JSON and the report's CSV and XLSX.
UNIT_STATUS = (
    Column("unit", "unit", drop=0),
    Column("name", "name", drop=0),
    Column("area", "area", drop=3),
    Column("phase", "phase", drop=6),
    Column("type", "type", drop=5),
    Column("score", "score", fraction, drop=0),
    Column("status", "status", word, drop=0),
    Column("completeness", "answered", fraction, drop=7),
    Column("blockers", "blockers", blank_zero, drop=1),
    Column("overdue", "overdue", blank_zero, drop=2),
    Column("training_coverage", "training", percent, drop=4),
    Column("equipment_readiness", "equipment", percent, drop=4),
    Column("unattested", "unattested", blank_zero, drop=8),
    Column("inconsistent", "inconsistent", blank_zero, drop=8),
    Column("evidence_age_days", "evidence age (days)", drop=9),
)


# The blockers and overdue critical items: `cutover blockers` (table and JSON) and the report's
# XLSX sheet, which splits the waiver into its day and its reason.
BLOCKERS = (
    Column("unit", "unit"),
    Column("name", "name", table=False),
    Column("question", "question", cell=lambda i: f"{i['question']}: {i['text']}"),
    Column("text", "text", table=False),
    Column("due", "due"),
    Column("days_overdue", "days over"),
    Column("owner", "owner"),
    Column("blocker", "blocker", table=False),
    Column("waiver", "waiver", waiver_text),
    Column("waiting_for", "waiting for", lambda v: ", ".join(v) or "–"),
    Column("inconsistent", "inconsistent", table=False),
)


# A unit's equipment (`equipment show`) and the territory's needs (`equipment gaps`).
# At a narrow terminal what is still to do stays longest: the counts go first.
NEEDS = (
    Column("item", "item", drop=0),
    Column("required", "required", drop=0),
    Column("present", "present", drop=6),
    Column("configured", "configured", drop=5),
    Column("tested", "tested", drop=4),
    Column("to_procure", "to procure", blank_zero, drop=1),
    Column("to_configure", "to configure", blank_zero, drop=2),
    Column("to_test", "to test", blank_zero, drop=3),
)
UNIT_ITEMS = (  # one unit's counts are the point: the item's id goes before them, its name stays
    Column("item", "item", drop=8),
    Column("name", "name", drop=0, least=18),
    Column("category", "category", table=False),
    Column(
        "required",
        "required",
        cell=lambda i: f"{i['required']}{'*' if i['override'] is not None else ''}",
    ),
    Column("override", "override", table=False),
    Column("present", "present", drop=0),
    Column("configured", "configured", drop=0),
    Column("tested", "tested", drop=0),
    *NEEDS[5:],
)
