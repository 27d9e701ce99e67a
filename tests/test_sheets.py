"""Answer sheets: made per unit, filled in as a person would, read back by cell."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import Fvm

openpyxl = pytest.importorskip("openpyxl")
CONTENT = str(factories.TEST_CONTENT)
pytestmark = pytest.mark.store


@pytest.fixture
def made(fvm: Fvm, tmp_path: Path) -> tuple[Fvm, Path]:
    """Two hospital units with answers, and their sheets in a folder."""
    ctx = factories.context(fvm.url, content=True)
    factories.units(ctx, ("h1", "sodra", "hospital", 8), ("h2", "sodra", "hospital", 8))
    factories.go_live(ctx, p1="2030-01-31")
    factories.answered(ctx, "mini", "h1", a_lead="yes", a_staff="no", b_pumps="yes")
    ctx.close()
    out = tmp_path / "svar"
    result = fvm(
        "--content", CONTENT, "checklist", "sheet", "mini", "--area", "sodra", "-o", str(out)
    )
    assert "h1.xlsx" in result.stdout and "h2.xlsx" in result.stdout
    return fvm, out


def rows_of(path: Path) -> tuple[object, dict[str, int]]:
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    return book, {ws.cell(r, 7).value: r for r in range(7, ws.max_row + 1) if ws.cell(r, 7).value}


@pytest.mark.usefixtures("swedish")
def test_a_sheet_shows_the_unit_and_its_questions(made: tuple[Fvm, Path]) -> None:
    _, out = made
    book, rows = rows_of(out / "h1.xlsx")
    ws = book.worksheets[0]
    assert ws.title == "Svar" and "Enhet h1 (h1)" in ws["B2"].value
    assert "Driftstart 2030-01-31" in ws["B3"].value and ws["A4"].value == "Ifylld av"
    assert set(rows) >= {"a.lead", "a.staff", "a.pct", "b.pumps", "b.connected", "b.train"}
    assert ws.cell(rows["a.lead"], 5).value == "Ja" and ws.cell(rows["a.staff"], 5).value == "Nej"
    assert ws.cell(rows["a.lead"], 4).value.date().isoformat() == "2030-01-01"  # T-30d
    assert ws.protection.sheet and not ws.cell(rows["a.lead"], 5).protection.locked
    assert ws.cell(rows["a.lead"], 2).protection.locked
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists[f"E{rows['a.staff']}"] == '"Ja,Delvis,Nej"'
    assert f"E{rows['a.pct']}" not in lists  # a percent that allows "Ej aktuell" is typed
    assert ws.column_dimensions["G"].hidden and book["fvm"].sheet_state == "hidden"
    assert "räknas fram av fvm" in ws.cell(rows["b.train"], 5).value


def test_a_filled_sheet_round_trips(made: tuple[Fvm, Path]) -> None:
    fvm, out = made
    book, rows = rows_of(out / "h1.xlsx")
    ws = book.worksheets[0]
    ws.cell(rows["a.staff"], 5).value = "delvis"  # a Swedish word
    ws.cell(rows["a.pct"], 5).value = "87,5"  # a decimal comma
    ws.cell(rows["a.pct"], 6).value = "Enligt schema v. 48"
    ws.cell(rows["a.lead"], 5).value = None  # a cleared cell erases nothing
    ws["B4"] = "Karin Berg"
    book.save(out / "h1.xlsx")
    c = ("--content", CONTENT)
    files = [str(out / "h1.xlsx"), str(out / "h2.xlsx")]
    assert "Saved 2 of" in fvm(*c, "checklist", "import", "mini", *files).stdout
    assert "Saved 0 of" in fvm(*c, "checklist", "import", "mini", *files).stdout
    score = fvm.json(*c, "checklist", "score", "mini", "--unit", "h1")
    values = {q["id"]: q["value"] for q in score["questions"]}
    assert values["a.staff"] == "partial" and values["a.pct"] == 87.5 and values["a.lead"] == "yes"
    history = fvm.json(*c, "checklist", "history", "mini", "--unit", "h1", "--question", "a.pct")
    assert history[-1]["by"] == "Karin Berg" and history[-1]["comment"] == "Enligt schema v. 48"


def test_every_refusal_names_its_cell_and_stores_nothing(made: tuple[Fvm, Path]) -> None:
    fvm, out = made
    book, rows = rows_of(out / "h1.xlsx")
    ws = book.worksheets[0]
    ws.cell(rows["a.staff"], 5).value = "kanske"
    ws.cell(rows["a.pct"], 5).value = 1.4  # typed "140 %" in its percent cell
    ws.cell(rows["a.lead"], 6).value = "x" * 20_000
    book.save(out / "h1.xlsx")
    c = ("--content", CONTENT)
    before = fvm.scalar("SELECT count(*) FROM history")
    err = fvm(
        *c, "checklist", "import", "mini", str(out / "h1.xlsx"), str(out / "h2.xlsx"), code=2
    ).stderr
    assert f"h1.xlsx!E{rows['a.staff']}: 'kanske' is not an answer to a.staff" in err
    assert f"h1.xlsx!E{rows['a.pct']}: '140 %' is not an answer" in err
    assert f"h1.xlsx!F{rows['a.lead']}: is longer than 10000 characters" in err
    assert "Nothing was imported" in err
    assert fvm.scalar("SELECT count(*) FROM history") == before


def test_a_changed_answer_is_a_conflict_unless_overwrite(made: tuple[Fvm, Path]) -> None:
    fvm, out = made
    c = ("--content", CONTENT)
    book, rows = rows_of(out / "h1.xlsx")
    book.worksheets[0].cell(rows["a.staff"], 5).value = "Ja"
    book.save(out / "h1.xlsx")
    fvm(*c, "checklist", "set", "mini", "--unit", "h1", "a.staff", "delvis")
    err = fvm(*c, "checklist", "import", "mini", str(out / "h1.xlsx"), code=3).stderr
    assert f"h1.xlsx!E{rows['a.staff']}" in err
    assert "the sheet says «yes», the database now «partial» (it was «no»" in err
    fvm(*c, "checklist", "import", "mini", str(out / "h1.xlsx"), "--overwrite")
    score = fvm.json(*c, "checklist", "score", "mini", "--unit", "h1")
    assert next(q for q in score["questions"] if q["id"] == "a.staff")["value"] == "yes"


def test_sheets_of_another_checklist_or_a_changed_version_are_refused(
    made: tuple[Fvm, Path], tmp_path: Path
) -> None:
    fvm, out = made
    err = fvm("checklist", "import", "golive", str(out / "h1.xlsx"), code=2).stderr
    assert "is a sheet of checklist 'mini', not 'golive'" in err
    changed = tmp_path / "v3"
    shutil.copytree(factories.TEST_CONTENT, changed)
    mini = changed / "checklists" / "mini.toml"
    text = mini.read_text("utf-8").replace("version = 2", "version = 3")
    mini.write_text(text.replace('id = "a.staff"\n', 'id = "a.staff"\nrevised = 3\n'), "utf-8")
    err = fvm(
        "--content", str(changed), "checklist", "import", "mini", str(out / "h1.xlsx"), code=2
    ).stderr
    assert "was made for version 2; since then a.staff changed meaning" in err


def test_a_plain_xlsx_with_the_csv_columns_imports(fvm: Fvm, tmp_path: Path) -> None:
    fvm("unit", "add", "h1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["unit", "question", "value", "comment"])
    ws.append(["h1", "a.lead", "Ja", "Anna"])
    ws.append(["h1", "a.pct", 75, None])
    path = tmp_path / "svar.xlsx"
    book.save(path)
    fvm("--content", CONTENT, "checklist", "import", "mini", str(path))
    score = fvm.json("--content", CONTENT, "checklist", "score", "mini", "--unit", "h1")
    values = {q["id"]: q["value"] for q in score["questions"]}
    assert values["a.lead"] == "yes" and values["a.pct"] == 75
    ws.append(["h1", "a.staff", "kanske", None])
    book.save(path)
    err = fvm("--content", CONTENT, "checklist", "import", "mini", str(path), code=2).stderr
    assert "svar.xlsx!C4: 'kanske'" in err


def test_a_sheet_saved_again_by_libreoffice_still_imports(made: tuple[Fvm, Path]) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed: the re-save test needs it")
    fvm, out = made
    book, rows = rows_of(out / "h1.xlsx")
    book.worksheets[0].cell(rows["a.staff"], 5).value = "Delvis"
    book.save(out / "h1.xlsx")
    again = out / "resaved"
    subprocess.run(
        [
            office,
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(again),
            str(out / "h1.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    fvm("--content", CONTENT, "checklist", "import", "mini", str(again / "h1.xlsx"))
    score = fvm.json("--content", CONTENT, "checklist", "score", "mini", "--unit", "h1")
    values = {q["id"]: q["value"] for q in score["questions"]}
    assert values["a.staff"] == "partial"  # the change made before LibreOffice saved it
    assert values["a.lead"] == "yes" and values["b.pumps"] == "yes"  # the rest as they were
