"""How ``fvm equipment`` shows the catalog, a unit's items and the territory's needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fvmcli.cli.output import Listing, Shown, say
from fvmcli.core.territory import territory_names
from fvmcli.i18n import _
from fvmcli.render.columns import NEEDS, UNIT_ITEMS, Column
from fvmcli.render.values import number_shown, percent_shown, word


def _rule(rule: Any) -> str:
    if rule is None:
        return "–"
    per = (
        _("{n} per person").format(n=number_shown(float(rule.per_staff))) if rule.per_staff else ""
    )
    return (
        ", ".join(x for x in (per, _("min {min}").format(min=rule.min) if rule.min else "") if x)
        or "0"
    )


def _rule_of(unit_type: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: _rule(row["rules"].get(unit_type))


def catalog_view(rows: list[dict[str, Any]], unit_types: dict[str, Any], lang: str) -> Listing:
    """Return ``equipment catalog``: an item per row, a column of rules per unit type."""
    columns = (
        Column("id", "item"),
        Column("category", "category", word),
        Column("name", "name"),
        Column("recommend", "recommend", table=False),
        *(
            Column(t, name.get(lang), cell=_rule_of(t), data=False)
            for t, name in unit_types.items()
        ),
    )
    return Listing(columns, rows, title=_("Equipment recommendations"))


def unit_view(found: Any, territory: Any, lang: str) -> Shown:
    """Return ``equipment show``: the unit's items, then its readiness; its type by name."""
    unit = found.unit
    type_name = territory_names(territory, lang)["type"].get(unit.type, unit.type)
    listing = Listing(
        UNIT_ITEMS,
        found.rows,
        title=_("Equipment of {name} ({id}, {type}, staff {staff})").format(
            name=unit.name,
            id=unit.id,
            type=type_name,
            staff=unit.staff if unit.staff is not None else "?",
        ),
    )

    def printed() -> None:
        listing.show()
        ready = found.readiness
        shown = _("n/a (nothing required)") if ready is None else percent_shown(ready, 1)
        say(
            _("Equipment readiness: {shown}").format(shown=shown)
            + (_("   * overridden quantity") if found.overrides else "")
        )

    return Shown(found.as_json, printed, listing)


def needs_view(found: Any, catalog: Any, lang: str) -> Shown:
    """Return ``equipment gaps``: each item with its catalog name in ``lang`` in the table;
    JSON and CSV keep the ids only."""
    names = {i.id: i.name.get(lang) for i in catalog.items}
    name = Column("name", "name", cell=lambda i: names.get(i.item, i.item), data=False, drop=3)
    listing = Listing(
        (NEEDS[0], name, *NEEDS[1:]),
        found.items,
        title=_("Equipment needs of {units} units").format(units=found.units),
    )
    return Shown(found.as_json, listing.show, listing)
