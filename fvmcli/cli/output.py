"""One way to print: JSON for scripts, rich tables for people, messages on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fvmcli.render.columns import Column, data_rows, table_cells

STATUS_STYLE = {"green": "green", "amber": "yellow", "red": "red", "not-started": "blue"}


def stdout() -> Console:
    """Return a console on stdout; NO_COLOR and a non-terminal give plain output."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = 200  # a pipe or file gets whole cells, not an 80-column wrap
    return console


def stderr() -> Console:
    """Return a console on stderr."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(data: Any) -> None:
    """Print ``data`` as indented UTF-8 JSON (å, ä, ö kept as they are)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")
    sys.stdout.flush()


def emit_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    styles: Sequence[str | None] | None = None,
) -> None:
    """Print a table; ``None`` cells show as a dash, and ``styles`` colour whole rows."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(column)
    for i, row in enumerate(rows):
        style = styles[i] if styles and i < len(styles) else None
        table.add_row(*[Text("–" if c is None else str(c)) for c in row], style=style)
    stdout().print(table)


def show(
    columns: Sequence[Column],
    rows: Sequence[Any],
    *,
    as_json: bool,
    title: str | None = None,
    styles: Sequence[str | None] | None = None,
) -> None:
    """Print a listing from its one column declaration: JSON objects of the data columns for
    scripts, or a table of the table columns for people."""
    if as_json:
        emit_json(data_rows(columns, rows))
        return
    headings, cells = table_cells(columns, rows)
    emit_table(headings, cells, title=title, styles=styles)


def say(message: str, style: str | None = None) -> None:
    """Print a line for a person on stdout, with no markup interpretation."""
    stdout().print(Text(message, style=style or ""), soft_wrap=True)


def warn(message: str) -> None:
    """Print a warning on stderr."""
    stderr().print(Text(message, style="yellow"))


def fail(message: str) -> None:
    """Print an error on stderr."""
    stderr().print(Text(message, style="red"))


@contextmanager
def progress(label: str, steps: int = 1) -> Iterator[Callable[[], None]]:
    """Show a progress bar on stderr while long work runs (only on a terminal); yield the
    function to call as each of ``steps`` ends."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = stderr()
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with bar:
        task = bar.add_task(label, total=steps)
        yield lambda: bar.advance(task)
