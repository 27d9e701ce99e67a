"""The twelve-month plan as a sheet to print and as a calendar of deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from fvmcli.i18n import N_, _
from fvmcli.render.calendar import UID_DOMAIN

FIGURES = (N_("open"), N_("done"), N_("overdue"), N_("waiting"), N_("critical"))


def timeline_workbook(plan: Any, path: Path) -> None:
    """Write ``plan`` (a ``services.chains.Timeline``) to ``path``: one row per owner and
    figure, the months as columns, landscape with the heading on every page."""
    from fvmcli.render.workbook import Book

    owners = plan.owner_ids()
    rows: list[list[Any]] = []
    for owner in owners:
        name = plan.owners.get(owner, owner) if owner else _("no owner")
        for figure in FIGURES:
            line: list[Any] = [name, _(figure)]
            for month in plan.months:
                count = plan.counts.get((owner, month))
                line.append(getattr(count, figure) if count is not None else None)
            rows.append(line)
    rows += [
        [],
        [_("phase"), plan.phase],
        [_("go-live"), plan.go_live],
        [_("as of"), plan.as_of],
    ]
    book = Book(path)
    book.sheet(N_("plan"), [N_("owner"), N_("figure"), *plan.months], rows, {})
    book.close()


def item_uid(unit: str, question: str) -> str:
    """Return the stable UID of an item's deadline event."""
    return f"due-{unit}-{question}@{UID_DOMAIN}"


def deadlines_calendar(items: Iterable[Any], owners: dict[str, str], stamp: datetime) -> bytes:
    """Return an iCalendar file with one all-day VEVENT per open item, on its due date."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//fvmcli//fvmcli//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Deadlines"))
    for item in items:
        event = Event()
        event.add("uid", item_uid(item.unit, item.question))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        summary = f"{item.unit_name}: {item.text}"
        if item.critical:
            summary = _("Critical chain: {summary}").format(summary=summary)
        event.add("summary", summary)
        owner = owners.get(item.owner, item.owner) if item.owner else _("no owner")
        event.add(
            "description",
            _("Question {question}, owner {owner}").format(question=item.question, owner=owner),
        )
        cal.add_component(event)
    return bytes(cal.to_ical())
