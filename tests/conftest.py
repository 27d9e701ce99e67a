"""Shared fixtures: no test touches a real user's data; storage tests run on every backend."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from fvmcli import i18n
from fvmcli.cli.app import app
from tests.factories import FROZEN

PG_URL = os.environ.get("FVM_TEST_DB_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the user data folder at a temporary one and clear fvm's variables."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    for name in (
        "FVM_DB",
        "FVM_CONTENT",
        "FVM_LANG",
        "FVM_DEBUG",
        "FVM_BUNDLE_KEY",
        "FVM_DEVICE_KEY",
        "FVM_ROLE_PREFIX",
        "FVM_TEMPLATE_SECONDS",
        "FVM_SMTP_HOST",
        "FVM_SMTP_PORT",
        "FVM_SMTP_SECURITY",
        "FVM_SMTP_USER",
        "FVM_SMTP_PASSWORD",
        "FVM_SMTP_FROM",
        "FVM_SMTP_CAFILE",
        "FVM_SMTP_DEADLINE",
        "NO_COLOR",
        "COLUMNS",  # tables fit the width they are given: tests that care set it themselves
        "LINES",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FVM_USER", "tester")
    # The clock stands still at one moment, so no test's dates go stale as the calendar moves.
    monkeypatch.setenv("FVM_NOW", FROZEN.isoformat())
    monkeypatch.setenv("LANG", "C.UTF-8")
    # Most tests read fvm's messages in English; those about Swedish words use ``swedish``.
    monkeypatch.setenv("FVM_LANG", "en")
    i18n.use("en")  # the language is the process's: no test inherits the one before it


@pytest.fixture
def swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of a Swedish user who set nothing: no FVM_LANG, a neutral LANG."""
    monkeypatch.delenv("FVM_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    i18n.use("sv")


def _pg_schema_url(schema: str) -> str:
    assert PG_URL is not None
    url = sa.make_url(PG_URL)
    url = url.set(
        drivername="postgresql+psycopg", query={**url.query, "options": f"-csearch_path={schema}"}
    )
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return a URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fvm.sqlite'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_pg_schema_url("public"))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Fvm:
    """Runs ``fvm`` in-process against one database, like a user at a terminal would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    # Whether ``--content DIR`` before the command publishes DIR first: a database uses the
    # content published in it, so a test that names content means "with this content in
    # force", as a user would have it after ``fvm content publish DIR``.
    publishes = True

    def __call__(  # type: ignore[no-untyped-def]
        self, *args: str, input: str | None = None, code: int | None = 0, user: str | None = None
    ):
        """Run ``fvm`` with ``args``; ``user`` names another person than FVM_USER's tester."""
        env = {"FVM_USER": user} if user is not None else None
        folders = _root_content(args)
        if folders is None or not self.publishes:
            folders = []
        elif not folders and os.environ.get("FVM_CONTENT"):
            folders = [""]  # FVM_CONTENT's, as 'fvm content publish' reads it
        if folders:
            published = self.runner.invoke(
                app,
                ["--db", self.url, "content", "publish", *(f for f in folders[-1:] if f)],
                env=env,
            )
            if published.exit_code != 0:
                result = published
                if code is not None and result.exit_code != code:
                    raise AssertionError(
                        f"fvm content publish {folders[-1]} (before fvm {' '.join(args)}) "
                        f"exited {result.exit_code}, expected {code}\n"
                        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
                    )
                return result
        result = self.runner.invoke(app, ["--db", self.url, *args], input=input, env=env)
        if code is not None and result.exit_code != code:
            raise AssertionError(
                f"fvm {' '.join(args)} exited {result.exit_code}, expected {code}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n{result.exception!r}"
            )
        return result

    def json(self, *args: str):  # type: ignore[no-untyped-def]
        import json

        return json.loads(self(*args, "--json").stdout)

    def scalar(self, sql: str) -> object:
        """Return one value read straight from the database."""
        from fvmcli.store.database import Database

        database = Database(self.url)
        database.ensure_schema()
        try:
            with database.read() as conn:
                return conn.scalar(sql)
        finally:
            database.dispose()


def _root_content(args: tuple[str, ...]) -> list[str] | None:
    """Return the folders ``--content`` names before the command; None for init, demo and
    content, which read local content themselves."""
    found: list[str] = []
    i = 0
    while i < len(args):
        arg = str(args[i])
        if arg == "--content" and i + 1 < len(args):
            found.append(str(args[i + 1]))
            i += 2
        elif arg in ("--lang", "--db") and i + 1 < len(args):
            i += 2
        elif arg.startswith("--"):
            i += 1
        else:
            return None if arg in ("init", "demo", "content") else found
    return found


@pytest.fixture
def fvm(db_url: str) -> Fvm:
    """Return a runner of ``fvm`` bound to a fresh database on each backend, made with
    ``fvm init`` as a user would before reading from it."""
    runner = Fvm(db_url)
    runner("init")
    return runner


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that writes a CSV file (text as given, UTF-8 unless told)."""

    def write(text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
