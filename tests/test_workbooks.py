"""Answer workbooks as they come back from the field: in English, rearranged, damaged, or
made to hurt. Each is imported whole or refused with exit 2 naming the file, and a refused
one stores nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests import factories
from tests.conftest import Fvm

CONTENT = str(factories.TEST_CONTENT)
pytestmark = pytest.mark.store


@pytest.fixture
def sheet(fvm: Fvm, tmp_path: Path) -> tuple[Fvm, Path]:
    """A hospital unit whose a.staff is answered 'partial', and its sheet made in English."""
    ctx = factories.context(fvm.url, content=True)
    factories.units(ctx, ("h1", "sodra", "hospital", 8))
    factories.go_live(ctx, p1="2030-01-31")
    factories.answered(ctx, "mini", "h1", a_lead="yes", a_staff="partial")
    ctx.close()
    out = tmp_path / "svar"
    fvm("--content", CONTENT, "--lang", "en", "checklist", "sheet", "mini", "--unit", "h1",
        "-o", str(out))  # fmt: skip
    return fvm, out / "h1.xlsx"


def imported(fvm: Fvm, path: Path, code: int = 0) -> str:
    result = fvm("--content", CONTENT, "checklist", "import", "mini", str(path), code=code)
    return result.stdout + result.stderr


def history_rows(fvm: Fvm) -> object:
    return fvm.scalar("SELECT count(*) FROM history")


def test_an_english_sheet_imports_back_unchanged(sheet: tuple[Fvm, Path]) -> None:
    fvm, path = sheet
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert "Partly" in [c.value for row in ws.iter_rows() for c in row]
    before = history_rows(fvm)
    assert "Saved 0 of" in imported(fvm, path)
    assert history_rows(fvm) == before


def test_the_answer_sheet_is_found_wherever_it_was_moved(sheet: tuple[Fvm, Path]) -> None:
    fvm, path = sheet
    book = openpyxl.load_workbook(path)
    answers = book.worksheets[0]
    row = next(r for r in range(1, answers.max_row + 1) if answers.cell(r, 7).value == "a.lead")
    answers.cell(row, 5).value = "No"
    notes = book.create_sheet("Anteckningar", 0)  # a sheet of the user's own, put first
    notes["A1"] = "Genomgång 12/11"
    book.save(path)
    assert "Saved 1 of" in imported(fvm, path)
    score = fvm.json("--content", CONTENT, "checklist", "score", "mini", "--unit", "h1")
    assert next(q for q in score["questions"] if q["id"] == "a.lead")["value"] == "no"


def test_a_workbook_without_its_answers_is_refused_not_imported_as_nothing(
    sheet: tuple[Fvm, Path],
) -> None:
    fvm, path = sheet
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        if ws.title != "fvm":
            for r in range(1, ws.max_row + 1):
                ws.cell(r, 7).value = None  # the hidden question ids are gone
    book.save(path)
    before = history_rows(fvm)
    out = imported(fvm, path, code=2)
    assert "no sheet holds the answers" in out and "h1.xlsx" in out
    assert history_rows(fvm) == before


def _rewritten(path: Path, change: dict[str, bytes | None], *, flag: str | None = None) -> bytes:
    """Return the workbook at ``path`` with parts replaced (None: removed), and the part named
    ``flag`` marked as encrypted."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change.get(info.filename, src.read(info.filename))
            if data is None:
                continue
            dst.writestr(info.filename, data)
    packed = bytearray(out.getvalue())
    if flag is not None:  # set the 'encrypted' bit in the part's local and central headers
        name = flag.encode()
        for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = 0
            while (start := packed.find(signature, start)) >= 0:
                offset = 30 if signature == b"PK\x03\x04" else 46
                if packed[start + offset : start + offset + len(name)] == name:
                    packed[start + at] |= 0x1
                start += 4
    return bytes(packed)


def _meta_with_version(path: Path, version: str) -> bytes:
    book = openpyxl.load_workbook(path)
    meta = book["fvm"]
    row = next(r for r in range(1, 10) if meta.cell(r, 1).value == "version")
    meta.cell(row, 2).value = version
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _only_meta(path: Path) -> bytes:
    book = openpyxl.load_workbook(path)
    for ws in list(book.worksheets):
        if ws.title != "fvm":
            book.remove(ws)
    book["fvm"].sheet_state = "visible"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bad_deflate(path: Path) -> bytes:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size, 400)):
        data[i] ^= 0x5A
    return bytes(data)


SHEET = "xl/worksheets/sheet1.xml"
DTD = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
    b"<worksheet>&lol2;</worksheet>"
)
DTD16 = DTD.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
CASES = {
    # UTF-16 with and without its byte order mark: the bytes "<!ENTITY" are never in the file.
    "entities in UTF-16": (
        lambda p: _rewritten(p, {SHEET: DTD16.encode("utf-16")}),
        "declares a document type",
    ),
    "entities in UTF-16-BE": (
        lambda p: _rewritten(p, {SHEET: DTD16.encode("utf-16-be")}),
        "declares a document type",
    ),
    "entities in UTF-7": (
        lambda p: _rewritten(
            p,
            {
                SHEET: b'<?xml version="1.0" encoding="UTF-7"?>'
                + DTD.split(b"?>", 1)[1].decode().encode("utf-7")
            },
        ),
        "save it again as UTF-8",
    ),  # fmt: skip
    "a zip bomb": (lambda p: _rewritten(p, {SHEET: b" " * (40 * 2**20)}), "unpacks"),
    "an encrypted part": (lambda p: _rewritten(p, {}, flag=SHEET), "encrypted"),
    "entity declarations": (lambda p: _rewritten(p, {SHEET: DTD}), "declares a document type"),
    "bad XML": (lambda p: _rewritten(p, {SHEET: b"<worksheet><row>"}), "not a readable XLSX"),
    "a missing part": (lambda p: _rewritten(p, {SHEET: None}), "no sheet"),
    "bad deflate": (_bad_deflate, "not a readable XLSX"),
    "an encrypted workbook (OLE)": (
        lambda p: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096,
        "without a password",
    ),
    "no answer sheet": (_only_meta, "no sheet"),
    "a version of '²'": (lambda p: _meta_with_version(p, "²"), "names no checklist version"),
    "an empty file": (lambda p: b"", "not a readable XLSX"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_damaged_or_hostile_workbook_is_refused_with_exit_2(
    sheet: tuple[Fvm, Path], tmp_path: Path, case: str
) -> None:
    fvm, path = sheet
    make, words = CASES[case]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make(path))
    before = history_rows(fvm)
    out = imported(fvm, bad, code=2)
    assert words in out and "bad.xlsx" in out and "Traceback" not in out
    assert history_rows(fvm) == before


def test_sheets_are_set_up_to_print(sheet: tuple[Fvm, Path], tmp_path: Path) -> None:
    """Landscape A4, all columns on one page's width, the heading row on every page, the
    filled area only, and rows as high as their wrapped text."""
    fvm, path = sheet
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$6:$6"
    assert str(ws.print_area).endswith("$A$1:$F$" + str(ws.max_row))
    fvm("checklist", "sheet", "golive", "--unit", "h1", "-o", str(tmp_path / "golive"))
    long = openpyxl.load_workbook(tmp_path / "golive" / "h1.xlsx").worksheets[0]
    heights = [long.row_dimensions[r].height or 15 for r in range(7, long.max_row + 1)]
    assert min(heights) >= 15 and max(heights) >= 45  # wrapped rows are as high as their text
    report = tmp_path / "r.xlsx"
    fvm("--content", CONTENT, "cutover", "report", "--checklist", "mini", "-o", str(report))
    for sheet_ws in openpyxl.load_workbook(report).worksheets:
        assert sheet_ws.page_setup.orientation == "landscape", sheet_ws.title
        assert sheet_ws.print_title_rows == "$1:$1", sheet_ws.title


@pytest.mark.slow
@pytest.mark.skipif(
    __import__("shutil").which("soffice") is None,
    reason="LibreOffice is not installed: printing through it cannot be checked",
)
def test_libreoffice_prints_the_answer_sheet_with_every_column_and_its_headings(
    sheet: tuple[Fvm, Path], tmp_path: Path
) -> None:
    import subprocess

    pypdf = pytest.importorskip("pypdf")
    fvm, _ = sheet
    fvm("--lang", "en", "checklist", "sheet", "golive", "--unit", "h1", "-o", str(tmp_path))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "h1.xlsx"),
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "h1.pdf").pages]
    assert 1 <= len(pages) <= 4  # not the 6 pages columns spread over before
    for text in pages:  # the heading row on every page, the answer column beside the questions
        assert "Question" in text and "Answer" in text and "Comment" in text, text[:200]


def test_openpyxl_parses_through_defusedxml() -> None:
    """The second wall behind the guard: openpyxl refuses entities itself when defusedxml is
    installed, and fvm depends on it."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_a_long_text_wraps_in_its_cell_and_its_column_stays_narrow(tmp_path: Path) -> None:
    import openpyxl

    from fvmcli.render.workbook import MAX_COLUMN_WIDTH, Book

    reason = "blockerare: org.project-lead, cut.plan, org.staffing-plan, org.super-users"
    book = Book(tmp_path / "w.xlsx")
    book.sheet("Units", ["unit", "reason"], [["u1", reason], ["u2", "kort"]], {})
    book.close()
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["Units"]
    assert ws["B2"].value == reason and ws["B2"].alignment.wrap_text
    assert not ws["B3"].alignment.wrap_text  # a short text as it is
    assert ws.column_dimensions["B"].width <= MAX_COLUMN_WIDTH + 1
