"""Content in the database (``cli.md``, "content"): the version in force, publishing a pack,
what changed between two versions (and which statuses and gate criteria that changes), and the
program's own rules changing under the same content."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.errors import ContentError, InputError, Problem, UnknownIdError
from fvmcli.i18n import _

if TYPE_CHECKING:
    from fvmcli.content.locate import ContentDirs
    from fvmcli.services.content_effects import ContentDiff
    from fvmcli.services.context import Context
    from fvmcli.store.content import Version
    from fvmcli.store.driver import Connection

# Digests whose content this process has validated whole already (tests, the demo).
_VALID: set[str] = set()


@dataclass(frozen=True)
class Pack:
    """Content read from folders: where it is, its files and their digest."""

    dirs: ContentDirs
    files: dict[str, bytes]
    digest: str


def local_dirs(ctx: Context) -> ContentDirs:
    """Return the content the command line names: ``--content``, else FVM_CONTENT, else the
    bundled pack."""
    from fvmcli.content.locate import ContentDirs

    return ContentDirs.with_user(_checked(local_folders(ctx)))


def local_folders(ctx: Context) -> list[Path]:
    """Return the folders ``--content`` or FVM_CONTENT name (empty: none)."""
    user = list(ctx.content_dirs)
    if not user and os.environ.get("FVM_CONTENT"):
        user = [Path(p) for p in os.environ["FVM_CONTENT"].split(os.pathsep) if p]
    return user


def _checked(folders: list[Path]) -> list[Path]:
    for folder in folders:
        if not folder.is_dir():
            raise InputError(
                _("content folder {folder} does not exist").format(folder=folder),
                hint=_(
                    "--content / FVM_CONTENT name a folder with checklists/, courses/ and "
                    "templates/ inside."
                ),
            )
    return folders


def read_pack(dirs: ContentDirs) -> Pack:
    """Return the content's files and digest (nothing validated yet)."""
    from fvmcli.content.pack import pack_paths, read_files
    from fvmcli.core.packs import content_digest

    files = read_files(pack_paths(dirs))
    return Pack(dirs, files, content_digest(files))


def check_pack(pack: Pack) -> None:
    """Refuse content that does not validate, whole: every problem of every file."""
    from fvmcli.content.pack import validate

    if pack.digest in _VALID:
        return
    found = validate(pack.dirs)
    if len(found) == 1:
        raise found[0]
    if found:
        problems = [
            Problem(f"{exc.source}: {p.where}", p.message) for exc in found for p in exc.problems
        ]
        raise ContentError(_("the content"), problems, hint=_("Nothing was published."))
    _VALID.add(pack.digest)


# ---------------------------------------------------------------------------------------------
# The version in force, once per command


def in_force(ctx: Context) -> ContentDirs:
    """Return the content in force on the context's database: its latest published version,
    written out in the user cache folder once per digest. A database where nothing was
    published yet publishes the local content as version 1 first. Local content that differs
    from the version in force changes nothing: the context is told once (``Context.notify``)."""
    from fvmcli.content.locate import ContentDirs
    from fvmcli.content.pack import written_out
    from fvmcli.errors import NotPermitted
    from fvmcli.store import content as stored

    database = ctx.open()
    try:
        with database.read() as conn:
            version = stored.in_force(conn)
            rules = stored.last_rules(conn) if version is not None else None
    except NotPermitted:  # a login without even the right to read: the command refuses it
        return local_dirs(ctx)
    if version is None:
        version = _first_publication(ctx)
        if version is None:  # this login may not publish: the local content, as before
            return local_dirs(ctx)
        ctx.content_published_fresh()
    folder = written_out(version.digest) or _write_out(ctx, version)
    dirs = ContentDirs.published(folder)
    ctx.content_version = (version.version, version.digest)
    if local_folders(ctx):
        local = read_pack(local_dirs(ctx))
        if local.digest != version.digest:
            ctx.notify(
                _(
                    "fvm: the database's content is version {version} ({digest}); the local "
                    "content ({local}) is not used. See what differs with:"
                ).format(
                    version=version.version, digest=version.digest[:12], local=local.digest[:12]
                ),
                "fvm content diff " + " ".join(str(p) for p in local_folders(ctx)),
            )
    if rules is not None:
        from fvmcli.services.content_effects import rules_changed

        rules_changed(ctx, rules, dirs)
    return dirs


def _write_out(ctx: Context, version: Version) -> Path:
    from fvmcli.content.pack import write_out
    from fvmcli.core.packs import content_digest
    from fvmcli.errors import EnvironmentProblem
    from fvmcli.store.content import files

    with ctx.open().read() as conn:
        found = files(conn, version.version)
    if content_digest(found) != version.digest:
        raise EnvironmentProblem(
            _("content version {version}: its files do not match its digest").format(
                version=version.version
            ),
            hint=_("They were changed outside fvm; publish the content again."),
        )
    try:
        return write_out(version.digest, found)
    except OSError as exc:
        from fvmcli.content.pack import cache_root

        raise EnvironmentProblem(
            _("cannot write the content in force to {folder}: {reason}").format(
                folder=cache_root(), reason=exc.strerror
            ),
            hint=_("fvm keeps the content of the database there; make room or set XDG_CACHE_HOME."),
        ) from exc


def _first_publication(ctx: Context) -> Version | None:
    """Publish the local content as version 1 of a database that has none (a database from
    before content lived in it, or a new one); None when this login may not."""
    from fvmcli.errors import NotPermitted
    from fvmcli.services.content_effects import baseline, record_statuses
    from fvmcli.store import content as stored

    if not may_publish(ctx):
        return None
    pack = read_pack(local_dirs(ctx))
    check_pack(pack)
    statuses = baseline(ctx, pack.dirs)
    try:
        with ctx.open().write() as conn:
            if stored.in_force(conn) is None:  # another process may have published meanwhile
                number = _store(ctx, conn, pack, None)
                record_statuses(ctx, conn, number, statuses)
            return stored.in_force(conn)
    except NotPermitted:
        return None


def may_publish(ctx: Context) -> bool:
    """Return True when this login may publish content (always, where rights are not
    enforced)."""
    from fvmcli.core.access import allows
    from fvmcli.store.access import grants_of

    if not ctx.enforced:
        return True
    with ctx.open().read() as conn:
        return allows(grants_of(conn, ctx.open().login), "publish", None, None)


def _store(ctx: Context, conn: Connection, pack: Pack, message: str | None) -> int:
    from fvmcli.core.packs import RULES
    from fvmcli.store.content import publish

    return publish(
        conn,
        pack.digest,
        pack.dirs.pack,
        pack.files,
        by=ctx.actor(),
        at=ctx.clock.now(),
        message=message,
        rules=RULES,
    )


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
    dirs = local_dirs(ctx) if folder is None else _folder_dirs(folder)
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
        number = _store(ctx, conn, pack, message)
        record_statuses(ctx, conn, number, statuses)
    return Published(number, pack.digest, False, found)


def _folder_dirs(folder: Path) -> ContentDirs:
    from fvmcli.content.locate import ContentDirs

    return ContentDirs.with_user(_checked([folder]))


def _version(conn: Connection, number: int | None) -> Version:
    from fvmcli.store import content as stored

    found = stored.in_force(conn) if number is None else stored.version(conn, number)
    if found is None:
        if number is None:
            raise UnknownIdError(_("no content is published in this database"))
        raise UnknownIdError(
            _("no content version {version}").format(version=number),
            hint=_("See them with:"),
            command="fvm content history",
        )
    return found


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
        found = _version(conn, number)
        return version_json(found, file_paths(conn, found.version))


def history(ctx: Context) -> list[dict[str, Any]]:
    """Return every version, oldest first."""
    from fvmcli.store.content import versions

    ctx.content  # noqa: B018
    with ctx.open().read() as conn:
        return [version_json(v) for v in versions(conn)]


def export(ctx: Context, number: int | None, out: Path) -> tuple[int, int]:
    """Write a version's files into ``out`` (a new or empty folder); return (version, files)."""
    from fvmcli.store.content import files

    ctx.content  # noqa: B018
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(
            _("-o {out}: choose a new or empty folder").format(out=out),
            hint=_("Export never writes over files."),
        )
    with ctx.open().read() as conn:
        found = _version(conn, number)
        data = files(conn, found.version)
    for key, blob in data.items():
        path = out.joinpath(*key.split("/"))
        if ".." in Path(key).parts or Path(key).is_absolute():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
    return found.version, len(data)


def under_version(ctx: Context, number: int) -> Context:
    """Return a context on the same database whose content is version ``number``: the figures
    of a frozen proposal or snapshot are computed under the version recorded with it."""
    return ctx.under(version_dirs(ctx, number))


def version_dirs(ctx: Context, number: int) -> ContentDirs:
    """Return the files of version ``number`` (for a frozen proposal or snapshot)."""
    from fvmcli.content.locate import ContentDirs
    from fvmcli.content.pack import written_out

    with ctx.open().read() as conn:
        found = _version(conn, number)
    return ContentDirs.published(written_out(found.digest) or _write_out(ctx, found))
