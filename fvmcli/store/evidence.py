"""Live evidence per unit (training coverage, equipment readiness), read set-based."""

from __future__ import annotations

from dataclasses import dataclass

from fvmcli.core.equipment import (
    ItemState,
    ItemTotal,
    percent_of,
    readiness_parts,
    unit_items,
    unit_readiness,
)
from fvmcli.core.model import Catalog, Count, Unit
from fvmcli.core.scoring import Evidence
from fvmcli.core.training import Coverage, coverage
from fvmcli.store.driver import Connection
from fvmcli.store.reads import coverage_counts


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """A unit's live evidence as the whole territory reads it: coverage and readiness."""

    coverage: Coverage
    readiness: float | None
    items: tuple[ItemState, ...] = ()  # each item's state, when asked for
    equipment: tuple[int, int] = (0, 0)  # Σ min(tested, required), Σ required

    @property
    def evidence(self) -> Evidence:
        """Return the values the derived questions take."""
        return Evidence(self.coverage.percent, self.readiness)


def unit_figures(
    catalog: Catalog,
    unit: Unit,
    counts: dict[str, Count],
    overrides: dict[str, int],
    coverage: Coverage,
    needs: dict[str, ItemTotal] | None = None,
    *,
    items: bool = False,
) -> UnitFigures:
    """Return the unit's coverage and equipment readiness, with ``items`` each item's state
    too; with ``needs`` (item → totals, catalog items in it already) the unit's item states
    are also added there."""
    if needs is None and not items:
        parts = unit_readiness(catalog, unit, counts, overrides)
        return UnitFigures(coverage, percent_of(parts), (), parts)
    states = unit_items(catalog, unit, counts, overrides)
    if needs is not None:
        for state in states:
            needs.setdefault(state.item, ItemTotal(state.item)).add(state)
    parts = readiness_parts((s.required, s.tested) for s in states)
    return UnitFigures(coverage, percent_of(parts), tuple(states) if items else (), parts)


EMPTY = Coverage(0, 0, 0)


def coverage_by_unit(
    conn: Connection, unit_ids: list[str] | None, requires: dict[str, tuple[str, ...]]
) -> dict[str, Coverage]:
    """Return unit → training coverage (``core.training.coverage``) for every unit with people."""
    return {
        u: coverage(per_role, completed, requires)
        for u, (per_role, completed) in coverage_counts(conn, unit_ids).items()
    }
