"""Units and phases."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from fvmcli.core.model import Unit
from fvmcli.store import record
from fvmcli.store.driver import Connection, quoted
from fvmcli.store.history import Change
from fvmcli.store.reads import go_live_dates, list_units


@dataclass(frozen=True)
class Upserted:
    """What a bulk write did: ids added, changed and left as they were."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]


def parent_links(conn: Connection) -> dict[str, str]:
    """Return unit → parent for every stored unit that has a parent, in one query."""
    rows = conn.rows("SELECT id, parent FROM units WHERE parent IS NOT NULL")
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
    if conn.backend != "postgresql":
        return
    chosen = sorted(set(unit_ids))
    if len(chosen) > MAX_UNIT_LOCKS:
        conn.run(_ALL_UNITS.format("pg_advisory_xact_lock"))
        return
    conn.run(_ALL_UNITS.format("pg_advisory_xact_lock_shared"))
    conn.run(
        "SELECT count(pg_advisory_xact_lock(hashtextextended('fvm-unit:' || u, 0))) "
        f"FROM (SELECT unnest(CAST({conn.mark} AS text[])) AS u ORDER BY 1) AS chosen",
        (chosen,),
    )


def existing_unit_ids(conn: Connection, ids: set[str]) -> set[str]:
    """Return which of ``ids`` are stored units."""
    found: set[str] = set()
    chosen = sorted(ids)
    for start in range(0, len(chosen), 500):
        batch = chosen[start : start + 500]
        sql = f"SELECT id FROM units WHERE id IN ({conn.marks(len(batch))})"
        found.update(unit_id for (unit_id,) in conn.rows(sql, batch))
    return found


def upsert_units(conn: Connection, batch: list[Unit], *, by: str, at: str) -> Upserted:
    """Add new units and update changed ones; every change goes to history."""
    current = {u.id: u for u in list_units(conn, ids=[u.id for u in batch])} if batch else {}
    added, changed, unchanged = [], [], []
    inserts: dict[str, tuple[dict[str, object], Change]] = {}
    for unit in batch:
        old = current.get(unit.id)
        if old == unit:
            unchanged.append(unit.id)
            continue
        values = asdict(unit)
        change = Change(
            at,
            by,
            "unit",
            unit.id,
            None,
            None,
            json.dumps(asdict(old), ensure_ascii=False) if old else None,
            json.dumps(values, ensure_ascii=False),
        )
        if old is None:
            added.append(unit.id)
            inserts[unit.id] = (values, change)
        else:
            changed.append(unit.id)
            record.update(conn, "units", {"id": unit.id}, values, change)
    # Parents first, so that a file may list a unit before its parent: each round inserts the
    # units whose parent is stored already (or none).
    while inserts:
        ready = [pair for pair in inserts.values() if pair[0]["parent"] not in inserts] or list(
            inserts.values()
        )  # a loop of parents: the foreign key names it
        record.insert(conn, "units", [v for v, _ in ready], [c for _, c in ready])
        for values, _change in ready:
            del inserts[str(values["id"])]
    return Upserted(added, changed, unchanged)


def units_per_area(conn: Connection) -> dict[str, int]:
    """Return area → number of stored units."""
    rows = conn.rows("SELECT area, count(*) FROM units GROUP BY area")
    return {area: count for area, count in rows}


def table_counts(conn: Connection) -> dict[str, int]:
    """Return the number of rows in each of our tables."""
    from fvmcli.store.revisions import TABLES

    return {name: conn.scalar(f"SELECT count(*) FROM {name}") or 0 for name in TABLES}


def set_go_live(conn: Connection, phase: int, go_live: date, *, by: str, at: str) -> date | None:
    """Set a phase's go-live date; return the date it had before."""
    old = go_live_dates(conn).get(phase)
    if old == go_live:
        return old
    change = Change(
        at,
        by,
        "phase",
        None,
        None,
        str(phase),
        old.isoformat() if old else None,
        go_live.isoformat(),
    )
    if not record.update(conn, "phases", {"phase": phase}, {"go_live": go_live}, change):
        record.insert(conn, "phases", [{"phase": phase, "go_live": go_live}], change)
    return old


def holds_foreign_data(conn: Connection, demo_actors: set[str]) -> bool:
    """Return True when anyone but ``demo_actors`` wrote to the database (units, phases,
    sessions, people, answers, snapshots: every write leaves history): data a reset would
    destroy. The bundled pack published as content (``fvm init``) is not such data."""
    actors = sorted(demo_actors)
    others = f"NOT IN ({conn.marks(len(actors))})"
    bundled = "kind <> 'content-rules' AND NOT (kind = 'content' AND scope = 'fvm')"
    return (
        conn.first(
            f"SELECT id FROM history WHERE {quoted('by')} {others} AND {bundled} LIMIT 1", actors
        )
        is not None
        or conn.first(f"SELECT label FROM snapshots WHERE taken_by {others} LIMIT 1", actors)
        is not None
    )
