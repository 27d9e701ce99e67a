"""One clock: "today" and "now" come from the context's clock, never from the wall clock."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from fvmcli import clock
from fvmcli.services.context import Clock, env_clock
from tests.conftest import Fvm
from tests.factories import FROZEN

PACKAGE = Path(__file__).parent.parent / "fvmcli"
# Calls that read the wall clock; only fvmcli/clock.py may make them.
WALL_CLOCK = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("time", "time"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("utils", "localtime"),
}
WALL_CLOCK_NAMES = {"localtime", "gmtime"}  # from email.utils / time import …
SQL_NOW = ("now()", "current_date", "current_timestamp", "localtimestamp", "clock_timestamp")


def _wall_clock_reads(path: Path) -> list[str]:
    """Return ``line: call`` for each wall-clock read in the module at ``path``."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name | ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else func.value.attr
                if (owner, func.attr) in WALL_CLOCK:
                    found.append(f"{node.lineno}: {owner}.{func.attr}()")
            elif isinstance(func, ast.Name) and func.id in WALL_CLOCK_NAMES:
                found.append(f"{node.lineno}: {func.id}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            if any(word in text for word in SQL_NOW) and "select" in text:
                found.append(f"{node.lineno}: the database's clock in {node.value[:40]!r}")
    return found


def test_nothing_but_the_clock_module_reads_the_wall_clock() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): reads
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "clock.py" or path.parent != PACKAGE
        for reads in [_wall_clock_reads(path)]
        if reads
    }
    assert offenders == {}


def test_the_check_finds_each_kind_of_wall_clock_read(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import datetime, time\nfrom email.utils import localtime\n"
        "a = datetime.date.today()\nb = datetime.datetime.now()\nc = time.time()\n"
        "d = localtime()\ne = 'SELECT now()'\nf = time.monotonic()\n",
        "utf-8",
    )
    assert [r.split(":")[0] for r in _wall_clock_reads(module)] == ["3", "4", "5", "6", "7"]


def test_fvm_now_stops_the_clock_and_today_follows_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FVM_NOW", "2031-02-03T04:05:06+01:00")
    stopped = env_clock()
    assert stopped.now() == "2031-02-03T04:05:06+01:00"
    assert stopped.today() == date(2031, 2, 3)
    assert stopped.moment() == datetime(2031, 2, 3, 4, 5, 6)
    # Looking from another day (--as-of) sees that day from its start; today, the moment.
    assert stopped.moment_on(date(2031, 1, 1)) == datetime(2031, 1, 1)
    assert stopped.moment_on(date(2031, 2, 3)) == datetime(2031, 2, 3, 4, 5, 6)
    monkeypatch.setenv("FVM_NOW", "2031-02-03")
    assert env_clock().today() == date(2031, 2, 3)
    monkeypatch.delenv("FVM_NOW")
    assert Clock().read().tzinfo is not None and clock.now().tzinfo is not None


def test_a_bad_fvm_now_is_refused_with_exit_2(fvm: Fvm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FVM_NOW", "tomorrow")
    result = fvm("unit", "list", code=2)
    assert "FVM_NOW" in result.stderr and "'tomorrow'" in result.stderr


def test_every_command_reads_the_same_day(fvm: Fvm, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --as-of a score is as of the clock's day: FVM_NOW, as the suite sets it."""
    fvm("unit", "add", "u1", "--name", "Enhet", "--area", "sodra", "--type", "hospital")
    assert fvm.json("checklist", "score", "golive", "--unit", "u1")["as_of"] == "2026-11-26"
    assert FROZEN.date().isoformat() == "2026-11-26"
    monkeypatch.setenv("FVM_NOW", "2029-03-04T08:00")
    assert fvm.json("checklist", "score", "golive", "--unit", "u1")["as_of"] == "2029-03-04"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed")
def test_without_fvm_now_an_installed_fvm_reads_the_machines_date(tmp_path: Path) -> None:
    """Under faketime, a process years ahead scores as of that day: the one wall-clock read
    goes through fvmcli/clock.py and nowhere reads a second one."""
    env = {k: v for k, v in os.environ.items() if k != "FVM_NOW"}
    env["FVM_LANG"] = "en"
    db = tmp_path / "fvm.sqlite"
    run = [sys.executable, "-m", "fvmcli", "--db", str(db)]
    faked = ["faketime", "-f", "@2030-06-15 10:00:00"]
    subprocess.run([*run, "init"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*run, "unit", "add", "u1", "--name", "E", "--area", "sodra", "--type", "hospital"],
        env=env,
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [*faked, *run, "checklist", "score", "golive", "--unit", "u1", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(out)["as_of"] == "2030-06-15"
