"""The cut-over's runbooks and their planned schedule from T0, critical path marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fvmcli.core.runs import (
    Instance,
    Key,
    Planned,
    Runbook,
    instances,
    measured_durations,
    plan,
    planned_path,
    t0_of,
)
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection

from fvmcli.services.runs import _loaded, _moment, iso

# ---------------------------------------------------------------- runbooks and plans


@dataclass
class PlanRow:
    task: str
    unit: str | None
    title: str
    owner: str | None
    owner_name: str | None
    checkpoint: bool
    rollback: bool
    planned_start: datetime
    planned_finish: datetime
    critical: bool = False


@dataclass
class RunbookPlan:
    runbook: Runbook
    phase: int
    area: str | None
    t0: datetime
    rows: list[PlanRow]
    critical_path: list[Key]
    title: str

    def document(self) -> dict[str, Any]:
        """Return the JSON of ``runbook plan --json`` (``cli.md``)."""
        return {
            "runbook": self.runbook.id,
            "phase": self.phase,
            "t0": iso(self.t0),
            "planned_finish": iso(max((r.planned_finish for r in self.rows), default=self.t0)),
            "tasks": [
                {
                    "task": r.task,
                    "unit": r.unit,
                    "owner": r.owner,
                    "planned_start": iso(r.planned_start),
                    "planned_finish": iso(r.planned_finish),
                    "critical": r.critical,
                }
                for r in self.rows
            ],
            "critical_path": [{"task": t, "unit": u} for t, u in self.critical_path],
        }


def runbook_list(ctx: Context) -> list[Runbook]:
    """Return every runbook of the content."""
    return ctx.runbooks()


def runbook_show(ctx: Context, runbook_id: str) -> Runbook:
    """Return one runbook, validated."""
    return ctx.runbook(runbook_id)


def phase_units(
    ctx: Context, conn: Connection, phase: int, area: str | None
) -> tuple[list[tuple[str, str]], str | None]:
    """Return (id, type) of the units of ``phase`` (of ``area`` when given, by its id or
    name), and the area's id."""
    from fvmcli.services.gate import check_phase
    from fvmcli.services.territory import selection_areas
    from fvmcli.store.reads import Scope, scope_units

    check_phase(ctx, phase)
    areas = selection_areas(ctx, area, phase) or []
    if area is not None and ctx.territory.phase_of(areas[0]) != phase:
        raise InputError(_("--area {area} is not in phase {phase}").format(area=area, phase=phase))
    units = [(u.id, u.type) for u in scope_units(conn, Scope(areas=tuple(areas)))]
    return units, (areas[0] if area is not None else None)


def t0_for(conn: Connection, runbook: Runbook, phase: int, given: str | None) -> datetime:
    """Return T0: ``--t0``, else the phase's go-live date at the runbook's ``t0``."""
    from fvmcli.store.reads import go_live_dates

    if given is not None:
        return _moment(given, "--t0")
    day = go_live_dates(conn).get(phase)
    if day is None:
        raise InputError(
            _("phase {phase} has no go-live date, so T0 is not known").format(phase=phase),
            hint=_("Set it with 'fvm phase set', or give --t0."),
        )
    return t0_of(day, runbook.t0)


def measured(ctx: Context, conn: Connection, name: str) -> dict[str, float]:
    """Return the median measured duration (seconds) of each task of run ``name``."""
    found = _loaded(ctx, conn, name)
    return measured_durations(found.items, found.marks)


def runbook_plan(
    ctx: Context,
    runbook_id: str,
    phase: int,
    *,
    area: str | None = None,
    t0: str | None = None,
    durations_from: str | None = None,
) -> RunbookPlan:
    """Return the planned schedule of a runbook over a phase's units, critical path marked."""
    runbook = ctx.runbook(runbook_id)
    curriculum = ctx.curriculum
    with ctx.open().read() as conn:
        units, area = phase_units(ctx, conn, phase, area)
        start = t0_for(conn, runbook, phase, t0)
        durations = measured(ctx, conn, durations_from) if durations_from else None
    items = instances(runbook, units)
    planned = plan(items, start, durations)
    path = planned_path(items, planned)
    on_path = set(path)
    rows = [_plan_row(i, planned[i.key], i.key in on_path, ctx, curriculum) for i in items]
    return RunbookPlan(runbook, phase, area, start, rows, path, runbook.title.get(ctx.lang))


def _plan_row(item: Instance, p: Planned, critical: bool, ctx: Context, curriculum: Any) -> PlanRow:
    owner = item.task.owner
    return PlanRow(
        item.task.id,
        item.unit,
        item.task.title.get(ctx.lang),
        owner,
        curriculum.owner_name(owner, ctx.lang) if owner else None,
        item.task.checkpoint,
        item.task.rollback,
        p.start,
        p.finish,
        critical,
    )
