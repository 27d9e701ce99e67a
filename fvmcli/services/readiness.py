"""Reading readiness: records from the store, rules from the core, by one path.

Every unit's score, one unit's or the whole territory's, is read by ``territory_summaries``:
the store's streams of one scope walked side by side, each unit scored by the one scorer.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fvmcli.core.equipment import ItemTotal
from fvmcli.core.model import Answer, Checklist, Unit, Waiver
from fvmcli.core.score_plan import DamagedAnswer, plan_for
from fvmcli.core.scoring import UnitScore, revised_questions, score_unit, stale_answers
from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _, ngettext
from fvmcli.services.context import Context
from fvmcli.services.territory import check_fit, require_unit
from fvmcli.store.evidence import UnitFigures
from fvmcli.store.reads import Scope

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


@dataclass(frozen=True)
class DamagedUnit:
    """A unit that is not scored: its stored answer to ``question`` is ``value``, which the
    question cannot hold (the database was changed by hand)."""

    unit: Unit
    question: str
    value: str


@dataclass(frozen=True)
class UnitReadiness:
    """A unit's records on one checklist and its score."""

    unit: Unit
    go_live: date | None
    answers: dict[str, Answer]
    waivers: dict[str, Waiver]
    evidence: UnitFigures
    score: UnitScore


def unit_readiness(
    ctx: Context, conn: Connection, checklist: Checklist, unit_id: str, as_of: date
) -> UnitReadiness:
    """Return the unit's records and its score on ``as_of``, with every question's result."""
    from fvmcli.store.answers import get_answers, get_waivers
    from fvmcli.store.reads import go_live_dates

    unit = require_unit(conn, unit_id)
    check_fit(ctx, [unit])
    _, score, figures = next(
        territory_summaries(ctx, conn, checklist, Scope((unit.id,)), as_of, detail=True, items=True)
    )
    return UnitReadiness(
        unit,
        go_live_dates(conn).get(ctx.territory.phase_of(unit.area)),
        get_answers(conn, unit.id, checklist.id),
        get_waivers(conn, unit.id, checklist.id),
        figures,
        score,
    )


def in_given_order(
    units: Iterable[Unit], found: Iterable[tuple[Unit, UnitScore, UnitFigures]]
) -> list[tuple[Unit, UnitScore, UnitFigures]]:
    """Return the scored units in the order of ``units`` (the stream gives them by id)."""
    by_id = {unit.id: (unit, score, figures) for unit, score, figures in found}
    return [by_id[unit.id] for unit in units if unit.id in by_id]


def territory_summaries(  # noqa: C901 (the streams of one scope, walked side by side)
    ctx: Context,
    conn: Connection,
    checklist: Checklist,
    scope: Scope,
    as_of: date,
    *,
    needs: dict[str, ItemTotal] | None = None,
    misfits: list[Unit] | None = None,
    detail: bool = False,
    items: bool = False,
    go_live: dict[int, date | None] | None = None,
    damaged: list[DamagedUnit] | None = None,
) -> Iterator[tuple[Unit, UnitScore, UnitFigures]]:
    """Yield every unit of the scope with its score, status and counts, its coverage and
    readiness, scored by the one scorer; with ``detail`` each question's result too, with
    ``items`` each equipment item's state. With ``needs`` the units' equipment states are
    added there. ``go_live`` replaces phases' go-live dates (a what-if).

    Units, answers, answer versions, waivers, equipment counts, people and completions are each
    read as one stream in the database's order of unit ids and walked side by side, so that
    one unit's records are in memory at a time, however large the territory. Work that is the
    same for many units (applicability by type, due dates, credits of each value) is done once
    per plan. A unit whose area or type the content no longer has is not scored but put in
    ``misfits`` (the caller refuses the territory, ``check_fit``). A unit with a stored answer
    its question cannot hold is refused (EnvironmentProblem naming it), or, with ``damaged``,
    not scored but put there, and the others are. When the checklist has prerequisites in
    parent units, the parents are scored first."""
    from fvmcli.core.training import coverage
    from fvmcli.store.evidence import EMPTY, unit_figures
    from fvmcli.store.reads import (
        NO_ANSWERS,
        completions_in_unit_order,
        counts_in_unit_order,
        go_live_dates,
        overrides_by_unit,
        parents_of,
        people_in_unit_order,
        scope_units,
        stream_answers_by_unit,
        versions_in_unit_order,
        waivers_by_unit,
    )

    ids = list(scope.ids) if scope.ids is not None else None
    keep = scope.kept()
    dates: dict[int, date | None] = {**go_live_dates(conn), **(go_live or {})}
    parent_open: dict[str, frozenset[str]] = {}
    # A parent whose answers are damaged: its children are not scored either (with ``damaged``).
    broken: dict[str, DamagedUnit] = {}
    if any(q.requires_parent for q in checklist.questions):
        parents = parents_of(conn, scope)
        if parents:
            found_broken: list[DamagedUnit] | None = [] if damaged is not None else None
            parent_open = {
                unit.id: score.open
                for unit, score, _ in territory_summaries(
                    ctx,
                    conn,
                    checklist,
                    Scope(tuple(parents)),
                    as_of,
                    go_live=go_live,
                    damaged=found_broken,
                )
            }
            broken = {d.unit.id: d for d in found_broken or ()}
    waivers = waivers_by_unit(conn, checklist.id, ids)
    overrides = overrides_by_unit(conn, ids)
    requires = ctx.curriculum.requires()
    answers = _Walk(stream_answers_by_unit(conn, checklist.id, scope))
    revised = revised_questions(checklist)
    versions = _Walk(versions_in_unit_order(conn, checklist.id, revised, scope))
    counts = _Walk(counts_in_unit_order(conn, None, scope))
    people = _Walk(people_in_unit_order(conn, scope))
    completed = _Walk(completions_in_unit_order(conn, scope))
    territory = ctx.territory
    areas, types = territory.areas, territory.unit_types
    four_eyes = territory.four_eyes
    none: dict[str, Waiver] = {}
    with paused_gc():
        for unit in scope_units(conn, scope):
            given = answers.take(unit.id, NO_ANSWERS)
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
                items=items,
            )
            if unit.parent in broken:
                assert damaged is not None  # only then is a parent left unscored
                of_parent = broken[unit.parent]
                damaged.append(DamagedUnit(unit, "^" + of_parent.question, of_parent.value))
                continue
            try:
                summary = score_unit(
                    plan_for(
                        checklist, unit.type, dates.get(areas[unit.area].phase), as_of, four_eyes
                    ),
                    given.values,
                    waivers.get(unit.id, none),
                    found.evidence,
                    stale_answers(checklist, answered_under) if answered_under else (),
                    answered_on=given.days,
                    attestations=given.attestations,
                    parent_open=parent_open.get(unit.parent) if unit.parent else None,
                    detail=detail,
                )
            except DamagedAnswer as exc:
                if damaged is None:
                    raise damaged_answer(unit.id, exc) from None
                damaged.append(DamagedUnit(unit, exc.question, exc.value))
                continue
            yield unit, summary, found


def damaged_answer(unit_id: str, exc: DamagedAnswer) -> EnvironmentProblem:
    """Return the problem of a stored answer its question cannot hold, naming where it is."""
    return EnvironmentProblem(
        _(
            "the database holds {value!r} in answers.value of {unit}, question {question}, "
            "which that question cannot hold"
        ).format(value=exc.value[:40], unit=unit_id, question=exc.question),
        hint=_("Answer the question again (fvm checklist set), or restore a backup copy."),
    )


def damaged_json(damaged: DamagedUnit, checklist: str) -> dict[str, Any]:
    """Return a unit left unscored for a damaged answer as ``cutover status --json`` lists it
    under ``damaged``: the unit, the question and value, and the command that mends it."""
    unit = damaged.unit
    return {
        "unit": unit.id,
        "name": unit.name,
        "area": unit.area,
        "type": unit.type,
        "status": "damaged",
        "question": damaged.question,
        "value": damaged.value[:40],
        "mend": mend_command(damaged, checklist),
    }


def mend_command(damaged: DamagedUnit, checklist: str) -> str:
    """Return the command that answers the damaged question again (for a parent's answer,
    the parent's)."""
    unit, question = damaged.unit.id, damaged.question
    if question.startswith("^") and damaged.unit.parent:
        unit, question = damaged.unit.parent, question[1:]
    return f"fvm checklist set {checklist} --unit {unit} {question} VALUE"


def damaged_units(damaged: list[DamagedUnit], checklist: str) -> EnvironmentProblem:
    """Return the problem of units left unscored for damaged answers, each named with its
    question and value: what is shown of the territory is not the whole of it."""
    lines = [
        _("{unit}, question {question}: {value!r}").format(
            unit=d.unit.id, question=d.question, value=d.value[:40]
        )
        for d in damaged[:20]
    ]
    if len(damaged) > 20:
        more = len(damaged) - 20
        lines.append(ngettext("… and {n} more unit", "… and {n} more units", more).format(n=more))
    return EnvironmentProblem(
        ngettext(
            "{n} unit is not scored: the database holds an answer its question cannot hold "
            "(changed outside fvm); the other units are shown, this one is not:",
            "{n} units are not scored: the database holds answers their questions cannot hold "
            "(changed outside fvm); the other units are shown, these are not:",
            len(damaged),
        ).format(n=len(damaged))
        + "\n  "
        + "\n  ".join(lines),
        hint=_("Answer the question again, e.g. {command}, or restore a backup copy.").format(
            command=mend_command(damaged[0], checklist)
        ),
    )


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
