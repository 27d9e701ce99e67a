"""Where a person stopped answering a unit's questions (``fvm checklist answer``), kept on
this computer so that the next sitting resumes there: a convenience, never a record (the
answers themselves are in the database). A file that cannot be read or written is ignored."""

from __future__ import annotations

import json
from pathlib import Path


def _file() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("fvmcli", appauthor=False)) / "answer-walks.json"


def _read() -> dict[str, str]:
    try:
        found = json.loads(_file().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def walk_key(database: str, checklist: str, unit: str, section: str | None) -> str:
    """Return the key of one walk: the database, checklist, unit and section walked."""
    return "|".join((database, checklist, unit, section or ""))


def stopped_at(key: str) -> str | None:
    """Return the question the walk ``key`` stopped at, or None."""
    found = _read().get(key)
    return found if isinstance(found, str) else None


def remember(key: str, question: str | None) -> None:
    """Keep where the walk ``key`` stopped (None: it ended, forget it)."""
    marks = _read()
    if question is None:
        if marks.pop(key, None) is None:
            return
    else:
        marks[key] = question
    try:
        path = _file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(marks, ensure_ascii=False, indent=1), "utf-8")
    except OSError:
        pass
