"""Printed checklists: HTML (escaped, self-contained, due dates, sign-off), Markdown, PDF."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import Fvm

CONTENT = str(Path(__file__).parent / "content")


@pytest.fixture
def unit(fvm: Fvm) -> Fvm:
    fvm(
        "unit",
        "add",
        "h1",
        "--name",
        "Avd <script>alert(1)</script> & Östra",
        "--area",
        "sodra",
        "--type",
        "hospital",
    )
    fvm("phase", "set", "1", "--go-live", "2027-01-31")
    fvm(
        "--content",
        CONTENT,
        "checklist",
        "set",
        "mini",
        "--unit",
        "h1",
        "a.lead",
        "ja",
        "--comment",
        "Anna <b>Ö</b>",
        "--by",
        "karin",
    )
    return fvm


@pytest.mark.usefixtures("swedish")
def test_filled_html_is_escaped_self_contained_and_complete(unit: Fvm, tmp_path: Path) -> None:
    out = tmp_path / "h1.html"
    unit("--content", CONTENT, "checklist", "print", "mini", "--unit", "h1", "-o", str(out))
    html = out.read_text(encoding="utf-8").replace("<wbr>", "")  # ids may break after . and -
    assert "<script>alert(1)</script>" not in html
    assert "Avd &lt;script&gt;alert(1)&lt;/script&gt; &amp; Östra" in html
    assert "Anna &lt;b&gt;Ö&lt;/b&gt;" in html
    assert "<style>" in html and "@page" in html and "size: A4" in html
    assert "<link" not in html and "src=" not in html  # nothing outside the file
    assert "Finns projektledare?" in html
    assert "2027-01-01" in html  # a.lead is due T-30d before 2027-01-31
    assert "2027-01-17" in html  # a.staff: T-2w
    assert "Besvarad av: karin" in html
    assert "Underskrift" in html and "Signatur" in html and "Datum" in html
    # a municipal-only unit would not list b.pumps; a hospital lists it and its follow-up
    assert "b.pumps" in html and "b.connected" in html and "Besvaras om b.pumps är Ja" in html


def test_blank_sheet_in_english_markdown(unit: Fvm) -> None:
    md = unit(
        "--content", CONTENT, "--lang", "en", "checklist", "print", "mini", "--format", "md"
    ).stdout
    assert md.startswith("# Mini list")
    assert "| Is there a project lead? **(Critical)** `a.lead` | T-30d | ☐ Yes ☐ No" in md
    assert "## Sign-off" in md and "| Name | Date | Signature |" in md
    blank_phase = unit(
        "--content", CONTENT, "checklist", "print", "mini", "--phase", "1", "--format", "md"
    ).stdout
    assert "2027-01-01" in blank_phase


@pytest.mark.usefixtures("swedish")
def test_printouts_show_waivers_local_times_percentages_and_na(unit: Fvm, tmp_path: Path) -> None:
    """What a person reads: a waiver with its reason and end date (HTML and Markdown), the
    answer's time in Swedish local time, a percentage with %, and "Ej aktuell" offered on the
    blank sheet where a typed question allows it."""
    c = ("--content", CONTENT)
    unit(*c, "checklist", "set", "mini", "--unit", "h1", "a.pct", "46,666667")
    unit(
        *c,
        "checklist",
        "waive",
        "mini",
        "--unit",
        "h1",
        "a.staff",
        "--reason",
        "Styrgrupp <12/11>",
        "--until",
        "2027-09-30",
    )
    unit(*c, "checklist", "approve", "mini", "--unit", "h1", "a.staff", user="anna")
    md = unit(*c, "checklist", "print", "mini", "--unit", "h1", "--format", "md").stdout
    assert "_Undantag till 2027-09-30: Styrgrupp \\<12/11\\>_" in md
    assert "**47 %**" in md and "46.666667" not in md
    out = tmp_path / "h1.html"
    unit(*c, "checklist", "print", "mini", "--unit", "h1", "-o", str(out))
    html = out.read_text("utf-8")
    assert "Undantag till 2027-09-30: Styrgrupp &lt;12/11&gt;" in html
    history = unit.json(*c, "checklist", "history", "mini", "--unit", "h1")
    from fvmcli.render.values import local_time

    at = next(h["at"] for h in history if h["question"] == "a.lead")
    assert f"Besvarad av: karin, {local_time(at)}" in html
    assert "T" not in local_time(at) and "+" not in local_time(at)
    blank = unit(*c, "checklist", "print", "mini", "--format", "md").stdout
    assert "`a.pct` | T-0d | ______ ☐ Ej aktuell |" in blank


def test_local_time_is_swedish_time() -> None:
    from fvmcli.render.values import local_time, time_span

    assert local_time("2026-11-27T05:59:39+00:00") == "2026-11-27 06:59"  # CET, winter
    assert local_time("2026-07-01T12:00:00+00:00") == "2026-07-01 14:00"  # CEST, summer
    assert local_time("2026-12-12T09:00") == "2026-12-12 09:00"  # local already
    assert time_span("2026-12-12T09:00", "2026-12-12T10:00") == "2026-12-12 09:00–10:00"


@pytest.mark.usefixtures("swedish")
def test_pdf_text_reads_back(unit: Fvm, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    out = tmp_path / "h1.pdf"
    unit("--content", CONTENT, "checklist", "print", "mini", "--unit", "h1", "-o", str(out))
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert "Minilista" in text and "Finns projektledare?" in text
    assert "2027-01-01" in text and "Underskrift" in text and "Östra" in text


def test_pdf_without_weasyprint_is_exit_4(unit: Fvm, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    result = unit(
        "--content", CONTENT, "checklist", "print", "mini", "-o", str(tmp_path / "x.pdf"), code=4
    )
    assert "fvmcli[pdf]" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_needs_a_file_and_formats_are_checked(unit: Fvm) -> None:
    assert (
        "PDF needs a file" in unit("checklist", "print", "golive", "--format", "pdf", code=2).stderr
    )
    assert (
        "not one of html, md, pdf"
        in unit("checklist", "print", "golive", "--format", "doc", code=2).stderr
    )


def test_every_later_page_of_a_printout_names_the_unit(fvm: Fvm, tmp_path: Path) -> None:
    """A walk-through's pages get separated: from page 2 on each names its checklist and unit
    at the top (the golive checklist runs to several pages)."""
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    fvm("unit", "add", "vc-ost", "--name", "Vårdcentralen Öst", "--area", "ostra",
        "--type", "primary-care")  # fmt: skip
    out = tmp_path / "vc-ost.pdf"
    fvm("checklist", "print", "golive", "--unit", "vc-ost", "-o", str(out))
    pages = [page.extract_text() for page in pypdf.PdfReader(out).pages]
    assert len(pages) >= 2
    for text in pages[1:]:
        assert "· Vårdcentralen Öst (vc-ost)" in text, text[:120]
    assert "· Vårdcentralen Öst (vc-ost)" not in pages[0]  # page 1 has its own heading
