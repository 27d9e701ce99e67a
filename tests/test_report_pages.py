"""The cutover report as people read it: on paper (the PDF's pages, as text and, where
pdftoppm is installed, as images) and on a screen (the HTML), in Swedish."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app

pytestmark = pytest.mark.slow
NOW = {"FVM_NOW": "2026-11-26T10:00", "FVM_LANG": "sv"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's report with a section on what moved since an earlier round: PDF and HTML."""
    pytest.importorskip("weasyprint")
    from fvmcli.services import open_context
    from fvmcli.services.demo import run_demo

    folder = tmp_path_factory.mktemp("report")
    db = f"sqlite:///{folder / 'demo.sqlite'}"
    run_demo(open_context(db), "2026-11-26")[0].close()
    runner = CliRunner()

    def fvm(*args: str) -> None:
        result = runner.invoke(app, ["--db", db, *args], env=NOW)
        assert result.exit_code == 0, result.output

    # A round two months back: fewer items were due, so blockers have come since.
    fvm("cutover", "snapshot", "T-1", "--as-of", "2026-09-26")
    found = {"pdf": folder / "r.pdf", "html": folder / "r.html"}
    for path in found.values():
        fvm("cutover", "report", "--since", "T-1", "-o", str(path))
    return found


def _pages(pdf: Path) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


HEADING_WORDS = ("Resultat", "Besvarat", "Försenade", "Blockerare", "Utbildning", "Utrustning")


def test_table_headings_break_only_between_syllables_with_a_hyphen(
    reports: dict[str, Path],
) -> None:
    text = "\n".join(_pages(reports["pdf"]))
    for word in HEADING_WORDS:
        for cut in range(2, len(word) - 1):
            broken = f"{word[:cut]}\n{word[cut:]}"
            assert broken not in text, f"{word} broken without a hyphen: {broken!r}"


def test_the_since_tables_name_their_units_and_the_needs_their_items(
    reports: dict[str, Path],
) -> None:
    html = reports["html"].read_text("utf-8").replace("<wbr>", "")  # ids break after . and -
    new = html.split("Nya blockerare (")[1].split("</table>")[0]
    cells = re.findall(r"<tr><td>([^<]*)<div class=\"qid\">([^<]*)</div>", new)
    assert cells and all(name and name != unit for name, unit in cells)
    needs = html.split("Utrustningsbehov</caption>")[1].split("</table>")[0]
    assert "Vårdklient" in needs  # the catalog's Swedish name beside the id
    assert "golive version" not in html and "Beredskap inför driftstart (version 1)" in html


def test_on_a_screen_the_report_uses_the_window(reports: dict[str, Path]) -> None:
    html = reports["html"].read_text("utf-8")
    screen = re.search(r"@media screen \{ body \{([^}]*)\}", html)
    assert screen is not None and "max-width: 1200px" in screen.group(1)
    assert "flex-wrap: wrap" in html.split(".cards {")[1].split("}")[0]
    # An id breaks after its separators (<wbr>), inside a part only when the part is wider
    # than its cell.
    assert "overflow-wrap: break-word" in html.split(".qid {")[1].split("}")[0]
    assert '<div class="qid">org.<wbr>staffing-<wbr>plan</div>' in html


def test_every_page_keeps_to_its_margins(reports: dict[str, Path], tmp_path: Path) -> None:
    """Each page as an image: nothing is printed in the right margin (a card or a status
    reason running past it)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the pages cannot be looked at")
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(reports["pdf"]), str(tmp_path / "p")], check=True
    )
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == len(_pages(reports["pdf"]))
    for image in images:
        page = Image.open(image).convert("L")
        width, height = page.size
        margin = page.crop((width - width * 12 // 210, 0, width, height))  # the right 12 mm
        assert margin.getextrema()[0] > 200, f"{image.name}: ink in the right margin"


def _lines_by_page(pdf: Path) -> list[list[tuple[float, str]]]:
    """Return each page's lines of text as (top, text), top to bottom, by where they are
    printed (pdftotext's word boxes; charts' labels included), without the page number."""
    import xml.etree.ElementTree as ET

    found = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    namespace = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for page in ET.fromstring(found).iter(f"{namespace}page"):
        rows: dict[float, list[tuple[float, str]]] = {}
        for word in page.iter(f"{namespace}word"):
            top = round(float(word.get("yMin", 0)))
            rows.setdefault(top, []).append((float(word.get("xMin", 0)), word.text or ""))
        lines = [
            (top, " ".join(w for _, w in sorted(words))) for top, words in sorted(rows.items())
        ]
        pages.append([(top, text) for top, text in lines if not re.fullmatch(r"\d+ / \d+", text)])
    return pages


def test_no_heading_is_left_at_the_foot_of_a_page(reports: dict[str, Path]) -> None:
    """A section heading (with the line of figures under it) is followed on its page by the
    start of what it heads: at least three more lines, charts' labels counted."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: where text is printed is unknown")
    html = reports["html"].read_text("utf-8")
    headings = {
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r"<h[23]>(.*?)</h[23]>", html, re.S)
    }
    assert "Prognos: grön till driftstart i nuvarande takt?" in headings
    for number, lines in enumerate(_lines_by_page(reports["pdf"]), 1):
        for at, (_, text) in enumerate(lines):
            if text in headings:
                under = len(lines) - at - 1
                assert under >= 3, f"page {number}: {text!r} has {under} lines under it"


MEASURE = """<script>
const right = Math.max(...[...document.querySelectorAll("body *")]
  .map(e => e.getBoundingClientRect().right));
document.body.dataset.measured = JSON.stringify({window: window.innerWidth,
  scroll: document.documentElement.scrollWidth, body: document.body.clientWidth, right});
</script>"""


@pytest.mark.parametrize("width", [1280, 800])
def test_on_a_screen_nothing_runs_past_the_window(
    reports: dict[str, Path], tmp_path: Path, width: int
) -> None:
    """The HTML as Chromium lays it out in a window ``width`` pixels wide: no element ends past
    the window (no sideways scrolling), and at 1280 px the page uses the window, not a column
    of 660 px."""
    import json

    browser = next(
        (
            shutil.which(b)
            for b in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(b)
        ),
        None,
    )
    if browser is None:
        pytest.skip("Chromium is not installed: the page cannot be laid out as on a screen")
    page = tmp_path / "measured.html"
    page.write_text(reports["html"].read_text("utf-8") + MEASURE, "utf-8")
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={width},1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    found = re.search(r'data-measured="([^"]*)"', dom)
    assert found is not None, "the page was not laid out"
    import html

    measured = json.loads(html.unescape(found.group(1)))
    assert measured["scroll"] <= measured["window"], measured
    assert measured["right"] <= measured["scroll"], measured
    if width == 1280:
        assert measured["body"] >= 1100, measured
