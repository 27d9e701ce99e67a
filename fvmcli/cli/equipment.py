"""``fvm equipment``: the recommendations catalog, counts per unit, readiness and needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import BY, DRY_RUN, ENCODING, FORMAT, JSON, OUTPUT, unit_filters
from fvmcli.cli.output import emit_json, importing, say, show
from fvmcli.i18n import _
from fvmcli.render.columns import Column, blank_zero
from fvmcli.render.values import number_shown, percent_shown, word

app = typer.Typer(
    help=GROUPS["equipment"][1],
    no_args_is_help=True,
)

UNIT = typer.Argument(..., metavar="UNIT", help="The unit.")
ITEM = typer.Argument(..., metavar="ITEM", help="Catalog item id, e.g. care-client.")

NEEDS = (
    Column("item", "item"),
    Column("required", "required"),
    Column("present", "present"),
    Column("configured", "configured"),
    Column("tested", "tested"),
    Column("to_procure", "to procure", blank_zero),
    Column("to_configure", "to configure", blank_zero),
    Column("to_test", "to test", blank_zero),
)
UNIT_ITEMS = (
    NEEDS[0],
    Column("name", "name"),
    Column("category", "category", table=False),
    Column(
        "required",
        "required",
        cell=lambda i: f"{i['required']}{'*' if i['override'] is not None else ''}",
    ),
    Column("override", "override", table=False),
    *NEEDS[2:],
)


def _rule(rule: Any) -> str:
    if rule is None:
        return "–"
    per = (
        _("{n} per person").format(n=number_shown(float(rule.per_staff))) if rule.per_staff else ""
    )
    return (
        ", ".join(x for x in (per, _("min {min}").format(min=rule.min) if rule.min else "") if x)
        or "0"
    )


def _rule_of(unit_type: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: _rule(row["rules"].get(unit_type))


@app.command("catalog")
def catalog(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List the equipment recommendations per unit type.

    Example: fvm equipment catalog --json
    """
    from fvmcli.services.equipment import catalog as items

    env = get_env(ctx)
    rows = [
        {
            "id": i.id,
            "category": i.category,
            "name": i.name.get(env.lang),
            "recommend": {
                t: {"per_staff": float(r.per_staff), "min": r.min} for t, r in i.recommend.items()
            },
            "rules": i.recommend,
        }
        for i in items(env)
    ]
    columns = (
        Column("id", "item"),
        Column("category", "category", word),
        Column("name", "name"),
        Column("recommend", "recommend", table=False),
        *(
            Column(t, name.get(env.lang), cell=_rule_of(t), data=False)
            for t, name in env.territory.unit_types.items()
        ),
    )
    show(columns, rows, as_json=as_json, title=_("Equipment recommendations"))


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

    Example: fvm equipment count sas-boras-med care-client --present 12 --configured 10 --tested 8
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

    Example: fvm equipment require vc-hjo label-printer 3
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

    with importing(file, encoding):
        done = import_counts(get_env(ctx, creates=True), file, dry_run=dry_run, by=by)
    verb = _("Would change") if dry_run else _("Changed")
    say(
        _(
            "{verb} {changed} of {counts} counts for {units} units from {file}; "
            "{unchanged} unchanged."
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
def show_(ctx: typer.Context, unit_id: str = UNIT, as_json: bool = JSON) -> None:
    """Show a unit's equipment: required, present, configured, tested, missing, readiness.

    Example: fvm equipment show sas-boras-med
    """
    from fvmcli.render.columns import data_rows
    from fvmcli.services.equipment import show as unit_equipment

    env = get_env(ctx)
    found = unit_equipment(env, unit_id)
    unit = found.unit
    items = []
    for s in found.items:
        item = env.catalog.item(s.item)
        items.append(
            {
                "item": s.item,
                "name": item.name.get(env.lang) if item else s.item,
                "category": item.category if item else None,
                "override": found.overrides.get(s.item),
                **{c.key: getattr(s, c.key) for c in NEEDS[1:]},
            }
        )
    if as_json:
        emit_json(
            {
                "unit": unit.id,
                "type": unit.type,
                "staff": unit.staff,
                "readiness": found.readiness,
                "items": data_rows(UNIT_ITEMS, items),
            }
        )
        return
    show(
        UNIT_ITEMS,
        items,
        as_json=False,
        title=_("Equipment of {name} ({id}, {type}, staff {staff})").format(
            name=unit.name,
            id=unit.id,
            type=unit.type,
            staff=unit.staff if unit.staff is not None else "?",
        ),
    )
    ready = found.readiness
    shown = _("n/a (nothing required)") if ready is None else percent_shown(ready, 1)
    say(
        _("Equipment readiness: {shown}").format(shown=shown)
        + (_("   * overridden quantity") if found.overrides else "")
    )


@app.command("gaps")
@unit_filters(units=True)
def gaps(ctx: typer.Context, filters: Any, as_json: bool = JSON) -> None:
    """The territory's needs: per item, what to procure, configure and test, summed over units.

    Example: fvm equipment gaps --phase 1 --type municipal --json
    """
    from fvmcli.render.columns import data_rows
    from fvmcli.services.equipment import gaps as needs

    found = needs(get_env(ctx), filters)
    if as_json:
        emit_json({"items": data_rows(NEEDS, found.items), "units": found.units})
        return
    show(
        NEEDS,
        found.items,
        as_json=False,
        title=_("Equipment needs of {units} units").format(units=found.units),
    )


@app.command("print")
def print_(
    ctx: typer.Context,
    unit_id: str = UNIT,
    fmt: str | None = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Print a count sheet for walking the unit: items, required quantity, boxes to fill in.

    Example: fvm equipment print vc-hjo -o vc-hjo-inventering.pdf
    """
    from fvmcli.cli.writing import choose_format, write_document
    from fvmcli.render.equipment_sheet import count_sheet_context
    from fvmcli.services.equipment import show as unit_equipment

    env = get_env(ctx)
    kind = choose_format(fmt, output, ("html", "md", "pdf"))
    found = unit_equipment(env, unit_id)
    context = count_sheet_context(
        env.catalog,
        env.territory,
        found.unit,
        found.items,
        found.overrides,
        env.lang,
        env.clock.today(),
    )
    write_document(env, "equipment", kind, context, output)
