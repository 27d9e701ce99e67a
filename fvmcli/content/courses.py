"""``courses/<id>.toml`` and ``courses/roles.toml``: the curriculum."""

from __future__ import annotations

from typing import Any

from fvmcli.content.checklists import KEBAB
from fvmcli.content.locate import ContentDirs, ContentFile
from fvmcli.content.tomlfile import Checker, read_toml
from fvmcli.core.model import COURSE_FORMATS, Course, Curriculum, Module, Role, Text
from fvmcli.errors import ContentError, Problem
from fvmcli.i18n import _

_COURSE = {
    "id",
    "title",
    "summary",
    "audience",
    "prerequisites",
    "hours",
    "format",
    "assessment",
    "modules",
}


def _course(file: ContentFile, data: dict[str, Any]) -> tuple[Course | None, list[Problem]]:
    check = Checker(file)
    t = check.table(data, "", _COURSE, {"id", "title"})
    cid = check.get(t, "id", "", check.string, "")
    check.short_id(cid, "id")
    if cid and not KEBAB.match(cid):
        check.add("id", _("{cid!r} is not kebab-case").format(cid=cid))
    elif cid and cid != file.path.stem:
        check.add(
            "id",
            _("{cid!r} does not match the file name {stem}.toml").format(
                cid=cid, stem=file.path.stem
            ),
        )
    hours = check.get(t, "hours", "", check.number, 0.0)
    if hours < 0:
        check.add("hours", _("hours are 0 or more, got {hours}").format(hours=hours))
    fmt = check.get(t, "format", "", check.string, "classroom")
    if fmt not in COURSE_FORMATS:
        check.add(
            "format",
            _("expected one of {COURSE_FORMATS}, got {fmt!r}").format(
                COURSE_FORMATS=", ".join(COURSE_FORMATS), fmt=fmt
            ),
        )
    modules = []
    for mpath, raw in check.items(t.get("modules", []), "modules"):
        m = check.table(raw, mpath, {"title", "hours"}, {"title"})
        title = check.get(m, "title", mpath, check.text, None)
        if title is not None:
            modules.append(Module(title, check.get(m, "hours", mpath, check.number, 0.0)))
    title = check.get(t, "title", "", check.text, None)
    if check.problems or title is None:
        return None, check.problems
    return Course(
        id=cid,
        title=title,
        summary=check.get(t, "summary", "", check.text, None),
        audience=check.get(t, "audience", "", check.strings, ()),
        prerequisites=check.get(t, "prerequisites", "", check.strings, ()),
        hours=hours,
        format=fmt,
        assessment=check.get(t, "assessment", "", check.boolean, False),
        modules=tuple(modules),
    ), check.problems


def _owners(file: ContentFile, data: dict[str, Any]) -> dict[str, Text]:
    """Return owner id → name, from the ``[owners]`` tables beside the roles."""
    check = Checker(file)
    found = data.get("owners", {})
    owners: dict[str, Text] = {}
    for owner_id, raw in check.table(
        found, "owners", set(found) if isinstance(found, dict) else set()
    ).items():
        path = f"owners.{owner_id}"
        check.short_id(owner_id, path)
        t = check.table(raw, path, {"name"}, {"name"})
        name = check.get(t, "name", path, check.text, None)
        if name is not None:
            owners[owner_id] = name
    check.raise_if_any()
    return owners


def _roles(file: ContentFile, data: dict[str, Any], courses: set[str]) -> dict[str, Role]:
    check = Checker(file)
    check.table(data, "", {"roles", "owners"}, {"roles"})
    found = data.get("roles", {})
    roles: dict[str, Role] = {}
    for role_id, raw in check.table(
        found, "roles", set(found) if isinstance(found, dict) else set()
    ).items():
        path = f"roles.{role_id}"
        check.short_id(role_id, path)
        t = check.table(raw, path, {"name", "requires", "remind"}, {"name"})
        requires: tuple[str, ...] = check.get(t, "requires", path, check.strings, ())
        for i, course in enumerate(requires):
            if course not in courses:
                check.add(
                    f"{path}.requires[{i}]", _("unknown course {course!r}").format(course=course)
                )
        name = check.get(t, "name", path, check.text, None)
        remind = check.get(t, "remind", path, check.boolean, False)
        if name is not None:
            roles[role_id] = Role(role_id, name, requires, bool(remind))
    check.raise_if_any()
    return roles


def prerequisite_cycle(courses: dict[str, Course]) -> list[str]:
    """Return a cycle of prerequisites as course ids (first repeated last), or []."""
    state: dict[str, int] = {}  # 1: being visited, 2: done
    path: list[str] = []

    def visit(course_id: str) -> list[str]:
        state[course_id] = 1
        path.append(course_id)
        for pre in courses[course_id].prerequisites:
            if state.get(pre) == 1:
                return path[path.index(pre) :] + [pre]
            if pre in courses and pre not in state:
                found = visit(pre)
                if found:
                    return found
        path.pop()
        state[course_id] = 2
        return []

    for course_id in courses:
        if course_id not in state:
            found = visit(course_id)
            if found:
                return found
    return []


def load_curriculum(dirs: ContentDirs) -> Curriculum:
    """Return every course and role; raise ContentError listing each file's problems."""
    courses: dict[str, Course] = {}
    for stem, file in dirs.files("courses", ".toml").items():
        if stem == "roles":
            continue
        course, problems = _course(file, read_toml(file))
        if problems:
            raise ContentError(file.label, problems)
        if course is not None:
            courses[course.id] = course
    for course in courses.values():
        for i, pre in enumerate(course.prerequisites):
            if pre not in courses:
                raise ContentError(
                    f"courses/{course.id}.toml",
                    [Problem(f"prerequisites[{i}]", _("unknown course {pre!r}").format(pre=pre))],
                )
    cycle = prerequisite_cycle(courses)
    if cycle:
        raise ContentError(
            f"courses/{cycle[0]}.toml",
            [
                Problem(
                    "prerequisites",
                    _("a cycle: {cycle}; no one could ever start").format(cycle=" → ".join(cycle)),
                )
            ],
        )
    roles_file = dirs.file("courses", "roles.toml")
    data = read_toml(roles_file) if roles_file else {}
    roles = _roles(roles_file, data, set(courses)) if roles_file else {}
    owners = _owners(roles_file, data) if roles_file else {}
    return Curriculum(courses, roles, owners)
