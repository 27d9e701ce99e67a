"""Runs of a runbook and the present mark of each task instance; every mark, start and
fallback is also a history entry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fvmcli.store import record
from fvmcli.store.driver import Connection
from fvmcli.store.history import Change

PHASE_UNIT = ""  # the unit_id of a phase task's mark (a key column cannot be NULL)


@dataclass(frozen=True)
class StoredRun:
    name: str
    runbook: str
    phase: int
    area: str | None
    rehearsal: bool
    t0: str  # ISO with offset
    source: str  # the runbook's TOML as the run was started with it
    units: list[tuple[str, str]]  # (id, type)
    durations_from: str | None
    durations: dict[str, float] | None  # task → seconds, measured in ``durations_from``
    started_by: str
    started_at: str
    fallback_by: str | None = None
    fallback_at: str | None = None
    fallback_reason: str | None = None
    owners: dict[str, str] | None = None  # task → its owner, for the database's rights


@dataclass(frozen=True)
class StoredMark:
    task: str
    unit: str | None
    state: str
    started_at: str | None
    ended_at: str | None
    by: str
    comment: str | None = None
    decision: str | None = None


_RUN = (
    "name, runbook, phase, area, rehearsal, t0, source, units, durations_from, durations, "
    "started_by, started_at, fallback_by, fallback_at, fallback_reason, owners"
)
_RUN_COLUMNS = [c.strip() for c in _RUN.split(",")]
_MARK = 'task, unit_id, state, started_at, ended_at, "by", comment, decision'


def _run(row: tuple[Any, ...]) -> StoredRun:
    name, runbook, phase, area, rehearsal, t0, source, units, dfrom, durations, *rest = row
    by, at, fallback_by, fallback_at, fallback_reason, owners = rest
    return StoredRun(
        name,
        runbook,
        int(phase),
        area,
        bool(rehearsal),
        t0,
        source,
        [(u, t) for u, t in json.loads(units)],
        dfrom,
        None if durations is None else json.loads(durations),
        by,
        at,
        fallback_by,
        fallback_at,
        fallback_reason,
        None if owners is None else json.loads(owners),
    )


def get_run(conn: Connection, name: str) -> StoredRun | None:
    """Return the run of this name, or None."""
    row = conn.first(f"SELECT {_RUN} FROM runs WHERE name = {conn.mark}", (name,))
    return None if row is None else _run(row)


def run_names(conn: Connection) -> list[str]:
    """Return the names of every run, by name."""
    return [r[0] for r in conn.rows("SELECT name FROM runs ORDER BY name")]


def list_runs(conn: Connection) -> list[StoredRun]:
    """Return every run, oldest start first."""
    return [_run(r) for r in conn.rows(f"SELECT {_RUN} FROM runs ORDER BY started_at, name")]


def add_run(conn: Connection, run: StoredRun) -> None:
    """Store a new run, and its history entry."""
    durations = None if run.durations is None else json.dumps(run.durations, sort_keys=True)
    values = (
        run.name,
        run.runbook,
        run.phase,
        run.area,
        run.rehearsal,
        run.t0,
        run.source,
        json.dumps(run.units),
        run.durations_from,
        durations,
        run.started_by,
        run.started_at,
        None,
        None,
        None,
        None if run.owners is None else json.dumps(run.owners, sort_keys=True),
    )
    # What a person reads of the start; the record keeps the row (its long texts by digest).
    new = json.dumps(
        {
            "runbook": run.runbook,
            "phase": run.phase,
            "area": run.area,
            "rehearsal": run.rehearsal,
            "t0": run.t0,
            "units": len(run.units),
            "durations_from": run.durations_from,
        },
        sort_keys=True,
    )
    record.insert(
        conn,
        "runs",
        [dict(zip(_RUN_COLUMNS, values, strict=True))],
        Change(run.started_at, run.started_by, "run-start", None, "run", run.name, None, new),
    )


def fall_back(conn: Connection, name: str, *, by: str, at: str, reason: str) -> bool:
    """Mark the run as fallen back (its rollback tasks join it); False when it already was."""
    if conn.backend == "postgresql":  # two leads at once: one falls back, the other is told
        conn.run(f"SELECT name FROM runs WHERE name = {conn.mark} FOR UPDATE", (name,))
    if conn.scalar(f"SELECT fallback_at FROM runs WHERE name = {conn.mark}", (name,)) is not None:
        return False
    changed = record.update(
        conn,
        "runs",
        {"name": name},
        {"fallback_by": by, "fallback_at": at, "fallback_reason": reason},
        Change(at, by, "run-fallback", None, "run", name, None, None, reason),
    )
    return bool(changed)


def marks_of(
    conn: Connection, name: str, tasks: list[str] | None = None, unit: str | None = None
) -> dict[tuple[str, str | None], StoredMark]:
    """Return (task, unit or None) → the present mark of each marked instance of a run (of
    these tasks, and of this unit and the phase tasks, when given)."""
    sql = f"SELECT {_MARK} FROM run_marks WHERE run = {conn.mark}"
    params: list[str] = [name]
    if tasks is not None:
        sql += f" AND task IN ({conn.marks(len(tasks))})"
        params += tasks
    if unit is not None:
        sql += f" AND unit_id IN ({conn.mark}, {conn.mark})"
        params += [unit, PHASE_UNIT]
    found: dict[tuple[str, str | None], StoredMark] = {}
    for task, unit, *rest in conn.rows(sql, params, stream=True):
        key = (task, unit or None)
        found[key] = StoredMark(task, unit or None, *rest)
    return found


def put_mark(conn: Connection, run: str, mark: StoredMark, *, old: str, at: str) -> bool:
    """Store an instance's new mark over its present state ``old`` ("waiting" when it has
    none), and its history entry; return False, storing nothing, when another writer changed
    the instance meanwhile (its state is no longer ``old``)."""
    unit = mark.unit or PHASE_UNIT
    values = {
        "state": mark.state,
        "started_at": mark.started_at,
        "ended_at": mark.ended_at,
        "by": mark.by,
        "comment": mark.comment,
        "decision": mark.decision,
    }
    new = json.dumps(
        {
            "state": mark.state,
            "started_at": mark.started_at,
            "ended_at": mark.ended_at,
            "decision": mark.decision,
        },
        sort_keys=True,
    )
    change = Change(at, mark.by, "run-mark", mark.unit, run, mark.task, old, new, mark.comment)
    key = {"run": run, "task": mark.task, "unit_id": unit}
    if old == "waiting":
        return record.insert_new(conn, "run_marks", {**key, **values}, change)
    # Only over the state the marker saw: another writer's mark meanwhile changes nothing.
    return bool(record.update(conn, "run_marks", {**key, "state": old}, values, change))


def latest_marks(conn: Connection, name: str, limit: int) -> list[Change]:
    """Return the ``limit`` newest marks and fallback of a run, newest first (by the order
    they were recorded in, read back from the newest entry)."""
    columns = ", ".join(f'"{field}"' for field in Change.__dataclass_fields__)
    rows = conn.rows(
        f"SELECT {columns} FROM history WHERE (kind = 'run-mark' AND scope = {conn.mark}) "
        f"OR (kind = 'run-fallback' AND scope = 'run' AND subject = {conn.mark}) "
        f"ORDER BY id DESC LIMIT {int(limit)}",
        (name, name),
    )
    return [Change(*row) for row in rows]
