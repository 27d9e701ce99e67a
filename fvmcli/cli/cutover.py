"""``fvm cutover``: readiness across the territory, the go/no-go gate, reports, rounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import Env, get_env, resolve_user
from fvmcli.cli.output import STATUS_STYLE, emit_json, emit_table, progress, say
from fvmcli.errors import ExitCode, InputError

app = typer.Typer(
    help="Cutover: readiness across units, areas and phases; go/no-go; reports.",
    no_args_is_help=True,
)

CHECKLIST = typer.Option("golive", "--checklist", help="The checklist.")
PHASE = typer.Option(None, "--phase", help="Only units of this phase.")
AREA = typer.Option(None, "--area", help="Only units of this area.")
TYPE = typer.Option(None, "--type", help="Only units of this type.")
AS_OF = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", help="Default: today.")
JSON = typer.Option(False, "--json", help="Print JSON.")


@dataclass
class Picture:
    """The territory as of a day: scored units (worst first) and their blocker items."""

    env: Env
    checklist: Any
    as_of: date
    rows: list[Any]
    blockers: list[Any]
    coverage: list[dict[str, Any]]
    needs: list[Any]

    def status_json(self) -> dict[str, Any]:
        """Return the ``cutover status --json`` document of ``cli.md``."""
        from fvmcli.core.cutover import summaries_by, summary

        return {
            "as_of": self.as_of.isoformat(),
            "checklist": self.checklist.id,
            "units": [r.as_dict() for r in self.rows],
            "summary": summary(self.rows),
            "by_area": summaries_by(self.rows, "area"),
            "by_type": summaries_by(self.rows, "type"),
            "by_phase": summaries_by(self.rows, "phase"),
        }


def picture(
    env: Env,
    checklist_id: str,
    phase: int | None,
    area: str | None,
    unit_type: str | None,
    as_of: str | None,
) -> Picture:
    """Return the territory picture for the filters, with a fixed number of queries."""
    from fvmcli.cli.checklist import as_of_date
    from fvmcli.cli.readiness import territory_readiness
    from fvmcli.cli.units import selected_units
    from fvmcli.core.cutover import blocker_items, unit_row, worst_first
    from fvmcli.core.equipment import territory_needs

    checklist = env.checklist(checklist_id)
    day = as_of_date(as_of)
    rows, blockers, coverage, items = [], [], [], []
    with env.db.read() as conn:
        units = selected_units(env, conn, area=area, phase=phase, unit_type=unit_type)
        everything = not (area or phase or unit_type)
        for unit, score, evidence in territory_readiness(
            env, conn, checklist, units, day, all_units=everything
        ):
            c = evidence.coverage
            rows.append(
                unit_row(
                    unit,
                    env.territory.phase_of(unit.area),
                    score,
                    c.percent,
                    evidence.evidence.equipment_readiness,
                )
            )
            blockers += blocker_items(unit, score)
            coverage.append(
                {
                    "unit": unit.id,
                    "name": unit.name,
                    "area": unit.area,
                    "people": c.people,
                    "required": c.required,
                    "completed": c.completed,
                    "coverage": c.percent,
                }
            )
            items.append(evidence.items)
    needs = territory_needs(env.catalog, items)
    return Picture(env, checklist, day, worst_first(rows), blockers, coverage, needs)


@app.command("status")
def status(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    phase: int | None = PHASE,
    area: str | None = AREA,
    unit_type: str | None = TYPE,
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
    fail_on: str | None = typer.Option(
        None,
        "--fail-on",
        metavar="red|amber",
        help="Exit 1 when a unit is red (amber: red or amber).",
    ),
) -> None:
    """Every unit's readiness, worst first, with summaries by status, area and type.

    With --fail-on it is a go/no-go gate for scripts and meetings.

    Example: fvm cutover status --phase 1 --fail-on red
    """
    if fail_on not in (None, "red", "amber"):
        raise InputError(f"--fail-on: expected red or amber, got {fail_on!r}")
    env = get_env(ctx)
    pic = picture(env, checklist_id, phase, area, unit_type, as_of)
    if as_json:
        emit_json(pic.status_json())
    else:
        _print_status(pic)
    failing = {"red": {"red"}, "amber": {"red", "amber"}}.get(fail_on or "", set())
    if any(r.status in failing for r in pic.rows):
        raise typer.Exit(int(ExitCode.GATE_FAILED))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _print_status(pic: Picture) -> None:
    from fvmcli.core.cutover import summaries_by, summary

    rows = pic.rows
    emit_table(
        [
            "unit",
            "name",
            "area",
            "phase",
            "type",
            "status",
            "score",
            "answered",
            "blockers",
            "overdue",
            "training",
            "equipment",
        ],
        [
            [
                r.unit,
                r.name,
                r.area,
                r.phase,
                r.type,
                r.status,
                f"{r.score:.0%}",
                f"{r.completeness:.0%}",
                r.blockers or "",
                r.overdue or "",
                _pct(r.training_coverage),
                _pct(r.equipment_readiness),
            ]
            for r in rows
        ],
        title=f"Readiness on {pic.checklist.title.get(pic.env.lang)}, as of "
        f"{pic.as_of.isoformat()}",
        styles=[STATUS_STYLE[r.status] for r in rows],
    )
    groups = [("all", summary(rows))]
    groups += [(f"area {k}", v) for k, v in summaries_by(rows, "area").items()]
    groups += [(f"type {k}", v) for k, v in summaries_by(rows, "type").items()]
    emit_table(
        ["", "units", "green", "amber", "red", "not-started", "mean score"],
        [
            [
                name,
                s["units"],
                s["green"],
                s["amber"],
                s["red"],
                s["not-started"],
                f"{s['mean_score']:.0%}",
            ]
            for name, s in groups
        ],
        title="Summary",
    )


@app.command("blockers")
def blockers(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    phase: int | None = PHASE,
    area: str | None = AREA,
    unit_type: str | None = TYPE,
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Every blocker and overdue critical item, with due date, days overdue, owner and waiver.

    Example: fvm cutover blockers --area sodra
    """
    env = get_env(ctx)
    pic = picture(env, checklist_id, phase, area, unit_type, as_of)
    texts = {q.id: q.text.get(env.lang) for q in pic.checklist.questions}
    items = [
        {
            "unit": b.unit,
            "name": b.name,
            "question": b.question,
            "text": texts[b.question],
            "due": b.due.isoformat() if b.due else None,
            "days_overdue": b.days_overdue,
            "owner": b.owner,
            "blocker": b.blocker,
            "waiver": b.waiver,
        }
        for b in sorted(pic.blockers, key=lambda b: (-b.days_overdue, b.unit, b.question))
    ]
    if as_json:
        emit_json({"as_of": pic.as_of.isoformat(), "checklist": pic.checklist.id, "items": items})
        return
    emit_table(
        ["unit", "question", "due", "days over", "owner", "waiver"],
        [
            [
                i["unit"],
                f"{i['question']}: {i['text']}",
                i["due"],
                i["days_overdue"],
                i["owner"],
                f"until {i['waiver']['until']}: {i['waiver']['reason']}" if i["waiver"] else None,
            ]
            for i in items
        ],
        title=f"{sum(1 for i in items if i['blocker'])} blockers, {len(items)} overdue "
        f"critical items, as of {pic.as_of.isoformat()}",
        styles=["red" if i["blocker"] else "yellow" for i in items],
    )


@app.command("snapshot")
def snapshot(
    ctx: typer.Context,
    label: str = typer.Argument(..., help="The assessment round, e.g. T-90."),
    checklist_id: str = CHECKLIST,
    as_of: str | None = AS_OF,
    by: str | None = typer.Option(None, "--by", help="Who takes it (env FVM_USER)."),
) -> None:
    """Freeze every unit's figures as of a date under a label (an assessment round).

    Example: fvm cutover snapshot T-90 --as-of 2026-11-26
    """
    from fvmcli.clock import now_iso
    from fvmcli.store.snapshots import save_snapshot

    env = get_env(ctx)
    pic = picture(env, checklist_id, None, None, None, as_of)
    rows = [
        {
            "unit_id": r.unit,
            "area": r.area,
            "phase": r.phase,
            "type": r.type,
            "score": r.score,
            "status": r.status,
            "completeness": r.completeness,
            "blockers": r.blockers,
            "overdue": r.overdue,
            "training_coverage": r.training_coverage,
            "equipment_readiness": r.equipment_readiness,
        }
        for r in pic.rows
    ]
    with env.db.write() as conn:
        replaced = save_snapshot(
            conn, label, pic.checklist.id, pic.as_of, rows, by=resolve_user(by), at=now_iso()
        )
    say(
        f"{'Replaced' if replaced else 'Took'} snapshot {label}: {len(rows)} units as of "
        f"{pic.as_of.isoformat()}."
    )


def trend_data(
    env: Env, checklist_id: str, phase: int | None, area: str | None, unit_type: str | None
) -> dict[str, Any]:
    """Return the trend across snapshots for the selected units."""
    from fvmcli.cli.units import selected_units
    from fvmcli.core.cutover import trend
    from fvmcli.store.snapshots import list_snapshots, snapshot_rows

    with env.db.read() as conn:
        ids = {u.id for u in selected_units(env, conn, area=area, phase=phase, unit_type=unit_type)}
        taken = list_snapshots(conn, env.checklist(checklist_id).id)
        rows = [r for r in snapshot_rows(conn, [s["label"] for s in taken]) if r["unit_id"] in ids]
    return trend(taken, rows)


@app.command("trend")
def trend_(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    phase: int | None = PHASE,
    area: str | None = AREA,
    unit_type: str | None = TYPE,
    as_json: bool = JSON,
) -> None:
    """Each unit's and each area's score across snapshots, so that stuck units show.

    Example: fvm cutover trend --phase 1
    """
    env = get_env(ctx)
    data = trend_data(env, checklist_id, phase, area, unit_type)
    if as_json:
        emit_json(data)
        return
    labels = [s["label"] for s in data["snapshots"]]
    if not labels:
        say("No snapshots yet. Take one with: fvm cutover snapshot LABEL")
        return

    def cells(scores: list[float | None]) -> list[str]:
        return ["–" if s is None else f"{s:.0%}" for s in scores]

    def change(value: float | None) -> str:
        return "–" if value is None else f"{value * 100:+.0f} pts"

    emit_table(
        ["area", *labels, "change"],
        [[a["area"], *cells(a["scores"]), change(a["change"])] for a in data["areas"]],
        title="Areas",
    )
    stuck = sorted(data["units"], key=lambda u: (u["change"] is None, u["change"] or 0))
    emit_table(
        ["unit", "area", *labels, "change"],
        [[u["unit"], u["area"], *cells(u["scores"]), change(u["change"])] for u in stuck],
        title="Units, least movement first",
    )


@app.command("report")
def report(
    ctx: typer.Context,
    output: Path = typer.Option(
        ..., "-o", "--output", help="FILE.html, .pdf, .xlsx, .csv or .json"
    ),
    checklist_id: str = CHECKLIST,
    phase: int | None = PHASE,
    area: str | None = AREA,
    unit_type: str | None = TYPE,
    as_of: str | None = AS_OF,
) -> None:
    """Write the go/no-go report for programme management, in the format the file names.

    Example: fvm cutover report --phase 1 -o etapp1.xlsx
    """
    from fvmcli.cli.writing import write_bytes
    from fvmcli.render import report as render_report

    kinds = {
        ".html": "html",
        ".htm": "html",
        ".pdf": "pdf",
        ".xlsx": "xlsx",
        ".csv": "csv",
        ".json": "json",
    }
    kind = kinds.get(output.suffix.lower())
    if kind is None:
        raise InputError(f"-o {output}: the file must end in .html, .pdf, .xlsx, .csv or .json")
    env = get_env(ctx)
    with progress(f"Report {output.name}", steps=3) as step:
        pic = picture(env, checklist_id, phase, area, unit_type, as_of)
        step()
        if kind == "json":
            import json

            data = json.dumps(pic.status_json(), ensure_ascii=False, indent=2).encode("utf-8")
        elif kind == "csv":
            data = render_report.units_csv(pic.rows).encode("utf-8")
        elif kind == "xlsx":
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
                render_report.workbook(pic, output)
            except OSError as exc:
                raise InputError(f"cannot write {output}: {exc.strerror}") from exc
            step()
            say(f"Wrote {output}")
            return
        else:
            trend = trend_data(env, checklist_id, phase, area, unit_type)
            html = render_report.html(env.content.template_dirs(), pic, trend)
            step()
            if kind == "pdf":
                from fvmcli.render.templates import html_to_pdf

                data = html_to_pdf(html)
            else:
                data = html.encode("utf-8")
        step()
    write_bytes(data, output)
