"""Equipment of a unit: required quantities, readiness and needs (``scoring.md``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from fvmcli.core.limits import MAX_COUNT
from fvmcli.core.model import Catalog, Count, Recommendation, Unit
from fvmcli.i18n import _


@lru_cache(maxsize=65536)
def required_quantity(rule: Recommendation | None, staff: int | None, override: int | None) -> int:
    """Return rᵢ: the override if set, else max(min, ⌈per_staff × staff⌉), else 0.

    ``per_staff`` is an exact fraction, so ⌈0.1 × 90⌉ is 9 and not 10.
    """
    if override is not None:
        return override
    if rule is None:
        return 0
    return max(rule.min, math.ceil(rule.per_staff * (staff or 0)))


@dataclass(frozen=True)
class ItemState:
    """One item of one unit (or summed over units): required, counted and what is missing."""

    item: str
    required: int
    present: int
    configured: int
    tested: int

    @property
    def to_procure(self) -> int:
        return max(0, self.required - self.present)

    @property
    def to_configure(self) -> int:
        return max(0, min(self.required, self.present) - self.configured)

    @property
    def to_test(self) -> int:
        return max(0, min(self.required, self.configured) - self.tested)

    @property
    def ready(self) -> int:
        """Return min(tested, required): the part of the requirement that is fully ready."""
        return min(self.tested, self.required)


def unit_requirements(
    catalog: Catalog, unit: Unit, counts: dict[str, Count], overrides: dict[str, int]
) -> Iterator[tuple[str, int, Count]]:
    """Yield each item of the unit with its required quantity rᵢ and its count: every catalog
    item in catalog order (the override, else the catalog's rule), then the counted or
    overridden items outside the catalog (the override, else 0)."""
    none = Count()
    for item_id, recommended in _quantities(catalog, unit.type, unit.staff):
        required = overrides.get(item_id, recommended) if overrides else recommended
        yield item_id, required, counts.get(item_id, none)
    if counts or overrides:
        for item_id in sorted((counts.keys() | overrides.keys()) - catalog.ids):
            yield item_id, overrides.get(item_id, 0), counts.get(item_id, none)


def unit_items(
    catalog: Catalog, unit: Unit, counts: dict[str, Count], overrides: dict[str, int]
) -> list[ItemState]:
    """Return every catalog item's state for the unit, plus counted items outside the catalog."""
    return [
        ItemState(item_id, required, count.present, count.configured, count.tested)
        for item_id, required, count in unit_requirements(catalog, unit, counts, overrides)
    ]


def unit_readiness(
    catalog: Catalog, unit: Unit, counts: dict[str, Count], overrides: dict[str, int]
) -> tuple[int, int]:
    """Return the unit's readiness parts (``readiness_parts``) without making the item
    states: for the whole territory, where only the figures are kept."""
    return readiness_parts(
        (required, count.tested)
        for _, required, count in unit_requirements(catalog, unit, counts, overrides)
    )


_QUANTITIES: dict[tuple[int, str, int | None], tuple[Catalog, tuple[tuple[str, int], ...]]] = {}


def _quantities(catalog: Catalog, unit_type: str, staff: int | None) -> tuple[tuple[str, int], ...]:
    """Return every catalog item with how many a unit of this type and staff must have,
    without overrides, in catalog order (remembered: a region has few types and staff sizes,
    and many units)."""
    key = (id(catalog), unit_type, staff)
    found = _QUANTITIES.get(key)
    if found is None or found[0] is not catalog:
        if len(_QUANTITIES) > 65536:
            _QUANTITIES.clear()
        table = tuple(
            (item.id, required_quantity(item.recommend.get(unit_type), staff, None))
            for item in catalog.items
        )
        found = _QUANTITIES[key] = (catalog, table)
    return found[1]


def readiness_parts(required_tested: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """Return (Σ min(testedᵢ, rᵢ), Σ rᵢ) over (rᵢ, testedᵢ) pairs with rᵢ > 0: the parts of
    the equipment readiness, which sum over units (the gate's criterion). The one home of
    the rule."""
    total = ready = 0
    for required, tested in required_tested:
        if required > 0:
            total += required
            ready += min(tested, required)
    return ready, total


def percent_of(parts: tuple[int, int]) -> float | None:
    """Return the readiness 100 × ready / required of its parts; None when nothing is
    required."""
    ready, total = parts
    return 100.0 * ready / total if total else None


def readiness_of(required_tested: Iterable[tuple[int, int]]) -> float | None:
    """Return the equipment readiness of (rᵢ, testedᵢ) pairs (``readiness_parts``)."""
    return percent_of(readiness_parts(required_tested))


def readiness(states: Iterable[ItemState]) -> float | None:
    """Return the readiness (``readiness_of``) of item states."""
    return readiness_of((s.required, s.tested) for s in states)


def count_problem(present: int, configured: int, tested: int) -> str | None:
    """Return why a count is invalid (present ≥ configured ≥ tested ≥ 0), or None when valid."""
    if min(present, configured, tested) < 0:
        return _("counts are whole numbers 0 or more")
    if max(present, configured, tested) > MAX_COUNT:
        return _("counts are at most {MAX_COUNT}").format(MAX_COUNT=MAX_COUNT)
    if not present >= configured >= tested:
        return _(
            "present ≥ configured ≥ tested must hold, got present={present}, "
            "configured={configured}, tested={tested}"
        ).format(present=present, configured=configured, tested=tested)
    return None


@dataclass
class ItemTotal:
    """An item's figures summed over units; needs are summed per unit, never recomputed."""

    item: str
    required: int = 0
    present: int = 0
    configured: int = 0
    tested: int = 0
    to_procure: int = 0
    to_configure: int = 0
    to_test: int = 0

    def add(self, state: ItemState) -> None:
        self.required += state.required
        self.present += state.present
        self.configured += state.configured
        self.tested += state.tested
        self.to_procure += state.to_procure
        self.to_configure += state.to_configure
        self.to_test += state.to_test


def territory_needs(catalog: Catalog, per_unit: Iterable[list[ItemState]]) -> list[ItemTotal]:
    """Return each item's totals over the units: catalog items in catalog order, then items
    outside the catalog by id."""
    totals = needs_start(catalog)
    for states in per_unit:
        for state in states:
            totals.setdefault(state.item, ItemTotal(state.item)).add(state)
    return needs_list(catalog, totals)


def needs_start(catalog: Catalog) -> dict[str, ItemTotal]:
    """Return empty totals of every catalog item, to add units' item states to."""
    return {item.id: ItemTotal(item.id) for item in catalog.items}


def needs_list(catalog: Catalog, totals: dict[str, ItemTotal]) -> list[ItemTotal]:
    """Return the totals: catalog items in catalog order, then the others by id."""
    known = catalog.ids
    return [totals[i.id] for i in catalog.items] + [
        totals[k] for k in sorted(totals) if k not in known
    ]
