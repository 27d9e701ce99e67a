"""What the one scorer (``core.scoring``) finds of a unit: its score, status and reason, and
with detail each section's and question's result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fvmcli.core.deadlines import days_before
from fvmcli.core.model import Offset, Question, Waiver

TRAINING = "training.coverage"


def evidence_is_old(age_days: int | None, as_of: date, stale_after: Offset | None) -> bool:
    """Return True when evidence ``age_days`` old on ``as_of`` is older than ``stale_after``
    measured back from ``as_of`` (``scoring.md``, "Evidence age"); False when either is
    undefined."""
    if age_days is None or stale_after is None:
        return False
    return age_days > (as_of - days_before(as_of, stale_after)).days


@dataclass(frozen=True, slots=True)
class Evidence:
    """Live values for derived questions, in percent; None when undefined."""

    training_coverage: float | None = None
    equipment_readiness: float | None = None

    def value(self, source: str) -> float | None:
        """Return the value of a derived question's source."""
        if source == TRAINING:
            return self.training_coverage
        return self.equipment_readiness


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """One applicable question of a unit, as the scorer saw it."""

    question: Question
    value: str | None  # the stored answer, or the derived value as text
    credit: float | None  # None: informational, n/a, or derived n/a
    due: date | None
    overdue: bool
    answered: bool  # counts as answered for completeness
    by_person: bool  # a person gave the answer (derived values and waivers do not count)
    excluded: bool  # left out of the score: n/a or actively waived
    waiver: Waiver | None  # the active waiver, if any
    stale: bool  # answered before the question's meaning changed: counts as no answer
    blocker: bool  # critical, overdue and not actively waived: the unit is red
    unattested: bool = False  # needs a second person's attestation and has none
    rejected: bool = False  # its attestation was refused: counts as no answer
    waiting_for: tuple[str, ...] = ()  # prerequisites not done (parent's as "^id")
    inconsistent: bool = False  # given credit by a person while waiting
    done: bool = False  # n/a, actively waived, or full credit


@dataclass(frozen=True, slots=True)
class Waiting:
    """An applicable question waiting for prerequisites that are not done (``scoring.md``,
    "Prerequisites"), kept with or without detail."""

    question: Question
    due: date | None
    waiting_for: tuple[str, ...]  # the prerequisites not done (a parent's as "^id")
    inconsistent: bool  # a person gave it credit while it waits


@dataclass(frozen=True, slots=True)
class SectionResult:
    id: str
    weight: float
    score: float | None  # None when the section is left out
    answered: int
    applicable: int


@dataclass(frozen=True, slots=True)
class StatusReason:
    """Why a unit has its status: the rule of ``scoring.md`` that matched, the questions
    behind it, and for the score bands the score and the threshold it fell below."""

    status: str
    rule: str  # blocker | not-started | score-below-amber | score-below-green |
    #            critical-below-full | unattested | inconsistent | all-met
    questions: tuple[str, ...] = ()
    score: float | None = None
    threshold: float | None = None
    # For ``inconsistent``: (question, the prerequisite it waits for; a parent's as "^id").
    pairs: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Return the reason as the ``reason`` object of the JSON documents."""
        found: dict[str, object] = {
            "rule": self.rule,
            "questions": list(self.questions),
            "score": self.score,
            "threshold": self.threshold,
        }
        if self.pairs:
            found["prerequisites"] = [list(pair) for pair in self.pairs]
        return found


@dataclass(frozen=True, slots=True)
class UnitScore:
    """A unit's score on one checklist. ``sections`` and ``questions`` are filled when it was
    scored with ``detail`` (one unit's view); a territory's listing keeps only the figures."""

    checklist: str
    version: int
    as_of: date
    score: float
    status: str
    completeness: float
    reason: StatusReason
    blocker_count: int
    overdue_count: int
    # Critical questions past due and short of full credit, in question order: (question,
    # due date, the active waiver or None). Without a waiver each is a blocker.
    late_critical: tuple[tuple[Question, date, Waiver | None], ...] = ()
    sections: tuple[SectionResult, ...] = ()
    questions: tuple[QuestionResult, ...] = ()
    unattested_count: int = 0
    inconsistent_count: int = 0
    oldest_evidence: date | None = None  # the day of the oldest answer behind the score
    # Applicable questions that are not done (kept when the checklist has prerequisites).
    open: frozenset[str] = frozenset()
    stale_after: Offset | None = None
    waiting: tuple[Waiting, ...] = ()  # the questions waiting for prerequisites, in order

    @property
    def evidence_age_days(self) -> int | None:
        """Return the evidence age in days (``scoring.md``), None when undefined."""
        if self.oldest_evidence is None:
            return None
        return (self.as_of - self.oldest_evidence).days

    @property
    def evidence_old(self) -> bool:
        """Return True when the checklist says how old evidence may be and it is older."""
        return evidence_is_old(self.evidence_age_days, self.as_of, self.stale_after)

    @property
    def blockers(self) -> list[QuestionResult]:
        """Return the blockers' results (with ``detail``)."""
        return [q for q in self.questions if q.blocker]

    @property
    def overdue(self) -> list[QuestionResult]:
        """Return the overdue questions' results (with ``detail``)."""
        return [q for q in self.questions if q.overdue]

    @property
    def waived(self) -> list[QuestionResult]:
        """Return the actively waived questions' results (with ``detail``)."""
        return [q for q in self.questions if q.waiver is not None]

    @property
    def stale(self) -> list[QuestionResult]:
        """Return the stale answers' results (with ``detail``)."""
        return [q for q in self.questions if q.stale]
