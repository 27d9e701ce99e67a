"""The cut-over carried out: runs (rehearsals and the live run) started from a runbook, the
marks of their tasks with the rules of ``scoring.md`` ("Runs"), and fallback. The plan is in
``services.runbooks``; a run's state, list, comparison and report in ``services.run_status``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from fvmcli.core.runs import (
    ACTION_WORDS,
    ENDED,
    MARK_BEFORE_T0,
    STATE_WORDS,
    Instance,
    Key,
    Mark,
    Runbook,
    instances,
    local_zone,
    parse_moment,
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
    from fvmcli.core.access import task_owners
    from fvmcli.services.runbooks import measured, phase_units, t0_for
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
        units, area = phase_units(ctx, conn, phase, area)
        start = t0_for(conn, runbook, phase, t0)
        durations = measured(ctx, conn, durations_from) if durations_from else None
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
                owners=task_owners(source),
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
    from fvmcli.services.task_owners import require_mark
    from fvmcli.services.territory import require_unit
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
        unit_of = None if unit is None else require_unit(conn, unit)
        # The owners the run keeps, as the database's row-level security reads them.
        owner = (found.run.owners or {}).get(item.task.id)
        require_mark(ctx, conn, _name(item.key), owner, unit_of)
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
