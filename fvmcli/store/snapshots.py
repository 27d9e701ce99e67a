"""Assessment rounds: each unit's figures frozen under a label."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Any

from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _
from fvmcli.store import record
from fvmcli.store.driver import Connection, as_date
from fvmcli.store.history import Change
from fvmcli.store.record_shapes import SHAPES

SNAPSHOT_COLUMNS = ("label", "checklist", "as_of", "taken_by", "taken_at")
# A round's unit rows are a recorded table: its columns are the registry's.
UNIT_COLUMNS = SHAPES["snapshot_units"].columns


# The kind of the entry of each unit's row of a round.
SNAPSHOT_UNIT = "snapshot-unit"


def save_snapshot(
    conn: Connection,
    label: str,
    checklist: str,
    as_of: date,
    rows: list[dict[str, Any]],
    *,
    by: str,
    at: str,
    content_version: int | None = None,
) -> bool:
    """Store a snapshot, replacing one of the same label, with the content version its
    figures were computed under; return True when it replaced one."""
    replaced = snapshot_exists(conn, label)
    change = Change(
        at, by, "snapshot", None, checklist, label, None, as_of.isoformat(), f"{len(rows)} units"
    )
    # Each unit's row is an entry of its own kind, so that a round of 20,000 units is one
    # "snapshot" in the history people read.
    per_unit = replace(change, kind=SNAPSHOT_UNIT, new=None, comment=None)
    record.delete(conn, "snapshot_units", {"label": label}, per_unit)
    record.delete(conn, "snapshots", {"label": label}, change)
    snapshot = dict(zip(SNAPSHOT_COLUMNS, (label, checklist, as_of, by, at), strict=True))
    snapshot["content_version"] = content_version
    record.insert(conn, "snapshots", [snapshot], change)
    record.insert(conn, "snapshot_units", [{"label": label, **r} for r in rows], per_unit)
    return replaced


def snapshot_exists(conn: Connection, label: str) -> bool:
    """Return True when a snapshot has this label."""
    return (
        conn.first(f"SELECT label FROM snapshots WHERE label = {conn.mark}", (label,)) is not None
    )


def list_snapshots(conn: Connection, checklist: str | None = None) -> list[dict[str, Any]]:
    """Return the snapshots in the order of their as-of dates; a damaged as-of day is an
    environment problem naming it."""
    where, params = (
        ("", []) if checklist is None else (f" WHERE checklist = {conn.mark}", [checklist])
    )
    sql = f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM snapshots{where} ORDER BY as_of, taken_at"
    found = [dict(zip(SNAPSHOT_COLUMNS, row, strict=True)) for row in conn.rows(sql, params)]
    for row in found:
        row["as_of"] = as_date(row["as_of"], f"snapshots.as_of ({row['label']})")
    return found


def snapshot_rows(conn: Connection, labels: list[str]) -> list[dict[str, Any]]:
    """Return the frozen unit rows of these snapshots, in one query; a damaged score is an
    environment problem naming the round and unit."""
    if not labels:
        return []
    chosen = sorted(set(labels))
    sql = (
        f"SELECT {', '.join(UNIT_COLUMNS)} FROM snapshot_units "
        f"WHERE label IN ({conn.marks(len(chosen))})"
    )
    found = [dict(zip(UNIT_COLUMNS, row, strict=True)) for row in conn.rows(sql, chosen)]
    for row in found:
        where = f"snapshot_units.score ({row['label']}, {row['unit_id']})"
        row["score"] = _score(row["score"], where)
    return found


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
    rows = conn.rows(
        "SELECT su.unit_id, s.as_of, su.score, su.status FROM snapshot_units su "
        f"JOIN snapshots s ON s.label = su.label WHERE s.checklist = {conn.mark}",
        (checklist,),
    )
    found: dict[str, list[tuple[date, float, str]]] = {}
    for unit, as_of, score, status in rows:
        if unit_ids is None or unit in unit_ids:
            day = as_date(as_of, "snapshots.as_of")
            value = _score(score, f"snapshot_units.score ({unit})")
            found.setdefault(unit, []).append((day, value, str(status)))
    return found
