"""The database: schema creation, upgrades with backup, refusals, SQLite settings, concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from fvmcli.cli.app import app
from fvmcli.store import database as dbmod
from fvmcli.store.database import Database, normalise_url
from fvmcli.store.schema import HEAD, REVISIONS, metadata
from tests.conftest import Fvm


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(dbmod.__file__).parent / "migrations"))
    return config


def test_revisions_constant_matches_the_migration_scripts() -> None:
    script = ScriptDirectory.from_config(_alembic_config())
    ordered = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(ordered) == REVISIONS
    assert script.get_current_head() == HEAD


def test_migrations_build_exactly_the_declared_schema(db_url: str) -> None:
    database = Database(db_url)
    database.ensure_schema()
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    database.dispose()
    assert diff == []


def test_ensure_schema_is_idempotent(db_url: str) -> None:
    database = Database(db_url)
    assert database.schema_state().current is None
    database.ensure_schema()
    database.ensure_schema()
    assert database.schema_state().current == HEAD
    database.dispose()


def test_older_sqlite_schema_is_upgraded_after_a_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    database = Database(url)
    config = _alembic_config()
    with database.schema_connection() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            sa.text(
                "INSERT INTO units (id, name, area, type) "
                "VALUES ('u1', 'Gammal enhet', 'sodra', 'hospital')"
            )
        )
    database.dispose()

    result = CliRunner().invoke(app, ["--db", url, "unit", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert '"Gammal enhet"' in result.stdout
    backups = list(tmp_path.glob("old.sqlite.backup-*"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT name FROM units").fetchone() == ("Gammal enhet",)
    assert Database(url).schema_state().current == HEAD


def test_an_upgrade_that_fails_leaves_no_copy_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read of an older file that cannot be upgraded (read-only, say): exit 4, the file as
    it was, and no pre-upgrade copy left beside it for each try (issue 44)."""
    path = tmp_path / "old.sqlite"
    database = Database(f"sqlite:///{path}")
    config = _alembic_config()
    with database.schema_connection() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    database.dispose()
    before = path.read_bytes()

    def read_only(self: Database) -> None:
        with self.schema_connection():
            raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Database, "_upgrade", read_only)
    for _try in range(2):
        result = CliRunner().invoke(app, ["--db", str(path), "unit", "list"])
        assert result.exit_code == 4, result.output
        assert "read-only" in result.stderr
    assert list(tmp_path.glob("old.sqlite.backup-*")) == []
    assert path.read_bytes() == before


def test_newer_schema_is_refused_with_exit_4(fvm: Fvm) -> None:
    fvm("init")
    database = Database(fvm.url)
    with database.write() as conn:
        conn.run("UPDATE alembic_version SET version_num = '9999'")
    database.dispose()
    result = fvm("unit", "list", code=4)
    assert "schema 9999, newer than this fvm" in result.stderr
    assert "Traceback" not in result.output


def test_postgres_url_without_psycopg_is_exit_4(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = CliRunner().invoke(app, ["--db", "postgresql://fvm@127.0.0.1/fvm", "unit", "list"])
    assert result.exit_code == 4
    assert "fvmcli[postgres]" in result.stderr


def test_plain_postgresql_url_uses_psycopg3() -> None:
    assert normalise_url("postgresql://anna@db.example/fvm").startswith("postgresql+psycopg://")
    assert (
        normalise_url("postgres://anna@db.example/fvm")
        == "postgresql+psycopg://anna@db.example/fvm"
    )
    assert normalise_url("postgres+psycopg://a@h/fvm") == "postgresql+psycopg://a@h/fvm"
    assert normalise_url("/tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"


def test_unreachable_server_is_exit_4() -> None:
    result = CliRunner().invoke(app, ["--db", "postgresql://postgres@127.0.0.1:1/none", "info"])
    assert result.exit_code == 4
    assert "Check that the server is running" in result.stderr


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'w.sqlite'}")
    database.ensure_schema()
    with database.read() as conn:
        assert conn.scalar("PRAGMA journal_mode") == "wal"
        assert conn.scalar("PRAGMA foreign_keys") == 1
        assert conn.scalar("PRAGMA busy_timeout") >= 5000
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), database.write() as conn:
        conn.run(
            "INSERT INTO answers (unit_id, checklist, question, value, comment, "
            "answered_by, answered_at, version) "
            "VALUES ('ghost','golive','q','yes',NULL,'a','t',1)"
        )


def _writer(url: str, worker: int, count: int) -> None:
    from fvmcli.store.history import Change, record

    database = Database(url)
    for i in range(count):
        with database.write() as conn:
            # Read, then write, in one transaction: the pattern that loses data or fails with
            # "database is locked" when transactions do not take the write lock up front.
            n = conn.scalar("SELECT count(*) FROM history")
            record(
                conn,
                [
                    Change(
                        "2026-11-26T10:00:00+01:00",
                        f"w{worker}",
                        "test",
                        subject=str(i),
                        new=str(n),
                    )
                ],
            )
    database.dispose()


@pytest.mark.slow
def test_two_processes_writing_at_once_neither_lose_data_nor_fail(db_url: str) -> None:
    Database(db_url).ensure_schema()
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(db_url, w, 60)) for w in range(2)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert [p.exitcode for p in workers] == [0, 0]
    database = Database(db_url)
    with database.read() as conn:
        rows = list(conn.rows('SELECT "by", count(*) FROM history GROUP BY "by" ORDER BY "by"'))
    assert [tuple(r) for r in rows] == [("w0", 60), ("w1", 60)]
    # The writers took turns at the end of the history's chain: it never forked.
    from fvmcli.core.history_chain import verify
    from fvmcli.store.history import chain_rows

    with database.read() as conn:
        assert verify(chain_rows(conn)).ok
    database.dispose()


@pytest.mark.slow
def test_many_terminals_setting_answers_at_once_lose_nothing(db_url: str) -> None:
    """Four terminals, each five separate `fvm checklist set` processes on its own unit, at
    once: every answer lands once, nothing fails, and the history's chain holds."""
    import os
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    runner = CliRunner()
    for w in range(4):
        result = runner.invoke(
            app,
            [
                "--db",
                db_url,
                "unit",
                "add",
                f"u{w}",
                "--name",
                f"U{w}",
                "--area",
                "sodra",
                "--type",
                "hospital",
            ],
        )
        assert result.exit_code == 0, result.output
    questions = [
        "org.project-lead",
        "org.steering",
        "org.staffing-plan",
        "org.roles-mapped",
        "cut.plan",
    ]
    env = {**os.environ, "FVM_LANG": "en"}

    def terminal(w: int) -> list[int]:
        codes = []
        for q in questions:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "fvmcli",
                    "--db",
                    db_url,
                    "checklist",
                    "set",
                    "golive",
                    "--unit",
                    f"u{w}",
                    q,
                    "ja",
                ],
                capture_output=True,
                text=True,
                env={**env, "FVM_USER": f"w{w}"},
                timeout=120,
            )
            codes.append(done.returncode)
        return codes

    with ThreadPoolExecutor(4) as pool:
        codes = [c for found in pool.map(terminal, range(4)) for c in found]
    assert codes == [0] * 20
    database = Database(db_url)
    with database.read() as conn:
        rows = list(
            conn.rows(
                "SELECT \"by\", count(*) FROM history WHERE kind = 'answer' "
                'GROUP BY "by" ORDER BY "by"'
            )
        )
        from fvmcli.core.history_chain import verify
        from fvmcli.store.history import chain_rows

        ok = verify(chain_rows(conn)).ok
    database.dispose()
    assert [tuple(r) for r in rows] == [(f"w{w}", 5) for w in range(4)] and ok


def test_the_column_types_checked_at_open_are_generated_from_the_schema() -> None:
    """``store/column_types.py`` is what ``tools/column_types.py`` writes from
    ``store/schema.py`` now: a new or changed column is checked once the tool is run."""
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "column_types_tool", root / "tools" / "column_types.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    written = (root / "fvmcli" / "store" / "column_types.py").read_text(encoding="utf-8")
    assert written == tool.render(), f"store/column_types.py is out of date: run '{tool.COMMAND}'"
