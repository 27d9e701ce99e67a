"""A runbook's planned schedule for printing (XLSX, landscape, critical rows marked) and as a
calendar (an event per instance, UIDs that stay the same when the plan is published again)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fvmcli.i18n import _
from fvmcli.render.calendar import UID_DOMAIN
from fvmcli.render.spreadsheet import FORMULA_STARTS
from fvmcli.render.values import stockholm

HEADINGS = (
    "task",
    "unit",
    "title",
    "owner",
    "planned start",
    "planned finish",
    "minutes",
    "critical",
)
WIDTHS = (14, 14, 48, 24, 17, 17, 9, 9)


def _local(moment: datetime) -> datetime:
    """Return a moment as Stockholm wall-clock time without an offset (what a cell holds)."""
    return moment.astimezone(stockholm()).replace(tzinfo=None)


def plan_workbook(title: str, rows: Sequence[Any], path: Path) -> None:
    """Write the plan as one sheet for printing: landscape, A4 when it fits a page's width
    (A3 for a wide plan), headings repeated on each page, critical rows bold on amber."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    try:
        head = book.add_format({"bold": True, "bg_color": "#EEF3F7", "border": 1})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        critical = book.add_format({"bold": True, "bg_color": "#FFE699"})
        critical_when = book.add_format(
            {"bold": True, "bg_color": "#FFE699", "num_format": "yyyy-mm-dd hh:mm"}
        )
        critical_wrap = book.add_format(
            {"bold": True, "bg_color": "#FFE699", "text_wrap": True, "valign": "top"}
        )
        ws = book.add_worksheet(_("Plan")[:31])
        ws.set_landscape()
        ws.set_paper(8 if len(rows) > 400 else 9)  # A3 for a long plan, else A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(1)
        ws.set_header("&L" + title.replace("&", "&&") + "&R&P / &N")
        ws.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
        for c, heading in enumerate(HEADINGS):
            ws.write_string(1, c, _(heading), head)
            ws.set_column(c, c, WIDTHS[c])
        for r, row in enumerate(rows, start=2):
            mark = row.critical
            text = critical if mark else None
            cells = (row.task, row.unit, row.title, row.owner_name or row.owner)
            for c, value in enumerate(cells):
                style = (critical_wrap if mark else wrap) if c == 2 else text
                if not value:
                    ws.write_blank(r, c, None, style)
                    continue
                ws.write_string(r, c, "'" + value if value[:1] in FORMULA_STARTS else value, style)
            ws.write_datetime(r, 4, _local(row.planned_start), critical_when if mark else when)
            ws.write_datetime(r, 5, _local(row.planned_finish), critical_when if mark else when)
            minutes = (row.planned_finish - row.planned_start).total_seconds() / 60
            ws.write_number(r, 6, round(minutes, 1), text)
            if mark:
                ws.write_string(r, 7, _("yes"), text)
        ws.autofilter(1, 0, 1 + len(rows), len(HEADINGS) - 1)
        ws.freeze_panes(2, 0)
    finally:
        book.close()


def instance_uid(runbook: str, phase: int, task: str, unit: str | None) -> str:
    """Return the stable UID of an instance's event in a plan's calendar."""
    return f"{runbook}.{phase}.{task}.{unit or '-'}@{UID_DOMAIN}"


def plan_calendar(
    runbook: str, phase: int, title: str, rows: Sequence[Any], stamp: datetime
) -> bytes:
    """Return an iCalendar file with one VEVENT per instance, in Stockholm time."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//fvmcli//runbook//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    zone = stockholm()
    for row in rows:
        event = Event()
        event.add("uid", instance_uid(runbook, phase, row.task, row.unit))
        event.add("dtstamp", stamp)
        event.add("dtstart", row.planned_start.astimezone(zone))
        event.add("dtend", row.planned_finish.astimezone(zone))
        summary = row.title if row.unit is None else f"{row.title} ({row.unit})"
        event.add("summary", summary)
        lines = [_("Task: {task}").format(task=row.task)]
        if row.owner:
            lines.append(_("Owner: {owner}").format(owner=row.owner_name or row.owner))
        if row.critical:
            lines.append(_("On the critical path"))
        if row.checkpoint:
            lines.append(_("Checkpoint: done only with a decided go/no-go"))
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
