"""Reading one unit's readiness: records from the store, rules from the core."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fvmcli.cli.env import Env
from fvmcli.core.model import Answer, Checklist, Unit, Waiver
from fvmcli.core.scoring import QuestionResult, UnitScore, score_unit
from fvmcli.errors import UnknownIdError
from fvmcli.store.answers import (
    get_answers,
    get_waivers,
    stream_values_by_unit,
    values_by_unit,
    waivers_by_unit,
)
from fvmcli.store.evidence import UnitEvidence, evidence_for
from fvmcli.store.units import get_unit, go_live_dates, unit_ids_in_order

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class UnitReadiness:
    unit: Unit
    go_live: date | None
    answers: dict[str, Answer]
    waivers: dict[str, Waiver]
    evidence: UnitEvidence
    score: UnitScore


def require_unit(conn: Connection, unit_id: str) -> Unit:
    """Return the stored unit or raise an error naming it."""
    unit = get_unit(conn, unit_id)
    if unit is None:
        raise UnknownIdError(f"no unit {unit_id!r}", hint="See 'fvm unit list'.")
    return unit


def unit_readiness(
    env: Env, conn: Connection, checklist: Checklist, unit_id: str, as_of: date
) -> UnitReadiness:
    """Return the unit's records and its score on ``as_of``."""
    unit = require_unit(conn, unit_id)
    go_live = go_live_dates(conn).get(env.territory.phase_of(unit.area))
    answers = get_answers(conn, unit.id, checklist.id)
    waivers = get_waivers(conn, unit.id, checklist.id)
    evidence = evidence_for(conn, [unit], env.catalog, env.curriculum)[unit.id]
    score = score_unit(
        checklist,
        unit.type,
        go_live,
        {q: a.value for q, a in answers.items()},
        waivers,
        evidence.evidence,
        as_of,
    )
    return UnitReadiness(unit, go_live, answers, waivers, evidence, score)


def territory_readiness(
    env: Env,
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
    evidence = evidence_for(conn, units, env.catalog, env.curriculum, all_units=all_units)
    if all_units:
        # The whole territory: answers stream in the database's order of unit ids, and units are
        # walked in that same order, so one unit's answers are in memory at a time.
        by_id = {unit.id: unit for unit in units}
        ordered = [by_id[i] for i in unit_ids_in_order(conn) if i in by_id]
        answers = stream_values_by_unit(conn, checklist.id)
    else:
        ordered = units
        selected = values_by_unit(conn, checklist.id, ids)
        answers = ((unit.id, selected.get(unit.id, {})) for unit in units)
    pending = next(answers, None)
    with paused_gc():
        for unit in ordered:
            values: dict[str, str] = {}
            if pending is not None and pending[0] == unit.id:
                values = pending[1]
                pending = next(answers, None)
            score = score_unit(
                checklist,
                unit.type,
                dates.get(env.territory.phase_of(unit.area)),
                values,
                waivers.get(unit.id, {}),
                evidence[unit.id].evidence,
                as_of,
            )
            yield unit, score, evidence.pop(unit.id)


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


def json_value(result: QuestionResult) -> Any:
    """Return the answer as JSON: numbers for percent and number questions."""
    value = result.value
    if value is not None and result.question.type in ("percent", "number") and value != "n/a":
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def score_json(unit_id: str, score: UnitScore) -> dict[str, Any]:
    """Return the ``fvm checklist score --json`` document of ``cli.md``."""
    return {
        "unit": unit_id,
        "checklist": score.checklist,
        "version": score.version,
        "as_of": score.as_of.isoformat(),
        "score": score.score,
        "status": score.status,
        "completeness": score.completeness,
        "sections": [
            {
                "id": s.id,
                "score": s.score,
                "weight": s.weight,
                "answered": s.answered,
                "applicable": s.applicable,
            }
            for s in score.sections
        ],
        "questions": [
            {
                "id": r.question.id,
                "section": r.question.section,
                "value": json_value(r),
                "credit": r.credit,
                "due": r.due.isoformat() if r.due else None,
                "overdue": r.overdue,
                "critical": r.question.critical,
                "derived": r.question.derived,
                "waived": r.waiver is not None,
            }
            for r in score.questions
        ],
        "blockers": [
            {"question": r.question.id, "due": r.due.isoformat() if r.due else None}
            for r in score.blockers
        ],
        "overdue": [
            {"question": r.question.id, "due": r.due.isoformat() if r.due else None}
            for r in score.overdue
        ],
        "waived": [
            {
                "question": r.question.id,
                "reason": r.waiver.reason,
                "until": r.waiver.until.isoformat(),
                "by": r.waiver.by,
            }
            for r in score.questions
            if r.waiver is not None
        ],
    }
