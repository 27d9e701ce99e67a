"""``checklists/equipment.toml``: the equipment recommendations catalog."""

from __future__ import annotations

from fractions import Fraction

from fvmcli.content.locate import ContentDirs
from fvmcli.content.tomlfile import Checker, read_toml
from fvmcli.core.model import Catalog, EquipmentItem, Recommendation, Territory
from fvmcli.errors import ContentError, Problem
from fvmcli.i18n import _

CATEGORIES = ("it", "print", "medtech")


def load_catalog(dirs: ContentDirs, territory: Territory) -> Catalog:
    """Return the validated equipment catalog; raise ContentError listing every problem."""
    file = dirs.file("checklists", "equipment.toml")
    if file is None:
        raise ContentError("checklists/equipment.toml", [Problem("file", _("not found"))])
    data = read_toml(file)
    check = Checker(file)
    check.table(data, "", {"items"}, {"items"})
    items: list[EquipmentItem] = []
    for path, raw in check.items(data.get("items", []), "items"):
        t = check.table(
            raw, path, {"id", "category", "name", "recommend", "help"}, {"id", "category", "name"}
        )
        iid = check.get(t, "id", path, check.string, "")
        check.short_id(iid, f"{path}.id")
        category = check.get(t, "category", path, check.string, "")
        if category and category not in CATEGORIES:
            check.add(
                f"{path}.category",
                _("expected one of {CATEGORIES}, got {category!r}").format(
                    CATEGORIES=", ".join(CATEGORIES), category=category
                ),
            )
        if iid in {i.id for i in items}:
            check.add(f"{path}.id", _("duplicate item id {iid!r}").format(iid=iid))
        rules: dict[str, Recommendation] = {}
        for unit_type, rule in check.table(
            t.get("recommend", {}), f"{path}.recommend", set(territory.unit_types)
        ).items():
            rpath = f"{path}.recommend.{unit_type}"
            r = check.table(rule, rpath, {"per_staff", "min"})
            per_staff = check.get(r, "per_staff", rpath, check.number, 0.0)
            minimum = check.get(r, "min", rpath, check.integer, 0)
            if per_staff < 0 or minimum < 0:
                check.add(rpath, _("per_staff and min are 0 or more"))
            # str() keeps the decimal the file was written in: 0.1 stays exactly 1/10.
            rules[unit_type] = Recommendation(Fraction(str(per_staff)), minimum)
        name = check.get(t, "name", path, check.text, None)
        if iid and name is not None:
            items.append(
                EquipmentItem(
                    iid, category, name, rules, check.get(t, "help", path, check.text, None)
                )
            )
    check.raise_if_any()
    return Catalog(tuple(items))
