"""The cutover report: HTML (with inline SVG charts), XLSX and CSV."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from fvmcli.core.scoring import STATUSES
from fvmcli.i18n import N_, _, ngettext, translated
from fvmcli.render.columns import UNIT_STATUS, write_csv_rows
from fvmcli.render.contrast import ink
from fvmcli.render.hypercare_chart import hypercare_charts
from fvmcli.render.report_cells import (
    Cells,
    behind_cells,
    blocker_cells,
    coverage_cells,
    old_cells,
    unit_cells,
)
from fvmcli.render.templates import render, write_rendered
from fvmcli.render.values import local_time, word

# The bars' colours stand out from the white page at 3:1 or more (WCAG 2.1 SC 1.4.11).
STATUS_COLOURS = {
    "green": "#1e8449",
    "amber": "#b9770e",
    "red": "#b03a2e",
    "not-started": "#7f8c8d",
}


def write_units_csv(rows: Sequence[Any], path: Path, *, plain: bool = False) -> None:
    """Write the units table to ``path`` as guarded CSV (Swedish Excel's dialect unless
    ``plain``), row by row."""
    with path.open("w", encoding="utf-8", newline="") as out:
        write_csv_rows(out.write, UNIT_STATUS, rows, plain=plain)


# ---------------------------------------------------------------- charts


def status_bars(
    by_area: dict[str, dict[str, Any]], width: int = 520, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """Return the geometry of stacked bars: units per status, one bar per area."""
    bars = []
    for i, (area, counts) in enumerate(by_area.items()):
        x, segments = 110.0, []
        total = counts["units"] or 1
        for status in STATUSES:
            w = (width - 120) * counts[status] / total
            if counts[status]:
                segments.append(
                    {
                        "x": round(x, 1),
                        "w": round(w, 1),
                        "n": counts[status],
                        "colour": STATUS_COLOURS[status],
                        "ink": ink(STATUS_COLOURS[status]),  # the number on it, legible
                        "status": status,
                    }
                )
            x += w
        bars.append(
            {
                "label": (names or {}).get(area, area),
                "y": 10 + i * 28,
                "segments": segments,
                "units": counts["units"],
            }
        )
    return {
        "width": width,
        "height": 20 + 28 * len(bars),
        "bars": bars,
        "legend": [{"status": s, "colour": STATUS_COLOURS[s]} for s in STATUSES],
    }


def score_histogram(scores: Sequence[float], bins: int = 10) -> dict[str, Any]:
    """Return a histogram of scores in ten bands of 10 percentage points."""
    counts = [0] * bins
    for s in scores:
        counts[min(int(s * bins), bins - 1)] += 1
    top = max(counts) or 1
    bars = [
        {
            "x": 30 + i * 48,
            "h": round(120 * c / top, 1),
            "y": round(160 - 120 * c / top, 1),
            "n": c,
            "label": f"{i * 10}–{i * 10 + 10}",
        }
        for i, c in enumerate(counts)
    ]
    return {"bars": bars, "width": 520, "height": 190}


def trend_lines(
    trend: dict[str, Any], names: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """Return polylines of each area's mean score across snapshots (None without two rounds)."""
    labels = [s["label"] for s in trend["snapshots"]]
    if len(labels) < 2:
        return None
    step = 440 / (len(labels) - 1)
    palette = ["#1b4f72", "#b9770e", "#1e8449", "#884ea0", "#b03a2e", "#5d6d7e"]
    lines = []
    for i, area in enumerate(trend["areas"]):
        points = [
            (60 + j * step, 160 - 140 * s) for j, s in enumerate(area["scores"]) if s is not None
        ]
        lines.append(
            {
                "area": (names or {}).get(area["area"], area["area"]),
                "colour": palette[i % len(palette)],
                "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                "dots": [{"x": round(x, 1), "y": round(y, 1)} for x, y in points],
                # The figures, for the chart's text alternative.
                "scores": [
                    (label, s)
                    for label, s in zip(labels, area["scores"], strict=False)
                    if s is not None
                ],
            }
        )
    ticks = [{"x": round(60 + j * step, 1), "label": label} for j, label in enumerate(labels)]
    return {"lines": lines, "ticks": ticks, "width": 540, "height": 200}


MANAGEMENT_ROWS = 40  # units, blockers and coverage rows in the management PDF
AREA_ROWS = 15  # worst units and blockers on each area's page


def html(template_dirs: Sequence[Path], report: Any, *, management: bool = False) -> str:
    """Return the self-contained HTML report of a ``services.report.Report``.

    ``management`` makes the document for programme management that the PDF is: summaries,
    the worst units and the longest-overdue blockers, and a page per area, with a note on
    where the full lists are (XLSX, CSV); a PDF of hundreds of pages helps nobody."""
    return render(template_dirs, "report.html.j2", html_context(report, management=management))


def write_html(template_dirs: Sequence[Path], report: Any, path: Path) -> None:
    """Write the whole HTML report (``html``) to ``path`` as it is rendered, unit by unit:
    neither the page nor its tables' cells are ever held whole."""
    with path.open("w", encoding="utf-8") as out:
        write_rendered(template_dirs, "report.html.j2", html_context(report), out.write)


def html_context(report: Any, *, management: bool = False) -> dict[str, Any]:
    """Return what the report's template reads (``html``); the long tables' cells are made as
    the template reaches them (``report_cells.Cells``)."""
    status = report.status
    rows = status.rows
    old = report.old_evidence()
    names = report.names
    by_area = status.summaries_by("area")
    coverage = status.coverage
    late = [b for b in status.blockers if b.late]  # the inconsistent items are counted apart
    limit = MANAGEMENT_ROWS if management else None
    if management:
        coverage = sorted(coverage, key=lambda c: (c.coverage is None, c.coverage or 0.0, c.unit))
    return {
        "lang": report.lang,
        "title": report.title,
        "checklist": status.checklist,
        "as_of": status.as_of,
        "rows": rows,
        "summary": status.summary(),
        "by_area": by_area,
        "by_type": status.summaries_by("type"),
        "bars": status_bars(by_area, names=names.get("area")),
        "histogram": score_histogram([r.score for r in rows]),
        "trend": report.trend,
        "trend_chart": trend_lines(report.trend, names.get("area")),
        "blockers": late,
        "texts": report.texts,
        "coverage": coverage,
        "needs": [n for n in status.needs if n.required or n.present],
        "colours": STATUS_COLOURS,
        "since": report.since.as_json() if report.since else None,
        "since_title": since_title(report),
        "limit": limit,
        "area_pages": area_pages(status, names.get("area")) if management else [],
        "area_names": names.get("area", {}),
        "history_head": report.history_head,
        "decisions": decision_context(report),
        "go_no_go": latest_decisions(report.decisions),
        "run": run_context(getattr(report, "run", None), limit),
        "hypercare": hypercare_charts(report.hypercare),
        "unattested": sum(r.unattested for r in rows),
        "inconsistent": sum(r.inconsistent for r in rows),
        "stale_after": span_text(status.checklist.stale_after)
        if status.checklist.stale_after
        else None,
        "role_names": report.role_names,
        "unit_names": {r.unit: r.name for r in rows},
        "item_names": names.get("item", {}),
        "old_cells": Cells(old[:limit], partial(old_cells, names=names.get("unit", {}))),
        "old_count": len(old),
        "type_names": names.get("type", {}),
        # The long tables' cells as plain tuples: the sandbox checks every attribute a template
        # reads, which costs more than the rest of a region's report. Each row's are made when
        # the template reaches it, and let go of after.
        "unit_cells": Cells(rows[:limit], partial(unit_cells, names=names)),
        "blocker_cells": Cells(
            late[:limit], partial(blocker_cells, texts=report.texts, owners=names.get("owner"))
        ),
        "coverage_cells": Cells(coverage[:limit], partial(coverage_cells, names=names.get("area"))),
        **forecast_context(report.forecast, limit),
    }


def _at(moment: Any) -> str:
    """Return a moment (a datetime with its offset) as Stockholm time to the minute."""
    if moment is None:
        return "–"
    return local_time(moment.isoformat(timespec="seconds")) or "–"


def run_context(run: dict[str, Any] | None, limit: int | None) -> dict[str, Any] | None:
    """Return a cut-over run (``services.run_status.run_report``) with its times as people
    read them: the figures, the critical path, the late instances, and per task planned
    against actual."""
    if run is None:
        return None
    from fvmcli.core.runs import STATE_WORDS

    late = run["late"][:limit] if limit else run["late"]
    return {
        "run": run["run"],
        "title": run["title"],
        "kind": _("rehearsal") if run["rehearsal"] else _("live run"),
        "fallen_back": run["fallen_back"],
        "t0": _at(run["t0"]),
        "as_of": _at(run["as_of"]),
        "planned_finish": _at(run["planned_finish"]),
        "expected_finish": _at(run["expected_finish"]),
        "slip": run["slip_minutes"],
        "critical_path": run["critical_path"],
        "late_count": len(run["late"]),
        "late": [
            (
                r["instance"],
                r["title"],
                r["owner"] or "–",
                _(STATE_WORDS[r["state"]]),
                _at(r["planned_finish"]),
                _at(r["expected_finish"]),
            )
            for r in late
        ],
        "tasks": [
            (
                t["task"],
                t["title"],
                t["owner"] or "–",
                f"{t['ended']}/{t['instances']}",
                t["late"],
                _at(t["planned_start"]),
                _at(t["actual_start"]),
                _at(t["planned_finish"]),
                _at(t["actual_end"]) if t["actual_end"] else _at(t["expected_finish"]),
                t["actual_end"] is None,
                t["critical"],
            )
            for t in run["tasks"]
        ],
    }


def decision_context(report: Any) -> list[dict[str, Any]]:
    """Return the go/no-go decisions as the report shows them: each with its criteria's
    results as people read them (text, figure, threshold) and the criteria it goes against
    by name."""
    from fvmcli.render.gate import criterion_rows, figure_text

    texts = {c.id: c.text.get(report.lang) for c in report.gate.criteria} if report.gate else {}
    shown = []
    for d in report.decisions:
        rows = criterion_rows(d.get("criteria") or [], report.gate, report.lang)
        decided = d["decision"] or {}
        shown.append(
            {
                **d,
                "criteria_shown": [
                    {
                        **r,
                        "value_text": figure_text(r.get("value"), r.get("scale")),
                        "threshold_text": figure_text(r.get("threshold"), r.get("scale")),
                    }
                    for r in rows
                ],
                "against_names": [texts.get(c, c) for c in decided.get("against_criteria") or []],
            }
        )
    return shown


def latest_decisions(decisions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the latest decision of each phase, by phase: what the report's first page says
    of the go/no-go."""
    latest: dict[int, dict[str, Any]] = {}
    for d in decisions:  # oldest first
        latest[d["phase"]] = d
    return [latest[p] for p in sorted(latest)]


def forecast_context(forecast: Any, limit: int | None) -> dict[str, Any]:
    """Return what the report's forecast section shows: a chart and counts per phase, and the
    units that will not be green by go-live as things stand (blocked, late, stalled, held)."""
    from fvmcli.core.forecast import BEHIND, FORECASTS
    from fvmcli.render.forecast_chart import phase_chart

    if forecast is None:
        return {"forecast": None}
    by_phase = forecast.summaries_by("phase")
    behind = [u for u in forecast.units if u.found.forecast in BEHIND]
    return {
        "forecast": {
            "summary": forecast.summary(),
            "words": [(key, word(key)) for key in FORECASTS],
            "phases": [
                {
                    "phase": c.phase,
                    "go_live": c.go_live,
                    "counts": by_phase.get(str(c.phase), {}),
                    "chart": phase_chart(c),
                }  # fmt: skip
                for c in forecast.charts
            ],
            "behind": Cells(behind[:limit], behind_cells),
            "behind_total": len(behind),
        }
    }


def area_pages(status: Any, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Return, per area, its summary, its worst units and its longest-overdue blockers."""
    summaries = status.summaries_by("area")
    area_of = {r.unit: r.area for r in status.rows}
    rows: dict[str, list[Any]] = {a: [] for a in summaries}
    blockers: dict[str, list[Any]] = {a: [] for a in summaries}
    for r in status.rows:  # worst first already
        rows[r.area].append(r)
    for b in status.blockers:  # longest overdue first already; blockers only
        if b.blocker and b.unit in area_of:
            blockers[area_of[b.unit]].append(b)
    return [
        {
            "area": (names or {}).get(area, area),
            "summary": summaries[area],
            "rows": rows[area][:AREA_ROWS],
            "blockers": blockers[area][:AREA_ROWS],
            "blocker_count": len(blockers[area]),
        }
        for area in sorted(summaries)
    ]


SINCE_TITLE = N_("Since the last round")


def since_title(report: Any) -> str | None:
    """Return the heading of the report's "what moved" section, naming the earlier round."""
    if report.since is None:
        return None
    start = report.since.start
    return f"{translated(SINCE_TITLE, report.lang)} ({start.label}, {start.as_of.isoformat()})"


def span_text(span: Any) -> str:
    """Return a span (``90d``, ``2w``, ``3m``) in words: ``90 dagar``."""
    words = {
        "d": ngettext("%(num)s day", "%(num)s days", span.amount),
        "w": ngettext("%(num)s week", "%(num)s weeks", span.amount),
        "m": ngettext("%(num)s month", "%(num)s months", span.amount),
    }
    return words[span.unit] % {"num": span.amount}
