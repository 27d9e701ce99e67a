"""Rules for units and phases in a territory."""

from __future__ import annotations

from fvmcli.core.model import Territory, Unit


def unit_problems(unit: Unit, territory: Territory) -> list[tuple[str, str]]:
    """Return (field, message) for every way ``unit`` does not fit the territory."""
    problems: list[tuple[str, str]] = []
    if not unit.name.strip():
        problems.append(("name", "a name is required"))
    if unit.area not in territory.areas:
        problems.append(
            ("area", f"unknown area {unit.area!r} (known: {', '.join(territory.areas)})")
        )
    if unit.type not in territory.unit_types:
        known = ", ".join(territory.unit_types)
        problems.append(("type", f"unknown unit type {unit.type!r} (known: {known})"))
    if unit.staff is not None and unit.staff < 0:
        problems.append(("staff", f"staff is 0 or more, got {unit.staff}"))
    if unit.parent == unit.id:
        problems.append(("parent", "a unit cannot be its own parent"))
    return problems
