"""``checklists/territory.toml``: areas, their phases, and the unit types."""

from __future__ import annotations

from fvmcli.content.locate import ContentDirs
from fvmcli.content.tomlfile import Checker, read_toml
from fvmcli.core.model import Area, Territory, Text
from fvmcli.errors import ContentError, Problem


def load_territory(dirs: ContentDirs) -> Territory:
    """Return the validated territory; raise ContentError listing every problem."""
    file = dirs.file("checklists", "territory.toml")
    if file is None:
        raise ContentError("checklists/territory.toml", [Problem("file", "not found")])
    data = read_toml(file)
    check = Checker(file)
    check.table(data, "", {"areas", "unit_types"}, {"areas", "unit_types"})
    areas: dict[str, Area] = {}
    for area_id, raw in (data.get("areas") or {}).items():
        path = f"areas.{area_id}"
        table = check.table(raw, path, {"phase", "name"}, {"phase", "name"})
        phase = check.get(table, "phase", path, check.integer, 0)
        if "phase" in table and phase < 1:
            check.add(f"{path}.phase", f"a phase is 1 or more, got {phase}")
        name = check.get(table, "name", path, check.text, None)
        if name is not None and phase >= 1:
            areas[area_id] = Area(area_id, phase, name)
    types: dict[str, Text] = {}
    for type_id, raw in (data.get("unit_types") or {}).items():
        text = check.text(raw, f"unit_types.{type_id}")
        if text is not None:
            types[type_id] = text
    if not areas and "areas" in data:
        check.add("areas", "at least one area is required")
    if not types and "unit_types" in data:
        check.add("unit_types", "at least one unit type is required")
    check.raise_if_any()
    return Territory(areas, types)
