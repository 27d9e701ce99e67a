"""A command connects to its SQLite file once: a read that opened the file read-write serves
the command's write too; one that opened it read-only (beside another's write-ahead log) is
opened again to write, as before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fvmcli.store import driver
from fvmcli.store.kept import Kept


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = sqlite3.connect

    def connect(database: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        opened.append(database.rsplit("?", 1)[-1])
        return real(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(driver.sqlite3, "connect", connect)
    return opened


def _made(path: Path) -> None:
    with driver.sqlite_transaction(str(path), write=True) as conn:
        conn.run("CREATE TABLE t (n INTEGER)")
        conn.run("INSERT INTO t VALUES (1)")


def test_a_read_then_a_write_connect_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "fvm.sqlite"
    _made(path)
    opened = _counted(monkeypatch)
    kept = Kept("sqlite", str(path))
    with kept.transaction() as conn:
        assert conn.scalar("SELECT n FROM t") == 1
    with kept.transaction(write=True) as conn:
        conn.run("UPDATE t SET n = 2")
        assert conn.scalar("PRAGMA journal_mode") == "wal"
    kept.close()
    assert opened == ["mode=rw"]
    with driver.sqlite_transaction(str(path)) as conn:
        assert conn.scalar("SELECT n FROM t") == 2


def test_a_read_only_read_is_opened_again_to_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "fvm.sqlite"
    _made(path)
    other = sqlite3.connect(path)  # another process's connection keeps the log beside it
    other.execute("SELECT n FROM t").fetchall()
    try:
        opened = _counted(monkeypatch)
        kept = Kept("sqlite", str(path))
        with kept.transaction() as conn:
            conn.scalar("SELECT n FROM t")
        with kept.transaction(write=True) as conn:
            conn.run("UPDATE t SET n = 3")
        kept.close()
        assert opened == ["mode=ro", "mode=rwc"]
        assert other.execute("SELECT n FROM t").fetchone() == (3,)
    finally:
        other.close()
