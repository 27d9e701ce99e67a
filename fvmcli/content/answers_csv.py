"""The answers CSV: unit, question, value[, comment, answered_by, answered_at]."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

from fvmcli.content.csvfile import CsvRow, CsvStream, RowProblems, read_csv
from fvmcli.core.answers import check_answers
from fvmcli.core.model import Checklist, NewAnswer, Unit
from fvmcli.i18n import _

REQUIRED = ("unit", "question", "value")
OPTIONAL = ("comment", "answered_by", "answered_at")
# The CSV column each field of an answer comes from, for naming the cell at fault.
COLUMN = {"unit": "unit", "question": "question", "value": "value", "at": "answered_at"}


def read_answer_rows(path: Path) -> list[CsvRow]:
    """Return the file's rows after checking its header."""
    return read_csv(path, REQUIRED, OPTIONAL)


def check_answer_rows(
    path: Path,
    rows: list[CsvRow],
    checklist: Checklist,
    units: Mapping[str, Unit],
    stored: Mapping[str, Mapping[str, str]],
    *,
    latest: datetime | None = None,
) -> list[NewAnswer]:
    """Return the answers to store; raise ImportRowsError naming every bad row and column.

    ``units`` are the stored units the file names; ``stored`` their current answer values, so
    that ``when`` logic sees both stored answers and those in the file. An ``answered_at``
    after ``latest`` is refused.
    """
    problems = RowProblems(str(path))
    complete = [row for row in rows if not problems.missing(row, REQUIRED)]
    batch = [
        NewAnswer(
            row.get("unit") or "",
            row.get("question") or "",
            row.get("value") or "",
            row.get("comment"),
            row.get("answered_by"),
            row.get("answered_at"),
        )
        for row in complete
    ]
    answers, found = check_answers(checklist, units, stored, batch, latest=latest)
    for problem in found:
        message = problem.message
        if problem.first is not None:
            message += _(" (first on row {line})").format(line=complete[problem.first].line)
        problems.add(complete[problem.index], COLUMN[problem.field], message)
    problems.raise_if_any()
    return answers


def answer_stream(path: Path) -> CsvStream:
    """Return the file's rows as a stream, after checking its header."""
    return CsvStream(path, REQUIRED, OPTIONAL)


def staged_rows(stream: CsvStream, problems: RowProblems) -> Iterator[tuple[object, ...]]:
    """Yield each row as the import stages it (line, unit, question, value, comment, by, at),
    naming in ``problems`` the rows with an empty required cell instead."""
    for row in stream:
        cells = row.cells
        out: list[object] = [row.line]
        for column in COLUMNS:
            value = cells.get(column)
            if value:
                value = value.strip()
            out.append(value or None)
        if out[1] is None or out[2] is None or out[3] is None:
            problems.missing(row, REQUIRED)
            continue
        yield tuple(out)


COLUMNS = ("unit", "question", "value", "comment", "answered_by", "answered_at")
