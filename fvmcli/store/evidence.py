"""Live evidence per unit (training coverage, equipment readiness), read set-based."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fvmcli.core.equipment import ItemState, ItemTotal, readiness, unit_items, unit_readiness
from fvmcli.core.model import Catalog, Count, Curriculum, Unit
from fvmcli.core.scoring import Evidence
from fvmcli.core.training import Coverage, coverage
from fvmcli.store.reads import (
    counts_by_unit,
    coverage_counts,
    overrides_by_unit,
)


@dataclass(frozen=True)
class UnitEvidence:
    coverage: Coverage
    items: list[ItemState]

    @property
    def evidence(self) -> Evidence:
        """Return the values the derived questions take."""
        return Evidence(self.coverage.percent, readiness(self.items))


def evidence_for(
    conn: Any,
    units: list[Unit],
    catalog: Catalog,
    curriculum: Curriculum,
    *,
    all_units: bool = False,
) -> dict[str, UnitEvidence]:
    """Return unit id → evidence, with one query per kind of record, not one per unit.

    ``all_units`` reads every row instead of filtering by id (faster for the whole territory).
    """
    ids = None if all_units else [u.id for u in units]
    covered = coverage_by_unit(conn, ids, curriculum.requires())
    counts = counts_by_unit(conn, ids)
    overrides = overrides_by_unit(conn, ids)
    return {
        u.id: UnitEvidence(
            covered.get(u.id, EMPTY),
            unit_items(catalog, u, counts.get(u.id, {}), overrides.get(u.id, {})),
        )
        for u in units
    }


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """A unit's live evidence as the whole territory reads it: coverage and readiness."""

    coverage: Coverage
    readiness: float | None

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
) -> UnitFigures:
    """Return the unit's coverage and equipment readiness, exactly as ``evidence_for`` gives
    them; with ``needs`` (item → totals, catalog items in it already) the unit's item states
    are also added there."""
    if needs is None:
        return UnitFigures(coverage, unit_readiness(catalog, unit, counts, overrides))
    states = unit_items(catalog, unit, counts, overrides)
    for state in states:
        needs.setdefault(state.item, ItemTotal(state.item)).add(state)
    return UnitFigures(coverage, readiness(states))


EMPTY = Coverage(0, 0, 0)


def coverage_by_unit(
    conn: Any, unit_ids: list[str] | None, requires: dict[str, tuple[str, ...]]
) -> dict[str, Coverage]:
    """Return unit → training coverage (``core.training.coverage``) for every unit with people."""
    return {
        u: coverage(per_role, completed, requires)
        for u, (per_role, completed) in coverage_counts(conn, unit_ids).items()
    }
