"""Readiness forecast from rounds (``scoring.md``: "Readiness forecast from rounds")."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from fvmcli.core.scoring import GREEN

READY, BLOCKED, HELD = "ready", "blocked", "held"
ON_TRACK, LATE, STALLED, UNKNOWN = "on-track", "late", "stalled", "unknown"
# Worst first: blocked and late cannot make go-live as things stand; stalled will not move by
# itself; held has the score but waits for what holds it back; unknown cannot be told yet.
FORECASTS = (BLOCKED, LATE, STALLED, HELD, UNKNOWN, ON_TRACK, READY)
BEHIND = frozenset({BLOCKED, LATE, STALLED, HELD})  # not green by go-live as things stand
SHOWN_ORDER = (READY, BLOCKED, HELD, ON_TRACK, LATE, STALLED, UNKNOWN)  # cli.md's summary keys
MAX_POINTS = 5
# A ceiling is taken on the exact value: 10.000000000000004 days (float noise) is 10.
EXACT_DIGITS = 9


class UnitNow(NamedTuple):
    """What the forecast reads of a unit's score now."""

    score: float
    status: str
    blockers: int


@dataclass(frozen=True, slots=True)  # one a unit, kept for the whole territory
class Forecast:
    """The forecast of one unit: its score now, the slope of its last points, and when it is
    projected to reach green (None where no projection is made)."""

    forecast: str
    score: float
    slope_per_day: float | None
    projected: date | None
    days_late: int | None
    points: int


def exact_ceil(value: float) -> int:
    """Return ⌈value⌉ of the exact value ``value`` stands for, not of its float noise."""
    return math.ceil(round(value, EXACT_DIGITS))


def slope(points: list[tuple[date, float]]) -> float:
    """Return the ordinary least-squares slope of score over time in days (≥ 2 distinct
    days)."""
    xs = [t.toordinal() for t, _ in points]
    ys = [s for _, s in points]
    mx = sum(xs) / len(xs)
    my = sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / sxx


def last_points(
    rounds: Iterable[tuple[date, float]], day: date, score_now: float
) -> list[tuple[date, float]]:
    """Return the points of the rule: each round's (day, score), then (``day``, the score
    now), the last ``MAX_POINTS`` by day (the score now last among equal days)."""
    ordered = sorted(rounds, key=lambda p: p[0])
    ordered.append((day, score_now))
    ordered.sort(key=lambda p: p[0])  # stable: the score now stays after rounds of its day
    return ordered[-MAX_POINTS:]


def forecast(
    rounds: Iterable[tuple[date, float]],
    day: date,
    now: UnitNow,
    green: float,
    go_live: date | None,
) -> Forecast:
    """Return the forecast of a unit as of ``day`` from its scores in ``rounds`` and its
    score, status and blockers ``now``. Only a unit that is not ready, blocked or held is
    projected; the slope is given wherever there are two distinct days."""
    score_now = now.score
    points = last_points(rounds, day, score_now)
    b = slope(points) if len({t for t, _ in points}) >= 2 else None
    settled = _settled(now, green)
    if settled is not None:
        return Forecast(settled, score_now, b, None, None, len(points))
    if b is None:
        return Forecast(UNKNOWN, score_now, None, None, None, len(points))
    if b <= 0:
        return Forecast(STALLED, score_now, b, None, None, len(points))
    # A pace so slow that green lies past the calendar's end is shown as its last day.
    left = (date.max - day).days
    needed = (green - score_now) / b  # may overflow to infinity for a tiny slope
    projected = day + timedelta(days=exact_ceil(needed) if needed < left else left)
    if go_live is None:
        return Forecast(UNKNOWN, score_now, b, projected, None, len(points))
    if projected <= go_live:
        return Forecast(ON_TRACK, score_now, b, projected, None, len(points))
    return Forecast(LATE, score_now, b, projected, (projected - go_live).days, len(points))


def _settled(now: UnitNow, green: float) -> str | None:
    """Return the category of a unit that is not projected: ready (green now), blocked
    (blockers now), held (the score at green, the status not); None for the others."""
    if now.status == GREEN:
        return READY
    if now.blockers:
        return BLOCKED
    if now.score >= green:
        return HELD
    return None


def worst_first_key(found: Forecast) -> tuple[int, int, float]:
    """Return the sort key that puts the worst forecast first (``FORECASTS``), the latest
    first among late units, lower scores first within each."""
    return (FORECASTS.index(found.forecast), -(found.days_late or 0), found.score)


def counts(found: Iterable[Forecast]) -> dict[str, int]:
    """Return the number of units per forecast, every forecast named."""
    total = dict.fromkeys(SHOWN_ORDER, 0)
    for f in found:
        total[f.forecast] += 1
    return total
