"""Reading the CSV files people import: UTF-8 (BOM or not), ``,`` or ``;``, header row."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from fvmcli.errors import ImportRowsError, InputError, Problem


@dataclass(frozen=True)
class CsvRow:
    """One data row: its line number as a spreadsheet shows it (header = 1) and its cells."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str | None:
        """Return the cell stripped, or None when the column is absent or the cell empty."""
        value = self.cells.get(column)
        return value.strip() if value is not None and value.strip() else None


@dataclass
class Reading:
    """How files are read in a ``reading`` block, and what was noticed on the way."""

    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


_READING: ContextVar[Reading | None] = ContextVar("fvm_reading", default=None)


@contextmanager
def reading(encoding: str | None = None) -> Iterator[Reading]:
    """Read files in this block in ``encoding`` (None: UTF-8, else Windows-1252 as Swedish
    Excel saves CSV); yield the notes to show the user (which encoding was used)."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(f"--encoding: unknown encoding {encoding!r}") from exc
    state = Reading(encoding)
    token = _READING.set(state)
    try:
        yield state
    finally:
        _READING.reset(token)


def read_text(path: Path, kind: str = "CSV") -> str:
    """Return the text of a file: UTF-8 (with or without BOM), else Windows-1252 as Swedish
    Excel saves CSV (noted in the ``reading`` block), or the encoding a ``reading`` block
    forces. A missing, unreadable or binary file is an input error that says it expected
    ``kind`` (CSV, a JSON bundle)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if b"\x00" in raw:
        raise InputError(
            f"{path}: is a binary file, not {kind} text",
            hint="Save it as CSV (UTF-8)." if kind == "CSV" else None,
        )
    state = _READING.get()
    if state is not None and state.encoding:
        try:
            return raw.decode(state.encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: is not {state.encoding} text (byte {exc.start + 1})"
            ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                f"{path}: is not UTF-8 text (byte {exc.start + 1})",
                hint="Save it as 'CSV UTF-8' in Excel, or name its encoding with --encoding.",
            ) from exc
        if state is not None:
            state.notes.append(
                f"{path} is not UTF-8; read it as Windows-1252, as Swedish Excel saves CSV "
                "(--encoding names another)."
            )
        return text


def read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> list[CsvRow]:
    """Return the data rows; header problems are reported all at once, naming the columns."""
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InputError(f"{path}: is empty; a header row is required") from exc
    names = [h.strip().lower() for h in header]
    problems: list[Problem] = []
    allowed = required + optional
    for i, name in enumerate(names):
        if name not in allowed:
            problems.append(
                Problem(
                    f"row 1, column {i + 1}",
                    f"unknown column {header[i]!r} (allowed: {', '.join(allowed)})",
                )
            )
        elif names.index(name) != i:
            problems.append(Problem(f"row 1, column {i + 1}", f"column {name!r} appears twice"))
    for name in required:
        if name not in names:
            problems.append(Problem("row 1", f"required column {name!r} is missing"))
    if problems:
        raise ImportRowsError(str(path), problems, hint="Nothing was imported.")
    rows: list[CsvRow] = []
    line = reader.line_num
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(names):
                problems.append(
                    Problem(f"row {start}", f"{len(record)} cells, header has {len(names)}")
                )
                continue
            rows.append(CsvRow(start, dict(zip(names, record, strict=False))))
    except csv.Error as exc:
        problems.append(Problem(f"row {line + 1}", f"not valid CSV: {exc}"))
    if problems:
        raise ImportRowsError(str(path), problems, hint="Nothing was imported.")
    return rows


class RowProblems:
    """Collects (row, column, message) problems of an import before anything is stored."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def missing(self, row: CsvRow, required: tuple[str, ...]) -> bool:
        """Report each empty required cell of ``row``; return True when there was one."""
        empty = [c for c in required if row.get(c) is None]
        for column in empty:
            self.add(row, column, "is required")
        return bool(empty)

    def add(self, row: CsvRow, column: str | None, message: str) -> None:
        self.add_line(row.line, column, message)

    def add_line(self, line: int, column: str | None, message: str) -> None:
        where = f"row {line}" + (f", column {column}" if column else "")
        self.problems.append(Problem(where, message))

    def raise_if_any(self) -> None:
        """Raise ImportRowsError listing every bad row; nothing has been stored."""
        if self.problems:
            raise ImportRowsError(self.source, self.problems, hint="Nothing was imported.")
