"""Content versions (``scoring.md``, "Content versions"): a pack's digest, and what changed
between two packs, item by item."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The fingerprint of the program's own rules: how a given content scores. Raise it with any
# change to scoring, statuses or the gate that can change a figure on the same content; the
# first open of a database by a program with another fingerprint records it in the history
# (``services.content_effects.rules_changed``).
RULES = "fvm-rules/5"


def content_digest(files: Mapping[str, bytes]) -> str:
    """Return the SHA-256, in hex, of the UTF-8 lines ``<path>\\t<sha256 of the file>`` for
    each file, sorted by path, joined by ``\\n``."""
    lines = [f"{path}\t{hashlib.sha256(files[path]).hexdigest()}" for path in sorted(files)]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    """One item that differs between two packs."""

    file: str
    what: str  # question | checklist | criterion | course | role | item | runbook | indicator
    id: str
    change: str  # added | removed | revised
    fields: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "what": self.what,
            "id": self.id,
            "change": self.change,
            "fields": list(self.fields),
        }


def _fields(before: Any, after: Any, leave: Iterable[str] = ()) -> tuple[str, ...]:
    """Return the names of the dataclass fields whose values differ."""
    skip = set(leave)
    return tuple(
        f.name
        for f in dataclasses.fields(before)
        if f.name not in skip and getattr(before, f.name) != getattr(after, f.name)
    )


def item_changes(
    file: str,
    what: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    leave: Iterable[str] = (),
) -> list[Change]:
    """Return the items (id → dataclass) added, removed or revised between two sets, in id
    order; ``leave`` names fields that are compared elsewhere."""
    leave = tuple(leave)
    found: list[Change] = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            found.append(Change(file, what, key, "removed"))
        elif key not in before:
            found.append(Change(file, what, key, "added"))
        else:
            differ = _fields(before[key], after[key], leave)
            if differ:
                found.append(Change(file, what, key, "revised", differ))
    return found


def checklist_changes(file: str, before: Any | None, after: Any | None) -> list[Change]:
    """Return what changed in one checklist: the checklist's own settings, then each question."""
    if before is None or after is None:
        either = after if after is not None else before
        cid = str(getattr(either, "id", ""))
        return [Change(file, "checklist", cid, "added" if before is None else "removed")]
    found = item_changes(
        file, "checklist", {before.id: before}, {after.id: after}, leave=("questions",)
    )
    found += item_changes(
        file,
        "question",
        {q.id: q for q in before.questions},
        {q.id: q for q in after.questions},
    )
    return found


@dataclass(frozen=True)
class StatusChange:
    unit: str
    status: str
    status_to: str


def status_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[StatusChange]:
    """Return the units whose status differs, by unit id (a unit in one only: status '-')."""
    return [
        StatusChange(unit, before.get(unit, "-"), after.get(unit, "-"))
        for unit in sorted(set(before) | set(after))
        if before.get(unit) != after.get(unit)
    ]
