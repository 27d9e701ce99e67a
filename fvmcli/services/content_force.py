"""The content in force and the local content, as the service context reads them: the version
published in the database (written out once per digest), the folders ``--content`` names, a pack
read and checked whole, and a pack stored as a version.

Nothing here scores the territory. What putting content in force sets off that does (the
statuses recorded with a first publication, a change of the program's rules) is above the
context, in ``services/content_effects.py``; whoever makes a context hands it that
(``Context.effects``: the command line and ``open_context``), so the context never imports what
scores it (#44)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fvmcli.errors import ContentError, InputError, Problem, UnknownIdError
from fvmcli.i18n import _

if TYPE_CHECKING:
    from fvmcli.content.locate import ContentDirs
    from fvmcli.services.context import Context
    from fvmcli.store.content import RulesMark, Version
    from fvmcli.store.driver import Connection


@dataclass(frozen=True)
class ContentEffects:
    """What putting content in force sets off that scores the territory: publishing the local
    content as version 1 of a database that has none, with each unit's status under it
    (returning the version, or None when this login may not), and recording once that the
    program's rules differ from those last recorded. A context without them reads only: it
    behaves as a login that may not publish."""

    first_publication: Callable[[Context], Version | None]
    rules_changed: Callable[[Context, RulesMark, ContentDirs], None]


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
    published yet publishes the local content as version 1 first, through the context's
    ``effects`` (without them: the local content, nothing published), which also record a
    change of the program's rules. Local content that differs from the version in force
    changes nothing: the context is told once (``Context.notify``)."""
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
        effects = ctx.effects
        version = effects.first_publication(ctx) if effects is not None else None
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
    if rules is not None and ctx.effects is not None:
        ctx.effects.rules_changed(ctx, rules, dirs)
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


def may_publish(ctx: Context) -> bool:
    """Return True when this login may publish content (always, where rights are not
    enforced)."""
    from fvmcli.core.access import allows
    from fvmcli.store.access import grants_of

    if not ctx.enforced:
        return True
    with ctx.open().read() as conn:
        return allows(grants_of(conn, ctx.open().login), "publish", None, None)


def store_pack(ctx: Context, conn: Connection, pack: Pack, message: str | None) -> int:
    """Store ``pack`` as the next version, with this program's rules fingerprint; return its
    number (the caller has checked it and records what it changes)."""
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


def folder_dirs(folder: Path) -> ContentDirs:
    """Return the content in ``folder`` (a pack, or files over the bundled pack); a folder
    that does not exist is refused."""
    from fvmcli.content.locate import ContentDirs

    return ContentDirs.with_user(_checked([folder]))


def version_of(conn: Connection, number: int | None) -> Version:
    """Return version ``number`` (None: the one in force); an unknown one is refused."""
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


def under_version(ctx: Context, number: int) -> Context:
    """Return a context on the same database whose content is version ``number``: the figures
    of a frozen proposal or snapshot are computed under the version recorded with it."""
    return ctx.under(version_dirs(ctx, number))


def version_dirs(ctx: Context, number: int) -> ContentDirs:
    """Return the files of version ``number`` (for a frozen proposal or snapshot)."""
    from fvmcli.content.locate import ContentDirs
    from fvmcli.content.pack import written_out

    with ctx.open().read() as conn:
        found = version_of(conn, number)
    return ContentDirs.published(written_out(found.digest) or _write_out(ctx, found))
