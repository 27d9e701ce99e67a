"""The training capacity plan as an XLSX workbook: one sheet per course, numbers as numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fvmcli.i18n import N_, _

FIGURES = ("missing", "booked", "waitlisted", "free_seats", "shortfall", "sessions_to_add")
SUMMARY = (
    N_("course"),
    N_("id"),
    N_("missing"),
    N_("booked"),
    N_("waitlisted"),
    N_("free seats"),
    N_("shortfall"),
    N_("sessions to add"),
)
SUMMARY_NAME = N_("Summary")
HEADER = (
    N_("area"),
    N_("id"),
    N_("missing"),
    N_("booked"),
    N_("waitlisted"),
    N_("free seats"),
    N_("shortfall"),
    N_("sessions to add"),
)


# What Excel does not allow in a sheet's name.
_NOT_IN_NAMES = str.maketrans({c: "-" for c in "[]:*?/\\"})


def _cut(text: str, room: int) -> str:
    """Return ``text`` in at most ``room`` characters: whole, or cut after a word with "…"
    (a word longer than the room is cut within it)."""
    if len(text) <= room:
        return text
    head = text[: room - 1]
    if " " in head:
        head = head[: head.rindex(" ")]
    return head.rstrip(" ,;:-–") + "…"


def sheet_names(courses: list[str], taken: tuple[str, ...] = ()) -> list[str]:
    """Return a sheet name per course (its title as people read it), without the characters
    Excel refuses, within Excel's 31 characters (cut between words, with "…"), unique and
    apart from the ``taken`` names."""
    names: list[str] = list(taken)
    for title in courses:
        course = title.translate(_NOT_IN_NAMES)
        name, n = _cut(course, 31), 1
        while name in names:
            n += 1
            name = f"{_cut(course, 31 - len(str(n)) - 1)}~{n}"
        names.append(name)
    return names[len(taken) :]


def plan_workbook(plan: Any, path: Path) -> None:
    """Write ``plan`` (a ``services.plan.CapacityPlan``) to ``path``: for each course, worst
    first, a row per area and one for the whole phase, then what the plan was made from."""
    from fvmcli.render.workbook import Book

    book = Book(path)
    made_from = [
        [_("as of"), plan.as_of],
        [_("go-live (window end)"), plan.window_end or _("not set")],
        [_("seats per added session"), plan.capacity],
    ]
    summary: list[list[Any]] = [
        [
            plan.titles.get(c.course, c.course),
            c.course,
            *(getattr(c.total, f) for f in FIGURES),
        ]
        for c in plan.courses
    ]
    summary.append(
        [
            _("Total, phase {phase}").format(phase=plan.phase),
            None,
            *(sum(getattr(c.total, f) for c in plan.courses) for f in FIGURES),
        ]
    )
    book.sheet(_(SUMMARY_NAME), SUMMARY, [*summary, [], *made_from], {})
    for name, course in zip(
        sheet_names(
            [plan.titles.get(c.course, c.course) for c in plan.courses], taken=(_(SUMMARY_NAME),)
        ),
        plan.courses,
        strict=True,
    ):
        rows: list[list[Any]] = [
            [plan.area_names.get(area, area), area, *(getattr(need, f) for f in FIGURES)]
            for area, need in course.areas.items()
        ]
        rows.append(
            [
                _("phase {phase}, every area").format(phase=plan.phase),
                None,
                *(getattr(course.total, f) for f in FIGURES),
            ]
        )
        rows += [
            [],
            [_("course"), plan.titles.get(course.course, course.course)],
            *made_from,
        ]
        book.sheet(name, HEADER, rows, {})
    book.close()
