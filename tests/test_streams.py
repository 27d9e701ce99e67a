"""The terminal fvm is given: encodings that cannot write å, ä, ö, – or █, a stdout that is
closed, full or read by a reader that stops, and arguments that are not text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

NAME = "Vårdcentralen Åby – Öst █"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "fvm.sqlite")
    for args in (
        ["init"],
        ["unit", "add", "vc-aby", "--name", NAME, "--area", "sodra", "--type", "primary-care"],
    ):
        run(path, *args, check=True)
    return path


def run(
    db: str, *args: str, env: dict[str, str] | None = None, check: bool = False, **kw: object
) -> subprocess.CompletedProcess[bytes]:
    """Run fvm in a process of its own, as a terminal or a pipe would."""
    full = {**os.environ, "FVM_LANG": "sv", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "fvmcli", "--db", db, *args],
        env=full,
        capture_output="stdout" not in kw,
        **kw,  # type: ignore[arg-type]
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [
        ("ascii", "Vardcentralen Aby - Ost #"),
        ("latin-1", "Vårdcentralen Åby - Öst #"),
        ("utf-8", NAME),
    ],
)
def test_a_terminal_that_cannot_write_a_letter_gets_the_nearest_one(
    db: str, encoding: str, shown: str
) -> None:
    for args in (["unit", "list"], ["unit", "show", "vc-aby"], ["cutover", "status"]):
        done = run(db, *args, env={"PYTHONIOENCODING": encoding})
        assert done.returncode == 0, done.stderr
        text = done.stdout.decode(encoding)
        assert "Traceback" not in text and "fvm misslyckades" not in done.stderr.decode(encoding)
        if args[0] == "unit":
            assert shown in text, args
    errors = run(db, "unit", "show", "ingen-sådan", env={"PYTHONIOENCODING": encoding})
    assert errors.returncode == 2
    assert "ingen-s" in errors.stderr.decode(encoding)


def test_a_full_disk_or_a_closed_stdout_is_the_environment(db: str) -> None:
    with open("/dev/full", "wb") as full:
        done = run(db, "unit", "list", "--json", stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 4
    assert b"No space left" in done.stderr and b"Traceback" not in done.stderr
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        return  # faketime's library opens a file at start, which takes the closed descriptor 1
    closed = subprocess.run(
        f'"{sys.executable}" -m fvmcli --db "{db}" unit list >&-',
        shell=True,
        capture_output=False,
        stderr=subprocess.PIPE,
        env={**os.environ, "FVM_LANG": "sv"},
    )
    assert closed.returncode == 4 and "standardutmatningen är stängd".encode() in closed.stderr


@pytest.mark.parametrize("args", [["--help"], ["unit", "--help"], ["unit", "list", "--help"]])
def test_a_reader_that_stops_after_a_few_bytes_is_no_error(db: str, args: list[str]) -> None:
    shell = f'"{sys.executable}" -m fvmcli --db "{db}" {" ".join(args)} | head -c 20 >/dev/null'
    done = subprocess.run(
        ["bash", "-c", shell + "; exit ${PIPESTATUS[0]}"], capture_output=True, env=os.environ
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""


def test_an_argument_that_is_not_text_is_refused(db: str) -> None:
    done = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"fvmcli",
            b"--db",
            db.encode(),
            b"unit",
            b"show",
            b"\xff\xfe",
        ],  # fmt: skip
        capture_output=True,
        env={**os.environ, "FVM_LANG": "en"},
    )
    assert done.returncode == 2
    assert b"argument 5 (\\xff\\xfe) is not UTF-8 text" in done.stderr
    assert b"Traceback" not in done.stderr
