"""Equipment counts and required-quantity overrides per unit."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fvmcli.core.model import Count
from fvmcli.store import record
from fvmcli.store.driver import Connection
from fvmcli.store.history import Change
from fvmcli.store.reads import counts_by_unit
from fvmcli.store.units import lock_units


@dataclass(frozen=True)
class NewCount:
    unit_id: str
    item: str
    count: Count


def _count_json(count: Count) -> str:
    return json.dumps(
        {"present": count.present, "configured": count.configured, "tested": count.tested}
    )


def save_counts(conn: Connection, batch: list[NewCount], *, by: str, at: str) -> int:
    """Store counts that differ from the current ones; return how many changed (with history)."""
    lock_units(conn, {n.unit_id for n in batch})
    current = counts_by_unit(conn, {n.unit_id for n in batch})
    # New rows by key: a file that counts one item twice inserts its last count.
    inserts: dict[tuple[str, str], tuple[dict[str, object], Change]] = {}
    changed = 0
    for new in batch:
        old = current[new.unit_id].get(new.item)
        if old == new.count:
            continue
        key = {"unit_id": new.unit_id, "item": new.item}
        values = {
            "present": new.count.present,
            "configured": new.count.configured,
            "tested": new.count.tested,
            "counted_by": by,
            "counted_at": at,
        }
        change = Change(
            at,
            by,
            "count",
            new.unit_id,
            "equipment",
            new.item,
            _count_json(old) if old else None,
            _count_json(new.count),
        )
        if (new.unit_id, new.item) in inserts or old is None:
            inserts[new.unit_id, new.item] = ({**key, **values}, change)
        else:
            record.update(conn, "equipment_counts", key, values, change)
        current[new.unit_id][new.item] = new.count
        changed += 1
    rows = list(inserts.values())
    record.insert(conn, "equipment_counts", [r for r, _ in rows], [c for _, c in rows])
    return changed


def set_requirement(
    conn: Connection, unit_id: str, item: str, quantity: int | None, *, by: str, at: str
) -> int | None:
    """Override (or with None, clear) a unit's required quantity; return the previous override."""
    lock_units(conn, [unit_id])
    old: int | None = conn.scalar(
        "SELECT quantity FROM equipment_requirements "
        f"WHERE unit_id = {conn.mark} AND item = {conn.mark}",
        (unit_id, item),
    )
    if old == quantity:
        return old
    key = {"unit_id": unit_id, "item": item}
    change = Change(
        at,
        by,
        "requirement",
        unit_id,
        "equipment",
        item,
        None if old is None else str(old),
        None if quantity is None else str(quantity),
    )
    if quantity is None:
        record.delete(conn, "equipment_requirements", key, change)
    elif old is None:
        record.insert(conn, "equipment_requirements", [{**key, "quantity": quantity}], change)
    else:
        record.update(conn, "equipment_requirements", key, {"quantity": quantity}, change)
    return old
