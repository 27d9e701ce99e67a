"""Assessment rounds: each unit's figures frozen under a label."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.store.history import Change, record
from fvmcli.store.schema import snapshot_units, snapshots


def save_snapshot(
    conn: Connection,
    label: str,
    checklist: str,
    as_of: date,
    rows: list[dict[str, Any]],
    *,
    by: str,
    at: str,
) -> bool:
    """Store a snapshot, replacing one of the same label; return True when it replaced one."""
    replaced = snapshot_exists(conn, label)
    conn.execute(snapshot_units.delete().where(snapshot_units.c.label == label))
    conn.execute(snapshots.delete().where(snapshots.c.label == label))
    conn.execute(
        snapshots.insert().values(
            label=label, checklist=checklist, as_of=as_of, taken_by=by, taken_at=at
        )
    )
    if rows:
        conn.execute(snapshot_units.insert(), [{"label": label, **r} for r in rows])
    record(
        conn,
        [
            Change(
                at,
                by,
                "snapshot",
                None,
                checklist,
                label,
                None,
                as_of.isoformat(),
                f"{len(rows)} units",
            )
        ],
    )
    return replaced


def snapshot_exists(conn: Connection, label: str) -> bool:
    """Return True when a snapshot has this label."""
    found = conn.execute(sa.select(snapshots.c.label).where(snapshots.c.label == label)).first()
    return found is not None


def list_snapshots(conn: Connection, checklist: str | None = None) -> list[dict[str, Any]]:
    """Return the snapshots in the order of their as-of dates."""
    query = sa.select(snapshots).order_by(snapshots.c.as_of, snapshots.c.taken_at)
    if checklist is not None:
        query = query.where(snapshots.c.checklist == checklist)
    return [dict(r._mapping) for r in conn.execute(query)]


def snapshot_rows(conn: Connection, labels: list[str]) -> list[dict[str, Any]]:
    """Return the frozen unit rows of these snapshots, in one query."""
    if not labels:
        return []
    query = sa.select(snapshot_units).where(snapshot_units.c.label.in_(labels))
    return [dict(r._mapping) for r in conn.execute(query)]


def unit_rounds(
    conn: Connection, checklist: str, unit_ids: set[str] | None = None
) -> dict[str, list[tuple[date, float, str]]]:
    """Return unit → its (as-of day, score, status) in each round of the checklist, in one
    query."""
    query = (
        sa.select(
            snapshot_units.c.unit_id,
            snapshots.c.as_of,
            snapshot_units.c.score,
            snapshot_units.c.status,
        )
        .join(snapshots, snapshots.c.label == snapshot_units.c.label)
        .where(snapshots.c.checklist == checklist)
    )
    found: dict[str, list[tuple[date, float, str]]] = {}
    for unit, as_of, score, status in conn.execute(query):
        if unit_ids is None or unit in unit_ids:
            found.setdefault(unit, []).append((as_day(as_of), float(score), str(status)))
    return found


def as_day(value: Any) -> date:
    """Return a stored as-of day (a date, or its ISO text on backends that keep text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
