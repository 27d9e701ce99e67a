"""The hypercare import file: the daily export of an incident or staffing system as CSV or
XLSX, with the columns unit, indicator, day, value[, comment] (Swedish: enhet, indikator, dag,
värde, kommentar), checked whole before anything is stored."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import TypeVar

from fvmcli.content.csvfile import CsvRow, RowProblems, column_of, read_csv
from fvmcli.core.hypercare import Hypercare, day_problem, parse_value
from fvmcli.core.values import check_text, parse_date
from fvmcli.errors import ImportRowsError, InputError, Problem
from fvmcli.i18n import _

T = TypeVar("T")
REQUIRED = ("unit", "indicator", "day", "value")
OPTIONAL = ("comment",)


def read_rows(path: Path) -> list[CsvRow]:
    """Return the data rows of a CSV file, or of the first sheet of an XLSX workbook, each
    with its row number and its cells under the English column names."""
    if path.suffix.lower() == ".xlsx":
        return list(_xlsx_rows(path))
    return read_csv(path, REQUIRED, OPTIONAL)


def _xlsx_rows(path: Path) -> Iterator[CsvRow]:
    from openpyxl import load_workbook

    from fvmcli.content.xlsx_answers import cell_text
    from fvmcli.content.xlsx_guard import check_workbook

    check_workbook(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise InputError(_("{path}: no such file").format(path=path)) from exc
    except Exception as exc:  # a damaged part: openpyxl raises whatever its parser meets
        raise InputError(
            _("{path}: not a readable XLSX workbook ({exc})").format(
                path=path, exc=str(exc)[:200] or type(exc).__name__
            )
        ) from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(h) or "" for h in next(rows, ())]
        allowed = REQUIRED + OPTIONAL
        names = [column_of(h, allowed) for h in header]
        problems = [
            Problem(
                _("row 1, column {i}").format(i=i + 1),
                _("unknown column {header!r} (allowed: {allowed})").format(
                    header=h, allowed=", ".join(allowed)
                ),
            )
            for i, (h, name) in enumerate(zip(header, names, strict=True))
            if h and name not in allowed
        ]
        problems += [
            Problem(_("row 1"), _("required column {name!r} is missing").format(name=name))
            for name in REQUIRED
            if name not in names
        ]
        if problems:
            raise ImportRowsError(str(path), problems, hint=_("Nothing was imported."))
        headings = {n: h.strip() for n, h in zip(names, header, strict=True)}
        for line, row in enumerate(rows, start=2):
            cells = {n: cell_text(c) or "" for n, c in zip(names, row, strict=False) if n}
            if any(cells.values()):
                yield CsvRow(line, cells, headings)
    finally:
        book.close()


def parse_values(
    rows: list[CsvRow],
    source: str,
    hypercare: Hypercare,
    go_live_of: Mapping[str, date | None],
    today: date,
) -> list[tuple[str, str, date, float, str | None]]:
    """Return (unit, indicator, day, value, comment) per row; ``go_live_of`` maps each known
    unit to its phase's go-live date. Raise ImportRowsError naming every bad row: an empty
    cell, an unknown unit or indicator, a day outside hypercare or not yet come, a negative
    count, a percent over 100, the same unit, indicator and day twice."""
    problems = RowProblems(source)
    found: list[tuple[str, str, date, float, str | None]] = []
    seen: dict[tuple[str, str, date], int] = {}
    known = ", ".join(i.id for i in hypercare.indicators)
    # Each parser made once, not once a row: a day's file has 160,000 rows.
    value_of = {i.id: (i, partial(parse_value, i)) for i in hypercare.indicators}
    # A day's file names few days and go-live dates: each is parsed and checked once.
    day_of = cache(parse_date)
    why_of = cache(lambda day, go_live: day_problem(day, go_live, hypercare.days, today))

    def comment_of(text: str) -> str | None:
        return check_text(text, _("the comment"))

    for row in rows:
        get = row.get
        unit, name, day_text, value_text = get("unit"), get("indicator"), get("day"), get("value")
        if unit is None or name is None or day_text is None or value_text is None:
            problems.missing(row, REQUIRED)
            continue
        bad = False
        if unit not in go_live_of:
            problems.add(row, "unit", _("no unit {unit_id!r}").format(unit_id=unit))
            bad = True
        indicator, parse = value_of.get(name, (None, None))
        if indicator is None:
            problems.add(
                row,
                "indicator",
                _("unknown indicator {indicator!r} (known: {known})").format(
                    indicator=name, known=known
                ),
            )
            bad = True
        day = _checked(problems, row, "day", day_text, day_of)
        if day is not None and unit in go_live_of:
            why = why_of(day, go_live_of[unit])
            if why is not None:
                problems.add(row, "day", why)
                bad = True
        value = None
        if parse is not None:
            value = _checked(problems, row, "value", value_text, parse)
        comment = _checked(problems, row, "comment", get("comment"), comment_of)
        if bad or day is None or value is None or indicator is None:
            continue
        key = (unit, indicator.id, day)
        if key in seen:
            problems.add(
                row,
                None,
                _("{unit} · {indicator} · {day} is given twice (first on row {first})").format(
                    unit=unit, indicator=indicator.id, day=day.isoformat(), first=seen[key]
                ),
            )
            continue
        seen[key] = row.line
        found.append((unit, indicator.id, day, value, comment))
    problems.raise_if_any()
    return found


def _checked(
    problems: RowProblems, row: CsvRow, column: str, text: str | None, parse: Callable[[str], T]
) -> T | None:
    """Return ``text``, the column's cell, parsed, None for an empty cell; a bad one is a
    problem."""
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        problems.add(row, column, str(exc))
        return None
