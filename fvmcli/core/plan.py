"""Training capacity plan of a phase (``scoring.md``: "Training capacity plan of a phase")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_CAPACITY = 12


@dataclass(frozen=True)
class PersonCounts:
    """People of one role in one area, and how many of them stand where on one course."""

    area: str
    role: str
    course: str
    completed: int  # have completed the course
    booked: int  # have not, and hold a seat in a session of it in the window
    waitlisted: int  # have not, and hold only waitlist places there


@dataclass(frozen=True)
class Need:
    """The plan's figures for one course, over a phase or one of its areas."""

    missing: int
    booked: int
    waitlisted: int
    free_seats: int
    shortfall: int
    sessions_to_add: int

    def as_dict(self) -> dict[str, int]:
        """Return the figures under the keys of ``cli.md``."""
        return {
            "missing": self.missing,
            "booked": self.booked,
            "waitlisted": self.waitlisted,
            "free_seats": self.free_seats,
            "shortfall": self.shortfall,
            "sessions_to_add": self.sessions_to_add,
        }


@dataclass(frozen=True)
class CoursePlan:
    """One course of the plan: the phase's figures and each area's."""

    course: str
    total: Need
    areas: dict[str, Need]

    def as_dict(self) -> dict[str, object]:
        """Return the course under the keys of ``cli.md``."""
        return {
            "course": self.course,
            **self.total.as_dict(),
            "areas": {a: n.as_dict() for a, n in self.areas.items()},
        }


def need(missing: int, booked: int, waitlisted: int, free_seats: int, capacity: int) -> Need:
    """Return the figures of the rule: shortfall = max(0, missing − booked − free seats) and
    ⌈shortfall / capacity⌉ sessions to add."""
    shortfall = max(0, missing - booked - free_seats)
    return Need(missing, booked, waitlisted, free_seats, shortfall, -(-shortfall // capacity))


def plan(
    courses: Iterable[str],
    areas: Iterable[str],
    requires: Mapping[str, tuple[str, ...]],
    people: Mapping[tuple[str, str], int],
    standing: Iterable[PersonCounts],
    free_seats: Mapping[str, int],
    capacity: int,
) -> list[CoursePlan]:
    """Return the plan of each course, worst first (largest shortfall, then most missing).

    ``people`` counts people per (area, role); ``standing`` says per (area, role, course) how
    many completed, are booked or only wait; ``requires`` gives each role's required courses.
    Free seats are not tied to an area: each area's figures are taken against the whole pool
    of the window, so the areas' shortfalls need not add up to the phase's."""
    from fvmcli.core.training import required_of

    chosen_areas = list(areas)
    by_key = {(s.area, s.role, s.course): s for s in standing}
    needing: dict[tuple[str, str], list[tuple[str, int]]] = {}  # (area, course) → (role, people)
    for ((place, role), n), course in required_of(people.items(), lambda g: g[0][1], requires):
        needing.setdefault((place, course), []).append((role, n))
    plans = []
    for course in courses:
        per_area: dict[str, Need] = {}
        missing_all = booked_all = waiting_all = 0
        for area in chosen_areas:
            missing = booked = waiting = 0
            for role, n in needing.get((area, course), []):
                found = by_key.get((area, role, course))
                missing += n - (found.completed if found else 0)
                booked += found.booked if found else 0
                waiting += found.waitlisted if found else 0
            per_area[area] = need(missing, booked, waiting, free_seats.get(course, 0), capacity)
            missing_all += missing
            booked_all += booked
            waiting_all += waiting
        free = free_seats.get(course, 0)
        total = need(missing_all, booked_all, waiting_all, free, capacity)
        plans.append(CoursePlan(course, total, per_area))
    plans.sort(key=lambda p: (-p.total.shortfall, -p.total.missing, p.course))
    return plans
