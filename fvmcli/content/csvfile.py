"""Reading the CSV files people import: UTF-8 (BOM or not), ``,`` or ``;``, header row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
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


def read_text(path: Path) -> str:
    """Return the text of a UTF-8 file; a missing, unreadable or binary file is an input error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if b"\x00" in raw:
        raise InputError(f"{path}: is a binary file, not CSV text", hint="Save it as CSV (UTF-8).")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: is not UTF-8 text (byte {exc.start + 1})",
            hint="Save it as 'CSV UTF-8' in Excel, or convert it to UTF-8.",
        ) from exc


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
