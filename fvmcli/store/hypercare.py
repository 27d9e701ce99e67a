"""Hypercare values: a unit's value of an indicator on a day, written in batches with their
history, and read a day at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.store import record
from fvmcli.store.driver import Connection, as_date, in_list
from fvmcli.store.history import Change
from fvmcli.store.reads import Scope

# The history kind of a recorded value: scope the day, subject the indicator.
KIND = "hypercare"


@dataclass(frozen=True, slots=True)
class HypercareValue:
    """One value to record."""

    unit: str
    indicator: str
    day: date
    value: float
    comment: str | None = None


@dataclass(frozen=True)
class Written:
    """How many values were added, changed (another value or comment) and unchanged."""

    added: int
    changed: int
    unchanged: int


def _text(value: float | None) -> str | None:
    """Return a value as the history keeps it: 3, 12.5."""
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def stored(
    conn: Connection, days: Sequence[date], units: Sequence[str] | None = None
) -> dict[tuple[str, str, date], tuple[float, str | None]]:
    """Return (unit, indicator, day) → (value, comment) of the values stored on these days
    (of these units, when given), in one query."""
    if not days:
        return {}
    where, params, keep = in_list("unit_id", units, conn.mark)
    rows = conn.rows(
        "SELECT unit_id, indicator, day, value, comment FROM hypercare_values "
        f"WHERE day IN ({conn.marks(len(days))}){where}",
        [*days, *params],
        stream=True,
    )
    return {
        (unit, indicator, as_date(day, "hypercare_values.day")): (value, comment)
        for unit, indicator, day, value, comment in rows
        if keep is None or unit in keep
    }


def put_values(conn: Connection, values: Sequence[HypercareValue], *, by: str, at: str) -> Written:
    """Store values, each replacing the one stored for its unit, indicator and day, in one
    batch; every value added or changed is a history entry (its old value kept there)."""
    days = sorted({v.day for v in values})
    units = sorted({v.unit for v in values})
    before = stored(conn, days, units)
    rows: list[dict[str, Any]] = []
    changes: list[Change] = []
    unchanged = added = 0
    for v in values:
        old = before.get((v.unit, v.indicator, v.day))
        if old is not None and old == (v.value, v.comment):
            unchanged += 1
            continue
        added += old is None
        rows.append(
            {
                "day": v.day,
                "unit_id": v.unit,
                "indicator": v.indicator,
                "value": v.value,
                "comment": v.comment,
                "by": by,
                "at": at,
            }
        )
        changes.append(
            Change(
                at,
                by,
                KIND,
                v.unit,
                v.day.isoformat(),
                v.indicator,
                None if old is None else _text(old[0]),
                _text(v.value),
                v.comment,
            )
        )
    record.upsert(conn, "hypercare_values", rows, changes)
    return Written(added, len(rows) - added, unchanged)


def day_values(
    conn: Connection, day: date, scope: Scope
) -> Iterator[tuple[str, str, dict[str, float]]]:
    """Yield (unit, area, indicator → value) for every unit of the scope on ``day``, in the
    order of unit ids, streaming: one query, units without a value with an empty mapping."""
    where, params, keep = scope.units_where(conn.mark)
    rows = conn.rows(
        "SELECT u.id, u.area, v.indicator, v.value FROM units u "
        "LEFT JOIN hypercare_values v ON v.unit_id = u.id AND v.day = "
        f"{conn.mark} WHERE 1 = 1{where} ORDER BY u.id",
        [day, *params],
        stream=True,
    )
    current: str | None = None
    area_of = ""
    values: dict[str, float] = {}
    for unit, area, indicator, value in rows:
        if unit != current:
            if current is not None and (keep is None or current in keep):
                yield current, area_of, values
            current, area_of, values = unit, area, {}
        if indicator is not None:
            values[indicator] = value
    if current is not None and (keep is None or current in keep):
        yield current, area_of, values
