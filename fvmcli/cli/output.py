"""One way to print: JSON (and CSV) for scripts, aligned text tables for people, messages on
stderr."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fvmcli.cli.environment import current
from fvmcli.i18n import _
from fvmcli.render.columns import Column, csv_rows, data_rows, table_cells, table_fit

if TYPE_CHECKING:  # rich is loaded when something is said, not for a JSON document
    from rich.console import Console

STATUS_STYLE = {"green": "green", "amber": "yellow", "red": "red", "not-started": "blue"}


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# Characters a terminal would act on: C0 and C1 controls (ESC starts colours, titles, screen
# clears), DEL, and the Unicode format characters that reorder text (bidi overrides).
_UNSAFE = {
    chr(c): _escape(chr(c))
    for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]
    if chr(c) not in "\n\t"
}
_UNSAFE.update(
    {
        chr(c): _escape(chr(c))
        for c in [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    }
)
_UNSAFE_TABLE = str.maketrans(_UNSAFE)
_JSON_UNSAFE = str.maketrans({c: f"\\u{ord(c):04x}" for c in _UNSAFE if ord(c) >= 0x7F})
# Finds a character of _JSON_UNSAFE fast, so that clean text is not translated at all.
_JSON_UNSAFE_AT = re.compile("[" + "".join(re.escape(c) for c in _UNSAFE if ord(c) >= 0x7F) + "]")


def printable(text: str) -> str:
    """Return ``text`` with every character a terminal would act on shown escaped (``\\x1b``),
    so that stored text can never move the cursor, recolour or retitle someone's terminal."""
    return text.translate(_UNSAFE_TABLE)


def stdout() -> Console:
    """Return a console on the run's stdout; NO_COLOR and a non-terminal give plain output."""
    from rich.console import Console

    env = current()
    console = Console(file=env.stdout, highlight=False, no_color=not env.colour or None)
    if not console.is_terminal:
        console.width = 200  # a pipe or file gets whole cells, not an 80-column wrap
    return console


def stderr() -> Console:
    """Return a console on the run's stderr: on a terminal, lines break between words at its
    width (the terminal itself would break them mid-word); elsewhere they stay whole."""
    from rich.console import Console

    console = Console(file=current().stderr, highlight=False)
    console.soft_wrap = not console.is_terminal
    return console


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Iterator):
        return list(value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(data: Any) -> None:
    """Print ``data`` as UTF-8 JSON (å, ä, ö kept as they are; C1 controls escaped as JSON
    does C0 ones, so the text is the same and a terminal never acts on it). Objects and lists
    of the top two levels are laid out one member per line, and each member is written as it
    is made with the C encoder: a listing of 20,000 units reads well and is never one huge
    string in memory."""
    out = current().stdout
    write = out.write
    for chunk in _json_chunks(data, 0):
        write(chunk.translate(_JSON_UNSAFE) if _JSON_UNSAFE_AT.search(chunk) else chunk)
    write("\n")
    out.flush()


_ENCODE = json.JSONEncoder(ensure_ascii=False, default=_default, allow_nan=False).encode


class _Members:
    """The members of a list that come from an iterator, one at a time."""

    def __init__(self, members: Iterator[Any]) -> None:
        self.members = members
        self.first = next(members, _Members)

    def __bool__(self) -> bool:
        return self.first is not _Members

    def __iter__(self) -> Iterator[Any]:
        if self.first is not _Members:
            yield self.first
            yield from self.members


def _json_chunks(value: Any, depth: int) -> Iterator[str]:
    """Yield the JSON text of ``value``: containers of the top two levels one member per
    line, everything deeper on one line."""
    if isinstance(value, Iterator):  # a stream of members: written as a list
        value = _Members(value)
    if isinstance(value, _Members) and (depth > 1 or not value):
        yield _ENCODE(list(value))
        return
    if depth > 1 or not isinstance(value, dict | list | tuple | _Members) or not value:
        yield _ENCODE(value)
        return
    pad = "\n" + "  " * (depth + 1)
    if isinstance(value, dict):
        yield "{"
        for i, (key, member) in enumerate(value.items()):
            yield ("," if i else "") + pad + _ENCODE(str(key)) + ": "
            yield from _json_chunks(member, depth + 1)
        yield "\n" + "  " * depth + "}"
    else:
        yield "["
        for i, member in enumerate(value):
            yield ("," if i else "") + pad
            yield from _json_chunks(member, depth + 1)
        yield "\n" + "  " * depth + "]"


GAP = 2
MIN_SHRUNK = 12  # a shortened name keeps at least this many characters
_ANSI = {"green": "32", "yellow": "33", "red": "31", "blue": "34", "dim": "2", "bold": "1"}


def fit_columns(
    natural: Sequence[int],
    minimum: Sequence[int],
    fit: Sequence[tuple[int, bool, int | None]],
    width: int | None,
) -> tuple[list[int], list[int]]:
    """Return the columns to show and their widths: all of them at their natural width when
    they fit; else names shrink first (down to ``minimum``), then columns go by their drop
    order (highest first, the rightmost first among equals) until the rest fits."""
    kept = list(range(len(natural)))
    if width is None:
        return kept, list(natural)
    droppable = sorted(
        (i for i, (order, *_rest) in enumerate(fit) if order > 0), key=lambda i: (-fit[i][0], -i)
    )
    while True:
        fixed = sum(natural[i] for i in kept if not fit[i][1])
        shrinking = [i for i in kept if fit[i][1]]
        room = width - fixed - GAP * (len(kept) - 1)
        least = sum(minimum[i] for i in shrinking)
        if room >= least or not droppable:
            break
        kept.remove(droppable.pop(0))
    widths = {i: natural[i] for i in kept}
    want = sum(natural[i] for i in shrinking)
    if shrinking and want > room:
        spare = max(room - least, 0)
        extra = [natural[i] - minimum[i] for i in shrinking]
        total = sum(extra) or 1
        for i, more in zip(shrinking, extra, strict=True):
            widths[i] = minimum[i] + spare * more // total
    return kept, [widths[i] for i in kept]


def _fitted(text: str, width: int, right: bool) -> str:
    """Return ``text`` in ``width`` terminal cells: cut with … when longer, padded otherwise."""
    from rich.cells import cell_len, set_cell_size

    size = cell_len(text)
    if size > width:
        return set_cell_size(text, max(width - 1, 0)) + "…" if width > 0 else ""
    pad = " " * (width - size)
    return pad + text if right else text + pad


_NUMBER = re.compile(r"^[\d\s.,:%+\-–−]*$")


def emit_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    styles: Sequence[str | None] | None = None,
    fit: Sequence[tuple[int, bool, int | None]] | None = None,
) -> None:
    """Print a table that fits the terminal (``fit``: each column's drop order, whether it
    may shrink and to how few characters; see ``fit_columns``), one line per row; ``None``
    cells show as a dash, numbers are right-aligned, and ``styles`` colour whole rows on a
    colour terminal."""
    from rich.cells import cell_len

    headings = [printable(_(c) if c else c) for c in columns]
    # A cell is one line: a newline in stored text (a comment) would break the row's columns.
    cells = [
        ["–" if c is None else printable(str(c)).replace("\n", " ") for c in row] for row in rows
    ]
    n = len(headings)
    fit = list(fit) if fit is not None else [(0 if i == 0 else i, False, None) for i in range(n)]
    natural = [max([cell_len(headings[i])] + [cell_len(r[i]) for r in cells]) for i in range(n)]
    minimum = [
        min(natural[i], max(fit[i][2] or MIN_SHRUNK, cell_len(headings[i]))) for i in range(n)
    ]
    env = current()
    kept, widths = fit_columns(natural, minimum, fit, env.table_width())
    right = [bool(cells) and all(_NUMBER.match(r[i]) for r in cells) for i in range(n)]
    colour = env.colour
    gap = " " * GAP

    def line(values: Sequence[str], style: str | None) -> str:
        text = gap.join(_fitted(values[i], w, right[i]) for i, w in zip(kept, widths, strict=True))
        text = text.rstrip()
        if colour and style in _ANSI:
            return f"\x1b[{_ANSI[style]}m{text}\x1b[0m"
        return text

    out = []
    if title:
        out.append(f"\x1b[1m{printable(title)}\x1b[0m" if colour else printable(title))
    out.append(line(headings, "bold"))
    out.append(gap.join("─" * w for w in widths))
    for i, row in enumerate(cells):
        out.append(line(row, styles[i] if styles and i < len(styles) else None))
    hidden = [headings[i] for i in range(n) if i not in kept]
    if hidden:  # nothing is left out without saying so
        out.append("")
        note = _("Not shown at this width: {columns}. Every column: --wide").format(
            columns=", ".join(hidden)
        )
        for part in textwrap.wrap(note, env.width or len(note), break_on_hyphens=False):
            out.append(f"\x1b[2m{part}\x1b[0m" if colour else part)
    env.stdout.write("\n".join(out) + "\n\n")  # a blank line ends the table
    env.stdout.flush()


def show(
    columns: Sequence[Column],
    rows: Sequence[Any],
    *,
    title: str | None = None,
    styles: Sequence[str | None] | None = None,
) -> None:
    """Print a listing for people: a table of its table columns, fitted to the terminal."""
    headings, cells = table_cells(columns, rows)
    emit_table(headings, cells, title=title, styles=styles, fit=table_fit(columns))


class View(Protocol):
    """A command's result as it can be shown: a JSON document for scripts, a rendering for
    people, and (for listings) CSV."""

    def document(self) -> Any:
        """Return the JSON document of ``design/cli.md``."""

    def show(self) -> None:
        """Print the result for a person."""

    def listing(self) -> Listing | None:
        """Return the listing ``--csv`` writes, if the result has one."""


@dataclass(frozen=True)
class Listing:
    """Rows under one column declaration: a table, a list of JSON objects, or CSV."""

    columns: Sequence[Column]
    rows: Sequence[Any]
    title: str | None = None
    styles: Sequence[str | None] | None = None

    def document(self) -> Any:
        return data_rows(self.columns, self.rows)

    def show(self) -> None:
        show(self.columns, self.rows, title=self.title, styles=self.styles)

    def listing(self) -> Listing | None:
        return self


@dataclass(frozen=True)
class Shown:
    """A result whose JSON document and rendering are made by two functions; ``rows`` is
    the listing ``--csv`` writes, when there is one."""

    data: Callable[[], Any]
    printer: Callable[[], None]
    rows: Listing | None = None

    def document(self) -> Any:
        return self.data()

    def show(self) -> None:
        self.printer()

    def listing(self) -> Listing | None:
        return self.rows


@dataclass(frozen=True)
class Output:
    """How a command's result is shown, as ``--json``, ``--csv`` and ``--plain-csv`` chose
    (``cli/options.output_options``); ``emit`` is the one way a result is printed."""

    form: str = "table"  # table, json or csv
    plain: bool = False

    @property
    def for_scripts(self) -> bool:
        """Return whether stdout holds a document for a script alone (JSON or CSV)."""
        return self.form != "table"

    def emit(self, view: View) -> None:
        """Print ``view`` in the chosen form."""
        if self.form == "json":
            emit_json(view.document())
            return
        listing = view.listing() if self.form == "csv" else None
        if listing is None:
            view.show()
            return
        out = current().stdout
        out.write(csv_rows(listing.columns, listing.rows, plain=self.plain))
        out.flush()


def say(message: str, style: str | None = None) -> None:
    """Print a line for a person on stdout, with no markup interpretation."""
    env = current()
    if not env.stdout.isatty():  # a pipe or a file gets the line whole, and rich is not needed
        env.stdout.write(printable(message) + "\n")
        return
    from rich.text import Text

    console = stdout()
    # On a terminal rich breaks the line between words; a pipe or a file gets it whole.
    console.print(Text(printable(message), style=style or ""), soft_wrap=not console.is_terminal)


def command_line(command: str) -> None:
    """Print a command for a person to copy on a line of its own, indented and whole: never
    broken between words, whatever the terminal's width (the terminal may show it folded,
    but it stays one line to copy)."""
    from rich.text import Text

    stdout().print(Text("  " + printable(command)), soft_wrap=True)


def warn(message: str, *, command: str | None = None) -> None:
    """Print a warning on stderr, and the ``command`` that mends it (``_on_stderr``)."""
    _on_stderr(message, "yellow", command)


def fail(message: str, *, command: str | None = None) -> None:
    """Print an error on stderr, and the ``command`` that mends it (``_on_stderr``)."""
    _on_stderr(message, "red", command)


def _on_stderr(message: str, style: str, command: str | None) -> None:
    """Print ``message`` on stderr in ``style``, broken between words at a terminal's width,
    then ``command`` on a line of its own, indented and whole, as ``command_line`` does."""
    from rich.text import Text

    console = stderr()
    console.print(Text(printable(message), style=style))
    if command:
        console.print(Text("  " + printable(command)), soft_wrap=True)


@contextmanager
def importing(file: Path | str) -> Iterator[None]:
    """Show progress while ``file`` is imported (or the work a label names), and say in one
    line which encoding the import service read it in when it was not UTF-8: also when the
    import is refused, since the letters of the refusal depend on it."""
    from fvmcli.content.csvfile import reading

    label = file if isinstance(file, str) else _("Importing {name}").format(name=file.name)
    with reading() as state:
        try:
            with progress(label):
                yield
        finally:
            for note in state.notes:
                warn(note)


@contextmanager
def progress(label: str, steps: int | None = 1) -> Iterator[Callable[[], None]]:
    """Show a progress bar on stderr while long work runs (only on a terminal); yield the
    function to call as each of ``steps`` ends (None: a count not known beforehand, shown as
    steps done)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = stderr()
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}" if steps is None else ""),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with bar:
        task = bar.add_task(label, total=steps)
        yield lambda: bar.advance(task)
