"""The inventory CSV: unit, item, present[, configured, tested]."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fvmcli.content.csvfile import RowProblems, read_csv
from fvmcli.core.equipment import count_problem
from fvmcli.core.model import Catalog, Count, Unit
from fvmcli.core.values import parse_count
from fvmcli.i18n import _

REQUIRED = ("unit", "item", "present")
OPTIONAL = ("configured", "tested")


def parse_inventory(
    path: Path, catalog: Catalog, units: Mapping[str, Unit] | None = None
) -> list[tuple[str, str, Count, int]]:
    """Return (unit, item, count, row) per data row; a blank configured or tested is 0.

    With ``units``, unknown units are reported too. Raises ImportRowsError naming every bad row.
    """
    rows = read_csv(path, REQUIRED, OPTIONAL)
    problems = RowProblems(str(path))
    found: list[tuple[str, str, Count, int]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if problems.missing(row, REQUIRED):
            continue
        unit_id, item = row.get("unit") or "", row.get("item") or ""
        if units is not None and unit_id not in units:
            problems.add(row, "unit", _("no unit {unit_id!r}").format(unit_id=unit_id))
            continue
        if catalog.item(item) is None:
            problems.add(
                row,
                "item",
                _("unknown item {item!r} (known: {id})").format(
                    item=item, id=", ".join(i.id for i in catalog.items)
                ),
            )
            continue
        if (unit_id, item) in seen:
            problems.add(
                row,
                "item",
                _("{item} for {unit_id} is counted twice (first on row {seen})").format(
                    item=item, unit_id=unit_id, seen=seen[unit_id, item]
                ),
            )
            continue
        seen[unit_id, item] = row.line
        numbers: dict[str, int] = {}
        for column in ("present", "configured", "tested"):
            try:
                numbers[column] = parse_count(row.get(column) or "0", name=column)
            except ValueError as exc:
                problems.add(row, column, str(exc))
        if len(numbers) < 3:
            continue
        count = Count(numbers["present"], numbers["configured"], numbers["tested"])
        problem = count_problem(count.present, count.configured, count.tested)
        if problem:
            problems.add(row, None, problem)
            continue
        found.append((unit_id, item, count, row.line))
    problems.raise_if_any()
    return found
