"""The context a use case runs in: database, content, language, clock and actor."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fvmcli import clock
from fvmcli.errors import EnvironmentProblem, InputError
from fvmcli.i18n import LANGS, _, env_language, use

if TYPE_CHECKING:
    from fvmcli.content.locate import ContentDirs
    from fvmcli.core.gate import Gate
    from fvmcli.core.hypercare import Hypercare
    from fvmcli.core.model import Catalog, Checklist, Curriculum, Territory
    from fvmcli.core.runs import Runbook
    from fvmcli.services.content_force import ContentEffects
    from fvmcli.store.database import Database

# How far ahead of this machine's clock a recorded time may lie (another device's clock).
CLOCK_SKEW = timedelta(minutes=5)


def data_dir() -> Path:
    """Return the user data folder where the default databases live."""
    import platformdirs

    return Path(platformdirs.user_data_dir("fvmcli", appauthor=False))


def default_db_url(name: str = "fvm.sqlite") -> str:
    """Return the path of a SQLite file in the user data folder (``normalise_url``'s)."""
    return str(data_dir() / name)


def resolve_lang(option: str | None) -> str:
    """Return ``sv`` or ``en``: the option, else FVM_LANG, else LANG, else Swedish."""
    for name, raw in (("--lang", option), ("FVM_LANG", os.environ.get("FVM_LANG"))):
        if raw:
            if raw.strip().lower() not in LANGS:
                raise InputError(
                    _("{name}: unknown language {value!r}; use sv or en").format(
                        name=name, value=raw
                    )
                )
            return raw.strip().lower()
    return env_language()


def env_clock() -> Clock:
    """Return the machine's clock, or the one FVM_NOW stops at; a bad FVM_NOW is refused."""
    fixed = os.environ.get(clock.ENV, "").strip()
    if not fixed:
        return Clock()
    from fvmcli.core.limits import FIRST_YEAR, LAST_YEAR

    try:
        moment = clock.frozen(fixed)
    except (ValueError, OverflowError):
        raise InputError(
            _(
                "FVM_NOW: expected a date or a date and time (2026-11-26T10:00), got {value!r}"
            ).format(value=fixed[:40]),
            hint=_("Unset FVM_NOW to use this machine's clock."),
        ) from None
    # Every date fvm stores lies in FIRST_YEAR–LAST_YEAR; a clock outside would store others
    # (and a day after 9999-12-31 does not exist).
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise InputError(
            _("FVM_NOW: {value} lies outside the years {first}–{last}").format(
                value=fixed[:40], first=FIRST_YEAR, last=LAST_YEAR
            ),
            hint=_("Unset FVM_NOW to use this machine's clock."),
        )
    return Clock.at(moment)


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


@dataclass(frozen=True)
class Clock:
    """The clock a use case reads: one source of "now", from which "today" follows. Tests
    and the command line pass a frozen one (``Clock.at``, ``FVM_NOW``); nothing in ``core/``
    or ``services/`` reads the wall clock itself."""

    read: Callable[[], datetime] = clock.now

    @classmethod
    def at(cls, moment: datetime) -> Clock:
        """Return a clock stopped at ``moment`` (local time when it has no offset)."""
        fixed = moment if moment.tzinfo is not None else moment.astimezone()
        return cls(read=lambda: fixed)

    def now(self) -> str:
        """Return the moment as an ISO text with its UTC offset, to the second: the stamp
        of a change."""
        return self.read().isoformat(timespec="seconds")

    def today(self) -> date:
        """Return today's local date."""
        return self.read().date()

    def moment(self) -> datetime:
        """Return the moment in local time without an offset (sessions are stored so)."""
        return self.read().replace(tzinfo=None, microsecond=0)

    def moment_on(self, day: date) -> datetime:
        """Return the moment a rule looking from ``day`` (``--as-of``) sees: now, when ``day``
        is today; else the start of ``day``, so that a session later that day still counts."""
        if day == self.today():
            return self.moment()
        return datetime.combine(day, time())

    def latest(self) -> datetime:
        """Return the latest time a change may carry: now, plus a small clock skew."""
        return self.read() + CLOCK_SKEW


@dataclass
class Context:
    """Settings of one use of fvm; the database and content are opened on first use.

    ``db_url`` and ``content_dirs`` are taken as given; ``None`` means what ``fvm`` does
    without options (``FVM_DB``/``FVM_CONTENT``, else the defaults).
    """

    db_url: str | None = None
    content_dirs: list[Path] = field(default_factory=list)
    lang_option: str | None = None
    debug: bool = False
    clock: Clock = field(default_factory=env_clock)
    # Whether opening a SQLite file that does not exist may create it (the command line
    # allows it only for commands that store something: init, demo, adds and imports).
    creates: bool = True
    # Where a notice goes (the command line: stderr); every notice is kept in ``notices``.
    on_notice: Callable[[str, str | None], None] | None = field(default=None, compare=False)
    notices: list[tuple[str, str | None]] = field(default_factory=list, compare=False)
    # What putting content in force sets off that scores the territory (a first publication,
    # a change of the program's rules): given by whoever makes the context, since it lies
    # above it (``services.content_effects.EFFECTS``); None reads only.
    effects: ContentEffects | None = field(default=None, compare=False, repr=False)
    # The content version in force (number, digest) once the content was loaded from the
    # database; None before, or without a database.
    content_version: tuple[int, str] | None = field(default=None, init=False, compare=False)
    _database: Database | None = field(default=None, init=False, repr=False, compare=False)
    # A SQLite file this run created, and the history's head once it was made: a command that
    # fails before recording anything leaves no new file behind (``discard_if_unused``).
    _fresh: tuple[Path, str | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @cached_property
    def lang(self) -> str:
        """Return the language of labels and messages: ``sv`` or ``en`` (``speak``)."""
        return self.speak()

    def speak(self) -> str:
        """Choose the language (``--lang``, FVM_LANG, LANG; an unknown one is refused), say
        every message in it from now on, and return it."""
        lang = resolve_lang(self.lang_option)
        use(lang)
        self.__dict__["lang"] = lang
        return lang

    @cached_property
    def url(self) -> str:
        """Return the normalised database URL."""
        from fvmcli.store.database import normalise_url

        raw = self.db_url if self.db_url is not None else os.environ.get("FVM_DB") or None
        return normalise_url(raw if raw is not None else default_db_url())

    def open(self) -> Database:
        """Open the database, the one step that may change it without being asked to: create
        its schema, or upgrade it to this program's (after a backup copy of a SQLite file);
        return it. Opening again returns the same database. A SQLite file named with --db or
        FVM_DB must lie in a folder that exists: a mistyped path is refused, not made into a
        new, empty database in a new folder; and unless ``creates``, a file that does not
        exist is refused rather than made."""
        from fvmcli.store.database import Database, sqlite_path

        if self._database is not None:
            return self._database

        named = self.db_url if self.db_url is not None else os.environ.get("FVM_DB") or None
        path = sqlite_path(self.url) if named is not None else None
        if path is not None and not path.parent.is_dir():
            raise InputError(
                _("--db / FVM_DB: the folder {folder} does not exist").format(folder=path.parent),
                hint=_("Check the path, or make the folder first if a new database belongs there."),
            )
        if path is not None and path.is_dir():
            raise InputError(
                _("--db / FVM_DB: {path} is a folder, not a database file").format(path=path),
                hint=_("Name a file in it, e.g. {example}").format(example=path / "fvm.sqlite"),
            )
        if path is None and named is None:
            path = sqlite_path(self.url)
        if path is not None and not self.creates and not path.exists():
            raise EnvironmentProblem(
                _("no database at {path}; nothing was created").format(path=path),
                hint=_(
                    "Create it with 'fvm init' (or 'fvm demo' for a demo territory), or "
                    "point --db / FVM_DB at the database you meant."
                ),
            )
        fresh = path is not None and not path.exists()
        database = Database(self.url)
        database.ensure_schema(create=self.creates)
        self._database = database
        if fresh and path is not None:
            from fvmcli.store.history import head_of

            with database.read() as conn:
                self._fresh = (path, head_of(conn))
        return database

    def content_published_fresh(self) -> None:
        """Count the content published at a new database's first open as part of making it,
        not as use: a command that fails after it still leaves no new file behind."""
        if self._fresh is None or self._database is None:
            return
        from fvmcli.store.history import head_of

        with self._database.read() as conn:
            self._fresh = (self._fresh[0], head_of(conn))

    def discard_if_unused(self) -> None:
        """Remove the SQLite file this run created when nothing was recorded in it since (the
        command failed): a mistyped path leaves no empty database behind for a later read to
        take for a territory. A file that holds anything recorded is kept."""
        if self._fresh is None or self._database is None:
            return
        from fvmcli.store.history import head_of

        path, head = self._fresh
        try:
            with self._database.read() as conn:
                unused = head_of(conn) == head
        except Exception:  # noqa: BLE001 (a file that cannot be read back is not ours to judge)
            return
        self.close()
        self._fresh = None
        if unused:
            for leftover in (path, *(path.with_name(path.name + s) for s in SQLITE_SIDES)):
                leftover.unlink(missing_ok=True)

    @cached_property
    def content(self) -> ContentDirs:
        """Return the content in force: on a database, its published version (a database
        where nothing was published yet publishes the local content first, through
        ``effects``); without one, the local content (``--content``/FVM_CONTENT over the
        bundled pack, or a pack of its own)."""
        from fvmcli.services.content_force import in_force, local_dirs

        if self._on_database():
            return in_force(self)
        return local_dirs(self)

    def _on_database(self) -> bool:
        """Return True when the command works on a database: opened already, a server, a
        SQLite file that exists, or one this command will create (it stores something), so
        that a database is never made with content that is not published in it."""
        if self._database is not None:
            return True
        from fvmcli.store.database import sqlite_path

        path = sqlite_path(self.url)
        return path is None or path.exists() or self.creates

    def notify(self, message: str, command: str | None = None) -> None:
        """Tell the person something beside the command's answer (the command line prints it
        on stderr; ``notices`` keeps it), once."""
        if (message, command) in self.notices:
            return
        self.notices.append((message, command))
        if self.on_notice is not None:
            self.on_notice(message, command)

    def under(self, content: ContentDirs) -> Context:
        """Return a context on the same database, clock and language whose content is
        ``content`` (a version of the past, or a pack not published yet)."""
        other = Context(
            db_url=self.db_url,
            lang_option=self.lang_option,
            clock=self.clock,
            creates=False,
        )
        other._database = self._database
        other.__dict__["content"] = content
        other.__dict__["lang"] = self.lang
        return other

    @cached_property
    def default_checklist(self) -> str:
        """Return the checklist a command uses when none is named: the gate's, else the
        pack's only one, else ``golive`` where the pack has it."""
        from fvmcli.content.default import default_checklist

        found = default_checklist(self.content)
        if found is None:
            from fvmcli.content.checklists import checklist_files

            raise InputError(
                _("--checklist: name one of {known}").format(
                    known=", ".join(sorted(checklist_files(self.content))) or "-"
                )
            )
        return found

    @cached_property
    def territory(self) -> Territory:
        """Return the validated territory settings (areas, phases, unit types)."""
        from fvmcli.content.territory import load_territory

        return load_territory(self.content)

    @cached_property
    def catalog(self) -> Catalog:
        """Return the validated equipment catalog; an empty one when the content has none
        (a pack of its own may leave it out: no unit then needs equipment)."""
        from fvmcli.content.catalog import load_catalog
        from fvmcli.core.model import Catalog

        if self.content.file("checklists", "equipment.toml") is None:
            return Catalog(())
        return load_catalog(self.content, self.territory)

    def equipment_catalog(self) -> Catalog:
        """Return the equipment catalog for a command about equipment: one the content does
        not have is refused (exit 2) with a message that says so."""
        if self.content.file("checklists", "equipment.toml") is None:
            raise InputError(
                _("the content has no equipment catalog (checklists/equipment.toml)"),
                hint=_("Equipment commands need one: add it to the pack and publish it."),
            )
        return self.catalog

    @cached_property
    def curriculum(self) -> Curriculum:
        """Return the validated courses and roles."""
        from fvmcli.content.courses import load_curriculum

        return load_curriculum(self.content)

    @cached_property
    def gate(self) -> Gate:
        """Return the validated go/no-go criteria and voting roles (``gates.toml``)."""
        from fvmcli.content.gates import load_gate

        return load_gate(self.content, self.territory)

    def runbook(self, runbook_id: str) -> Runbook:
        """Return the validated runbook ``runbook_id`` (``runbooks/<id>.toml``)."""
        from fvmcli.content.runbooks import load_runbook

        return load_runbook(self.content, runbook_id, self.territory)

    def runbooks(self) -> list[Runbook]:
        """Return every runbook of the content, validated, by id."""
        from fvmcli.content.runbooks import load_runbooks

        return load_runbooks(self.content, self.territory)

    @cached_property
    def hypercare(self) -> Hypercare:
        """Return the validated hypercare indicators and pause criteria (``hypercare.toml``)."""
        from fvmcli.content.hypercare import load_hypercare

        return load_hypercare(self.content)

    def checklist(self, checklist_id: str | None) -> Checklist:
        """Return the validated checklist ``checklist_id`` (None or empty: the default one)."""
        from fvmcli.content.checklists import load_checklist

        return load_checklist(self.content, checklist_id or self.default_checklist, self.territory)

    @cached_property
    def enforced(self) -> bool:
        """Return True when the database enforces rights (PostgreSQL after access init)."""
        from fvmcli.store.access import rights_configured

        if self.open().backend != "postgresql":
            return False
        with self.open().read() as conn:
            return rights_configured(conn)

    def actor(self, by: str | None = None) -> str:
        """Return whom a change is recorded for: ``by``, else FVM_USER, else the login name.

        Where the database enforces rights, the login is the one it authenticated, and naming
        anyone else (``--by``, FVM_USER) means acting on their behalf, which is a right of its
        own; history then records both names."""
        from fvmcli.core.limits import MAX_NAME

        if self.enforced:
            login = self.open().login
            named = (by or "").strip() or os.environ.get("FVM_USER", "").strip() or login
            if named != login:
                self._require_behalf(login, named)
            name = named
        else:
            name = resolve_user(by)
        if len(name) > MAX_NAME or not name.isprintable():
            raise InputError(
                _("--by / FVM_USER: a name of at most {MAX_NAME} printable characters").format(
                    MAX_NAME=MAX_NAME
                )
            )
        return name

    def _require_behalf(self, login: str, named: str) -> None:
        from fvmcli.core.access import allows
        from fvmcli.errors import NotPermitted
        from fvmcli.store.access import grants_of

        with self.open().read() as conn:
            grants = grants_of(conn, login)
        if not allows(grants, "behalf", None, None):
            raise NotPermitted(
                _("{login} may not act on behalf of {named} (--by / FVM_USER)").format(
                    login=login, named=named
                ),
                hint=_(
                    "Leave out --by and unset FVM_USER, or an admin can run: fvm access "
                    "grant {login} --role lead"
                ).format(login=login),
            )

    def close(self) -> None:
        """Let go of the database (when it was opened); a later ``open`` opens it again."""
        if self._database is not None:
            self._database.dispose()
            self._database = None


SQLITE_SIDES = ("-wal", "-shm", "-journal")  # the files SQLite keeps beside a database
