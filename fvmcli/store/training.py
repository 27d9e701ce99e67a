"""People, sessions and enrolments."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from fvmcli.core.enrolment import SEAT, WAITLISTED, Booking, SessionTime
from fvmcli.core.model import Person
from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _
from fvmcli.store import record
from fvmcli.store.driver import Connection, in_list
from fvmcli.store.history import Change
from fvmcli.store.reads import completed
from fvmcli.store.units import Upserted

# ---------------------------------------------------------------- people

# The columns of a Person, in the order of its fields ("forgotten": the moment, or None).
PERSON = "p.id, p.name, p.role, p.unit_id, p.email, p.forgotten_at"


def person_of(row: tuple[Any, ...]) -> Person:
    """Return the Person of a row of ``PERSON``."""
    person_id, name, role, unit_id, email, forgotten_at = row
    return Person(person_id, name, role, unit_id, email, forgotten_at is not None)


def _person_json(person: Person) -> str:
    """Return the person as history keeps it (without the forgotten flag)."""
    data = {
        "id": person.id,
        "name": person.name,
        "role": person.role,
        "unit": person.unit,
        "email": person.email,
    }
    return _PERSON_JSON.encode(data)


_PERSON_JSON = json.JSONEncoder(ensure_ascii=False)  # one for every person of an import


def get_person(conn: Connection, person_id: str) -> Person | None:
    """Return the person, or None."""
    row = conn.first(f"SELECT {PERSON} FROM people p WHERE p.id = {conn.mark}", (person_id,))
    return person_of(row) if row else None


def list_people(
    conn: Connection,
    *,
    ids: Iterable[str] | None = None,
    unit: str | None = None,
    role: str | None = None,
) -> list[Person]:
    """Return people matching the filters, ordered by id."""
    where, params, keep = in_list("p.id", ids, conn.mark)
    for column, value in (("p.unit_id", unit), ("p.role", role)):
        if value is not None:
            where += f" AND {column} = {conn.mark}"
            params.append(value)
    rows = conn.rows(f"SELECT {PERSON} FROM people p WHERE 1 = 1{where} ORDER BY p.id", params)
    return [person_of(r) for r in rows if keep is None or r[0] in keep]


def upsert_people(conn: Connection, batch: list[Person], *, by: str, at: str) -> Upserted:
    """Add new people and update changed ones; every change goes to history."""
    current = {p.id: p for p in list_people(conn, ids=[p.id for p in batch])}
    added, changed, unchanged = [], [], []
    # A new person named twice: the last row wins, added once. The new people share one
    # Change; each has its place (``record.Place``: unit, subject, and the person as history
    # keeps it).
    inserts: dict[str, tuple[dict[str, Any], record.Place]] = {}
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
        new = _person_json(person)
        if old is None:
            if person.id not in inserts:
                added.append(person.id)
            place = (person.unit, None, person.id, None, new, None)
            inserts[person.id] = ({"id": person.id, **values}, place)
        else:
            change = Change(at, by, "person", person.unit, None, person.id, _person_json(old), new)
            record.update(conn, "people", {"id": person.id}, values, change)
            changed.append(person.id)
    rows = list(inserts.values())
    record.insert(
        conn, "people", [r for r, _ in rows], Change(at, by, "person"), [p for _, p in rows]
    )
    return Upserted(added, changed, unchanged)


def erasure_statements(style: str) -> list[str]:
    """Return the statements that erase a person, with the person's id and the moment written
    as ``style`` marks them: "sqlite" (``:person``), "postgresql" (``%(person)s``) or
    "plpgsql" (the variables ``person`` and ``at`` of the database's own ``fvm_forget``). The
    one text of erasure: this program runs it, and ``fvm access init`` puts it in the
    function that erases on a shared database.

    The person's row keeps its role and unit (so counts and coverage stay right); history
    loses the personal part of every entry about the person (old and new values, comments,
    the row's personal columns) and its salt, while the payload's digest stays, so the chain
    still holds."""
    person, at = {
        "sqlite": (":person", ":at"),
        "postgresql": ("%(person)s", "%(at)s"),
        "plpgsql": ("person", "at"),
    }[style]
    if style == "sqlite":
        redacted = "json_set({0}, '$.name', NULL, '$.email', NULL)"
    else:
        redacted = '({0}::jsonb || \'{{"name": null, "email": null}}\'::jsonb)::text'
    return [
        f"UPDATE people SET name = NULL, email = NULL, forgotten_at = {at} WHERE id = {person}",
        f"UPDATE enrolments SET forced_reason = NULL WHERE person_id = {person}",
        f"UPDATE history SET old = {redacted.format('old')}, new = {redacted.format('new')}, "
        "comment = NULL, salt = NULL, private = NULL "
        f"WHERE kind = 'person' AND subject = {person}",
        "UPDATE history SET comment = NULL, salt = NULL, private = NULL "
        f"WHERE kind = 'enrolment' AND subject = {person}",
        "UPDATE history SET salt = NULL, private = NULL "
        f"WHERE kind = 'baseline' AND tbl IN ('people', 'enrolments') AND subject = {person}",
    ]


def forget_person(conn: Connection, person_id: str, *, by: str, at: str) -> None:
    """Erase a person's name, email and free text everywhere, history included
    (``erasure_statements``), then record the rows erasure left."""
    for statement in erasure_statements(conn.backend):
        conn.run(statement, {"person": person_id, "at": at})  # type: ignore[arg-type]
    record_erasure(conn, person_id, by=by, at=at)


def record_erasure(conn: Connection, person_id: str, *, by: str, at: str) -> None:
    """Append the entries of the rows an erasure left (the person's, their enrolments'), after
    the entries it emptied: the chain then says what the tables hold."""
    change = Change(at, by, "person", None, None, person_id, None, None, "forgotten")
    record.restate(conn, "people", {"id": person_id}, change)
    record.restate(conn, "enrolments", {"person_id": person_id}, replace(change, kind="enrolment"))


def completed_pairs(
    conn: Connection, unit_ids: Iterable[str] | None = None, person_ids: Iterable[str] | None = None
) -> set[tuple[str, str]]:
    """Return the (person, course) pairs with a completed enrolment, in one query."""
    sql = (
        "SELECT DISTINCT e.person_id, s.course FROM enrolments e "
        "JOIN sessions s ON s.id = e.session_id JOIN people p ON p.id = e.person_id "
        f"WHERE {completed('e.status')}"
    )
    params: list[Any] = []
    for column, values in (("p.unit_id", unit_ids), ("e.person_id", person_ids)):
        if values is not None:
            chosen = sorted(set(values))
            sql += f" AND {column} IN ({conn.marks(len(chosen))})" if chosen else " AND 1 = 0"
            params += chosen
    return {(p, c) for p, c in conn.rows(sql, params)}


# ---------------------------------------------------------------- sessions

# The columns of a stored session ("end" is a word of SQL: quoted).
SESSION_COLUMNS = ("id", "course", "start", "end", "capacity", "location", "trainer")
_SESSION = ", ".join(f's."{c}"' for c in SESSION_COLUMNS)


def _session(row: tuple[Any, ...], *, check: bool = True) -> dict[str, Any]:
    """Return a stored session (a row of ``SESSION_COLUMNS`` and any more columns) as a
    mapping; with ``check``, refuse one whose times cannot be read (a database changed by
    hand), naming the session, before any reader trips on it."""
    found = dict(zip(SESSION_COLUMNS, row, strict=False))
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
                "The database was changed by hand or is damaged. Give the session its times again:"
            ),
            command=_(
                "fvm session update {id} --start YYYY-MM-DDTHH:MM --end YYYY-MM-DDTHH:MM"
            ).format(id=session["id"]),
        ) from None


def session_time(row: dict[str, Any]) -> SessionTime:
    """Return the times of a stored session."""
    return SessionTime(row["id"], row["course"], _time(row, "start"), _time(row, "end"))


def get_session(conn: Connection, session_id: str, *, lock: bool = False) -> dict[str, Any] | None:
    """Return the session; with ``lock``, hold it until the transaction ends (PostgreSQL row
    lock; SQLite transactions already hold the write lock)."""
    sql = f"SELECT {_SESSION} FROM sessions s WHERE s.id = {conn.mark}"
    if lock and conn.backend == "postgresql":
        sql += " FOR UPDATE"
    row = conn.first(sql, (session_id,))
    # A session taken to be changed may have damaged times: the change is how they are mended.
    return _session(row, check=not lock) if row else None


def list_sessions(conn: Connection, *, course: str | None = None) -> list[dict[str, Any]]:
    """Return sessions ordered by start, with seats held and waitlist length."""
    where, params = ("", []) if course is None else (f" WHERE s.course = {conn.mark}", [course])
    sql = (
        f"SELECT {_SESSION}, "
        f"coalesce(sum(CASE WHEN e.status IN ({conn.marks(len(SEAT))}) THEN 1 ELSE 0 END), 0), "
        f"coalesce(sum(CASE WHEN e.status = {conn.mark} THEN 1 ELSE 0 END), 0) "
        f"FROM sessions s LEFT JOIN enrolments e ON e.session_id = s.id{where} "
        f"GROUP BY {_SESSION} ORDER BY s.start, s.id"
    )
    found = []
    for row in conn.rows(sql, [*SEAT, WAITLISTED, *params]):
        session = _session(row)
        session["seats"], session["waiting"] = row[len(SESSION_COLUMNS) :]
        found.append(session)
    return found


def training_history(
    conn: Connection, *, person: str | None = None, session: str | None = None
) -> list[tuple[str, str, str, str, str | None, str | None, str | None, str | None, str | None]]:
    """Return the training history of a person (their bookings) or of a session (its changes
    and bookings), oldest first: (at, by, kind, session, person, old, new, comment, course)."""
    sql = (
        "SELECT h.at, h.by, h.kind, h.scope, h.subject, h.old, h.new, h.comment, s.course "
        "FROM history h LEFT JOIN sessions s ON s.id = h.scope WHERE "
    )
    if person is not None:
        sql += f"h.kind = 'enrolment' AND h.subject = {conn.mark}"
        params: tuple[str, ...] = (person,)
    else:
        sql += f"h.kind IN ('enrolment', 'session') AND h.scope = {conn.mark}"
        params = (session or "",)
    return [tuple(row) for row in conn.rows(sql + " ORDER BY h.id", params)]


def session_versions(conn: Connection) -> dict[str, tuple[int, str]]:
    """Return session → (changes since it was added, when it last changed), from the history
    (one query)."""
    found: dict[str, tuple[int, str]] = {}
    sql = "SELECT scope, at FROM history WHERE kind = 'session' ORDER BY id"
    for session_id, at in conn.rows(sql):
        count = found[session_id][0] + 1 if session_id in found else 0
        found[session_id] = (count, at)
    return found


def session_ids(conn: Connection) -> set[str]:
    """Return every session id."""
    return {session_id for (session_id,) in conn.rows("SELECT id FROM sessions")}


def save_session(conn: Connection, values: dict[str, Any], *, by: str, at: str) -> str:
    """Add or update a session; return 'added', 'changed' or 'unchanged' (changes in history)."""
    old = get_session(conn, values["id"], lock=True)  # held already; its times may be mended
    if old == values:
        return "unchanged"
    change = Change(
        at,
        by,
        "session",
        None,
        values["id"],
        None,
        json.dumps(old, ensure_ascii=False) if old else None,
        json.dumps(values, ensure_ascii=False),
    )
    if old is None:
        record.insert(conn, "sessions", [values], change)
    else:
        record.update(conn, "sessions", {"id": values["id"]}, values, change)
    return "added" if old is None else "changed"


# ---------------------------------------------------------------- enrolments


def session_enrolments(conn: Connection, session_id: str) -> list[tuple[str, str]]:
    """Return (person, status) of a session in the order people enrolled."""
    sql = f"SELECT person_id, status FROM enrolments WHERE session_id = {conn.mark} ORDER BY id"
    return [(p, s) for p, s in conn.rows(sql, (session_id,))]


def attended_days(conn: Connection, session_id: str) -> dict[str, list[str]]:
    """Return person → the days they attended of a session over several days (ISO dates)."""
    sql = (
        "SELECT person_id, attended_days FROM enrolments "
        f"WHERE session_id = {conn.mark} AND attended_days IS NOT NULL"
    )
    return {p: [d for d in days.split(",") if d] for p, days in conn.rows(sql, (session_id,))}


def bookings_of(conn: Connection, person_ids: Iterable[str]) -> dict[str, list[Booking]]:
    """Return person → their enrolments with sessions, for many people in one query."""
    chosen = sorted(set(person_ids))
    found: dict[str, list[Booking]] = defaultdict(list)
    if not chosen:
        return found
    sql = (
        f"SELECT {_SESSION}, e.person_id, e.status FROM sessions s "
        f"JOIN enrolments e ON e.session_id = s.id WHERE e.person_id IN ({conn.marks(len(chosen))})"
    )
    for row in conn.rows(sql, chosen):
        person_id, status = row[len(SESSION_COLUMNS) :]
        found[person_id].append(Booking(session_time(_session(row)), status))
    return found


def lock_people(conn: Connection, person_ids: Iterable[str]) -> dict[str, Person]:
    """Return the people by id, locked until the transaction ends (PostgreSQL row locks, in id
    order so two writers never deadlock), so that one person's bookings are made one at a time."""
    chosen = sorted(set(person_ids))
    if not chosen:
        return {}
    sql = f"SELECT {PERSON} FROM people p WHERE p.id IN ({conn.marks(len(chosen))}) ORDER BY p.id"
    if conn.backend == "postgresql":
        sql += " FOR UPDATE"
    return {row[0]: person_of(row) for row in conn.rows(sql, chosen)}


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
    days: str | None = None,
) -> str | None:
    """Set a person's status in a session (a new enrolment goes last in line); return the old
    status. The change goes to history with ``note`` (or ``reason``) as its comment.
    ``days``, when given, are the days attended of a session over several days (ISO dates,
    comma-separated): a day marked is a change even when the status stays.

    ``known`` is the current status when the caller has read it already (one query for many
    people), as a 1-tuple so that "no enrolment" (``(None,)``) differs from "not read"."""
    key = {"session_id": session_id, "person_id": person.id}
    if known is None:
        old = conn.scalar(
            f"SELECT status FROM enrolments WHERE session_id = {conn.mark} AND person_id = "
            f"{conn.mark}",
            tuple(key.values()),
        )
    else:
        (old,) = known
    if old == status and days is None:
        return old
    change = Change(
        at, by, "enrolment", person.unit, session_id, person.id, old, status, note or reason
    )
    if old is None or old == "cancelled":
        # A new or renewed enrolment joins at the end of the line.
        if old is not None:
            record.delete(conn, "enrolments", key, change)
        row = {**key, "status": status, "forced_reason": reason, "enrolled_at": at}
        record.insert(conn, "enrolments", [row], change)
    else:
        values = {"status": status} if days is None else {"status": status, "attended_days": days}
        record.update(conn, "enrolments", key, values, change)
    return old
