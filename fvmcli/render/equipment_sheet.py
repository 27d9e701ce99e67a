"""The context of an equipment count sheet for walking a unit."""

from __future__ import annotations

from datetime import date
from typing import Any

from fvmcli.core.equipment import ItemState
from fvmcli.core.model import Catalog, Territory, Unit
from fvmcli.i18n import N_, words_in
from fvmcli.render.values import word

LABELS = {
    "title": N_("Equipment count sheet"),
    "unit": N_("Unit"),
    "printed": N_("Printed"),
    "item": N_("Item"),
    "category": N_("Category"),
    "required": N_("Required"),
    "present": N_("Present"),
    "configured": N_("Configured"),
    "tested": N_("Tested"),
    "note": N_("Note"),
    "override": N_("overridden"),
    "counted_by": N_("Counted by"),
    "date": N_("Date"),
    "signature": N_("Signature"),
    "staff": N_("Staff"),
    "rule": N_("Present ≥ configured ≥ tested"),
}


def count_sheet_context(
    catalog: Catalog,
    territory: Territory,
    unit: Unit,
    states: list[ItemState],
    overrides: dict[str, int],
    lang: str,
    printed: date,
) -> dict[str, Any]:
    """Return the template context: one row per item with its required quantity."""
    rows = []
    for state in states:
        item = catalog.item(state.item)
        rows.append(
            {
                "id": state.item,
                "name": item.name.get(lang) if item else state.item,
                "category": word(item.category) if item else "",
                "help": item.help.get(lang) if item and item.help else None,
                "required": state.required,
                "override": state.item in overrides,
            }
        )
    return {
        "lang": lang,
        "t": words_in(LABELS, lang),
        "unit": unit,
        "printed": printed,
        "rows": rows,
        "unit_type": territory.unit_types[unit.type].get(lang),
        "area": territory.areas[unit.area].name.get(lang),
    }
