"""Readiness of one unit on one checklist, exactly as ``scoring.md`` says: the one scorer.

Every command, report, round, forecast and digest scores a unit through ``score_unit`` (a
bundle carries answers, not scores). What is the same for every unit of one type and go-live
date on one as-of date (which questions apply by type, their due dates, the credit of each
answer value) is worked out once, in a ``ScorePlan``; ``score_unit`` then walks the plan's
questions once for the unit.
A new scoring rule goes into that walk (and, if it is the same for every unit of a plan, into
the plan), nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date

from fvmcli.core.deadlines import due_date
from fvmcli.core.model import NA, Checklist, Question, Waiver, When
from fvmcli.core.results import (
    TRAINING,
    Evidence,
    QuestionResult,
    SectionResult,
    StatusReason,
    UnitScore,
    Waiting,
)
from fvmcli.core.values import format_number

GREEN, AMBER, RED, NOT_STARTED = "green", "amber", "red", "not-started"
STATUSES = (RED, AMBER, NOT_STARTED, GREEN)  # worst first
ATTESTED, REJECTED = "attested", "rejected"  # the states of an answer's attestation


def applies_by_type(checklist: Checklist, question: Question, unit_type: str) -> bool:
    """Return True when the unit type is among the question's (or checklist's) types."""
    types = question.applies_to if question.applies_to is not None else checklist.applies_to
    return types is None or unit_type in types


_BY_TYPE: dict[tuple[int, str], tuple[Checklist, tuple[Question, ...]]] = {}


def questions_for_type(checklist: Checklist, unit_type: str) -> tuple[Question, ...]:
    """Return the checklist's questions whose types include ``unit_type`` (remembered)."""
    key = (id(checklist), unit_type)
    found = _BY_TYPE.get(key)
    if found is None or found[0] is not checklist:
        found = (
            checklist,
            tuple(q for q in checklist.questions if applies_by_type(checklist, q, unit_type)),
        )
        _BY_TYPE[key] = found
    return found[1]


def when_met(when: When | None, applied: Collection[str], values: Mapping[str, str]) -> bool:
    """Return True when a question's condition holds: none, or the referenced question
    applies (is in ``applied``) and its value is one of those listed."""
    return when is None or (when.question in applied and values.get(when.question) in when.values)


def applicable_questions(
    checklist: Checklist, unit_type: str, values: Mapping[str, str]
) -> list[Question]:
    """Return the questions that apply to a unit of ``unit_type`` with these answer values."""
    chosen: list[Question] = []
    applied: set[str] = set()
    for question in questions_for_type(checklist, unit_type):
        if when_met(question.when, applied, values):
            chosen.append(question)
            applied.add(question.id)
    return chosen


def ratio_credit(question: Question, value: float) -> float:
    """Return the credit of a percent or number ``value``: min(value / target, 1), the target
    100 when the question names none."""
    return min(value / (question.target or 100.0), 1.0)


class DamagedAnswer(ValueError):
    """A stored answer that its question's type cannot hold (the store was changed by hand)."""

    def __init__(self, question: str, value: str) -> None:
        super().__init__(question, value)
        self.question = question
        self.value = value


def credit(question: Question, value: str | None, due: date | None) -> float | None:
    """Return the credit of one answer value (0…1); None when informational or ``n/a``.

    An unanswered scored question has credit 0; a value its type cannot hold raises
    DamagedAnswer.
    """
    try:
        return _credit(question, value, due)
    except ValueError:
        raise DamagedAnswer(question.id, str(value)) from None


def _credit(question: Question, value: str | None, due: date | None) -> float | None:
    if not question.scored or value == NA:
        return None
    if value is None:
        return 0.0
    kind = question.type
    if kind == "yes-no":
        return 1.0 if value == "yes" else 0.0
    if kind == "yes-partial-no":
        return {"yes": 1.0, "partial": 0.5}.get(value, 0.0)
    if kind in ("percent", "number"):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        return ratio_credit(question, number)
    if kind == "date":
        return 1.0 if due is None or date.fromisoformat(value) <= due else 0.0
    if kind == "choice":
        option = question.option(value)
        return option.credit if option else 0.0
    return None


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


# A question of a plan: the question, its due date, whether a shortfall is overdue, its
# section's index (-1: none), and the credits of the answer values met so far.
Step = tuple[Question, date | None, bool, int, dict[str | None, float | None]]


class ScorePlan:
    """What is the same for every unit of one type and go-live date on one as-of date: the
    questions that apply by type, their due dates, whether a shortfall is overdue, their
    section, and the credit of each answer value (remembered as values are met)."""

    __slots__ = ("checklist", "as_of", "go_live", "four_eyes", "steps", "linked")

    def __init__(
        self,
        checklist: Checklist,
        unit_type: str,
        go_live: date | None,
        as_of: date,
        four_eyes: bool = False,
    ) -> None:
        self.checklist = checklist
        self.as_of = as_of
        self.go_live = go_live
        self.four_eyes = four_eyes
        index = {s.id: i for i, s in enumerate(checklist.sections)}
        steps: list[Step] = []
        for q in questions_for_type(checklist, unit_type):
            due = due_date(go_live, q.due)
            steps.append((q, due, due is not None and due <= as_of, index.get(q.section, -1), {}))
        self.steps: tuple[Step, ...] = tuple(steps)
        # Whether any question has prerequisites: then which questions are open is kept.
        self.linked = any(q.requires or q.requires_parent for q in checklist.questions)

    def credit_of(self, i: int, value: str | None) -> float | None:
        """Return the credit of ``value`` for the plan's question ``i`` (remembered)."""
        q, due, _, _, memo = self.steps[i]
        try:
            return memo[value]
        except KeyError:
            found = memo[value] = credit(q, value, due)
            return found


_PLANS: dict[tuple[int, str, date | None, date, bool], tuple[Checklist, ScorePlan]] = {}


def plan_for(
    checklist: Checklist,
    unit_type: str,
    go_live: date | None,
    as_of: date,
    four_eyes: bool = False,
) -> ScorePlan:
    """Return the remembered plan of this checklist, unit type, go-live and as-of date, with
    waivers active only once approved when ``four_eyes``."""
    key = (id(checklist), unit_type, go_live, as_of, four_eyes)
    found = _PLANS.get(key)
    if found is None or found[0] is not checklist:
        if len(_PLANS) > 4096:
            _PLANS.clear()
        found = (checklist, ScorePlan(checklist, unit_type, go_live, as_of, four_eyes))
        _PLANS[key] = found
    return found[1]


def score_unit(  # noqa: C901, PLR0912, PLR0915 (one pass: every rule in one place)
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
    questions not done in the unit's parent unit (None: the unit has no parent)."""
    checklist = plan.checklist
    as_of = plan.as_of
    four_eyes = plan.four_eyes
    n_sections = len(checklist.sections)
    totals = [0.0] * n_sections  # Σ weight of counted questions, in question order
    sums = [0.0] * n_sections  # Σ weight × credit
    answered_in = [0] * n_sections
    scored_in = [0] * n_sections
    applied: set[str] = set()
    scored_count = answered_count = overdue = 0
    started = False
    blockers: list[str] = []
    short: list[str] = []
    unattested: list[str] = []
    oldest: str | None = None
    open_ids: set[str] = set()
    # (result index, question, due, given credit by a person)
    credited: list[tuple[int, Question, date | None, bool]] = []
    late_critical: list[tuple[Question, date, Waiver | None]] = []
    results: list[QuestionResult] = []
    attest_states = attestations or {}
    for i, (q, due, late_if_short, s, memo) in enumerate(plan.steps):
        qid = q.id
        if q.when is not None and not when_met(q.when, applied, answers):
            continue
        applied.add(qid)
        is_stale = by_person = rejected = False
        value: str | None
        if q.source is not None:
            live = evidence.value(q.source)
            if live is None:
                # No training pairs: unanswered. No equipment required: n/a.
                value = None if q.source == TRAINING else NA
                c = plan.credit_of(i, value)
            else:
                value = format_number(round(live, 6))
                c = ratio_credit(q, live) if q.scored else None
        else:
            value = answers.get(qid)
            if value is not None:
                is_stale = qid in stale
                rejected = attest_states.get(qid) == REJECTED
            # A stale or rejected answer is shown with what it said, but counts as no answer.
            by_person = value is not None and not is_stale and not rejected
            key = value if by_person else None
            c = memo[key] if key in memo else plan.credit_of(i, key)
        waiver = waivers.get(qid) if waivers else None
        if waiver is not None:
            waiver = active_waiver(waiver, as_of, four_eyes)
        late = late_if_short and c is not None and c < 1
        overdue += late
        counted = value is not None and not is_stale and not rejected
        answered = counted or waiver is not None
        excluded = (value == NA and counted) or waiver is not None
        blocker = q.critical and late and waiver is None
        awaits = q.attest and by_person and waiver is None and attest_states.get(qid) != ATTESTED
        if awaits:
            unattested.append(qid)
        if by_person and c and answered_on is not None:
            day = answered_on.get(qid)
            if day is not None and (oldest is None or day[:10] < oldest):
                oldest = day[:10]
        # Done: n/a, actively waived, full credit, or an informational question answered.
        done = excluded or c == 1 or (c is None and by_person)
        if plan.linked:
            if not done:
                open_ids.add(qid)
            if q.requires or (q.requires_parent and parent_open is not None):
                credited.append((len(results), q, due, by_person and bool(c)))
        if detail:
            results.append(
                QuestionResult(
                    q,
                    value,
                    c,
                    due,
                    late,
                    answered,
                    by_person,
                    excluded,
                    waiver,
                    is_stale,
                    blocker,
                    awaits,
                    rejected,
                    done=done,
                )
            )
        if not q.scored:
            continue
        scored_count += 1
        answered_count += answered
        started = started or by_person
        if q.critical:
            if late:
                late_critical.append((q, due, waiver))  # type: ignore[arg-type]  # late: dated
                if blocker:
                    blockers.append(qid)
            if waiver is None and c is not None and c < 1:
                short.append(qid)
        if s >= 0:
            scored_in[s] += 1
            answered_in[s] += answered
            if not excluded and c is not None:
                totals[s] += q.weight
                sums[s] += q.weight * c
    pairs: list[tuple[str, str]] = []
    waiting: list[Waiting] = []
    for index, q, due, gave_credit in credited:
        waits = [p for p in q.requires if p in open_ids]
        if parent_open is not None:
            waits += ["^" + p for p in q.requires_parent if p in parent_open]
        if not waits:
            continue
        waiting.append(Waiting(q, due, tuple(waits), gave_credit))
        if gave_credit:
            pairs.extend((q.id, p) for p in waits)
        if detail:
            results[index] = replace(
                results[index], waiting_for=tuple(waits), inconsistent=gave_credit
            )
    kept_weight = weighted = 0.0
    sections: list[SectionResult] = []
    for s, section in enumerate(checklist.sections):
        part = sums[s] / totals[s] if totals[s] else None
        if part is not None:
            kept_weight += section.weight
            weighted += section.weight * part
        if detail:
            sections.append(
                SectionResult(section.id, section.weight, part, answered_in[s], scored_in[s])
            )
    score = weighted / kept_weight if kept_weight else 0.0
    reason = status_reason(checklist, blockers, started, score, short, unattested, pairs)
    return UnitScore(
        checklist.id,
        checklist.version,
        as_of,
        score,
        reason.status,
        answered_count / scored_count if scored_count else 1.0,
        reason,
        len(blockers),
        overdue,
        tuple(late_critical),
        tuple(sections),
        tuple(results),
        len(unattested),
        len({q for q, _ in pairs}),
        date.fromisoformat(oldest) if oldest else None,
        frozenset(open_ids),
        checklist.stale_after,
        tuple(waiting),
    )


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
