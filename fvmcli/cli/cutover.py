"""``fvm cutover``: readiness across the territory, the go/no-go gate, reports, rounds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import AS_OF, BY, CHECKLIST_OPTION, JSON, PLAIN_CSV, unit_filters
from fvmcli.cli.output import STATUS_STYLE, emit_json, progress, say, show, warn
from fvmcli.core.territory import territory_names
from fvmcli.errors import ExitCode
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import UNIT_STATUS, Column, fraction, with_names
from fvmcli.render.values import fraction_shown, number_shown, word

app = typer.Typer(
    help=GROUPS["cutover"][1],
    no_args_is_help=True,
)

SUMMARY = (
    Column("group", ""),
    Column("units", "units"),
    Column("green", "green"),
    Column("amber", "amber"),
    Column("red", "red"),
    Column("not-started", "not started"),
    Column("mean_score", "mean score", fraction),
)
BLOCKERS = (
    Column("unit", "unit"),
    Column("name", "name", table=False),
    Column("question", "question", cell=lambda i: f"{i['question']}: {i['text']}"),
    Column("text", "text", table=False),
    Column("due", "due"),
    Column("days_overdue", "days over"),
    Column("owner", "owner"),
    Column("blocker", "blocker", table=False),
    Column(
        "waiver",
        "waiver",
        lambda w: _("until {until}: {reason}").format(until=w["until"], reason=w["reason"]),
    ),
)


def print_status(
    status: Any,
    lang: str,
    *,
    limit: int | None = None,
    by: tuple[str, ...] = ("area", "type"),
    territory: Any = None,
) -> None:
    """Print the territory's units worst first (the ``limit`` worst, then how many more), then
    the summaries by status and by each of ``by`` (areas and types by their names in ``lang``
    when the ``territory`` is given)."""
    rows = status.rows[:limit] if limit else status.rows
    show(
        with_names(UNIT_STATUS, territory_names(territory, lang)) if territory else UNIT_STATUS,
        rows,
        as_json=False,
        title=_("Readiness on {lang}, as of {as_of}").format(
            lang=status.checklist.title.get(lang), as_of=status.as_of.isoformat()
        ),
        styles=[STATUS_STYLE[r.status] for r in rows],
    )
    if len(rows) < len(status.rows):
        say(
            _("… and {rows} more units: fvm cutover status lists them all.").format(
                rows=len(status.rows) - len(rows)
            )
        )
    names = territory_names(territory, lang) if territory is not None else {}
    groups = [{"group": _("all"), **status.summary()}]
    for key in by:
        groups += [
            {"group": names.get(key, {}).get(k) or f"{_(key)} {k}", **v}
            for k, v in status.summaries_by(key).items()
        ]
    show(SUMMARY, groups, as_json=False, title=_("Summary"))


@app.command("status")
@unit_filters()
def status(
    ctx: typer.Context,
    filters: Any,
    checklist_id: str = CHECKLIST_OPTION,
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
    from fvmcli.services.cutover import territory_status

    env = get_env(ctx)
    found = territory_status(
        env, filters, checklist_id=checklist_id, as_of=as_of, fail_on=fail_on, detail=False
    )
    if as_json:
        emit_json(found.as_json(stream=True))
    else:
        print_status(found, env.lang, territory=env.territory)
    warn_undated(found)
    if found.gate_failed:
        failing = found.failing(fail_on or "red")
        warn(
            ngettext(
                "--fail-on {level}: {n} unit is {what}; the gate fails (exit 1).",
                "--fail-on {level}: {n} units are {what}; the gate fails (exit 1).",
                failing,
            ).format(
                level=fail_on,
                n=failing,
                what=word("red") if fail_on == "red" else _("red or amber"),
            )
        )
        raise typer.Exit(int(ExitCode.GATE_FAILED))


def warn_undated(found: Any) -> None:
    """Say, on stderr, which selected phases have no go-live date: without one no item is
    overdue, so "0 blockers" there means "not known yet", not "none"."""
    for phase in found.undated_phases:
        warn(
            _(
                "Phase {phase} has no go-live date: no deadline of its units is known, so none "
                "is overdue yet. Set one with fvm phase set {phase} --go-live YYYY-MM-DD"
            ).format(phase=phase)
        )


@app.command("blockers")
@unit_filters()
def blockers(
    ctx: typer.Context,
    filters: Any,
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Every blocker and overdue critical item, with due date, days overdue, owner and waiver.

    Example: fvm cutover blockers --area sodra
    """
    from dataclasses import asdict

    from fvmcli.services.cutover import territory_status

    env = get_env(ctx)
    found = territory_status(env, filters, checklist_id=checklist_id, as_of=as_of)
    texts = {q.id: q.text.get(env.lang) for q in found.checklist.questions}
    items = [{**asdict(b), "text": texts[b.question]} for b in found.blockers]
    if as_json:
        emit_json(
            {
                "as_of": found.as_of.isoformat(),
                "checklist": found.checklist.id,
                "items": [{c.key: item[c.key] for c in BLOCKERS if c.data} for item in items],
            }
        )
        return
    show(
        BLOCKERS,
        items,
        as_json=False,
        title=_("{sum} blockers, {count} overdue critical items, as of {as_of}").format(
            sum=sum(1 for i in items if i["blocker"]),
            count=len(items),
            as_of=found.as_of.isoformat(),
        ),
        styles=["red" if i["blocker"] else "yellow" for i in items],
    )
    warn_undated(found)


@app.command("snapshot")
def snapshot(
    ctx: typer.Context,
    label: str = typer.Argument(..., help="The assessment round, e.g. T-90."),
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
    replace: bool = typer.Option(False, "--replace", help="Overwrite a snapshot of this label."),
    by: str | None = BY,
) -> None:
    """Freeze every unit's figures as of a date under a label (an assessment round).

    Example: fvm cutover snapshot T-90 --as-of 2026-11-26
    """
    from fvmcli.services.cutover import snapshot as take

    taken = take(
        get_env(ctx), label, checklist_id=checklist_id, as_of=as_of, replace=replace, by=by
    )
    say(
        _("{replaced} snapshot {label}: {units} units as of {as_of}.").format(
            replaced=_("Replaced") if taken.replaced else _("Took"),
            label=label,
            units=taken.units,
            as_of=taken.as_of.isoformat(),
        )
    )


def _points(value: float | None) -> str:
    return "–" if value is None else _("{value:+.0f} pts").format(value=value * 100)


@app.command("trend")
@unit_filters()
def trend(
    ctx: typer.Context,
    filters: Any,
    checklist_id: str = CHECKLIST_OPTION,
    as_json: bool = JSON,
) -> None:
    """Each unit's and each area's score across snapshots, so that stuck units show.

    Example: fvm cutover trend --phase 1
    """
    from fvmcli.services.cutover import trend as trend_of

    data = trend_of(get_env(ctx), filters, checklist_id=checklist_id)
    if as_json:
        emit_json(data)
        return
    labels = [s["label"] for s in data["snapshots"]]
    if not labels:
        say(_("No snapshots yet. Take one with: fvm cutover snapshot LABEL"))
        return
    rounds = [Column(label, label, cell=_round(i)) for i, label in enumerate(labels)]
    change = Column("change", "change", _points, empty="–")
    show((Column("area", "area"), *rounds, change), data["areas"], as_json=False, title=_("Areas"))
    stuck = sorted(data["units"], key=lambda u: (u["change"] is None, u["change"] or 0))
    show(
        (Column("unit", "unit"), Column("area", "area"), *rounds, change),
        stuck,
        as_json=False,
        title=_("Units, least movement first"),
    )


def _round(index: int) -> Callable[[dict[str, Any]], str]:
    """Return the cell maker of one snapshot's score."""

    def cell(row: dict[str, Any]) -> str:
        value = row["scores"][index]
        return fraction_shown(value)

    return cell


MOVED = (
    Column("unit", "unit"),
    Column("name", "name"),
    Column("area", "area"),
    Column("status_from", "from", word),
    Column("status_to", "to", word),
    Column("score_from", "score from", fraction),
    Column("score_to", "score to", fraction),
    Column("change", "change", _points),
)
AREA_MOVED = (
    Column("area", "area"),
    Column("units", "units"),
    Column("mean_from", "mean from", fraction),
    Column("mean_to", "mean to", fraction),
    Column("better", "better"),
    Column("worse", "worse"),
    Column("blockers_from", "blockers from"),
    Column("blockers_to", "blockers to"),
)
BLOCKER_MOVED = (
    Column("unit", "unit"),
    Column("question", "question"),
    Column("text", "text"),
)


@app.command("diff")
@unit_filters()
def diff(
    ctx: typer.Context,
    filters: Any,
    start: str = typer.Argument(..., metavar="FROM", help="A snapshot label, e.g. T-90."),
    end: str = typer.Argument("now", metavar="[TO]", help="A later snapshot label, or now."),
    checklist_id: str = CHECKLIST_OPTION,
    top: int = typer.Option(10, "--top", help="How many of the largest score movements."),
    as_json: bool = JSON,
) -> None:
    """What moved between two assessment rounds: units whose status changed (worse first),
    new and resolved blockers, the largest score movements, and a summary by area.

    Examples:
      fvm cutover diff T-90            (from round T-90 to today)
      fvm cutover diff T-90 T-60 --area södra --json
    """
    from fvmcli.services.cutover import diff as diff_of

    env = get_env(ctx)
    found = diff_of(env, start, end, filters, checklist_id=checklist_id, top=top)
    if as_json:
        emit_json(found.as_json())
        return
    print_diff(found)


def round_word(label: str) -> str:
    """Return a round's label as shown: ``now`` is the word of the current language."""
    return _("now") if label == "now" else label


def print_diff(found: Any) -> None:
    """Print what moved between the two rounds, one table per part."""
    data = found.as_json()
    span = (
        f"{round_word(found.start.label)} ({found.start.as_of.isoformat()}) → "
        f"{round_word(found.end.label)} ({found.end.as_of.isoformat()})"
    )
    changed = data["changed"]
    if changed:
        show(
            MOVED,
            changed,
            as_json=False,
            title=_("Status changed, {span}: {worse} worse, {better} better").format(
                span=span,
                worse=sum(1 for c in changed if c["direction"] == "worse"),
                better=sum(1 for c in changed if c["direction"] == "better"),
            ),
            styles=["red" if c["direction"] == "worse" else "green" for c in changed],
        )
    else:
        say(_("No unit changed status, {span}.").format(span=span))
    texts = found.texts
    for key, title, style in (
        ("new_blockers", _("New blockers"), "red"),
        ("resolved_blockers", _("Resolved blockers"), "green"),
    ):
        items = [{**b, "text": texts.get(b["question"], "")} for b in data[key]]
        if items:
            show(
                BLOCKER_MOVED,
                items,
                as_json=False,
                title=f"{title} ({len(items)})",
                styles=[style] * len(items),
            )
    if not data["blockers_known"]:
        say(
            _(
                "Round {label} was taken before fvm kept which questions were "
                "blockers: only their numbers are compared (in the areas below)."
            ).format(label=found.start.label)
        )
    elif not data["new_blockers"] and not data["resolved_blockers"]:
        say(_("No blocker came or went."))
    if data["movements"]:
        show(MOVED, data["movements"], as_json=False, title=_("Largest score movements"))
    areas = [{"area": a, **v} for a, v in data["by_area"].items()]
    show(AREA_MOVED, areas, as_json=False, title=_("By area"))
    for key, words in (("added", _("New since the first round")), ("removed", _("Gone since"))):
        if data[key]:
            say(f"{words}: {', '.join(data[key])}")


@app.command("watch")
@unit_filters()
def watch(
    ctx: typer.Context,
    filters: Any,
    every: float = typer.Option(
        30.0, "--every", min=0.2, metavar="SECONDS", help="Seconds between refreshes."
    ),
    by: str = typer.Option("area", "--by", metavar="area|phase", help="One bar per area or phase."),
    checklist_id: str = CHECKLIST_OPTION,
    count: int = typer.Option(
        0, "--count", min=0, help="Stop after this many refreshes (0: run until Ctrl-C)."
    ),
) -> None:
    """A live view for the command centre: units per status, a bar per area or phase, the
    blockers, and the latest changes (who, what, when), read again every --every seconds and
    fitted to the terminal. Ctrl-C ends it.

    Example: fvm cutover watch --phase 1 --every 10
    """
    from fvmcli.cli.watch import run
    from fvmcli.services.cutover import watch_frame

    env = get_env(ctx)
    first: list[Any] = [watch_frame(env, filters, by=by, checklist_id=checklist_id)]

    def fetch() -> Any:
        # The first frame was read before the screen opened, so bad input is refused plainly.
        return first.pop() if first else watch_frame(env, filters, by=by, checklist_id=checklist_id)

    run(fetch, every, count)


FORECAST = (
    Column("unit", "unit"),
    Column("name", "name", shrink=True),
    Column("score", "score", fraction),
    Column(
        "slope_per_day",
        "pts/week",
        lambda b: ("+" if b > 0 else "") + number_shown(round(b * 700, 1)),
    ),
    Column("forecast", "forecast", word),
    Column("projected", "green on"),
    Column("go_live", "go-live"),
    Column("days_late", "days late"),
    Column("blockers", "blockers"),
    Column("points", "points", table=False),
)
FORECAST_SUMMARY = (
    Column("group", ""),
    Column("late", "late"),
    Column("stalled", "stalled"),
    Column("unknown", "unknown"),
    Column("on-track", "on track"),
    Column("ready", "ready"),
)
FORECAST_STYLE = {"late": "red", "stalled": "yellow", "unknown": "blue"}


@app.command("forecast")
@unit_filters()
def forecast(
    ctx: typer.Context,
    filters: Any,
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Will each unit be green by go-live at its present pace? From its score in the stored
    rounds (fvm cutover snapshot) and now: the slope, the day it reaches green, and ready,
    on track, late, stalled or unknown; worst first, with a summary per phase and area.

    Example: fvm cutover forecast --phase 1
    """
    from fvmcli.services.forecast import territory_forecast

    env = get_env(ctx)
    found = territory_forecast(env, filters, checklist_id=checklist_id, as_of=as_of)
    if as_json:
        emit_json(found.as_json())
        return
    rows = [u.as_dict() for u in found.units]
    show(
        FORECAST,
        rows,
        as_json=False,
        title=_("Forecast to green ({green}) on {checklist}, as of {as_of}").format(
            green=fraction(found.green), checklist=found.checklist, as_of=found.as_of.isoformat()
        ),
        styles=[FORECAST_STYLE.get(r["forecast"]) for r in rows],
    )
    areas = territory_names(env.territory, env.lang)["area"]
    groups = [{"group": _("all"), **found.summary()}]
    groups += [
        {"group": _("phase {phase}").format(phase=k), **v}
        for k, v in found.summaries_by("phase").items()
    ]
    groups += [{"group": areas.get(k, k), **v} for k, v in found.summaries_by("area").items()]
    show(FORECAST_SUMMARY, groups, as_json=False, title=_("Summary"))
    if not any(u.found.points > 1 for u in found.units):
        say(_("A forecast needs rounds: take one with fvm cutover snapshot LABEL."))


@app.command("report")
@unit_filters()
def report(
    ctx: typer.Context,
    filters: Any,
    output: Path = typer.Option(
        ..., "-o", "--output", help="FILE.html, .pdf, .xlsx, .csv or .json"
    ),
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
    since: str | None = typer.Option(
        None,
        "--since",
        metavar="LABEL",
        help="Add what moved since this snapshot (HTML, PDF, XLSX and JSON).",
    ),
    plain: bool = PLAIN_CSV,
) -> None:
    """Write the go/no-go report for programme management, in the format the file names.

    Examples:
      fvm cutover report --phase 1 -o etapp1.xlsx
      fvm cutover report --since T-90 -o styrgrupp.pdf
    """
    from fvmcli.cli.writing import report_format, write_report
    from fvmcli.services.cutover import report as report_of

    kind = report_format(output)
    env = get_env(ctx)
    with progress(_("Report {name}").format(name=output.name), steps=2) as step:
        found = report_of(
            env,
            filters,
            checklist_id=checklist_id,
            as_of=as_of,
            since=since,
            detail=kind not in ("csv", "json"),
        )
        step()
        write_report(env, found, kind, output, plain=plain)
        step()
