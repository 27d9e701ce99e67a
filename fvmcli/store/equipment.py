"""Equipment counts and required-quantity overrides per unit."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.core.model import Count
from fvmcli.store.history import Change, record
from fvmcli.store.reads import counts_by_unit
from fvmcli.store.schema import equipment_counts, equipment_requirements
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
    inserts: list[dict[str, object]] = []
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
            inserts.append({"unit_id": new.unit_id, "item": new.item, **values})
        else:
            conn.execute(
                equipment_counts.update()
                .where(
                    equipment_counts.c.unit_id == new.unit_id, equipment_counts.c.item == new.item
                )
                .values(**values)
            )
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
    if inserts:
        conn.execute(equipment_counts.insert(), inserts)
    record(conn, log)
    return len(log)


def set_requirement(
    conn: Connection, unit_id: str, item: str, quantity: int | None, *, by: str, at: str
) -> int | None:
    """Override (or with None, clear) a unit's required quantity; return the previous override."""
    lock_units(conn, [unit_id])
    key = (equipment_requirements.c.unit_id == unit_id, equipment_requirements.c.item == item)
    old = conn.execute(sa.select(equipment_requirements.c.quantity).where(*key)).scalar()
    if old == quantity:
        return old
    conn.execute(equipment_requirements.delete().where(*key))
    if quantity is not None:
        conn.execute(
            equipment_requirements.insert().values(unit_id=unit_id, item=item, quantity=quantity)
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
