"""The counts behind a training capacity plan, each in one set-based query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fvmcli.core.enrolment import SEAT, WAITLISTED
from fvmcli.core.plan import PersonCounts
from fvmcli.store.driver import Connection
from fvmcli.store.reads import completed


def _in_window(conn: Connection, start: str, end: str | None) -> tuple[str, list[Any]]:
    """Return the condition "the session starts on or after ``start`` and ends before
    ``end``" with its parameters (ISO texts compare as times do; a session without an end
    ends when it starts)."""
    if end is None:
        return f"s.start >= {conn.mark}", [start]
    return f's.start >= {conn.mark} AND coalesce(s."end", s.start) < {conn.mark}', [start, end]


def _areas(conn: Connection, areas: Iterable[str]) -> tuple[str, list[str]]:
    """Return the condition "the unit is in one of ``areas``" with its parameters."""
    chosen = sorted(set(areas))
    if not chosen:
        return "1 = 0", []
    return f"u.area IN ({conn.marks(len(chosen))})", chosen


def people_per_area_role(conn: Connection, areas: Iterable[str]) -> dict[tuple[str, str], int]:
    """Return (area, role) → the number of people registered in units of those areas."""
    where, params = _areas(conn, areas)
    rows = conn.rows(
        "SELECT u.area, p.role, count(*) FROM people p JOIN units u ON u.id = p.unit_id "
        f"WHERE {where} GROUP BY u.area, p.role",
        params,
    )
    return {(area, role): n for area, role, n in rows}


def course_standing(
    conn: Connection, areas: Iterable[str], start: str, end: str | None
) -> list[PersonCounts]:
    """Return, per area, role and course, how many people of those areas have completed the
    course, how many have not and hold a seat in one of its sessions in the window, and how
    many have not and hold only waitlist places there."""
    window, window_params = _in_window(conn, start, end)
    seat = f"e.status IN ({conn.marks(len(SEAT))})"
    where, area_params = _areas(conn, areas)
    sql = f"""
        SELECT u.area, p.role, pp.course, sum(pp.done),
               sum(CASE WHEN pp.done = 0 AND pp.seat = 1 THEN 1 ELSE 0 END),
               sum(CASE WHEN pp.done = 0 AND pp.seat = 0 AND pp.wait = 1 THEN 1 ELSE 0 END)
        FROM (
            SELECT e.person_id, s.course,
                   max(CASE WHEN {completed("e.status")} THEN 1 ELSE 0 END) AS done,
                   max(CASE WHEN {seat} AND {window} THEN 1 ELSE 0 END) AS seat,
                   max(CASE WHEN e.status = {conn.mark} AND {window} THEN 1 ELSE 0 END) AS wait
            FROM enrolments e JOIN sessions s ON s.id = e.session_id
            GROUP BY e.person_id, s.course
        ) pp
        JOIN people p ON p.id = pp.person_id
        JOIN units u ON u.id = p.unit_id
        WHERE {where}
        GROUP BY u.area, p.role, pp.course
    """
    params = [*SEAT, *window_params, WAITLISTED, *window_params, *area_params]
    return [
        PersonCounts(area, role, course, int(done), int(booked), int(waiting))
        for area, role, course, done, booked, waiting in conn.rows(sql, params)
    ]


def free_seats(conn: Connection, start: str, end: str | None) -> dict[str, int]:
    """Return course → the seats not held in its sessions in the window (an overfull session
    has none, and takes none from the others)."""
    window, window_params = _in_window(conn, start, end)
    sql = f"""
        SELECT s.course, sum(CASE WHEN s.capacity - coalesce(h.held, 0) > 0
                                  THEN s.capacity - coalesce(h.held, 0) ELSE 0 END)
        FROM sessions s LEFT JOIN (
            SELECT session_id, count(*) AS held FROM enrolments
            WHERE status IN ({conn.marks(len(SEAT))}) GROUP BY session_id
        ) h ON h.session_id = s.id
        WHERE {window}
        GROUP BY s.course
    """
    return {course: int(n or 0) for course, n in conn.rows(sql, [*SEAT, *window_params])}
