"""The README's Python example runs as written against the demo database."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app
from fvmcli.services import open_context
from fvmcli.services.demo import run_demo
from tests.tables import tables

README = Path(__file__).parent.parent / "README.md"

pytestmark = pytest.mark.slow


def python_examples() -> list[str]:
    """Return the README's ```python blocks."""
    return re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.S)


def test_the_python_example_gives_what_cutover_status_json_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "demo.sqlite"
    run_demo(open_context(f"sqlite:///{db}"), "2026-11-26")[0].close()
    monkeypatch.setenv("FVM_DB", str(db))
    (example,) = python_examples()
    printed = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "README.md", "exec"), namespace)
    cli = CliRunner().invoke(
        app, ["cutover", "status", "--phase", "1", "--as-of", "2026-11-26", "--json"]
    )
    assert cli.exit_code == 0, cli.output
    assert namespace["data"] == json.loads(cli.stdout)
    lines = printed.getvalue().splitlines()
    summary = json.loads(cli.stdout)["summary"]
    assert lines[0] == repr(summary)
    worst = json.loads(cli.stdout)["units"][0]
    assert lines[1].split()[:2] == [worst["unit"], worst["status"]]


# ---------------------------------------------------------------- the tour, line by line

EXAMPLES = Path(__file__).parent.parent / "docs" / "exempel"  # the files the tour names
INTERACTIVE = ("checklist", "answer")  # needs a terminal: tests/test_answer_pty.py drives it


def tour() -> list[tuple[str, list[str]]]:
    """Return the tour's command lines, each with its comment."""
    import shlex

    text = README.read_text("utf-8")
    section = text.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"```\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if line.startswith("fvm "):
                command, _, comment = line.partition("  #")
                lines.append((comment.strip(), shlex.split(command)[1:]))
    return lines


def test_the_readme_tour_runs_line_by_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line of the tour does what the README says, on a fresh database, with the files
    it names copied from docs/exempel/ and an SMTP server for the reminders."""
    import glob

    from tests.test_remind import smtp_server

    monkeypatch.chdir(tmp_path)
    for name in ("enheter.csv", "personal.csv", "svar.csv", "inventering.csv"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    running = contextlib.ExitStack()
    box, port = running.enter_context(smtp_server())
    env = {
        "FVM_DB": str(tmp_path / "tour.sqlite"),
        "FVM_USER": "readme",
        "FVM_SMTP_HOST": "127.0.0.1",
        "FVM_SMTP_PORT": str(port),
        "FVM_SMTP_SECURITY": "none",
        "FVM_SMTP_FROM": "fvm@exempel.se",
        "COLUMNS": "120",
    }
    ran = []
    try:
        for comment, args in tour():
            if tuple(args[:2]) == INTERACTIVE:
                assert "interactive" in comment
                continue
            if args[:2] == ["cutover", "watch"]:
                args = [*args, "--count", "1"]  # one screen, not until Ctrl-C
            args = [a for arg in args for a in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
            result = CliRunner().invoke(app, args, env=env)
            expected = (0, 1) if "exit 1" in comment else (0,)
            assert result.exit_code in expected, (
                f"fvm {' '.join(args)}\n{result.stdout}\n{result.stderr}"
            )
            ran.append((args, result))
    finally:
        running.close()
    said = [(" ".join(a[:2]), r.stdout + r.stderr) for a, r in ran]

    def output(command: str, nth: int = 0) -> str:
        return [text for c, text in said if c == command][nth]

    assert "Would import 3 units" in output("unit import", 0)
    assert "Imported 3 units from enheter.csv: 3 added" in output("unit import", 1)
    # People by id and by name.
    assert output("session enroll", 1) == (
        "p1001: enrolled – Åsa Öberg\np1002: waitlisted – Göran Ek\n"
    )
    assert "Promoted p1002 from the waitlist." in output("session cancel")
    assert output("session attend", 1) == ("p1002: enrolled · 1 of 3 days attended – Göran Ek\n")
    assert output("session pass") == "p1002: completed – Göran Ek\n"
    assert "millennium-fundament-2026-11-16" in output("person history")
    assert "added" in output("session history") and "p1002" in output("session history")
    # sas-boras-med: two configuration analysts (intro and Fundament each) and a local lead
    # (intro): 5 pairs; p1001 has the intro, p1002 both: 3 of 5.
    coverage = {r["unit"]: r for r in tables(output("course coverage"))[0]}
    assert coverage["sas-boras-med"]["coverage"] == "60.0% (3 of 5)"
    assert "Lena Lind" in output("remind log") and "p1003" in output("remind log")
    assert (tmp_path / "narvaro.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "etapp1.xlsx").exists() and (tmp_path / "styrgrupp.pdf").exists()
    assert sorted(p.name for p in (tmp_path / "svar").glob("*.xlsx")) == [
        "kommun-mark.xlsx",
        "sas-boras-med.xlsx",
        "vc-ulricehamn.xlsx",
    ]
    assert [p.name for p in (tmp_path / "påminnelser").glob("*.eml")] == ["sas-boras-med.eml"]
    assert [sorted(r) for r, _, _ in box.messages] == [["lena@exempel.se"]]
    assert "Approved the waiver on cut.rehearsal for vc-hjo" in output("checklist approve")
    assert "Attested for vc-hjo: org.super-users." in output("checklist attest", 1)
    assert "the evidence frozen at the proposal is unaltered" in output("gate verify")
    assert "Decision: no-go" in output("gate show")
    assert "The history holds" in output("history verify")
    assert (tmp_path / "plan.xlsx").exists()
    assert len(ran) == len(tour()) - 1  # every line but the interactive one
    # The cutover section works on phase 1, whose go-live the tour sets: its deadlines are
    # known, so a blocker there is a blocker.
    assert "has no go-live date" not in output("cutover status")
    assert "2027-03-01" in output("phase list") and "2027-10-01" in output("phase list")
    # fvm info counts what phase list shows with a date, and says so.
    assert re.search(r"phases with a go-live date\s+2\b", output("info"))
    # Extras are installed from the clone's top folder, before the tour's cd docs/exempel.
    tour_text = README.read_text("utf-8").split("## A short tour", 1)[1].split("\n## ", 1)[0]
    assert tour_text.index("pip install '.[pdf]'") < tour_text.index("cd docs/exempel")
