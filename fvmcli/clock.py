"""The two readings of the clock the toolkit makes: today's date and a timestamp."""

from __future__ import annotations

from datetime import date, datetime


def today() -> date:
    """Return today's local date."""
    return date.today()


def now_iso() -> str:
    """Return the local time with its UTC offset, to the second (2026-11-26T10:15:03+01:00)."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
