"""Units, phases and the selection of units that every territory-wide command narrows by."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.core.model import Unit
from fvmcli.errors import ConflictError, InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


@dataclass(frozen=True)
class UnitFilter:
    """What ``--unit/--area/--phase/--type`` ask for; empty fields select everything."""

    unit_ids: tuple[str, ...] = ()
    area: str | None = None
    phase: int | None = None
    unit_type: str | None = None

    @property
    def everything(self) -> bool:
        """Return True when no filter narrows the selection."""
        return not (self.unit_ids or self.area or self.phase is not None or self.unit_type)


@dataclass(frozen=True)
class Selection:
    """The units a filter selects, and their ids for narrowing queries (None: every unit, so
    queries read whole tables instead of long id lists)."""

    units: list[Unit]
    ids: list[str] | None


def parse_day(ctx: Context, text: str | None, option: str = "--as-of") -> date:
    """Return the date ``text`` names, today when None; a bad date names the option."""
    from fvmcli.core.values import parse_date

    if text is None:
        return ctx.clock.today()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from exc


def selection_areas(ctx: Context, area: str | None, phase: int | None) -> list[str] | None:
    """Return the areas a --area/--phase filter allows (None: all); unknown values are errors."""
    from fvmcli.core.territory import area_names, resolve_name

    territory = ctx.territory
    if area is not None:
        found = resolve_name(area, area_names(territory))
        if found is None:
            known = ", ".join(f"{a.id} ({a.name.get(ctx.lang)})" for a in territory.areas.values())
            raise InputError(
                _("--area: unknown area {area!r} (known: {known})").format(area=area, known=known)
            )
        area = found
    if phase is not None and phase not in territory.phases():
        known = ", ".join(map(str, territory.phases()))
        raise InputError(
            _("--phase: unknown phase {phase} (known: {known})").format(phase=phase, known=known)
        )
    if area is None and phase is None:
        return None
    areas = [area] if area else list(territory.areas)
    return [a for a in areas if phase is None or territory.phase_of(a) == phase]


def check_phase(ctx: Context, phase: int) -> None:
    """Refuse (2) a phase the territory does not have (the gate, hypercare and runbooks
    ask)."""
    if phase not in ctx.territory.phases():
        raise InputError(
            _("--phase: no phase {phase} (phases: {known})").format(
                phase=phase, known=", ".join(str(p) for p in ctx.territory.phases())
            )
        )


def check_type(ctx: Context, unit_type: str | None) -> str | None:
    """Return the unit type id --type names (by id or name, see ``resolve_name``); refuse an
    unknown one."""
    from fvmcli.core.territory import resolve_name

    if unit_type is None:
        return None
    found = resolve_name(unit_type, ctx.territory.unit_types)
    if found is None:
        known = ", ".join(ctx.territory.unit_types)
        raise InputError(
            _("--type: unknown unit type {unit_type!r} (known: {known})").format(
                unit_type=unit_type, known=known
            )
        )
    return found


def select(ctx: Context, conn: Connection, chosen: UnitFilter) -> Selection:
    """Return the units ``chosen`` selects; a named unit that does not exist is an error."""
    from fvmcli.store.reads import list_units

    areas = selection_areas(ctx, chosen.area, chosen.phase)
    unit_type = check_type(ctx, chosen.unit_type)
    ids = list(chosen.unit_ids) or None
    found = list_units(conn, ids=ids, areas=areas, unit_type=unit_type)
    check_fit(ctx, found)
    if ids:
        refuse_unknown(conn, set(ids) - {u.id for u in found})
    return Selection(found, None if chosen.everything else [u.id for u in found])


def refuse_unknown(conn: Connection, named: set[str]) -> None:
    """Refuse (exit 3) the named units that are not stored, naming them; those stored but
    outside the other filters are simply not selected."""
    from fvmcli.store.reads import list_units

    unknown = sorted(named - {u.id for u in list_units(conn, ids=sorted(named))})
    if unknown:
        raise UnknownIdError(
            _("no unit {map}").format(map=", ".join(map(repr, unknown))),
            hint=unit_hint(conn, unknown[0]),
        )


def unit_hint(conn: Connection, wrong: str) -> str:
    """Return the hint for a unit id that names nothing: the stored id it most likely meant,
    else where the ids are listed."""
    from fvmcli.core.suggest import closest
    from fvmcli.store.reads import unit_ids_in_order

    meant = closest(wrong, unit_ids_in_order(conn))
    if meant is not None:
        return _("Did you mean {id}? See 'fvm unit list'.").format(id=meant)
    return _("See 'fvm unit list'.")


def require_right(ctx: Context, conn: Connection, action: str, units: Any = None) -> None:
    """Refuse (exit 5) a write the login has no right to; see ``services.access.require``."""
    from fvmcli.services.access import require as check

    check(ctx, conn, action, units)


def check_fit(ctx: Context, units: list[Unit]) -> None:
    """Refuse stored units the content no longer knows (an area or a type taken out of
    ``territory.toml``), naming them, instead of computing on them."""
    territory = ctx.territory
    misfits = [
        u for u in units if u.area not in territory.areas or u.type not in territory.unit_types
    ]
    if misfits:
        shown = ", ".join(f"{u.id} ({u.area}, {u.type})" for u in misfits[:10])
        more = (
            _(" and {misfits} more").format(misfits=len(misfits) - 10) if len(misfits) > 10 else ""
        )
        raise InputError(
            _(
                "stored units have an area or unit type the territory no longer has: {shown}{more}"
            ).format(shown=shown, more=more),
            hint=_(
                "Put the area or type back in checklists/territory.toml (--content), "
                "or move the units with 'fvm unit import'."
            ),
        )


def require_unit(conn: Connection, unit_id: str) -> Unit:
    """Return the stored unit or raise an error naming it."""
    from fvmcli.store.reads import get_unit

    unit = get_unit(conn, unit_id)
    if unit is None:
        raise UnknownIdError(
            _("no unit {unit_id!r}").format(unit_id=unit_id), hint=unit_hint(conn, unit_id)
        )
    return unit


@dataclass(frozen=True)
class UnitView:
    """A unit as ``fvm unit list --json`` shows it, with its phase."""

    id: str
    name: str
    area: str
    phase: int
    type: str
    staff: int | None
    municipality: str | None
    parent: str | None
    email: str | None = None  # the unit's mailbox for reminders (not in cli.md's list shape)


def unit_view(ctx: Context, unit: Unit) -> UnitView:
    """Return the unit with the phase its area goes live in."""
    data = asdict(unit)
    return UnitView(phase=ctx.territory.phase_of(unit.area), **data)


@dataclass(frozen=True)
class UnitDetail:
    """One unit with its go-live date, sub-units and the names of its area and type."""

    unit: UnitView
    go_live: date | None
    children: list[str]
    area_name: str
    type_name: str

    def as_json(self) -> dict[str, Any]:
        """Return the ``unit show --json`` document: the unit's fields, go-live, sub-units."""
        from dataclasses import asdict

        return {**asdict(self.unit), "go_live": self.go_live, "children": self.children}


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did (or would do, for a dry run)."""

    rows: int
    added: int
    changed: int
    unchanged: int
    dry_run: bool


def add_unit(ctx: Context, unit: Unit, *, by: str | None = None) -> UnitView:
    """Store a new unit (its area and type named by id or name); return it with its phase.
    An existing id is a conflict."""
    from dataclasses import replace

    from fvmcli.core.territory import area_names, resolve_name

    unit = replace(
        unit,
        area=resolve_name(unit.area, area_names(ctx.territory)) or unit.area,
        type=resolve_name(unit.type, ctx.territory.unit_types) or unit.type,
    )
    from fvmcli.core.territory import unit_problems
    from fvmcli.core.values import check_id
    from fvmcli.store.reads import get_unit
    from fvmcli.store.units import upsert_units

    try:
        check_id(unit.id, what=_("unit id"))
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    problems = unit_problems(unit, ctx.territory)
    if problems:
        raise InputError("; ".join(f"--{f}: {m}" for f, m in problems))
    with ctx.open().write() as conn:
        require_right(ctx, conn, "territory", [unit])
        if get_unit(conn, unit.id) is not None:
            raise ConflictError(
                _("unit {id!r} already exists").format(id=unit.id),
                hint=_("Use 'fvm unit import' to update units from a file."),
            )
        if unit.parent and get_unit(conn, unit.parent) is None:
            raise UnknownIdError(_("--parent: no unit {parent!r}").format(parent=unit.parent))
        upsert_units(conn, [unit], by=ctx.actor(by), at=ctx.clock.now())
    return unit_view(ctx, unit)


def save_units(
    ctx: Context,
    units: list[Unit],
    *,
    dry_run: bool = False,
    by: str | None = None,
    source: str = "units",
) -> ImportOutcome:
    """Add or update many units in one transaction; every unit is checked against the
    territory and its parent must be stored or in the batch. Any bad unit stores nothing, and
    errors name ``source``."""
    from fvmcli.core.territory import parent_cycle, unit_problems
    from fvmcli.core.values import check_id
    from fvmcli.errors import Problem, ProblemsError
    from fvmcli.store.units import existing_unit_ids, parent_links, upsert_units

    problems = []
    for index, unit in enumerate(units):
        try:
            check_id(unit.id, what=_("unit id"))
        except ValueError as exc:
            problems.append(Problem(f"{source}[{index}].id", str(exc)))
        problems += [
            Problem(f"{source}[{index}].{f}", m) for f, m in unit_problems(unit, ctx.territory)
        ]
    if problems:
        raise ProblemsError(source, problems, hint=_("Nothing was stored."))
    with ctx.open().write(dry_run=dry_run) as conn:
        require_right(ctx, conn, "territory", units)
        parents = {u.parent for u in units if u.parent} - {u.id for u in units}
        missing = parents - existing_unit_ids(conn, parents)
        if missing:
            raise UnknownIdError(
                _("{source}: parent unit(s) not found: {missing}").format(
                    source=source, missing=", ".join(sorted(missing))
                ),
                hint=_("Add the parents first or include them. Nothing was stored."),
            )
        if any(u.parent for u in units):
            links = parent_links(conn)
            for u in units:
                if u.parent:
                    links[u.id] = u.parent
                else:
                    links.pop(u.id, None)
            for u in units:
                cycle = parent_cycle(links, u.id)
                if cycle:
                    raise InputError(
                        _("{source}: unit {id} would be its own ancestor: {cycle}").format(
                            source=source, id=u.id, cycle=" → ".join(cycle)
                        ),
                        hint=_("A unit's parent chain must end. Nothing was stored."),
                    )
        result = upsert_units(conn, units, by=ctx.actor(by), at=ctx.clock.now())
    return ImportOutcome(
        len(units), len(result.added), len(result.changed), len(result.unchanged), dry_run
    )


def import_units(
    ctx: Context,
    file: Path,
    *,
    dry_run: bool = False,
    by: str | None = None,
    encoding: str | None = None,
) -> ImportOutcome:
    """Add or update units from a CSV file; nothing is stored when any row is bad.
    Files are read in ``encoding`` (None: UTF-8, else Windows-1252)."""
    from fvmcli.content.csvfile import reading
    from fvmcli.content.units_csv import parse_units

    with reading(encoding):
        rows = parse_units(file, ctx.territory)
        return save_units(ctx, rows, dry_run=dry_run, by=by, source=str(file))


def list_units(ctx: Context, chosen: UnitFilter = UnitFilter()) -> list[UnitView]:
    """Return the selected units, ordered by the area's name (as the reader reads it, in
    Swedish alphabetical order) then id."""
    from fvmcli.core.territory import alphabetical, territory_names

    with ctx.open().read() as conn:
        found = select(ctx, conn, chosen).units
    names = territory_names(ctx.territory, ctx.lang)["area"]
    found.sort(key=lambda u: (alphabetical(names.get(u.area, u.area)), u.id))
    return [unit_view(ctx, u) for u in found]


def show_unit(ctx: Context, unit_id: str) -> UnitDetail:
    """Return one unit with its phase, go-live date and sub-units."""
    from fvmcli.store.reads import go_live_dates
    from fvmcli.store.reads import list_units as stored_units

    with ctx.open().read() as conn:
        unit = require_unit(conn, unit_id)
        check_fit(ctx, [unit])
        dates = go_live_dates(conn)
        children = [u.id for u in stored_units(conn, parent=unit_id)]
    view = unit_view(ctx, unit)
    return UnitDetail(
        view,
        dates.get(view.phase),
        children,
        ctx.territory.areas[unit.area].name.get(ctx.lang),
        ctx.territory.unit_types[unit.type].get(ctx.lang),
    )


@dataclass(frozen=True)
class PhaseView:
    """A phase with its go-live date, areas and number of units."""

    phase: int
    go_live: date | None
    areas: list[str]
    units: int
    area_names: list[str] = field(compare=False)


def list_phases(ctx: Context) -> list[PhaseView]:
    """Return the phases in order with their go-live dates and unit counts."""
    from fvmcli.store.reads import go_live_dates
    from fvmcli.store.units import units_per_area

    territory = ctx.territory
    with ctx.open().read() as conn:
        dates = go_live_dates(conn)
        per_area = units_per_area(conn)
    return [
        PhaseView(
            phase,
            dates.get(phase),
            territory.areas_in(phase),
            sum(per_area.get(a, 0) for a in territory.areas_in(phase)),
            [territory.areas[a].name.get(ctx.lang) for a in territory.areas_in(phase)],
        )
        for phase in territory.phases()
    ]


@dataclass(frozen=True)
class PhaseChange:
    phase: int
    go_live: date
    previous: date | None


def set_phase(ctx: Context, phase: int, go_live: str, *, by: str | None = None) -> PhaseChange:
    """Set a phase's go-live date; return it with the date it had before."""
    from fvmcli.store.units import set_go_live

    if phase not in ctx.territory.phases():
        known = ", ".join(map(str, ctx.territory.phases()))
        raise InputError(
            _("unknown phase {phase} (known: {known})").format(phase=phase, known=known)
        )
    day = parse_day(ctx, go_live, "--go-live")
    with ctx.open().write() as conn:
        require_right(ctx, conn, "territory")
        old = set_go_live(conn, phase, day, by=ctx.actor(by), at=ctx.clock.now())
    return PhaseChange(phase, day, old)
