"""Parsing the plain values people type: dates, datetimes, whole and decimal numbers."""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime

from fvmcli.core.limits import FIRST_YEAR, LAST_YEAR, MAX_COUNT, MAX_ID, MAX_NUMBER, MAX_TEXT
from fvmcli.i18n import _

# A year of four digits, a month and a day of one or two: 2027-3-1 is as plain as 2027-03-01.
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_ID = re.compile(r"[\w][\w.-]*")


def parse_date(text: str) -> date:
    """Return the date ``YYYY-MM-DD`` (the month and day may have one digit); raise
    ValueError saying, in the user's words, what is wrong."""
    text = text.strip()
    found = _DATE.fullmatch(text)
    if not found:
        raise ValueError(_("expected a date YYYY-MM-DD, got {text!r}").format(text=text))
    year, month, day = (int(part) for part in found.groups())
    check_year(year, text)
    if not 1 <= month <= 12:
        raise ValueError(_("{text!r} is not a real date: a month is 1–12").format(text=text))
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(
            _("{text!r} is not a real date: {year}-{month:02d} has {last} days").format(
                text=text, year=year, month=month, last=last
            )
        )
    return date(year, month, day)


def check_year(year: int, text: str) -> None:
    """Refuse a date outside the years fvm plans for."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("{text!r} lies outside the years {FIRST_YEAR}–{LAST_YEAR}").format(
                text=text, FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR
            )
        )


def parse_datetime(text: str) -> datetime:
    """Return an ISO local datetime ``YYYY-MM-DDTHH:MM[:SS]`` (a space may stand for T).

    A time with a UTC offset is converted to this machine's local time, so that every stored
    time is naive local time and times always compare."""
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        day = text.replace(" ", "T").partition("T")[0]
        if _DATE.fullmatch(day):
            parse_date(day)  # a day that does not exist (2027-02-30) is said so, as for dates
        raise ValueError(
            _("expected a date and time like 2026-12-14T09:00, got {text!r}").format(text=text)
        ) from exc
    if len(text) <= 10:
        raise ValueError(
            _("expected a date and time like 2026-12-14T09:00, got {text!r}").format(text=text)
        )
    check_year(value.year, text)
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(microsecond=0)


def parse_number(text: str) -> float:
    """Return a decimal number; a Swedish decimal comma (``87,5``) is accepted."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.fullmatch(cleaned) or len(cleaned) > 40:
        raise ValueError(_("expected a number, got {text!r}").format(text=text))
    value = float(cleaned.replace(",", "."))
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise ValueError(
            _("{text!r} is too large (at most {MAX_NUMBER:g})").format(
                text=text, MAX_NUMBER=MAX_NUMBER
            )
        )
    return value


def parse_count(text: str, *, name: str = "value") -> int:
    """Return a whole number ≥ 0."""
    cleaned = text.strip()
    whole = re.fullmatch(r"(\d+)[.,]0*", cleaned)  # Excel writes 18 as "18,0"
    if whole:
        cleaned = whole.group(1)
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValueError(
            _("{name} must be a whole number 0 or more, got {text!r}").format(name=name, text=text)
        )
    if len(cleaned) > 12:
        raise ValueError(
            _("{name} must be from 0 to {MAX_COUNT}, got {cleaned}…").format(
                name=name, MAX_COUNT=MAX_COUNT, cleaned=cleaned[:12]
            )
        )
    return check_count(int(cleaned), name)


def check_count(value: int, name: str = "value") -> int:
    """Return ``value`` when it is a whole number from 0 to MAX_COUNT; else ValueError."""
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(
            _("{name} must be from 0 to {MAX_COUNT}, got {value}").format(
                name=name, MAX_COUNT=MAX_COUNT, value=value
            )
        )
    return value


def check_id(text: str, *, what: str = "id") -> str:
    """Return ``text`` when it is a usable id (letters, digits, . _ -, no spaces)."""
    if len(text) > MAX_ID:
        raise ValueError(
            _("{what} {text!r}… is longer than {MAX_ID} characters").format(
                what=what, text=text[:20], MAX_ID=MAX_ID
            )
        )
    if not _ID.fullmatch(text):
        raise ValueError(
            _("{what} {text!r} may hold only letters, digits, '.', '_' and '-'").format(
                what=what, text=text
            )
        )
    return text


def check_text(text: str | None, what: str, limit: int = MAX_TEXT) -> str | None:
    """Return ``text`` when it is at most ``limit`` characters; else ValueError naming it."""
    if text is not None and len(text) > limit:
        raise ValueError(
            _("{what} is longer than {limit} characters ({count})").format(
                what=what, limit=limit, count=len(text)
            )
        )
    return text


def format_number(value: float) -> str:
    """Return a number as stored and shown: ``90`` for whole numbers, else ``87.5``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def email_problem(value: object) -> str | None:
    """Return why ``value`` is not an e-mail address fvm can send to, or None when it is one:
    text of one ``local@domain`` with a dot in the domain, no spaces, within MAX_NAME."""
    from fvmcli.core.limits import MAX_NAME

    if not isinstance(value, str):
        return _("expected text or nothing")
    local, at, domain = value.partition("@")
    if (
        not at
        or not local
        or "." not in domain.strip(".")
        or "@" in domain
        or any(c.isspace() or c in '<>,;"' for c in value)
        or len(value) > MAX_NAME
    ):
        return _("{value!r} is not an e-mail address").format(value=value)
    if not value.isascii():
        # Python's e-mail package cannot address it, and most servers would not take it.
        return _("{value!r} has letters outside a–z; write the address without å, ä, ö").format(
            value=value
        )
    return None
