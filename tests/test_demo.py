"""`fvm demo`: its own database, the same result twice, every status and real evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app
from tests.tables import tables

pytestmark = pytest.mark.slow


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_demo_is_repeatable_and_never_touches_the_real_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real.sqlite"
    monkeypatch.setenv("FVM_DB", str(real))
    run("unit", "add", "mine", "--name", "Min enhet", "--area", "sodra", "--type", "hospital")
    first = run("demo", "--as-of", "2026-11-26")
    second = run("demo", "--as-of", "2026-11-26")
    assert first == second
    assert [u["id"] for u in json.loads(run("unit", "list", "--json"))] == ["mine"]
    demo_db = Path(tmp_path / "home" / ".local" / "share" / "fvmcli" / "demo.sqlite")
    assert demo_db.exists()
    status = json.loads(
        run("--db", str(demo_db), "cutover", "status", "--as-of", "2026-11-26", "--json")
    )
    units = status["units"]
    assert {u["status"] for u in units} == {"green", "amber", "red", "not-started"}
    assert {u["area"] for u in units} == {"sodra", "vastra", "norra", "ostra"}
    assert {u["type"] for u in units} == {
        "hospital",
        "primary-care",
        "private",
        "municipal",
        "school-health",
    }
    assert status["summary"]["units"] == len(units) == 75
    # What the demo printed is that status: every unit's row, worst first.
    shown = [u["unit"] for u in units]
    status_table = next(t for t in tables(first) if t and "status" in t[0])
    assert [r["unit"] for r in status_table] == shown[:15]  # the worst, then how many more
    assert "… and 60 more units: fvm cutover status lists them all." in first
    assert "Öckerö kommun – hemsjukvård" in first  # Swedish letters, whole
    assert f"export FVM_DB={demo_db}" in first
    assert json.loads(run("info", "--json"))["demo"] == str(demo_db)


def test_demo_refuses_to_reset_a_database_with_real_data(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'real.sqlite'}"
    run(
        "--db",
        db,
        "unit",
        "add",
        "mine",
        "--name",
        "Min enhet",
        "--area",
        "sodra",
        "--type",
        "hospital",
    )
    result = CliRunner().invoke(app, ["--db", db, "demo"])
    assert result.exit_code == 3 and "would destroy them" in result.stderr
    assert [u["id"] for u in json.loads(run("--db", db, "unit", "list", "--json"))] == ["mine"]
    assert "--reset destroys what this database holds" in result.stderr


def test_a_changed_demo_is_rebuilt_with_reset(tmp_path: Path) -> None:
    run("demo", "--as-of", "2026-11-26")
    demo_db = tmp_path / "home" / ".local" / "share" / "fvmcli" / "demo.sqlite"
    run(
        "--db",
        str(demo_db),
        "unit",
        "add",
        "mine",
        "--name",
        "Min",
        "--area",
        "sodra",
        "--type",
        "hospital",
    )
    refused = CliRunner().invoke(app, ["demo", "--as-of", "2026-11-26"])
    assert refused.exit_code == 3
    # The command to rebuild it is on a line of its own, whole, to copy.
    assert "\n  fvm demo --reset\n" in refused.stderr
    run("demo", "--as-of", "2026-11-26", "--reset")
    ids = [u["id"] for u in json.loads(run("--db", str(demo_db), "unit", "list", "--json"))]
    assert "mine" not in ids and len(ids) == 75


def test_demo_coverage_and_equipment_differ_between_units(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    run("--db", db, "demo", "--as-of", "2026-11-26")
    coverage = json.loads(run("--db", db, "course", "coverage", "--json"))["units"]
    values = {u["coverage"] for u in coverage if u["coverage"] is not None}
    assert len(values) > 5 and max(values) > 90 and min(values) < 30
    gaps = json.loads(run("--db", db, "equipment", "gaps", "--json"))
    assert gaps["units"] > 50 and sum(i["to_procure"] for i in gaps["items"]) > 0
    waived = json.loads(
        run(
            "--db",
            db,
            "checklist",
            "score",
            "golive",
            "--unit",
            "sas-skene-ort",
            "--as-of",
            "2026-11-26",
            "--json",
        )
    )["waived"]
    assert waived and waived[0]["question"] == "cut.rehearsal"


def test_the_demo_fits_a_120_column_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 120 columns the demo takes at most 60 screen lines, and ends by saying how to work
    in its data."""
    monkeypatch.setenv("COLUMNS", "120")
    text = run("demo", "--as-of", "2026-11-26")
    lines = text.splitlines()
    screen = sum(max(1, -(-len(line) // 120)) for line in lines)
    assert screen <= 60, screen
    assert all(len(line) <= 120 for line in lines if "─" in line or "%" in line)
    assert lines[-2] == "To work in the demo data (or add --db to each command):"
    assert lines[-1].startswith("  export FVM_DB=")
