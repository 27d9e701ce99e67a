"""``fvm equipment``: the recommendations catalog, counts per unit, readiness and needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import Env, get_env, resolve_user
from fvmcli.cli.output import emit_json, emit_table, progress, say
from fvmcli.errors import InputError, UnknownIdError

app = typer.Typer(
    help="Equipment: recommendations, counts per unit, readiness, territory needs.",
    no_args_is_help=True,
)

UNIT = typer.Argument(..., metavar="UNIT", help="The unit.")
ITEM = typer.Argument(..., metavar="ITEM", help="Catalog item id, e.g. care-client.")
BY = typer.Option(None, "--by", metavar="NAME", help="Who counted (env FVM_USER, else login).")
JSON = typer.Option(False, "--json", help="Print JSON.")


def _require_item(env: Env, item: str) -> None:
    if env.catalog.item(item) is None:
        known = ", ".join(i.id for i in env.catalog.items)
        raise UnknownIdError(
            f"unknown item {item!r} (known: {known})", hint="See 'fvm equipment catalog'."
        )


def state_json(env: Env, state: Any, override: int | None = None) -> dict[str, Any]:
    """Return one item's figures as JSON."""
    item = env.catalog.item(state.item)
    return {
        "item": state.item,
        "name": item.name.get(env.lang) if item else state.item,
        "category": item.category if item else None,
        "required": state.required,
        "override": override,
        "present": state.present,
        "configured": state.configured,
        "tested": state.tested,
        "to_procure": state.to_procure,
        "to_configure": state.to_configure,
        "to_test": state.to_test,
    }


@app.command("catalog")
def catalog(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List the equipment recommendations per unit type.

    Example: fvm equipment catalog --json
    """
    env = get_env(ctx)
    items: list[dict[str, Any]] = [
        {
            "id": i.id,
            "category": i.category,
            "name": i.name.get(env.lang),
            "recommend": {
                t: {"per_staff": float(r.per_staff), "min": r.min} for t, r in i.recommend.items()
            },
        }
        for i in env.catalog.items
    ]
    if as_json:
        emit_json(items)
        return
    types = list(env.territory.unit_types)

    def rule(r: dict[str, Any] | None) -> str:
        if r is None:
            return "–"
        per = f"{r['per_staff']:g}/staff" if r["per_staff"] else ""
        return ", ".join(x for x in (per, f"min {r['min']}" if r["min"] else "") if x) or "0"

    emit_table(
        ["item", "category", "name", *types],
        [
            [i["id"], i["category"], i["name"], *[rule(i["recommend"].get(t)) for t in types]]
            for i in items
        ],
        title="Equipment recommendations",
    )


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
    from fvmcli.cli.readiness import require_unit
    from fvmcli.clock import now_iso
    from fvmcli.core.equipment import count_problem
    from fvmcli.core.model import Count
    from fvmcli.store.equipment import NewCount, counts_by_unit, save_counts

    env = get_env(ctx)
    _require_item(env, item)
    with env.db.write() as conn:
        unit = require_unit(conn, unit_id)
        old = counts_by_unit(conn, [unit.id]).get(unit.id, {}).get(item, Count())
        new = Count(
            present,
            old.configured if configured is None else configured,
            old.tested if tested is None else tested,
        )
        problem = count_problem(new.present, new.configured, new.tested)
        if problem:
            raise InputError(f"{unit.id} · {item}: {problem}; nothing was stored")
        changed = save_counts(
            conn, [NewCount(unit.id, item, new)], by=resolve_user(by), at=now_iso()
        )
    say(
        f"{unit.id} · {item}: present {new.present}, configured {new.configured}, tested "
        f"{new.tested}" + ("" if changed else " (unchanged)")
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
    from fvmcli.cli.readiness import require_unit
    from fvmcli.clock import now_iso
    from fvmcli.store.equipment import set_requirement

    env = get_env(ctx)
    _require_item(env, item)
    if clear == (quantity is not None):
        raise InputError("give a quantity N, or --clear to go back to the recommendation")
    if quantity is not None and quantity < 0:
        raise InputError(f"N must be 0 or more, got {quantity}")
    with env.db.write() as conn:
        unit = require_unit(conn, unit_id)
        old = set_requirement(conn, unit.id, item, quantity, by=resolve_user(by), at=now_iso())
    was = f" (was {old})" if old is not None and old != quantity else ""
    if quantity is None:
        say(f"{unit.id} · {item}: back to the recommended quantity{was}.")
    else:
        say(f"{unit.id} · {item}: {quantity} required{was}.")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV: unit, item, present[, configured, tested]."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file; store nothing."),
    by: str | None = BY,
) -> None:
    """Import counts from CSV (blank configured/tested = 0). Nothing is stored if any row is bad.

    Example: fvm equipment import inventering.csv --dry-run
    """
    from fvmcli.clock import now_iso
    from fvmcli.content.csvfile import read_csv
    from fvmcli.content.inventory_csv import OPTIONAL, REQUIRED, parse_inventory
    from fvmcli.store.equipment import NewCount, save_counts
    from fvmcli.store.units import list_units

    env = get_env(ctx)
    named = sorted({r.get("unit") or "" for r in read_csv(file, REQUIRED, OPTIONAL)})
    with progress(f"Importing {file.name}"), env.db.write(dry_run=dry_run) as conn:
        units = {u.id: u for u in list_units(conn, ids=named)}
        rows = parse_inventory(file, env.catalog, units)
        changed = save_counts(
            conn, [NewCount(u, i, c) for u, i, c, _ in rows], by=resolve_user(by), at=now_iso()
        )
    verb = "Would change" if dry_run else "Changed"
    say(
        f"{verb} {changed} of {len(rows)} counts for {len(units)} units from {file}; "
        f"{len(rows) - changed} unchanged."
    )


def _unit_items(env: Env, conn: Any, unit: Any) -> tuple[list[Any], dict[str, int]]:
    from fvmcli.core.equipment import unit_items
    from fvmcli.store.equipment import counts_by_unit, overrides_by_unit

    counts = counts_by_unit(conn, [unit.id]).get(unit.id, {})
    overrides = overrides_by_unit(conn, [unit.id]).get(unit.id, {})
    return unit_items(env.catalog, unit, counts, overrides), overrides


@app.command("show")
def show(ctx: typer.Context, unit_id: str = UNIT, as_json: bool = JSON) -> None:
    """Show a unit's equipment: required, present, configured, tested, missing, readiness.

    Example: fvm equipment show sas-boras-med
    """
    from fvmcli.cli.readiness import require_unit
    from fvmcli.core.equipment import readiness

    env = get_env(ctx)
    with env.db.read() as conn:
        unit = require_unit(conn, unit_id)
        states, overrides = _unit_items(env, conn, unit)
    ready = readiness(states)
    items = [state_json(env, s, overrides.get(s.item)) for s in states]
    if as_json:
        emit_json(
            {
                "unit": unit.id,
                "type": unit.type,
                "staff": unit.staff,
                "readiness": ready,
                "items": items,
            }
        )
        return
    emit_table(
        [
            "item",
            "name",
            "required",
            "present",
            "configured",
            "tested",
            "to procure",
            "to configure",
            "to test",
        ],
        [
            [
                i["item"],
                i["name"],
                f"{i['required']}{'*' if i['override'] is not None else ''}",
                i["present"],
                i["configured"],
                i["tested"],
                i["to_procure"] or "",
                i["to_configure"] or "",
                i["to_test"] or "",
            ]
            for i in items
        ],
        title=f"Equipment of {unit.name} ({unit.id}, {unit.type}, staff "
        f"{unit.staff if unit.staff is not None else '?'})",
    )
    shown = "n/a (nothing required)" if ready is None else f"{ready:.1f}%"
    say(f"Equipment readiness: {shown}" + ("   * overridden quantity" if overrides else ""))


@app.command("gaps")
def gaps(
    ctx: typer.Context,
    unit_ids: list[str] = typer.Option(
        [], "--unit", metavar="U", help="Only these units (repeatable)."
    ),
    area: str | None = typer.Option(None, "--area", help="Only this area."),
    phase: int | None = typer.Option(None, "--phase", help="Only this phase."),
    unit_type: str | None = typer.Option(None, "--type", help="Only this unit type."),
    as_json: bool = JSON,
) -> None:
    """The territory's needs: per item, what to procure, configure and test, summed over units.

    Example: fvm equipment gaps --phase 1 --type municipal --json
    """
    from fvmcli.cli.units import selection
    from fvmcli.core.equipment import territory_needs, unit_items
    from fvmcli.store.equipment import counts_by_unit, overrides_by_unit

    env = get_env(ctx)
    with env.db.read() as conn:
        units, ids = selection(
            env, conn, unit_ids=unit_ids, area=area, phase=phase, unit_type=unit_type
        )
        counts = counts_by_unit(conn, ids)
        overrides = overrides_by_unit(conn, ids)
    totals = territory_needs(
        env.catalog,
        (unit_items(env.catalog, u, counts.get(u.id, {}), overrides.get(u.id, {})) for u in units),
    )
    rows = [
        {
            "item": t.item,
            "required": t.required,
            "present": t.present,
            "configured": t.configured,
            "tested": t.tested,
            "to_procure": t.to_procure,
            "to_configure": t.to_configure,
            "to_test": t.to_test,
        }
        for t in totals
    ]
    if as_json:
        emit_json({"items": rows, "units": len(units)})
        return
    emit_table(
        [
            "item",
            "required",
            "present",
            "configured",
            "tested",
            "to procure",
            "to configure",
            "to test",
        ],
        [list(r.values()) for r in rows],
        title=f"Equipment needs of {len(units)} units",
    )


@app.command("print")
def print_(
    ctx: typer.Context,
    unit_id: str = UNIT,
    fmt: str | None = typer.Option(
        None, "--format", help="html, md or pdf (default: from -o, else html)."
    ),
    output: Path | None = typer.Option(None, "-o", "--output", help="File to write."),
) -> None:
    """Print a count sheet for walking the unit: items, required quantity, boxes to fill in.

    Example: fvm equipment print vc-hjo -o vc-hjo-inventering.pdf
    """
    from fvmcli.cli.readiness import require_unit
    from fvmcli.cli.writing import choose_format, write_document
    from fvmcli.clock import today
    from fvmcli.render.equipment_sheet import count_sheet_context

    env = get_env(ctx)
    kind = choose_format(fmt, output, ("html", "md", "pdf"))
    with env.db.read() as conn:
        unit = require_unit(conn, unit_id)
        states, overrides = _unit_items(env, conn, unit)
    context = count_sheet_context(
        env.catalog, env.territory, unit, states, overrides, env.lang, today()
    )
    write_document(env, "equipment", kind, context, output)
