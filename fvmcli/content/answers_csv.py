"""The answers CSV: unit, question, value[, comment, answered_by, answered_at]."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fvmcli.content.csvfile import CsvStream, RowProblems

REQUIRED = ("unit", "question", "value")
OPTIONAL = ("comment", "answered_by", "answered_at")
# The CSV column each field of an answer comes from, for naming the cell at fault.
COLUMN = {
    "unit": "unit",
    "question": "question",
    "value": "value",
    "comment": "comment",
    "by": "answered_by",
    "at": "answered_at",
}


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
