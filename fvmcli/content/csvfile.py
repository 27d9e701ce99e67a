"""Reading the CSV files people import: UTF-8 (BOM or not), ``,`` or ``;``, header row."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from fvmcli.errors import ImportRowsError, InputError, Problem
from fvmcli.i18n import _


@dataclass(frozen=True)
class CsvRow:
    """One data row: its line number as a spreadsheet shows it (header = 1) and its cells."""

    line: int
    cells: dict[str, str]
    # column → the heading the file gives it ("enhet" for unit): problems name it so
    headings: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def get(self, column: str) -> str | None:
        """Return the cell stripped, or None when the column is absent or the cell empty."""
        value = self.cells.get(column)
        if value:
            value = value.strip()
        return value or None


@dataclass
class Reading:
    """How files are read in a ``reading`` block, and what was noticed on the way."""

    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


_READING: ContextVar[Reading | None] = ContextVar("fvm_reading", default=None)


@contextmanager
def reading(encoding: str | None = None) -> Iterator[Reading]:
    """Read files in this block in ``encoding`` (None: UTF-8, else Windows-1252 as Swedish
    Excel saves CSV); yield the notes to show the user (which encoding was used). A block
    inside another (an import service inside the command's progress) adds its notes to the
    outer block's, so that the command can show them."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(
                _("--encoding: unknown encoding {encoding!r}").format(encoding=encoding)
            ) from exc
    outer = _READING.get()
    state = Reading(encoding, outer.notes if outer is not None else [])
    token = _READING.set(state)
    try:
        yield state
    finally:
        _READING.reset(token)


MAX_PIPED = 1 << 30  # what fvm copies from a pipe before it gives up


def once(path: Path) -> Path:
    """Return a path that can be read more than once: ``path`` itself for a regular file;
    for a pipe (a shell's ``<(…)``, a FIFO) a private copy of what it gives, read once, since
    its bytes can be read only once and fvm reads a file twice (its encoding, then its rows)."""
    import atexit
    import os
    import stat
    import tempfile

    try:
        mode = path.stat().st_mode
    except OSError:
        return path  # missing or unreadable: the reader names it
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return path
    handle, name = tempfile.mkstemp(prefix="fvm-", suffix=f"-{path.name}")
    atexit.register(lambda: Path(name).unlink(missing_ok=True))
    copied = 0
    try:
        with os.fdopen(handle, "wb") as copy, path.open("rb") as source:
            while chunk := source.read(1 << 20):
                copied += len(chunk)
                if copied > MAX_PIPED:  # /dev/zero or a writer that never stops
                    raise InputError(
                        _("{path}: gives more than {mib} MiB; save it as a file").format(
                            path=path, mib=MAX_PIPED >> 20
                        )
                    )
                copy.write(chunk)
    except OSError as exc:
        raise InputError(
            _("{path}: cannot read ({strerror})").format(path=path, strerror=exc.strerror)
        ) from exc
    return Path(name)


def read_text(path: Path, kind: str = "CSV") -> str:
    """Return the text of a file: UTF-8 (with or without BOM), else Windows-1252 as Swedish
    Excel saves CSV (noted in the ``reading`` block), or the encoding a ``reading`` block
    forces. A missing, unreadable or binary file is an input error that says it expected
    ``kind`` (CSV, a JSON bundle)."""
    path = once(path)
    encoding = file_encoding(path, kind)
    try:
        return path.read_text(encoding).removeprefix("\ufeff")
    except OSError as exc:
        raise InputError(
            _("{path}: cannot read ({strerror})").format(path=path, strerror=exc.strerror)
        ) from exc


def file_encoding(path: Path, kind: str = "CSV") -> str:
    """Return the encoding to read ``path`` in, checking the whole file in pieces (so that
    memory does not grow with it): the one a ``reading`` block forces, else UTF-8 (with or
    without BOM), else Windows-1252 as Swedish Excel saves CSV (noted in the ``reading``
    block). A missing, unreadable or binary file is an input error."""
    state = _READING.get()
    forced = state.encoding if state is not None else None
    decoder = codecs.getincrementaldecoder(forced or "utf-8")()
    offset = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                if b"\x00" in chunk:
                    raise InputError(
                        _("{path}: is a binary file, not {kind} text").format(path=path, kind=kind),
                        hint=_("Save it as CSV (UTF-8).") if kind == "CSV" else None,
                    )
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    if forced:
                        raise InputError(
                            _("{path}: is not {forced} text (byte {offset})").format(
                                path=path, forced=forced, offset=offset + exc.start + 1
                            )
                        ) from exc
                    return _fallback(path, offset + exc.start, state)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        if forced:
            raise InputError(
                _("{path}: is not {forced} text (byte {offset})").format(
                    path=path, forced=forced, offset=offset + 1
                )
            ) from exc
        return _fallback(path, offset, state)
    except FileNotFoundError as exc:
        raise InputError(_("{path}: no such file").format(path=path)) from exc
    except IsADirectoryError as exc:
        raise InputError(_("{path}: is a folder, not a file").format(path=path)) from exc
    except OSError as exc:
        raise InputError(
            _("{path}: cannot read ({strerror})").format(path=path, strerror=exc.strerror)
        ) from exc
    return forced or "utf-8-sig"


def _fallback(path: Path, at: int, state: Reading | None) -> str:
    """Return Windows-1252 for a file that is not UTF-8 from byte ``at``, if it reads so."""
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
    except UnicodeDecodeError as exc:
        raise InputError(
            _("{path}: is not UTF-8 text (byte {at})").format(path=path, at=at + 1),
            hint=_("Save it as 'CSV UTF-8' in Excel, or name its encoding with --encoding."),
        ) from exc
    if state is not None:
        state.notes.append(
            _(
                "{path} is not UTF-8; read it as Windows-1252, as Swedish Excel saves "
                "CSV (--encoding names another)."
            ).format(path=path)
        )
    return "cp1252"


# Swedish headings (``content.md``): each import also reads these, in any case and with or
# without å, ä, ö, as the English column they name (only where that file has the column).
SWEDISH_HEADINGS = {
    "namn": "name",
    "område": "area",
    "typ": "type",
    "personal": "staff",
    "kommun": "municipality",
    "överordnad": "parent",
    "roll": "role",
    "enhet": "unit",
    "e-post": "email",
    "fråga": "question",
    "svar": "value",
    "kommentar": "comment",
    "besvarad_av": "answered_by",
    "besvarad": "answered_at",
    "artikel": "item",
    "på_plats": "present",
    "konfigurerade": "configured",
    "testade": "tested",
    "kurs": "course",
    "slut": "end",
    "platser": "capacity",
    "plats": "location",
    "utbildare": "trainer",
    "indikator": "indicator",
    "dag": "day",
    "värde": "value",
}


def column_of(heading: str, allowed: tuple[str, ...]) -> str:
    """Return the column a heading names: itself (any case), or the English column of its
    Swedish name when the file has that column."""
    from fvmcli.core.territory import fold

    name = heading.strip().lower()
    if name in allowed:
        return name
    folded = fold(name).replace(" ", "_")
    for swedish, english in SWEDISH_HEADINGS.items():
        if fold(swedish) == folded and english in allowed:
            return english
    return name


class CsvStream:
    """The data rows of a CSV file, read one at a time. The header is checked when the stream
    is made (all its problems at once); rows the CSV cannot hold (more cells than the header,
    broken quoting) are left out and named in ``problems``."""

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
        path = once(path)
        self.path = path
        self.problems: list[Problem] = []
        encoding = file_encoding(path)
        try:
            with path.open(encoding=encoding, newline="") as handle:
                first = handle.readline()
        except OSError as exc:
            raise InputError(
                _("{path}: cannot read ({strerror})").format(path=path, strerror=exc.strerror)
            ) from exc
        first = first.removeprefix("\ufeff")
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        self.encoding = encoding
        header = next(csv.reader([first], delimiter=self.delimiter), None)
        if not header:
            raise InputError(_("{path}: is empty; a header row is required").format(path=path))
        allowed = required + optional
        self.names = [column_of(h, allowed) for h in header]
        self.headings = {name: h.strip() for name, h in zip(self.names, header, strict=True)}
        problems: list[Problem] = []
        for i, name in enumerate(self.names):
            if name not in allowed:
                problems.append(
                    Problem(
                        _("row 1, column {i}").format(i=i + 1),
                        _("unknown column {header!r} (allowed: {allowed})").format(
                            header=header[i], allowed=", ".join(allowed)
                        ),
                    )
                )
            elif self.names.index(name) != i:
                problems.append(
                    Problem(
                        _("row 1, column {i}").format(i=i + 1),
                        _("column {name!r} appears twice").format(name=name),
                    )
                )
        for name in required:
            if name not in self.names:
                problems.append(
                    Problem(_("row 1"), _("required column {name!r} is missing").format(name=name))
                )
        if problems:
            raise ImportRowsError(str(path), problems, hint=_("Nothing was imported."))

    def __iter__(self) -> Iterator[CsvRow]:
        names = self.names
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            next(reader, None)
            line = reader.line_num
            try:
                for record in reader:
                    start, line = line + 1, reader.line_num
                    if not "".join(record).strip():  # no cell holds more than spaces
                        continue
                    if len(record) > len(names):
                        self.problems.append(
                            Problem(
                                _("row {start}").format(start=start),
                                _("{cells} cells, header has {columns}").format(
                                    cells=len(record), columns=len(names)
                                ),
                            )
                        )
                        continue
                    yield CsvRow(start, dict(zip(names, record, strict=False)), self.headings)
            except csv.Error as exc:
                self.problems.append(
                    Problem(
                        _("row {line}").format(line=line + 1),
                        _("not valid CSV: {exc}").format(exc=exc),
                    )
                )


def read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> list[CsvRow]:
    """Return the data rows; header problems are reported all at once, naming the columns."""
    stream = CsvStream(path, required, optional)
    rows = list(stream)
    if stream.problems:
        raise ImportRowsError(str(path), stream.problems, hint=_("Nothing was imported."))
    return rows


MAX_REPORTED = 1000  # problems named in one error; the rest are counted


class RowProblems:
    """Collects (row, column, message) problems of an import before anything is stored. At
    most ``limit`` are kept, those of the first rows, so that a file of a million bad rows
    does not fill the memory; the others are counted."""

    def __init__(self, source: str, limit: int = MAX_REPORTED) -> None:
        self.source = source
        self.limit = limit
        self.more = 0
        self._kept: list[tuple[int, int, Problem]] = []  # a heap of (−line, order, problem)

    @property
    def problems(self) -> list[Problem]:
        """Return the kept problems in the order of their rows."""
        return [p for _, _, p in sorted(self._kept, key=lambda k: (-k[0], k[1]))]

    def __bool__(self) -> bool:
        return bool(self._kept)

    def missing(self, row: CsvRow, required: tuple[str, ...]) -> bool:
        """Report each empty required cell of ``row``; return True when there was one."""
        empty = [c for c in required if row.get(c) is None]
        for column in empty:
            self.add(row, column, _("is required"))
        return bool(empty)

    def add(self, row: CsvRow, column: str | None, message: str) -> None:
        """Report a problem of ``row``'s ``column``, named by the file's own heading."""
        self.add_line(row.line, row.headings.get(column, column) if column else None, message)

    def add_line(self, line: int, column: str | None, message: str) -> None:
        where = _("row {line}").format(line=line) + (
            _(", column {column}").format(column=column) if column else ""
        )
        self.add_problem(line, Problem(where, message))

    def add_problem(self, line: int, problem: Problem) -> None:
        """Keep ``problem`` of row ``line``, unless ``limit`` problems of earlier rows are."""
        import heapq

        entry = (-line, len(self._kept) + self.more, problem)
        if len(self._kept) < self.limit:
            heapq.heappush(self._kept, entry)
        else:
            self.more += 1
            if entry[0] > self._kept[0][0]:
                heapq.heapreplace(self._kept, entry)

    def raise_if_any(self) -> None:
        """Raise ImportRowsError listing every bad row; nothing has been stored."""
        if self._kept:
            shown = self.problems
            if self.more:
                shown.append(
                    Problem("…", _("and {more} more problems in later rows").format(more=self.more))
                )
            raise ImportRowsError(self.source, shown, hint=_("Nothing was imported."))
