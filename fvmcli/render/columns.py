"""Columns declared once: the same declaration makes a terminal table, JSON and CSV."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


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

    def shown(self, row: Any) -> Any:
        """Return the table cell of ``row``."""
        if self.cell is not None:
            return self.cell(row)
        value = value_of(row, self.key)
        if value is None:
            return self.empty
        return self.fmt(value) if self.fmt else value


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


def csv_rows(columns: Sequence[Column], rows: Iterable[Any], *, plain: bool = False) -> str:
    """Return the rows as guarded CSV with the data columns' keys as headings (Swedish Excel's
    dialect, or with ``plain`` RFC 4180)."""
    from fvmcli.render.spreadsheet import csv_text

    keys = [c.key for c in columns if c.data]
    return csv_text(keys, ([value_of(r, k) for k in keys] for r in rows), plain=plain)


def percent(value: float) -> str:
    """Return a percentage 0…100 as ``72%``."""
    return f"{value:.0f}%"


def fraction(value: float) -> str:
    """Return a fraction 0…1 as ``81%``."""
    return f"{value:.0%}"


def blank_zero(value: Any) -> Any:
    """Return an empty cell for 0, else the value."""
    return value or ""


# The territory's units, worst first: `cutover status`, its JSON and the report's CSV and XLSX.
UNIT_STATUS = (
    Column("unit", "unit"),
    Column("name", "name"),
    Column("area", "area"),
    Column("phase", "phase"),
    Column("type", "type"),
    Column("score", "score", fraction),
    Column("status", "status"),
    Column("completeness", "answered", fraction),
    Column("blockers", "blockers", blank_zero),
    Column("overdue", "overdue", blank_zero),
    Column("training_coverage", "training", percent),
    Column("equipment_readiness", "equipment", percent),
)
