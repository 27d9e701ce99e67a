"""Turning what a person types into a stored answer value, per question type."""

from __future__ import annotations

from collections.abc import Mapping

from fvmcli.core.model import NA, Checklist, Question
from fvmcli.core.scoring import applicable_questions, applies_by_type
from fvmcli.core.values import format_number, parse_date, parse_number

_WORDS = {
    "yes": "yes",
    "ja": "yes",
    "j": "yes",
    "y": "yes",
    "no": "no",
    "nej": "no",
    "n": "no",
    "partial": "partial",
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
        "yes-no": "yes, no (ja, nej)",
        "yes-partial-no": "yes, partial, no (ja, delvis, nej)",
        "percent": "a number from 0 to 100 (87,5 or 87.5)",
        "number": "a number 0 or more",
        "date": "a date YYYY-MM-DD",
        "choice": ", ".join(o.id for o in question.options),
        "text": "any text",
    }
    base = kinds[question.type]
    return f"{base}, or n/a (ej aktuell)" if question.allow_na else base


def parse_answer(question: Question, raw: str) -> str:
    """Return the value to store for ``raw``; raise ValueError naming the accepted values."""
    text = raw.strip()
    word = _WORDS.get(text.lower())
    if not text:
        raise ValueError(f"an answer is required: {accepted_values(question)}")
    if word == NA and question.type != "text":
        if question.allow_na:
            return NA
        raise ValueError(
            f"{question.id} cannot be answered n/a; accepted: {accepted_values(question)}"
        )
    value = _parse_typed(question, text, word)
    if value is None:
        raise ValueError(
            f"{text!r} is not an answer to {question.id}; accepted: {accepted_values(question)}"
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
    return text  # free text


def settable_question(
    checklist: Checklist, unit_type: str, question_id: str, values: Mapping[str, str]
) -> Question:
    """Return the question a person may answer for this unit; raise ValueError saying why not.

    ``values`` are the unit's answers (stored and about to be stored), for ``when`` logic.
    """
    question = checklist.question(question_id)
    if question is None:
        raise ValueError(f"unknown question {question_id!r} in checklist {checklist.id!r}")
    if question.derived:
        raise ValueError(
            f"{question_id} is computed from {question.source}; it cannot be set by hand"
        )
    if not applies_by_type(checklist, question, unit_type):
        raise ValueError(f"{question_id} does not apply to units of type {unit_type}")
    if question not in applicable_questions(checklist, unit_type, values):
        when = question.when
        assert when is not None
        raise ValueError(
            f"{question_id} applies only when {when.question} is {' or '.join(when.values)}"
        )
    return question
