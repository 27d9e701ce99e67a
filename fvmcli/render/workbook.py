"""XLSX workbooks of plain tables: typed cells, no formulas, headings in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from fvmcli.i18n import _
from fvmcli.render.spreadsheet import FORMULA_STARTS

# A column is as wide as its content up to this many characters; longer text (a status
# reason, a question) wraps inside its cell, so that a sheet printed one page wide stays legible.
MAX_COLUMN_WIDTH = 40


class Book:
    """An XLSX workbook written row by row to ``path`` (constant memory)."""

    def __init__(self, path: Path) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.bold = self.book.add_format({"bold": True, "bg_color": "#EEF3F7", "border": 1})
        self.as_date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.percent = self.book.add_format({"num_format": "0 %"})  # values are fractions 0…1
        self.text = self.book.add_format({"quote_prefix": True})
        self.wrapped = self.book.add_format({"text_wrap": True, "valign": "top"})

    def sheet(
        self,
        name: str,
        header: Sequence[str],
        data: Sequence[Sequence[Any]],
        formats: dict[int, Any],
    ) -> Any:
        """Add a sheet named ``name`` (translated, at most 31 characters) with a heading row
        and ``data``: numbers stay numbers (in ``formats`` by column), dates dates, and text a
        spreadsheet would run as a formula is stored as quoted text. Returns the worksheet."""
        ws = self.book.add_worksheet(_(name)[:31])
        shown = [_(title) for title in header]
        widths = [len(title) + 2 for title in shown]
        for c, title in enumerate(shown):
            ws.write_string(0, c, title, self.bold)
        for r, values in enumerate(data, start=1):
            for c, value in enumerate(values):
                if value is None:
                    ws.write_blank(r, c, None)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, c, value, formats.get(c))
                    widths[c] = max(widths[c], 8)
                elif isinstance(value, date):
                    ws.write_datetime(r, c, value, self.as_date)
                    widths[c] = max(widths[c], 11)
                else:
                    value = str(value)
                    if value.startswith(FORMULA_STARTS):
                        style = self.text
                    elif len(value) > MAX_COLUMN_WIDTH:
                        style = self.wrapped
                    else:
                        style = None
                    ws.write_string(r, c, value, style)
                    widths[c] = max(widths[c], len(value) + 1)
        for c, width in enumerate(widths):  # as wide as the content, within a cap
            ws.set_column(c, c, min(width, MAX_COLUMN_WIDTH))
        ws.autofilter(0, 0, max(1, len(data)), len(shown) - 1)
        ws.freeze_panes(1, 0)
        # Printed: landscape A4, all columns on one page's width, headings on every page.
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        return ws

    def close(self) -> None:
        """Finish the file."""
        self.book.close()
