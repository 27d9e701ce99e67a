"""Reminder digests sent, and what the digests are made of that no other store module reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.core.enrolment import BOOKED
from fvmcli.core.model import Person
from fvmcli.store.history import Change, record
from fvmcli.store.query import where_in
from fvmcli.store.schema import enrolments, people, reminders, sessions, units
from fvmcli.store.training import _person


def people_of_units(conn: Connection, unit_ids: Iterable[str] | None) -> dict[str, list[Person]]:
    """Return unit → its people (id order), in one query; None reads every unit."""
    query, keep = where_in(sa.select(people).order_by(people.c.id), people.c.unit_id, unit_ids)
    found: dict[str, list[Person]] = defaultdict(list)
    for row in conn.execute(query):
        if keep is None or row.unit_id in keep:
            found[row.unit_id].append(_person(row))
    return found


def coming_places(
    conn: Connection, unit_ids: Iterable[str] | None, after: str
) -> dict[tuple[str, str], str]:
    """Return (person, course) → the first session starting after ``after`` (ISO time) on
    which the person holds a place or a waitlist place, for the people of these units."""
    query, keep = where_in(
        sa.select(enrolments.c.person_id, sessions.c.course, sessions.c.id, people.c.unit_id)
        .join(sessions, sessions.c.id == enrolments.c.session_id)
        .join(people, people.c.id == enrolments.c.person_id)
        .where(enrolments.c.status.in_(BOOKED), sessions.c.start > after)
        .order_by(sessions.c.start, sessions.c.id),
        people.c.unit_id,
        unit_ids,
    )
    found: dict[tuple[str, str], str] = {}
    for person, course, session, unit in conn.execute(query):
        if keep is None or unit in keep:
            found.setdefault((person, course), session)
    return found


def sent_on(conn: Connection, day: date, unit_ids: Iterable[str] | None) -> set[tuple[str, str]]:
    """Return the (unit, recipient) pairs that were sent a digest on ``day``."""
    query, keep = where_in(
        sa.select(reminders.c.unit_id, reminders.c.recipient).where(reminders.c.day == day),
        reminders.c.unit_id,
        unit_ids,
    )
    return {(u, r) for u, r in conn.execute(query) if keep is None or u in keep}


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
    conn.execute(
        reminders.delete().where(
            reminders.c.unit_id == unit_id,
            reminders.c.day == day,
            reminders.c.recipient.in_(recipients),
        )
    )
    conn.execute(
        reminders.insert(),
        [
            {
                "unit_id": unit_id,
                "recipient": r,
                "day": day,
                "digest": digest,
                "sent_at": at,
                "sent_by": by,
            }
            for r in recipients
        ],
    )
    record(
        conn,
        [
            Change(
                at,
                by,
                "reminder",
                unit_id,
                None,
                day.isoformat(),
                None,
                digest,
                ", ".join(recipients),
            )
        ],
    )


def sent_log(
    conn: Connection,
    unit_ids: Iterable[str] | None,
    *,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """Return the digests sent, newest day first, with the recipient's name where it is a
    person who has not been forgotten, and the unit's name."""
    query, keep = where_in(
        sa.select(reminders, people.c.name, units.c.name.label("unit_name"))
        .select_from(
            reminders.outerjoin(people, people.c.id == reminders.c.recipient).join(
                units, units.c.id == reminders.c.unit_id
            )
        )
        .order_by(reminders.c.day.desc(), reminders.c.unit_id, reminders.c.recipient),
        reminders.c.unit_id,
        unit_ids,
    )
    if since is not None:
        query = query.where(reminders.c.day >= since)
    return [dict(r._mapping) for r in conn.execute(query) if keep is None or r.unit_id in keep]
