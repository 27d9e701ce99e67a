"""A unit's score, status and counts without its per-question results: the same figures as
``scoring.score_unit``, made once per unit of a territory with what is the same for many units
(applicability by type, due dates, credits of each answer value) worked out once per plan."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from fvmcli.core.deadlines import due_date
from fvmcli.core.model import NA, Checklist, Question, Waiver
from fvmcli.core.scoring import (
    AMBER,
    GREEN,
    NOT_STARTED,
    RED,
    Evidence,
    StatusReason,
    credit,
    questions_for_type,
)
from fvmcli.core.values import format_number


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """What ``cutover status`` shows of a unit's score."""

    score: float
    status: str
    completeness: float
    blockers: int
    overdue: int
    reason: StatusReason
    # Critical questions past due and short of full credit, in question order: (question,
    # due date, the active waiver or None). Without a waiver each is a blocker.
    late_critical: tuple[tuple[Question, date, Waiver | None], ...] = ()


class ScorePlan:
    """The part of scoring that is the same for every unit of one type and go-live date on one
    as-of date: which questions apply by type, their due dates, whether a shortfall is overdue,
    and the credit of each answer value (remembered as values are met)."""

    __slots__ = (
        "checklist",
        "questions",
        "dues",
        "late",
        "credits",
        "section_of",
        "as_of",
        "steps",
        "plain",
        "rest",
        "by_section",
        "read_by_conditions",
    )

    def __init__(
        self, checklist: Checklist, unit_type: str, go_live: date | None, as_of: date
    ) -> None:
        self.checklist = checklist
        self.as_of = as_of
        self.questions: tuple[Question, ...] = questions_for_type(checklist, unit_type)
        self.dues = tuple(due_date(go_live, q.due) for q in self.questions)
        self.late = tuple(d is not None and d <= as_of for d in self.dues)
        self.credits: list[dict[str | None, float | None]] = [{} for _ in self.questions]
        index = {s.id: i for i, s in enumerate(checklist.sections)}
        self.section_of = tuple(index.get(q.section, -1) for q in self.questions)
        # What the hot loop reads of each question, in one tuple, so it looks nothing up.
        self.steps = tuple(
            (
                i,
                q,
                q.id,
                q.when,
                q.source,
                q.scored,
                q.critical,
                q.weight,
                self.section_of[i],
                self.late[i],
                self.credits[i],
            )
            for i, q in enumerate(self.questions)
        )
        # For a unit with no waivers and no stale answers (most units), a question that is
        # neither conditional nor derived adds what its answer value alone decides: its
        # effect, made once per value. The others ("rest") are worked out unit by unit.
        self.plain = tuple(
            (q.id, _Effects(self, i))
            for i, q in enumerate(self.questions)
            if q.when is None and q.source is None
        )
        seen: set[str] = set()
        rest = []
        for i, q in enumerate(self.questions):
            if q.when is None and q.source is None:
                seen.add(q.id)
                continue
            # A condition on a plain question earlier in the plan always holds its question
            # applied; one on a later question never does; one on a "rest" question depends.
            rest.append((i, self.steps[i], q.when is not None and q.when.question in seen))
        self.rest = tuple(rest)
        self.read_by_conditions = frozenset(
            q.when.question for q in checklist.questions if q.when is not None
        )
        positions: dict[int, list[int]] = {}
        for i, s in enumerate(self.section_of):
            if s >= 0:
                positions.setdefault(s, []).append(i)
        self.by_section = tuple((s, _picker(positions[s])) for s in sorted(positions))

    def effect(self, i: int, value: str | None, c: float | None) -> tuple[float, float, int]:
        """Return what question ``i`` with ``value`` (credit ``c``) adds to a unit without
        waivers or stale answers: (Σ weight, Σ weight × credit, packed counts)."""
        _, q, _, _, _, scored, critical, weight, s, late_if_short, _ = self.steps[i]
        late = late_if_short and c is not None and c < 1
        packed = _LATE if late else 0
        if not scored:
            return 0.0, 0.0, packed
        packed += _SCORED
        if value is not None:
            packed += _ANSWERED + (_PERSON if q.source is None else 0)
        if critical:
            if late:
                packed += _BLOCKER
            if c is not None and c < 1:
                packed += _SHORT
        if s >= 0 and value != NA and c is not None:
            return weight, weight * c, packed
        return 0.0, 0.0, packed

    def credit_of(self, i: int, value: str | None) -> float | None:
        """Return the credit of ``value`` for the plan's question ``i`` (remembered)."""
        memo = self.credits[i]
        try:
            return memo[value]
        except KeyError:
            found = memo[value] = credit(self.questions[i], value, self.dues[i])
            return found


# Counts packed in one whole number per question, so a unit's are one sum (each < 2**10).
_SCORED, _ANSWERED, _LATE, _BLOCKER, _SHORT, _PERSON = (1 << (10 * k) for k in range(6))
_NONE: tuple[float, float, int] = (0.0, 0.0, 0)


class _Effects(dict[str | None, tuple[float, float, int]]):
    """Answer value → the effect of one plain question of a plan, made on first sight."""

    __slots__ = ("plan", "i")

    def __init__(self, plan: ScorePlan, i: int) -> None:
        super().__init__()
        self.plan = plan
        self.i = i

    def __missing__(self, value: str | None) -> tuple[float, float, int]:
        found = self[value] = self.plan.effect(self.i, value, self.plan.credit_of(self.i, value))
        return found


def _picker(positions: Sequence[int]) -> Callable[[Sequence[float]], tuple[float, ...]]:
    """Return a function that takes the values at ``positions`` from a sequence, as a tuple."""
    if len(positions) == 1:
        (only,) = positions
        return lambda values: (values[only],)
    return itemgetter(*positions)


_PLANS: dict[tuple[int, str, date | None, date], tuple[Checklist, ScorePlan]] = {}


def plan_for(checklist: Checklist, unit_type: str, go_live: date | None, as_of: date) -> ScorePlan:
    """Return the remembered plan of this checklist, unit type, go-live and as-of date."""
    key = (id(checklist), unit_type, go_live, as_of)
    found = _PLANS.get(key)
    if found is None or found[0] is not checklist:
        if len(_PLANS) > 4096:
            _PLANS.clear()
        found = (checklist, ScorePlan(checklist, unit_type, go_live, as_of))
        _PLANS[key] = found
    return found[1]


def summarize_unit(
    plan: ScorePlan,
    answers: Mapping[str, str],
    waivers: Mapping[str, Waiver],
    evidence: Evidence,
    stale: Collection[str] = (),
) -> UnitSummary:
    """Return the unit's score, status (with its reason), completeness and the numbers of
    blockers and overdue items: exactly what ``score_unit`` gives, for less work.

    A unit with no waivers and no stale answers adds up its questions' effects, each made
    once per plan and answer value (``ScorePlan.effect``), in the questions' order, so the
    sums are the very same floating-point numbers as question by question."""
    if waivers or stale or len(plan.steps) >= 1024:
        return _summarize_each(plan, answers, waivers, evidence, stale)
    get = answers.get
    effects = [found[get(qid)] for qid, found in plan.plain]
    if plan.rest:
        _add_rest(plan, get, evidence, effects)
    if not effects:
        return _summary(plan, [], [], 0, 0, 0, False, 0.0, 0.0, [])
    weights, credited, packed = zip(*effects, strict=True)
    counts = sum(packed)
    kept_weight = 0.0
    weighted = 0.0
    sections = plan.checklist.sections
    for s, pick in plan.by_section:
        total = sum(pick(weights))
        if total:
            kept_weight += sections[s].weight
            weighted += sections[s].weight * (sum(pick(credited)) / total)
    steps = plan.steps
    blockers = (
        [steps[k][2] for k, e in enumerate(effects) if e[2] & _BLOCKER]
        if counts >> 30 & 1023
        else []
    )
    started = bool(counts >> 50)
    short = (
        [steps[k][2] for k, e in enumerate(effects) if e[2] & _SHORT]
        if counts >> 40 & 1023
        # Only the amber and green rules name them (``_reason``): found only for those.
        and not blockers
        and started
        and (weighted / kept_weight if kept_weight else 0.0) >= plan.checklist.amber
        else []
    )
    late: list[tuple[Question, date, Waiver | None]] = (
        [
            (steps[k][1], plan.dues[k], None)  # type: ignore[misc]  # late: a due date
            for k, e in enumerate(effects)
            if e[2] & _BLOCKER
        ]
        if blockers
        else []
    )
    return _summary(
        plan,
        blockers,
        short,
        counts & 1023,
        counts >> 10 & 1023,
        counts >> 20 & 1023,
        started,
        weighted,
        kept_weight,
        late,
    )


def _add_rest(
    plan: ScorePlan,
    get: Callable[[str], str | None],
    evidence: Evidence,
    effects: list[tuple[float, float, int]],
) -> None:
    """Put the effects of the plan's conditional and derived questions into ``effects`` (the
    plain questions' effects, in order) at their places, for a unit without waivers."""
    derived: dict[str, str] = {}
    applied: set[str] = set()
    for i, step, always in plan.rest:
        q, qid, when, source = step[1], step[2], step[3], step[4]
        if when is not None:
            if not (always or when.question in applied):
                effects.insert(i, _NONE)
                continue
            shown = derived.get(when.question, get(when.question))
            if shown not in when.values:
                effects.insert(i, _NONE)
                continue
        applied.add(qid)
        value: str | None
        if source is not None:
            live = evidence.value(source)
            if live is None:
                value = None if source == "training.coverage" else NA
                c = plan.credit_of(i, value)
            else:
                # The value as text only where a condition reads it; else any value given.
                value = format_number(round(live, 6)) if qid in plan.read_by_conditions else ""
                derived[qid] = value
                c = min(live / (q.target or 100.0), 1.0)
        else:
            value = get(qid)
            c = plan.credit_of(i, value)
        effects.insert(i, plan.effect(i, value, c))


def _summary(
    plan: ScorePlan,
    blockers: list[str],
    short: list[str],
    scored: int,
    answered: int,
    overdue: int,
    started: bool,
    weighted: float,
    kept_weight: float,
    late_critical: list[tuple[Question, date, Waiver | None]],
) -> UnitSummary:
    """Return the unit's summary from its sums and counts."""
    score = weighted / kept_weight if kept_weight else 0.0
    reason = _reason(plan.checklist, blockers, started, score, short)
    return UnitSummary(
        score,
        reason.status,
        answered / scored if scored else 1.0,
        len(blockers),
        overdue,
        reason,
        tuple(late_critical),
    )


def _summarize_each(  # noqa: C901 (one pass over the questions, as score_unit makes them)
    plan: ScorePlan,
    answers: Mapping[str, str],
    waivers: Mapping[str, Waiver],
    evidence: Evidence,
    stale: Collection[str] = (),
) -> UnitSummary:
    """Return ``summarize_unit``'s figures, question by question: for a unit with waivers or
    stale answers, whose questions' effects differ from other units'."""
    checklist = plan.checklist
    as_of = plan.as_of
    sections = checklist.sections
    totals = [0.0] * len(sections)  # Σ weight of counted questions, in question order
    sums = [0.0] * len(sections)  # Σ weight × credit
    derived: dict[str, str] = {}
    applied: set[str] = set()
    answered_scored = scored_count = 0
    blockers: list[str] = []
    short: list[str] = []
    late_critical: list[tuple[Question, date, Waiver | None]] = []
    overdue = 0
    by_person_any = False
    credit_of = plan.credit_of
    for i, q, qid, when, source, scored, critical, weight, s, late_if_short, memo in plan.steps:
        if when is not None:
            if when.question not in applied:
                continue
            shown = derived.get(when.question, answers.get(when.question))
            if shown not in when.values:
                continue
        applied.add(qid)
        is_stale = qid in stale if stale else False
        by_person = False
        if source is not None:
            live = evidence.value(source)
            if live is None:
                value: str | None = None if source == "training.coverage" else NA
                c = credit_of(i, value)
            else:
                value = format_number(round(live, 6))
                derived[qid] = value
                c = min(live / (q.target or 100.0), 1.0)
        else:
            value = answers.get(qid)
            is_stale = is_stale and value is not None
            by_person = value is not None and not is_stale
            key = None if is_stale else value
            c = memo[key] if key in memo else credit_of(i, key)
        waiver = waivers.get(qid) if waivers else None
        if waiver is not None and not as_of <= waiver.until:
            waiver = None
        late = late_if_short and c is not None and c < 1
        overdue += late
        if not scored:
            continue
        scored_count += 1
        answered = (value is not None and not is_stale) or waiver is not None
        answered_scored += answered
        by_person_any = by_person_any or by_person
        excluded = (value == NA and not is_stale) or waiver is not None
        if critical:
            if late:
                late_critical.append((q, plan.dues[i], waiver))  # type: ignore[arg-type]
                if waiver is None:
                    blockers.append(qid)
            if waiver is None and c is not None and c < 1:
                short.append(qid)
        if s >= 0 and not excluded and c is not None:
            totals[s] += weight
            sums[s] += weight * c
    kept_weight = 0.0
    weighted = 0.0
    for s, section in enumerate(sections):
        if totals[s]:
            kept_weight += section.weight
            weighted += section.weight * (sums[s] / totals[s])
    score = weighted / kept_weight if kept_weight else 0.0
    completeness = answered_scored / scored_count if scored_count else 1.0
    reason = _reason(checklist, blockers, by_person_any, score, short)
    return UnitSummary(
        score,
        reason.status,
        completeness,
        len(blockers),
        overdue,
        reason,
        tuple(late_critical),
    )


def _reason(
    checklist: Checklist, blockers: list[str], started: bool, score: float, short: list[str]
) -> StatusReason:
    """Return the status by the first matching rule of ``scoring.md`` (as ``status_reason``)."""
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
    return StatusReason(GREEN, "all-met", (), score, checklist.green)
