"""Reading answers back from XLSX: the answer sheets fvm writes, or a plain sheet with the
answers CSV's columns. Every value keeps the cell it came from (``vc-hjo.xlsx!E14``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fvmcli.content.answers_csv import OPTIONAL, REQUIRED
from fvmcli.core.values import format_number
from fvmcli.errors import InputError
from fvmcli.i18n import _


@dataclass(frozen=True)
class SheetAnswer:
    """One answer cell: the question, what it says now, and what was stored when the sheet
    was made."""

    unit: str
    question: str
    value: str | None
    comment: str | None
    was: str | None
    where: str  # the answer cell, e.g. Svar!E7
    comment_at: str  # the comment cell
    by: str | None = None
    at: str | None = None
    # The answer cell holds a number without a percent format (0.9 may mean 90 % or 0.9 %).
    plain_number: bool = False


@dataclass
class ReadSheet:
    """What one XLSX file holds."""

    file: Path
    answer_sheet: bool  # made by fvm (else a plain sheet of rows)
    checklist: str | None = None
    version: int | None = None
    unit: str | None = None
    filled_by: str | None = None
    filled_on: date | None = None
    answers: list[SheetAnswer] = field(default_factory=list)


def cell_text(value: Any) -> str | None:
    """Return a cell's value as the text a person typed (numbers as 87.5, dates ISO)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return format_number(value)
    text = str(value).strip()
    return text or None


def is_percent_format(number_format: str | None) -> bool:
    """Return whether a cell's number format shows its number as a percentage (``0 %``,
    ``0.0%``): a ``%`` outside quoted text and escapes, where Excel multiplies by 100."""
    import re

    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format or "")
    return "%" in bare


def answer_text(cell: Any) -> tuple[str | None, bool]:
    """Return an answer cell's text as the person meant it, and whether it is a plain number.

    A number in a percent-formatted cell is a fraction, as Excel stores it: 0.9 shown as
    ``90 %`` is read as ``90 %``. A whole number from 2 up there is no fraction a person typed
    (it would be 200 % or more) but a percentage a program wrote into the cell: read as it is.
    Text is read as typed (``"90 %"``), other numbers as they are.
    """
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        written = value >= 2 and float(value).is_integer()
        if is_percent_format(getattr(cell, "number_format", None)) and not written:
            return format_number(round(value * 100, 9)) + " %", False
        return format_number(value), True
    return cell_text(value), False


def read_answers_xlsx(path: Path) -> ReadSheet:
    """Return the answers of an XLSX file; a file that is not a readable workbook, or a
    plain sheet without the answers' columns, is an input error naming the file."""

    from openpyxl import load_workbook

    from fvmcli.content.xlsx_guard import check_workbook
    from fvmcli.core.sheet_layout import (
        ANSWER,
        COMMENT,
        FILLED_BY,
        FILLED_ON,
        FIRST_ROW,
        FORMAT,
        META,
        QID,
        WAS,
    )

    check_workbook(path)
    try:
        book = load_workbook(path, data_only=True)
    except FileNotFoundError as exc:
        raise InputError(_("{path}: no such file").format(path=path)) from exc
    except Exception as exc:  # a damaged part: openpyxl raises whatever its parser meets
        raise InputError(
            _("{path}: not a readable XLSX workbook ({exc})").format(
                path=path, exc=str(exc)[:200] or type(exc).__name__
            )
        ) from exc
    sheets = [ws for ws in book.worksheets if ws.title != META]
    if not sheets:
        raise InputError(_("{path}: the workbook has no sheet").format(path=path))
    if META in book.sheetnames:
        meta = {
            str(row[0]): cell_text(row[1])
            for row in book[META].iter_rows(max_col=2, values_only=True)
            if row and row[0]
        }
        if meta.get("format") != FORMAT:
            raise InputError(
                _("{path}: its '{META}' sheet is not an fvm answer sheet's").format(
                    path=path, META=META
                )
            )
        ws = _answer_sheet(path, sheets, FIRST_ROW, QID)
        version = meta.get("version") or ""
        read = ReadSheet(
            path,
            True,
            meta.get("checklist"),
            # At most nine digits: a longer "version" names none (and int() of thousands of
            # digits is refused by Python itself).
            int(version) if version.isascii() and version.isdigit() and len(version) <= 9 else None,
            meta.get("unit"),
        )
        read.filled_by = cell_text(ws.cell(FILLED_BY[0] + 1, FILLED_BY[1] + 1).value)
        filled_on = ws.cell(FILLED_ON[0] + 1, FILLED_ON[1] + 1).value
        if isinstance(filled_on, datetime | date):
            read.filled_on = filled_on.date() if isinstance(filled_on, datetime) else filled_on
        elif filled_on not in (None, ""):
            from fvmcli.core.values import parse_date

            try:
                read.filled_on = parse_date(str(filled_on))
            except ValueError as exc:
                raise InputError(
                    _("{name}!{title}!E{FILLED_ON}: {exc}").format(
                        name=path.name, title=ws.title, FILLED_ON=FILLED_ON[0] + 1, exc=exc
                    )
                ) from exc
        for r, row in enumerate(ws.iter_rows(min_row=FIRST_ROW + 1), start=FIRST_ROW + 1):
            qid = cell_text(row[QID].value) if len(row) > QID else None
            if not qid:
                continue
            value, plain_number = answer_text(row[ANSWER])
            read.answers.append(
                SheetAnswer(
                    read.unit or "",
                    qid,
                    value,
                    cell_text(row[COMMENT].value),
                    cell_text(row[WAS].value) if len(row) > WAS else None,
                    f"{_col(ANSWER)}{r}",
                    f"{_col(COMMENT)}{r}",
                    plain_number=plain_number,
                )
            )
        return read
    return _plain(path, sheets[0])


def _answer_sheet(path: Path, sheets: list[Any], first_row: int, qid: int) -> Any:
    """Return the sheet of an fvm answer workbook that holds the answers (the one whose
    hidden column names questions), wherever it was moved; none is an input error, since
    importing nothing from a sheet meant to be full of answers would lose them quietly."""
    for ws in sheets:
        for row in ws.iter_rows(
            min_row=first_row + 1, min_col=qid + 1, max_col=qid + 1, values_only=True
        ):
            if row and cell_text(row[0]):
                return ws
    raise InputError(
        _(
            "{path}: no sheet holds the answers (the question ids in column {column} are gone)"
        ).format(path=path, column=_col(qid)),
        hint=_("Make a new sheet with fvm checklist sheet and copy the answers into it."),
    )


def _col(index: int) -> str:
    return chr(ord("A") + index)


def _plain(path: Path, ws: Any) -> ReadSheet:
    rows = ws.iter_rows()
    header = [str(h.value).strip().lower() if h.value is not None else "" for h in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in REQUIRED + OPTIONAL]
    if missing or unknown:
        raise InputError(
            _(
                "{path}!{title}: a plain sheet needs the columns {REQUIRED} (and may "
                "have {OPTIONAL}); "
            ).format(
                path=path,
                title=ws.title,
                REQUIRED=", ".join(REQUIRED),
                OPTIONAL=", ".join(OPTIONAL),
            )
            + (
                _("missing {missing}").format(missing=", ".join(missing))
                if missing
                else _("unknown {unknown}").format(unknown=", ".join(unknown))
            )
        )
    at = {name: i for i, name in enumerate(header) if name}
    read = ReadSheet(path, False)
    for r, row in enumerate(rows, start=2):
        cells = {name: cell_text(row[i].value) if i < len(row) else None for name, i in at.items()}
        if not any(cells.values()):
            continue
        plain_number = False
        if at["value"] < len(row):
            cells["value"], plain_number = answer_text(row[at["value"]])
        read.answers.append(
            SheetAnswer(
                cells.get("unit") or "",
                cells.get("question") or "",
                cells.get("value"),
                cells.get("comment"),
                None,
                f"{_col(at['value'])}{r}",
                f"{_col(at.get('comment', at['value']))}{r}",
                cells.get("answered_by"),
                cells.get("answered_at"),
                plain_number,
            )
        )
    return read
