"""CSV that spreadsheets open safely: a cell a spreadsheet would run as a formula stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: Any) -> Any:
    """Return ``value`` with a leading apostrophe when a spreadsheet would run it as a formula.

    Numbers stay numbers; only text is guarded.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return CSV (comma separated, UTF-8 text) with every text cell guarded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else guard(v) for v in row])
    return out.getvalue()
