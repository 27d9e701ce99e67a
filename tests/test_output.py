"""One way to emit: every result is a view shown as JSON, CSV or a table, to one environment."""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from fvmcli.cli import environment
from fvmcli.cli.environment import Environment
from tests import factories
from tests.conftest import Fvm

pytestmark = pytest.mark.store
PACKAGE = Path(__file__).resolve().parent.parent / "fvmcli"


@pytest.fixture
def territory(fvm: Fvm) -> Fvm:
    """Three units of two areas, one of them answered."""
    ctx = factories.context(fvm.url)
    factories.units(
        ctx,
        ("vc-hjo", "ostra", "primary-care", 12),
        ("su-avd-12", "sodra", "hospital", 30),
        ("sas-med", "sodra", "hospital", 20),
    )
    factories.go_live(ctx, p1="2027-02-01")
    ctx.close()
    return fvm


@pytest.fixture
def pinned() -> Iterator[None]:
    yield
    environment.use(None)


def read_csv(text: str, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_a_listing_prints_as_csv_for_excel_and_for_scripts(territory: Fvm) -> None:
    excel = territory("unit", "list", "--csv").stdout
    assert excel.startswith("\ufeff")  # Swedish Excel opens it as columns
    rows = read_csv(excel, ";")
    listed = territory.json("unit", "list")
    assert [r["id"] for r in rows] == [u["id"] for u in listed]
    sas = next(r for r in rows if r["id"] == "sas-med")
    assert sas["area"] == "sodra" and sas["type"] == "hospital" and sas["staff"] == "20"
    plain = territory("unit", "list", "--plain-csv").stdout
    assert not plain.startswith("\ufeff")
    assert read_csv(plain, ",") == rows


def test_status_as_csv_has_the_json_units(territory: Fvm) -> None:
    units = territory.json("cutover", "status")["units"]
    rows = read_csv(territory("cutover", "status", "--plain-csv").stdout, ",")
    assert [r["unit"] for r in rows] == [u["unit"] for u in units]
    assert [r["status"] for r in rows] == [u["status"] for u in units]
    # The keys of the JSON units in their order, as the report's CSV has them (the reason,
    # an object, stays in JSON).
    assert list(rows[0]) == [k for k in units[0] if k != "reason"]


def test_json_and_csv_at_once_are_refused(territory: Fvm) -> None:
    err = territory("unit", "list", "--json", "--csv", code=2).stderr
    assert "--json" in err and "--csv" in err


def test_a_document_that_is_no_listing_has_no_csv(territory: Fvm) -> None:
    result = territory("unit", "show", "vc-hjo", "--csv", code=2)
    assert "--csv" in result.stderr  # refused as an unknown option, not half-written


def test_a_test_environment_sets_the_width_and_fvm_now_the_clock(
    territory: Fvm, pinned: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FVM_NOW", "2027-01-20T09:00:00+01:00")
    environment.use(Environment.mock(width=60))
    shown = territory("cutover", "status").stdout
    table = [line for line in shown.splitlines() if line and not line.startswith(" ")]
    assert max(len(line) for line in table) <= 60
    assert "--wide" in shown  # columns left out are named, with the way to see them all
    assert territory.json("cutover", "status")["as_of"] == "2027-01-20"
    wide = territory("--wide", "cutover", "status").stdout
    assert "--wide" not in wide and max(len(line) for line in wide.splitlines()) > 60


def test_the_environment_is_this_process_again_after_a_run(territory: Fvm) -> None:
    territory("unit", "list")
    assert not environment.running()  # a run leaves nothing behind


def _sources(folder: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(folder.rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")


def test_no_command_chooses_between_json_and_a_table() -> None:
    found = []
    for path, text in _sources(PACKAGE / "cli"):
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.If | ast.IfExp) and "as_json" in ast.unparse(node.test):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == [], "a command emits through Output.emit, not by choosing itself"


def test_every_module_is_of_a_size() -> None:
    large = {
        str(path.relative_to(PACKAGE)): n
        for path, text in _sources(PACKAGE)
        if (n := text.count("\n")) > 460 and "migrations" not in path.parts
    }
    assert large == {}, "split a module by what it holds (docs/architecture.md)"


def test_blockers_as_json_keep_the_documented_keys(territory: Fvm) -> None:
    data = territory.json("cutover", "blockers", "--as-of", "2027-03-01")
    assert set(data) == {"as_of", "checklist", "items"}
    assert data["items"], "past go-live every unanswered critical question is a blocker"
    keys = {"unit", "name", "question", "text", "due", "days_overdue", "owner", "blocker", "waiver"}
    keys |= {"waiting_for", "inconsistent"}  # turn 4: prerequisites
    assert all(set(i) == keys for i in data["items"])
    rows = read_csv(territory("cutover", "blockers", "--as-of", "2027-03-01", "--csv").stdout, ";")
    assert len(rows) == len(data["items"]) and set(rows[0]) == keys


def test_trend_names_its_areas_and_a_session_shows_its_time(territory: Fvm) -> None:
    from fvmcli.services import training

    territory("cutover", "snapshot", "r1", "--as-of", "2026-11-20")
    out = territory("--lang", "sv", "cutover", "trend").stdout
    assert "Södra området" in out and "Östra området" in out
    assert "sodra" not in out and "ostra" not in out  # the ids stay in --json
    assert {a["area"] for a in territory.json("cutover", "trend")["areas"]} == {"sodra", "ostra"}
    ctx = factories.context(territory.url)
    saved = training.add_session(
        ctx,
        "millennium-intro",
        start="2026-12-01T09:00",
        end="2026-12-01T12:00",
        capacity=2,
        by="factory",
    )
    ctx.close()
    shown = territory("--lang", "sv", "session", "show", saved.id).stdout
    assert "2026-12-01 09:00–12:00" in shown and "T09" not in shown


def test_a_session_time_that_is_no_time_is_shown_as_stored() -> None:
    from fvmcli.render.values import time_span

    assert time_span("2026-12-01T09:00", "2026-12-01T12:00") == "2026-12-01 09:00–12:00"
    assert time_span("igår", "2026-12-01T12:00") == "igår – 2026-12-01T12:00"  # no traceback
