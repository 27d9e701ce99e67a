"""The forecast of a phase as a small SVG chart: the share of its units green in each round
and now, then the share forecast to be green by go-live, and the go-live date. Coordinates
only; the report's template draws them."""

from __future__ import annotations

from datetime import date
from typing import Any

WIDTH, HEIGHT = 580, 200
LEFT, RIGHT, TOP, BOTTOM = 60, 500, 20, 160  # the plot area, in SVG units


def _y(share: float) -> float:
    """Return the height of a share 0…1 (1 at the top)."""
    return round(BOTTOM - (BOTTOM - TOP) * min(max(share, 0.0), 1.0), 1)


def phase_chart(chart: Any) -> dict[str, Any] | None:
    """Return the drawing of a ``services.forecast.PhaseChart``: dots of the rounds' and
    today's shares of units green, the forecast line from today to the share forecast green
    by go-live, the go-live line; None without a point."""
    if not chart.points:
        return None
    first = chart.points[0][0]
    now = chart.points[-1][0]
    last = max([now, *([chart.go_live] if chart.go_live else [])])
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (RIGHT - LEFT) * (day - first).days / span, 1)

    dots = [
        {"x": x(t), "y": _y(s), "day": t.isoformat(), "share": round(s, 4)} for t, s in chart.points
    ]
    line = None
    if chart.go_live is not None and chart.by_go_live is not None and chart.go_live > now:
        line = {
            "x1": x(now),
            "y1": _y(chart.points[-1][1]),
            "x2": x(chart.go_live),
            "y2": _y(chart.by_go_live),
            "share": round(chart.by_go_live, 4),
            "day": chart.go_live.isoformat(),
        }
    return {
        "phase": chart.phase,
        "width": WIDTH,
        "height": HEIGHT,
        "dots": dots,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "line": line,
        "go_live": {"x": x(chart.go_live), "day": chart.go_live.isoformat()}
        if chart.go_live
        else None,
        "ticks": [
            {"x": x(first), "label": first.isoformat()},
            {"x": x(last), "label": last.isoformat()},
        ],
        "box": {"left": LEFT, "right": RIGHT, "top": TOP, "bottom": BOTTOM},
    }
