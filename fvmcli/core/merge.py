"""Merging a bundle's history into the local one: by what each side knew, never by the times
its entries carry (docs/decisions.md, issue 48)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fvmcli.core.answers import time_problem
from fvmcli.core.bundle import COUNT_KEYS, Entry

Topic = tuple[str, str | None, str | None]
# What a side's current state says of a topic: its value, and (answers and waivers) its comment.
Said = tuple[Any, Any]
ANY_COMMENT = object()  # a state that names no comment matches every entry's


@dataclass
class MergePlan:
    """What merging a bundle's history into the local one does.

    ``added``: the entries to append; ``unchanged``: how many the bundle holds that are here
    already; ``current``: every topic's current entry after the merge; ``adopted``: the topics
    whose current entry comes from the bundle; ``conflicts``: the topics whose two current
    values neither side had seen (the local value is kept and the conflict reported)."""

    added: list[Entry]
    unchanged: int
    conflicts: list[dict[str, Any]]
    current: dict[Topic, Entry]
    adopted: list[Topic] = field(default_factory=list)


def said(kind: str, value: Any) -> Any:
    """Return a value as it compares: a count's JSON as its three numbers, else the text."""
    if kind == "count" and isinstance(value, str):
        try:
            found = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return value
        if isinstance(found, dict):
            return tuple(found.get(k) for k in COUNT_KEYS)
    return value


def state_of(document: Mapping[str, Any]) -> dict[Topic, Said] | None:
    """Return what a side's current state says of each topic, from its rows (``answers``,
    ``waivers``, ``counts``, ``requirements``, as a bundle carries them and
    ``store.bundles.current_state`` reads them); None when the rows are not there or not
    rows (a bundle of another make): its history alone then tells its current values."""
    tables = ("answers", "waivers", "counts", "requirements")
    if not all(isinstance(document.get(t), list) for t in tables):
        return None
    found: dict[Topic, Said] = {}
    try:
        for row in document["answers"]:
            at = ("answer", str(row["checklist"]), str(row["question"]))
            found[at] = (row["value"], row.get("comment"))
            if row.get("attestation") is not None:
                found[("attestation", *at[1:])] = (row["attestation"], ANY_COMMENT)
        for row in document["waivers"]:
            at = ("waiver", str(row["checklist"]), str(row["question"]))
            found[at] = (str(row["until"])[:10], row.get("reason"))
            if row.get("approval") is not None:
                found[("approval", *at[1:])] = (row["approval"], ANY_COMMENT)
        for row in document["counts"]:
            found[("count", "equipment", str(row["item"]))] = (
                tuple(row[k] for k in COUNT_KEYS),
                ANY_COMMENT,
            )
        for row in document["requirements"]:
            found[("requirement", "equipment", str(row["item"]))] = (
                str(row["quantity"]),
                ANY_COMMENT,
            )
    except (TypeError, KeyError, AttributeError):
        return None
    return found


def answer_days(document: Mapping[str, Any], latest: datetime) -> dict[Topic, tuple[str, str]]:
    """Return, for each answer row a bundle carries, its value and when the person says they
    answered (a sheet's date: the answer's day, which its history entry does not carry), where
    that is a real time not in the future."""
    found: dict[Topic, tuple[str, str]] = {}
    rows = document.get("answers")
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        value, at = row.get("value"), row.get("answered_at")
        checklist, question = row.get("checklist"), row.get("question")
        if (
            isinstance(value, str)
            and isinstance(at, str)
            and isinstance(checklist, str)
            and isinstance(question, str)
            and time_problem(at, latest) is None
        ):
            found[("answer", checklist, question)] = (value, at)
    return found


def current_entries(
    entries: Sequence[Entry], state: Mapping[Topic, Said] | None
) -> dict[Topic, Entry]:
    """Return each topic's current entry on one side: the last entry, in the history's order,
    that says what the side's current state says (its value, and its comment where it has
    one); the last entry of the topic where none does, or where the state is not known. The
    history's order, not its times, since a merge may append older entries after newer ones
    and keep the local value (a conflict)."""
    by_topic: dict[Topic, list[Entry]] = {}
    for entry in entries:
        by_topic.setdefault(entry.topic, []).append(entry)
    current: dict[Topic, Entry] = {}
    for topic, found in by_topic.items():
        chosen = found[-1]
        if state is not None:
            value, comment = state.get(topic, (None, ANY_COMMENT))
            same = [e for e in found if said(e.kind, e.new) == value]
            exact = [e for e in same if comment is ANY_COMMENT or e.comment == comment]
            if exact or same:
                chosen = (exact or same)[-1]
        current[topic] = chosen
    return current


def plan_merge(
    local: Iterable[Entry],
    incoming: Iterable[Entry],
    local_state: Mapping[Topic, Said] | None = None,
    incoming_state: Mapping[Topic, Said] | None = None,
    stale: Callable[[Entry], bool] | None = None,
) -> MergePlan:
    """Return how to merge the bundle's history ``incoming`` into the ``local`` one, deciding
    by what each side knew, never by the times the entries carry.

    Every entry not here yet is added (the history is the history). Each topic's current
    value (``current_entries``) then follows what each side had seen of the other's:

    - the bundle's current entry is here already, or the same: the local value stays (this
      side has seen it and went on, or chose between it and another);
    - the bundle's side had seen the local current entry: its current value is newer (or it
      chose between them), and is taken;
    - neither side had seen the other's: the same value stays (the one given against the newer
      checklist version is taken); different values are a conflict, reported, and the local
      value stays until a person chooses (``fvm checklist set``), unless one of the two was
      given before its question changed meaning (``stale``) and the other after: the later
      meaning's answer knew more, and is kept or taken. A conflict both sides have
      seen and still disagree on is reported again at every merge."""
    local, incoming = list(local), list(incoming)
    local_keys = {e.key for e in local}
    incoming_keys = {e.key for e in incoming}
    added: list[Entry] = []
    known = set(local_keys)
    for entry in incoming:
        if entry.key not in known:
            added.append(entry)
            known.add(entry.key)
    mine = current_entries(local, local_state)
    theirs = current_entries(incoming, incoming_state)
    current = dict(mine)
    adopted: list[Topic] = []
    conflicts = []
    for topic, their in theirs.items():
        own = mine.get(topic)
        if own is not None and own.key == their.key:
            continue
        differ = own is not None and said(own.kind, own.new) != said(their.kind, their.new)
        we_saw_theirs = their.key in local_keys
        they_saw_ours = own is not None and own.key in incoming_keys
        if own is None or (they_saw_ours and not we_saw_theirs):
            take = True
        elif not differ:  # the same value: the one given against the newer version
            take = not we_saw_theirs and (their.version or 0) > (own.version or 0)
        elif we_saw_theirs and not they_saw_ours:
            take = False
        elif stale is not None and not they_saw_ours and stale(own) != stale(their):
            take = stale(own)  # the answer to the question as it now means wins
        else:  # neither had seen the other's, or both had and they still differ
            assert own is not None
            take = False
            conflicts.append(
                {
                    "kind": topic[0],
                    "checklist": topic[1],
                    "subject": topic[2],
                    "local": own.new,
                    "bundle": their.new,
                    "kept": own.new,
                }
            )
        if take:
            current[topic] = their
            adopted.append(topic)
    return MergePlan(added, len(incoming) - len(added), conflicts, current, adopted)
