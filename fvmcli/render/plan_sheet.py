"""The training capacity plan as an XLSX workbook: one sheet per course, numbers as numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fvmcli.i18n import N_, _

FIGURES = ("missing", "booked", "waitlisted", "free_seats", "shortfall", "sessions_to_add")
HEADER = (
    N_("area"),
    N_("name"),
    N_("missing"),
    N_("booked"),
    N_("waitlisted"),
    N_("free seats"),
    N_("shortfall"),
    N_("sessions to add"),
)


# What Excel does not allow in a sheet's name.
_NOT_IN_NAMES = str.maketrans({c: "-" for c in "[]:*?/\\"})


def sheet_names(courses: list[str]) -> list[str]:
    """Return a sheet name per course (its title as people read it), without the characters
    Excel refuses, cut to Excel's 31 characters and kept unique."""
    names: list[str] = []
    for title in courses:
        course = title.translate(_NOT_IN_NAMES)
        name, n = course[:31], 1
        while name in names:
            n += 1
            name = f"{course[: 31 - len(str(n)) - 1]}~{n}"
        names.append(name)
    return names


def plan_workbook(plan: Any, path: Path) -> None:
    """Write ``plan`` (a ``services.plan.CapacityPlan``) to ``path``: for each course, worst
    first, a row per area and one for the whole phase, then what the plan was made from."""
    from fvmcli.render.workbook import Book

    book = Book(path)
    for name, course in zip(
        sheet_names([plan.titles.get(c.course, c.course) for c in plan.courses]),
        plan.courses,
        strict=True,
    ):
        rows: list[list[Any]] = [
            [area, plan.area_names.get(area, area), *(getattr(need, f) for f in FIGURES)]
            for area, need in course.areas.items()
        ]
        rows.append(
            [
                _("phase {phase}").format(phase=plan.phase),
                _("all"),
                *(getattr(course.total, f) for f in FIGURES),
            ]
        )
        rows += [
            [],
            [_("course"), plan.titles.get(course.course, course.course)],
            [_("as of"), plan.as_of],
            [_("go-live (window end)"), plan.window_end or _("not set")],
            [_("seats per added session"), plan.capacity],
        ]
        book.sheet(name, HEADER, rows, {})
    book.close()
