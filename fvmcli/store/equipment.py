"""Equipment counts and required-quantity overrides per unit."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fvmcli.core.model import Count
from fvmcli.store.driver import Connection
from fvmcli.store.history import Change, record
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
    inserts: list[tuple[object, ...]] = []
    log = []
    for new in batch:
        old = current[new.unit_id].get(new.item)
        if old == new.count:
            continue
        values = {
            "present": new.count.present,
            "configured": new.count.configured,
            "tested": new.count.tested,
            "counted_by": by,
            "counted_at": at,
        }
        if old is None:
            inserts.append((new.unit_id, new.item, *values.values()))
        else:
            conn.update("equipment_counts", values, {"unit_id": new.unit_id, "item": new.item})
        current[new.unit_id][new.item] = new.count
        log.append(
            Change(
                at,
                by,
                "count",
                new.unit_id,
                "equipment",
                new.item,
                _count_json(old) if old else None,
                _count_json(new.count),
            )
        )
    conn.insert("equipment_counts", COUNT_COLUMNS, inserts)
    record(conn, log)
    return len(log)


COUNT_COLUMNS = ("unit_id", "item", "present", "configured", "tested", "counted_by", "counted_at")


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
    conn.delete("equipment_requirements", {"unit_id": unit_id, "item": item})
    if quantity is not None:
        conn.insert(
            "equipment_requirements", ("unit_id", "item", "quantity"), [(unit_id, item, quantity)]
        )
    record(
        conn,
        [
            Change(
                at,
                by,
                "requirement",
                unit_id,
                "equipment",
                item,
                None if old is None else str(old),
                None if quantity is None else str(quantity),
            )
        ],
    )
    return old
