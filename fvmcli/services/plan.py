"""Planning ahead for trainers: the training capacity plan of a phase (``fvm course plan``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.core.plan import DEFAULT_CAPACITY, CoursePlan
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import parse_day, selection_areas

MAX_CAPACITY = 10_000


@dataclass(frozen=True)
class CapacityPlan:
    """How many of a phase's people still miss each course, what the sessions before go-live
    hold for them, and how many sessions to add; per course and per area."""

    phase: int
    as_of: date
    window_end: date | None  # the phase's go-live (exclusive); None: not set yet
    capacity: int
    areas: list[str]
    courses: list[CoursePlan]
    titles: dict[str, str]  # course → its title in the user's language
    area_names: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        """Return the ``course plan --json`` document of ``cli.md``."""
        return {
            "phase": self.phase,
            "as_of": self.as_of.isoformat(),
            "window_end": self.window_end.isoformat() if self.window_end else None,
            "capacity": self.capacity,
            "courses": [c.as_dict() for c in self.courses],
        }

    def rows(self) -> list[dict[str, Any]]:
        """Return one row per course, worst first, with its title: the plan as a table."""
        return [
            {"course": c.course, "title": self.titles.get(c.course, c.course), **c.total.as_dict()}
            for c in self.courses
        ]

    def area_rows(self) -> list[dict[str, Any]]:
        """Return one row per course and area that has people missing it, worst first, the
        area by its name: where sessions are needed."""
        rows: list[dict[str, Any]] = [
            {"course": c.course, "area": self.area_names.get(a, a), **n.as_dict()}
            for c in self.courses
            for a, n in c.areas.items()
            if n.missing
        ]
        rows.sort(key=lambda r: (-r["shortfall"], -r["missing"], r["course"], r["area"]))
        return rows


def _capacity(capacity: int) -> int:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InputError(
            _("--capacity: expected 1–{most} seats per session, got {capacity}").format(
                most=MAX_CAPACITY, capacity=capacity
            )
        )
    return capacity


def course_plan(
    ctx: Context,
    phase: int,
    *,
    area: str | None = None,
    capacity: int = DEFAULT_CAPACITY,
    as_of: str | date | None = None,
    go_live: date | None = None,
) -> CapacityPlan:
    """Return the training capacity plan of ``phase`` as of a day (default today): the window
    runs from that day to the phase's go-live (open-ended while none is set), counted by the
    database in four queries whatever the number of people or sessions. ``go_live`` takes the
    place of the phase's go-live date (a what-if)."""
    from fvmcli.core.plan import plan
    from fvmcli.store.plan import course_standing, free_seats, people_per_area_role
    from fvmcli.store.reads import go_live_dates

    seats = _capacity(capacity)
    day = as_of if isinstance(as_of, date) else parse_day(ctx, as_of)
    areas = selection_areas(ctx, area, phase) or []
    if not areas:
        raise InputError(
            _("--area {area} is not in phase {phase}").format(area=area, phase=phase),
            hint=_("Leave out --area, or name an area of phase {phase}.").format(phase=phase),
        )
    curriculum = ctx.curriculum
    with ctx.open().read() as conn:
        go_live = go_live or go_live_dates(conn).get(phase)
        start = day.isoformat()
        end = go_live.isoformat() if go_live else None
        counted = people_per_area_role(conn, areas)
        standing = course_standing(conn, areas, start, end)
        free = free_seats(conn, start, end)
    plans = plan(curriculum.courses, areas, curriculum.requires(), counted, standing, free, seats)
    lang = ctx.lang
    return CapacityPlan(
        phase,
        day,
        go_live,
        seats,
        areas,
        plans,
        {c.id: c.title.get(lang) for c in curriculum.courses.values()},
        {a: ctx.territory.areas[a].name.get(lang) for a in areas},
    )
