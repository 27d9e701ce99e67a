"""A file that is not fvm's database (issue 44): an empty file, a file that is not SQLite,
another program's database, each alone or beside another database's write-ahead log. A read
refuses it and changes nothing (bytes, times, the files beside it); a write refuses it too
rather than write fvm's tables into it or delete the log."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Fvm

READS = [
    ("cutover", "status", "--json"),
    ("unit", "list"),
    ("history", "verify"),
    ("remind", "log"),
    ("info",),
]
WRITE = ("unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital")


def _files(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Return each file of ``folder``: its digest, size and modification time."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _foreign_log(folder: Path) -> tuple[bytes, bytes]:
    """Return the write-ahead log and its index of another database, with a table and a
    row in the log alone (taken while that database is open)."""
    other = folder / "other.sqlite"
    conn = sqlite3.connect(other)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        log = Path(f"{other}-wal").read_bytes()
        index = Path(f"{other}-shm").read_bytes()
    finally:
        conn.close()
    return log, index


def _another_programs_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE q (y)")
    conn.commit()
    conn.close()


KINDS = {
    "empty": lambda p: p.write_bytes(b""),
    "not SQLite": lambda p: p.write_bytes(b"hello world\n" * 100),
    "another program's": _another_programs_database,
}


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
def test_a_read_on_an_empty_file_refuses_it_and_leaves_it_empty(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    path = tmp_path / "tom.sqlite"
    path.write_bytes(b"")
    before = _files(tmp_path)
    err = Fvm(str(path))(*args, code=4).stderr
    assert f"{path} holds no fvm database" in err and "Traceback" not in err
    assert _files(tmp_path) == before
    assert path.stat().st_size == 0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("index", [True, False], ids=["log and index", "log alone"])
@pytest.mark.parametrize("args", [READS[0], READS[1], WRITE], ids=lambda a: " ".join(a[:2]))
def test_a_file_beside_another_databases_log_is_refused_and_left_as_it_was(
    tmp_path: Path, kind: str, index: bool, args: tuple[str, ...]
) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    log, shm = _foreign_log(tmp_path)
    path = folder / "fvm.sqlite"
    KINDS[kind](path)
    Path(f"{path}-wal").write_bytes(log)
    if index:
        Path(f"{path}-shm").write_bytes(shm)
    before = _files(folder)
    err = Fvm(str(path))(*args, code=4).stderr
    assert f"{path} is not an fvm database" in err and "Traceback" not in err
    named = "another program's tables: q" if kind == "another program's" else "fvm.sqlite-wal"
    assert named in err
    assert _files(folder) == before


@pytest.mark.parametrize("kind", ["empty", "not SQLite"])
def test_the_log_is_named_when_the_file_itself_says_nothing(tmp_path: Path, kind: str) -> None:
    log, _shm = _foreign_log(tmp_path)
    path = tmp_path / "fvm.sqlite"
    KINDS[kind](path)
    Path(f"{path}-wal").write_bytes(log)
    said = "it is empty" if kind == "empty" else "it is not a SQLite file"
    err = Fvm(str(path))("unit", "list", code=4).stderr
    assert f"({said}, and a write-ahead log (fvm.sqlite-wal) lies beside it)" in err


@pytest.mark.parametrize("args", [READS[1], WRITE], ids=["read", "write"])
def test_another_programs_database_is_neither_changed_nor_made_fvms(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    path = tmp_path / "annan.sqlite"
    _another_programs_database(path)
    before = _files(tmp_path)
    err = Fvm(str(path))(*args, code=4).stderr
    words = "holds no fvm database" if args == READS[1] else "another program's tables: q"
    assert words in err
    assert _files(tmp_path) == before


def test_a_read_sees_what_another_process_holds_in_the_log_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """The database's own log, while another connection keeps it open: the read opens the
    file read-only, sees the unit that lies in the log alone, and leaves file and log as
    they were (the other connection checkpoints them when it closes)."""
    path = tmp_path / "fvm.sqlite"
    fvm = Fvm(str(path))
    fvm("init")
    fvm("unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA wal_autocheckpoint=0")
        holder.execute("UPDATE units SET name = 'Avd Logg' WHERE id = 'u1'")
        main = hashlib.sha256(path.read_bytes()).hexdigest()
        log = Path(f"{path}-wal").read_bytes()
        assert [u["name"] for u in fvm.json("unit", "list")] == ["Avd Logg"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == main
        assert Path(f"{path}-wal").read_bytes() == log
    finally:
        holder.close()


def test_a_folder_named_as_the_database_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mapp"
    folder.mkdir()
    err = Fvm(str(folder))("cutover", "status", code=2).stderr
    assert "is a folder, not a database file" in err
    assert list(folder.iterdir()) == []


def test_the_demo_does_not_build_in_another_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "annan.sqlite"
    _another_programs_database(path)
    before = _files(tmp_path)
    err = Fvm(str(path))("demo", code=4).stderr
    assert "another program's tables: q" in err
    assert _files(tmp_path) == before


@pytest.mark.parametrize("folder", ["Projekt #3", "fråga?ja", "100% klart", "a%20b"])
def test_a_path_with_url_characters_names_that_file(tmp_path: Path, folder: str) -> None:
    """A bare path is the file it names, whatever its characters: '#', '?' and '%' are no
    part of a URL there (the file was made, or read, under a path cut at them)."""
    place = tmp_path / folder
    place.mkdir()
    fvm = Fvm(str(place / "fvm #1.sqlite"))
    fvm("unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital")
    assert [u["id"] for u in fvm.json("unit", "list")] == ["u1"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [folder]
    assert (place / "fvm #1.sqlite").stat().st_size > 0


@pytest.mark.parametrize("args", [READS[1], WRITE], ids=["read", "write"])
def test_a_pipe_or_a_device_is_refused_without_opening_it(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """A named pipe would hold a read at open for ever, and /dev/null takes any write."""
    import os

    pipe = tmp_path / "rör"
    os.mkfifo(pipe)
    for target in (str(pipe), os.devnull):
        err = Fvm(target)(*args, code=4).stderr
        assert "it is no file but a folder, a device or a pipe" in err, err


def _locked(folder: Path, mode: int) -> tuple[list[str], list[str]]:
    """Return the commands that make ``folder`` one this user may not write to (its mode
    ``mode``; the superuser writes past modes, so for it the folder is made immutable too) and
    that unlock it; skip the test where that cannot be done."""
    import os
    import subprocess

    folder.chmod(mode)
    root = os.geteuid() == 0
    lock = ["chattr", "+i", str(folder)] if root else ["true"]
    unlock = ["chattr", "-i", str(folder)] if root else ["true"]
    if subprocess.run(lock, capture_output=True).returncode != 0:
        folder.chmod(0o755)
        pytest.skip("cannot make a folder read-only here")
    return lock, unlock


def _made(folder: Path) -> Path:
    """Return a one-unit fvm database made in ``folder`` by a process of its own, which
    leaves the file closed: no log, no index beside it."""
    import subprocess
    import sys

    add = ["unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital"]
    made = [sys.executable, "-m", "fvmcli", "--db", str(folder / "fvm.sqlite"), *add]
    subprocess.run(made, check=True, capture_output=True)
    assert sorted(p.name for p in folder.iterdir()) == ["fvm.sqlite"]
    return folder / "fvm.sqlite"


def test_a_database_in_a_folder_no_one_may_write_to_is_read_as_it_lies(tmp_path: Path) -> None:
    """A copy on a read-only share (no write bit on the file nor its folder): reads show it
    (SQLite could not make the log's index there, and no writer can be at work), a write is
    refused with exit 4, the folder holds what it held, and the connection that read it as
    it lies is not kept for a next transaction."""
    import subprocess

    from fvmcli.store.kept import Kept
    from fvmcli.store.sqlite_files import read_query

    folder = tmp_path / "arkiv"
    folder.mkdir()
    path = _made(folder)
    path.chmod(0o444)
    _, unlock = _locked(folder, 0o555)
    try:
        assert read_query(str(path)) == "mode=ro&immutable=1"
        before = _files(folder)
        reader = Fvm(str(path))
        assert [u["id"] for u in reader.json("unit", "list")] == ["u1"]
        assert reader.json("cutover", "status")["units"][0]["unit"] == "u1"
        err = reader("unit", "add", "u2", "--name", "B", "--area", "sodra", "--type",
                     "hospital", code=4).stderr  # fmt: skip
        assert "fvm.sqlite" in err and "Traceback" not in err
        assert _files(folder) == before
        kept = Kept("sqlite", str(path))
        with kept.transaction() as conn:
            assert conn.scalar("SELECT count(*) FROM units") == 1
        assert kept._dbapi is None  # noqa: SLF001 - closed, not kept
    finally:
        subprocess.run(unlock, check=True)
        folder.chmod(0o755)


def test_a_folder_others_may_write_to_is_not_read_as_it_lies(tmp_path: Path) -> None:
    """A group's shared folder this user may not write to: another user may be writing the
    file, so it is never read as it lies (stale or torn figures); SQLite cannot read it
    without its log's index there, so the read is refused with exit 4, saying what to do,
    and the folder holds what it held."""
    import subprocess

    from fvmcli.store.sqlite_files import read_query

    folder = tmp_path / "delad"
    folder.mkdir()
    path = _made(folder)
    _, unlock = _locked(folder, 0o575)  # the group may write; this user may not
    try:
        assert read_query(str(path)) == "mode=ro"
        before = _files(folder)
        err = Fvm(str(path))("unit", "list", code=4).stderr
        assert "fvm.sqlite" in err and "Traceback" not in err
        assert "write access" in err or "skrivrätt" in err, err
        assert _files(folder) == before
    finally:
        subprocess.run(unlock, check=True)
        folder.chmod(0o755)


def test_a_bare_name_is_read_in_the_working_folder_as_others_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database named without a folder (sqlite:///fvm.db) lies in a folder this user may
    write to: it is read under SQLite's locks, and a kept connection sees what another
    connection commits between its transactions (read as it lies, it would not)."""
    from fvmcli.store.kept import Kept
    from fvmcli.store.sqlite_files import read_query

    monkeypatch.chdir(tmp_path)
    made = sqlite3.connect("fvm.db", isolation_level=None)
    made.execute("PRAGMA journal_mode=WAL")
    made.execute("CREATE TABLE t (x INTEGER)")
    made.execute("INSERT INTO t VALUES (1)")
    made.close()  # no log beside the file when the reader opens it
    assert read_query("fvm.db") == "mode=rw"
    kept = Kept("sqlite", "fvm.db")
    writer = sqlite3.connect("fvm.db", isolation_level=None)
    try:
        with kept.transaction() as conn:
            assert conn.scalar("SELECT sum(x) FROM t") == 1
        writer.execute("INSERT INTO t VALUES (2)")  # committed while the reader is kept
        with kept.transaction() as conn:
            assert conn.scalar("SELECT sum(x) FROM t") == 3
    finally:
        kept.close()
        writer.close()
