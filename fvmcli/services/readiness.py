"""Reading one unit's readiness: records from the store, rules from the core."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fvmcli.core.equipment import ItemTotal
from fvmcli.core.model import Answer, Checklist, Unit, Waiver
from fvmcli.core.scoring import UnitScore, plan_for, score_unit
from fvmcli.services.context import Context
from fvmcli.services.territory import check_fit, require_unit
from fvmcli.store.evidence import UnitEvidence, UnitFigures, evidence_for
from fvmcli.store.reads import (
    Scope,
    go_live_dates,
    stream_values_by_unit,
    unit_ids_in_order,
    values_by_unit,
    versions_by_unit,
    waivers_by_unit,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from fvmcli.store.driver import Reader


@dataclass(frozen=True)
class UnitReadiness:
    """A unit's records on one checklist and its score."""

    unit: Unit
    go_live: date | None
    answers: dict[str, Answer]
    waivers: dict[str, Waiver]
    evidence: UnitEvidence
    score: UnitScore


def unit_readiness(
    ctx: Context, conn: Connection, checklist: Checklist, unit_id: str, as_of: date
) -> UnitReadiness:
    """Return the unit's records and its score on ``as_of``."""
    from fvmcli.store.answers import get_answers, get_waivers

    unit = require_unit(conn, unit_id)
    check_fit(ctx, [unit])
    go_live = go_live_dates(conn).get(ctx.territory.phase_of(unit.area))
    answers = get_answers(conn, unit.id, checklist.id)
    waivers = get_waivers(conn, unit.id, checklist.id)
    evidence = evidence_for(conn, [unit], ctx.catalog, ctx.curriculum)[unit.id]
    score = score_unit(
        plan_for(checklist, unit.type, go_live, as_of),
        {q: a.value for q, a in answers.items()},
        waivers,
        evidence.evidence,
        stale_questions(checklist, {q: a.version for q, a in answers.items()}),
    )
    return UnitReadiness(unit, go_live, answers, waivers, evidence, score)


def territory_readiness(
    ctx: Context,
    conn: Connection,
    checklist: Checklist,
    units: list[Unit],
    as_of: date,
    *,
    all_units: bool = False,
) -> Iterator[tuple[Unit, UnitScore, UnitEvidence]]:
    """Yield every unit's score, reading records with a fixed number of queries whatever the
    number of units. Scores are made one at a time, so a caller that keeps only what it needs
    stays small however large the territory.

    The same core function scores each unit as ``fvm checklist score`` does, so the figures agree.
    """
    ids = None if all_units else [u.id for u in units]
    dates = go_live_dates(conn)
    waivers = waivers_by_unit(conn, checklist.id, ids)
    versions = versions_by_unit(conn, checklist.id, revised_questions(checklist), ids)
    evidence = evidence_for(conn, units, ctx.catalog, ctx.curriculum, all_units=all_units)
    with paused_gc():
        for unit, values in _answers_by_unit(conn, checklist, units, ids):
            score = score_unit(
                plan_for(checklist, unit.type, dates.get(ctx.territory.phase_of(unit.area)), as_of),
                values,
                waivers.get(unit.id, {}),
                evidence[unit.id].evidence,
                stale_questions(checklist, versions.get(unit.id, {})) if versions else (),
            )
            yield unit, score, evidence.pop(unit.id)


def _answers_by_unit(
    conn: Connection | Reader, checklist: Checklist, units: list[Unit], ids: list[str] | None
) -> Iterator[tuple[Unit, dict[str, str]]]:
    """Yield each unit with its answer values. For the whole territory (``ids`` None) answers
    stream in the database's order of unit ids and units are walked in that same order, so
    one unit's answers are in memory at a time; a selection is read in one query."""
    if ids is None:
        by_id = {unit.id: unit for unit in units}
        ordered: Iterable[Unit] = (by_id[i] for i in unit_ids_in_order(conn) if i in by_id)
        answers = stream_values_by_unit(conn, checklist.id)
    else:
        ordered = units
        selected = values_by_unit(conn, checklist.id, ids)
        answers = ((unit.id, selected.get(unit.id, {})) for unit in units)
    pending = next(answers, None)
    for unit in ordered:
        values: dict[str, str] = {}
        if pending is not None and pending[0] == unit.id:
            values = pending[1]
            pending = next(answers, None)
        yield unit, values


def territory_summaries(
    ctx: Context,
    conn: Connection | Reader,
    checklist: Checklist,
    scope: Scope,
    as_of: date,
    *,
    needs: dict[str, ItemTotal] | None = None,
    misfits: list[Unit] | None = None,
) -> Iterator[tuple[Unit, UnitScore, UnitFigures]]:
    """Yield every unit of the scope with its score, status and counts, its coverage and
    readiness, scored by the one scorer without per-question results (no ``detail``):
    for the whole territory's listings and reports. With ``needs`` the units' equipment
    states are added there.

    Units, answers, answer versions, equipment counts, people and completions are each read
    as one stream in the database's order of unit ids and walked side by side, so that one
    unit's records are in memory at a time, however large the territory. Work that is the
    same for many units (applicability by type, due dates, credits of each value) is done once
    per plan. A unit whose area or type the content no longer has is not scored but put in
    ``misfits`` (the caller refuses the territory, ``check_fit``)."""
    from fvmcli.core.training import coverage
    from fvmcli.store.evidence import EMPTY, unit_figures
    from fvmcli.store.reads import (
        completions_in_unit_order,
        counts_in_unit_order,
        overrides_by_unit,
        people_in_unit_order,
        scope_units,
        versions_in_unit_order,
    )

    ids = list(scope.ids) if scope.ids is not None else None
    keep = scope.kept()
    dates = go_live_dates(conn)
    waivers = waivers_by_unit(conn, checklist.id, ids)
    overrides = overrides_by_unit(conn, ids)
    requires = ctx.curriculum.requires()
    answers = _Walk(stream_values_by_unit(conn, checklist.id, scope))
    revised = revised_questions(checklist)
    versions = _Walk(versions_in_unit_order(conn, checklist.id, revised, scope))
    counts = _Walk(counts_in_unit_order(conn, None, scope))
    people = _Walk(people_in_unit_order(conn, scope))
    completed = _Walk(completions_in_unit_order(conn, scope))
    territory = ctx.territory
    areas, types = territory.areas, territory.unit_types
    none: dict[str, Waiver] = {}
    nothing: dict[str, str] = {}
    with paused_gc():
        for unit in scope_units(conn, scope):
            values = answers.take(unit.id, nothing)
            answered_under = versions.take(unit.id, None)
            unit_counts = counts.take(unit.id, None)
            staff = people.take(unit.id, None)
            done = completed.take(unit.id, ())
            if keep is not None and unit.id not in keep:
                continue
            if unit.area not in areas or unit.type not in types:
                if misfits is not None:
                    misfits.append(unit)
                continue
            found = unit_figures(
                ctx.catalog,
                unit,
                unit_counts or {},
                overrides.get(unit.id, {}),
                coverage(staff, done, requires) if staff is not None else EMPTY,
                needs,
            )
            summary = score_unit(
                plan_for(checklist, unit.type, dates.get(areas[unit.area].phase), as_of),
                values,
                waivers.get(unit.id, none),
                found.evidence,
                stale_questions(checklist, answered_under) if answered_under else (),
                detail=False,
            )
            yield unit, summary, found


class _Walk:
    """One stream of (unit id, records) in the database's order of unit ids, taken from unit
    by unit as the units stream past in that same order."""

    __slots__ = ("_rows", "_next")

    def __init__(self, rows: Iterator[tuple[str, Any]]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def take(self, unit_id: str, default: Any) -> Any:
        """Return the unit's records, or ``default`` when the stream holds none for it."""
        found = self._next
        if found is None or found[0] != unit_id:
            return default
        self._next = next(self._rows, None)
        return found[1]


def revised_questions(checklist: Checklist) -> dict[str, int]:
    """Return question → the version its meaning last changed in, for revised questions."""
    return {q.id: q.revised for q in checklist.questions if q.revised is not None}


def stale_questions(checklist: Checklist, versions: dict[str, int | None]) -> set[str]:
    """Return the answered questions whose answers predate their last change of meaning."""
    revised = revised_questions(checklist)
    return {q for q, v in versions.items() if q in revised and (v is None or v < revised[q])}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector while many acyclic objects are made (scores of thousands of
    units): it would otherwise rescan them again and again, for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
