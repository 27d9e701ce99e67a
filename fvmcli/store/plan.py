"""The counts behind a training capacity plan, each in one set-based query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.core.enrolment import SEAT, WAITLISTED
from fvmcli.core.plan import PersonCounts
from fvmcli.store.schema import enrolments, people, sessions, units


def _in_window(start: str, end: str | None) -> sa.ColumnElement[bool]:
    """Return the condition "the session starts on or after ``start`` and ends before
    ``end``" (ISO texts compare as times do; a session without an end ends when it starts)."""
    condition = sessions.c.start >= start
    if end is not None:
        condition = sa.and_(condition, sa.func.coalesce(sessions.c.end, sessions.c.start) < end)
    return condition


def people_per_area_role(conn: Connection, areas: Iterable[str]) -> dict[tuple[str, str], int]:
    """Return (area, role) → the number of people registered in units of those areas."""
    query = (
        sa.select(units.c.area, people.c.role, sa.func.count())
        .select_from(people.join(units, units.c.id == people.c.unit_id))
        .where(units.c.area.in_(list(areas)))
        .group_by(units.c.area, people.c.role)
    )
    return {(area, role): n for area, role, n in conn.execute(query)}


def course_standing(
    conn: Connection, areas: Iterable[str], start: str, end: str | None
) -> list[PersonCounts]:
    """Return, per area, role and course, how many people of those areas have completed the
    course, how many have not and hold a seat in one of its sessions in the window, and how
    many have not and hold only waitlist places there."""
    window = _in_window(start, end)

    def flag(condition: sa.ColumnElement[bool]) -> Any:
        return sa.func.max(sa.case((condition, 1), else_=0))

    per_person = (
        sa.select(
            enrolments.c.person_id,
            sessions.c.course,
            flag(enrolments.c.status == "completed").label("done"),
            flag(sa.and_(enrolments.c.status.in_(SEAT), window)).label("seat"),
            flag(sa.and_(enrolments.c.status == WAITLISTED, window)).label("wait"),
        )
        .select_from(enrolments.join(sessions, sessions.c.id == enrolments.c.session_id))
        .group_by(enrolments.c.person_id, sessions.c.course)
        .subquery()
    )
    undone = per_person.c.done == 0
    query = (
        sa.select(
            units.c.area,
            people.c.role,
            per_person.c.course,
            sa.func.sum(per_person.c.done),
            sa.func.sum(sa.case((sa.and_(undone, per_person.c.seat == 1), 1), else_=0)),
            sa.func.sum(
                sa.case(
                    (sa.and_(undone, per_person.c.seat == 0, per_person.c.wait == 1), 1), else_=0
                )
            ),
        )
        .select_from(
            per_person.join(people, people.c.id == per_person.c.person_id).join(
                units, units.c.id == people.c.unit_id
            )
        )
        .where(units.c.area.in_(list(areas)))
        .group_by(units.c.area, people.c.role, per_person.c.course)
    )
    return [
        PersonCounts(area, role, course, int(done), int(booked), int(waiting))
        for area, role, course, done, booked, waiting in conn.execute(query)
    ]


def free_seats(conn: Connection, start: str, end: str | None) -> dict[str, int]:
    """Return course → the seats not held in its sessions in the window (an overfull session
    has none, and takes none from the others)."""
    held = (
        sa.select(enrolments.c.session_id, sa.func.count().label("held"))
        .where(enrolments.c.status.in_(SEAT))
        .group_by(enrolments.c.session_id)
        .subquery()
    )
    free = sessions.c.capacity - sa.func.coalesce(held.c.held, 0)
    query = (
        sa.select(sessions.c.course, sa.func.sum(sa.case((free > 0, free), else_=0)))
        .select_from(sessions.outerjoin(held, held.c.session_id == sessions.c.id))
        .where(_in_window(start, end))
        .group_by(sessions.c.course)
    )
    return {course: int(n or 0) for course, n in conn.execute(query)}
