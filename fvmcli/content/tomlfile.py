"""Read TOML with located syntax errors, and check tables while collecting every problem."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from fvmcli.content.locate import ContentFile
from fvmcli.core.limits import MAX_ID
from fvmcli.core.model import Text
from fvmcli.errors import ContentError, Problem
from fvmcli.i18n import _

if sys.version_info >= (3, 11):  # noqa: UP036 (tomli stays the fallback)
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

T = TypeVar("T")
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_MISSING = object()
MAX_CONTENT_NUMBER = 1_000_000


def read_toml(file: ContentFile) -> dict[str, Any]:
    """Return the parsed document; a syntax error is a ContentError with line and column."""
    try:
        raw = file.path.read_bytes()
    except OSError as exc:
        raise ContentError(
            file.label,
            [Problem("file", _("cannot read: {strerror}").format(strerror=exc.strerror))],
        ) from exc
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ContentError(file.label, [Problem("file", _("is not UTF-8 text"))]) from exc
    except RecursionError as exc:
        raise ContentError(file.label, [Problem("file", _("is nested too deeply"))]) from exc
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _AT.search(message)
        where = (
            _("line {line}, column {column}").format(line=match.group(1), column=match.group(2))
            if match
            else "syntax"
        )
        raise ContentError(file.label, [Problem(where, _AT.sub("", message))]) from exc


def _short(value: Any) -> str:
    """Return ``repr(value)``, cut short for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _named(element: Any) -> str:
    """Return `` (id)`` for a table with a printable string id of id length, else ''."""
    found = element.get("id") if isinstance(element, dict) else None
    if isinstance(found, str) and found and len(found) <= 50 and found.isprintable():
        return f" ({found})"
    return ""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return _("a boolean")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, list):
        return _("an array")
    if isinstance(value, dict):
        return _("a table")
    return type(value).__name__


class Checker:
    """Collects problems of one file, each with its path inside the file."""

    def __init__(self, file: ContentFile) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def raise_if_any(self) -> None:
        """Raise ContentError listing every problem found, if there is any."""
        if self.problems:
            raise ContentError(self.file.label, self.problems)

    def table(
        self,
        value: Any,
        path: str,
        allowed: set[str],
        required: set[str] | frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """Return ``value`` as a table after reporting unknown and missing keys."""
        if not isinstance(value, dict):
            self.add(path, _("expected a table, got {kind}").format(kind=_kind(value)))
            return {}
        prefix = f"{path}." if path else ""
        for key in value:
            if key not in allowed:
                self.add(
                    f"{prefix}{key}",
                    _("unknown key (allowed: {allowed})").format(
                        allowed=", ".join(sorted(allowed))
                    ),
                )
        for key in sorted(required - value.keys()):
            self.add(f"{prefix}{key}", _("is required"))
        return value

    def get(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        convert: Callable[[Any, str], T | None],
        default: T,
    ) -> T:
        """Return ``data[key]`` converted, or ``default`` when absent or invalid."""
        raw = data.get(key, _MISSING)
        if raw is _MISSING:
            return default
        value = convert(raw, f"{path}.{key}" if path else key)
        return default if value is None else value

    def short_id(self, value: str, path: str, limit: int = MAX_ID) -> None:
        """Report an id longer than ``limit`` characters (what the database columns hold)."""
        if len(value) > limit:
            self.add(
                path,
                _("an id is at most {limit} characters, got {count}").format(
                    limit=limit, count=len(value)
                ),
            )

    def string(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value
        self.add(path, _("expected a non-empty string, got {kind}").format(kind=_kind(value)))
        return None

    def number(self, value: Any, path: str) -> float | None:
        """Return a finite number; nan, inf and numbers beyond ±MAX_CONTENT_NUMBER are
        problems (every number in content is a weight, target, credit, hours or rate)."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                self.add(path, _("expected a finite number, got {value!r}").format(value=value))
                return None
            if abs(value) > MAX_CONTENT_NUMBER:
                self.add(
                    path,
                    _("expected a number up to {MAX_CONTENT_NUMBER}, got {value!r}").format(
                        MAX_CONTENT_NUMBER=MAX_CONTENT_NUMBER, value=value
                    ),
                )
                return None
            return float(value)
        self.add(
            path,
            _("expected a number, got {kind} {short}").format(
                kind=_kind(value), short=_short(value)
            ),
        )
        return None

    def integer(self, value: Any, path: str) -> int | None:
        """Return a whole number within ±MAX_CONTENT_NUMBER."""
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > MAX_CONTENT_NUMBER:
                self.add(
                    path,
                    _("expected a whole number up to {MAX_CONTENT_NUMBER}").format(
                        MAX_CONTENT_NUMBER=MAX_CONTENT_NUMBER
                    ),
                )
                return None
            return value
        self.add(
            path,
            _("expected a whole number, got {kind} {short}").format(
                kind=_kind(value), short=_short(value)
            ),
        )
        return None

    def boolean(self, value: Any, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.add(
            path,
            _("expected true or false, got {kind} {value!r}").format(
                kind=_kind(value), value=value
            ),
        )
        return None

    def strings(self, value: Any, path: str) -> tuple[str, ...] | None:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self.add(path, _("expected an array of strings, got {kind}").format(kind=_kind(value)))
        return None

    def text(self, value: Any, path: str) -> Text | None:
        """Return a bilingual text; ``sv`` is required."""
        if isinstance(value, str):
            return Text(value)
        table = self.table(value, path, {"sv", "en"})
        if not table:
            return None
        sv = table.get("sv")
        en = table.get("en")
        if not isinstance(sv, str) or not sv.strip():
            self.add(f"{path}.sv", _("a Swedish text is required"))
            return None
        if en is not None and not isinstance(en, str):
            self.add(f"{path}.en", _("expected a string, got {kind}").format(kind=_kind(en)))
            en = None
        return Text(sv, en)

    def items(self, value: Any, path: str) -> list[tuple[str, Any]]:
        """Return (path, element) pairs of an array of tables; an element with an id is named
        by it as well as by its place (``questions[1] (q2)``)."""
        if not isinstance(value, list):
            self.add(path, _("expected an array of tables, got {kind}").format(kind=_kind(value)))
            return []
        return [(f"{path}[{i}]{_named(v)}", v) for i, v in enumerate(value)]
