"""Live evidence per unit (training coverage, equipment readiness), read set-based."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from fvmcli.core.equipment import ItemState, readiness, unit_items, unit_readiness
from fvmcli.core.model import Catalog, Curriculum, Unit
from fvmcli.core.scoring import Evidence
from fvmcli.core.training import Coverage, coverage
from fvmcli.store.equipment import counts_by_unit, overrides_by_unit
from fvmcli.store.training import completed_pairs, people_by_unit


@dataclass(frozen=True)
class UnitEvidence:
    coverage: Coverage
    items: list[ItemState]

    @property
    def evidence(self) -> Evidence:
        """Return the values the derived questions take."""
        return Evidence(self.coverage.percent, readiness(self.items))


def evidence_for(
    conn: Connection,
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
    people = people_by_unit(conn, ids)
    done = completed_pairs(conn, ids)
    counts = counts_by_unit(conn, ids)
    overrides = overrides_by_unit(conn, ids)
    requires = curriculum.requires()
    return {
        u.id: UnitEvidence(
            coverage(people.get(u.id, []), requires, done),
            unit_items(catalog, u, counts.get(u.id, {}), overrides.get(u.id, {})),
        )
        for u in units
    }


def evidence_values(
    conn: Connection,
    units: list[Unit],
    catalog: Catalog,
    curriculum: Curriculum,
    *,
    all_units: bool = False,
) -> dict[str, Evidence]:
    """Return unit id → the values of its derived questions (training coverage, equipment
    readiness), as ``evidence_for`` gives them, without keeping the item states."""
    ids = None if all_units else [u.id for u in units]
    people = people_by_unit(conn, ids)
    done = completed_pairs(conn, ids)
    counts = counts_by_unit(conn, ids)
    overrides = overrides_by_unit(conn, ids)
    requires = curriculum.requires()
    none: dict[str, object] = {}
    return {
        u.id: Evidence(
            coverage(people.get(u.id, []), requires, done).percent,
            unit_readiness(
                catalog,
                u,
                counts.get(u.id, none),  # type: ignore[arg-type]
                overrides.get(u.id, none),  # type: ignore[arg-type]
            ),
        )
        for u in units
    }
