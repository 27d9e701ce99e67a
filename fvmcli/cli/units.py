"""``fvm unit``: the units of the territory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import BY, DRY_RUN, ENCODING, output_options, unit_filters
from fvmcli.cli.output import Listing, Output, importing, say
from fvmcli.core.territory import territory_names
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import Column, with_names

app = typer.Typer(help=GROUPS["unit"][1], no_args_is_help=True)

UNITS = (
    Column("id", "id"),
    Column("name", "name"),
    Column("area", "area"),
    Column("phase", "phase"),
    Column("type", "type"),
    Column("staff", "staff"),
    Column("municipality", "municipality"),
    Column("parent", "parent"),
)


@app.command("add")
def add(
    ctx: typer.Context,
    unit_id: str = typer.Argument(..., metavar="ID", help="Stable id, e.g. su-avd-12."),
    name: str = typer.Option(..., "--name", help="Display name; å, ä, ö welcome."),
    area: str = typer.Option(..., "--area", help="The area: its id or name in territory.toml."),
    unit_type: str = typer.Option(
        ...,
        "--type",
        help="A unit type of the territory (unit_types in checklists/territory.toml).",
    ),
    staff: int | None = typer.Option(None, "--staff", min=0, help="Number of staff."),
    municipality: str | None = typer.Option(None, "--municipality", help="Municipality name."),
    parent: str | None = typer.Option(None, "--parent", help="Id of the parent unit."),
    email: str | None = typer.Option(
        None, "--email", help="A functional mailbox that receives reminders (fvm remind)."
    ),
    by: str | None = BY,
) -> None:
    """Add one unit.

    Example: fvm unit add clinic-12 --name "Clinic 12" --area central --type clinic
    """
    from fvmcli.core.model import Unit
    from fvmcli.services.territory import add_unit

    unit = Unit(
        unit_id,
        name.strip(),
        area,
        unit_type,
        staff,
        municipality or None,
        parent or None,
        (email or "").strip() or None,
    )
    from fvmcli.core.territory import territory_names

    env = get_env(ctx, creates=True)
    added = add_unit(env, unit, by=by)
    areas = territory_names(env.territory, env.lang)["area"]
    say(
        _("Added unit {id} ({name}) in {area}, phase {phase}.").format(
            id=added.id, name=added.name, area=areas.get(added.area, added.area), phase=added.phase
        )
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="CSV: id, name, area, type[, staff, municipality, parent, email]."
    ),
    dry_run: bool = DRY_RUN,
    by: str | None = BY,
    encoding: str | None = ENCODING,
) -> None:
    """Add or update units from a CSV file (UTF-8, ',' or ';'). Nothing is stored if any row is bad.

    Example: fvm unit import enheter.csv --dry-run
    """
    from fvmcli.cli.writing import say_imported
    from fvmcli.services.territory import import_units

    with importing(file):
        outcome = import_units(
            get_env(ctx, creates=True), file, dry_run=dry_run, by=by, encoding=encoding
        )
    counted = ngettext("{rows} unit", "{rows} units", outcome.rows)
    say_imported(counted.format(rows=outcome.rows), file, outcome)


@app.command("list")
@unit_filters()
@output_options(csv=True)
def list_(ctx: typer.Context, filters: Any, out: Output) -> None:
    """List units, optionally filtered.

    Example: fvm unit list --phase 3 --type clinic --json
    """
    from fvmcli.services.territory import list_units

    env = get_env(ctx)
    found = list_units(env, filters)
    columns = with_names(UNITS, territory_names(env.territory, env.lang))  # ids stay in data
    out.emit(Listing(columns, found, title=_("{count} units").format(count=len(found))))


@app.command("show")
@output_options()
def show_(
    ctx: typer.Context,
    out: Output,
    unit_id: str = typer.Argument(..., metavar="ID"),
) -> None:
    """Show one unit with its phase, go-live date and sub-units.

    Example: fvm unit show su-avd-12
    """
    from fvmcli.cli.views.system import unit_detail_view
    from fvmcli.services.territory import show_unit

    out.emit(unit_detail_view(show_unit(get_env(ctx), unit_id)))
