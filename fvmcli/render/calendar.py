"""RFC 5545 calendars of training sessions, with UIDs that stay the same across exports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from fvmcli.core.enrolment import session_days
from fvmcli.i18n import _

TIMEZONE = ZoneInfo("Europe/Stockholm")
UID_DOMAIN = "fvmcli.vgregion.invalid"


def session_uid(session_id: str) -> str:
    """Return the stable UID of a session's event."""
    return f"{session_id}@{UID_DOMAIN}"


def sessions_calendar(
    sessions: Iterable[dict[str, Any]],
    titles: dict[str, str],
    summaries: dict[str, str],
    stamp: datetime,
) -> bytes:
    """Return an iCalendar file with one VEVENT per session, in Stockholm local time."""
    cal = Calendar()
    cal.add("prodid", "-//FVM//fvmcli//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("FVM training"))
    cal.add("x-wr-timezone", "Europe/Stockholm")
    for s in sessions:
        event = Event()
        event.add("uid", session_uid(s["id"]))
        event.add("dtstamp", stamp)
        days = session_days(datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
        # A session over several days is one event on its first day's hours, repeated daily.
        event.add("dtstart", days[0][0].replace(tzinfo=TIMEZONE))
        event.add("dtend", days[0][1].replace(tzinfo=TIMEZONE))
        if len(days) > 1:
            event.add("rrule", {"freq": "daily", "count": len(days)})
        event.add("summary", titles.get(s["course"], s["course"]))
        description = [summaries.get(s["course"], ""), _("Session: {id}").format(id=s["id"])]
        if s.get("trainer"):
            description.append(_("Trainer: {trainer}").format(trainer=s["trainer"]))
        event.add("description", "\n".join(d for d in description if d))
        if s.get("location"):
            event.add("location", s["location"])
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
