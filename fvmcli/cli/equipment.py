"""``fvm equipment``: the recommendations catalog, counts per unit, readiness and needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import BY, DRY_RUN, ENCODING, FORMAT, OUTPUT, output_options, unit_filters
from fvmcli.cli.output import Output, importing, say
from fvmcli.i18n import _, ngettext

app = typer.Typer(
    help=GROUPS["equipment"][1],
    no_args_is_help=True,
)

UNIT = typer.Argument(..., metavar="UNIT", help="The unit.")
ITEM = typer.Argument(..., metavar="ITEM", help="Catalog item id, e.g. care-client.")


@app.command("catalog")
@output_options(csv=True)
def catalog(ctx: typer.Context, out: Output) -> None:
    """List the equipment recommendations per unit type.

    Example: fvm equipment catalog --json
    """
    from fvmcli.cli.views.equipment import catalog_view
    from fvmcli.services.equipment import catalog_rows

    env = get_env(ctx)
    out.emit(catalog_view(catalog_rows(env), env.territory.unit_types, env.lang))


@app.command("count")
def count(
    ctx: typer.Context,
    unit_id: str = UNIT,
    item: str = ITEM,
    present: int = typer.Option(..., "--present", help="How many are in place."),
    configured: int | None = typer.Option(
        None, "--configured", help="How many of those are configured (default: as before, else 0)."
    ),
    tested: int | None = typer.Option(
        None, "--tested", help="How many of those are tested (default: as before, else 0)."
    ),
    by: str | None = BY,
) -> None:
    """Record a unit's count of one item: present ≥ configured ≥ tested ≥ 0.

    Example: fvm equipment count ward-7 workstation --present 12 --configured 10 --tested 8
    """
    from fvmcli.services.equipment import count as save_count

    saved = save_count(
        get_env(ctx), unit_id, item, present=present, configured=configured, tested=tested, by=by
    )
    c = saved.count
    say(
        _("{unit} · {item}: present {present}, configured {configured}, tested {tested}").format(
            unit=saved.unit, item=item, present=c.present, configured=c.configured, tested=c.tested
        )
        + ("" if saved.changed else " " + _("(unchanged)"))
    )


@app.command("require")
def require(
    ctx: typer.Context,
    unit_id: str = UNIT,
    item: str = ITEM,
    quantity: int | None = typer.Argument(None, metavar="N", help="Required quantity."),
    clear: bool = typer.Option(
        False, "--clear", help="Remove the override: back to the recommendation."
    ),
    by: str | None = BY,
) -> None:
    """Override the recommended quantity of one item for one unit.

    Example: fvm equipment require clinic-12 printer 3
    """
    from fvmcli.errors import InputError
    from fvmcli.services.equipment import require as set_requirement

    if clear == (quantity is not None):
        raise InputError(_("give a quantity N, or --clear to go back to the recommendation"))
    done = set_requirement(get_env(ctx), unit_id, item, quantity, by=by)
    old = done.previous
    was = _(" (was {old})").format(old=old) if old is not None and old != quantity else ""
    if quantity is None:
        say(
            _("{unit} · {item}: back to the recommended quantity{was}.").format(
                unit=done.unit, item=item, was=was
            )
        )
    else:
        say(
            _("{unit} · {item}: {quantity} required{was}.").format(
                unit=done.unit, item=item, quantity=quantity, was=was
            )
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV: unit, item, present[, configured, tested]."),
    dry_run: bool = DRY_RUN,
    by: str | None = BY,
    encoding: str | None = ENCODING,
) -> None:
    """Import counts from CSV (blank configured/tested = 0). Nothing is stored if any row is bad.

    Example: fvm equipment import inventering.csv --dry-run
    """
    from fvmcli.services.equipment import import_counts

    with importing(file):
        done = import_counts(
            get_env(ctx, creates=True), file, dry_run=dry_run, by=by, encoding=encoding
        )
    verb = _("Would save") if dry_run else _("Saved")
    say(
        ngettext(
            "{verb} {changed} of {counts} counts (new or changed) for {units} unit from {file}; "
            "{unchanged} unchanged.",
            "{verb} {changed} of {counts} counts (new or changed) for {units} units from {file}; "
            "{unchanged} unchanged.",
            done.units,
        ).format(
            verb=verb,
            changed=done.changed,
            counts=done.counts,
            units=done.units,
            file=file,
            unchanged=done.counts - done.changed,
        )
    )


@app.command("show")
@output_options(csv=True)
def show_(ctx: typer.Context, out: Output, unit_id: str = UNIT) -> None:
    """Show a unit's equipment: required, present, configured, tested, missing, readiness.

    Example: fvm equipment show ward-7
    """
    from fvmcli.cli.views.equipment import unit_view
    from fvmcli.services.equipment import show as unit_equipment

    env = get_env(ctx)
    out.emit(unit_view(unit_equipment(env, unit_id), env.territory, env.lang))


@app.command("gaps")
@unit_filters(units=True)
@output_options(csv=True)
def gaps(ctx: typer.Context, filters: Any, out: Output) -> None:
    """The territory's needs: per item, what to procure, configure and test, summed over units.

    Example: fvm equipment gaps --phase 1 --type clinic --json
    """
    from fvmcli.cli.views.equipment import needs_view
    from fvmcli.services.equipment import gaps as needs

    env = get_env(ctx)
    out.emit(needs_view(needs(env, filters), env.catalog, env.lang))


@app.command("print")
def print_(
    ctx: typer.Context,
    unit_id: str = UNIT,
    fmt: str | None = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Print a count sheet for walking the unit: items, required quantity, boxes to fill in.

    Example: fvm equipment print clinic-12 -o clinic-12-inventering.pdf
    """
    from fvmcli.cli.writing import choose_format, write_document
    from fvmcli.services.equipment import count_sheet

    env = get_env(ctx)
    kind = choose_format(fmt, output, ("html", "md", "pdf"))
    write_document(env, "equipment", kind, count_sheet(env, unit_id), output)
