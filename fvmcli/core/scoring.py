"""Readiness of one unit on one checklist, exactly as ``scoring.md`` says."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from fvmcli.core.deadlines import due_date
from fvmcli.core.model import NA, Checklist, Question, Waiver
from fvmcli.core.values import format_number

GREEN, AMBER, RED, NOT_STARTED = "green", "amber", "red", "not-started"
STATUSES = (RED, AMBER, NOT_STARTED, GREEN)  # worst first


@dataclass(frozen=True)
class Evidence:
    """Live values for derived questions, in percent; None when undefined."""

    training_coverage: float | None = None
    equipment_readiness: float | None = None

    def value(self, source: str) -> float | None:
        """Return the value of a derived question's source."""
        if source == "training.coverage":
            return self.training_coverage
        return self.equipment_readiness


@dataclass(slots=True)  # not frozen: a region holds hundreds of thousands, made fast
class QuestionResult:
    question: Question
    value: str | None  # the stored answer, or the derived value as text
    credit: float | None  # None: informational, n/a, or derived n/a
    due: date | None
    overdue: bool
    answered: bool  # counts as answered for completeness
    by_person: bool  # a person gave the answer (derived values and waivers do not count)
    excluded: bool  # left out of the score: n/a or actively waived
    waiver: Waiver | None  # the active waiver, if any
    stale: bool = False  # answered before the question's meaning changed: counts as no answer

    @property
    def blocker(self) -> bool:
        """Return True when this question alone makes the unit red."""
        return self.question.critical and self.overdue and self.waiver is None


@dataclass(frozen=True)
class SectionResult:
    id: str
    weight: float
    score: float | None  # None when the section is left out
    answered: int
    applicable: int


@dataclass(frozen=True)
class UnitScore:
    checklist: str
    version: int
    as_of: date
    score: float
    status: str
    completeness: float
    sections: tuple[SectionResult, ...]
    questions: tuple[QuestionResult, ...]
    reason: StatusReason | None = None

    @property
    def blockers(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.blocker]

    @property
    def overdue(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.overdue]

    @property
    def waived(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.waiver is not None]

    @property
    def stale(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.stale]


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


def applicable_questions(
    checklist: Checklist, unit_type: str, values: Mapping[str, str]
) -> list[Question]:
    """Return the questions that apply to a unit of ``unit_type`` with these answer values.

    A ``when`` is met when the referenced question applies and its value is one of those listed.
    """
    chosen: list[Question] = []
    applied: set[str] = set()
    for question in questions_for_type(checklist, unit_type):
        when = question.when
        if when is not None and (
            when.question not in applied or values.get(when.question) not in when.values
        ):
            continue
        chosen.append(question)
        applied.add(question.id)
    return chosen


def credit(question: Question, value: str | None, due: date | None) -> float | None:
    """Return the credit of one answer value (0…1); None when informational or ``n/a``.

    An unanswered scored question has credit 0.
    """
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
        target = question.target or 100.0
        return min(float(value) / target, 1.0)
    if kind == "date":
        return 1.0 if due is None or date.fromisoformat(value) <= due else 0.0
    if kind == "choice":
        option = question.option(value)
        return option.credit if option else 0.0
    return None


def active_waiver(waiver: Waiver | None, as_of: date) -> Waiver | None:
    """Return the waiver when it is active on ``as_of`` (as_of ≤ its end date)."""
    return waiver if waiver is not None and as_of <= waiver.until else None


def _result(
    question: Question,
    stored: str | None,
    evidence: Evidence,
    go_live: date | None,
    waiver: Waiver | None,
    as_of: date,
    stale: bool = False,
) -> QuestionResult:
    due = due_date(go_live, question.due)
    by_person = False
    if question.source is not None:
        live = evidence.value(question.source)
        if live is None:
            # No training pairs: unanswered. No equipment required: n/a.
            value = None if question.source == "training.coverage" else NA
        else:
            value = format_number(round(live, 6))
        c = (
            credit(question, value, due)
            if live is None
            else min(live / (question.target or 100.0), 1.0)
        )
    else:
        value = stored
        stale = stale and stored is not None
        # A stale answer is shown with what it said, but counts as no answer.
        by_person = stored is not None and not stale
        c = credit(question, None if stale else value, due)
    waiver = active_waiver(waiver, as_of)
    is_na = value == NA and not stale
    overdue = c is not None and c < 1 and due is not None and due <= as_of
    return QuestionResult(
        question=question,
        value=value,
        credit=c,
        due=due,
        overdue=overdue,
        answered=(value is not None and not stale) or waiver is not None,
        by_person=by_person,
        excluded=is_na or waiver is not None,
        waiver=waiver,
        stale=stale,
    )


def score_unit(
    checklist: Checklist,
    unit_type: str,
    go_live: date | None,
    answers: Mapping[str, str],
    waivers: Mapping[str, Waiver],
    evidence: Evidence,
    as_of: date,
    stale: Collection[str] = (),
) -> UnitScore:
    """Return the unit's score, status, completeness and per-question results on ``as_of``.

    ``stale`` names the questions whose answers were given before their meaning changed."""
    results: list[QuestionResult] = []
    live_values = dict(answers)
    for question in checklist.questions:
        if question.source is not None:
            live = evidence.value(question.source)
            if live is not None:
                live_values[question.id] = format_number(round(live, 6))
    for question in applicable_questions(checklist, unit_type, live_values):
        results.append(
            _result(
                question,
                answers.get(question.id),
                evidence,
                go_live,
                waivers.get(question.id),
                as_of,
                question.id in stale,
            )
        )

    by_section: dict[str, list[QuestionResult]] = {}
    for r in results:
        if r.question.scored:
            by_section.setdefault(r.question.section, []).append(r)
    sections: list[SectionResult] = []
    for section in checklist.sections:
        in_section = by_section.get(section.id, [])
        counted = [r for r in in_section if not r.excluded and r.credit is not None]
        total = sum(r.question.weight for r in counted)
        score = (
            sum(r.question.weight * (r.credit or 0.0) for r in counted) / total if total else None
        )
        sections.append(
            SectionResult(
                section.id,
                section.weight,
                score,
                sum(1 for r in in_section if r.answered),
                len(in_section),
            )
        )

    kept = [s for s in sections if s.score is not None]
    weights = sum(s.weight for s in kept)
    overall = sum(s.weight * (s.score or 0.0) for s in kept) / weights if weights else 0.0
    scored = [r for r in results if r.question.scored]
    completeness = sum(1 for r in scored if r.answered) / len(scored) if scored else 1.0
    reason = status_reason(checklist, scored, overall)
    return UnitScore(
        checklist=checklist.id,
        version=checklist.version,
        as_of=as_of,
        score=overall,
        status=reason.status,
        reason=reason,
        completeness=completeness,
        sections=tuple(sections),
        questions=tuple(results),
    )


@dataclass(frozen=True, slots=True)
class StatusReason:
    """Why a unit has its status: the rule of ``scoring.md`` that matched, the questions
    behind it, and for the score bands the score and the threshold it fell below."""

    status: str
    rule: str  # blocker | not-started | score-below-amber | score-below-green |
    #            critical-below-full | all-met
    questions: tuple[str, ...] = ()
    score: float | None = None
    threshold: float | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the reason as the ``reason`` object of the JSON documents."""
        return {
            "rule": self.rule,
            "questions": list(self.questions),
            "score": self.score,
            "threshold": self.threshold,
        }


def status_reason(checklist: Checklist, scored: list[QuestionResult], score: float) -> StatusReason:
    """Return the status by the first matching rule of ``scoring.md``, with its reason."""
    blockers = tuple(r.question.id for r in scored if r.blocker)
    if blockers:
        return StatusReason(RED, "blocker", blockers)
    if not any(r.by_person for r in scored):
        return StatusReason(NOT_STARTED, "not-started")
    if score < checklist.amber:
        return StatusReason(RED, "score-below-amber", (), score, checklist.amber)
    short = tuple(
        r.question.id
        for r in scored
        if r.question.critical and r.waiver is None and r.credit is not None and r.credit < 1
    )
    if score < checklist.green:
        return StatusReason(AMBER, "score-below-green", short, score, checklist.green)
    if short:
        return StatusReason(AMBER, "critical-below-full", short)
    return StatusReason(GREEN, "all-met", (), score, checklist.green)
