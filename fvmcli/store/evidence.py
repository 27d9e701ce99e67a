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
    counts_in_unit_order,
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


def evidence_values(
    conn: Any,
    units: list[Unit],
    catalog: Catalog,
    curriculum: Curriculum,
    *,
    all_units: bool = False,
    needs: dict[str, ItemTotal] | None = None,
) -> dict[str, UnitFigures]:
    """Return unit id → its coverage and equipment readiness, exactly as ``evidence_for``
    gives them, for the whole territory at little memory: coverage is counted by the database
    (people per role, completions per role and course), and counts stream in unit order, each
    unit's readiness made and its counts dropped. With ``needs`` (item → totals, catalog items
    in it already) each unit's item states are also added there."""
    ids = None if all_units else [u.id for u in units]
    requires = curriculum.requires()
    coverage = coverage_by_unit(conn, ids, requires)
    by_id = {u.id: u for u in units}
    overrides = overrides_by_unit(conn, ids)
    none: dict[str, Count] = {}

    def ready_of(unit: Unit, counts: dict[str, Count]) -> float | None:
        if needs is None:
            return unit_readiness(catalog, unit, counts, overrides.get(unit.id, {}))
        states = unit_items(catalog, unit, counts, overrides.get(unit.id, {}))
        for state in states:
            needs.setdefault(state.item, ItemTotal(state.item)).add(state)
        return readiness(states)

    ready: dict[str, float | None] = {}
    for unit_id, counts in counts_in_unit_order(conn, ids):
        unit = by_id.get(unit_id)
        if unit is not None:
            ready[unit_id] = ready_of(unit, counts)
    return {
        u.id: UnitFigures(
            coverage.get(u.id, EMPTY), ready[u.id] if u.id in ready else ready_of(u, none)
        )
        for u in units
    }


EMPTY = Coverage(0, 0, 0)


def coverage_by_unit(
    conn: Any, unit_ids: list[str] | None, requires: dict[str, tuple[str, ...]]
) -> dict[str, Coverage]:
    """Return unit → training coverage (``core.training.coverage``) for every unit with people."""
    return {
        u: coverage(per_role, completed, requires)
        for u, (per_role, completed) in coverage_counts(conn, unit_ids).items()
    }
