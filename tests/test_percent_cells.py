"""Excel's "90 %": a percent answer cell holds a fraction with a percent format, as Excel keeps
it, and is read back as the percentage the person sees (issue 48, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import Fvm

openpyxl = pytest.importorskip("openpyxl")
CONTENT = str(factories.TEST_CONTENT)
pytestmark = pytest.mark.store


@pytest.fixture
def sheet(fvm: Fvm, tmp_path: Path) -> tuple[Fvm, Path]:
    """Unit h1 with a.pct answered 100, and its answer sheet."""
    ctx = factories.context(fvm.url, content=True)
    factories.units(ctx, ("h1", "sodra", "hospital", 8))
    factories.answered(ctx, "mini", "h1", a_pct="100", a_lead="yes")
    ctx.close()
    path = tmp_path / "h1.xlsx"
    fvm("--content", CONTENT, "checklist", "sheet", "mini", "--unit", "h1", "-o", str(path))
    return fvm, path


def pct_cell(path: Path):  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    row = next(r for r in range(7, ws.max_row + 1) if ws.cell(r, 7).value == "a.pct")
    return book, ws.cell(row, 5)


def edit(path: Path, value: object, number_format: str | None = None) -> str:
    """Put ``value`` in the a.pct cell as Excel would store it; return the cell's name."""
    book, cell = pct_cell(path)
    cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    book.save(path)
    return str(cell.coordinate)


def stored(fvm: Fvm) -> str:
    return str(fvm.scalar("SELECT value FROM answers WHERE question = 'a.pct'"))


def test_the_sheet_writes_a_percent_as_excel_keeps_one(sheet: tuple[Fvm, Path]) -> None:
    _, path = sheet
    _book, cell = pct_cell(path)
    # 100 % is the fraction 1, formatted as a percentage: Excel shows "100 %".
    assert cell.value == 1 and "%" in cell.number_format


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (0.9, "0 %", "90"),  # typed "90 %" (or 90) in a percent cell: Excel stores 0.9
        (0.875, "0.0%", "87.5"),
        (90, "General", "90"),  # a plain number, in a cell whose format was cleared
        ("90 %", "@", "90"),  # text
        ("0,9 %", "@", "0.9"),  # less than one per cent, said so
        (0, "General", "0"),
        (90, None, "90"),  # 90 written into the percent cell by a program, not typed: 90
    ],
)
def test_a_percent_cell_round_trips_as_the_person_means_it(
    sheet: tuple[Fvm, Path], value: object, number_format: str | None, expected: str
) -> None:
    fvm, path = sheet
    edit(path, value, number_format)
    fvm("--content", CONTENT, "checklist", "import", "mini", str(path))
    assert stored(fvm) == expected
    score = fvm.json("--content", CONTENT, "checklist", "score", "mini", "--unit", "h1")
    assert next(q for q in score["questions"] if q["id"] == "a.pct")["value"] == float(expected)
    # A sheet made again shows the same percentage, and reads back unchanged.
    fvm("--content", CONTENT, "checklist", "sheet", "mini", "--unit", "h1", "-o", str(path))
    _book, cell = pct_cell(path)
    assert cell.value == pytest.approx(float(expected) / 100) and "%" in cell.number_format
    out = fvm("--content", CONTENT, "checklist", "import", "mini", str(path)).stdout
    assert "Saved 0 of" in out and stored(fvm) == expected


@pytest.mark.usefixtures("swedish")
def test_a_plain_fraction_in_a_percent_question_is_refused_naming_the_cell(
    sheet: tuple[Fvm, Path],
) -> None:
    fvm, path = sheet
    where = edit(path, 0.9, "General")
    err = fvm("--content", CONTENT, "checklist", "import", "mini", str(path), code=2).stderr
    assert f"h1.xlsx!{where}" in err
    assert "0,9 är tvetydigt för en procentsats (ett kalkylark lagrar 90 % som 0,9)" in err
    assert "skriv 90 för 90 %, eller 0,9 % för mindre än en procent" in err
    assert stored(fvm) == "100"
    history = fvm.json("--content", CONTENT, "checklist", "history", "mini", "--unit", "h1")
    assert [h["value"] for h in history if h["question"] == "a.pct"] == ["100"]


def test_a_plain_xlsx_reads_a_percent_cell_as_a_percentage(fvm: Fvm, tmp_path: Path) -> None:
    ctx = factories.context(fvm.url, content=True)
    factories.units(ctx, ("h1", "sodra", "hospital", 8))
    ctx.close()
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["unit", "question", "value"])
    ws.append(["h1", "a.pct", 0.9])
    ws["C2"].number_format = "0%"
    path = tmp_path / "svar.xlsx"
    book.save(path)
    fvm("--content", CONTENT, "checklist", "import", "mini", str(path))
    assert stored(fvm) == "90"
    history = json.loads(
        fvm("--content", CONTENT, "checklist", "history", "mini", "--unit", "h1", "--json").stdout
    )
    assert [h["value"] for h in history] == ["90"]
