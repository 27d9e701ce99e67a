"""Units and phases."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.core.model import Unit
from fvmcli.store.history import Change, record
from fvmcli.store.reads import go_live_dates, list_units
from fvmcli.store.schema import phases, units


@dataclass(frozen=True)
class Upserted:
    """What a bulk write did: ids added, changed and left as they were."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]


def parent_links(conn: Connection) -> dict[str, str]:
    """Return unit → parent for every stored unit that has a parent, in one query."""
    rows = conn.execute(sa.select(units.c.id, units.c.parent).where(units.c.parent.is_not(None)))
    return {unit_id: parent for unit_id, parent in rows}


# Past this many units a writer locks every unit at once: one lock per unit would fill
# PostgreSQL's lock table (64 per connection by default) in a region-sized import.
MAX_UNIT_LOCKS = 200
_ALL_UNITS = "SELECT {}(hashtextextended('fvm-units', 0))"


def lock_units(conn: Connection, unit_ids: Iterable[str]) -> None:
    """Hold the units until the transaction ends (PostgreSQL; a SQLite writer already holds
    the whole database), so that a change reads the value it replaces and no other writer
    slips in between: history's "previous" is then always right.

    Locks are advisory, in two levels: every writer holds the territory's lock shared and its
    units' locks, in id order; a writer of more than MAX_UNIT_LOCKS units holds the territory's
    lock alone, exclusively. Advisory locks need no privilege on the units table (an answerer
    may not update units), and every writer takes them the same way."""
    if conn.dialect.name != "postgresql":
        return
    chosen = sorted(set(unit_ids))
    if len(chosen) > MAX_UNIT_LOCKS:
        conn.execute(sa.text(_ALL_UNITS.format("pg_advisory_xact_lock")))
        return
    conn.execute(sa.text(_ALL_UNITS.format("pg_advisory_xact_lock_shared")))
    statement = sa.text(
        "SELECT count(pg_advisory_xact_lock(hashtextextended('fvm-unit:' || u, 0))) "
        "FROM (SELECT unnest(CAST(:ids AS text[])) AS u ORDER BY 1) AS chosen"
    )
    conn.execute(statement, {"ids": chosen})


def existing_unit_ids(conn: Connection, ids: set[str]) -> set[str]:
    """Return which of ``ids`` are stored units."""
    found: set[str] = set()
    chosen = sorted(ids)
    for start in range(0, len(chosen), 500):
        batch = chosen[start : start + 500]
        found.update(conn.scalars(sa.select(units.c.id).where(units.c.id.in_(batch))))
    return found


def upsert_units(conn: Connection, batch: list[Unit], *, by: str, at: str) -> Upserted:
    """Add new units and update changed ones; every change goes to history."""
    current = {u.id: u for u in list_units(conn, ids=[u.id for u in batch])} if batch else {}
    added, changed, unchanged = [], [], []
    inserts, log = [], []
    for unit in batch:
        old = current.get(unit.id)
        if old == unit:
            unchanged.append(unit.id)
            continue
        values = asdict(unit)
        if old is None:
            added.append(unit.id)
            inserts.append(values)
        else:
            changed.append(unit.id)
            conn.execute(units.update().where(units.c.id == unit.id).values(values))
        log.append(
            Change(
                at,
                by,
                "unit",
                unit.id,
                None,
                None,
                json.dumps(asdict(old), ensure_ascii=False) if old else None,
                json.dumps(values, ensure_ascii=False),
            )
        )
    if inserts:
        # Insert without parents first, so that a file may list a unit before its parent.
        conn.execute(units.insert(), [dict(v, parent=None) for v in inserts])
        for v in inserts:
            if v["parent"] is not None:
                conn.execute(units.update().where(units.c.id == v["id"]).values(parent=v["parent"]))
    record(conn, log)
    return Upserted(added, changed, unchanged)


def units_per_area(conn: Connection) -> dict[str, int]:
    """Return area → number of stored units."""
    rows = conn.execute(sa.select(units.c.area, sa.func.count()).group_by(units.c.area))
    return {area: count for area, count in rows}


def table_counts(conn: Connection) -> dict[str, int]:
    """Return the number of rows in each of our tables."""
    from fvmcli.store.schema import metadata

    return {
        name: conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for name, table in metadata.tables.items()
    }


def set_go_live(conn: Connection, phase: int, go_live: date, *, by: str, at: str) -> date | None:
    """Set a phase's go-live date; return the date it had before."""
    old = go_live_dates(conn).get(phase)
    if old == go_live:
        return old
    if conn.execute(sa.select(phases.c.phase).where(phases.c.phase == phase)).first():
        conn.execute(phases.update().where(phases.c.phase == phase).values(go_live=go_live))
    else:
        conn.execute(phases.insert().values(phase=phase, go_live=go_live))
    record(
        conn,
        [
            Change(
                at,
                by,
                "phase",
                None,
                None,
                str(phase),
                old.isoformat() if old else None,
                go_live.isoformat(),
            )
        ],
    )
    return old


def holds_foreign_data(conn: Connection, demo_actors: set[str]) -> bool:
    """Return True when anyone but ``demo_actors`` wrote to the database (units, phases,
    sessions, people, answers, snapshots: every write leaves history): data a reset would
    destroy."""
    from fvmcli.store.schema import history, snapshots

    by_others = sa.select(history.c.id).where(history.c.by.not_in(sorted(demo_actors))).limit(1)
    taken = sa.select(snapshots.c.label).where(snapshots.c.taken_by.not_in(sorted(demo_actors)))
    return (
        conn.execute(by_others).first() is not None
        or conn.execute(taken.limit(1)).first() is not None
    )
