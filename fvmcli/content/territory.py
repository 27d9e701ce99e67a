"""``checklists/territory.toml``: areas, their phases, and the unit types."""

from __future__ import annotations

from typing import Any

from fvmcli.content.locate import ContentDirs
from fvmcli.content.tomlfile import Checker, read_toml
from fvmcli.core.model import Area, Territory, Text
from fvmcli.errors import ContentError, Problem
from fvmcli.i18n import _

AREA_ID = 50  # the width of the units' area and type columns


def _keys(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, {})
    return list(value) if isinstance(value, dict) else []


def load_territory(dirs: ContentDirs) -> Territory:
    """Return the validated territory; raise ContentError listing every problem."""
    file = dirs.file("checklists", "territory.toml")
    if file is None:
        raise ContentError("checklists/territory.toml", [Problem("file", _("not found"))])
    data = read_toml(file)
    check = Checker(file)
    check.table(data, "", {"areas", "unit_types", "governance"}, {"areas", "unit_types"})
    governance = check.table(data.get("governance", {}), "governance", {"four_eyes"})
    four_eyes = check.get(governance, "four_eyes", "governance", check.boolean, False)
    areas: dict[str, Area] = {}
    for area_id, raw in check.table(
        data.get("areas", {}), "areas", set(_keys(data, "areas"))
    ).items():
        path = f"areas.{area_id}"
        check.short_id(area_id, path, AREA_ID)
        table = check.table(raw, path, {"phase", "name"}, {"phase", "name"})
        phase = check.get(table, "phase", path, check.integer, 0)
        if "phase" in table and not 1 <= phase <= 99:
            check.add(f"{path}.phase", _("a phase is 1 or more, got {phase}").format(phase=phase))
        name = check.get(table, "name", path, check.text, None)
        if name is not None and phase >= 1:
            areas[area_id] = Area(area_id, phase, name)
    types: dict[str, Text] = {}
    found = check.table(data.get("unit_types", {}), "unit_types", set(_keys(data, "unit_types")))
    for type_id, raw in found.items():
        check.short_id(type_id, f"unit_types.{type_id}", AREA_ID)
        text = check.text(raw, f"unit_types.{type_id}")
        if text is not None:
            types[type_id] = text
    if not areas and "areas" in data:
        check.add("areas", _("at least one area is required"))
    if not types and "unit_types" in data:
        check.add("unit_types", _("at least one unit type is required"))
    check.raise_if_any()
    return Territory(areas, types, four_eyes)
