"""Content in the database (``cli.md``, "content"): publishing a pack (with what it changes,
``services/content_effects.py``), a version shown, the history of versions and a version's
files exported. The version in force, as the context reads it, is ``services/content_force.py``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.content_force import (
    check_pack,
    folder_dirs,
    local_dirs,
    read_pack,
    store_pack,
    version_of,
)

if TYPE_CHECKING:
    from fvmcli.services.content_effects import ContentDiff
    from fvmcli.services.context import Context
    from fvmcli.store.content import Version

# ---------------------------------------------------------------------------------------------
# Publish, show, history, export


@dataclass(frozen=True)
class Published:
    version: int | None  # None: nothing stored (identical, or a dry run)
    digest: str
    identical: bool
    diff: ContentDiff | None = None  # what it changes (None: the first version)


def publish(
    ctx: Context,
    folder: Path | None,
    *,
    message: str | None = None,
    dry_run: bool = False,
) -> Published:
    """Publish the pack in ``folder`` (else the local content) as the next version: refused
    whole when it does not validate; identical content stores nothing."""
    from fvmcli.services.access import require
    from fvmcli.store import content as stored

    if message is not None and (len(message) > 2000 or not message.strip()):
        raise InputError(_("--message: a text of 1–2000 characters"))
    dirs = local_dirs(ctx) if folder is None else folder_dirs(folder)
    pack = read_pack(dirs)
    check_pack(pack)
    database = ctx.open()
    with database.read() as conn:
        latest = stored.in_force(conn)
    if latest is not None and latest.digest == pack.digest:
        return Published(None, pack.digest, True)
    from fvmcli.services.content_effects import baseline, diff, record_statuses

    found = diff(ctx, to_dirs=dirs) if latest is not None else None
    if dry_run:
        return Published(None, pack.digest, False, found)
    statuses = baseline(ctx, dirs)
    with database.write() as conn:
        require(ctx, conn, "publish")
        number = store_pack(ctx, conn, pack, message)
        record_statuses(ctx, conn, number, statuses)
    return Published(number, pack.digest, False, found)


def version_json(found: Version, paths: list[str] | None = None) -> dict[str, Any]:
    """Return a version as ``content show --json`` gives it."""
    shown: dict[str, Any] = {
        "version": found.version,
        "digest": found.digest,
        "pack": found.pack,
        "by": found.by,
        "at": found.at,
        "message": found.message,
    }
    if paths is not None:
        shown["files"] = paths
    return shown


def show(ctx: Context, number: int | None = None) -> dict[str, Any]:
    """Return a version (default: the one in force) with its files."""
    from fvmcli.store.content import file_paths

    ctx.content  # noqa: B018 (a database from before publishes its content first)
    with ctx.open().read() as conn:
        found = version_of(conn, number)
        return version_json(found, file_paths(conn, found.version))


def history(ctx: Context) -> list[dict[str, Any]]:
    """Return every version, oldest first."""
    from fvmcli.store.content import versions

    ctx.content  # noqa: B018
    with ctx.open().read() as conn:
        return [version_json(v) for v in versions(conn)]


def version_files(ctx: Context, number: int | None) -> tuple[int, dict[str, bytes]]:
    """Return a version (default: the one in force) as its number and its files by path; the
    command line writes them out (``content export``)."""
    from fvmcli.store.content import files

    ctx.content  # noqa: B018
    with ctx.open().read() as conn:
        found = version_of(conn, number)
        return found.version, files(conn, found.version)
