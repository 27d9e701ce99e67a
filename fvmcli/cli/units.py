"""``fvm unit``: the units of the territory."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import Env, get_env
from fvmcli.cli.output import emit_json, emit_table, progress, say
from fvmcli.errors import ConflictError, InputError, UnknownIdError

app = typer.Typer(
    help="Units: wards, clinics, care centres, municipal units.", no_args_is_help=True
)

AREA = typer.Option(None, "--area", help="Only units in this area (sodra, vastra, norra, ostra).")
PHASE = typer.Option(None, "--phase", help="Only units whose area goes live in this phase.")
TYPE = typer.Option(None, "--type", help="Only units of this type (hospital, primary-care, …).")
JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
DRY_RUN = typer.Option(False, "--dry-run", help="Check the file and report; store nothing.")


def unit_json(env: Env, unit: Any, go_live: dict[int, Any] | None = None) -> dict[str, Any]:
    """Return a unit as the JSON object of ``cli.md`` (with its phase)."""
    data = asdict(unit)
    data["phase"] = env.territory.phase_of(unit.area)
    if go_live is not None:
        data["go_live"] = go_live.get(data["phase"])
    order = ["id", "name", "area", "phase", "type", "staff", "municipality", "parent", "go_live"]
    return {k: data[k] for k in order if k in data}


def selection_areas(env: Env, area: str | None, phase: int | None) -> list[str] | None:
    """Return the areas a --area/--phase filter allows (None: all); unknown values are errors."""
    territory = env.territory
    if area is not None and area not in territory.areas:
        raise InputError(f"--area: unknown area {area!r} (known: {', '.join(territory.areas)})")
    if phase is not None and phase not in territory.phases():
        known = ", ".join(map(str, territory.phases()))
        raise InputError(f"--phase: unknown phase {phase} (known: {known})")
    if area is None and phase is None:
        return None
    areas = [area] if area else list(territory.areas)
    return [a for a in areas if phase is None or territory.phase_of(a) == phase]


def check_type(env: Env, unit_type: str | None) -> None:
    """Refuse an unknown --type."""
    if unit_type is not None and unit_type not in env.territory.unit_types:
        known = ", ".join(env.territory.unit_types)
        raise InputError(f"--type: unknown unit type {unit_type!r} (known: {known})")


@app.command("add")
def add(
    ctx: typer.Context,
    unit_id: str = typer.Argument(..., metavar="ID", help="Stable id, e.g. su-avd-12."),
    name: str = typer.Option(..., "--name", help="Display name; å, ä, ö welcome."),
    area: str = typer.Option(..., "--area", help="sodra, vastra, norra or ostra."),
    unit_type: str = typer.Option(
        ..., "--type", help="hospital, primary-care, private, municipal or school-health."
    ),
    staff: int | None = typer.Option(None, "--staff", min=0, help="Number of staff."),
    municipality: str | None = typer.Option(None, "--municipality", help="Municipality name."),
    parent: str | None = typer.Option(None, "--parent", help="Id of the parent unit."),
    by: str | None = typer.Option(None, "--by", help="Who makes the change (env FVM_USER)."),
) -> None:
    """Add one unit.

    Example: fvm unit add vc-hjo --name "Vårdcentralen Hjo" --area ostra --type primary-care
    """
    from fvmcli.cli.env import resolve_user
    from fvmcli.clock import now_iso
    from fvmcli.core.model import Unit
    from fvmcli.core.territory import unit_problems
    from fvmcli.core.values import check_id
    from fvmcli.store.units import get_unit, upsert_units

    env = get_env(ctx)
    try:
        check_id(unit_id, what="unit id")
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    unit = Unit(unit_id, name.strip(), area, unit_type, staff, municipality or None, parent or None)
    problems = unit_problems(unit, env.territory)
    if problems:
        raise InputError("; ".join(f"--{f}: {m}" for f, m in problems))
    with env.db.write() as conn:
        if get_unit(conn, unit_id) is not None:
            raise ConflictError(
                f"unit {unit_id!r} already exists",
                hint="Use 'fvm unit import' to update units from a file.",
            )
        if parent and get_unit(conn, parent) is None:
            raise UnknownIdError(f"--parent: no unit {parent!r}")
        upsert_units(conn, [unit], by=resolve_user(by), at=now_iso())
    say(f"Added unit {unit_id} ({name}) in {area}, phase {env.territory.phase_of(area)}.")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="CSV: id, name, area, type[, staff, municipality, parent]."
    ),
    dry_run: bool = DRY_RUN,
    by: str | None = typer.Option(None, "--by", help="Who makes the change (env FVM_USER)."),
) -> None:
    """Add or update units from a CSV file (UTF-8, ',' or ';'). Nothing is stored if any row is bad.

    Example: fvm unit import enheter.csv --dry-run
    """
    from fvmcli.cli.env import resolve_user
    from fvmcli.clock import now_iso
    from fvmcli.content.units_csv import parse_units
    from fvmcli.store.units import existing_unit_ids, upsert_units

    env = get_env(ctx)
    rows = parse_units(file, env.territory)
    with progress(f"Importing {file.name}"), env.db.write(dry_run=dry_run) as conn:
        parents = {u.parent for u in rows if u.parent} - {u.id for u in rows}
        missing = parents - existing_unit_ids(conn, parents)
        if missing:
            raise UnknownIdError(
                f"{file}: parent unit(s) not found: {', '.join(sorted(missing))}",
                hint="Add the parents first or include them in the file. Nothing was imported.",
            )
        result = upsert_units(conn, rows, by=resolve_user(by), at=now_iso())
    verb = "Would import" if dry_run else "Imported"
    say(
        f"{verb} {len(rows)} units from {file}: {len(result.added)} added, "
        f"{len(result.changed)} changed, {len(result.unchanged)} unchanged."
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    area: str | None = AREA,
    phase: int | None = PHASE,
    unit_type: str | None = TYPE,
    as_json: bool = JSON,
) -> None:
    """List units, optionally filtered.

    Example: fvm unit list --phase 3 --type municipal --json
    """
    from fvmcli.store.units import list_units

    env = get_env(ctx)
    areas = selection_areas(env, area, phase)
    check_type(env, unit_type)
    with env.db.read() as conn:
        found = list_units(conn, areas=areas, unit_type=unit_type)
    if as_json:
        emit_json([unit_json(env, u) for u in found])
        return
    emit_table(
        ["id", "name", "area", "phase", "type", "staff", "municipality", "parent"],
        [
            [
                u.id,
                u.name,
                u.area,
                env.territory.phase_of(u.area),
                u.type,
                u.staff,
                u.municipality,
                u.parent,
            ]
            for u in found
        ],
        title=f"{len(found)} units",
    )


@app.command("show")
def show(
    ctx: typer.Context,
    unit_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = JSON,
) -> None:
    """Show one unit with its phase, go-live date and sub-units.

    Example: fvm unit show su-avd-12
    """
    from fvmcli.store.units import get_unit, go_live_dates, list_units

    env = get_env(ctx)
    with env.db.read() as conn:
        unit = get_unit(conn, unit_id)
        if unit is None:
            raise UnknownIdError(f"no unit {unit_id!r}", hint="See 'fvm unit list'.")
        dates = go_live_dates(conn)
        children = [u.id for u in list_units(conn, parent=unit_id)]
    data = unit_json(env, unit, dates)
    data["children"] = children
    if as_json:
        emit_json(data)
        return
    lang = env.lang
    area = env.territory.areas[unit.area].name.get(lang)
    kind = env.territory.unit_types[unit.type].get(lang)
    emit_table(
        ["field", "value"],
        [
            ["id", unit.id],
            ["name", unit.name],
            ["area", f"{unit.area} ({area})"],
            ["phase", data["phase"]],
            ["go-live", data["go_live"] or "not set"],
            ["type", f"{unit.type} ({kind})"],
            ["staff", unit.staff],
            ["municipality", unit.municipality],
            ["parent", unit.parent],
            ["sub-units", ", ".join(children) or None],
        ],
        title=unit.name,
    )


def selected_units(
    env: Env,
    conn: Any,
    *,
    unit_ids: list[str] | None = None,
    area: str | None = None,
    phase: int | None = None,
    unit_type: str | None = None,
) -> list[Any]:
    """Return the units a command's filters select; a named unit that does not exist is an
    error."""
    from fvmcli.store.units import list_units

    areas = selection_areas(env, area, phase)
    check_type(env, unit_type)
    found = list_units(conn, ids=unit_ids or None, areas=areas, unit_type=unit_type)
    if unit_ids:
        unknown = sorted(set(unit_ids) - {u.id for u in list_units(conn, ids=unit_ids)})
        if unknown:
            raise UnknownIdError(
                f"no unit {', '.join(map(repr, unknown))}", hint="See 'fvm unit list'."
            )
    return found


def selection(
    env: Env,
    conn: Any,
    *,
    unit_ids: list[str] | None = None,
    area: str | None = None,
    phase: int | None = None,
    unit_type: str | None = None,
) -> tuple[list[Any], list[str] | None]:
    """Return the selected units and their ids for narrowing queries (None: every unit, so the
    queries read whole tables instead of long id lists)."""
    units = selected_units(
        env, conn, unit_ids=unit_ids, area=area, phase=phase, unit_type=unit_type
    )
    everything = not (unit_ids or area or phase or unit_type)
    return units, None if everything else [u.id for u in units]
