"""A checklist compiled for scoring (``scoring.md``): which questions apply, and what each
possible answer does to a unit's figures.

``core.scoring.score_unit`` runs a ``ScorePlan`` over one unit's answers. What is the same for
every unit of one type and go-live date on one as-of date is decided here once: the questions
that apply by type and, for the few answers that ``when`` reads, which apply by condition
(``Applicability``, the one evaluator that the walk, ``checklist set`` and the import use too);
each question's due date, whether a shortfall is overdue, its section and weight; and, for each
answer value met, its credit and its effect on the unit's figures (an ``Effect``, made once per
question and value).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from operator import itemgetter

from fvmcli.core.deadlines import due_date
from fvmcli.core.model import NA, Checklist, Question, When
from fvmcli.core.results import Waiting
from fvmcli.core.values import format_number


def applies_by_type(checklist: Checklist, question: Question, unit_type: str) -> bool:
    """Return True when the unit type is among the question's (or checklist's) types."""
    types = question.applies_to if question.applies_to is not None else checklist.applies_to
    return types is None or unit_type in types


def when_met(when: When | None, applied: Collection[str], values: Mapping[str, str]) -> bool:
    """Return True when a question's condition holds: none, or the referenced question
    applies (is in ``applied``) and its stored value is one of those listed."""
    return when is None or (when.question in applied and values.get(when.question) in when.values)


class Applicability:
    """The questions of a checklist that apply to units of one type, and which of them apply
    for a unit's stored answers (``scoring.md``, "Applicability"). Only the answers that a
    ``when`` names decide it, so each combination of them is worked out once."""

    __slots__ = ("questions", "refs", "_chosen")

    def __init__(self, checklist: Checklist, unit_type: str) -> None:
        self.questions = tuple(
            q for q in checklist.questions if applies_by_type(checklist, q, unit_type)
        )
        self.refs = tuple(dict.fromkeys(q.when.question for q in self.questions if q.when))
        self._chosen: dict[tuple[str | None, ...], tuple[int, ...]] = {}

    def key(self, values: Mapping[str, str]) -> tuple[str | None, ...]:
        """Return the stored values of the answers a ``when`` reads: all that decides which
        questions apply."""
        return tuple([values.get(ref) for ref in self.refs])

    def of(self, values: Mapping[str, str]) -> tuple[int, ...]:
        """Return the positions (in ``questions``) of the questions that apply for these
        stored answer values."""
        key = self.key(values)
        found = self._chosen.get(key)
        if found is None:
            applied: set[str] = set()
            chosen: list[int] = []
            for i, q in enumerate(self.questions):
                if when_met(q.when, applied, values):
                    chosen.append(i)
                    applied.add(q.id)
            if len(self._chosen) > 4096:
                self._chosen.clear()
            found = self._chosen[key] = tuple(chosen)
        return found


_APPLICABILITY: dict[tuple[int, str], tuple[Checklist, Applicability]] = {}


def applicability(checklist: Checklist, unit_type: str) -> Applicability:
    """Return the remembered applicability of this checklist for units of ``unit_type``."""
    key = (id(checklist), unit_type)
    found = _APPLICABILITY.get(key)
    if found is None or found[0] is not checklist:
        found = _APPLICABILITY[key] = (checklist, Applicability(checklist, unit_type))
    return found[1]


def applicable_questions(
    checklist: Checklist, unit_type: str, values: Mapping[str, str]
) -> list[Question]:
    """Return the questions that apply to a unit of ``unit_type`` with these stored answer
    values, in checklist order."""
    found = applicability(checklist, unit_type)
    return [found.questions[i] for i in found.of(values)]


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


# What one answer does to a unit's figures when no waiver is active, in this order: credit
# (None: informational or n/a), overdue, answered (for completeness), left out of the score
# (n/a), given by a person, done (for prerequisites), Σ weight and Σ weight × credit it adds to
# its section, blocker, critical and short of full credit, given by a person with credit > 0
# (evidence age), open (not done).
Effect = tuple[float | None, bool, bool, bool, bool, bool, float, float, bool, bool, bool, bool]


# Readers of an effect's fields, for sums over many effects at once.
LATE, ANSWERED, BY_PERSON, TOTAL, PART, GIVES, OPEN = (
    itemgetter(i) for i in (1, 2, 4, 6, 7, 10, 11)
)


def waived(effect: Effect) -> Effect:
    """Return the effect of an answer whose question is actively waived: left out of the
    score like ``n/a``, answered, done, never a blocker nor short of credit; still overdue
    when it is."""
    c, late, _, _, by_person, *_, gives, _ = effect
    return (c, late, True, True, by_person, True, 0.0, 0.0, False, False, gives, False)


class Step:
    """One question of a plan: what the scorer needs of it, and the effect of each answer
    value met so far (``effects[value]``; None: no answer counted)."""

    __slots__ = (
        "question",
        "id",
        "due",
        "late_if_short",
        "section",
        "weight",
        "scored",
        "critical",
        "attest",
        "source",
        "linked",
        "effects",
        "lives",
        "waits",
    )

    def __init__(self, question: Question, due: date | None, as_of: date, section: int) -> None:
        self.question = question
        self.id = question.id
        self.due = due
        self.late_if_short = due is not None and due <= as_of
        self.section = section
        self.weight = question.weight
        self.scored = question.scored
        self.critical = question.critical
        self.attest = question.attest
        self.source = question.source
        self.linked = bool(question.requires or question.requires_parent)
        self.effects = _Effects(self)
        self.lives: dict[float, tuple[str, Effect]] = {}
        self.waits: dict[tuple[tuple[str, ...], bool], Waiting] = {}

    def effect(self, value: str | None, c: float | None) -> Effect:
        """Return the effect of ``value`` with credit ``c`` when no waiver is active (a
        person's answer unless the question is derived)."""
        by_person = value is not None and self.source is None
        late = self.late_if_short and c is not None and c < 1
        na = value == NA
        kept = self.scored and not na and c is not None
        done = na or c == 1 or (c is None and by_person)
        return (
            c,
            late,
            value is not None,
            na,
            by_person,
            done,
            self.weight if kept else 0.0,
            self.weight * c if kept and c is not None else 0.0,
            self.critical and late,
            self.critical and c is not None and c < 1,
            by_person and bool(c),
            not done,
        )

    def live(self, value: float) -> tuple[str, Effect]:
        """Return the text and the effect of a derived question's live value (remembered)."""
        found = self.lives.get(value)
        if found is None:
            text = format_number(round(value, 6))
            c = ratio_credit(self.question, value) if self.scored else None
            found = self.lives[value] = (text, self.effect(text, c))
        return found

    def waiting(self, waits: tuple[str, ...], gave_credit: bool) -> Waiting:
        """Return the question's ``Waiting`` for these prerequisites (remembered)."""
        key = (waits, gave_credit)
        found = self.waits.get(key)
        if found is None:
            found = self.waits[key] = Waiting(self.question, self.due, waits, gave_credit)
        return found


class _Effects(dict[str | None, Effect]):
    """A step's effects by answer value, each made when first met; a value the question
    cannot hold raises DamagedAnswer and is not kept."""

    __slots__ = ("step",)

    def __init__(self, step: Step) -> None:
        super().__init__()
        self.step = step

    def __missing__(self, value: str | None) -> Effect:
        step = self.step
        found = self[value] = step.effect(value, credit(step.question, value, step.due))
        return found


def picker(positions: Sequence[int]) -> Callable[[Sequence[Effect]], tuple[Effect, ...]]:
    """Return a function that picks the items at ``positions`` of a sequence, as a tuple."""
    if not positions:
        return lambda items: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda items: (items[only],)
    return itemgetter(*positions)


class Chosen:
    """The steps of a plan that apply for one combination of the answers ``when`` reads,
    laid out for running over a unit's answers: their ids and effect tables in order, where
    each id is, the derived, attested, critical and linked ones, and pickers of the scored
    steps in all and per section."""

    __slots__ = (
        "steps",
        "ids",
        "effects",
        "position",
        "derived",
        "attested",
        "critical",
        "linked",
        "scored",
        "scored_in",
        "pick_scored",
        "pick_sections",
    )

    def __init__(self, steps: tuple[Step, ...], sections: int) -> None:
        self.steps = steps
        self.ids = tuple(step.id for step in steps)
        self.effects = tuple(step.effects for step in steps)
        self.position = {step.id: i for i, step in enumerate(steps)}
        self.derived = tuple((i, s) for i, s in enumerate(steps) if s.source is not None)
        self.attested = tuple((i, s.id) for i, s in enumerate(steps) if s.attest)
        self.critical = tuple((i, s) for i, s in enumerate(steps) if s.scored and s.critical)
        # Each step with prerequisites, with those of its own unit that apply here (by position).
        self.linked = tuple(
            (i, s, tuple((p, self.position[p]) for p in s.question.requires if p in self.position))
            for i, s in enumerate(steps)
            if s.linked
        )
        scored = [i for i, step in enumerate(steps) if step.scored]
        self.scored = len(scored)
        self.pick_scored = picker(scored)
        per_section = [[i for i in scored if steps[i].section == s] for s in range(sections)]
        self.scored_in = tuple(len(found) for found in per_section)
        self.pick_sections = tuple(picker(found) for found in per_section)


class ScorePlan:
    """A checklist compiled for the units of one type and go-live date on one as-of date,
    with waivers active only once approved when ``four_eyes``."""

    __slots__ = (
        "checklist",
        "as_of",
        "go_live",
        "four_eyes",
        "steps",
        "linked",
        "sections",
        "_applicability",
        "_chosen",
        "_by_key",
    )

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
        self.sections = len(checklist.sections)
        index = {s.id: i for i, s in enumerate(checklist.sections)}
        self._applicability = applicability(checklist, unit_type)
        self.steps = tuple(
            Step(q, due_date(go_live, q.due), as_of, index.get(q.section, -1))
            for q in self._applicability.questions
        )
        # Whether any question has prerequisites: then which questions are open is kept.
        self.linked = any(q.requires or q.requires_parent for q in checklist.questions)
        self._chosen: dict[tuple[int, ...], Chosen] = {}
        # The same, by the values that decide it: looked up once a unit without hashing
        # every position.
        self._by_key: dict[tuple[str | None, ...], Chosen] = {}

    def chosen(self, values: Mapping[str, str]) -> Chosen:
        """Return the steps that apply for these stored answer values (``Applicability``)."""
        key = self._applicability.key(values)
        found = self._by_key.get(key)
        if found is None:
            positions = self._applicability.of(values)
            found = self._chosen.get(positions)
            if found is None:
                steps = self.steps
                found = Chosen(tuple([steps[i] for i in positions]), self.sections)
                self._chosen[positions] = found
            if len(self._by_key) > 4096:
                self._by_key.clear()
            self._by_key[key] = found
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
