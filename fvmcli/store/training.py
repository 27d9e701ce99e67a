"""People, sessions and enrolments."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.core.enrolment import SEAT, WAITLISTED, Booking, SessionTime
from fvmcli.core.model import Person
from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _
from fvmcli.store.history import Change, record
from fvmcli.store.query import insert_rows, where_in
from fvmcli.store.schema import enrolments, history, people, sessions
from fvmcli.store.units import Upserted

# ---------------------------------------------------------------- people


def _person(row: sa.Row[Any]) -> Person:
    return Person(row.id, row.name, row.role, row.unit_id, row.email, row.forgotten_at is not None)


def _person_json(person: Person) -> str:
    """Return the person as history keeps it (without the forgotten flag)."""
    data = {
        "id": person.id,
        "name": person.name,
        "role": person.role,
        "unit": person.unit,
        "email": person.email,
    }
    return json.dumps(data, ensure_ascii=False)


def get_person(conn: Connection, person_id: str) -> Person | None:
    """Return the person, or None."""
    row = conn.execute(sa.select(people).where(people.c.id == person_id)).first()
    return _person(row) if row else None


def list_people(
    conn: Connection,
    *,
    ids: Iterable[str] | None = None,
    unit: str | None = None,
    role: str | None = None,
) -> list[Person]:
    """Return people matching the filters, ordered by id."""
    query, keep = where_in(sa.select(people).order_by(people.c.id), people.c.id, ids)
    if unit is not None:
        query = query.where(people.c.unit_id == unit)
    if role is not None:
        query = query.where(people.c.role == role)
    return [_person(r) for r in conn.execute(query) if keep is None or r.id in keep]


def upsert_people(conn: Connection, batch: list[Person], *, by: str, at: str) -> Upserted:
    """Add new people and update changed ones; every change goes to history."""
    current = {p.id: p for p in list_people(conn, ids=[p.id for p in batch])}
    added, changed, unchanged, log = [], [], [], []
    inserts: list[dict[str, Any]] = []
    for person in batch:
        old = current.get(person.id)
        if old == person:
            unchanged.append(person.id)
            continue
        values = {
            "name": person.name,
            "role": person.role,
            "unit_id": person.unit,
            "email": person.email,
        }
        if old is None:
            inserts.append({"id": person.id, **values})
            added.append(person.id)
        else:
            conn.execute(people.update().where(people.c.id == person.id).values(values))
            changed.append(person.id)
        log.append(
            Change(
                at,
                by,
                "person",
                person.unit,
                None,
                person.id,
                _person_json(old) if old else None,
                _person_json(person),
            )
        )
    insert_rows(conn, people, inserts)
    record(conn, log)
    return Upserted(added, changed, unchanged)


def forget_person(conn: Connection, person_id: str, *, by: str, at: str) -> None:
    """Erase a person's name, email and free text everywhere, history included.

    Role, unit and enrolment statuses stay, so counts and coverage stay correct.
    """
    conn.execute(
        people.update()
        .where(people.c.id == person_id)
        .values(name=None, email=None, forgotten_at=at)
    )
    conn.execute(
        enrolments.update().where(enrolments.c.person_id == person_id).values(forced_reason=None)
    )
    rows = conn.execute(
        sa.select(history.c.id, history.c.old, history.c.new).where(
            history.c.kind == "person", history.c.subject == person_id
        )
    )
    for row_id, old, new in list(rows):
        conn.execute(
            history.update()
            .where(history.c.id == row_id)
            .values(old=_redact(old), new=_redact(new), comment=None, salt=None)
        )
    # The payload's salt goes with it: its digest stays, so the history's chain still holds.
    conn.execute(
        history.update()
        .where(history.c.kind == "enrolment", history.c.subject == person_id)
        .values(comment=None, salt=None)
    )
    record(conn, [Change(at, by, "person", None, None, person_id, None, None, "forgotten")])


def _redact(text: str | None) -> str | None:
    if text is None:
        return None
    data = json.loads(text)
    data.update(name=None, email=None)
    return json.dumps(data, ensure_ascii=False)


def completed_pairs(
    conn: Connection, unit_ids: Iterable[str] | None = None, person_ids: Iterable[str] | None = None
) -> set[tuple[str, str]]:
    """Return the (person, course) pairs with a completed enrolment, in one query."""
    query = (
        sa.select(enrolments.c.person_id, sessions.c.course)
        .join(sessions, sessions.c.id == enrolments.c.session_id)
        .where(enrolments.c.status == "completed")
        .distinct()
    )
    if unit_ids is not None:
        query = query.join(people, people.c.id == enrolments.c.person_id).where(
            people.c.unit_id.in_(list(unit_ids))
        )
    if person_ids is not None:
        query = query.where(enrolments.c.person_id.in_(list(person_ids)))
    return {(p, c) for p, c in conn.execute(query)}


# ---------------------------------------------------------------- sessions


def _session(row: sa.Row[Any], *, check: bool = True) -> dict[str, Any]:
    """Return a stored session as a mapping; with ``check``, refuse one whose times cannot be
    read (a database changed by hand), naming the session, before any reader trips on it."""
    found = dict(row._mapping)
    if check:
        _time(found, "start")
        _time(found, "end")
    return found


def _time(session: dict[str, Any], field: str) -> datetime:
    """Return the ``start`` or ``end`` of a stored session; raise EnvironmentProblem (exit 4)
    when it is not a time."""
    value = session[field]
    try:
        return datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise EnvironmentProblem(
            _("session {id!r} in the database has a {field} fvm cannot read: {value!r}").format(
                id=session["id"], field=field, value=str(value)[:40]
            ),
            hint=_(
                "The database was changed by hand or is damaged. Give the session its times "
                "again: fvm session update {id} --start YYYY-MM-DDTHH:MM --end YYYY-MM-DDTHH:MM"
            ).format(id=session["id"]),
        ) from None


def session_time(row: dict[str, Any]) -> SessionTime:
    """Return the times of a stored session."""
    return SessionTime(row["id"], row["course"], _time(row, "start"), _time(row, "end"))


def get_session(conn: Connection, session_id: str, *, lock: bool = False) -> dict[str, Any] | None:
    """Return the session; with ``lock``, hold it until the transaction ends (PostgreSQL row
    lock; SQLite transactions already hold the write lock)."""
    query = sa.select(sessions).where(sessions.c.id == session_id)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    # A session taken to be changed may have damaged times: the change is how they are mended.
    return _session(row, check=not lock) if row else None


def list_sessions(conn: Connection, *, course: str | None = None) -> list[dict[str, Any]]:
    """Return sessions ordered by start, with seats held and waitlist length."""
    seats = sa.func.sum(sa.case((enrolments.c.status.in_(SEAT), 1), else_=0))
    waiting = sa.func.sum(sa.case((enrolments.c.status == WAITLISTED, 1), else_=0))
    query = (
        sa.select(
            sessions,
            sa.func.coalesce(seats, 0).label("seats"),
            sa.func.coalesce(waiting, 0).label("waiting"),
        )
        .select_from(sessions.outerjoin(enrolments, enrolments.c.session_id == sessions.c.id))
        .group_by(*sessions.c)
        .order_by(sessions.c.start, sessions.c.id)
    )
    if course is not None:
        query = query.where(sessions.c.course == course)
    return [_session(r) for r in conn.execute(query)]


def session_ids(conn: Connection) -> set[str]:
    """Return every session id."""
    return set(conn.scalars(sa.select(sessions.c.id)))


def save_session(conn: Connection, values: dict[str, Any], *, by: str, at: str) -> str:
    """Add or update a session; return 'added', 'changed' or 'unchanged' (changes in history)."""
    old = get_session(conn, values["id"], lock=True)  # held already; its times may be mended
    if old == values:
        return "unchanged"
    if old is None:
        conn.execute(sessions.insert().values(values))
    else:
        conn.execute(sessions.update().where(sessions.c.id == values["id"]).values(values))
    record(
        conn,
        [
            Change(
                at,
                by,
                "session",
                None,
                values["id"],
                None,
                json.dumps(old, ensure_ascii=False) if old else None,
                json.dumps(values, ensure_ascii=False),
            )
        ],
    )
    return "added" if old is None else "changed"


# ---------------------------------------------------------------- enrolments


def session_enrolments(conn: Connection, session_id: str) -> list[tuple[str, str]]:
    """Return (person, status) of a session in the order people enrolled."""
    query = (
        sa.select(enrolments.c.person_id, enrolments.c.status)
        .where(enrolments.c.session_id == session_id)
        .order_by(enrolments.c.id)
    )
    return [(p, s) for p, s in conn.execute(query)]


def bookings_of(conn: Connection, person_ids: Iterable[str]) -> dict[str, list[Booking]]:
    """Return person → their enrolments with sessions, for many people in one query."""
    chosen = list(person_ids)
    query = (
        sa.select(sessions, enrolments.c.person_id, enrolments.c.status)
        .join(enrolments, enrolments.c.session_id == sessions.c.id)
        .where(enrolments.c.person_id.in_(chosen))
    )
    found: dict[str, list[Booking]] = defaultdict(list)
    for row in conn.execute(query):
        data = dict(row._mapping)
        found[data.pop("person_id")].append(Booking(session_time(data), data["status"]))
    return found


def lock_people(conn: Connection, person_ids: Iterable[str]) -> dict[str, Person]:
    """Return the people by id, locked until the transaction ends (PostgreSQL row locks, in id
    order so two writers never deadlock), so that one person's bookings are made one at a time."""
    query = sa.select(people).where(people.c.id.in_(sorted(set(person_ids)))).order_by(people.c.id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return {r.id: _person(r) for r in conn.execute(query)}


def set_enrolment(
    conn: Connection,
    session_id: str,
    person: Person,
    status: str,
    *,
    by: str,
    at: str,
    reason: str | None = None,
    note: str | None = None,
    known: tuple[str | None] | None = None,
) -> str | None:
    """Set a person's status in a session (a new enrolment goes last in line); return the old
    status. The change goes to history with ``note`` (or ``reason``) as its comment.

    ``known`` is the current status when the caller has read it already (one query for many
    people), as a 1-tuple so that "no enrolment" (``(None,)``) differs from "not read"."""
    key = (enrolments.c.session_id == session_id, enrolments.c.person_id == person.id)
    if known is None:
        old = conn.execute(sa.select(enrolments.c.status).where(*key)).scalar()
    else:
        (old,) = known
    if old == status:
        return old
    if old is None or old == "cancelled":
        # A new or renewed enrolment joins at the end of the line.
        conn.execute(enrolments.delete().where(*key))
        conn.execute(
            enrolments.insert().values(
                session_id=session_id,
                person_id=person.id,
                status=status,
                forced_reason=reason,
                enrolled_at=at,
            )
        )
    else:
        conn.execute(enrolments.update().where(*key).values(status=status))
    record(
        conn,
        [
            Change(
                at, by, "enrolment", person.unit, session_id, person.id, old, status, note or reason
            )
        ],
    )
    return old
