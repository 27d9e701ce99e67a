"""Cutover: territory figures agree with per-unit ones; gates; reports by content; rounds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import Fvm
from tests.tables import tables

CONTENT = str(Path(__file__).parent / "content")


@pytest.fixture
def territory(fvm: Fvm) -> Fvm:
    """Four hospital/municipal units on the mini checklist, in every status."""
    ctx = factories.context(fvm.url, content=True)
    factories.units(
        ctx,
        ("best", "sodra", "hospital", 4, "Grön avdelning"),
        ("weak", "sodra", "hospital", 4, "Gul <b>avdelning</b>"),
        ("red", "vastra", "municipal", 10, '=HYPERLINK("x")'),
        ("idle", "norra", "municipal", 10, "Ej påbörjad"),
    )
    factories.go_live(ctx, p1="2027-01-31", p2="2027-01-31")
    factories.answered(
        ctx,
        "mini",
        "best",
        a_lead="yes",
        a_staff="yes",
        a_pct="80",
        b_pumps="yes",
        b_connected="yes",
    )
    factories.answered(
        ctx, "mini", "weak", a_lead="yes", a_staff="partial", a_pct="80", b_pumps="no"
    )
    factories.answered(ctx, "mini", "red", a_lead="no", a_staff="no")
    for unit in ("best", "weak"):
        factories.counted(ctx, unit, "pc", 2, 2, 2)
        factories.counted(ctx, unit, "pump", 1, 1, 1)
    ctx.close()
    return fvm


def cut(fvm: Fvm, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    return fvm(
        "--content",
        CONTENT,
        "cutover",
        *args,
        "--checklist",
        "mini",
        "--as-of",
        "2027-01-10",
        code=code,
    )


def test_status_agrees_with_per_unit_scores(territory: Fvm) -> None:
    status = json.loads(cut(territory, "status", "--json").stdout)
    # worst first: red by score, amber, then not-started (norra has no go-live yet)
    assert [(u["unit"], u["status"]) for u in status["units"]] == [
        ("red", "red"),
        ("weak", "red"),
        ("best", "amber"),
        ("idle", "not-started"),
    ]
    for row in status["units"]:
        single = json.loads(
            territory(
                "--content",
                CONTENT,
                "checklist",
                "score",
                "mini",
                "--unit",
                row["unit"],
                "--as-of",
                "2027-01-10",
                "--json",
            ).stdout
        )
        assert row["score"] == single["score"]
        assert row["status"] == single["status"]
        assert row["completeness"] == single["completeness"]
        assert row["blockers"] == len(single["blockers"])
        assert row["overdue"] == len(single["overdue"])
    red, weak, best, idle = status["units"]
    # best: a = 1; b = (pumps 1 + connected 1 + train 0 (no people: unanswered) + equip 1) / 4
    assert best["score"] == pytest.approx((1 + 0.75) / 2)
    assert best["equipment_readiness"] == 100.0 and best["training_coverage"] is None
    # weak: a = (1 + 2·0.5 + 1) / 4 = 0.75; b = (pumps "no" 0 + train 0 + equip 1) / 3
    assert weak["score"] == pytest.approx((0.75 + 1 / 3) / 2)
    # red (municipal): a = 0; b = train 0 + equip 0 (0 of 1 pc) → 0
    assert red["score"] == 0.0 and red["equipment_readiness"] == 0.0
    assert status["summary"] == {
        "units": 4,
        "green": 0,
        "amber": 1,
        "red": 2,
        "not-started": 1,
        "mean_score": pytest.approx(sum(u["score"] for u in status["units"]) / 4),
    }
    assert status["by_area"]["sodra"]["units"] == 2
    assert set(status["by_type"]) == {"hospital", "municipal"}


def test_fail_on_gate(territory: Fvm) -> None:
    result = cut(territory, "status", "--fail-on", "red", code=1)
    gated = result.stdout
    assert "--fail-on red: 2 units are red; the gate fails (exit 1)." in result.stderr
    # The status is printed before the gate fails: the weak unit's row shows it red.
    weak = next(r for r in tables(gated)[0] if r["name"] == "Gul <b>avdelning</b>")
    assert weak["status"] == "red" and "Summary" in gated
    cut(territory, "status", "--area", "sodra", "--fail-on", "red", code=1)  # weak is red
    norra = cut(territory, "status", "--area", "norra", "--fail-on", "amber")
    assert "Summary" in norra.stdout
    # Phase 3 has no go-live: "0 blockers" there means "not known yet", and fvm says so.
    assert "Phase 3 has no go-live date" in norra.stderr
    assert "Phase 3 has no go-live" in cut(territory, "blockers", "--area", "norra").stderr
    assert "no go-live" not in cut(territory, "blockers", "--area", "sodra").stderr
    assert "expected red or amber" in cut(territory, "status", "--fail-on", "blue", code=2).stderr


def test_blockers_list_with_waiver(territory: Fvm) -> None:
    territory(
        "--content",
        CONTENT,
        "checklist",
        "waive",
        "mini",
        "--unit",
        "red",
        "a.lead",
        "--reason",
        "Beslut",
        "--until",
        "2027-02-01",
    )
    territory(
        "--content", CONTENT, "checklist", "approve", "mini", "--unit", "red", "a.lead", user="anna"
    )
    territory("phase", "set", "3", "--go-live", "2027-01-31")
    items = json.loads(cut(territory, "blockers", "--json").stdout)["items"]
    lead = next(i for i in items if i["unit"] == "red" and i["question"] == "a.lead")
    assert lead["blocker"] is False and lead["waiver"]["reason"] == "Beslut"
    assert lead["due"] == "2027-01-01" and lead["days_overdue"] == 9
    idle = next(i for i in items if i["unit"] == "idle" and i["question"] == "a.lead")
    assert idle["blocker"] is True and idle["owner"] == "lead"


def test_reports_by_content(territory: Fvm, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    status = json.loads(cut(territory, "status", "--json").stdout)
    out = tmp_path / "r.json"
    cut(territory, "report", "-o", str(out))
    assert json.loads(out.read_text("utf-8"))["units"] == status["units"]

    xlsx = tmp_path / "r.xlsx"
    cut(territory, "report", "-o", str(xlsx))
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == [
        "Units",
        "Blockers",
        "Training coverage",
        "Forecast",
        "Equipment needs",
    ]
    units = book["Units"]
    assert [c.value for c in units[1]][:3] == ["unit", "name", "area"]
    assert units.freeze_panes == "A2" and units.auto_filter.ref
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    header = [c.value for c in units[1]]
    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in units.iter_rows(min_row=2)}
    assert rows["best"]["score"].value == pytest.approx(
        next(u["score"] for u in status["units"] if u["unit"] == "best")
    )
    assert isinstance(rows["best"]["phase"].value, int) and rows["best"]["phase"].value == 1
    # A sheet is for people: areas and types by name, statuses as words.
    assert (
        rows["best"]["area"].value == "Southern area" and rows["best"]["type"].value != "hospital"
    )
    assert rows["red"]["name"].value == '=HYPERLINK("x")' and rows["red"]["name"].quotePrefix
    assert rows["best"]["as_of"].value.date().isoformat() == "2027-01-10"
    # Percentages are fractions formatted 0 %, whatever scale the JSON uses.
    best = next(u for u in status["units"] if u["unit"] == "best")
    assert rows["best"]["training_coverage"].value is None or rows["best"][
        "training_coverage"
    ].value == pytest.approx(best["training_coverage"] / 100)
    assert rows["best"]["equipment_readiness"].value == pytest.approx(
        best["equipment_readiness"] / 100
    )
    for key in ("score", "completeness", "equipment_readiness"):
        assert rows["best"][key].number_format == "0 %"
    assert rows["red"]["reason"].value == "blocker: a.lead"
    # Columns are as wide as their content: the long name is not cut at the heading's width.
    width = units.column_dimensions["B"].width
    assert width >= len('=HYPERLINK("x")') and width <= 61
    blockers = book["Blockers"]
    blocker_header = [c.value for c in blockers[1]]
    due = blockers.cell(row=2, column=blocker_header.index("due") + 1).value
    assert due.year == 2027

    csv_file = tmp_path / "r.csv"
    cut(territory, "report", "-o", str(csv_file))
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM and CRLF: Excel's CSV
    text = raw.decode("utf-8-sig")
    assert 'red;"\'=HYPERLINK(""x"")";vastra' in text
    best = next(line for line in text.splitlines() if line.startswith("best;"))
    score = next(u["score"] for u in status["units"] if u["unit"] == "best")
    assert f";{repr(score).replace('.', ',')};" in best  # a decimal comma
    cut(territory, "report", "-o", str(csv_file), "--plain-csv")
    plain = csv_file.read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert b'red,"\'=HYPERLINK(""x"")",vastra' in plain and f",{score!r},".encode() in plain

    html_file = tmp_path / "r.html"
    cut(territory, "report", "-o", str(html_file))
    html = html_file.read_text("utf-8").replace("<wbr>", "")  # ids may break after . and -
    assert "Gul &lt;b&gt;avdelning&lt;/b&gt;" in html and "<b>avdelning</b>" not in html
    assert html.count("<svg") >= 2 and "<link" not in html and "<script" not in html
    assert "Status by area" in html and "Equipment needs" in html and "Training coverage" in html
    assert "blocker: a.lead" in html  # why the red unit is red
    # A percentage never breaks, and is written as the report's language writes it.
    assert ">100 %<" not in html and ">100%<" in html and "100\xa0%" not in html
    assert "unsupported" not in html
    assert "must end in" in cut(territory, "report", "-o", str(tmp_path / "r.doc"), code=2).stderr


def test_pdf_report_reads_back(territory: Fvm, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    out = tmp_path / "r.pdf"
    cut(territory, "report", "-o", str(out))
    text = "".join(p.extract_text() for p in pypdf.PdfReader(out).pages)
    assert "Cutover" in text and "Grön avdelning" in text


def test_the_pdf_is_a_management_summary_with_a_page_per_area(fvm: Fvm, tmp_path: Path) -> None:
    """With more units than it shows, the PDF names the worst, gives each area a page, and
    says where the full lists are; the HTML keeps every unit."""
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    ctx = factories.context(fvm.url, content=True)
    factories.units(
        ctx, *[(f"v{i:02}", ("sodra", "norra")[i % 2], "hospital", 4) for i in range(60)]
    )
    factories.go_live(ctx, p1="2026-12-20", p2="2026-12-20")
    for i in range(0, 60, 3):  # a third have answered the critical a.lead: no blocker
        factories.answered(ctx, "mini", f"v{i:02}", a_lead="yes")
    ctx.close()
    cut(fvm, "report", "-o", str(tmp_path / "r.pdf"))
    reader = pypdf.PdfReader(tmp_path / "r.pdf")
    pages = [p.extract_text() for p in reader.pages]
    text = " ".join(" ".join(pages).split())
    assert "the 40 worst of 60" in text and "FILE.xlsx" in text
    assert "All 60 units, all 20 blockers" in text  # sodra (phase 1) only: norra has no date
    norra = next(p for p in pages if "Northern area: 30 units" in p)  # areas by name
    assert "Worst units" in norra and "v01" in norra and "v00" not in norra
    assert sum(1 for p in pages if "Southern area: 30" in p or "Northern area: 30" in p) == 2
    cut(fvm, "report", "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text("utf-8")
    assert all(f"v{i:02}" in html for i in range(60)) and "worst of" not in html


def test_snapshots_and_trend(territory: Fvm) -> None:
    c = ("--content", CONTENT)
    territory(*c, "cutover", "snapshot", "T-30", "--checklist", "mini", "--as-of", "2027-01-01")
    territory(*c, "checklist", "set", "mini", "--unit", "red", "a.lead", "yes")
    territory(*c, "cutover", "snapshot", "T-20", "--checklist", "mini", "--as-of", "2027-01-11")
    data = json.loads(territory(*c, "cutover", "trend", "--checklist", "mini", "--json").stdout)
    assert [s["label"] for s in data["snapshots"]] == ["T-30", "T-20"]
    red = next(u for u in data["units"] if u["unit"] == "red")
    assert red["scores"][1] > red["scores"][0] and red["change"] == pytest.approx(
        red["scores"][1] - red["scores"][0]
    )
    idle = next(u for u in data["units"] if u["unit"] == "idle")
    assert idle["change"] == 0
    vastra = next(a for a in data["areas"] if a["area"] == "vastra")
    assert vastra["scores"] == red["scores"]
    taken = territory(*c, "cutover", "snapshot", "T-20", "--checklist", "mini", code=3).stderr
    assert "a snapshot 'T-20' exists already" in taken and "--replace" in taken
    again = territory(*c, "cutover", "snapshot", "T-20", "--checklist", "mini", "--replace").stdout
    assert "Replaced snapshot T-20" in again


def test_report_headings_break_between_syllables_with_a_hyphen(
    territory: Fvm, tmp_path: Path, swedish: None
) -> None:
    """A narrow column breaks a long heading where Swedish (or English) hyphenates, with a
    soft hyphen Chromium honours as well as the PDF, never anywhere in a word."""
    pytest.importorskip("pyphen")
    out = tmp_path / "r.html"
    cut(territory, "report", "-o", str(out))
    html = out.read_text("utf-8")
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    broken = [h for h in headings if "\u00ad" in h]
    assert broken, headings
    for heading in broken:  # each break falls between syllables of a long word
        for word in heading.split():
            if "\u00ad" in word:
                assert len(word.replace("\u00ad", "")) >= 7  # Resul-tat, För-se-na-de
                assert all(len(part) >= 2 for part in word.split("\u00ad")), word
    # Headings never break anywhere in a word (ids and reasons, set in .qid, may).
    th_rule = re.search(r"\bth \{([^}]*)\}", html)
    assert th_rule is not None and "anywhere" not in th_rule.group(1)
