"""Courses: the curriculum, one course with the roles that require it, and coverage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fvmcli.core.model import Course
from fvmcli.errors import UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, select

if TYPE_CHECKING:
    pass


def require_course(ctx: Context, course_id: str) -> Course:
    """Return the course or raise an error listing the known ones."""
    from fvmcli.core.suggest import closest

    course = ctx.curriculum.courses.get(course_id)
    if course is None:
        meant = closest(course_id, ctx.curriculum.courses)
        raise UnknownIdError(
            _("no course {course_id!r} (known: {courses})").format(
                course_id=course_id, courses=", ".join(ctx.curriculum.courses)
            ),
            hint=_("Did you mean {id}?").format(id=meant) if meant else None,
        )
    return course


def list_courses(ctx: Context) -> list[Course]:
    """Return the courses of the curriculum in content order."""
    return list(ctx.curriculum.courses.values())


@dataclass(frozen=True)
class CourseDetail:
    course: Course
    required_by: list[str]

    def as_json(self, lang: str) -> dict[str, Any]:
        """Return the ``course show --json`` document: the course, texts in ``lang``, and
        the roles that require it."""
        return {**course_row(self.course, lang), "required_by": self.required_by}


def show_course(ctx: Context, course_id: str) -> CourseDetail:
    """Return a course with the roles that require it."""
    course = require_course(ctx, course_id)
    roles = [r.id for r in ctx.curriculum.roles.values() if course.id in r.requires]
    return CourseDetail(course, roles)


@dataclass(frozen=True)
class UnitCoverage:
    """A unit's training coverage (``coverage`` is None when nobody needs a course)."""

    unit: str
    people: int
    required: int
    completed: int
    coverage: float | None
    failed: int = 0  # failed assessment attempts: never left out of the picture
    staff: int | None = None  # the unit's staff (None: not known): coverage counts registered


def coverage(ctx: Context, chosen: UnitFilter = UnitFilter()) -> list[UnitCoverage]:
    """Return the training coverage of every selected unit, counted by the database."""
    from fvmcli.store.evidence import EMPTY, coverage_by_unit
    from fvmcli.store.reads import failures_by_unit

    with ctx.open().read() as conn:
        chosen_units = select(ctx, conn, chosen)
        covered = coverage_by_unit(conn, chosen_units.ids, ctx.curriculum.requires())
        failed = failures_by_unit(conn, chosen_units.ids)
    found = []
    for unit in chosen_units.units:
        c = covered.get(unit.id, EMPTY)
        found.append(
            UnitCoverage(
                unit.id,
                c.people,
                c.required,
                c.completed,
                c.percent,
                failed.get(unit.id, 0),
                unit.staff,
            )
        )
    return found


def course_row(course: Course, lang: str) -> dict[str, Any]:
    """Return a course as ``course list`` and ``course show`` give it, texts in ``lang``."""
    return {
        "id": course.id,
        "title": course.title.get(lang),
        "summary": course.summary.get(lang) if course.summary else None,
        "audience": list(course.audience),
        "prerequisites": list(course.prerequisites),
        "hours": course.hours,
        "format": course.format,
        "assessment": course.assessment,
        "modules": [{"title": m.title.get(lang), "hours": m.hours} for m in course.modules],
    }


def course_rows(ctx: Context) -> list[dict[str, Any]]:
    """Return every course as ``course list`` lists it."""
    return [course_row(c, ctx.lang) for c in list_courses(ctx)]
