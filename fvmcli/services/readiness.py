"""Reading one unit's readiness: records from the store, rules from the core."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fvmcli.core.equipment import ItemTotal
from fvmcli.core.model import Answer, Checklist, Unit, Waiver
from fvmcli.core.scoring import UnitScore, score_unit
from fvmcli.core.summary import UnitSummary
from fvmcli.services.context import Context
from fvmcli.services.territory import check_fit, require_unit
from fvmcli.store.evidence import UnitEvidence, UnitFigures, evidence_for
from fvmcli.store.reads import (
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
        checklist,
        unit.type,
        go_live,
        {q: a.value for q, a in answers.items()},
        waivers,
        evidence.evidence,
        as_of,
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
                checklist,
                unit.type,
                dates.get(ctx.territory.phase_of(unit.area)),
                values,
                waivers.get(unit.id, {}),
                evidence[unit.id].evidence,
                as_of,
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
    units: list[Unit],
    as_of: date,
    *,
    all_units: bool = False,
    needs: dict[str, ItemTotal] | None = None,
) -> Iterator[tuple[Unit, UnitSummary, UnitFigures]]:
    """Yield every unit's score, status and counts with its coverage and readiness, as
    ``territory_readiness`` would score them, but without per-question results: for the whole
    territory's listings and reports. Work that is the same for many units (applicability by
    type, due dates, credits of each value) is done once per plan. With ``needs`` the units'
    equipment states are added there (``evidence_values``)."""
    from fvmcli.core.summary import plan_for, summarize_unit
    from fvmcli.store.evidence import evidence_values

    ids = None if all_units else [u.id for u in units]
    dates = go_live_dates(conn)
    waivers = waivers_by_unit(conn, checklist.id, ids)
    versions = versions_by_unit(conn, checklist.id, revised_questions(checklist), ids)
    evidence = evidence_values(
        conn, units, ctx.catalog, ctx.curriculum, all_units=all_units, needs=needs
    )
    phase_of = ctx.territory.phase_of
    none: dict[str, Waiver] = {}
    with paused_gc():
        for unit, values in _answers_by_unit(conn, checklist, units, ids):
            found = evidence[unit.id]
            summary = summarize_unit(
                plan_for(checklist, unit.type, dates.get(phase_of(unit.area)), as_of),
                values,
                waivers.get(unit.id, none),
                found.evidence,
                stale_questions(checklist, versions.get(unit.id, {})) if versions else (),
            )
            yield unit, summary, found


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
