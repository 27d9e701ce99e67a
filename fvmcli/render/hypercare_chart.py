"""The hypercare section of the report: each phase's last day and a bar a day of its units
in each state, as plain values for the template."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

HYPERCARE_COLOURS = {"pause": "#b03a2e", "alert": "#b9770e", "missing": "#7f8c8d", "ok": "#1e8449"}


def hypercare_charts(found: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return each phase's hypercare for the report: its last day's verdict and criteria, and
    a bar per day since go-live of its units stacked by state (pause at the bottom)."""
    charts = []
    for phase in found:
        trend, texts = phase["trend"], phase["texts"]
        days = trend["days"]
        if not days:
            continue
        units = max(sum(d["states"].values()) for d in days) or 1
        step = min(24.0, 480 / len(days))
        bars = []
        for i, d in enumerate(days):
            y = 160.0
            for state in ("pause", "alert", "missing", "ok"):
                height = 140 * d["states"][state] / units
                y -= height
                bars.append(
                    {
                        "x": round(60 + i * step, 1),
                        "y": round(y, 1),
                        "w": round(step * 0.8, 1),
                        "h": round(height, 1),
                        "colour": HYPERCARE_COLOURS[state],
                    }
                )
        last = days[-1]
        charts.append(
            {
                "phase": trend["phase"],
                "go_live": trend["go_live"],
                "last": last,
                "criteria": [{**c, "text": texts.get(c["id"], c["id"])} for c in last["criteria"]],
                "bars": bars,
                "ticks": [
                    {"x": round(60 + i * step + step * 0.4, 1), "label": d["day_number"]}
                    for i, d in enumerate(days)
                    if i % max(1, len(days) // 14) == 0
                ],
                "legend": list(HYPERCARE_COLOURS.items()),
                "width": 560,
                "height": 200,
            }
        )
    return charts
