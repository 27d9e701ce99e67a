"""The cut-over itself: a runbook's planned schedule, runs (rehearsals and the live run), the
marks of their tasks with the rules of ``scoring.md`` ("Runs"), status, fallback, comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fvmcli.core.runs import (
    ACTION_WORDS,
    ENDED,
    MARK_BEFORE_T0,
    STATE_WORDS,
    Instance,
    Key,
    Mark,
    Planned,
    Runbook,
    RunStatus,
    instances,
    local_zone,
    measured_durations,
    parse_moment,
    plan,
    planned_path,
    status,
    t0_of,
    waiting_for,
)
from fvmcli.errors import ConflictError, InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection
    from fvmcli.store.runs import StoredMark, StoredRun

# What ``run task`` stores for each action, and the states it may start from.
ACTION_STATE = {
    "start": "started",
    "done": "done",
    "failed": "failed",
    "skipped": "skipped",
    "blocked": "blocked",
}
FROM_STATES = {
    "start": ("waiting", "blocked"),
    "done": ("started",),
    "failed": ("started",),
    "skipped": ("waiting", "blocked"),
    "blocked": ("waiting", "started"),
}
GO_DECISIONS = ("go", "conditional")


def iso(moment: datetime | None) -> str | None:
    """Return a moment as ISO text with its offset, to the second."""
    return None if moment is None else moment.isoformat(timespec="seconds")


def _moment(text: str, option: str) -> datetime:
    try:
        return parse_moment(text)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from exc


def _now(ctx: Context) -> datetime:
    """Return the context's clock's moment to the second, in Stockholm time."""
    zone = local_zone()
    moment = ctx.clock.read().replace(microsecond=0)
    return moment.astimezone(zone) if zone is not None else moment


def _name(key: Key) -> str:
    """Return an instance as people name it: ``task`` or ``task (unit)``."""
    task, unit = key
    return task if unit is None else f"{task} ({unit})"


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


def _phase_units(
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


def _t0(conn: Connection, runbook: Runbook, phase: int, given: str | None) -> datetime:
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


def _measured(ctx: Context, conn: Connection, name: str) -> dict[str, float]:
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
        units, area = _phase_units(ctx, conn, phase, area)
        start = _t0(conn, runbook, phase, t0)
        durations = _measured(ctx, conn, durations_from) if durations_from else None
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


# ---------------------------------------------------------------- runs


@dataclass
class LoadedRun:
    """A stored run with its runbook (as it was started with), instances and marks."""

    run: StoredRun
    runbook: Runbook
    t0: datetime
    items: list[Instance]
    marks: dict[Key, Mark]
    stored: dict[Key, StoredMark] = field(default_factory=dict)

    @property
    def fallen_back(self) -> bool:
        return self.run.fallback_at is not None


def _require_run(conn: Connection, name: str) -> StoredRun:
    from fvmcli.store.runs import get_run, run_names

    found = get_run(conn, name)
    if found is None:
        known = run_names(conn)
        raise UnknownIdError(
            _("no run {name!r} (known: {known})").format(
                name=name, known=", ".join(known[:20]) or _("none")
            ),
            hint=_("Start one with 'fvm run start RUNBOOK NAME --phase N'."),
        )
    return found


def _loaded(
    ctx: Context,
    conn: Connection,
    name: str,
    task: str | None = None,
    unit: str | None = None,
) -> LoadedRun:
    """Return the run ``name`` with its instances and marks (with ``task``, only that task's
    and its predecessors', of ``unit`` alone for a unit task: what a mark needs)."""
    from fvmcli.content.runbooks import runbook_from_text
    from fvmcli.store.runs import marks_of

    run = _require_run(conn, name)
    runbook = runbook_from_text(run.runbook, run.source, ctx.territory)
    found = runbook.task(task) if task is not None else None
    only = None if found is None else [found.id, *found.after]
    units = run.units
    one = None
    if found is not None and found.per == "unit" and unit is not None:
        # A unit instance waits only for its own unit's instances and phase ones.
        units = [(u, kind) for u, kind in run.units if u == unit]
        one = unit
    items = instances(runbook, units, fallen_back=run.fallback_at is not None, only=only)
    stored = marks_of(conn, name, only, one)
    marks = {
        k: Mark(
            m.state,
            None if m.started_at is None else datetime.fromisoformat(m.started_at),
            None if m.ended_at is None else datetime.fromisoformat(m.ended_at),
            m.by,
            m.comment,
        )
        for k, m in stored.items()
    }
    return LoadedRun(run, runbook, datetime.fromisoformat(run.t0), items, marks, stored)


def _check_name(name: str) -> None:
    from fvmcli.core.limits import MAX_ID

    if not name.strip() or len(name) > MAX_ID or not name.isprintable():
        raise InputError(_("a run's name is 1–{limit} printable characters").format(limit=MAX_ID))


def run_start(
    ctx: Context,
    runbook_id: str,
    name: str,
    phase: int,
    *,
    area: str | None = None,
    rehearsal: bool = False,
    t0: str | None = None,
    durations_from: str | None = None,
) -> LoadedRun:
    """Start a run of a runbook over a phase's units (of ``area``): it keeps the runbook's text
    and the units as they are now."""
    from fvmcli.content.runbooks import runbook_text
    from fvmcli.services.territory import require_right
    from fvmcli.store.runs import StoredRun, add_run, get_run

    _check_name(name)
    runbook, source = runbook_text(ctx.content, runbook_id, ctx.territory)
    by = ctx.actor()
    with ctx.open().write() as conn:
        require_right(ctx, conn, "run")
        if get_run(conn, name) is not None:
            raise ConflictError(
                _("a run named {name!r} exists already").format(name=name),
                hint=_("Choose another name; 'fvm run list' shows the runs."),
            )
        units, area = _phase_units(ctx, conn, phase, area)
        start = _t0(conn, runbook, phase, t0)
        durations = _measured(ctx, conn, durations_from) if durations_from else None
        add_run(
            conn,
            StoredRun(
                name,
                runbook.id,
                phase,
                area,
                rehearsal,
                iso(start) or "",
                source,
                units,
                durations_from,
                durations,
                by,
                ctx.clock.now(),
            ),
        )
        return _loaded(ctx, conn, name)


@dataclass(frozen=True)
class Marked:
    key: Key
    state: str
    at: datetime
    forced: list[Key]


def _instance(found: LoadedRun, task_id: str, unit: str | None) -> Instance:
    """Return the instance ``task_id`` (of ``unit``), or refuse naming what is wrong."""
    task = found.runbook.task(task_id)
    if task is None:
        known = ", ".join(t.id for t in found.runbook.tasks)
        raise UnknownIdError(
            _("run {run}: no task {task!r} in runbook {runbook} (tasks: {known})").format(
                run=found.run.name, task=task_id, runbook=found.runbook.id, known=known
            )
        )
    if task.rollback and not found.fallen_back:
        raise ConflictError(
            _("{task} is part of the way back, and run {run} has not fallen back").format(
                task=task_id, run=found.run.name
            ),
            hint=_("Fall back first: fvm run fallback {run} --reason TEXT").format(
                run=found.run.name
            ),
        )
    if task.per == "unit" and unit is None:
        raise InputError(
            _("{task} is done once per unit: name the unit with --unit").format(task=task_id)
        )
    if task.per != "unit" and unit is not None:
        raise InputError(
            _("{task} is done once for the phase, not per unit: leave out --unit").format(
                task=task_id
            )
        )
    by_key = {i.key: i for i in found.items}
    item = by_key.get((task_id, unit))
    if item is None:
        in_run = {u for u, _t in found.run.units}
        if unit in in_run:
            raise InputError(
                _("{task} does not apply to unit {unit} (its type is not in applies_to)").format(
                    task=task_id, unit=unit
                )
            )
        raise UnknownIdError(
            _("run {run} has no unit {unit!r}").format(run=found.run.name, unit=unit)
        )
    return item


def _mark_moment(ctx: Context, found: LoadedRun, at: str | None) -> datetime:
    """Return the moment of a mark: ``--at``, else now; refuse one before T0 − 30 days or
    in the future (beyond the clock's small skew)."""
    moment = _now(ctx) if at is None else _moment(at, "--at")
    earliest = found.t0 - MARK_BEFORE_T0
    if moment < earliest:
        raise InputError(
            _("--at {at} lies before the run's T0 − 30 days ({earliest})").format(
                at=iso(moment), earliest=iso(earliest)
            )
        )
    if moment > ctx.clock.latest():
        raise InputError(
            _("--at {at} lies in the future (now is {now})").format(
                at=iso(moment), now=ctx.clock.now()
            )
        )
    return moment


def _checkpoint_state(conn: Connection, found: LoadedRun, label: str | None, task: str) -> str:
    """Return the state a checkpoint's ``done`` gets from its gate decision: done for go or
    conditional, failed for no-go; refuse without a decided proposal of the run's phase."""
    from fvmcli.store.gates import decision, get_proposal

    if label is None:
        raise InputError(
            _(
                "{task} is a checkpoint: it is done only with --decision LABEL, a decided "
                "go/no-go proposal of phase {phase}"
            ).format(task=task, phase=found.run.phase)
        )
    proposal = get_proposal(conn, label)
    if proposal is None:
        raise UnknownIdError(_("--decision: no go/no-go proposal {label!r}").format(label=label))
    if proposal.phase != found.run.phase:
        raise InputError(
            _(
                "--decision: {label} is a proposal for phase {theirs}, the run is of phase {ours}"
            ).format(label=label, theirs=proposal.phase, ours=found.run.phase)
        )
    made = decision(conn, label)
    if made is None:
        raise ConflictError(
            _("--decision: {label} is not decided yet").format(label=label),
            hint=_("Decide it first: fvm gate decide {label} go|conditional|no-go").format(
                label=label
            ),
        )
    return "done" if made.decision in GO_DECISIONS else "failed"


def run_mark(
    ctx: Context,
    name: str,
    task_id: str,
    action: str,
    *,
    unit: str | None = None,
    at: str | None = None,
    comment: str | None = None,
    decision: str | None = None,
    force: bool = False,
    reason: str | None = None,
) -> Marked:
    """Mark a task instance of a run (``run task``): the rules of ``scoring.md`` ("Runs")."""
    from fvmcli.core.limits import MAX_TEXT
    from fvmcli.services.territory import require_right, require_unit
    from fvmcli.store.runs import StoredMark, put_mark

    action = ACTION_WORDS.get(action.strip().lower(), action.strip().lower())
    if action not in ACTION_STATE:
        raise InputError(
            _("unknown mark {action!r} (known: {known})").format(
                action=action, known=", ".join(ACTION_STATE)
            )
        )
    if force and not (reason or "").strip():
        raise InputError(_("--force needs --reason: why the predecessors are passed over"))
    for text in (comment, reason):
        if text is not None and len(text) > MAX_TEXT:
            raise InputError(_("a text of at most {MAX_TEXT} characters").format(MAX_TEXT=MAX_TEXT))
    by = ctx.actor()
    with ctx.open().write() as conn:
        found = _loaded(ctx, conn, name, task_id, unit)
        item = _instance(found, task_id, unit)
        if decision is not None and not item.task.checkpoint:
            raise InputError(_("--decision: {task} is not a checkpoint").format(task=task_id))
        require_right(ctx, conn, "mark", None if unit is None else [require_unit(conn, unit)])
        moment = _mark_moment(ctx, found, at)
        old = found.stored.get(item.key)
        state = old.state if old is not None else "waiting"
        if state not in FROM_STATES[action]:
            _refuse_transition(found, item.key, state, action)
        new_state = ACTION_STATE[action]
        if action == "done" and item.task.checkpoint:
            new_state = _checkpoint_state(conn, found, decision, task_id)
        forced: list[Key] = []
        if action == "start":
            waiting = waiting_for(item, found.marks)
            if waiting and not force:
                shown = ", ".join(_name(k) for k in waiting[:5])
                more = len(waiting) - 5
                raise ConflictError(
                    _("{instance} waits for {waiting}: not done or skipped yet").format(
                        instance=_name(item.key), waiting=shown
                    )
                    + (_(" (and {count} more)").format(count=more) if more > 0 else ""),
                    hint=_("Mark them first, or pass them over with --force --reason TEXT."),
                )
            forced = waiting
        started = old.started_at if old is not None else None
        if action == "start" and started is None:
            started = iso(moment)
        ended = iso(moment) if new_state in ENDED else None
        if started is not None and ended is not None and moment < datetime.fromisoformat(started):
            raise InputError(
                _("--at {at} lies before the instance started ({started})").format(
                    at=ended, started=started
                )
            )
        note = comment
        if forced:
            note = _("started before {waiting}: {reason}").format(
                waiting=", ".join(_name(k) for k in forced), reason=reason
            ) + (f" — {comment}" if comment else "")
        stored = StoredMark(
            item.task.id,
            item.unit,
            new_state,
            started,
            ended,
            by,
            note,
            decision if item.task.checkpoint else None,
        )
        if not put_mark(conn, name, stored, old=state, at=iso(moment) or ""):
            raise ConflictError(
                _("{instance} was marked by someone else meanwhile; nothing was stored").format(
                    instance=_name(item.key)
                ),
                hint=_("See it with 'fvm run status {run}' and mark again.").format(run=name),
            )
    return Marked(item.key, new_state, moment, forced)


def _refuse_transition(found: LoadedRun, key: Key, state: str, action: str) -> None:
    name = _name(key)
    if action in ("done", "failed") and state in ("waiting", "blocked"):
        unit = f" --unit {key[1]}" if key[1] else ""
        raise ConflictError(
            _("{instance} was never started: mark it start first").format(instance=name),
            command=f"fvm run task {found.run.name} {key[0]} start{unit}",
        )
    raise ConflictError(
        _("{instance} is {state} already: it cannot be marked {action}").format(
            instance=name, state=_(STATE_WORDS[state]), action=action
        )
    )


def run_fallback(ctx: Context, name: str, reason: str) -> LoadedRun:
    """Fall back: the rollback tasks join the run."""
    from fvmcli.services.territory import require_right
    from fvmcli.store.runs import fall_back

    if not reason.strip():
        raise InputError(_("--reason: say why the run falls back"))
    by = ctx.actor()
    with ctx.open().write() as conn:
        require_right(ctx, conn, "run")
        _require_run(conn, name)
        if not fall_back(conn, name, by=by, at=ctx.clock.now(), reason=reason):
            raise ConflictError(_("run {name} has fallen back already").format(name=name))
        return _loaded(ctx, conn, name)


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
    from fvmcli.store.history import changes

    with ctx.open().read() as conn:
        state = state_of(ctx, conn, name)
        marks = changes(conn, kinds=("run-mark",), scope=name)
        marks += changes(conn, kinds=("run-fallback",), scope="run", subject=name)
    marks.sort(key=lambda c: c.at)
    return RunFrame(state, list(reversed(marks))[:limit], ctx.clock.now())


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
