"""The cut-over itself (``scoring.md``, "Runs"): a runbook's instances, their planned schedule
from T0, and a run's state on a moment: expected finish, lateness, slip and critical path."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from fvmcli.core.model import Text
from fvmcli.i18n import N_, _

# The states of an instance; the last three end it.
STATES = ("waiting", "started", "done", "failed", "skipped", "blocked")
ENDED = ("done", "failed", "skipped")
STATE_WORDS = {
    "waiting": N_("waiting"),
    "started": N_("started"),
    "done": N_("done"),
    "failed": N_("unsuccessful"),
    "skipped": N_("skipped"),
    "blocked": N_("blocked"),
}
# What ``run task`` may mark an instance, and the Swedish words it takes for them.
ACTIONS = ("start", "done", "failed", "skipped", "blocked")
ACTION_WORDS = {
    "starta": "start",
    "påbörjad": "start",
    "klar": "done",
    "klart": "done",
    "misslyckad": "failed",
    "överhoppad": "skipped",
    "hoppa-över": "skipped",
    "blockerad": "blocked",
}
# The ``per`` of a task.
PERS = ("phase", "unit")
# How far from T0 a planned start or a duration may reach (a year).
MAX_MINUTES = 366 * 24 * 60
# How long before T0 a mark may lie.
MARK_BEFORE_T0 = timedelta(days=30)

_OFFSET = re.compile(r"T([+-])(\d{1,7})([mhd])", re.ASCII)
_DURATION = re.compile(r"(\d{1,7})([mhd])", re.ASCII)
_MINUTES = {"m": 1, "h": 60, "d": 24 * 60}


def local_zone() -> tzinfo | None:
    """Return the programme's time zone, Europe/Stockholm (None where the system has no time
    zone data: then the machine's local time)."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Stockholm")
    except (ImportError, LookupError, OSError, ValueError):
        return None


def t0_of(go_live: date, at: tuple[int, int]) -> datetime:
    """Return T0: the go-live date at the runbook's ``t0``, in Stockholm time."""
    moment = datetime.combine(go_live, time(*at))
    zone = local_zone()
    return moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()


def parse_moment(text: str) -> datetime:
    """Return the moment ``YYYY-MM-DDTHH:MM[:SS][+HH:MM]`` names; without an offset, in
    Stockholm time. Raise ValueError for anything else."""
    from fvmcli.core.values import check_year

    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or len(text) <= 10:
        raise ValueError(
            _("expected a date and time like 2027-02-10T06:00, got {text!r}").format(text=text[:40])
        )
    check_year(moment.year, text)
    if moment.tzinfo is None:
        zone = local_zone()
        moment = moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()
    return moment.replace(microsecond=0)


def parse_start(text: str) -> int:
    """Return a planned start ``T-<n>m|h|d`` or ``T+<n>m|h|d`` as minutes from T0."""
    match = _OFFSET.fullmatch(text.strip())
    if not match:
        raise ValueError(
            _("expected T-<n>m|h|d or T+<n>m|h|d (T-48h, T+2h), got {text!r}").format(
                text=text[:40]
            )
        )
    minutes = int(match.group(2)) * _MINUTES[match.group(3)]
    if minutes > MAX_MINUTES:
        raise ValueError(_("{text!r} lies more than a year from T0").format(text=text[:40]))
    return -minutes if match.group(1) == "-" else minutes


def parse_duration(text: str) -> int:
    """Return a duration ``<n>m|h|d`` in minutes."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise ValueError(
            _("expected <n>m, <n>h or <n>d (90m, 2h, 1d), got {text!r}").format(text=text[:40])
        )
    minutes = int(match.group(1)) * _MINUTES[match.group(2)]
    if minutes > MAX_MINUTES:
        raise ValueError(_("{text!r} is longer than a year").format(text=text[:40]))
    return minutes


@dataclass(frozen=True)
class Task:
    """One task of a runbook."""

    id: str
    title: Text
    owner: str | None = None
    start: int | None = None  # minutes from T0
    duration: int = 0  # minutes
    after: tuple[str, ...] = ()
    per: str = "phase"
    applies_to: tuple[str, ...] | None = None
    checkpoint: bool = False
    rollback: bool = False


@dataclass(frozen=True)
class Runbook:
    id: str
    title: Text
    t0: tuple[int, int]  # hour, minute
    tasks: tuple[Task, ...]

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)


Key = tuple[str, str | None]  # (task, unit or None)


@dataclass(frozen=True, slots=True)  # a region's run holds tens of thousands
class Instance:
    """A task once (``unit`` None), or a task for one unit."""

    task: Task
    unit: str | None
    order: int  # the task's place in the runbook
    after: tuple[Key, ...] = ()
    key: Key = ("", None)  # (task id, unit): set by ``instances``


def instances(
    runbook: Runbook,
    units: Sequence[tuple[str, str]],
    *,
    fallen_back: bool = False,
    only: Collection[str] | None = None,
) -> list[Instance]:
    """Return the instances of ``runbook`` over ``units`` ((id, type) pairs), in runbook order
    then unit id, each with its predecessors; rollback tasks only when the run fell back
    (``only``: just the instances of these tasks)."""
    tasks = [t for t in runbook.tasks if fallen_back or not t.rollback]
    order = {t.id: i for i, t in enumerate(runbook.tasks)}
    ordered = sorted(units)
    every: list[str | None] = [u for u, _kind in ordered]
    of_task: dict[str, list[str | None]] = {}
    for t in tasks:
        if t.per != "unit":
            of_task[t.id] = [None]
        elif t.applies_to is None:
            of_task[t.id] = every
        else:
            of_task[t.id] = [u for u, kind in ordered if kind in t.applies_to]
    sets: dict[str, set[str | None]] = {}
    found: list[Instance] = []
    for t in tasks:
        if only is not None and t.id not in only:
            continue
        for ref in t.after:
            if ref in of_task and ref not in sets:
                sets[ref] = set(of_task[ref])
        for unit in of_task[t.id]:
            after: list[Key] = []
            for ref in t.after:
                have = of_task.get(ref)
                if have is None:  # a rollback task while the run has not fallen back
                    continue
                if have == [None]:
                    after.append((ref, None))
                elif unit is None:  # a phase task waits for every instance of a unit task
                    after.extend((ref, u) for u in have)
                elif unit in sets[ref]:
                    after.append((ref, unit))
            found.append(Instance(t, unit, order[t.id], tuple(after), (t.id, unit)))
    return found


def topological(items: Sequence[Instance]) -> list[Instance]:
    """Return ``items`` with every predecessor before the instances that wait for it (the
    runbook has no cycle; validation refuses one)."""
    by_key = {i.key: i for i in items}
    done: set[Key] = set()
    result: list[Instance] = []
    for item in items:
        if item.key in done:
            continue
        if all(k in done or k not in by_key for k in item.after):  # the usual case: at once
            done.add(item.key)
            result.append(item)
            continue
        stack: list[tuple[Instance, int]] = [(item, 0)]
        while stack:
            node, i = stack[-1]
            if i < len(node.after):
                stack[-1] = (node, i + 1)
                ref = by_key.get(node.after[i])
                if ref is not None and ref.key not in done:
                    stack.append((ref, 0))
                continue
            stack.pop()
            if node.key not in done:
                done.add(node.key)
                result.append(node)
    return result


def duration_of(item: Instance, durations: Mapping[str, float] | None) -> timedelta:
    """Return an instance's duration: the measured median of its task (seconds) when given,
    else the runbook's."""
    return _durations([item.task], durations)[item.task.id]


def _durations(
    tasks: Iterable[Task], durations: Mapping[str, float] | None
) -> dict[str, timedelta]:
    """Return task id → its duration (``duration_of``) for each of ``tasks``."""
    found: dict[str, timedelta] = {}
    for task in tasks:
        if durations is not None and task.id in durations:
            found[task.id] = timedelta(seconds=durations[task.id])
        else:
            found[task.id] = timedelta(minutes=task.duration)
    return found


def _starts(tasks: Iterable[Task], t0: datetime) -> dict[str, datetime | None]:
    """Return task id → T0 + its planned start (None without one)."""
    return {t.id: None if t.start is None else t0 + timedelta(minutes=t.start) for t in tasks}


@dataclass(slots=True)
class Planned:
    start: datetime
    finish: datetime


def plan(
    items: Sequence[Instance],
    t0: datetime,
    durations: Mapping[str, float] | None = None,
    ordered: Sequence[Instance] | None = None,
) -> dict[Key, Planned]:
    """Return each instance's planned start and finish: start = the latest of T0 + its
    ``start`` (when given) and its predecessors' planned finish, T0 with neither."""
    tasks = {i.task.id: i.task for i in items}.values()
    lengths = _durations(tasks, durations)
    starts = _starts(tasks, t0)
    found: dict[Key, Planned] = {}
    for item in ordered if ordered is not None else topological(items):
        candidates = [found[k].finish for k in item.after if k in found]
        at = starts[item.task.id]
        if at is not None:
            candidates.append(at)
        start = max(candidates) if candidates else t0
        found[item.key] = Planned(start, start + lengths[item.task.id])
    return found


@dataclass(frozen=True)
class Mark:
    """The present state of an instance, from its marks."""

    state: str
    started: datetime | None = None
    ended: datetime | None = None
    by: str | None = None
    comment: str | None = None


@dataclass(slots=True)
class InstanceStatus:
    item: Instance
    planned: Planned
    mark: Mark
    expected: datetime
    late: bool = False
    critical: bool = False


@dataclass
class RunStatus:
    t0: datetime
    as_of: datetime
    rows: list[InstanceStatus]
    planned_finish: datetime
    expected_finish: datetime
    critical_path: list[Key] = field(default_factory=list)

    @property
    def slip_minutes(self) -> int:
        """Return the latest expected finish − the latest planned finish, in whole minutes
        (rounded towards zero)."""
        return int((self.expected_finish - self.planned_finish).total_seconds() / 60)


def _rank(item: Instance) -> tuple[int, str]:
    return (item.order, item.unit or "")


def critical_path(items: Sequence[Instance], finish: Mapping[Key, datetime]) -> list[Key]:
    """Return the critical path: from the instance with the latest finish back through the
    predecessor with the latest finish; ties go to the first in runbook order, then unit id.
    The path is returned in time order (first instance first)."""
    by_key = {i.key: i for i in items}

    def best(keys: Iterable[Key]) -> Instance | None:
        chosen: Instance | None = None
        for key in keys:
            item = by_key.get(key)
            if item is None:
                continue
            if (
                chosen is None
                or finish[key] > finish[chosen.key]
                or (finish[key] == finish[chosen.key] and _rank(item) < _rank(chosen))
            ):
                chosen = item
        return chosen

    path: list[Key] = []
    node = best(by_key)
    while node is not None:
        path.append(node.key)
        node = best(node.after)
    path.reverse()
    return path


def status(
    items: Sequence[Instance],
    t0: datetime,
    moment: datetime,
    marks: Mapping[Key, Mark],
    durations: Mapping[str, float] | None = None,
) -> RunStatus:
    """Return the run's state on ``moment`` (``scoring.md``, "Runs")."""
    ordered = topological(items)
    planned = plan(items, t0, durations, ordered)
    tasks = {i.task.id: i.task for i in items}.values()
    lengths = _durations(tasks, durations)
    starts = _starts(tasks, t0)
    expected: dict[Key, datetime] = {}
    rows: dict[Key, InstanceStatus] = {}
    waiting = Mark("waiting")
    for item in ordered:
        mark = marks.get(item.key, waiting)
        length = lengths[item.task.id]
        if mark.state in ENDED and mark.ended is not None:
            finish = mark.ended
        elif mark.state == "started" and mark.started is not None:
            finish = max(moment, mark.started + length)
        else:
            latest = moment
            for k in item.after:
                found = expected.get(k)
                if found is not None and found > latest:
                    latest = found
            at = starts[item.task.id]
            if at is not None and at > latest:
                latest = at
            finish = latest + length
        expected[item.key] = finish
        p = planned[item.key]
        late = finish > p.finish or (mark.started is not None and mark.started > p.start)
        rows[item.key] = InstanceStatus(item, p, mark, finish, late)
    path = critical_path(items, expected)
    for key in path:
        rows[key].critical = True
    return RunStatus(
        t0,
        moment,
        [rows[i.key] for i in items],
        max((p.finish for p in planned.values()), default=t0),
        max(expected.values(), default=t0),
        path,
    )


def planned_path(items: Sequence[Instance], planned: Mapping[Key, Planned]) -> list[Key]:
    """Return the critical path of a plan (planned finishes in place of expected ones)."""
    return critical_path(items, {k: p.finish for k, p in planned.items()})


def waiting_for(item: Instance, marks: Mapping[Key, Mark]) -> list[Key]:
    """Return the predecessors of ``item`` that are neither done nor skipped."""
    return [k for k in item.after if marks.get(k, Mark("waiting")).state not in ("done", "skipped")]


def median(values: Sequence[float]) -> float:
    """Return the median of ``values`` (not empty): the middle one, or the mean of the two
    middle ones (``statistics`` would cost a command its start-up time)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def measured_durations(items: Sequence[Instance], marks: Mapping[Key, Mark]) -> dict[str, float]:
    """Return task → the median measured duration (seconds) of its done instances."""
    spans: dict[str, list[float]] = {}
    for item in items:
        mark = marks.get(item.key)
        if mark is None or mark.state != "done" or mark.started is None or mark.ended is None:
            continue
        spans.setdefault(item.task.id, []).append((mark.ended - mark.started).total_seconds())
    return {task: float(median(found)) for task, found in spans.items()}
