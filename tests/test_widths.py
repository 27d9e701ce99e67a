"""Tables fit the terminal: at 80 and 120 columns every row is one line, ids stay whole,
names are shortened before columns go, and --wide shows everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app
from tests import factories
from tests.tables import tables

pytestmark = pytest.mark.store
LONG = "Sahlgrenska Universitetssjukhuset – Östra sjukhuset, barn- och ungdomsmedicin avd 321"


def status(db_url: str, *options: str, columns: int | None) -> str:
    env = {"COLUMNS": str(columns) if columns else ""}
    result = CliRunner().invoke(
        app, ["--db", db_url, *options, "cutover", "status", "--as-of", "2026-11-26"], env=env
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def territory(db_url: str) -> str:
    ctx = factories.context(db_url)
    factories.units(
        ctx,
        ("su-ostra-barn-321", "vastra", "hospital", 40, LONG),
        ("vc-hjo", "ostra", "primary-care", 12, "Vårdcentralen Hjo"),
    )
    ctx.close()
    return db_url


def test_at_80_columns_names_shrink_and_minor_columns_go(territory: str) -> None:
    text = status(territory, columns=80)
    assert all(len(line) <= 80 for line in text.splitlines())
    rows = tables(text)[0]
    assert [r["unit"] for r in rows] == ["su-ostra-barn-321", "vc-hjo"]  # ids whole
    long_row = next(r for r in rows if r["unit"] == "su-ostra-barn-321")
    assert long_row["name"].endswith("…") and LONG.startswith(long_row["name"][:-1])
    assert {"unit", "name", "score", "status"} <= set(rows[0])
    assert "answered" not in rows[0] and "phase" not in rows[0]


def test_at_120_columns_more_is_shown(territory: str) -> None:
    text = status(territory, columns=120)
    assert all(len(line) <= 120 for line in text.splitlines())
    rows = tables(text)[0]
    assert {"unit", "name", "area", "score", "status", "blockers", "overdue"} <= set(rows[0])
    wider = tables(status(territory, columns=80))[0][0]
    assert len(rows[0]) > len(wider)


def test_wide_shows_every_column_and_whole_names(territory: str) -> None:
    rows = tables(status(territory, "--wide", columns=80))[0]
    assert set(rows[0]) == {
        "unit",
        "name",
        "area",
        "phase",
        "type",
        "score",
        "status",
        "answered",
        "blockers",
        "overdue",
        "training",
        "equipment",
        "unattested",
        "inconsistent",
        "evidence age (days)",
    }
    assert LONG in [r["name"] for r in rows]


def test_a_pipe_gets_whole_cells(territory: str) -> None:
    rows = tables(status(territory, columns=None))[0]
    assert LONG in [r["name"] for r in rows] and "equipment" in rows[0]


def test_a_cell_with_a_newline_stays_on_its_row(capsys: pytest.CaptureFixture[str]) -> None:
    from fvmcli.cli.output import emit_table

    emit_table(["id", "comment"], [["u1", "första raden\nandra raden"], ["u2", "kort"]])
    rows = tables(capsys.readouterr().out)[0]
    assert rows == [
        {"id": "u1", "comment": "första raden andra raden"},
        {"id": "u2", "comment": "kort"},
    ]


def test_a_column_left_out_is_named_with_the_hint_and_wide_follows_the_command(
    territory: str,
) -> None:
    text = status(territory, columns=80)
    assert "Not shown at this width:" in text and "--wide" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    after = CliRunner().invoke(
        app, ["--db", territory, "cutover", "status", "--wide"], env={"COLUMNS": "80"}
    )
    assert after.exit_code == 0, after.output
    assert "Not shown at this width" not in after.stdout
    assert "phase" in tables(after.stdout)[0][0]


def _on_a_terminal(tmp_path: Path, columns: int, *args: str) -> tuple[list[str], int | None]:
    """Return the lines ``fvm args…`` prints on a real terminal ``columns`` wide, in Swedish,
    on a database with one unit, and its exit status."""
    import os
    import re
    import sys

    pexpect = pytest.importorskip("pexpect")
    db = f"sqlite:///{tmp_path / 'fvm.sqlite'}"
    ctx = factories.context(db)
    factories.units(ctx, ("vc-hjo", "ostra", "primary-care", 12, "Vårdcentralen Hjo"))
    ctx.close()
    env = {**os.environ, "FVM_LANG": "sv", "TERM": "xterm", "NO_COLOR": "1"}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fvmcli", "--db", db, *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, columns),
    )
    child.expect(pexpect.EOF)
    child.close()
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", child.before).replace("\r", "")
    return text.split("\n"), child.exitstatus


@pytest.mark.slow
def test_on_a_terminal_long_lines_break_between_words(tmp_path: Path) -> None:
    lines, _ = _on_a_terminal(tmp_path, 44, "cutover", "status", "--as-of", "2026-11-26")
    assert all(len(line) <= 44 for line in lines), lines
    start = next(i for i, line in enumerate(lines) if line.startswith("Etapp 3"))
    said = " ".join(line.strip() for line in lines[start : start + 8])
    # The warning about the missing go-live date, whole words only, however it was broken.
    for word in ("driftstartsdatum:", "tidsfrist", "försenat", "ÅÅÅÅ-MM-DD"):
        assert word in said, said
    # The command that mends it is on a line of its own, whole.
    assert "  fvm phase set 3 --go-live ÅÅÅÅ-MM-DD" in lines


def test_a_command_in_an_error_is_never_broken_by_fvm(tmp_path: Path) -> None:
    """On a terminal narrower than the command an error names, the message breaks between
    words and the command stays one line (the terminal folds it; copying takes it whole)."""
    lines, status = _on_a_terminal(tmp_path, 30, "cutover", "timeline", "--phase", "2")
    assert status == 2
    assert "  fvm phase set 2 --go-live ÅÅÅÅ-MM-DD" in lines, lines
    assert all(len(line) <= 30 for line in lines if "fvm phase set" not in line), lines


@pytest.mark.usefixtures("swedish")
def test_equipment_gaps_at_80_columns_keep_what_is_left_to_do_and_name_the_items(
    territory: str,
) -> None:
    result = CliRunner().invoke(
        app, ["--db", territory, "equipment", "gaps"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert all(len(line) <= 80 for line in text.splitlines())
    heading = next(line for line in text.splitlines() if line.startswith("artikel"))
    assert "namn" in heading and "krävs" in heading and "att anskaffa" in heading
    assert "Vårdklient" in text  # the item's name beside its id
    assert "Visas inte vid den här bredden: på plats" in text  # the counts went first
    data = CliRunner().invoke(app, ["--db", territory, "equipment", "gaps", "--json"])
    assert "name" not in data.stdout.split('"items"')[1].split("}")[0]  # ids only for scripts


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo territory, built once for the tests of what each table keeps at 80 columns."""
    from fvmcli.services import open_context
    from fvmcli.services.demo import run_demo

    db = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    run_demo(open_context(db), "2026-11-26")[0].close()
    return db


def at_80(db: str, *args: str, fits: bool = True) -> str:
    result = CliRunner().invoke(
        app, ["--db", db, *args], env={"COLUMNS": "80", "FVM_NOW": "2026-11-26T10:00"}
    )
    assert result.exit_code == 0, result.output
    if fits:
        assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout
    return result.stdout


@pytest.mark.slow
def test_each_table_keeps_the_columns_that_carry_its_point_at_80_columns(demo: str) -> None:
    shown = tables(at_80(demo, "checklist", "show", "golive"))[0]
    assert {"id", "question", "critical"} <= set(shown[0])
    assert len(shown[0]["question"]) >= 30  # the text, not the type or weight, keeps its room
    plan = tables(at_80(demo, "course", "plan", "--phase", "1"))[0]
    assert {"course", "missing", "shortfall", "sessions to add"} <= set(plan[0])
    items = tables(at_80(demo, "equipment", "show", "sas-boras-med"))[0]
    assert {"name", "required", "present", "configured", "tested"} <= set(items[0])
    sessions = tables(at_80(demo, "session", "list"))[0]
    assert {"id", "start", "seats", "location"} <= set(sessions[0])
    info = at_80(demo, "info", fits=False)  # a path is never cut: it is there to be copied
    assert demo in info
    score = at_80(demo, "checklist", "score", "golive", "--unit", "kommun-tranemo", fits=False)
    after = score.split("Blockers (")[1].splitlines()[1:]
    blockers = [
        line.split()[0]
        for line in after[: next(i for i, line in enumerate(after) if not line.startswith("  "))]
    ]
    assert blockers == ["org.project-lead", "org.staffing-plan", "org.super-users"]
    for question in blockers:
        assert score.count(f"  {question}  due") == 1  # each blocker listed once


@pytest.mark.slow
def test_a_command_to_copy_is_whole_on_its_own_line_at_80_columns(tmp_path: Path) -> None:
    import os
    import re
    import sys

    pexpect = pytest.importorskip("pexpect")
    demo = tmp_path / "a-rather-long-folder-name-for-the-demo-database" / "demo.sqlite"
    demo.parent.mkdir()
    env = {**os.environ, "FVM_LANG": "sv", "TERM": "xterm", "NO_COLOR": "1"}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fvmcli", "--db", str(demo), "demo", "--as-of", "2026-11-26"],
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(200, 80),
    )
    child.expect(pexpect.EOF)
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", child.before).replace("\r", "")
    lines = text.split("\n")
    # Longer than 80 columns, the command is still one line of its own (the terminal may
    # show it folded): nothing broke it between words.
    at = lines.index(f"  export FVM_DB={demo}")
    assert lines[at - 1] == "För att arbeta i demodata (eller lägg till --db i varje kommando):"
    assert f"  fvm --db {demo} checklist score golive --unit sas-boras-med" in lines
