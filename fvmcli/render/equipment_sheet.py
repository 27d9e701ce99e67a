"""The context of an equipment count sheet for walking a unit."""

from __future__ import annotations

from datetime import date
from typing import Any

from fvmcli.core.equipment import ItemState
from fvmcli.core.model import Catalog, Territory, Unit

LABELS = {
    "sv": {
        "title": "Inventering av utrustning",
        "unit": "Enhet",
        "printed": "Utskriven",
        "item": "Utrustning",
        "category": "Kategori",
        "required": "Behov",
        "present": "På plats",
        "configured": "Konfigurerad",
        "tested": "Testad",
        "note": "Anteckning",
        "override": "justerat behov",
        "counted_by": "Inventerad av",
        "date": "Datum",
        "signature": "Signatur",
        "staff": "Personal",
        "rule": "På plats ≥ konfigurerad ≥ testad",
    },
    "en": {
        "title": "Equipment count sheet",
        "unit": "Unit",
        "printed": "Printed",
        "item": "Item",
        "category": "Category",
        "required": "Required",
        "present": "Present",
        "configured": "Configured",
        "tested": "Tested",
        "note": "Note",
        "override": "overridden",
        "counted_by": "Counted by",
        "date": "Date",
        "signature": "Signature",
        "staff": "Staff",
        "rule": "Present ≥ configured ≥ tested",
    },
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
                "category": item.category if item else "",
                "help": item.help.get(lang) if item and item.help else None,
                "required": state.required,
                "override": state.item in overrides,
            }
        )
    return {
        "lang": lang,
        "t": LABELS[lang],
        "unit": unit,
        "printed": printed,
        "rows": rows,
        "unit_type": territory.unit_types[unit.type].get(lang),
        "area": territory.areas[unit.area].name.get(lang),
    }
