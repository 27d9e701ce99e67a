"""Equipment: the catalog, counts per unit, overrides, readiness and the territory's needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.core.equipment import ItemState, ItemTotal
from fvmcli.core.limits import MAX_COUNT
from fvmcli.core.model import Count, EquipmentItem, Unit
from fvmcli.errors import InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, check_fit, require_right, require_unit, select

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


def catalog(ctx: Context) -> list[EquipmentItem]:
    """Return the catalog's items in content order."""
    return list(ctx.equipment_catalog().items)


def require_item(ctx: Context, item: str) -> EquipmentItem:
    """Return the catalog item or raise an error listing the known ones."""
    found = ctx.equipment_catalog().item(item)
    if found is None:
        known = ", ".join(i.id for i in ctx.equipment_catalog().items)
        raise UnknownIdError(
            _("unknown item {item!r} (known: {known})").format(item=item, known=known),
            hint=_("See 'fvm equipment catalog'."),
        )
    return found


@dataclass(frozen=True)
class CountSaved:
    unit: str
    item: str
    count: Count
    changed: bool


def count(
    ctx: Context,
    unit_id: str,
    item: str,
    *,
    present: int,
    configured: int | None = None,
    tested: int | None = None,
    by: str | None = None,
) -> CountSaved:
    """Record a unit's count of one item. A figure left out (None) keeps its stored value, or
    0 when there is none; the result must hold present ≥ configured ≥ tested ≥ 0."""
    from fvmcli.core.equipment import count_problem
    from fvmcli.store.equipment import NewCount, save_counts
    from fvmcli.store.reads import counts_by_unit

    require_item(ctx, item)
    with ctx.open().write() as conn:
        unit = require_unit(conn, unit_id)
        require_right(ctx, conn, "count", [unit])
        old = counts_by_unit(conn, [unit.id]).get(unit.id, {}).get(item, Count())
        new = Count(
            present,
            old.configured if configured is None else configured,
            old.tested if tested is None else tested,
        )
        problem = count_problem(new.present, new.configured, new.tested)
        if problem:
            raise InputError(
                _("{id} · {item}: {problem}; nothing was stored").format(
                    id=unit.id, item=item, problem=problem
                )
            )
        changed = save_counts(
            conn, [NewCount(unit.id, item, new)], by=ctx.actor(by), at=ctx.clock.now()
        )
    return CountSaved(unit.id, item, new, bool(changed))


@dataclass(frozen=True)
class Requirement:
    unit: str
    item: str
    quantity: int | None
    previous: int | None


def require(
    ctx: Context, unit_id: str, item: str, quantity: int | None, *, by: str | None = None
) -> Requirement:
    """Override the recommended quantity of one item for one unit (None: back to the
    recommendation); return it with the override it replaced."""
    from fvmcli.store.equipment import set_requirement

    require_item(ctx, item)
    if quantity is not None and not 0 <= quantity <= MAX_COUNT:
        raise InputError(
            _("N must be from 0 to {MAX_COUNT}, got {quantity}").format(
                MAX_COUNT=MAX_COUNT, quantity=quantity
            )
        )
    with ctx.open().write() as conn:
        unit = require_unit(conn, unit_id)
        require_right(ctx, conn, "require", [unit])
        old = set_requirement(conn, unit.id, item, quantity, by=ctx.actor(by), at=ctx.clock.now())
    return Requirement(unit.id, item, quantity, old)


@dataclass(frozen=True)
class CountsImported:
    counts: int
    changed: int
    units: int
    dry_run: bool


def import_counts(
    ctx: Context,
    file: Path,
    *,
    dry_run: bool = False,
    by: str | None = None,
    encoding: str | None = None,
) -> CountsImported:
    """Store counts from CSV (blank configured/tested = 0); nothing is stored if a row is bad.
    Files are read in ``encoding`` (None: UTF-8, else Windows-1252)."""
    from fvmcli.content.csvfile import read_csv, reading
    from fvmcli.content.inventory_csv import OPTIONAL, REQUIRED, parse_inventory
    from fvmcli.store.equipment import NewCount, save_counts
    from fvmcli.store.reads import list_units

    with reading(encoding):
        named = sorted({r.get("unit") or "" for r in read_csv(file, REQUIRED, OPTIONAL)})
        with ctx.open().write(dry_run=dry_run) as conn:
            units = {u.id: u for u in list_units(conn, ids=named)}
            require_right(ctx, conn, "count", units.values())
            rows = parse_inventory(file, ctx.equipment_catalog(), units)
            changed = save_counts(
                conn,
                [NewCount(u, i, c) for u, i, c, _ in rows],
                by=ctx.actor(by),
                at=ctx.clock.now(),
            )
        return CountsImported(len(rows), changed, len(units), dry_run)


def store_counts(
    ctx: Context, counts: list[tuple[str, str, Count]], *, by: str | None = None
) -> int:
    """Store many (unit, item, count) in one transaction after the checks every way in
    shares; return how many changed. Any bad count stores nothing."""
    from fvmcli.core.equipment import count_problem
    from fvmcli.errors import Problem, ProblemsError
    from fvmcli.store.equipment import NewCount, save_counts
    from fvmcli.store.reads import list_units

    with ctx.open().write() as conn:
        found = list_units(conn, ids=sorted({u for u, _, _ in counts}))
        require_right(ctx, conn, "count", found)
        known = {u.id for u in found}
        problems = []
        for index, (unit_id, item, c) in enumerate(counts):
            if unit_id not in known:
                problems.append(
                    Problem(
                        f"counts[{index}].unit", _("no unit {unit_id!r}").format(unit_id=unit_id)
                    )
                )
            if ctx.equipment_catalog().item(item) is None:
                problems.append(
                    Problem(f"counts[{index}].item", _("unknown item {item!r}").format(item=item))
                )
            problem = count_problem(c.present, c.configured, c.tested)
            if problem:
                problems.append(Problem(f"counts[{index}]", problem))
        if problems:
            raise ProblemsError("counts", problems, hint=_("Nothing was stored."))
        return save_counts(
            conn, [NewCount(u, i, c) for u, i, c in counts], by=ctx.actor(by), at=ctx.clock.now()
        )


@dataclass(frozen=True)
class UnitEquipment:
    """A unit's items (required, counted, still needed), its overrides and its readiness."""

    unit: Unit
    items: list[ItemState]
    overrides: dict[str, int]
    readiness: float | None
    rows: list[dict[str, Any]] = field(default_factory=list)  # the items as listed

    def as_json(self) -> dict[str, Any]:
        """Return the ``equipment show --json`` document of ``cli.md``."""
        from fvmcli.render.columns import UNIT_ITEMS, data_rows

        return {
            "unit": self.unit.id,
            "type": self.unit.type,
            "staff": self.unit.staff,
            "readiness": self.readiness,
            "items": data_rows(UNIT_ITEMS, self.rows),
        }


def item_rows(
    ctx: Context, items: list[ItemState], overrides: dict[str, int]
) -> list[dict[str, Any]]:
    """Return a unit's items as ``equipment show`` lists them: each with its name in the
    user's language, its category and its overridden quantity (None: the catalog's rule)."""
    rows = []
    for s in items:
        item = ctx.equipment_catalog().item(s.item)
        rows.append(
            {
                "item": s.item,
                "name": item.name.get(ctx.lang) if item else s.item,
                "category": item.category if item else None,
                "override": overrides.get(s.item),
                "required": s.required,
                "present": s.present,
                "configured": s.configured,
                "tested": s.tested,
                "to_procure": s.to_procure,
                "to_configure": s.to_configure,
                "to_test": s.to_test,
            }
        )
    return rows


def catalog_rows(ctx: Context) -> list[dict[str, Any]]:
    """Return the catalog as ``equipment catalog`` lists it: per item its category, its name
    in the user's language and its rule per unit type (``recommend`` for JSON, ``rules``
    the rules themselves)."""
    return [
        {
            "id": i.id,
            "category": i.category,
            "name": i.name.get(ctx.lang),
            "recommend": {
                t: {"per_staff": float(r.per_staff), "min": r.min} for t, r in i.recommend.items()
            },
            "rules": i.recommend,
        }
        for i in catalog(ctx)
    ]


def _unit_items(ctx: Context, conn: Connection, unit: Unit) -> UnitEquipment:
    from fvmcli.core.equipment import readiness, unit_items
    from fvmcli.store.reads import counts_by_unit, overrides_by_unit

    check_fit(ctx, [unit])
    counts = counts_by_unit(conn, [unit.id]).get(unit.id, {})
    overrides = overrides_by_unit(conn, [unit.id]).get(unit.id, {})
    states = unit_items(ctx.equipment_catalog(), unit, counts, overrides)
    return UnitEquipment(
        unit, states, overrides, readiness(states), item_rows(ctx, states, overrides)
    )


def show(ctx: Context, unit_id: str) -> UnitEquipment:
    """Return a unit's equipment: required, present, configured, tested, missing, readiness."""
    with ctx.open().read() as conn:
        return _unit_items(ctx, conn, require_unit(conn, unit_id))


@dataclass(frozen=True)
class Needs:
    """What the selected units still need, per item, summed."""

    items: list[ItemTotal]
    units: int

    def as_json(self) -> dict[str, Any]:
        """Return the ``equipment gaps --json`` document of ``cli.md``."""
        from fvmcli.render.columns import NEEDS, data_rows

        return {"items": data_rows(NEEDS, self.items), "units": self.units}


def gaps(ctx: Context, chosen: UnitFilter = UnitFilter()) -> Needs:
    """Return per item what the selected units still need to procure, configure and test."""
    from fvmcli.core.equipment import territory_needs, unit_items
    from fvmcli.store.reads import counts_by_unit, overrides_by_unit

    with ctx.open().read() as conn:
        chosen_units = select(ctx, conn, chosen)
        counts = counts_by_unit(conn, chosen_units.ids)
        overrides = overrides_by_unit(conn, chosen_units.ids)
    units = chosen_units.units
    totals = territory_needs(
        ctx.equipment_catalog(),
        (
            unit_items(ctx.equipment_catalog(), u, counts.get(u.id, {}), overrides.get(u.id, {}))
            for u in units
        ),
    )
    return Needs(totals, len(units))


def count_sheet(ctx: Context, unit_id: str) -> dict[str, Any]:
    """Return the template context of a unit's count sheet (``equipment print``): its items,
    required quantities and boxes to fill in, dated today."""
    from fvmcli.render.equipment_sheet import count_sheet_context

    found = show(ctx, unit_id)
    return count_sheet_context(
        ctx.equipment_catalog(),
        ctx.territory,
        found.unit,
        found.items,
        found.overrides,
        ctx.lang,
        ctx.clock.today(),
    )
