"""``fvm hypercare``: the weeks after go-live, unit by unit and day by day, against pause
criteria agreed in advance."""

from __future__ import annotations

from pathlib import Path

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import BY, DRY_RUN, ENCODING, output_options
from fvmcli.cli.output import Output, importing, say
from fvmcli.errors import ExitCode
from fvmcli.i18n import _, ngettext
from fvmcli.render.values import number_shown, word

app = typer.Typer(help=GROUPS["hypercare"][1], no_args_is_help=True)

PHASE = typer.Option(..., "--phase", metavar="N", help="The phase.")
DAY = typer.Option(
    None, "--day", metavar="YYYY-MM-DD", help="The day of hypercare (default: today)."
)
AREA = typer.Option(None, "--area", metavar="A", help="Only this area.")


@app.command("record")
def record(
    ctx: typer.Context,
    unit: str = typer.Argument(..., metavar="UNIT", help="The unit's id."),
    indicator: str = typer.Argument(
        ..., metavar="INDICATOR", help="The indicator's id (hypercare.toml)."
    ),
    value: str = typer.Argument(
        ..., metavar="VALUE", help="A count (0 or more) or a percent (0–100)."
    ),
    day: str | None = DAY,
    comment: str | None = typer.Option(None, "--comment", help="A note kept with the value."),
    by: str | None = BY,
) -> None:
    """Record a unit's value of an indicator for a day of hypercare; a later value for the
    same day replaces it, and the history keeps both.

    Examples: fvm hypercare record ward-7 p1-incidents 2
    fvm hypercare record clinic-12 staffing 82,5 --day 2027-03-02 --comment "Två sjuka"
    """
    from fvmcli.services.hypercare import record_value

    done = record_value(
        get_env(ctx, creates=True), unit, indicator, value, day=day, comment=comment, by=by
    )
    say(
        _("{unit} · {indicator} · {day}: {value} ({outcome}).").format(
            unit=done.unit,
            indicator=done.indicator,
            day=done.day.isoformat(),
            value=number_shown(done.value),
            outcome=word(done.outcome),
        )
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ...,
        metavar="FILE",
        help="CSV or XLSX: unit, indicator, day, value[, comment] "
        "(or enhet, indikator, dag, värde, kommentar).",
    ),
    dry_run: bool = DRY_RUN,
    by: str | None = BY,
    encoding: str | None = ENCODING,
) -> None:
    """Import the day's values from the export of an incident or staffing system. Nothing is
    stored if any row is bad, and every bad row is named.

    Examples: fvm hypercare import incidenter-2027-03-02.csv --dry-run
    fvm hypercare import bemanning.xlsx
    """
    from fvmcli.services.hypercare import import_values

    with importing(file):
        done = import_values(
            get_env(ctx, creates=True), file, dry_run=dry_run, by=by, encoding=encoding
        )
    verb = _("Would save") if dry_run else _("Saved")
    say(
        ngettext(
            "{verb} {values} value for {units} unit(s) from {file}: {added} new, "
            "{changed} changed, {unchanged} unchanged.",
            "{verb} {values} values for {units} unit(s) from {file}: {added} new, "
            "{changed} changed, {unchanged} unchanged.",
            done.values,
        ).format(
            verb=verb,
            values=done.values,
            units=done.units,
            file=file,
            added=done.added,
            changed=done.changed,
            unchanged=done.unchanged,
        )
    )


@app.command("status")
@output_options(csv=True)
def status(
    ctx: typer.Context,
    out: Output,
    phase: int = PHASE,
    day: str | None = DAY,
    area: str | None = AREA,
) -> None:
    """Show a day of a phase's hypercare: each unit's state (pause, alert, missing or ok)
    with the indicators beyond their thresholds, the pause criteria and the verdict, continue
    or pause. Missing data is never ok. Exits 1 when the verdict is pause.

    Examples: fvm hypercare status --phase 1
    fvm hypercare status --phase 1 --day 2027-03-03 --area central --json
    """
    from fvmcli.cli.views.hypercare import status_view
    from fvmcli.services.hypercare import hypercare_status

    env = get_env(ctx)
    found = hypercare_status(env, phase, day=day, area=area)
    out.emit(status_view(found, env.hypercare, env.lang))
    if found.verdict != "continue":
        raise typer.Exit(ExitCode.GATE_FAILED)


@app.command("trend")
@output_options(csv=True)
def trend(ctx: typer.Context, out: Output, phase: int = PHASE, area: str | None = AREA) -> None:
    """Show each day since go-live: units in each state, the criteria not met, the verdict.

    Example: fvm hypercare trend --phase 1
    """
    from fvmcli.cli.views.hypercare import trend_view
    from fvmcli.services.hypercare import hypercare_trend

    out.emit(trend_view(hypercare_trend(get_env(ctx), phase, area=area)))
