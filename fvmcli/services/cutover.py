"""Cutover: the territory picture (``territory_status``), its gate and its blockers.

The primitive that forecasts, rounds and reports build on; the aggregators live in
``services/report.py``, so this module imports none of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from fvmcli.core.cutover import BlockerItem, UnitRow
from fvmcli.core.equipment import ItemTotal
from fvmcli.core.model import Checklist
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, parse_day

if TYPE_CHECKING:
    from fvmcli.services.readiness import DamagedUnit


@dataclass(frozen=True, slots=True)  # one a unit, kept for the whole territory
class CoverageRow:
    unit: str
    name: str
    area: str
    people: int
    required: int
    completed: int
    coverage: float | None


@dataclass(frozen=True)
class TerritoryStatus:
    """The territory as of a day: units worst first, their blockers (one order, longest overdue
    first), training coverage, equipment needs, and whether the ``--fail-on`` gate failed."""

    checklist: Checklist
    as_of: date
    rows: Sequence[UnitRow]  # worst first
    blockers: list[BlockerItem] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    needs: list[ItemTotal] = field(default_factory=list)
    gate_failed: bool = False
    undated_phases: list[int] = field(default_factory=list)  # selected, with no go-live yet
    # Units not scored for a damaged stored answer (only when asked to go on past them).
    damaged: list[DamagedUnit] = field(default_factory=list)

    @cached_property
    def _summaries(self) -> dict[str, Any]:
        """Return the summary of all rows and per area, type and phase, made in one pass."""
        from fvmcli.core.cutover import summaries_by, summary

        return {
            "all": summary(self.rows),
            **{key: summaries_by(self.rows, key) for key in ("area", "type", "phase")},
        }

    def summary(self) -> dict[str, Any]:
        """Return the number of units per status and the mean score."""
        found: dict[str, Any] = self._summaries["all"]
        return found

    def failing(self, fail_on: str) -> int:
        """Return how many units fail the ``--fail-on`` gate."""
        from fvmcli.core.cutover import gate_count

        return gate_count((r.status for r in self.rows), fail_on)

    def summaries_by(self, key: str) -> dict[str, dict[str, Any]]:
        """Return a summary per area, type or phase."""
        found: dict[str, dict[str, Any]] = self._summaries[key]
        return found

    def as_json(self, *, stream: bool = False) -> dict[str, Any]:
        """Return the ``cutover status --json`` document of ``cli.md``; with ``stream`` its
        units come as an iterator, each made as it is written (a region's worth of unit
        objects never exists at once)."""
        from fvmcli.services.readiness import damaged_json

        units = (r.as_dict() for r in self.rows)
        damaged = (
            {"damaged": [damaged_json(d, self.checklist.id) for d in self.damaged]}
            if self.damaged
            else {}
        )
        return {
            "as_of": self.as_of.isoformat(),
            "checklist": self.checklist.id,
            "units": units if stream else list(units),
            "summary": self.summary(),
            "by_area": self.summaries_by("area"),
            "by_type": self.summaries_by("type"),
            "by_phase": self.summaries_by("phase"),
            **damaged,
        }


def territory_status(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
    fail_on: str | None = None,
    detail: bool = True,
    past_damage: bool = False,
) -> TerritoryStatus:
    """Return every selected unit's readiness, worst first, with a fixed number of queries
    whatever the number of units; ``fail_on`` (red or amber) sets ``gate_failed``. Without
    ``detail`` only the unit rows are made (no blockers, coverage or needs). A unit with a
    stored answer its question cannot hold stops the whole (EnvironmentProblem), or, with
    ``past_damage``, is left out of the rows and listed in ``damaged``.

    Units are scored by the one scorer (``core.scoring.score_unit``) as their records stream
    past unit by unit; only each unit's row is kept."""
    from fvmcli.core.cutover import (
        blocker_order,
        gate_failed,
        row_rank,
        summary_blockers,
        summary_row,
    )
    from fvmcli.core.equipment import needs_list, needs_start
    from fvmcli.core.model import Unit
    from fvmcli.services.readiness import territory_summaries
    from fvmcli.services.territory import (
        check_fit,
        check_type,
        refuse_unknown,
        selection_areas,
    )
    from fvmcli.store.reads import Scope, go_live_dates

    try:
        gate_failed([], fail_on)
    except ValueError as exc:
        raise InputError(_("--fail-on: {exc}").format(exc=exc)) from exc
    checklist = ctx.checklist(checklist_id)
    day = as_of if isinstance(as_of, date) else parse_day(ctx, as_of)
    areas = selection_areas(ctx, chosen.area, chosen.phase)
    scope = Scope(
        tuple(chosen.unit_ids) or None,
        tuple(areas) if areas is not None else None,
        check_type(ctx, chosen.unit_type),
    )
    phase_of = ctx.territory.phase_of
    rows: list[UnitRow] = []
    blockers: list[BlockerItem] = []
    coverage: list[CoverageRow] = []
    needs = needs_start(ctx.catalog) if detail else None
    misfits: list[Unit] = []
    damaged: list[DamagedUnit] | None = [] if past_damage else None
    seen: set[str] = set()
    phases: set[int] = set()
    with ctx.open().read() as conn:
        dated = go_live_dates(conn)
        for unit, summary, figures in territory_summaries(
            ctx, conn, checklist, scope, day, needs=needs, misfits=misfits, damaged=damaged
        ):
            c = figures.coverage
            phase = phase_of(unit.area)
            phases.add(phase)
            if scope.ids:
                seen.add(unit.id)
            rows.append(summary_row(unit, phase, summary, c.percent, figures.readiness))
            if detail:
                blockers += summary_blockers(unit, summary, day)
                coverage.append(
                    CoverageRow(
                        unit.id, unit.name, unit.area, c.people, c.required, c.completed, c.percent
                    )
                )
        check_fit(ctx, misfits)
        seen.update(d.unit.id for d in damaged or ())
        if scope.ids and len(seen) < len(set(scope.ids)):
            refuse_unknown(conn, set(scope.ids) - seen)
    rows.sort(key=row_rank)
    coverage.sort(key=lambda r: (r.area, r.unit))  # the order of ``unit list``
    return TerritoryStatus(
        checklist,
        day,
        rows,
        sorted(blockers, key=blocker_order),
        coverage,
        needs_list(ctx.catalog, needs) if needs is not None else [],
        gate_failed((r.status for r in rows), fail_on),
        sorted(phases - set(dated)),
        sorted(damaged or (), key=lambda d: d.unit.id),
    )


@dataclass(frozen=True)
class BlockerList:
    """The territory's blockers and overdue critical items, longest overdue first, then its
    inconsistent items, each with its question's text in the user's language and the
    prerequisites it waits for (``cutover blockers``)."""

    as_of: date
    checklist: str
    items: list[dict[str, Any]]
    undated_phases: list[int]
    late: int = 0  # the items that are overdue critical items (blockers or waived)
    owners: dict[str, str] = field(default_factory=dict)  # owner id → name

    @property
    def blockers(self) -> int:
        """Return how many of the items are blockers (overdue, critical, not waived)."""
        return sum(1 for i in self.items if i["blocker"])

    @property
    def inconsistent(self) -> int:
        """Return how many of the items are answered as done while a prerequisite is not."""
        return sum(1 for i in self.items if i["inconsistent"])

    def as_json(self) -> dict[str, Any]:
        """Return the ``cutover blockers --json`` document of ``cli.md``."""
        from fvmcli.render.columns import BLOCKERS, data_rows

        return {
            "as_of": self.as_of.isoformat(),
            "checklist": self.checklist,
            "items": data_rows(BLOCKERS, self.items),
        }


def territory_blockers(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
) -> BlockerList:
    """Return the selected units' blockers and overdue critical items with their texts."""
    from dataclasses import asdict

    found = territory_status(ctx, chosen, checklist_id=checklist_id, as_of=as_of)
    texts = {q.id: q.text.get(ctx.lang) for q in found.checklist.questions}
    items = [{**asdict(b), "text": texts[b.question]} for b in found.blockers]
    late = sum(1 for b in found.blockers if b.late)
    from fvmcli.services.chains import owner_names

    return BlockerList(
        found.as_of, found.checklist.id, items, found.undated_phases, late, owner_names(ctx)
    )


def blocker_questions(status: TerritoryStatus) -> dict[str, set[str]]:
    """Return unit → the questions that are blockers (overdue, critical, not waived)."""
    found: dict[str, set[str]] = {}
    for item in status.blockers:
        if item.blocker:
            found.setdefault(item.unit, set()).add(item.question)
    return found
