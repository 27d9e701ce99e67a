"""Readiness forecast from rounds (``scoring.md``: "Readiness forecast from rounds")."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

READY, ON_TRACK, LATE, STALLED, UNKNOWN = "ready", "on-track", "late", "stalled", "unknown"
FORECASTS = (LATE, STALLED, UNKNOWN, ON_TRACK, READY)  # worst first
MAX_POINTS = 5
# A ceiling is taken on the exact value: 10.000000000000004 days (float noise) is 10.
EXACT_DIGITS = 9


@dataclass(frozen=True)
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
    score_now: float,
    green: float,
    go_live: date | None,
) -> Forecast:
    """Return the forecast of a unit as of ``day`` from its scores in ``rounds`` and now."""
    points = last_points(rounds, day, score_now)
    if len({t for t, _ in points}) < 2:
        return Forecast(UNKNOWN, score_now, None, None, None, len(points))
    b = slope(points)
    if score_now >= green:
        return Forecast(READY, score_now, b, None, None, len(points))
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


def worst_first_key(found: Forecast) -> tuple[int, int, float]:
    """Return the sort key that puts the worst forecast first: late (latest first), stalled,
    unknown, on track, ready; lower scores first within each."""
    return (FORECASTS.index(found.forecast), -(found.days_late or 0), found.score)


def counts(found: Iterable[Forecast]) -> dict[str, int]:
    """Return the number of units per forecast, every forecast named."""
    total = dict.fromkeys((READY, ON_TRACK, LATE, STALLED, UNKNOWN), 0)
    for f in found:
        total[f.forecast] += 1
    return total


def trend_line(points: list[tuple[date, float]]) -> tuple[float, float] | None:
    """Return (slope per day, score at the first point's day) of the least-squares line
    through ``points``; None with fewer than 2 distinct days."""
    if len({t for t, _ in points}) < 2:
        return None
    b = slope(points)
    xs = [t.toordinal() for t, _ in points]
    mx = sum(xs) / len(xs)
    my = sum(s for _, s in points) / len(points)
    return b, my + b * (min(xs) - mx)
