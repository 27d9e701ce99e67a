"""What moved between assessment rounds (``cutover diff``, ``report --since``) and the live
command-centre view (``cutover watch``) against a database another process writes to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from fvmcli.core.cutover import RoundRow, round_diff
from tests.conftest import Fvm
from tests.factories import TEST_CONTENT

CONTENT = str(TEST_CONTENT)


def row(
    unit: str, status: str, score: float, blockers: set[str] | None, area: str = "a"
) -> RoundRow:
    return RoundRow(
        unit,
        f"Enhet {unit}",
        area,
        status,
        score,
        len(blockers or ()),
        None if blockers is None else frozenset(blockers),
    )


def test_round_diff_hand_computed() -> None:
    before = [
        row("u1", "green", 0.90, set()),
        row("u2", "amber", 0.80, set()),
        row("u3", "red", 0.40, {"q1", "q2"}, area="b"),
        row("u4", "green", 0.95, set(), area="b"),  # gone by the second round
    ]
    after = [
        row("u1", "red", 0.70, {"q1"}),  # green → red: 3 places worse, −20 pts
        row("u2", "red", 0.78, {"q3"}),  # amber → red: 1 place worse, −2 pts
        row("u3", "amber", 0.85, set(), area="b"),  # red → amber: better, +45 pts
        row("u5", "not-started", 0.0, set(), area="b"),  # new
    ]
    moved = round_diff(before, after, top=2)
    assert [(m.unit, m.status_from, m.status_to) for m in moved.changed] == [
        ("u1", "green", "red"),
        ("u2", "amber", "red"),
        ("u3", "red", "amber"),
    ]
    assert [(m.unit, round(m.change, 2)) for m in moved.movements] == [("u3", 0.45), ("u1", -0.2)]
    assert moved.new_blockers == [("u1", "q1"), ("u2", "q3")]
    assert moved.resolved_blockers == [("u3", "q1"), ("u3", "q2")]
    assert moved.blockers_known
    assert moved.added == ["u5"] and moved.removed == ["u4"]
    assert moved.by_area["a"] == {
        "units": 2,
        "mean_from": pytest.approx(0.85),
        "mean_to": pytest.approx(0.74),
        "worse": 2,
        "better": 0,
        "blockers_from": 0,
        "blockers_to": 2,
    }
    assert moved.by_area["b"]["mean_from"] == pytest.approx((0.40 + 0.95) / 2)
    assert moved.by_area["b"]["mean_to"] == pytest.approx(0.85 / 2)
    assert (moved.by_area["b"]["blockers_from"], moved.by_area["b"]["blockers_to"]) == (2, 0)
    # A round that did not record its blocker questions compares numbers only.
    unknown = round_diff([row("u1", "red", 0.5, None)], [row("u1", "red", 0.5, {"q1"})])
    assert not unknown.blockers_known and unknown.new_blockers == []


FULL = [
    ("a.lead", "yes"),
    ("a.staff", "yes"),
    ("a.pct", "80"),
    ("b.pumps", "yes"),
    ("b.connected", "yes", "--comment", "Protokoll 12"),
]


def seed(fvm: Fvm) -> None:
    """h1 and h2 (hospitals in sodra, phase 1, go-live 2026-12-20). Round T1 on 2026-11-26:
    h1 has answered nothing (red, with the blocker a.lead: due 2026-11-20); h2 has answered
    everything and has its computers (amber). Then h1 answers everything and h2 turns a.lead
    to no: h1 gets better (amber), h2 worse (red, with the blocker a.lead)."""
    run = [
        ["unit", "add", "h1", "--name", "Avdelning Ett", "--area", "sodra", "--type", "hospital"],
        ["unit", "add", "h2", "--name", "Avdelning Två", "--area", "sodra", "--type", "hospital"],
        ["phase", "set", "1", "--go-live", "2026-12-20"],
        *[["checklist", "set", "mini", "--unit", "h2", *answer] for answer in FULL],
        ["equipment", "count", "h2", "pc", "--present", "2", "--configured", "2", "--tested", "2"],
        ["cutover", "snapshot", "T1", "--checklist", "mini", "--as-of", "2026-11-26"],
        *[["checklist", "set", "mini", "--unit", "h1", *answer] for answer in FULL],
        ["equipment", "count", "h1", "pc", "--present", "2", "--configured", "2", "--tested", "2"],
        ["checklist", "set", "mini", "--unit", "h2", "a.lead", "no"],
    ]
    for args in run:
        fvm("--content", CONTENT, *args)


@pytest.mark.store
def test_cutover_diff_names_what_moved_since_a_round(fvm: Fvm) -> None:
    seed(fvm)
    data = fvm.json("--content", CONTENT, "cutover", "diff", "T1", "--checklist", "mini")
    assert data["from"] == {"label": "T1", "as_of": "2026-11-26"}
    assert data["to"]["label"] == "now"
    assert data["new_blockers"] == [{"unit": "h2", "question": "a.lead"}]
    assert data["resolved_blockers"] == [{"unit": "h1", "question": "a.lead"}]
    assert data["blockers_known"] is True
    changed = [
        (c["unit"], c["status_from"], c["status_to"], c["direction"]) for c in data["changed"]
    ]
    assert changed == [("h2", "amber", "red", "worse"), ("h1", "red", "amber", "better")]
    assert data["by_area"]["sodra"]["blockers_from"] == 1
    assert data["by_area"]["sodra"]["blockers_to"] == 1
    assert data["by_area"]["sodra"]["worse"] == 1 and data["by_area"]["sodra"]["better"] == 1
    # The scores agree with what the units' own scores say.
    now = {
        u: fvm.json("--content", CONTENT, "checklist", "score", "mini", "--unit", u)["score"]
        for u in ("h1", "h2")
    }
    assert {m["unit"]: m["score_to"] for m in data["movements"]} == pytest.approx(now)
    # People read it as tables; the filters narrow it.
    text = fvm("--content", CONTENT, "cutover", "diff", "T1", "--checklist", "mini").stdout
    assert "New blockers (1)" in text and "Resolved blockers (1)" in text
    # Units and areas by name where people read (ids stay in JSON).
    assert "Avdelning Två" in text and "Southern area" in text and "sodra " not in text
    only = fvm.json(
        "--content", CONTENT, "cutover", "diff", "T1", "--checklist", "mini", "--area", "vastra"
    )
    assert only["changed"] == [] and only["new_blockers"] == []
    # Two rounds: T1 to T2.
    fvm("--content", CONTENT, "cutover", "snapshot", "T2", "--checklist", "mini")
    between = fvm.json("--content", CONTENT, "cutover", "diff", "T1", "T2", "--checklist", "mini")
    assert between["to"]["label"] == "T2"
    assert between["new_blockers"] == data["new_blockers"]
    missing = fvm("--content", CONTENT, "cutover", "diff", "T0", "--checklist", "mini", code=2)
    assert "no snapshot 'T0'" in missing.stderr and "T1, T2" in missing.stderr


@pytest.mark.store
def test_a_round_from_before_blocker_questions_were_kept_compares_numbers(fvm: Fvm) -> None:
    seed(fvm)
    from fvmcli.store.database import Database

    database = Database(fvm.url)
    with database.write() as conn:
        conn.run("UPDATE snapshot_units SET blocker_questions = NULL")
    database.dispose()
    data = fvm.json("--content", CONTENT, "cutover", "diff", "T1", "--checklist", "mini")
    assert data["blockers_known"] is False and data["new_blockers"] == []
    text = fvm("--content", CONTENT, "cutover", "diff", "T1", "--checklist", "mini").stdout
    assert "only their numbers are compared" in text
    # A round changed by hand is refused with a message, not a crash.
    database = Database(fvm.url)
    with database.write() as conn:
        conn.run("UPDATE snapshot_units SET status = 'purple' WHERE unit_id = 'h1'")
    database.dispose()
    err = fvm("--content", CONTENT, "cutover", "diff", "T1", "--checklist", "mini", code=4).stderr
    assert "snapshot 'T1' holds figures fvm cannot have written for unit 'h1'" in err


@pytest.mark.usefixtures("swedish")
@pytest.mark.store
def test_report_since_adds_the_section_to_html_xlsx_and_json(fvm: Fvm, tmp_path: Path) -> None:
    import openpyxl

    seed(fvm)
    base = ["--content", CONTENT, "cutover", "report", "--checklist", "mini", "--since", "T1"]
    fvm(*base, "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Sedan förra omgången (T1, 2026-11-26)" in html
    assert "Nya blockerare (1)" in html and "Lösta blockerare (1)" in html
    fvm(*base, "-o", str(tmp_path / "r.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    sheet = book["Sedan förra omgången"]
    rows = list(sheet.iter_rows(values_only=True))
    # A Swedish workbook heads its columns in Swedish; the cells keep the ids.
    keys = {"del": "part", "enhet": "unit", "fråga": "question", "status efter": "status_to"}
    keys["resultat efter"] = "score_to"
    assert set(keys) <= set(rows[0])
    header = [keys.get(h, h) for h in rows[0]]
    parts = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert {(p["part"], p["unit"], p["question"]) for p in parts if "blocker" in p["part"]} == {
        ("new blocker", "h2", "a.lead"),
        ("resolved blocker", "h1", "a.lead"),
    }
    worse = next(p for p in parts if p["part"] == "worse")
    assert worse["unit"] == "h2" and worse["status_to"] == "red"
    assert isinstance(worse["score_to"], float)
    assert (
        sheet.cell(
            row=rows.index(next(r for r in rows if r[0] == "worse")) + 1,
            column=header.index("score_to") + 1,
        ).number_format
        == "0 %"
    )
    fvm(*base, "-o", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["since"]["new_blockers"] == [{"unit": "h2", "question": "a.lead"}]
    # English on request.
    fvm("--lang", "en", *base, "-o", str(tmp_path / "en.html"))
    assert "Since the last round (T1, 2026-11-26)" in (tmp_path / "en.html").read_text("utf-8")


@pytest.mark.store
def test_watch_without_a_terminal_prints_one_frame_per_refresh(fvm: Fvm) -> None:
    seed(fvm)
    out = fvm(
        "--content",
        CONTENT,
        "cutover",
        "watch",
        "--checklist",
        "mini",
        "--count",
        "2",
        "--every",
        "0.2",
    ).stdout
    assert out.count("fvm cutover watch · mini") == 2
    # Units, questions and owners by name, changes in words: no ids where people read.
    assert "Blockers (1)" in out and "Avdelning Två" in out
    assert "answer  Avdelning Två  Is there a project lead?  → no" in out
    bad = fvm("--content", CONTENT, "cutover", "watch", "--by", "type", "--count", "1", code=2)
    assert "--by" in bad.stderr


@pytest.mark.slow
@pytest.mark.store
def test_watch_shows_what_another_process_writes_and_ends_cleanly_on_ctrl_c(fvm: Fvm) -> None:
    seed(fvm)
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "110", "LINES": "40"}
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "fvmcli",
            "--db",
            fvm.url,
            "--content",
            CONTENT,
            "cutover",
            "watch",
            "--checklist",
            "mini",
            "--every",
            "0.5",
        ],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 110),
    )
    try:
        child.expect("Latest changes")
        child.expect("Blockers \\(1\\)")
        writer = subprocess.run(
            [
                sys.executable,
                "-m",
                "fvmcli",
                "--db",
                fvm.url,
                "--content",
                CONTENT,
                "checklist",
                "set",
                "mini",
                "--unit",
                "h1",
                "a.lead",
                "no",
                "--by",
                "Kalle Öberg",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert writer.returncode == 0, writer.stderr
        child.expect("Kalle Öberg  answer  Avdelning Ett  Is there a project lead\\?  → no")
        child.expect("Blockers \\(2\\)")
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
