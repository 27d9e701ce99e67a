"""`fvm --help` and `fvm --version` stay fast: no database layer, prompts or exporters."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = [
    "sqlalchemy",
    "alembic",
    "questionary",
    "jinja2",
    "weasyprint",
    "openpyxl",
    "xlsxwriter",
    "icalendar",
    "psycopg",
]

PROBE = """
import runpy, sys
sys.argv = ["fvm", *{args!r}]
code = 0
try:
    runpy.run_module("fvmcli", run_name="__main__")
except SystemExit as exit:
    code = exit.code
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print("HEAVY=" + ",".join(heavy))
print("EXIT=" + str(code))
print("GROUPS=" + ",".join(sorted(m for m in sys.modules if m.startswith("fvmcli.cli."))))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["unit", "--help"],
        ["unit", "add", "--help"],
        ["checklist", "answer", "--help"],
        ["session", "--help"],
        ["cutover", "report", "--help"],
        ["bundle", "--help"],
        ["equipment", "--help"],
        ["person", "forget", "--help"],
        ["remind", "--help"],
        ["remind", "log", "--help"],
        ["cutover", "watch", "--help"],
        ["cutover", "diff", "--help"],
    ],
)
def test_help_and_version_import_no_heavy_module(args: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "EXIT=0" in out
    assert "HEAVY=\n" in out, out


def _loaded(args: list[str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split("GROUPS=")[1].strip()


def test_only_the_group_used_is_loaded() -> None:
    assert _loaded(["--version"]) == ""  # not even the command line
    top = _loaded(["--help"]).split(",")
    assert "fvmcli.cli.cutover" not in top and "fvmcli.cli.app" in top
    used = _loaded(["cutover", "--help"]).split(",")
    assert "fvmcli.cli.cutover" in used and "fvmcli.cli.checklist" not in used


def test_version_prints_the_package_version() -> None:
    from fvmcli import __version__

    out = subprocess.run(
        [sys.executable, "-m", "fvmcli", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == f"fvm {__version__}"


def test_fvm_needs_no_click_of_its_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Typer carries its own Click: fvm must run, and report errors, without the click package
    (a plain 'pip install .' does not bring it)."""
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from fvmcli.cli.app import app\n"
        f"db = {str(tmp_path / 'c.sqlite')!r}\n"
        "assert CliRunner().invoke(app, ['--db', db, 'init']).exit_code == 0\n"
        "result = CliRunner().invoke(app, ['--db', db, 'unit', 'show', 'nope'])\n"
        "assert result.exit_code == 2, result.output\n"
        "assert 'click' not in sys.modules, 'fvm imported click'\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_reader_that_stops_early_is_no_crash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``fvm unit list --json | head`` ends quietly, not with a crash report."""
    db = str(tmp_path / "p.sqlite")
    rows = "".join(f"u{i:05d};Enhet {i};sodra;hospital\n" for i in range(3000))
    (tmp_path / "u.csv").write_text("id;name;area;type\n" + rows, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "fvmcli", "--db", db, "unit", "import", str(tmp_path / "u.csv")],
        check=True,
        capture_output=True,
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "fvmcli", "--db", db, "unit", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.read(10).startswith(b"[")
    child.stdout.close()
    assert child.wait(timeout=60) == 0
    assert b"internal error" not in child.stderr.read()


def test_json_streams_members_from_iterators(capsys) -> None:  # type: ignore[no-untyped-def]
    """A listing handed over as an iterator is written member by member, as valid JSON."""
    import json

    from fvmcli.cli.output import emit_json

    emit_json({"a": iter([]), "b": iter([1, {"x": iter([2, 3])}]), "c": [iter([4])], "å": "ö"})
    assert json.loads(capsys.readouterr().out) == {
        "a": [],
        "b": [1, {"x": [2, 3]}],
        "c": [[4]],
        "å": "ö",
    }


@pytest.mark.parametrize(
    "args",
    [
        ["checklist", "list"],
        ["checklist", "show", "golive"],
        ["course", "list"],
        ["course", "show", "open-link"],
        ["equipment", "catalog"],
    ],
)
def test_reading_content_opens_no_database_layer(args: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Checklists, courses and the catalog are content: showing them imports no SQLAlchemy
    (a third of a second of start on a slow machine) and needs no database."""
    db = f"sqlite:///{tmp_path / 'none.sqlite'}"
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=["--db", db, *args, "--json"], heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "EXIT=0" in out, out
    assert "HEAVY=\n" in out, out
    assert not (tmp_path / "none.sqlite").exists()
