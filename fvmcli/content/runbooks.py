"""``runbooks/<id>.toml``: the cut-over's tasks, validated as ``content.md`` ("Runbooks")
says, every problem named by its path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fvmcli.content.checklist_links import requirement_cycles
from fvmcli.content.checklists import KEBAB
from fvmcli.content.locate import ContentDirs, ContentFile
from fvmcli.content.tomlfile import Checker, read_toml
from fvmcli.core.model import Territory, Text
from fvmcli.core.runs import PERS, Runbook, Task, parse_duration, parse_start
from fvmcli.errors import UnknownIdError
from fvmcli.i18n import _

KIND = "runbooks"
_TOP = {"id", "title", "t0", "tasks", "description"}
_TASK = {
    "id",
    "title",
    "owner",
    "start",
    "duration",
    "after",
    "per",
    "applies_to",
    "checkpoint",
    "rollback",
}
_T0 = re.compile(r"([01]\d|2[0-3]):([0-5]\d)", re.ASCII)
TASK_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def runbook_files(dirs: ContentDirs) -> dict[str, ContentFile]:
    """Return runbook id → file."""
    return dirs.files(KIND, ".toml")


def load_runbook(dirs: ContentDirs, runbook_id: str, territory: Territory) -> Runbook:
    """Return the validated runbook ``runbook_id``; an unknown id is an input error."""
    files = runbook_files(dirs)
    if runbook_id not in files:
        raise UnknownIdError(
            _("no runbook {id!r} (known: {known})").format(
                id=runbook_id, known=", ".join(sorted(files)) or _("none")
            )
        )
    file = files[runbook_id]
    return parse_runbook(file, read_toml(file), territory)


def load_runbooks(dirs: ContentDirs, territory: Territory) -> list[Runbook]:
    """Return every runbook, validated, by id."""
    return [
        parse_runbook(f, read_toml(f), territory) for _id, f in sorted(runbook_files(dirs).items())
    ]


def runbook_text(dirs: ContentDirs, runbook_id: str, territory: Territory) -> tuple[Runbook, str]:
    """Return the validated runbook ``runbook_id`` with its text as read (a run keeps it)."""
    runbook = load_runbook(dirs, runbook_id, territory)
    file = runbook_files(dirs)[runbook_id]
    return runbook, file.path.read_bytes().decode("utf-8-sig")


def runbook_from_text(runbook_id: str, text: str, territory: Territory) -> Runbook:
    """Return the runbook a run was started with, from the text it keeps."""
    import tomllib

    file = ContentFile(Path(f"{KIND}/{runbook_id}.toml"), f"{KIND}/{runbook_id}.toml")
    return parse_runbook(file, tomllib.loads(text), territory)


def _parsed(check: Checker, raw: Any, path: str, parse: Any, example: str) -> int | None:
    if not isinstance(raw, str):
        check.add(
            path,
            _("expected a string like {example}, got {raw!r}").format(example=example, raw=raw),
        )
        return None
    try:
        value: int = parse(raw)
    except ValueError as exc:
        check.add(path, str(exc))
        return None
    return value


def _task(check: Checker, raw: Any, path: str, territory: Territory) -> Task | None:
    t = check.table(raw, path, _TASK, {"id", "title"})
    tid = check.get(t, "id", path, check.string, "")
    check.short_id(tid, f"{path}.id")
    if tid and not TASK_ID.match(tid):
        check.add(f"{path}.id", _("{id!r} is not an id (a-z, 0-9, '.', '-', '_')").format(id=tid))
    title = check.get(t, "title", path, check.text, None)
    owner = check.get(t, "owner", path, check.string, None)
    start = (
        _parsed(check, t["start"], f"{path}.start", parse_start, "T-48h") if "start" in t else None
    )
    duration = (
        _parsed(check, t["duration"], f"{path}.duration", parse_duration, "2h")
        if "duration" in t
        else 0
    )
    after: tuple[str, ...] = check.get(t, "after", path, check.strings, ())
    per = check.get(t, "per", path, check.string, "phase")
    if per not in PERS:
        check.add(
            f"{path}.per",
            _("expected one of {known}, got {value!r}").format(known=", ".join(PERS), value=per),
        )
    applies: tuple[str, ...] | None = None
    if "applies_to" in t:
        applies = check.strings(t["applies_to"], f"{path}.applies_to")
        if per != "unit":
            check.add(f"{path}.applies_to", _('applies only with per = "unit"'))
        for i, kind in enumerate(applies or ()):
            if kind not in territory.unit_types:
                check.add(f"{path}.applies_to[{i}]", _("unknown unit type {t!r}").format(t=kind))
    checkpoint = check.get(t, "checkpoint", path, check.boolean, False)
    rollback = check.get(t, "rollback", path, check.boolean, False)
    if not tid or title is None:
        return None
    return Task(tid, title, owner, start, duration or 0, after, per, applies, checkpoint, rollback)


def parse_runbook(file: ContentFile, data: dict[str, Any], territory: Territory) -> Runbook:
    """Return the runbook in ``data``; raise ContentError listing every problem."""
    check = Checker(file)
    top = check.table(data, "", _TOP, {"id", "title", "tasks"})
    rid = check.get(top, "id", "", check.string, "")
    stem = file.path.stem
    check.short_id(rid, "id")
    if rid and not KEBAB.match(rid):
        check.add("id", _("{cid!r} is not kebab-case").format(cid=rid))
    elif rid and rid != stem:
        check.add(
            "id", _("{cid!r} does not match the file name {stem}.toml").format(cid=rid, stem=stem)
        )
    title = check.get(top, "title", "", check.text, Text(rid or stem))
    t0 = (0, 0)
    raw_t0 = top.get("t0", "00:00")
    found = _T0.fullmatch(raw_t0) if isinstance(raw_t0, str) else None
    if found is None:
        check.add("t0", _("expected a time of day HH:MM, got {raw!r}").format(raw=raw_t0))
    else:
        t0 = (int(found.group(1)), int(found.group(2)))
    tasks: list[tuple[str, Task]] = []
    for path, raw in check.items(top.get("tasks", []), "tasks"):
        task = _task(check, raw, path, territory)
        if task is None:
            continue
        if task.id in {t.id for _p, t in tasks}:
            check.add(f"{path}.id", _("duplicate task id {id!r}").format(id=task.id))
            continue
        tasks.append((path, task))
    _check_after(check, tasks)
    check.raise_if_any()
    return Runbook(rid, title, t0, tuple(t for _p, t in tasks))


def _check_after(check: Checker, tasks: list[tuple[str, Task]]) -> None:
    """Report an ``after`` naming an unknown task, and every cycle (``a → b → a``)."""
    paths = {t.id: path for path, t in tasks}
    graph: dict[str, tuple[str, ...]] = {}
    for path, t in tasks:
        for i, ref in enumerate(t.after):
            if ref not in paths:
                check.add(f"{path}.after[{i}]", _("unknown task {ref!r}").format(ref=ref))
        graph[t.id] = tuple(r for r in t.after if r in paths)
    for cycle in requirement_cycles(graph):
        check.add(
            f"{paths[cycle[0]]}.after",
            _("a cycle of predecessors: {cycle}").format(cycle=" → ".join([*cycle, cycle[0]])),
        )
