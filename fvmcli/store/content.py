"""The content packs published in the database: versions (number, digest, pack, who, when,
message) and their files. The latest version is the content in force."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.store import record as recorded
from fvmcli.store.driver import Connection
from fvmcli.store.history import Change, record


@dataclass(frozen=True)
class Version:
    version: int
    digest: str
    pack: str
    by: str
    at: str
    message: str | None


_VERSION = 'version, digest, pack, "by", at, message'


def in_force(conn: Connection) -> Version | None:
    """Return the latest published version, None when nothing was published."""
    row = conn.first(f"SELECT {_VERSION} FROM content_versions ORDER BY version DESC LIMIT 1")
    return None if row is None else Version(*row)


def version(conn: Connection, number: int) -> Version | None:
    """Return version ``number``, or None."""
    row = conn.first(
        f"SELECT {_VERSION} FROM content_versions WHERE version = {conn.mark}", (number,)
    )
    return None if row is None else Version(*row)


def versions(conn: Connection) -> list[Version]:
    """Return every version, oldest first."""
    return [
        Version(*row)
        for row in conn.rows(f"SELECT {_VERSION} FROM content_versions ORDER BY version")
    ]


def file_paths(conn: Connection, number: int) -> list[str]:
    """Return the paths of a version's files, sorted."""
    sql = f"SELECT path FROM content_files WHERE version = {conn.mark} ORDER BY path"
    return [path for (path,) in conn.rows(sql, (number,))]


def files(conn: Connection, number: int) -> dict[str, bytes]:
    """Return a version's files: path → bytes."""
    sql = f"SELECT path, data FROM content_files WHERE version = {conn.mark} ORDER BY path"
    return {path: bytes(data) for path, data in conn.rows(sql, (number,))}


def publish(
    conn: Connection,
    digest: str,
    pack: str,
    content: dict[str, bytes],
    *,
    by: str,
    at: str,
    message: str | None,
    rules: str,
) -> int:
    """Store the next version with its files, and its history entry (the digest, the pack
    and the program's rules fingerprint); return its number."""
    latest = conn.scalar("SELECT MAX(version) FROM content_versions")
    number = int(latest or 0) + 1
    new = json.dumps({"digest": digest, "pack": pack, "rules": rules}, sort_keys=True)
    change = Change(at, by, "content", None, pack, str(number), None, new, message, number)
    recorded.insert(
        conn,
        "content_versions",
        [
            {
                "version": number,
                "digest": digest,
                "pack": pack,
                "by": by,
                "at": at,
                "message": message,
            }
        ],
        change,
    )
    recorded.insert(
        conn,
        "content_files",
        [{"version": number, "path": path, "data": data} for path, data in sorted(content.items())],
        change,
    )
    return number


def record_rules(
    conn: Connection, old: str | None, new: str, data: dict[str, Any], *, by: str, at: str
) -> None:
    """Record the program's rules fingerprint with each unit's status under it on a day (at a
    publication, or when the rules differ from those last recorded)."""
    state = json.dumps({"rules": new, **data}, sort_keys=True)
    record(conn, [Change(at, by, "content-rules", None, "rules", new, old, state)])


@dataclass(frozen=True)
class RulesMark:
    """The rules fingerprint last recorded, and the statuses recorded with it."""

    entry: int  # its history entry
    rules: str
    as_of: date | None
    statuses: dict[str, str] | None


def last_rules(conn: Connection) -> RulesMark | None:
    """Return the rules fingerprint last recorded (with a publication, or when it changed);
    the entries are found by the history's index on (unit, scope, subject)."""
    row = conn.first(
        "SELECT id, new FROM history WHERE unit_id IS NULL AND scope = 'rules' "
        "AND kind = 'content-rules' ORDER BY id DESC LIMIT 1"
    )
    if row is None:
        return None
    entry, new = row
    try:
        data = json.loads(new or "{}")
        rules = str(data["rules"])
    except (ValueError, KeyError, TypeError):
        return None
    statuses = data.get("statuses")
    try:
        day = date.fromisoformat(data["as_of"]) if "as_of" in data else None
    except (TypeError, ValueError):
        day = None
    ok = isinstance(statuses, dict)
    return RulesMark(int(entry), rules, day, statuses if ok else None)


def units_changed_since(conn: Connection, entry: int) -> set[str]:
    """Return the units with a recorded change after history entry ``entry``."""
    sql = f"SELECT DISTINCT unit_id FROM history WHERE id > {conn.mark} AND unit_id IS NOT NULL"
    return {unit for (unit,) in conn.rows(sql, (entry,))}


def rules_entries(conn: Connection) -> list[dict[str, Any]]:
    """Return the recorded changes of the program's rules (not the baselines recorded with
    publications), newest first: when, from and to which fingerprint, and what changed."""
    sql = (
        "SELECT at, old, subject, new FROM history WHERE unit_id IS NULL AND scope = 'rules' "
        "AND kind = 'content-rules' AND old <> subject ORDER BY id DESC"
    )
    found: list[dict[str, Any]] = []
    for at, old, new_rules, state in conn.rows(sql):
        try:
            changed = json.loads(state or "{}").get("changed") or []
        except (ValueError, AttributeError):
            changed = []
        found.append({"at": at, "from": old, "to": new_rules, "changed": changed})
    return found
