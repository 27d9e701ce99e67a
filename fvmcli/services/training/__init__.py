"""Training: courses, people, sessions, enrolment with waitlists, attendance and coverage.

One module per thing it holds; the use cases are named here too, so that
``services.training.enroll`` is the one call whichever module holds it."""

from fvmcli.services.training.courses import (
    CourseDetail,
    UnitCoverage,
    course_row,
    course_rows,
    coverage,
    list_courses,
    require_course,
    show_course,
)
from fvmcli.services.training.enrolment import Enrolled, cancel, enroll, mark_people
from fvmcli.services.training.history import training_history
from fvmcli.services.training.people import (
    Forgotten,
    add_person,
    forget_person,
    import_people,
    list_people,
    save_people,
)
from fvmcli.services.training.sessions import (
    CalendarSource,
    Roster,
    SessionSaved,
    SessionsImported,
    add_session,
    calendar,
    import_sessions,
    list_sessions,
    roster,
    show_session,
    update_session,
)

__all__ = [
    "CalendarSource",
    "CourseDetail",
    "Enrolled",
    "Forgotten",
    "Roster",
    "SessionSaved",
    "SessionsImported",
    "UnitCoverage",
    "add_person",
    "add_session",
    "calendar",
    "cancel",
    "course_row",
    "course_rows",
    "coverage",
    "enroll",
    "forget_person",
    "import_people",
    "import_sessions",
    "list_courses",
    "list_people",
    "list_sessions",
    "mark_people",
    "require_course",
    "roster",
    "save_people",
    "show_course",
    "show_session",
    "training_history",
    "update_session",
]
