"""Outputs everyone can read and file (#45): the demo's PDFs read back as tagged PDF/UA-1 with
their language, title and bookmarks, their ids whole when the text is copied; the HTML outputs
as WCAG 2.1 AA asks (contrast computed here, the rest by axe-core in Chromium)."""

from __future__ import annotations

import email
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app

NOW = {"FVM_NOW": "2026-11-26T10:00", "FVM_LANG": "sv"}
SESSION = "super-user-2026-09-23"  # the demo's session with people on it
# Ids the demo's report prints in narrow columns (status reasons, questions).
IDS = ("org.staffing-plan", "org.project-lead", "equip.readiness", "train.coverage")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every document the demo writes for people, as PDF and HTML, and a reminder's HTML."""
    pytest.importorskip("weasyprint")
    from fvmcli.services import open_context
    from fvmcli.services.demo import run_demo

    folder = tmp_path_factory.mktemp("outputs")
    db = f"sqlite:///{folder / 'demo.sqlite'}"
    run_demo(open_context(db), "2026-11-26")[0].close()
    runner = CliRunner()

    def fvm(*args: str) -> None:
        result = runner.invoke(app, ["--db", db, *args], env=NOW)
        assert result.exit_code == 0, result.output

    fvm("cutover", "snapshot", "T-1", "--as-of", "2026-09-26")
    found: dict[str, Path] = {}
    for suffix in ("pdf", "html"):
        commands = {
            "report": ("cutover", "report", "--since", "T-1"),
            "checklist": ("checklist", "print", "golive", "--unit", "vc-hjo"),
            "roster": ("session", "roster", SESSION),
            "count": ("equipment", "print", "vc-hjo"),
        }
        for name, command in commands.items():
            found[f"{name}.{suffix}"] = folder / f"{name}.{suffix}"
            fvm(*command, "-o", str(found[f"{name}.{suffix}"]))
    fvm("remind", "--dry-run", "-o", str(folder / "eml"))
    message = email.message_from_bytes(sorted((folder / "eml").glob("*.eml"))[0].read_bytes())
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    found["digest.html"] = folder / "digest.html"
    found["digest.html"].write_bytes(html.get_payload(decode=True))  # type: ignore[arg-type]
    return found


PDFS = ("report", "checklist", "roster", "count")


def _title(html: Path) -> str:
    found = re.search(r"<title>(.*?)</title>", html.read_text("utf-8"), re.S)
    assert found is not None
    import html as markup

    return markup.unescape(found.group(1).strip())


def _headings(html: Path) -> list[str]:
    """The text of the page's h1 and h2 headings, as a reader sees them."""
    import html as markup

    text = html.read_text("utf-8")
    return [
        " ".join(markup.unescape(re.sub(r"<[^>]+>|\u00ad", "", h)).split())
        for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", text, re.S)
    ]


def _section(heading: str) -> str:
    """A heading without what it says in brackets at its end (counts, limits)."""
    return re.sub(r" \([^)]*\)$", "", heading)


def _outline(reader: object) -> list[str]:
    titles: list[str] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(" ".join(str(item["/Title"]).replace("\u00ad", "").split()))  # type: ignore[index]

    walk(reader.outline)  # type: ignore[attr-defined]
    return titles


@pytest.mark.slow
@pytest.mark.parametrize("name", PDFS)
def test_every_pdf_is_tagged_pdf_ua_with_language_title_and_bookmarks(
    outputs: dict[str, Path], name: str
) -> None:
    import pypdf

    reader = pypdf.PdfReader(outputs[f"{name}.pdf"])
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/StructTreeRoot"]["/K"]  # a structure tree
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert root["/Lang"] == "sv"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]  # the title, not the file name
    assert reader.metadata is not None and reader.metadata.title == _title(outputs[f"{name}.html"])
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp
    # Every figure (a chart) has its text alternative, the figures in words.
    figures = _figures(root["/StructTreeRoot"])
    assert all("/Alt" in f and re.search(r":.*\d", f["/Alt"]) for f in figures), figures
    assert len(figures) == (6 if name == "report" else 0)
    # A bookmark for each section: every h1 and h2 of the page, in order.
    # (The PDF report is the management summary: its headings may say "the 40 worst of 75".)
    bookmarks = [_section(b) for b in _outline(reader)]
    headings = [_section(h) for h in _headings(outputs[f"{name}.html"])]
    assert headings and [b for b in bookmarks if b in headings] == headings


def _figures(node: object) -> list[dict[str, object]]:
    """The ``Figure`` elements of a PDF's structure tree, in document order."""
    node = node.get_object() if hasattr(node, "get_object") else node  # type: ignore[attr-defined]
    found: list[dict[str, object]] = []
    if isinstance(node, dict):
        if node.get("/S") == "/Figure":
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            found += _figures(kid)
    elif isinstance(node, list):
        for kid in node:
            found += _figures(kid)
    return found


def _pdftotext(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the copied text is unknown")
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _words(pdf: Path) -> set[str]:
    """The words of the PDF as a reader copies them, a word broken over lines after one of its
    separators (``.``, ``-``, ``_``, ``/``) joined again with the next word in reading order
    when that starts the next line (pdftotext's word boxes; its plain text would drop a hyphen
    at a line end)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the copied text is unknown")
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    import html as markup

    found: set[str] = set()
    for page in xml.split("<page ")[1:]:
        words = [
            (float(x), float(y), markup.unescape(w))
            for x, y, w in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)
        ]
        i = 0
        while i < len(words):
            x, y, text = words[i]
            # The next word in reading order, on the next line: the rest of a broken word.
            while text[-1] in ".-_/" and i + 1 < len(words) and 0 < words[i + 1][1] - y < 14:
                i += 1
                y, text = words[i][1], text + words[i][2]
            found.add(text.strip(",;:()"))
            i += 1
    return found


@pytest.mark.slow
def test_ids_copied_from_the_report_come_out_whole(outputs: dict[str, Path]) -> None:
    """An id breaks only after a separator: joined there, each one reads whole (split inside a
    word, it would not be found). Ligatures are off, so a copied "ff" stays two letters, and
    every word is Swedish."""
    words = _words(outputs["report.pdf"])
    for qid in IDS:
        assert qid in words, qid
    text = _pdftotext(outputs["report.pdf"])
    assert not re.search("[\ufb00-\ufb06]", text)  # no ligature glyph in the copied text
    assert "Att anskaffa" in text.replace("\u2010\n", "")  # the heading "Att an-skaffa"
    assert "-o FIL.xlsx" in " ".join(text.split())
    assert "FILE" not in text


@pytest.mark.slow
@pytest.mark.parametrize("name", ["checklist", "roster", "count"])
def test_ids_copied_from_the_sheets_come_out_whole(outputs: dict[str, Path], name: str) -> None:
    html = outputs[f"{name}.html"].read_text("utf-8")
    ids = {
        i.replace("<wbr>", "").split(" ")[0]
        for i in re.findall(r'<div class="qid">([^<]*(?:<wbr>[^<]*)*)', html)
        if "<wbr>" in i
    }
    assert ids, "the sheet shows no id with a separator"
    assert ids <= _words(outputs[f"{name}.pdf"])


# ---------------------------------------------------------------- the HTML, as WCAG 2.1 AA asks

TEMPLATES = Path(__file__).parent.parent / "templates"
WHITE = "#ffffff"


def test_contrast_is_the_wcag_formula() -> None:
    from fvmcli.render.contrast import contrast, ink

    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#fff", "#fff") == pytest.approx(1)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # just under AA
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # just over
    assert ink("#d4ac0d") == "#111111" and ink("#1b4f72") == "#ffffff"


def _text_colours() -> dict[str, set[str]]:
    """Every colour text is set in by the templates (CSS ``color``, SVG text ``fill``), with
    the templates that use it."""
    found: dict[str, set[str]] = {}
    for template in TEMPLATES.glob("*.j2"):
        source = template.read_text("utf-8")
        colours = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})\b", source)
        colours += re.findall(r'<text[^>]*fill="(#[0-9a-fA-F]{3,6})"', source)
        for colour in colours:
            found.setdefault(colour.lower(), set()).add(template.name)
    return found


def test_every_text_colour_reads_at_aa_on_its_page() -> None:
    """Text of every colour the templates use, status words included, stands out from the
    white page at 4.5:1 or more (WCAG 2.1 SC 1.4.3, small text); headings of tables on their
    tint too, and the number printed on each bar of a chart on the bar's colour."""
    from fvmcli.render.contrast import contrast, ink
    from fvmcli.render.report import STATUS_COLOURS

    colours = _text_colours()
    assert "#8a5a00" in colours and "#b03a2e" in colours  # amber and red status words
    low = {c: round(contrast(c, WHITE), 2) for c in colours if contrast(c, WHITE) < 4.5}
    assert not low, f"text colours under 4.5:1 on white: {low} (in {colours})"
    css = (TEMPLATES / "print.css.j2").read_text("utf-8")
    tint = re.search(r"th \{ background: (#[0-9a-f]{6})", css)
    assert tint is not None
    assert contrast("#111", tint.group(1)) >= 4.5
    for status, colour in STATUS_COLOURS.items():
        assert contrast(ink(colour), colour) >= 4.5, status
        assert contrast(colour, WHITE) >= 3, status  # a bar against the page (SC 1.4.11)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["report", "checklist", "roster", "count", "digest"])
def test_every_html_output_is_structured_for_assistive_technology(
    outputs: dict[str, Path], name: str
) -> None:
    """Its language, one h1 and headings in order, every table captioned with its column
    headings scoped, every chart with its figures in words, and every status coloured also
    written out as its word."""
    html = outputs[f"{name}.html"].read_text("utf-8")
    assert '<html lang="sv">' in html
    levels = [int(h) for h in re.findall(r"<h([1-6])[\s>]", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    tables = re.findall(r"<table[^>]*>(.*?)</table>", html, re.S)
    assert len(tables) >= (0 if name == "digest" else 1)
    for table in tables:
        assert re.match(r"\s*<caption[^>]*>\s*\S", table), table[:200]
        assert "<th" in table and not re.search(r"<th(?![^>]*scope=)[\s>]", table)
    for svg in re.findall(r"<svg[^>]*>", html):
        label = re.search(r' aria-label="([^"]*)"', svg)
        assert 'role="img"' in svg and label is not None, svg[:300]
        assert re.search(r":.*\d", label.group(1)), svg[:300]  # its figures, after its name
    from fvmcli import i18n
    from fvmcli.render.values import WORDS

    i18n.use("sv")
    try:
        words = {s: i18n._(WORDS[s]) for s in ("green", "amber", "red", "not-started")}
    finally:
        i18n.use("en")
    for status, cell in re.findall(r'<td class="status-([\w-]+)">(.*?)</td>', html, re.S):
        if status in words:
            assert words[status] in cell, (status, cell)


# ---------------------------------------------------------------- axe-core in Chromium

AXE_RUN = Path(__file__).parent / "axe_run.js"


def _browser() -> str:
    found = next(
        (
            shutil.which(b)
            for b in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(b)
        ),
        None,
    )
    if found is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    return found


def _node() -> tuple[str, dict[str, str]]:
    """Node and the environment in which it finds axe-core and playwright-core (npm packages):
    FVM_NODE_MODULES names their node_modules folder, else a node_modules in or above the
    clone, else npm's global one."""
    import os

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: axe-core cannot run")
    folders = [os.environ.get("FVM_NODE_MODULES", "")]
    if shutil.which("npm"):
        folders.append(
            subprocess.run(["npm", "root", "-g"], capture_output=True, text=True).stdout.strip()
        )
    env = {**os.environ, "NODE_PATH": os.pathsep.join(f for f in folders if f)}
    for package in ("axe-core", "playwright-core"):
        found = subprocess.run(
            [node, "-e", f"require.resolve('{package}')"],
            capture_output=True,
            cwd=Path(__file__).parent.parent,
            env=env,
        )
        if found.returncode != 0:
            pytest.skip(
                f"{package} is not installed (npm install axe-core playwright-core, "
                "or FVM_NODE_MODULES=its node_modules folder)"
            )
    return node, env


def _axe(pages: list[Path], width: int) -> dict[str, list[dict[str, object]]]:
    """The WCAG 2.1 A/AA violations axe-core finds in each page, laid out by Chromium in a
    viewport ``width`` pixels wide (tests/axe_run.js)."""
    import json

    browser = _browser()
    node, env = _node()
    done = subprocess.run(
        [node, str(AXE_RUN), browser, str(width), *(str(p.resolve()) for p in pages)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert {r["width"] for r in found.values()} == {width}  # the viewport asked for
    return {Path(page).stem: result["violations"] for page, result in found.items()}


@pytest.mark.slow
def test_axe_finds_what_it_should(tmp_path: Path) -> None:
    """The check itself can fail: grey on white and a chart without its text are found."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>x</title></head><body><main><h1>x</h1>'
        '<p style="color:#aaa">grått</p><svg role="img"></svg></main></body></html>',
        "utf-8",
    )
    found = {v["id"] for v in _axe([page], 1280)["bad"]}
    assert {"color-contrast", "svg-img-alt"} <= found, found


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 400])
def test_no_axe_violation_at_wcag_2_1_aa(outputs: dict[str, Path], width: int) -> None:
    """Every HTML output of the demo, in Chromium at 1280 and 400 px wide: no violation of
    axe-core's WCAG 2.0/2.1 A and AA rules."""
    names = ["report", "checklist", "roster", "count", "digest"]
    found = _axe([outputs[f"{name}.html"] for name in names], width)
    assert set(found) == set(names)
    assert {name: v for name, v in found.items() if v} == {}
