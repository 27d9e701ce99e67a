"""Offline bundles: canonical content, digest and signature, and merging histories."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

FORMAT = "fvm-bundle"
VERSION = 1
MERGED_KINDS = ("answer", "waiver", "count", "requirement")


def canonical(document: dict[str, Any]) -> bytes:
    """Return the bytes the digest and signature cover: the document without them, canonical."""
    body = {k: v for k, v in document.items() if k not in ("digest", "signature")}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(document: dict[str, Any]) -> str:
    """Return ``sha256:<hex>`` of the document's canonical content."""
    return "sha256:" + hashlib.sha256(canonical(document)).hexdigest()


def signature(document: dict[str, Any], key: str) -> str:
    """Return ``hmac-sha256:<hex>`` of the canonical content under ``key``."""
    return "hmac-sha256:" + hmac.new(key.encode(), canonical(document), hashlib.sha256).hexdigest()


def verify(document: dict[str, Any], key: str | None) -> str | None:
    """Return why the bundle cannot be trusted, or None when its digest (and signature) hold."""
    if document.get("format") != FORMAT:
        return "not an fvm bundle (format is not fvm-bundle)"
    if document.get("version") != VERSION:
        return f"bundle version {document.get('version')!r} is not supported (expected {VERSION})"
    if not hmac.compare_digest(str(document.get("digest", "")), digest(document)):
        return "its digest does not match its content: the bundle was changed or damaged"
    signed = document.get("signature")
    if key:
        if not signed:
            return "it is not signed, but FVM_BUNDLE_KEY is set: only signed bundles are accepted"
        if not hmac.compare_digest(str(signed), signature(document, key)):
            return "its signature does not match: wrong key, or the bundle was changed"
    elif signed:
        return "it is signed: set FVM_BUNDLE_KEY to the shared key to verify it"
    return None


def instant(at: str) -> datetime:
    """Return a comparable moment; a time without offset is taken as local time."""
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.astimezone()


@dataclass(frozen=True)
class Entry:
    """One history entry of a unit, as bundles carry it."""

    kind: str
    scope: str | None
    subject: str | None
    old: str | None
    new: str | None
    comment: str | None
    by: str
    at: str
    version: int | None

    @property
    def key(self) -> tuple[Any, ...]:
        """Return what identifies the entry on both sides."""
        return (self.kind, self.scope, self.subject, self.at, self.by, self.new)

    @property
    def topic(self) -> tuple[str, str | None, str | None]:
        """Return what the entry is about: answers and waivers of a question, counts of an item."""
        return (self.kind, self.scope, self.subject)


@dataclass
class MergePlan:
    added: list[Entry]
    unchanged: int
    conflicts: list[dict[str, Any]]
    newest: dict[tuple[str, str | None, str | None], Entry]


def plan_merge(local: Iterable[Entry], incoming: Iterable[Entry]) -> MergePlan:
    """Return the entries to add, how many are already present, the topics both sides changed
    independently to different values (with the value kept: the newest), and the newest entry
    of every topic."""
    local, incoming = list(local), list(incoming)
    known = {e.key for e in local}
    added: list[Entry] = []
    for entry in incoming:
        if entry.key not in known:
            added.append(entry)
            known.add(entry.key)
    newest: dict[tuple[str, str | None, str | None], Entry] = {}
    for entry in [*local, *added]:
        current = newest.get(entry.topic)
        if current is None or instant(entry.at) >= instant(current.at):
            newest[entry.topic] = entry
    incoming_keys = {e.key for e in incoming}
    conflicts = []
    for topic in dict.fromkeys(e.topic for e in added):
        local_only = [e for e in local if e.topic == topic and e.key not in incoming_keys]
        if not local_only:
            continue
        mine = max(local_only, key=lambda e: instant(e.at))
        theirs = max((e for e in added if e.topic == topic), key=lambda e: instant(e.at))
        if mine.new != theirs.new:
            conflicts.append(
                {
                    "kind": topic[0],
                    "checklist": topic[1],
                    "subject": topic[2],
                    "local": mine.new,
                    "bundle": theirs.new,
                    "kept": newest[topic].new,
                }
            )
    return MergePlan(added, len(incoming) - len(added), conflicts, newest)
