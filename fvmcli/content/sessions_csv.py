"""The sessions CSV: course, start[, end, capacity, location, trainer, id]."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fvmcli.content.csvfile import RowProblems, read_csv
from fvmcli.core.enrolment import session_time_problem
from fvmcli.core.model import Curriculum
from fvmcli.core.values import check_id, parse_count, parse_datetime
from fvmcli.i18n import _

REQUIRED = ("course", "start")
OPTIONAL = ("end", "capacity", "location", "trainer", "id")


@dataclass(frozen=True)
class SessionRow:
    line: int
    course: str
    start: datetime
    end: datetime | None
    capacity: int | None
    location: str | None
    trainer: str | None
    id: str | None


def parse_sessions(path: Path, curriculum: Curriculum, problems: RowProblems) -> list[SessionRow]:
    """Return the file's good rows; every bad row and column is added to ``problems``, which
    the caller raises once it has added what only the stored sessions can tell."""
    found = []
    for row in read_csv(path, REQUIRED, OPTIONAL):
        if problems.missing(row, REQUIRED):
            continue
        course = row.get("course") or ""
        if course not in curriculum.courses:
            problems.add(row, "course", _("unknown course {course!r}").format(course=course))
            continue
        values: dict[str, object] = {}
        for column, parse in (
            ("start", parse_datetime),
            ("end", parse_datetime),
            ("capacity", lambda t: parse_count(t, name="capacity")),
            ("id", lambda t: check_id(t, what=_("session id"))),
        ):
            text = row.get(column)
            if text is None:
                values[column] = None
                continue
            try:
                values[column] = parse(text)
            except ValueError as exc:
                problems.add(row, column, str(exc))
        if len(values) < 4:
            continue
        start, end = values["start"], values["end"]
        assert isinstance(start, datetime)
        problem = session_time_problem(start, end) if isinstance(end, datetime) else None
        if problem:
            problems.add(row, "end", problem)
            continue
        found.append(
            SessionRow(
                row.line,
                course,
                start,
                end if isinstance(end, datetime) else None,
                values["capacity"] if isinstance(values["capacity"], int) else None,
                row.get("location"),
                row.get("trainer"),
                values["id"] if isinstance(values["id"], str) else None,
            )
        )
    return found
