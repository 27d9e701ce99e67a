"""Reminder digests sent, and what the digests are made of that no other store module reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from fvmcli.core.enrolment import BOOKED
from fvmcli.core.model import Person
from fvmcli.store import record
from fvmcli.store.driver import Connection, as_date, in_list
from fvmcli.store.history import Change
from fvmcli.store.training import PERSON, person_of


def people_of_units(conn: Connection, unit_ids: Iterable[str] | None) -> dict[str, list[Person]]:
    """Return unit → its people (id order), in one query; None reads every unit."""
    where, params, keep = in_list("p.unit_id", unit_ids, conn.mark)
    found: dict[str, list[Person]] = defaultdict(list)
    for row in conn.rows(f"SELECT {PERSON} FROM people p WHERE 1 = 1{where} ORDER BY p.id", params):
        person = person_of(row)
        if keep is None or person.unit in keep:
            found[person.unit].append(person)
    return found


def coming_places(
    conn: Connection, unit_ids: Iterable[str] | None, after: str
) -> dict[tuple[str, str], str]:
    """Return (person, course) → the first session starting after ``after`` (ISO time) on
    which the person holds a place or a waitlist place, for the people of these units."""
    where, params, keep = in_list("p.unit_id", unit_ids, conn.mark)
    sql = (
        "SELECT e.person_id, s.course, s.id, p.unit_id FROM enrolments e "
        "JOIN sessions s ON s.id = e.session_id JOIN people p ON p.id = e.person_id "
        f"WHERE e.status IN ({conn.marks(len(BOOKED))}) AND s.start > {conn.mark}{where} "
        "ORDER BY s.start, s.id"
    )
    found: dict[tuple[str, str], str] = {}
    for person, course, session, unit in conn.rows(sql, [*BOOKED, after, *params]):
        if keep is None or unit in keep:
            found.setdefault((person, course), session)
    return found


def sent_on(conn: Connection, day: date, unit_ids: Iterable[str] | None) -> set[tuple[str, str]]:
    """Return the (unit, recipient) pairs that were sent a digest on ``day``."""
    where, params, keep = in_list("unit_id", unit_ids, conn.mark)
    rows = conn.rows(
        f"SELECT unit_id, recipient FROM reminders WHERE day = {conn.mark}{where}", [day, *params]
    )
    return {(u, r) for u, r in rows if keep is None or u in keep}


def record_sent(
    conn: Connection,
    unit_id: str,
    recipients: list[str],
    day: date,
    digest: str,
    *,
    by: str,
    at: str,
) -> None:
    """Record that the unit's digest went to ``recipients`` on ``day`` (a resend replaces the
    day's record), and put it in history."""
    for recipient in recipients:
        change = Change(at, by, "reminder", unit_id, None, day.isoformat(), None, digest, recipient)
        key = {"unit_id": unit_id, "recipient": recipient, "day": day}
        values = {"digest": digest, "sent_at": at, "sent_by": by}
        if not record.update(conn, "reminders", key, values, change):
            record.insert(conn, "reminders", [{**key, **values}], change)


_SENT = ("id", "unit_id", "recipient", "day", "digest", "sent_at", "sent_by", "name", "unit_name")


def sent_log(
    conn: Connection,
    unit_ids: Iterable[str] | None,
    *,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """Return the digests sent, newest day first, with the recipient's name where it is a
    person who has not been forgotten, and the unit's name."""
    where, params, keep = in_list("r.unit_id", unit_ids, conn.mark)
    if since is not None:
        where += f" AND r.day >= {conn.mark}"
        params.append(since)
    sql = (
        "SELECT r.id, r.unit_id, r.recipient, r.day, r.digest, r.sent_at, r.sent_by, p.name, "
        "u.name FROM reminders r LEFT JOIN people p ON p.id = r.recipient "
        f"JOIN units u ON u.id = r.unit_id WHERE 1 = 1{where} "
        "ORDER BY r.day DESC, r.unit_id, r.recipient"
    )
    found = []
    for row in conn.rows(sql, params):
        sent = dict(zip(_SENT, row, strict=True))
        if keep is None or sent["unit_id"] in keep:
            sent["day"] = as_date(sent["day"], "reminders.day")
            found.append(sent)
    return found
