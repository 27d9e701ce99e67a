"""RFC 5545 calendars of training sessions, with UIDs that stay the same across exports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from fvmcli.core.enrolment import session_days
from fvmcli.i18n import _

TIMEZONE = ZoneInfo("Europe/Stockholm")
UID_DOMAIN = "fvmcli.vgregion.invalid"


def session_uid(session_id: str) -> str:
    """Return the stable UID of a session's event."""
    return f"{session_id}@{UID_DOMAIN}"


def _stockholm() -> Timezone:
    """Return Europe/Stockholm as a VTIMEZONE by its rules (summer time from the last Sunday
    of March to the last Sunday of October, as since 1996): short, without an end year, and
    without the English comment a generated one carries."""
    zone = Timezone()
    zone.add("tzid", "Europe/Stockholm")
    for kind, name, start, before, after, month in (
        (TimezoneDaylight, "CEST", datetime(1996, 3, 31, 2), "+0100", "+0200", 3),
        (TimezoneStandard, "CET", datetime(1996, 10, 27, 3), "+0200", "+0100", 10),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", timedelta(hours=int(before[:3])))
        part.add("tzoffsetto", timedelta(hours=int(after[:3])))
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        zone.add_component(part)
    return zone


def sessions_calendar(
    sessions: Iterable[dict[str, Any]],
    titles: dict[str, str],
    summaries: dict[str, str],
    stamp: datetime,
    versions: dict[str, tuple[int, datetime]] | None = None,
) -> bytes:
    """Return an iCalendar file with one VEVENT per session, in Stockholm local time.

    ``versions`` gives each session's changes since it was added and when it last changed:
    its SEQUENCE and LAST-MODIFIED, so a calendar that imported it before takes the change."""
    cal = Calendar()
    cal.add("prodid", "-//fvmcli//fvmcli//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Training"))
    cal.add("x-wr-timezone", "Europe/Stockholm")
    cal.add_component(_stockholm())
    for s in sessions:
        event = Event()
        event.add("uid", session_uid(s["id"]))
        event.add("dtstamp", stamp)
        changes, modified = (versions or {}).get(s["id"], (0, None))
        event.add("sequence", changes)
        if modified is not None:
            event.add("last-modified", modified.astimezone(UTC))
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
    return bytes(cal.to_ical())
