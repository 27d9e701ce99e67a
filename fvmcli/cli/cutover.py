"""``fvm cutover``: readiness across the territory, the go/no-go gate, reports, rounds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import (
    AS_OF,
    BY,
    CHECKLIST_OPTION,
    PLAIN_CSV,
    output_options,
    unit_filters,
)
from fvmcli.cli.output import Output, progress, say, warn
from fvmcli.errors import ExitCode
from fvmcli.i18n import _

app = typer.Typer(
    help=GROUPS["cutover"][1],
    no_args_is_help=True,
)


@app.command("status")
@unit_filters()
@output_options(csv=True)
def status(
    ctx: typer.Context,
    filters: Any,
    out: Output,
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
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
    from fvmcli.cli.views.cutover import gate_warning, status_view, warn_undated
    from fvmcli.services.cutover import territory_status

    env = get_env(ctx)
    found = territory_status(
        env,
        filters,
        checklist_id=checklist_id,
        as_of=as_of,
        fail_on=fail_on,
        detail=False,
        past_damage=True,
    )
    out.emit(status_view(found, env.lang, env.territory))
    warn_undated(found)
    if found.gate_failed:
        warn(gate_warning(found, fail_on or "red"))
    if found.damaged:
        from fvmcli.services.readiness import damaged_units

        raise damaged_units(found.damaged, found.checklist.id)
    if found.gate_failed:
        raise typer.Exit(int(ExitCode.GATE_FAILED))


@app.command("blockers")
@unit_filters()
@output_options(csv=True)
def blockers(
    ctx: typer.Context,
    filters: Any,
    out: Output,
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
) -> None:
    """Every blocker and overdue critical item, with due date, days overdue, owner and waiver.

    Example: fvm cutover blockers --area central
    """
    from fvmcli.cli.views.cutover import blockers_view, warn_undated
    from fvmcli.services.cutover import territory_blockers

    found = territory_blockers(get_env(ctx), filters, checklist_id=checklist_id, as_of=as_of)
    out.emit(blockers_view(found))
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
    from fvmcli.services.rounds import snapshot as take

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


@app.command("trend")
@unit_filters()
@output_options()
def trend(
    ctx: typer.Context,
    filters: Any,
    out: Output,
    checklist_id: str = CHECKLIST_OPTION,
) -> None:
    """Each unit's and each area's score across snapshots, so that stuck units show.

    Example: fvm cutover trend --phase 1
    """
    from fvmcli.cli.views.cutover import trend_view
    from fvmcli.services.rounds import trend as trend_of

    env = get_env(ctx)
    out.emit(trend_view(trend_of(env, filters, checklist_id=checklist_id), env.territory, env.lang))


@app.command("diff")
@unit_filters()
@output_options()
def diff(
    ctx: typer.Context,
    filters: Any,
    out: Output,
    start: str = typer.Argument(..., metavar="FROM", help="A snapshot label, e.g. T-90."),
    end: str = typer.Argument("now", metavar="[TO]", help="A later snapshot label, or now."),
    checklist_id: str = CHECKLIST_OPTION,
    top: int = typer.Option(10, "--top", help="How many of the largest score movements."),
) -> None:
    """What moved between two assessment rounds: units whose status changed (worse first),
    new and resolved blockers, the largest score movements, and a summary by area.

    Examples:
      fvm cutover diff T-90            (from round T-90 to today)
      fvm cutover diff T-90 T-60 --area södra --json
    """
    from fvmcli.cli.views.cutover import diff_view
    from fvmcli.services.rounds import diff as diff_of

    found = diff_of(get_env(ctx), start, end, filters, checklist_id=checklist_id, top=top)
    out.emit(diff_view(found))


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
    from fvmcli.services.report import watch_frame

    env = get_env(ctx)
    first: list[Any] = [watch_frame(env, filters, by=by, checklist_id=checklist_id)]

    def fetch() -> Any:
        # The first frame was read before the screen opened, so bad input is refused plainly.
        return first.pop() if first else watch_frame(env, filters, by=by, checklist_id=checklist_id)

    run(fetch, every, count)


@app.command("forecast")
@unit_filters()
@output_options(csv=True)
def forecast(
    ctx: typer.Context,
    filters: Any,
    out: Output,
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
) -> None:
    """Will each unit be green by go-live at its present pace? From its score in the stored
    rounds (fvm cutover snapshot) and now: the slope, the day it reaches green, and ready,
    on track, late, stalled or unknown; worst first, with a summary per phase and area.

    Example: fvm cutover forecast --phase 1
    """
    from fvmcli.cli.views.cutover import forecast_view
    from fvmcli.services.forecast import territory_forecast

    env = get_env(ctx)
    found = territory_forecast(env, filters, checklist_id=checklist_id, as_of=as_of)
    out.emit(forecast_view(found, env.territory, env.lang))


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
    run: str | None = typer.Option(
        None,
        "--run",
        metavar="NAME",
        help="Add a cut-over run: planned against actual, slip, critical path, late tasks.",
    ),
) -> None:
    """Write the go/no-go report for programme management, in the format the file names.

    Examples:
      fvm cutover report --phase 1 -o etapp1.xlsx
      fvm cutover report --since T-90 -o styrgrupp.pdf
      fvm cutover report --phase 1 --run skarp -o helgen.html
    """
    from fvmcli.cli.writing import report_format, write_report
    from fvmcli.services.report import report as report_of

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
            run=run,
        )
        step()
        write_report(env, found, kind, output, plain=plain)
        step()


@app.command("chains")
@unit_filters(units=True)
@output_options(csv=True)
def chains(
    ctx: typer.Context,
    filters: Any,
    out: Output,
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
) -> None:
    """Which chains of open items can no longer finish before go-live? Each open item's
    earliest finish is today plus the durations of its open prerequisites and its own; the
    chains that end after their phase's go-live are listed, longest first, with every link,
    owner and due date.

    Examples: fvm cutover chains --phase 1
    fvm cutover chains --unit su-avd12 --json
    """
    from fvmcli.cli.views.chains import chains_view
    from fvmcli.services.chains import chains as find_chains

    out.emit(chains_view(find_chains(get_env(ctx), checklist_id, filters, as_of)))


@app.command("timeline")
@output_options(csv=True)
def timeline(
    ctx: typer.Context,
    out: Output,
    phase: int = typer.Option(..., "--phase", metavar="N", help="The phase."),
    area: str | None = typer.Option(None, "--area", metavar="A", help="Only this area."),
    unit_ids: list[str] | None = typer.Option(None, "--unit", metavar="ID", help="Only this unit."),
    owner: str | None = typer.Option(None, "--owner", metavar="O", help="Only this owner's items."),
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
    output: Path | None = typer.Option(
        None, "-o", "--output", help="FILE.xlsx (to print) or FILE.ics (deadlines as events)."
    ),
) -> None:
    """The twelve-month plan: per month from T-12m to go-live, what falls due for each owner
    (open, done, overdue, waiting for a prerequisite).

    Examples: fvm cutover timeline --phase 1
    fvm cutover timeline --phase 1 --owner project-lead -o plan.ics
    """
    from fvmcli.cli.views.chains import timeline_view
    from fvmcli.services.chains import timeline as make_timeline
    from fvmcli.services.territory import UnitFilter

    env = get_env(ctx)
    chosen = UnitFilter(tuple(unit_ids or ()), area)
    if output is not None:
        from fvmcli.cli.writing import timeline_format, write_timeline

        kind = timeline_format(output)
        found = make_timeline(env, checklist_id, phase, chosen, owner, as_of, items=kind == "ics")
        write_timeline(env, found, kind, output)
        return
    out.emit(timeline_view(make_timeline(env, checklist_id, phase, chosen, owner, as_of)))


@app.command("whatif")
@output_options()
def whatif(
    ctx: typer.Context,
    out: Output,
    phase: int = typer.Option(..., "--phase", metavar="N", help="The phase."),
    go_live: str = typer.Option(
        ..., "--go-live", metavar="YYYY-MM-DD", help="The go-live date to try."
    ),
    as_of: str | None = AS_OF,
) -> None:
    """What would a date cost? Recomputes the phase as if it went live on another day:
    deadlines, overdue items, blockers, statuses, forecasts, the training plan, waivers that
    would expire and the gate's criteria, beside the real date. Nothing is stored.

    Example: fvm cutover whatif --phase 1 --go-live 2027-03-15
    """
    from fvmcli.cli.views.whatif import whatif_view
    from fvmcli.services.whatif import what_if

    env = get_env(ctx)
    out.emit(whatif_view(what_if(env, phase, go_live, as_of), env.gate, env.lang))
