"""Parsing the plain values people type: dates, datetimes, whole and decimal numbers."""

from __future__ import annotations

import re
from datetime import date, datetime

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_ID = re.compile(r"^[\w][\w.-]*$")


def parse_date(text: str) -> date:
    """Return the ISO date ``YYYY-MM-DD``; raise ValueError naming what is wrong."""
    text = text.strip()
    if not _DATE.match(text):
        raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from exc


def parse_datetime(text: str) -> datetime:
    """Return an ISO local datetime ``YYYY-MM-DDTHH:MM[:SS]`` (a space may stand for T)."""
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"expected a date and time like 2026-12-14T09:00, got {text!r}") from exc
    if len(text) <= 10:
        raise ValueError(f"expected a date and time like 2026-12-14T09:00, got {text!r}")
    return value


def parse_number(text: str) -> float:
    """Return a decimal number; a Swedish decimal comma (``87,5``) is accepted."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.match(cleaned):
        raise ValueError(f"expected a number, got {text!r}")
    return float(cleaned.replace(",", "."))


def parse_count(text: str, *, name: str = "value") -> int:
    """Return a whole number ≥ 0."""
    cleaned = text.strip()
    if not cleaned.isdigit():
        raise ValueError(f"{name} must be a whole number 0 or more, got {text!r}")
    return int(cleaned)


def check_id(text: str, *, what: str = "id") -> str:
    """Return ``text`` when it is a usable id (letters, digits, . _ -, no spaces)."""
    if not _ID.match(text):
        raise ValueError(f"{what} {text!r} may hold only letters, digits, '.', '_' and '-'")
    return text


def format_number(value: float) -> str:
    """Return a number as stored and shown: ``90`` for whole numbers, else ``87.5``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
