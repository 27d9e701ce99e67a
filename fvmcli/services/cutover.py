"""Cutover: the territory picture, the go/no-go gate, blockers, rounds and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fvmcli.core.cutover import BlockerItem, UnitRow
from fvmcli.core.equipment import ItemTotal
from fvmcli.core.model import Checklist
from fvmcli.errors import InputError
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, parse_day, require_right, select


@dataclass(frozen=True)
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
    rows: list[UnitRow]
    blockers: list[BlockerItem] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    needs: list[ItemTotal] = field(default_factory=list)
    gate_failed: bool = False

    def summary(self) -> dict[str, Any]:
        """Return the number of units per status and the mean score."""
        from fvmcli.core.cutover import summary

        return summary(self.rows)

    def summaries_by(self, key: str) -> dict[str, dict[str, Any]]:
        """Return a summary per area, type or phase."""
        from fvmcli.core.cutover import summaries_by

        return summaries_by(self.rows, key)

    def as_json(self) -> dict[str, Any]:
        """Return the ``cutover status --json`` document of ``cli.md``."""
        return {
            "as_of": self.as_of.isoformat(),
            "checklist": self.checklist.id,
            "units": [r.as_dict() for r in self.rows],
            "summary": self.summary(),
            "by_area": self.summaries_by("area"),
            "by_type": self.summaries_by("type"),
            "by_phase": self.summaries_by("phase"),
        }


def territory_status(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
    fail_on: str | None = None,
) -> TerritoryStatus:
    """Return every selected unit's readiness, worst first, with a fixed number of queries
    whatever the number of units; ``fail_on`` (red or amber) sets ``gate_failed``."""
    from fvmcli.core.cutover import blocker_items, blocker_order, gate_failed, unit_row, worst_first
    from fvmcli.core.equipment import territory_needs
    from fvmcli.services.readiness import territory_readiness

    try:
        gate_failed([], fail_on)
    except ValueError as exc:
        raise InputError(f"--fail-on: {exc}") from exc
    checklist = ctx.checklist(checklist_id)
    day = as_of if isinstance(as_of, date) else parse_day(ctx, as_of)
    rows, blockers, coverage, items = [], [], [], []
    with ctx.db.read() as conn:
        units = select(ctx, conn, chosen).units
        for unit, score, evidence in territory_readiness(
            ctx, conn, checklist, units, day, all_units=chosen.everything
        ):
            c = evidence.coverage
            rows.append(
                unit_row(
                    unit,
                    ctx.territory.phase_of(unit.area),
                    score,
                    c.percent,
                    evidence.evidence.equipment_readiness,
                )
            )
            blockers += blocker_items(unit, score)
            coverage.append(
                CoverageRow(
                    unit.id, unit.name, unit.area, c.people, c.required, c.completed, c.percent
                )
            )
            items.append(evidence.items)
    ordered = worst_first(rows)
    return TerritoryStatus(
        checklist,
        day,
        ordered,
        sorted(blockers, key=blocker_order),
        coverage,
        territory_needs(ctx.catalog, items),
        gate_failed((r.status for r in ordered), fail_on),
    )


@dataclass(frozen=True)
class Snapshot:
    label: str
    units: int
    as_of: date
    replaced: bool


def snapshot(
    ctx: Context,
    label: str,
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
    replace: bool = False,
    by: str | None = None,
) -> Snapshot:
    """Freeze every unit's figures as of a day under ``label`` (an assessment round). A label
    already taken is a conflict unless ``replace``: a round is not overwritten by mistake."""
    from fvmcli.core.values import check_id
    from fvmcli.errors import ConflictError
    from fvmcli.store.snapshots import save_snapshot, snapshot_exists

    try:
        check_id(label, what="label")
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    status = territory_status(ctx, checklist_id=checklist_id, as_of=as_of)
    rows = [
        {
            "unit_id": r.unit,
            "area": r.area,
            "phase": r.phase,
            "type": r.type,
            "score": r.score,
            "status": r.status,
            "completeness": r.completeness,
            "blockers": r.blockers,
            "overdue": r.overdue,
            "training_coverage": r.training_coverage,
            "equipment_readiness": r.equipment_readiness,
        }
        for r in status.rows
    ]
    with ctx.db.write() as conn:
        require_right(ctx, conn, "territory")
        if not replace and snapshot_exists(conn, label):
            raise ConflictError(
                f"a snapshot {label!r} exists already",
                hint="Take it under another label, or add --replace to overwrite it.",
            )
        replaced = save_snapshot(
            conn,
            label,
            status.checklist.id,
            status.as_of,
            rows,
            by=ctx.actor(by),
            at=ctx.clock.now(),
        )
    return Snapshot(label, len(rows), status.as_of, replaced)


def trend(
    ctx: Context, chosen: UnitFilter = UnitFilter(), *, checklist_id: str = "golive"
) -> dict[str, Any]:
    """Return each selected unit's and each area's score across snapshots, oldest first."""
    from fvmcli.core.cutover import trend as trend_of
    from fvmcli.store.snapshots import list_snapshots, snapshot_rows

    with ctx.db.read() as conn:
        ids = {u.id for u in select(ctx, conn, chosen).units}
        taken = list_snapshots(conn, ctx.checklist(checklist_id).id)
        rows = [r for r in snapshot_rows(conn, [s["label"] for s in taken]) if r["unit_id"] in ids]
    return trend_of(taken, rows)


@dataclass(frozen=True)
class Report:
    """What the go/no-go report shows, in the user's language."""

    status: TerritoryStatus
    trend: dict[str, Any]
    lang: str
    title: str
    texts: dict[str, str]


def report(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
) -> Report:
    """Return the report's content: the territory status, its trend and question texts."""
    status = territory_status(ctx, chosen, checklist_id=checklist_id, as_of=as_of)
    lang = ctx.lang
    return Report(
        status,
        trend(ctx, chosen, checklist_id=checklist_id),
        lang,
        status.checklist.title.get(lang),
        {q.id: q.text.get(lang) for q in status.checklist.questions},
    )
