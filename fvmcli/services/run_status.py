"""A run's state on a moment (``scoring.md``, "Runs"): status, the command centre's frame,
the list of runs, a comparison of two, and the run as the cutover report shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fvmcli.core.runs import (
    ENDED,
    Runbook,
    RunStatus,
    measured_durations,
    status,
)
from fvmcli.services.context import Context

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection
    from fvmcli.store.runs import StoredRun

from fvmcli.services.runs import LoadedRun, _loaded, _moment, _name, _now

# ---------------------------------------------------------------- status


@dataclass
class RunState:
    """A run's state on a moment, with what a person needs to read it."""

    loaded: LoadedRun
    status: RunStatus
    titles: dict[str, str]
    owners: dict[str, str]
    _document: dict[str, Any] | None = None

    @property
    def run(self) -> StoredRun:
        return self.loaded.run

    def document(self) -> dict[str, Any]:
        """Return the JSON of ``run status --json`` (``cli.md``), made once."""
        if self._document is None:
            self._document = self._made()
        return self._document

    def _made(self) -> dict[str, Any]:
        s = self.status
        texts: dict[datetime | None, str | None] = {None: None}

        def iso(moment: datetime | None) -> str | None:  # thousands share a planned time
            found = texts.get(moment, "")
            if found == "":
                found = texts[moment] = moment.isoformat(timespec="seconds")  # type: ignore[union-attr]
            return found

        return {
            "run": self.run.name,
            "runbook": self.run.runbook,
            "phase": self.run.phase,
            "rehearsal": self.run.rehearsal,
            "t0": iso(s.t0),
            "as_of": iso(s.as_of),
            "planned_finish": iso(s.planned_finish),
            "expected_finish": iso(s.expected_finish),
            "slip_minutes": s.slip_minutes,
            "tasks": [
                {
                    "task": r.item.task.id,
                    "unit": r.item.unit,
                    "owner": r.item.task.owner,
                    "state": r.mark.state,
                    "planned_start": iso(r.planned.start),
                    "planned_finish": iso(r.planned.finish),
                    "actual_start": iso(r.mark.started),
                    "actual_end": iso(r.mark.ended),
                    "expected_finish": iso(r.expected),
                    "late": r.late,
                    "critical": r.critical,
                }
                for r in s.rows
            ],
            "critical_path": [{"task": t, "unit": u} for t, u in s.critical_path],
        }


def _owner_names(ctx: Context, runbook: Runbook) -> dict[str, str]:
    curriculum = ctx.curriculum
    return {t.owner: curriculum.owner_name(t.owner, ctx.lang) for t in runbook.tasks if t.owner}


def state_of(ctx: Context, conn: Connection, name: str, as_of: str | None = None) -> RunState:
    """Return the run's state on ``as_of`` (default: now), in one read."""
    found = _loaded(ctx, conn, name)
    moment = _now(ctx) if as_of is None else _moment(as_of, "--as-of")
    computed = status(found.items, found.t0, moment, found.marks, found.run.durations)
    titles = {t.id: t.title.get(ctx.lang) for t in found.runbook.tasks}
    return RunState(found, computed, titles, _owner_names(ctx, found.runbook))


def run_status(ctx: Context, name: str, as_of: str | None = None) -> RunState:
    """Return a run's state: every instance's state, expected finish and lateness, the slip
    and the critical path (``scoring.md``, "Runs")."""
    with ctx.open().read() as conn:
        return state_of(ctx, conn, name, as_of)


@dataclass
class RunFrame:
    """One frame of ``run watch``: the run's state and the latest marks."""

    state: RunState
    changes: list[Any]
    taken_at: str


def watch_frame(ctx: Context, name: str, limit: int = 12) -> RunFrame:
    """Return the run's state now and its latest marks, newest first."""
    from fvmcli.store.runs import latest_marks

    with ctx.open().read() as conn:
        state = state_of(ctx, conn, name)
        marks = latest_marks(conn, name, limit)
    return RunFrame(state, marks, ctx.clock.now())


def run_list(ctx: Context) -> list[dict[str, Any]]:
    """Return every run, oldest first, with how many of its instances have ended."""
    from fvmcli.store.runs import list_runs

    found: list[dict[str, Any]] = []
    with ctx.open().read() as conn:
        for run in list_runs(conn):
            loaded = _loaded(ctx, conn, run.name)
            ended = sum(1 for m in loaded.marks.values() if m.state in ENDED)
            found.append(
                {
                    "run": run.name,
                    "runbook": run.runbook,
                    "phase": run.phase,
                    "area": run.area,
                    "rehearsal": run.rehearsal,
                    "t0": run.t0,
                    "started_by": run.started_by,
                    "started_at": run.started_at,
                    "fallen_back": run.fallback_at is not None,
                    "instances": len(loaded.items),
                    "ended": ended,
                }
            )
    return found


def run_compare(ctx: Context, first: str, second: str) -> dict[str, Any]:
    """Return per task the planned duration and the median measured in each run, in minutes,
    and the difference (second − first)."""
    with ctx.open().read() as conn:
        a = _loaded(ctx, conn, first)
        b = _loaded(ctx, conn, second)
    measured_a = measured_durations(a.items, a.marks)
    measured_b = measured_durations(b.items, b.marks)
    order = [t for t in a.runbook.tasks]
    order += [t for t in b.runbook.tasks if a.runbook.task(t.id) is None]
    rows = []
    for task in order:
        ma, mb = measured_a.get(task.id), measured_b.get(task.id)
        rows.append(
            {
                "task": task.id,
                "title": task.title.get(ctx.lang),
                "planned_minutes": task.duration,
                "first_minutes": None if ma is None else round(ma / 60, 1),
                "second_minutes": None if mb is None else round(mb / 60, 1),
                "difference_minutes": None
                if ma is None or mb is None
                else round((mb - ma) / 60, 1),
            }
        )
    return {"first": first, "second": second, "tasks": rows}


def run_report(ctx: Context, name: str) -> dict[str, Any]:
    """Return a run as the cutover report shows it, now: its ``run status`` document, its
    figures, the critical path, the late instances and, per task, planned against actual."""
    state = run_status(ctx, name)
    s = state.status
    rows = s.rows
    per_task: list[dict[str, Any]] = []
    for task in state.loaded.runbook.tasks:
        mine = [r for r in rows if r.item.task.id == task.id]
        if not mine:
            continue
        starts = [r.mark.started for r in mine if r.mark.started is not None]
        ends = [r.mark.ended for r in mine if r.mark.ended is not None]
        per_task.append(
            {
                "task": task.id,
                "title": state.titles.get(task.id, task.id),
                "owner": state.owners.get(task.owner or "", task.owner),
                "instances": len(mine),
                "ended": sum(1 for r in mine if r.mark.state in ENDED),
                "late": sum(1 for r in mine if r.late),
                "planned_start": min(r.planned.start for r in mine),
                "planned_finish": max(r.planned.finish for r in mine),
                "actual_start": min(starts) if starts else None,
                "actual_end": max(ends) if len(ends) == len(mine) else None,
                "expected_finish": max(r.expected for r in mine),
                "critical": any(r.critical for r in mine),
            }
        )
    late = sorted(
        (r for r in rows if r.late and r.mark.state not in ENDED), key=lambda r: r.expected
    )
    return {
        "status": state.document(),
        "run": state.run.name,
        "runbook": state.run.runbook,
        "title": state.loaded.runbook.title.get(ctx.lang),
        "rehearsal": state.run.rehearsal,
        "fallen_back": state.run.fallback_at is not None,
        "t0": s.t0,
        "as_of": s.as_of,
        "planned_finish": s.planned_finish,
        "expected_finish": s.expected_finish,
        "slip_minutes": s.slip_minutes,
        "critical_path": [_name(k) for k in s.critical_path],
        "late": [
            {
                "instance": _name(r.item.key),
                "title": state.titles.get(r.item.task.id, r.item.task.id),
                "owner": state.owners.get(r.item.task.owner or "", r.item.task.owner),
                "state": r.mark.state,
                "planned_finish": r.planned.finish,
                "expected_finish": r.expected,
            }
            for r in late
        ],
        "tasks": per_task,
    }
