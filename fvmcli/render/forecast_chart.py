"""The forecast of a phase as a small SVG chart: the rounds' mean score against time, its
trend line, the green threshold and the go-live date. Coordinates only; the report's
template draws them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

WIDTH, HEIGHT = 580, 200
LEFT, RIGHT, TOP, BOTTOM = 60, 500, 20, 160  # the plot area, in SVG units


def _y(score: float) -> float:
    """Return the height of a score 0…1 (1 at the top)."""
    return round(BOTTOM - (BOTTOM - TOP) * min(max(score, 0.0), 1.0), 1)


def phase_chart(chart: Any) -> dict[str, Any] | None:
    """Return the drawing of a ``services.forecast.PhaseChart``: dots of the points, the trend
    line from the first point to go-live (or the last point), the green line, the go-live
    line; None without a point."""
    if not chart.points:
        return None
    first = chart.points[0][0]
    last = max([chart.points[-1][0], *([chart.go_live] if chart.go_live else [])])
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (RIGHT - LEFT) * (day - first).days / span, 1)

    dots = [
        {"x": x(t), "y": _y(s), "day": t.isoformat(), "score": round(s, 4)} for t, s in chart.points
    ]
    line = None
    if chart.line is not None:
        b, start = chart.line
        end = last
        if b > 0 and start + b * (last - first).days > 1:  # stop where the line reaches 100 %
            end = first + timedelta(days=int((1 - start) / b))
        line = {
            "x1": x(first),
            "y1": _y(start),
            "x2": x(end),
            "y2": _y(start + b * (end - first).days),
        }
    return {
        "phase": chart.phase,
        "width": WIDTH,
        "height": HEIGHT,
        "dots": dots,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "line": line,
        "green": {"y": _y(chart.green), "score": chart.green},
        "go_live": {"x": x(chart.go_live), "day": chart.go_live.isoformat()}
        if chart.go_live
        else None,
        "ticks": [
            {"x": x(first), "label": first.isoformat()},
            {"x": x(last), "label": last.isoformat()},
        ],
        "box": {"left": LEFT, "right": RIGHT, "top": TOP, "bottom": BOTTOM},
    }
