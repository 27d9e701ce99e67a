"""The cutover report as an XLSX workbook: units, blockers, coverage, rounds, forecast, needs."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fvmcli.i18n import N_, _, translated
from fvmcli.render.columns import BLOCKERS, UNIT_STATUS, value_of
from fvmcli.render.report import SINCE_TITLE
from fvmcli.render.report_cells import reason_text
from fvmcli.render.values import local_time, word

# The units and blockers sheets are headed by the keys of render.columns.UNIT_STATUS and
# BLOCKERS in the reader's language; named here so that the catalog holds their words.
HEADING_WORDS = (
    N_("unit"),
    N_("name"),
    N_("area"),
    N_("phase"),
    N_("type"),
    N_("score"),
    N_("status"),
    N_("completeness"),
    N_("blockers"),
    N_("overdue"),
    N_("training_coverage"),
    N_("equipment_readiness"),
    N_("question"),
    N_("text"),
    N_("due"),
    N_("days_overdue"),
    N_("owner"),
    N_("blocker"),
    N_("waiting_for"),
    N_("inconsistent"),
)


def blocker_value(item: Any, key: str, texts: dict[str, str]) -> Any:
    """Return a cell of the blockers sheet: the question's text, a list as its items joined."""
    if key == "text":
        return texts[item.question]
    value = getattr(item, key)
    return ", ".join(value) if isinstance(value, list | tuple) else value


def fraction_of(percent: float | None) -> float | None:
    """Return a percentage 0…100 as the fraction a spreadsheet formats with ``0 %``."""
    return None if percent is None else percent / 100


def since_rows(report: Any) -> list[list[Any]]:
    """Return the "what moved" section as spreadsheet rows: one per status change, blocker that
    came or went, large score movement and area, each with its part named."""
    data = report.since.as_json()
    texts = report.texts
    rows: list[list[Any]] = []
    for part in ("changed", "movements"):
        for m in data[part]:
            kind = m.get("direction", "movement") if part == "changed" else "movement"
            rows.append(
                [
                    kind,
                    m["unit"],
                    m["name"],
                    m["area"],
                    None,
                    None,
                    m["status_from"],
                    m["status_to"],
                    m["score_from"],
                    m["score_to"],
                    m["change"],
                ]
            )
    for part, kind in (("new_blockers", "new blocker"), ("resolved_blockers", "resolved blocker")):
        for b in data[part]:
            rows.append(
                [kind, b["unit"], None, None, b["question"], texts.get(b["question"])] + [None] * 5
            )
    for area, a in data["by_area"].items():
        rows.append(
            [
                "area",
                None,
                None,
                area,
                None,
                None,
                None,
                None,
                a["mean_from"],
                a["mean_to"],
                None
                if a["mean_from"] is None or a["mean_to"] is None
                else a["mean_to"] - a["mean_from"],
            ]
        )
    return rows


def workbook(report: Any, path: Path) -> None:
    """Write an XLSX workbook: units, blockers, training coverage and equipment needs.

    Values keep their types (numbers, dates), no cell is a formula, and text a spreadsheet would
    run as a formula is stored as quoted text. Rows stream to disk (constant memory).
    """
    from fvmcli.render.workbook import Book

    book = Book(path)
    percent = book.percent
    sheet = book.sheet

    status = report.status
    keys = [c.key for c in UNIT_STATUS if c.data]
    hundredths = {keys.index(k) for k in ("training_coverage", "equipment_readiness")}
    sheet(
        N_("Units"),
        [*keys, N_("reason"), N_("as_of")],
        [
            [
                *(
                    fraction_of(value_of(r, k))
                    if i in hundredths
                    else word(r.status)
                    if k == "status"  # a person reads the sheet: the word, not the id
                    else report.names.get(k, {}).get(value_of(r, k), value_of(r, k))
                    if k in ("area", "type")  # and areas and types by name
                    else value_of(r, k)
                    for i, k in enumerate(keys)
                ),
                reason_text(r.reason),
                status.as_of,
            ]
            for r in status.rows
        ],
        {
            keys.index(k): percent
            for k in ("score", "completeness", "training_coverage", "equipment_readiness")
        },
    )
    texts = report.texts
    blocker_keys = [c.key for c in BLOCKERS if c.data and c.key != "waiver"]
    sheet(
        N_("Blockers"),
        [*blocker_keys, N_("waived_until"), N_("waiver_reason")],
        [
            [
                *(blocker_value(b, k, texts) for k in blocker_keys),
                date.fromisoformat(b.waiver["until"]) if b.waiver else None,
                b.waiver["reason"] if b.waiver else None,
            ]
            for b in status.blockers
        ],
        {},
    )
    sheet(
        N_("Training coverage"),
        [
            N_("unit"),
            N_("name"),
            N_("area"),
            N_("people"),
            N_("required"),
            N_("completed"),
            N_("coverage"),
        ],
        [
            [
                c.unit,
                c.name,
                report.names.get("area", {}).get(c.area, c.area),
                c.people,
                c.required,
                c.completed,
                fraction_of(c.coverage),
            ]
            for c in status.coverage
        ],
        {6: percent},
    )
    if report.since is not None:
        sheet(
            translated(SINCE_TITLE, report.lang),
            [
                N_("part"),
                N_("unit"),
                N_("name"),
                N_("area"),
                N_("question"),
                N_("text"),
                N_("status_from"),
                N_("status_to"),
                N_("score_from"),
                N_("score_to"),
                N_("change"),
            ],
            since_rows(report),
            {8: percent, 9: percent, 10: percent},
        )
    if report.forecast is not None:
        sheet(
            N_("Forecast"),
            [
                N_("unit"),
                N_("name"),
                N_("area"),
                N_("phase"),
                N_("score"),
                N_("slope_per_day"),
                N_("forecast"),
                N_("projected"),
                N_("go_live"),
                N_("days_late"),
                N_("points"),
                N_("blockers"),
            ],
            [
                [
                    u.unit,
                    u.name,
                    report.names.get("area", {}).get(u.area, u.area),
                    u.phase,
                    u.found.score,
                    u.found.slope_per_day,
                    word(u.found.forecast),
                    u.found.projected,
                    u.go_live,
                    u.found.days_late,
                    u.found.points,
                    u.blockers,
                ]
                for u in report.forecast.units
            ],
            {4: percent},
        )
    if report.decisions:
        decisions_sheets(sheet, report.decisions)
    sheet(
        N_("Equipment needs"),
        [
            N_("item"),
            N_("required"),
            N_("present"),
            N_("configured"),
            N_("tested"),
            N_("to_procure"),
            N_("to_configure"),
            N_("to_test"),
        ],
        [
            [
                n.item,
                n.required,
                n.present,
                n.configured,
                n.tested,
                n.to_procure,
                n.to_configure,
                n.to_test,
            ]
            for n in status.needs
        ],
        {},
    )
    if getattr(report, "run", None) is not None:
        run_sheet(sheet, report.run)
    if getattr(report, "hypercare", None):
        hypercare_sheet(sheet, report.hypercare)
    book.close()


def hypercare_sheet(sheet: Any, phases: list[dict[str, Any]]) -> None:
    """Add the hypercare sheet: a row per phase and day since go-live, with the units in each
    state, the verdict and the criteria not met (``hypercare trend``)."""
    from fvmcli.core.hypercare import STATES

    sheet(
        N_("Hypercare"),
        [N_("phase"), N_("day"), N_("day no."), *STATES, N_("verdict"), N_("criteria not met")],
        [
            [
                found["trend"]["phase"],
                d["day"],
                d["day_number"],
                *(d["states"][s] for s in STATES),
                word(d["verdict"]),
                ", ".join(c["id"] for c in d["criteria"] if not c["met"]) or None,
            ]
            for found in phases
            for d in found["trend"]["days"]
        ],
        {},
    )


def run_sheet(sheet: Any, run: dict[str, Any]) -> None:
    """Add the sheet of a cut-over run: one row per instance, times in Stockholm time."""
    from fvmcli.core.runs import STATE_WORDS
    from fvmcli.render.values import local_time

    times = ("planned_start", "planned_finish", "actual_start", "actual_end", "expected_finish")
    sheet(
        N_("Run"),
        [N_("task"), N_("unit"), N_("owner"), N_("state"), *times, N_("late"), N_("critical")],
        [
            [
                t["task"],
                t["unit"],
                t["owner"],
                _(STATE_WORDS[t["state"]]),
                *(local_time(t[k]) for k in times),
                _("yes") if t["late"] else None,
                _("yes") if t["critical"] else None,
            ]
            for t in run["status"]["tasks"]
        ],
        {},
    )


def decisions_sheets(sheet: Any, decisions: list[dict[str, Any]]) -> None:
    """Add the go/no-go decisions (``gate show`` documents): a sheet with a row per proposal,
    its decision, conditions, the criteria it goes against and its digest; and a sheet with a
    row per vote, dissent included."""
    rows = []
    for d in decisions:
        decided = d["decision"] or {}
        rows.append(
            [
                d["label"],
                d["phase"],
                date.fromisoformat(d["as_of"]),
                word(d["verdict"]),
                word(decided["decision"]) if decided else None,
                decided.get("by"),
                local_time(decided.get("at")),
                "; ".join(decided.get("conditions") or []),
                decided.get("reason"),
                ", ".join(decided.get("against_criteria") or []),
                d["digest"],
            ]
        )
    sheet(
        N_("Go-no-go decisions"),
        [
            N_("label"),
            N_("phase"),
            N_("as_of"),
            N_("verdict"),
            N_("decision"),
            N_("by"),
            N_("at"),
            N_("conditions"),
            N_("reason"),
            N_("against_criteria"),
            N_("checksum"),
        ],
        rows,
        {},
    )
    sheet(
        N_("Votes"),
        [N_("label"), N_("role"), N_("vote"), N_("by"), N_("at"), N_("comment")],
        [
            [d["label"], v["role"], word(v["vote"]), v["by"], local_time(v["at"]), v["comment"]]
            for d in decisions
            for v in d["votes"]
        ],
        {},
    )
