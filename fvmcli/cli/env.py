"""The environment a command runs in: settings from options and variables, opened lazily."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from fvmcli.errors import InputError

if TYPE_CHECKING:
    from fvmcli.content.locate import ContentDirs
    from fvmcli.core.model import Catalog, Checklist, Curriculum, Territory
    from fvmcli.store.database import Database


def data_dir() -> Path:
    """Return the user data folder where the default databases live."""
    import platformdirs

    return Path(platformdirs.user_data_dir("fvmcli", appauthor=False))


def default_db_url(name: str = "fvm.sqlite") -> str:
    """Return the URL of a SQLite file in the user data folder."""
    return f"sqlite:///{data_dir() / name}"


def resolve_lang(option: str | None) -> str:
    """Return ``sv`` or ``en``: the option, else FVM_LANG, else LANG, else Swedish."""
    for name, raw in (("--lang", option), ("FVM_LANG", os.environ.get("FVM_LANG"))):
        if raw:
            if raw.strip().lower() not in ("sv", "en"):
                raise InputError(f"{name}: unknown language {raw!r}; use sv or en")
            return raw.strip().lower()
    system = os.environ.get("LANG", "").lower()[:2]
    return system if system in ("sv", "en") else "sv"


def resolve_user(option: str | None) -> str:
    """Return who is acting: ``--by``, else FVM_USER, else the login name."""
    if option and option.strip():
        return option.strip()
    if os.environ.get("FVM_USER", "").strip():
        return os.environ["FVM_USER"].strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class Env:
    """Settings of one invocation; the database and content are opened on first use."""

    db_option: str | None = None
    content_option: list[Path] = field(default_factory=list)
    lang_option: str | None = None
    debug: bool = False

    @cached_property
    def lang(self) -> str:
        return resolve_lang(self.lang_option)

    @cached_property
    def url(self) -> str:
        from fvmcli.store.database import normalise_url

        raw = self.db_option or os.environ.get("FVM_DB") or default_db_url()
        return normalise_url(raw)

    @cached_property
    def db(self) -> Database:
        """Return the database, created or upgraded to this program's schema."""
        from fvmcli.store.database import Database

        database = Database(self.url)
        database.ensure_schema()
        return database

    @cached_property
    def content(self) -> ContentDirs:
        from fvmcli.content.locate import ContentDirs

        user = list(self.content_option)
        if not user and os.environ.get("FVM_CONTENT"):
            user = [Path(p) for p in os.environ["FVM_CONTENT"].split(os.pathsep) if p]
        for folder in user:
            if not folder.is_dir():
                raise InputError(
                    f"content folder {folder} does not exist",
                    hint="--content / FVM_CONTENT name a folder with checklists/, "
                    "courses/ and templates/ inside.",
                )
        return ContentDirs.with_user(user)

    @cached_property
    def territory(self) -> Territory:
        from fvmcli.content.territory import load_territory

        return load_territory(self.content)

    @cached_property
    def catalog(self) -> Catalog:
        from fvmcli.content.catalog import load_catalog

        return load_catalog(self.content, self.territory)

    @cached_property
    def curriculum(self) -> Curriculum:
        from fvmcli.content.courses import load_curriculum

        return load_curriculum(self.content)

    def checklist(self, checklist_id: str) -> Checklist:
        """Return the validated checklist ``checklist_id``."""
        from fvmcli.content.checklists import load_checklist

        return load_checklist(self.content, checklist_id, self.territory)


def get_env(ctx: typer.Context) -> Env:
    """Return the invocation's Env (a fresh default one when a command runs on its own)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Env):
        root.obj = Env()
    return root.obj
