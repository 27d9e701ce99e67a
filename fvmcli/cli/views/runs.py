"""How ``fvm runbook`` and ``fvm run`` show a runbook, a plan, a run's status, the runs and a
comparison."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fvmcli.cli.output import Listing, Shown, say, show
from fvmcli.core.runs import STATE_WORDS, Runbook
from fvmcli.i18n import _
from fvmcli.render.columns import Column
from fvmcli.render.values import local_time
from fvmcli.services.run_status import RunState
from fvmcli.services.runbooks import RunbookPlan
from fvmcli.services.runs import iso


def _when(moment: datetime | str | None) -> str:
    """Return a moment as Stockholm local time to the minute, a dash for none."""
    text = moment if isinstance(moment, str) or moment is None else iso(moment)
    return local_time(text) or "–"


def _yes(value: bool) -> str:
    return _("yes") if value else "–"


def _state(value: str) -> str:
    return _(STATE_WORDS[value]) if value in STATE_WORDS else value


def _offset(minutes: int | None) -> str:
    if minutes is None:
        return "–"
    sign = "-" if minutes < 0 else "+"
    value = abs(minutes)
    if value % 1440 == 0 and value:
        return f"T{sign}{value // 1440}d"
    if value % 60 == 0:
        return f"T{sign}{value // 60}h"
    return f"T{sign}{value}m"


def _duration(minutes: int) -> str:
    if minutes and minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


RUNBOOKS = (
    Column("id", "id"),
    Column("title", "title", shrink=True),
    Column("tasks", "tasks"),
    Column("t0", "T0"),
)


def runbooks_view(found: list[Runbook], lang: str) -> Listing:
    rows = [
        {
            "id": r.id,
            "title": r.title.get(lang),
            "tasks": len(r.tasks),
            "t0": f"{r.t0[0]:02d}:{r.t0[1]:02d}",
        }
        for r in found
    ]
    return Listing(RUNBOOKS, rows)


TASKS = (
    Column("id", "task"),
    Column("title", "title", shrink=True),
    Column("owner", "owner"),
    Column("start", "start", _offset),
    Column("duration", "duration", _duration),
    Column("after", "after", lambda a: ", ".join(a) if a else "–"),
    Column("per", "per", lambda p: _("unit") if p == "unit" else _("phase")),
    Column("kind", "kind"),
)


def runbook_view(runbook: Runbook, lang: str) -> Shown:
    rows = [
        {
            "id": t.id,
            "title": t.title.get(lang),
            "owner": t.owner,
            "start": t.start,
            "duration": t.duration,
            "after": list(t.after),
            "per": t.per,
            "applies_to": list(t.applies_to) if t.applies_to is not None else None,
            "checkpoint": t.checkpoint,
            "rollback": t.rollback,
            "kind": _("checkpoint") if t.checkpoint else _("rollback") if t.rollback else "",
        }
        for t in runbook.tasks
    ]

    def document() -> dict[str, Any]:
        return {
            "id": runbook.id,
            "title": runbook.title.get(lang),
            "t0": f"{runbook.t0[0]:02d}:{runbook.t0[1]:02d}",
            "tasks": [{k: v for k, v in r.items() if k != "kind"} for r in rows],
        }

    def printer() -> None:
        show(
            TASKS,
            rows,
            title=_("{title} ({id}) · T0 {t0}").format(
                title=runbook.title.get(lang), id=runbook.id, t0=document()["t0"]
            ),
        )

    return Shown(document, printer, Listing(TASKS, rows))


PLAN = (
    Column("task", "task"),
    Column("unit", "unit"),
    Column("title", "title", shrink=True, table=True),
    Column("owner", "owner"),
    Column("planned_start", "planned start", _when),
    Column("planned_finish", "planned finish", _when),
    Column("critical", "critical", _yes),
)


def plan_view(found: RunbookPlan) -> Shown:
    rows = [
        {
            "task": r.task,
            "unit": r.unit,
            "title": r.title,
            "owner": r.owner_name or r.owner,
            "planned_start": iso(r.planned_start),
            "planned_finish": iso(r.planned_finish),
            "critical": r.critical,
        }
        for r in found.rows
    ]

    def printer() -> None:
        finish = max((r.planned_finish for r in found.rows), default=found.t0)
        show(
            PLAN,
            rows,
            title=_("{title}: phase {phase}, T0 {t0}, planned finish {finish}").format(
                title=found.title, phase=found.phase, t0=_when(found.t0), finish=_when(finish)
            ),
            styles=["bold" if r["critical"] else None for r in rows],
        )
        say(_("The critical path is marked; {count} instances.").format(count=len(rows)))

    return Shown(found.document, printer, Listing(PLAN, rows))


STATUS = (
    Column("task", "task"),
    Column("unit", "unit"),
    Column("title", "title", shrink=True, data=False),
    Column("owner", "owner"),
    Column("state", "state", _state),
    Column("planned_start", "planned start", _when),
    Column("planned_finish", "planned finish", _when, drop=3),
    Column("actual_start", "started", _when, drop=2),
    Column("actual_end", "ended", _when, drop=2),
    Column("expected_finish", "expected finish", _when),
    Column("late", "late", _yes),
    Column("critical", "critical", _yes),
)


def status_rows(state: RunState) -> list[dict[str, Any]]:
    document = state.document()
    return [
        {
            **t,
            "title": state.titles.get(t["task"], t["task"]),
            "owner": t["owner"],
            "owner_name": state.owners.get(t["owner"] or "", t["owner"]),
        }
        for t in document["tasks"]
    ]


def status_headline(state: RunState) -> str:
    s = state.status
    kind = _("rehearsal") if state.run.rehearsal else _("live run")
    return _(
        "{run} ({kind}, {runbook}, phase {phase}) · T0 {t0} · as of {as_of} · planned finish "
        "{planned} · expected finish {expected} · slip {slip} min"
    ).format(
        run=state.run.name,
        kind=kind,
        runbook=state.run.runbook,
        phase=state.run.phase,
        t0=_when(s.t0),
        as_of=_when(s.as_of),
        planned=_when(s.planned_finish),
        expected=_when(s.expected_finish),
        slip=s.slip_minutes,
    )


def status_view(state: RunState) -> Lazy:
    def printer() -> None:
        table_rows = [{**r, "owner": r["owner_name"]} for r in status_rows(state)]
        show(
            STATUS,
            table_rows,
            title=status_headline(state),
            styles=[
                "red" if r["late"] else ("bold" if r["critical"] else None) for r in table_rows
            ],
        )
        if state.run.fallback_at:
            say(
                _("The run fell back at {at}: {reason}").format(
                    at=_when(state.run.fallback_at), reason=state.run.fallback_reason
                ),
                "bold red",
            )

    return Lazy(state.document, printer, lambda: Listing(STATUS, status_rows(state)))


@dataclass(frozen=True)
class Lazy:
    """A result whose CSV rows are made only when CSV is asked for (a region's run has
    twenty thousand of them)."""

    data: Callable[[], Any]
    printer: Callable[[], None]
    rows: Callable[[], Listing]

    def document(self) -> Any:
        return self.data()

    def show(self) -> None:
        self.printer()

    def listing(self) -> Listing | None:
        return self.rows()


RUNS = (
    Column("run", "run"),
    Column("runbook", "runbook"),
    Column("phase", "phase"),
    Column("area", "area"),
    Column("rehearsal", "rehearsal", _yes),
    Column("t0", "T0", _when),
    Column("instances", "instances"),
    Column("ended", "ended"),
    Column("fallen_back", "fallen back", _yes),
    Column("started_by", "started by", table=False),
    Column("started_at", "started at", table=False),
)


def runs_view(found: list[dict[str, Any]]) -> Listing:
    return Listing(RUNS, found)


COMPARE = (
    Column("task", "task"),
    Column("title", "title", shrink=True),
    Column("planned_minutes", "planned (min)"),
    Column("first_minutes", "first (min)"),
    Column("second_minutes", "second (min)"),
    Column("difference_minutes", "difference (min)"),
)


def compare_view(found: dict[str, Any]) -> Shown:
    def printer() -> None:
        show(
            COMPARE,
            found["tasks"],
            title=_("Durations: {first} (first) against {second} (second), median per task").format(
                first=found["first"], second=found["second"]
            ),
        )

    return Shown(lambda: found, printer, Listing(COMPARE, found["tasks"]))
