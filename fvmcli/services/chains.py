"""Critical chains and the twelve-month plan of a phase: every unit's open items scored by
the one scorer, their finishes by ``core.chains``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from fvmcli.core.chains import (
    Chain,
    MonthCount,
    OpenItems,
    count_items,
    critical_items,
    longest_first,
    plan_months,
)
from fvmcli.core.model import Checklist, Unit
from fvmcli.core.scoring import UnitScore
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, parse_day, select

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


@dataclass(frozen=True)
class Chains:
    """The chains that threaten go-live, longest first."""

    as_of: date
    checklist: Checklist
    chains: list[Chain]
    names: dict[str, str]  # unit id → name
    owners: dict[str, str] = field(default_factory=dict)  # owner id → name


def _scored(
    ctx: Context, conn: Connection, checklist: Checklist, ids: list[str] | None, day: date
) -> Iterator[tuple[Unit, UnitScore]]:
    from fvmcli.services.readiness import territory_summaries
    from fvmcli.store.reads import Scope

    scope = Scope(None if ids is None else tuple(ids))
    for unit, score, _figures in territory_summaries(ctx, conn, checklist, scope, day, detail=True):
        yield unit, score


def _ancestors(
    ctx: Context, conn: Connection, checklist: Checklist, ids: list[str] | None, day: date
) -> dict[str, OpenItems]:
    """Return the open items of every ancestor of the chosen units, each linked to its own
    parent's: a parent's prerequisite finishes in the parent."""
    from fvmcli.store.reads import Scope, parents_of

    if not any(q.requires_parent for q in checklist.questions):
        return {}
    found: dict[str, tuple[Unit, UnitScore]] = {}
    wanted = parents_of(conn, Scope(None if ids is None else tuple(ids)))
    while wanted:
        fresh = [u for u in wanted if u not in found]
        for unit, score in _scored(ctx, conn, checklist, fresh, day):
            found[unit.id] = (unit, score)
        wanted = parents_of(conn, Scope(tuple(fresh))) if fresh else []
    made: dict[str, OpenItems] = {}

    def items_of(unit_id: str) -> OpenItems | None:
        if unit_id not in found:
            return None
        if unit_id not in made:
            unit, score = found[unit_id]
            parent = items_of(unit.parent) if unit.parent else None
            made[unit_id] = OpenItems.of(unit.id, score.questions, day, parent)
        return made[unit_id]

    for unit_id in found:
        items_of(unit_id)
    return made


def chains(ctx: Context, checklist_id: str, chosen: UnitFilter, as_of: str | None = None) -> Chains:
    """Return the chains of open items of the chosen units that cannot finish before their
    phase's go-live, longest first."""
    from fvmcli.store.reads import go_live_dates

    checklist = ctx.checklist(checklist_id)
    day = parse_day(ctx, as_of)
    found: list[Chain] = []
    names: dict[str, str] = {}
    with ctx.open().read() as conn:
        selection = select(ctx, conn, chosen)
        dates = go_live_dates(conn)
        parents = _ancestors(ctx, conn, checklist, selection.ids, day)
        for unit, score in _scored(ctx, conn, checklist, selection.ids, day):
            parent = parents.get(unit.parent) if unit.parent else None
            items = OpenItems.of(unit.id, score.questions, day, parent)
            threats = items.threats(dates.get(ctx.territory.phase_of(unit.area)))
            if threats:
                found += threats
                names[unit.id] = unit.name
        for parent in parents.values():
            names.setdefault(parent.unit, parent.unit)
    return Chains(day, checklist, longest_first(found), names, owner_names(ctx))


@dataclass(frozen=True)
class OpenItem:
    """An open item with a due date, for the calendar of deadlines."""

    unit: str
    unit_name: str
    question: str
    text: str
    owner: str | None
    due: date
    critical: bool  # on a chain that threatens go-live


@dataclass(frozen=True)
class Timeline:
    """What falls due per owner and month, from twelve months before go-live to go-live."""

    phase: int
    go_live: date
    as_of: date
    months: list[str]
    counts: dict[tuple[str | None, str], MonthCount]
    owners: dict[str, str]  # owner id → the name shown
    items: list[OpenItem]  # the open items, when asked for (a calendar of deadlines)

    def owner_ids(self) -> list[str | None]:
        """Return the owners with items, by id (items without an owner last)."""
        return sorted({owner for owner, _ in self.counts}, key=lambda o: (o is None, o or ""))

    def rows(self) -> list[tuple[str | None, str, MonthCount]]:
        """Return (owner, month, counts), by owner (none last) and month."""
        return [
            (owner, month, self.counts[(owner, month)])
            for owner, month in sorted(self.counts, key=lambda k: (k[0] is None, k[0] or "", k[1]))
        ]


def timeline(
    ctx: Context,
    checklist_id: str,
    phase: int,
    chosen: UnitFilter,
    owner: str | None = None,
    as_of: str | None = None,
    *,
    items: bool = False,
) -> Timeline:
    """Return the phase's twelve-month plan: every applicable item of every chosen unit
    counted once, in the month of its due date, per owner, with the open items on a critical
    chain (one that threatens go-live) counted apart; with ``items`` the open items with a due
    date too."""
    from fvmcli.store.reads import go_live_dates

    checklist = ctx.checklist(checklist_id)
    day = parse_day(ctx, as_of)
    owners = owner_names(ctx)
    if owner is not None:
        wanted = owner.strip().casefold()
        matched = [o for o, name in owners.items() if wanted in (o.casefold(), name.casefold())]
        known = {q.owner for q in checklist.questions if q.owner}
        matched += [o for o in known if o.casefold() == wanted]
        if not matched:
            raise InputError(
                _("--owner: no owner {owner!r} (known: {known})").format(
                    owner=owner, known=", ".join(sorted(known))
                )
            )
        owner = matched[0]
    counts: dict[tuple[str | None, str], MonthCount] = {}
    found: list[OpenItem] = []
    lang = ctx.lang
    with ctx.open().read() as conn:
        go_live = go_live_dates(conn).get(phase)
        if go_live is None:
            raise InputError(
                _("phase {phase} has no go-live date").format(phase=phase),
                hint=_("Set it with:"),
                command=_("fvm phase set {phase} --go-live YYYY-MM-DD").format(phase=phase),
            )
        months = plan_months(go_live)
        narrowed = UnitFilter(chosen.unit_ids, chosen.area, phase if not chosen.area else None)
        selection = select(ctx, conn, narrowed)
        in_phase = [u.id for u in selection.units if ctx.territory.phase_of(u.area) == phase]
        parents = _ancestors(ctx, conn, checklist, in_phase, day) if in_phase else {}
        for unit, score in _scored(ctx, conn, checklist, in_phase, day) if in_phase else ():
            parent = parents.get(unit.parent) if unit.parent else None
            critical = critical_items(OpenItems.of(unit.id, score.questions, day, parent), go_live)
            count_items(counts, score.questions, months, owner, critical)
            if items:
                found += [
                    OpenItem(
                        unit.id,
                        unit.name,
                        r.question.id,
                        r.question.text.get(lang),
                        r.question.owner,
                        r.due,
                        r.question.id in critical,
                    )
                    for r in score.questions
                    if not r.done
                    and r.due is not None
                    and (owner is None or r.question.owner == owner)
                ]
    return Timeline(phase, go_live, day, months, counts, owners, found)


def owner_names(ctx: Context) -> dict[str, str]:
    """Return owner id → its name in the user's language: the owners and roles of
    ``roles.toml``."""
    curriculum = ctx.curriculum
    return {o: curriculum.owner_name(o, ctx.lang) for o in [*curriculum.roles, *curriculum.owners]}
