"""The units CSV: id, name, area, type[, staff, municipality, parent, email]."""

from __future__ import annotations

from pathlib import Path

from fvmcli.content.csvfile import RowProblems, read_csv
from fvmcli.core.model import Territory, Unit
from fvmcli.core.territory import area_names, resolve_name, unit_problems
from fvmcli.core.values import check_id, parse_count
from fvmcli.i18n import _

REQUIRED = ("id", "name", "area", "type")
OPTIONAL = ("staff", "municipality", "parent", "email")


def parse_units(path: Path, territory: Territory) -> list[Unit]:
    """Return the file's units; raise ImportRowsError naming every bad row and column."""
    rows = read_csv(path, REQUIRED, OPTIONAL)
    problems = RowProblems(str(path))
    units: list[Unit] = []
    first_line: dict[str, int] = {}
    for row in rows:
        # Every problem of a row is reported at once, not only its first.
        bad_row = problems.missing(row, REQUIRED)
        unit_id = row.get("id") or ""
        if unit_id:
            try:
                check_id(unit_id, what=_("unit id"))
            except ValueError as exc:
                problems.add(row, "id", str(exc))
                bad_row = True
        if unit_id in first_line:
            problems.add(
                row,
                "id",
                _("duplicate id {unit_id!r} (first on row {first_line})").format(
                    unit_id=unit_id, first_line=first_line[unit_id]
                ),
            )
            bad_row = True
        elif unit_id:
            first_line[unit_id] = row.line
        staff = None
        if row.get("staff") is not None:
            try:
                staff = parse_count(row.get("staff") or "", name="staff")
            except ValueError as exc:
                problems.add(row, "staff", str(exc))
                bad_row = True
        area, kind = row.get("area") or "", row.get("type") or ""
        unit = Unit(
            unit_id,
            row.get("name") or "",
            resolve_name(area, area_names(territory)) or area,
            resolve_name(kind, territory.unit_types) or kind,
            staff,
            row.get("municipality"),
            row.get("parent"),
            row.get("email"),
        )
        filled = {c: row.get(c) is not None for c in REQUIRED}
        for column, message in unit_problems(unit, territory):
            if filled.get(column, True) and not (column == "id" and bad_row):
                problems.add(row, column, message)
                bad_row = True
        if not bad_row:
            units.append(unit)
    problems.raise_if_any()
    return units
