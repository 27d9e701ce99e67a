"""Turning what a person types into a stored answer value, per question type."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from fvmcli.core.limits import FIRST_YEAR, LAST_YEAR, MAX_NAME, MAX_TEXT
from fvmcli.core.model import NA, Checklist, NewAnswer, Question, Unit
from fvmcli.core.score_plan import applicable_questions, applies_by_type
from fvmcli.core.values import format_number, parse_date, parse_number
from fvmcli.i18n import _

_WORDS = {
    "yes": "yes",
    "ja": "yes",
    "j": "yes",
    "y": "yes",
    "no": "no",
    "nej": "no",
    "n": "no",
    "partial": "partial",
    "partly": "partial",  # the English sheets and prompts say "Partly"
    "delvis": "partial",
    "n/a": NA,
    "na": NA,
    "ej aktuell": NA,
    "ej aktuellt": NA,
    "e/a": NA,
    "not applicable": NA,
}


def accepted_values(question: Question) -> str:
    """Return a human description of the values the question takes."""
    kinds = {
        "yes-no": _("yes, no (ja, nej)"),
        "yes-partial-no": _("yes, partial, no (ja, delvis, nej)"),
        "percent": _("a number from 0 to 100 (87,5 or 87.5)"),
        "number": _("a number 0 or more"),
        "date": _("a date YYYY-MM-DD"),
        "choice": ", ".join(o.id for o in question.options),
        "text": _("any text up to {MAX_TEXT} characters").format(MAX_TEXT=MAX_TEXT),
    }
    base = kinds[question.type]
    return _("{base}, or n/a (ej aktuell)").format(base=base) if question.allow_na else base


def parse_answer(question: Question, raw: str) -> str:
    """Return the value to store for ``raw``; raise ValueError naming the accepted values."""
    text = raw.strip()
    word = _WORDS.get(text.lower())
    if not text:
        raise ValueError(
            _("an answer is required: {accepted_values}").format(
                accepted_values=accepted_values(question)
            )
        )
    if word == NA and question.type != "text":
        if question.allow_na:
            return NA
        raise ValueError(
            _("{id} cannot be answered n/a; accepted: {accepted_values}").format(
                id=question.id, accepted_values=accepted_values(question)
            )
        )
    value = _parse_typed(question, text, word)
    if value is None:
        raise ValueError(
            _("{text!r} is not an answer to {id}; accepted: {accepted_values}").format(
                text=text, id=question.id, accepted_values=accepted_values(question)
            )
        )
    return value


def _parse_typed(question: Question, text: str, word: str | None) -> str | None:
    kind = question.type
    if kind == "yes-no":
        return word if word in ("yes", "no") else None
    if kind == "yes-partial-no":
        return word if word in ("yes", "partial", "no") else None
    if kind in ("percent", "number"):
        try:
            number = parse_number(text.removesuffix("%"))
        except ValueError:
            return None
        if number < 0 or (kind == "percent" and number > 100):
            return None
        return format_number(number)
    if kind == "date":
        try:
            return parse_date(text).isoformat()
        except ValueError:
            return None
    if kind == "choice":
        lowered = text.lower()
        for option in question.options:
            labels = {option.id.lower(), option.label.sv.lower(), (option.label.en or "").lower()}
            if lowered in labels:
                return option.id
        return None
    return text if len(text) <= MAX_TEXT else None  # free text


def needs_evidence(question: Question) -> bool:
    """Return whether an answer to ``question`` must carry its evidence (``evidence =
    "required"`` in content.md): a link or a note, given as the answer's comment."""
    return question.evidence == "required"


def evidence_problem(question: Question, comment: str | None) -> str | None:
    """Return why an answer with ``comment`` is refused for want of evidence (None: it has
    what it needs). The one rule of every way in: the walk, ``set``, CSV, XLSX and bundles;
    each says where the evidence goes (``--comment``, the comment column or cell)."""
    if not needs_evidence(question) or (comment or "").strip():
        return None
    return _("{id} needs evidence: a link or a note as the answer's comment").format(id=question.id)


def ambiguous_percent(
    question: Question, text: str | None, shown: Callable[[float], str] = format_number
) -> str | None:
    """Return why a plain number below 1 (not 0) given to a percent question from a
    spreadsheet cell is refused, with what to type; None when it is not ambiguous.

    A spreadsheet stores ``90 %`` as 0.9: a plain 0.9 (a cell without a percent format) may
    be 90 % or 0.9 %. A percent-formatted cell, text with ``%`` and any number of 1 or more
    say which they mean. ``shown`` writes a number as the person reads it (0,9 in Swedish)."""
    if question.type != "percent" or text is None:
        return None
    try:
        number = parse_number(text)
    except ValueError:
        return None
    if not 0 < number < 1:
        return None
    return _(
        "{text} is ambiguous for a percentage (a spreadsheet stores 90 % as 0.9): type "
        "{whole} for {whole} %, or {text} % for less than one per cent"
    ).format(text=shown(number), whole=shown(round(number * 100, 9)))


def unknown_question(checklist: Checklist, wrong: str) -> str:
    """Return what is said of a question id the checklist does not have, with the id it most
    likely meant."""
    from fvmcli.core.suggest import closest

    said = _("unknown question {question_id!r} in checklist {id!r}").format(
        question_id=wrong, id=checklist.id
    )
    meant = closest(wrong, (q.id for q in checklist.questions))
    if meant is None:
        return said
    return _("{said}; did you mean {meant}?").format(said=said, meant=meant)


def settable_question(
    checklist: Checklist, unit_type: str, question_id: str, values: Mapping[str, str]
) -> Question:
    """Return the question a person may answer for this unit; raise ValueError saying why not.

    ``values`` are the unit's answers (stored and about to be stored), for ``when`` logic.
    """
    question = checklist.question(question_id)
    if question is None:
        raise ValueError(unknown_question(checklist, question_id))
    if question.derived:
        raise ValueError(
            _("{question_id} is computed from {source}; it cannot be set by hand").format(
                question_id=question_id, source=question.source
            )
        )
    if not applies_by_type(checklist, question, unit_type):
        raise ValueError(
            _("{question_id} does not apply to units of type {unit_type}").format(
                question_id=question_id, unit_type=unit_type
            )
        )
    if question not in applicable_questions(checklist, unit_type, values):
        when = question.when
        assert when is not None
        raise ValueError(
            _("{question_id} applies only when {question} is {when}").format(
                question_id=question_id, question=when.question, when=" or ".join(when.values)
            )
        )
    return question


@dataclass(frozen=True)
class AnswerProblem:
    """Why the ``index``-th answer of a batch is refused, and which field is at fault."""

    index: int
    field: str
    message: str
    first: int | None = None  # for a repeated answer: the index of the first one


def check_answers(
    checklist: Checklist,
    units: Mapping[str, Unit],
    stored: Mapping[str, Mapping[str, str]],
    batch: Sequence[NewAnswer],
    *,
    latest: datetime | None = None,
) -> tuple[list[NewAnswer], list[AnswerProblem]]:
    """Return the batch with values as stored (``ja`` → ``yes``), and every problem.

    The one check every way in shares (terminal, CSV, sheets, bundles): the unit exists, the
    question is in the checklist and may be set by a person, it applies to the unit given all
    its answers (stored and in the batch, so order does not matter), the value is an answer to
    it, its evidence is there where the question requires it, a question is answered once, and
    an ``at`` time is a real time no later than ``latest``. ``units`` are the stored units the
    batch names; ``stored`` their answers.
    """
    problems: list[AnswerProblem] = []
    values = {unit_id: dict(v) for unit_id, v in stored.items()}
    seen: dict[tuple[str, str], int] = {}
    parsed: list[tuple[int, NewAnswer]] = []
    for index, new in enumerate(batch):
        unit = units.get(new.unit_id)
        if unit is None:
            problems.append(
                AnswerProblem(index, "unit", _("no unit {unit_id!r}").format(unit_id=new.unit_id))
            )
            continue
        key = (new.unit_id, new.question)
        if key in seen:
            problems.append(
                AnswerProblem(
                    index,
                    "question",
                    _("{question} for {unit_id} is answered twice").format(
                        question=new.question, unit_id=new.unit_id
                    ),
                    seen[key],
                )
            )
            continue
        seen[key] = index
        question = checklist.question(new.question)
        if question is None or question.derived:
            problems.append(
                AnswerProblem(index, "question", _why_not(checklist, unit, new.question, {}))
            )
            continue
        try:
            value = parse_answer(question, new.value)
        except ValueError as exc:
            problems.append(AnswerProblem(index, "value", str(exc)))
            continue
        if new.at is not None:
            problem = time_problem(new.at, latest)
            if problem:
                problems.append(AnswerProblem(index, "at", problem))
                continue
        if new.comment is not None and len(new.comment) > MAX_TEXT:
            problems.append(
                AnswerProblem(
                    index,
                    "comment",
                    _("is longer than {MAX_TEXT} characters").format(MAX_TEXT=MAX_TEXT),
                )
            )
            continue
        if new.by is not None and not 0 < len(new.by.strip()) <= MAX_NAME:
            problems.append(
                AnswerProblem(
                    index, "by", _("a name of 1 to {MAX_NAME} characters").format(MAX_NAME=MAX_NAME)
                )
            )
            continue
        values.setdefault(new.unit_id, {})[new.question] = value
        parsed.append(
            (
                index,
                new
                if value == new.value
                else NewAnswer(new.unit_id, new.question, value, new.comment, new.by, new.at),
            )
        )
    accepted: list[NewAnswer] = []
    applicable: dict[str, set[str]] = {}
    for index, new in parsed:
        unit = units[new.unit_id]
        if new.unit_id not in applicable:
            applicable[new.unit_id] = {
                q.id for q in applicable_questions(checklist, unit.type, values[new.unit_id])
            }
        if new.question not in applicable[new.unit_id]:
            why = _why_not(checklist, unit, new.question, values[new.unit_id])
            problems.append(AnswerProblem(index, "question", why))
            continue
        question = checklist.question(new.question)
        missing = evidence_problem(question, new.comment) if question else None
        if missing:
            problems.append(AnswerProblem(index, "comment", missing))
            continue
        accepted.append(new)
    problems.sort(key=lambda p: p.index)
    return accepted, problems


def time_problem(text: str, latest: datetime | None) -> str | None:
    """Return why ``text`` is not an acceptable time of a change (None when it is): it must be
    an ISO date and time, and not later than ``latest`` (now, plus a small clock skew)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return _("expected a date and time like 2026-12-14T09:00, got {text!r}").format(text=text)
    if len(text.strip()) <= 10 or len(text) > 40:
        return _("expected a date and time like 2026-12-14T09:00, got {text!r}").format(
            text=text[:40]
        )
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return _("{text} lies outside the years {FIRST_YEAR}–{LAST_YEAR}").format(
            text=text, FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR
        )
    if latest is not None:
        aware = moment if moment.tzinfo else moment.astimezone()
        if aware > latest:
            return _("{text} lies in the future; a change cannot be dated after now").format(
                text=text
            )
    return None


def _why_not(checklist: Checklist, unit: Unit, question_id: str, values: Mapping[str, str]) -> str:
    try:
        settable_question(checklist, unit.type, question_id, values)
    except ValueError as exc:
        return str(exc)
    return _("cannot be set")
