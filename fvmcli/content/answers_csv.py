"""The answers CSV: unit, question, value[, comment, answered_by, answered_at]."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fvmcli.content.csvfile import CsvRow, RowProblems, read_csv
from fvmcli.core.answers import parse_answer, settable_question
from fvmcli.core.model import Checklist, NewAnswer, Unit
from fvmcli.core.scoring import applicable_questions
from fvmcli.core.values import parse_datetime

REQUIRED = ("unit", "question", "value")
OPTIONAL = ("comment", "answered_by", "answered_at")


def read_answer_rows(path: Path) -> list[CsvRow]:
    """Return the file's rows after checking its header."""
    return read_csv(path, REQUIRED, OPTIONAL)


def check_answer_rows(
    path: Path,
    rows: list[CsvRow],
    checklist: Checklist,
    units: Mapping[str, Unit],
    stored: Mapping[str, Mapping[str, str]],
) -> list[NewAnswer]:
    """Return the answers to store; raise ImportRowsError naming every bad row and column.

    ``units`` are the stored units the file names; ``stored`` their current answer values, so
    that ``when`` logic sees both stored answers and those earlier in the file.
    """
    problems = RowProblems(str(path))
    values = {unit_id: dict(v) for unit_id, v in stored.items()}
    seen: dict[tuple[str, str], int] = {}
    parsed: list[tuple[CsvRow, str, str, str]] = []
    for row in rows:
        if problems.missing(row, REQUIRED):
            continue
        unit_id, question_id, raw = (
            row.get("unit") or "",
            row.get("question") or "",
            row.get("value") or "",
        )
        unit = units.get(unit_id)
        if unit is None:
            problems.add(row, "unit", f"no unit {unit_id!r}")
            continue
        key = (unit_id, question_id)
        if key in seen:
            problems.add(
                row,
                "question",
                f"{question_id} for {unit_id} is answered twice (first on row {seen[key]})",
            )
            continue
        seen[key] = row.line
        question = checklist.question(question_id)
        if question is None or question.derived:
            problems.add(row, "question", _why_not(checklist, unit, question_id, {}))
            continue
        try:
            value = parse_answer(question, raw)
        except ValueError as exc:
            problems.add(row, "value", str(exc))
            continue
        values.setdefault(unit_id, {})[question_id] = value
        parsed.append((row, unit_id, question_id, value))
    answers: list[NewAnswer] = []
    applicable: dict[str, set[str]] = {}
    for row, unit_id, question_id, value in parsed:
        # Applicability is checked against every answer of the unit, so row order does not matter.
        if unit_id not in applicable:
            applicable[unit_id] = {
                q.id for q in applicable_questions(checklist, units[unit_id].type, values[unit_id])
            }
        if question_id not in applicable[unit_id]:
            problems.add(
                row, "question", _why_not(checklist, units[unit_id], question_id, values[unit_id])
            )
            continue
        at = row.get("answered_at")
        if at is not None:
            try:
                parse_datetime(at)
            except ValueError as exc:
                problems.add(row, "answered_at", str(exc))
                continue
        answers.append(
            NewAnswer(unit_id, question_id, value, row.get("comment"), row.get("answered_by"), at)
        )
    problems.raise_if_any()
    return answers


def _why_not(checklist: Checklist, unit: Unit, question_id: str, values: Mapping[str, str]) -> str:
    try:
        settable_question(checklist, unit.type, question_id, values)
    except ValueError as exc:
        return str(exc)
    return "cannot be set"
