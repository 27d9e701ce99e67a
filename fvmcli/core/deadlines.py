"""T-minus deadlines relative to a phase's go-live date."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

from fvmcli.core.limits import MAX_OFFSET_DAYS
from fvmcli.core.model import Offset
from fvmcli.i18n import _

_DUE = re.compile(r"T-(\d+)([dwm])", re.ASCII)
_SPAN = re.compile(r"(\d{1,6})([dwm])", re.ASCII)
# Days in a unit of a duration (``scoring.md``, "Critical chains"): a month is 30 days there.
SPAN_DAYS = {"d": 1, "w": 7, "m": 30}


def parse_offset(text: str) -> Offset:
    """Return the offset written ``T-<n>d|w|m``; raise ValueError on anything else."""
    match = _DUE.fullmatch(text.strip())
    if not match or len(match.group(1)) > 6:
        raise ValueError(
            _("expected T-<n>d, T-<n>w or T-<n>m, got {text!r}").format(text=text[:40])
        )
    offset = Offset(int(match.group(1)), match.group(2))
    days = offset.amount * {"d": 1, "w": 7, "m": 31}[offset.unit]
    if days > MAX_OFFSET_DAYS:
        raise ValueError(
            _("{text!r} lies more than {MAX_OFFSET_DAYS} days before go-live").format(
                text=text, MAX_OFFSET_DAYS=MAX_OFFSET_DAYS
            )
        )
    return offset


def parse_span(text: str) -> Offset:
    """Return the span written ``<n>d|w|m`` (a duration, or the age after which evidence is
    old); raise ValueError on anything else."""
    match = _SPAN.fullmatch(text.strip())
    if not match:
        raise ValueError(_("expected <n>d, <n>w or <n>m, got {text!r}").format(text=text[:40]))
    offset = Offset(int(match.group(1)), match.group(2))
    if offset.amount * SPAN_DAYS[offset.unit] > MAX_OFFSET_DAYS:
        raise ValueError(
            _("{text!r} is longer than {MAX_OFFSET_DAYS} days").format(
                text=text, MAX_OFFSET_DAYS=MAX_OFFSET_DAYS
            )
        )
    return offset


def span_days(span: Offset) -> int:
    """Return a duration in days: n, 7n or 30n."""
    return span.amount * SPAN_DAYS[span.unit]


def days_before(day: date, span: Offset) -> date:
    """Return the day ``span`` before ``day``, calendar months as in ``due_date``."""
    if span.unit == "m":
        return months_before(day, span.amount)
    return day - timedelta(days=span_days(span))


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` calendar months earlier, clamped to that month's end."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@lru_cache(maxsize=4096)
def due_date(go_live: date | None, offset: Offset) -> date | None:
    """Return the due date for a go-live date, or None when go-live is not known."""
    if go_live is None:
        return None
    return days_before(go_live, offset)
