"""The database itself: create or upgrade it, and say what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fvmcli.i18n import _
from fvmcli.services.context import Context, resolve_user


@dataclass(frozen=True)
class DatabaseState:
    url: str
    backend: str
    schema: str | None
    head: str
    content: tuple[int, str, str] | None = None  # the version in force: number, digest, pack


def init(ctx: Context, *, content: bool = False) -> DatabaseState:
    """Create the database, or upgrade it to this version's schema; return where it stands.
    With ``content``, a database where nothing was published publishes the local content as
    version 1 (``services.content_effects.first_publication``), and the state names the
    version in force."""
    from fvmcli.store.database import display_url

    state = ctx.open().schema_state()
    version = None
    if content:
        ctx.content  # noqa: B018 (loading it publishes version 1 where there is none)
        if ctx.content_version is not None:
            version = (*ctx.content_version, ctx.content.pack)
    return DatabaseState(
        display_url(ctx.url), ctx.open().backend, state.current, state.head, version
    )


@dataclass(frozen=True)
class Info:
    version: str
    database: DatabaseState
    content: list[str]
    lang: str
    user: str
    counts: dict[str, int]
    rights: str
    demo: str | None  # the demo database, when 'fvm demo' has made one
    history_head: str | None = None  # the hash of the newest history entry
    # The content version in force: {"version", "digest", "pack"}; None without one.
    content_version: dict[str, Any] | None = None
    # The program's rules as recorded on the database: {"rules", "changes": [...]} where each
    # change names when, from and to which fingerprint, and the units whose status it changed.
    rules: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the ``info --json`` document."""
        db = self.database
        return {
            "version": self.version,
            "database": {
                "url": db.url,
                "backend": db.backend,
                "schema": db.schema,
                "head": db.head,
            },
            "content": self.content,
            "lang": self.lang,
            "user": self.user,
            "rights": self.rights,
            "demo": self.demo,
            "history_head": self.history_head,
            "content_version": self.content_version,
            "rules": self.rules,
            "counts": self.counts,
        }


def info(ctx: Context) -> Info:
    """Return the database, its schema version, the content folders and what is stored."""
    from fvmcli import __version__
    from fvmcli.core.packs import RULES
    from fvmcli.services.content_effects import rules_changes
    from fvmcli.store.history import head_of
    from fvmcli.store.units import table_counts

    database = init(ctx, content=True)
    with ctx.open().read() as conn:
        counts = table_counts(conn)
        head = head_of(conn)
    version = None
    if database.content is not None:
        number, digest, pack = database.content
        version = {"version": number, "digest": digest, "pack": pack}
    return Info(
        __version__,
        database,
        [str(p) for p in ctx.content.roots],
        ctx.lang,
        ctx.open().login if ctx.enforced else resolve_user(None),
        counts,
        _rights(ctx),
        _demo(),
        head,
        version,
        {"rules": RULES, "changes": rules_changes(ctx)},
    )


def _demo() -> str | None:
    """Return the path of the demo database in the user data folder, when it exists."""
    from fvmcli.services.context import data_dir

    path = data_dir() / "demo.sqlite"
    return str(path) if path.exists() else None


def _rights(ctx: Context) -> str:
    """Return how rights stand, said plainly."""
    if ctx.open().backend != "postgresql":
        return _("a personal SQLite file: whoever can open it may change anything")
    if ctx.enforced:
        return _("enforced by PostgreSQL: each login may change only what its grants allow")
    return _("not configured: anyone who can connect may change anything (see fvm access init)")
