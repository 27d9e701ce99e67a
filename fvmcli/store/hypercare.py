"""Hypercare values: a unit's value of an indicator on a day, written in batches with their
history, and read a day at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from fvmcli.store import record
from fvmcli.store.driver import Connection, as_date, in_list
from fvmcli.store.history import Change
from fvmcli.store.reads import Scope

# The history kind of a recorded value: scope the day, subject the indicator.
KIND = "hypercare"


class HypercareValue(NamedTuple):
    """One value to record (a tuple: an import makes 160,000 of them)."""

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


# A value as an import hands it over: (unit, indicator, day, value, comment).
Value = tuple[str, str, date, float, str | None]


def put_values(conn: Connection, values: Sequence[Value], *, by: str, at: str) -> Written:
    """Store values (``HypercareValue`` or plain tuples of its fields), each replacing the one
    stored for its unit, indicator and day, in one batch; every value added or changed is a
    history entry (its old value kept there)."""
    before = stored(conn, sorted({v[2] for v in values}), sorted({v[0] for v in values}))
    rows: list[dict[str, Any]] = []
    places: list[record.Place] = []
    unchanged = added = 0
    for unit, indicator, day, value, comment in values:
        old = before.get((unit, indicator, day))
        if old is not None and old == (value, comment):
            unchanged += 1
            continue
        added += old is None
        iso = day.isoformat()  # as the record keeps it, once for the row, its key and place
        rows.append(
            {
                "day": iso,
                "unit_id": unit,
                "indicator": indicator,
                "value": value,
                "comment": comment,
                "by": by,
                "at": at,
            }
        )
        # The history places a value at its unit, day (scope) and indicator (subject).
        places.append(
            (
                unit,
                iso,
                indicator,
                None if old is None else _text(old[0]),
                _text(value),
                comment,
            )
        )
    record.upsert(conn, "hypercare_values", rows, Change(at, by, KIND), places)
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
