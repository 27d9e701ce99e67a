"""Readiness of one unit on one checklist, exactly as ``scoring.md`` says: the one scorer.

Every command, report, round, forecast, digest and chain scores a unit through
``score_unit`` (a bundle carries answers, not scores), which runs the checklist's
``ScorePlan`` (``core.score_plan``: what applies, due dates, the effect of each answer value,
compiled once per unit type and go-live date) over the unit's answers, waivers and live
evidence. A new scoring rule goes into that run, or, if it is the same for every unit of a
plan, into the plan; nowhere else.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from functools import reduce
from itertools import compress
from operator import add, getitem

from fvmcli.core.model import NA, Checklist, Question, Waiver
from fvmcli.core.results import (
    TRAINING,
    Evidence,
    QuestionResult,
    SectionResult,
    StatusReason,
    UnitScore,
    Waiting,
)
from fvmcli.core.score_plan import (
    ANSWERED,
    BY_PERSON,
    GIVES,
    LATE,
    OPEN,
    PART,
    TOTAL,
    Effect,
    ScorePlan,
    waived,
)

GREEN, AMBER, RED, NOT_STARTED = "green", "amber", "red", "not-started"
STATUSES = (RED, AMBER, NOT_STARTED, GREEN)  # worst first
# The order of a summary's keys in JSON, as cli.md gives them: what scripts read stays stable.
SUMMARY_KEYS = (GREEN, AMBER, RED, NOT_STARTED)
ATTESTED, REJECTED = "attested", "rejected"  # the states of an answer's attestation


def _added(values: Iterable[float]) -> float:
    """Return the values added left to right from 0.0, as scoring.md's sums are taken: ``sum``
    of floats is compensated from Python 3.12 on, and a figure must not depend on the
    interpreter (a unit exactly at a threshold, a gate's digest)."""
    return reduce(add, values, 0.0)


def active_waiver(waiver: Waiver | None, as_of: date, four_eyes: bool = False) -> Waiver | None:
    """Return the waiver when it is active on ``as_of``: as_of ≤ its end date and, under four
    eyes, approved by a person other than its requester (``scoring.md``, "Waiver approval")."""
    if waiver is None or as_of > waiver.until:
        return None
    if four_eyes and (waiver.rejected or not waiver.approved_by or waiver.approved_by == waiver.by):
        return None
    return waiver


def revised_questions(checklist: Checklist) -> dict[str, int]:
    """Return question → the version its meaning last changed in, for revised questions."""
    return {q.id: q.revised for q in checklist.questions if q.revised is not None}


def stale_answers(checklist: Checklist, versions: Mapping[str, int | None]) -> set[str]:
    """Return the answered questions (of question → the version an answer was given under)
    whose answers predate their question's last change of meaning."""
    found: set[str] = set()
    for qid, version in versions.items():
        question = checklist.question(qid)
        if question is not None and question.stale(version):
            found.add(qid)
    return found


def score_unit(  # noqa: C901, PLR0912 (one run of the plan: every rule in one place)
    plan: ScorePlan,
    answers: Mapping[str, str],
    waivers: Mapping[str, Waiver],
    evidence: Evidence,
    stale: Collection[str] = (),
    *,
    answered_on: Mapping[str, str] | None = None,
    attestations: Mapping[str, str] | None = None,
    parent_open: Collection[str] | None = None,
    detail: bool = True,
) -> UnitScore:
    """Return the unit's score, status (with its reason), completeness, numbers of blockers,
    overdue items, unattested and inconsistent answers, the day of its oldest evidence and its
    late critical questions, on the plan's as-of date; with ``detail`` also each section's and
    each applicable question's result.

    ``stale`` names the questions whose answers were given before their meaning changed,
    ``answered_on`` gives each answer's ISO time (its first ten characters are its day),
    ``attestations`` each attested or rejected answer's state, and ``parent_open`` the
    questions not done in the unit's parent unit (None: the unit has no parent). A stored
    value that its question cannot hold raises ``DamagedAnswer``.

    Each applicable question's effect is looked up by its answer (``core.score_plan``), then
    replaced where the unit differs from a person's plain answer (a derived value, a stale or
    rejected answer, an active waiver), and the unit's figures are sums over the effects."""
    checklist = plan.checklist
    as_of = plan.as_of
    chosen = plan.chosen(answers)
    ids = chosen.ids
    position = chosen.position
    states = attestations or {}
    values = list(map(answers.get, ids))  # what each question shows
    keys = values.copy()  # the answer each question's credit is of
    special: dict[int, tuple[bool, bool]] = {}  # position → (stale, rejected)
    for qid in (*stale, *(q for q, state in states.items() if state == REJECTED)):
        i = position.get(qid)
        if i is not None and values[i] is not None and chosen.steps[i].source is None:
            # Shown with what it said, but counts as no answer.
            keys[i] = None
            special[i] = (qid in stale, states.get(qid) == REJECTED)
    live: list[tuple[int, str | None, Effect]] = []
    for i, step in chosen.derived:
        found = evidence.value(step.source)  # type: ignore[arg-type]  # derived: a source
        keys[i] = None
        if found is None:
            # No training pairs: unanswered. No equipment required: n/a.
            value = None if step.source == TRAINING else NA
            live.append((i, value, step.effects[value]))
        else:
            live.append((i, *step.live(found)))
    effects = list(map(getitem, chosen.effects, keys))
    for i, value, effect in live:
        values[i] = value
        effects[i] = effect
    active: dict[int, Waiver] = {}
    for qid, waiver in waivers.items() if waivers else ():
        i = position.get(qid)
        if i is not None and (found_waiver := active_waiver(waiver, as_of, plan.four_eyes)):
            active[i] = found_waiver
            effects[i] = waived(effects[i])
    scored = chosen.pick_scored(effects)
    blockers: list[str] = []
    short: list[str] = []
    late_critical: list[tuple[Question, date, Waiver | None]] = []
    for i, step in chosen.critical:
        _, late, _, _, _, _, _, _, blocker, below, _, _ = effects[i]
        if late:
            late_critical.append((step.question, step.due, active.get(i)))  # type: ignore[arg-type]
            if blocker:
                blockers.append(step.id)
        if below:
            short.append(step.id)
    unattested = [
        qid
        for i, qid in chosen.attested
        if effects[i][4] and i not in active and states.get(qid) != ATTESTED
    ]
    open_ids = frozenset(compress(ids, map(OPEN, effects))) if plan.linked else frozenset()
    pairs: list[tuple[str, str]] = []
    waiting: list[Waiting] = []
    waits_of: dict[int, Waiting] = {}
    for i, step, requires in chosen.linked:
        waits = [p for p, j in requires if effects[j][11]]
        if parent_open is not None:
            waits += ["^" + p for p in step.question.requires_parent if p in parent_open]
        if not waits:
            continue
        gave_credit = effects[i][10]
        waiting.append(found_waiting := step.waiting(tuple(waits), gave_credit))
        waits_of[i] = found_waiting
        if gave_credit:
            pairs.extend([(step.id, p) for p in waits])
    kept_weight = weighted = 0.0
    sections: list[SectionResult] = []
    for s, section in enumerate(checklist.sections):
        part = chosen.pick_sections[s](effects)
        total = _added(map(TOTAL, part))
        share = _added(map(PART, part)) / total if total else None
        if share is not None:
            kept_weight += section.weight
            weighted += section.weight * share
        if detail:
            answered = sum(map(ANSWERED, part))
            sections.append(
                SectionResult(section.id, section.weight, share, answered, chosen.scored_in[s])
            )
    score = weighted / kept_weight if kept_weight else 0.0
    started = any(map(BY_PERSON, scored))
    reason = status_reason(checklist, blockers, started, score, short, unattested, pairs)
    results: tuple[QuestionResult, ...] = ()
    if detail:
        awaiting = set(unattested)
        results = tuple(
            QuestionResult(
                step.question,
                values[i],
                effect[0],
                step.due,
                effect[1],
                effect[2],
                effect[4],
                effect[3],
                active.get(i),
                special.get(i, (False, False))[0],
                effect[8],
                step.id in awaiting,
                special.get(i, (False, False))[1],
                waits_of[i].waiting_for if i in waits_of else (),
                waits_of[i].inconsistent if i in waits_of else False,
                done=effect[5],
            )
            for i, (step, effect) in enumerate(zip(chosen.steps, effects, strict=True))
        )
    given = list(compress(ids, map(GIVES, effects))) if answered_on else []
    return UnitScore(
        checklist.id,
        checklist.version,
        as_of,
        score,
        reason.status,
        sum(map(ANSWERED, scored)) / chosen.scored if chosen.scored else 1.0,
        reason,
        len(blockers),
        sum(map(LATE, effects)),
        tuple(late_critical),
        tuple(sections),
        results,
        len(unattested),
        len({q for q, _ in pairs}),
        _oldest(given, answered_on),
        open_ids,
        checklist.stale_after,
        tuple(waiting),
    )


def _oldest(questions: list[str], answered_on: Mapping[str, str] | None) -> date | None:
    """Return the day of the oldest of these questions' answers (None: none known)."""
    if not questions or not answered_on:
        return None
    # The least ISO time has the least day (its first ten characters).
    oldest = min(filter(None, map(answered_on.get, questions)), default=None)
    return date.fromisoformat(oldest[:10]) if oldest else None


def status_reason(
    checklist: Checklist,
    blockers: list[str],
    started: bool,
    score: float,
    short: list[str],
    unattested: Sequence[str] = (),
    pairs: Sequence[tuple[str, str]] = (),
) -> StatusReason:
    """Return the status by the first matching rule of ``scoring.md``, with its reason:
    ``blockers`` are the blocker questions, ``started`` whether a person answered a scored
    question, ``short`` the critical questions below full credit and not waived,
    ``unattested`` the answers awaiting attestation and ``pairs`` the inconsistent questions
    with the prerequisites they wait for. Of rule 4's causes the reason names the first of:
    the score, a critical question short of full credit, attestation, a prerequisite."""
    if blockers:
        return StatusReason(RED, "blocker", tuple(blockers))
    if not started:
        return StatusReason(NOT_STARTED, "not-started")
    if score < checklist.amber:
        return StatusReason(RED, "score-below-amber", (), score, checklist.amber)
    if score < checklist.green:
        return StatusReason(AMBER, "score-below-green", tuple(short), score, checklist.green)
    if short:
        return StatusReason(AMBER, "critical-below-full", tuple(short))
    if unattested:
        return StatusReason(AMBER, "unattested", tuple(unattested))
    if pairs:
        questions = tuple(dict.fromkeys(q for q, _ in pairs))
        return StatusReason(AMBER, "inconsistent", questions, pairs=tuple(pairs))
    return StatusReason(GREEN, "all-met", (), score, checklist.green)
