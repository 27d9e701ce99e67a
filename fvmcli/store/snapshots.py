"""Assessment rounds: each unit's figures frozen under a label."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _
from fvmcli.store.driver import as_date
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
    """Return the snapshots in the order of their as-of dates; a damaged as-of day is an
    environment problem naming it."""
    query = sa.select(snapshots).order_by(snapshots.c.as_of, snapshots.c.taken_at)
    if checklist is not None:
        query = query.where(snapshots.c.checklist == checklist)
    with _damage("snapshots.as_of"):
        found = [dict(r._mapping) for r in conn.execute(query)]
    for row in found:
        row["as_of"] = as_date(row["as_of"], f"snapshots.as_of ({row['label']})")
    return found


def snapshot_rows(conn: Connection, labels: list[str]) -> list[dict[str, Any]]:
    """Return the frozen unit rows of these snapshots, in one query; a damaged score is an
    environment problem naming the round and unit."""
    if not labels:
        return []
    query = sa.select(snapshot_units).where(snapshot_units.c.label.in_(labels))
    found = [dict(r._mapping) for r in conn.execute(query)]
    for row in found:
        where = f"snapshot_units.score ({row['label']}, {row['unit_id']})"
        row["score"] = _score(row["score"], where)
    return found


@contextmanager
def _damage(where: str) -> Iterator[None]:
    """Turn a value SQLAlchemy cannot read (a date that is none) into an environment problem
    naming ``where``."""
    try:
        yield
    except ValueError as exc:
        raise EnvironmentProblem(
            _("the database holds a damaged value in {where} ({exc})").format(
                where=where, exc=str(exc)[:80]
            ),
            hint=_("Restore it from a backup copy, or take the round again."),
        ) from None


def _score(value: Any, where: str) -> float:
    """Return a stored score (0…1); anything else is a damaged database, named by ``where``."""
    try:
        found = float(value)
    except (TypeError, ValueError):
        found = math.nan
    if not 0.0 <= found <= 1.0:
        raise EnvironmentProblem(
            _("the database holds {value!r} in {where}, where a score 0–1 belongs").format(
                value=str(value)[:40], where=where
            ),
            hint=_("Restore it from a backup copy, or take the round again."),
        )
    return found


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
    with _damage("snapshots.as_of"):
        rows = conn.execute(query).all()
    for unit, as_of, score, status in rows:
        if unit_ids is None or unit in unit_ids:
            day = as_date(as_of, "snapshots.as_of")
            value = _score(score, f"snapshot_units.score ({unit})")
            found.setdefault(unit, []).append((day, value, str(status)))
    return found
