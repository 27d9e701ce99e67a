"""A unit's own answer sheet (XLSX): its questions, current answers, dropdowns and ranges,
with hidden ids so that it reads back without trusting row order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fvmcli.core.model import NA, Question
from fvmcli.core.sheet_layout import (
    ANSWER,
    COMMENT,
    DUE,
    FILLED_BY,
    FILLED_ON,
    FIRST_ROW,
    FORMAT,
    HELP,
    META,
    QID,
    QUESTION,
    SECTION,
    WAS,
)
from fvmcli.i18n import N_, words_in
from fvmcli.render.checklist_sheet import LABELS, answer_label, choices
from fvmcli.render.spreadsheet import FORMULA_STARTS

WORDS = {
    "sheet": N_("Answers"),
    "unit": N_("Unit"),
    "phase": N_("Phase"),
    "go_live": N_("Go-live"),
    "not_set": N_("not set"),
    "filled_by": N_("Filled in by"),
    "filled_on": N_("Date"),
    "columns": (
        N_("Section"),
        N_("Question"),
        N_("Help"),
        N_("Due"),
        N_("Answer"),
        N_("Comment"),
    ),
    "derived": N_("computed by fvm"),
    "stale": N_("The question changed: confirm or answer again"),
    "intro": N_("Fill in Answer and Comment. Other cells are locked (no password)."),
}


@dataclass(frozen=True)
class SheetRow:
    """One question on a unit's sheet."""

    question: Question
    section: str
    text: str
    help: str | None
    due: date | None
    value: str | None  # the stored answer (or the live value of a derived question)
    comment: str | None
    stale: bool


@dataclass(frozen=True)
class SheetData:
    """Everything one unit's sheet shows."""

    checklist: str
    version: int
    title: str
    unit_id: str
    unit_name: str
    phase: int
    go_live: date | None
    made_at: str
    rows: list[SheetRow]


def _text(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_sheet(data: SheetData, lang: str, path: Path) -> None:
    """Write the unit's answer sheet to ``path``."""
    import xlsxwriter

    words = words_in(WORDS, lang)
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#EEF3F7", "border": 1, "locked": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "locked": True})
    locked_date = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "locked": True})
    open_cell = book.add_format(
        {"bg_color": "#FFF9DB", "border": 1, "locked": False, "text_wrap": True, "valign": "top"}
    )
    open_date = book.add_format(
        {"bg_color": "#FFF9DB", "border": 1, "locked": False, "num_format": "yyyy-mm-dd"}
    )
    # A percent answer is a fraction formatted as a percentage, as Excel keeps one: what a
    # person types there (90, or 90 %) is stored as 0.9 and shown as 90 %, and read back so.
    open_percent = {
        decimals: book.add_format(
            {
                "bg_color": "#FFF9DB",
                "border": 1,
                "locked": False,
                "valign": "top",
                "num_format": "0" + ("." + "0" * decimals if decimals else "") + " %",
            }
        )
        for decimals in range(3)
    }
    derived = book.add_format({"italic": True, "valign": "top", "locked": True})
    ws = book.add_worksheet(words["sheet"])
    ws.write_string(0, 0, _text(data.title), title)
    ws.write_string(1, 0, words["unit"], bold)
    ws.write_string(1, 1, _text(f"{data.unit_name} ({data.unit_id})"))
    ws.write_string(2, 0, words["phase"], bold)
    go_live = data.go_live.isoformat() if data.go_live else words["not_set"]
    ws.write_string(2, 1, f"{data.phase} · {words['go_live']} {go_live}")
    ws.write_string(FILLED_BY[0], 0, words["filled_by"], bold)
    ws.write_blank(*FILLED_BY, None, open_cell)
    ws.write_string(FILLED_ON[0], FILLED_ON[1] - 1, words["filled_on"], bold)
    ws.write_blank(*FILLED_ON, None, open_date)
    ws.write_string(4, 0, words["intro"])
    for column, heading in enumerate(words["columns"]):
        ws.write_string(FIRST_ROW - 1, column, heading, head)
    ws.write_string(FIRST_ROW - 1, QID, "id", head)
    ws.write_string(FIRST_ROW - 1, WAS, "stored", head)
    widths = [18, 50, 40, 12, 18, 40]
    for r, row in enumerate(data.rows, start=FIRST_ROW):
        q = row.question
        ws.set_row(r, _row_height([row.section or "", row.text, row.help or ""], widths))
        ws.write_string(r, SECTION, _text(row.section), wrap)
        ws.write_string(
            r, QUESTION, _text(row.text + (f"\n({words['stale']})" if row.stale else "")), wrap
        )
        ws.write_string(r, HELP, _text(row.help), wrap)
        if row.due:
            ws.write_datetime(r, DUE, row.due, locked_date)
        ws.write_string(r, QID, q.id)
        ws.write_string(r, WAS, row.value or "")
        if q.derived:
            shown = (
                f"{row.value} % ({words['derived']})"
                if row.value not in (None, NA)
                else words["derived"]
            )
            ws.write_string(r, ANSWER, shown, derived)
            continue
        if q.type == "percent":
            _percent_cell(ws, r, q, row.value, lang, open_cell, open_percent)
        else:
            _answer_cell(ws, r, q, row.value, lang, open_cell, open_date)
        ws.write_string(r, COMMENT, _text(row.comment), open_cell)
        widths[ANSWER] = max(
            widths[ANSWER], min(40, len(answer_label(q, row.value, lang) or "") + 2)
        )
    for column, width in enumerate(widths):
        ws.set_column(column, column, width)
    ws.set_column(QID, WAS, None, None, {"hidden": True})
    _print_setup(ws, len(data.rows), widths)
    ws.freeze_panes(FIRST_ROW, 0)
    ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True})
    meta = book.add_worksheet(META)
    for r, (key, value) in enumerate(
        (
            ("format", FORMAT),
            ("checklist", data.checklist),
            ("version", str(data.version)),
            ("unit", data.unit_id),
            ("made_at", data.made_at),
        )
    ):
        meta.write_string(r, 0, key)
        meta.write_string(r, 1, value)
    meta.hide()
    meta.protect("")
    book.close()


def _row_height(texts: list[str], widths: list[int]) -> float:
    """Return the height in points a row needs for its wrapped texts (a line of 15 points per
    line of the widest cell), since LibreOffice does not grow written rows by itself."""
    lines = 1
    for text, width in zip(texts, widths, strict=False):
        chars = max(width - 2, 8)
        lines = max(lines, sum(max(1, -(-len(part) // chars)) for part in text.split("\n")))
    return 15.0 * lines


def _print_setup(ws: Any, rows: int, widths: list[int]) -> None:
    """Make the sheet print as people expect: landscape A4, every column on one page's
    width, the heading row on every page, and only the filled area."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(FIRST_ROW - 1)
    ws.print_area(0, 0, FIRST_ROW + max(rows, 1) - 1, COMMENT)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _answer_cell(ws, r, q: Question, value: str | None, lang: str, fmt, date_fmt) -> None:  # type: ignore[no-untyped-def]
    """Write the answer cell with the validation its type allows."""
    picks = choices(q, lang)
    if picks:
        ws.write_string(r, ANSWER, answer_label(q, value, lang) or "", fmt)
        ws.data_validation(r, ANSWER, r, ANSWER, {"validate": "list", "source": picks})
        return
    if q.type == "number" and value not in (None, NA):
        ws.write_number(r, ANSWER, float(value), fmt)
    elif q.type == "date" and value not in (None, NA):
        ws.write_datetime(r, ANSWER, date.fromisoformat(value), date_fmt)
    elif value == NA:
        ws.write_string(r, ANSWER, words_in(LABELS, lang)[NA], fmt)
    else:
        ws.write_string(r, ANSWER, _text(value), fmt)
    if q.allow_na:
        return  # a typed "Ej aktuell" must stay possible
    if q.type == "number":
        ws.data_validation(
            r, ANSWER, r, ANSWER, {"validate": "decimal", "criteria": ">=", "value": 0}
        )
    elif q.type == "date":
        ws.data_validation(
            r,
            ANSWER,
            r,
            ANSWER,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": date(2000, 1, 1),
                "maximum": date(2100, 12, 31),
            },
        )


def _percent_cell(ws, r, q: Question, value: str | None, lang: str, fmt, percent) -> None:  # type: ignore[no-untyped-def]
    """Write a percent answer as the fraction Excel stores for it, formatted as a percentage
    (87.5 → 0.875 shown as 87.5 %), so that Excel shows and stores what the person means, and
    let it take 0 %–100 % (a fraction from 0 to 1)."""
    if value == NA:
        ws.write_string(r, ANSWER, words_in(LABELS, lang)[NA], fmt)
    elif value is None:
        ws.write_blank(r, ANSWER, None, percent[0])
    else:
        number = float(value)
        decimals = next((d for d in range(3) if round(number, d) == number), 2)
        ws.write_number(r, ANSWER, number / 100, percent[decimals])
    if q.allow_na:
        return  # a typed "Ej aktuell" must stay possible
    ws.data_validation(
        r,
        ANSWER,
        r,
        ANSWER,
        {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1},
    )
