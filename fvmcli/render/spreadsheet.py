"""CSV that spreadsheets open safely: a cell a spreadsheet would run as a formula stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fvmcli.i18n import _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: Any) -> Any:
    """Return ``value`` with a leading apostrophe when a spreadsheet would run it as a formula.

    Numbers stay numbers; only text is guarded.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, plain: bool = False) -> str:
    """Return CSV with every text cell guarded.

    By default it opens as columns when double-clicked in Swedish Excel: a BOM, ``;`` between
    cells and decimal commas. ``plain`` gives RFC 4180 CSV for scripts: ``,``, ``.``, no BOM.
    Both end lines with CRLF, as RFC 4180 and Excel do. In Swedish Excel's dialect a yes/no is
    a word and a figure has at most four decimals; plain CSV keeps JSON's values."""
    out = io.StringIO()
    write_csv(out.write, header, rows, plain=plain)
    return out.getvalue()


def write_csv(
    write: Callable[[str], Any],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    plain: bool = False,
) -> None:
    """Write ``csv_text``'s CSV into ``write`` row by row, never holding it whole."""
    if not plain:
        write("\ufeff")
    writer = csv.writer(_Lines(write), delimiter="," if plain else ";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v, plain) for v in row] for row in rows)


class _Lines:
    """What ``csv.writer`` writes to: each line handed to a write function."""

    def __init__(self, write: Callable[[str], Any]) -> None:
        self.write = write


FIGURES = 4  # decimals a person reads in Swedish Excel's dialect; plain CSV keeps every digit


def _cell(value: Any, plain: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        if plain:
            return "true" if value else "false"  # JSON's words, for scripts
        return _("yes") if value else _("no")
    if isinstance(value, float) and not plain:
        return repr(round(value, FIGURES)).replace(".", ",")
    return guard(value)
