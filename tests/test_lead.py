"""What a cutover lead reads (issue 43): the decision's reason and its criteria, one measure,
names and Swedish words, local times, help that wraps; each test reads the Swedish text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Fvm
from tests.factories import TODAY
from tests.test_four_eyes import _c
from tests.test_four_eyes import ward as ward  # noqa: F401 (the fixture)
from tests.test_gate import GATES, _g, meeting  # noqa: F401 (the fixture)

LOCAL = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _decided(meeting: tuple[Fvm, str]) -> None:  # noqa: F811
    _g(meeting, "propose", "--phase", "1", "m1")
    _g(meeting, "vote", "m1", "--role", "chefslakare", "nej", "--comment", "Ej startad")
    _g(meeting, "vote", "m1", "--role", "mas", "ja", user="anna")
    _g(meeting, "decide", "m1", "ja", "--reason", "Styrgruppen tar risken")


@pytest.mark.usefixtures("swedish")
def test_gate_show_gives_the_reason_each_criterion_and_local_times(
    meeting: tuple[Fvm, str],  # noqa: F811
) -> None:
    _decided(meeting)
    out = _g(meeting, "show", "m1").stdout
    assert "Motivering: Styrgruppen tar risken" in out
    assert "Mot kriterierna: Ingen enhet är röd" in out  # by its text, not "no-red"
    # Each criterion as frozen: met or not, its figure and threshold (the mean as a percentage)
    assert re.search(r"Medelpoäng minst 50 %\s+rådgivande\s+NEJ\s+0,0\u00a0%\s+50,0\u00a0%", out)
    assert re.search(r"Ingen enhet är röd\s+ja\s+NEJ\s+1\s+0", out)
    # Times a person reads: local, to the minute; the JSON keeps ISO with its offset.
    decided = next(ln for ln in out.splitlines() if ln.startswith("Beslut:"))
    assert decided == f"Beslut: ja (go) av tester {TODAY.isoformat()} 10:00"
    assert "MAS (anna, " + TODAY.isoformat() + " 10:00): ja (go)" in out
    assert not ISO.search(out)
    document = json.loads(_g(meeting, "show", "m1", "--json").stdout)
    assert document["decision"]["at"].endswith("+01:00") and "T10:00" in document["decision"]["at"]
    assert [c["id"] for c in document["criteria"]] == ["no-red", "score"]
    assert [v["vote"] for v in document["votes"]] == ["no-go", "go"]  # the ids stay


@pytest.mark.usefixtures("swedish")
def test_the_report_puts_the_go_no_go_on_its_first_page(
    meeting: tuple[Fvm, str],  # noqa: F811
) -> None:
    fvm, folder = meeting
    page = Path(folder).parent / "report.html"
    fvm("--content", folder, "cutover", "report", "--checklist", "mini", "-o", str(page))
    before = page.read_text("utf-8")
    assert "Go/no-go: inget beslut är registrerat för de här etapperna ännu." in before
    _decided(meeting)
    fvm("--content", folder, "cutover", "report", "--checklist", "mini", "-o", str(page))
    html = page.read_text("utf-8")
    text = re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keeps the no-break spaces
    first = text.index("Go/no-go, etapp 1: ja (go)")
    assert first < text.index("Status per område")  # before the first section: page 1
    assert f"tester, {TODAY.isoformat()} 10:00" in text[first:]
    assert "Motivering: Styrgruppen tar risken" in text[first : text.index("Status per område")]
    section = text[text.index("Go/no-go-beslut") :]
    assert "Mot kriterierna: Ingen enhet är röd" in section
    assert re.search(r"Medelpoäng minst 50 % rådgivande NEJ 0,0\u00a0% 50,0\u00a0%", section)
    assert "Chefläkare nej (no-go) (Ej startad)" in section


@pytest.mark.slow
@pytest.mark.usefixtures("swedish")
def test_the_pdf_names_the_decision_on_page_one(
    meeting: tuple[Fvm, str],  # noqa: F811
) -> None:
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    fvm, folder = meeting
    _decided(meeting)
    pdf = Path(folder).parent / "report.pdf"
    fvm("--content", folder, "cutover", "report", "--checklist", "mini", "-o", str(pdf))
    first = " ".join(pypdf.PdfReader(pdf).pages[0].extract_text().split())
    assert "Go/no-go, etapp 1: ja (go)" in first and "Styrgruppen tar risken" in first


@pytest.mark.usefixtures("swedish")
def test_evaluate_shows_shares_as_percentages_and_units_by_name(
    meeting: tuple[Fvm, str],  # noqa: F811
) -> None:
    out = _g(meeting, "evaluate", "--phase", "1", code=1).stdout
    assert re.search(r"Medelpoäng minst 50 %\s+rådgivande\s+NEJ\s+0,0\u00a0%\s+50,0\u00a0%", out)
    assert re.search(r"Ingen enhet är röd\s+ja\s+NEJ\s+1\s+0\n", out)  # a count stays whole
    assert "Enheter bakom underkännandet:" in out
    assert "  Ingen enhet är röd: Avd 1" in out  # the unit by its name
    assert "0,5" not in out and "0,0 " not in out


def test_gate_words_in_swedish_are_taken_and_shown_and_json_keeps_ids(
    meeting: tuple[Fvm, str],  # noqa: F811
    swedish: None,
) -> None:
    _g(meeting, "propose", "--phase", "1", "m1")
    assert _g(meeting, "vote", "m1", "--role", "chefslakare", "avstår").stdout == (
        "Chefläkare röstar avstår om m1.\n"
    )
    voted = _g(meeting, "vote", "m1", "--role", "mas", "Nej").stdout
    assert voted == "MAS röstar nej (no-go) om m1.\n"
    refused = _g(meeting, "vote", "m1", "--role", "mas", "kanske", code=2).stderr
    assert "förväntade en av ja, nej, avstår, fick 'kanske'" in refused
    assert "go, no-go" not in refused
    assert "--condition" in _g(meeting, "decide", "m1", "villkorat", code=2).stderr
    refused = _g(meeting, "decide", "m1", "ja", code=3).stderr
    needs = "ett ja (go) mot kriterier som inte är uppfyllda kräver --reason: Ingen enhet är röd"
    assert needs in " ".join(refused.split())
    out = _g(meeting, "decide", "m1", "nej").stdout
    assert out.startswith("Beslut om m1: nej (no-go).")
    shown = json.loads(_g(meeting, "show", "m1", "--json").stdout)
    assert [v["vote"] for v in shown["votes"]] == ["abstain", "no-go"]
    assert shown["decision"]["decision"] == "no-go"
    listed = _g(meeting, "list").stdout
    assert "kontrollsumma" in listed and "sammanställning" not in listed


@pytest.mark.usefixtures("swedish")
def test_a_vote_is_refused_without_every_role_naming_them(
    meeting: tuple[Fvm, str],  # noqa: F811
) -> None:
    _g(meeting, "propose", "--phase", "1", "m1")
    refused = _g(meeting, "decide", "m1", "nej", code=3).stderr
    assert "obligatoriska roller har inte röstat: Chefläkare (chefslakare), MAS (mas)" in (
        " ".join(refused.split())
    )
    assert "--role ROLL ja|nej|avstår" in refused


@pytest.mark.usefixtures("swedish")
def test_a_phase_without_units_says_so_and_how_each_criterion_counts(
    meeting: tuple[Fvm, str],  # noqa: F811
) -> None:
    out = _g(meeting, "evaluate", "--phase", "2").stdout  # the advisory one fails
    assert re.search(r"Ingen enhet är röd\s+ja\s+ja\s+inga enheter\s+0", out)
    assert re.search(r"Medelpoäng minst 50 %\s+rådgivande\s+NEJ\s+inga enheter\s+50,0\u00a0%", out)
    assert "Kriterier utan enheter att pröva, så som reglerna räknar dem:" in out
    assert "  Ingen enhet är röd: uppfyllt – inget att räkna mot gränsen" in out
    assert (
        "  Medelpoäng minst 50 %: ej uppfyllt – inget resultat att hålla mot lägsta värdet" in out
    )
    assert "–  " not in out.split("Kriterier utan")[0].split("\n", 2)[2]  # no bare dash figure


@pytest.mark.usefixtures("swedish")
def test_owners_and_answers_are_shown_by_name_json_keeps_ids(
    ward: tuple[Fvm, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    fvm, folder = ward
    chains = fvm(
        "--content", folder, "cutover", "chains", "--checklist", "chain", "--as-of", "2027-01-20"
    ).stdout
    assert "ansvarig Enhetschef," in chains and "ansvarig Cutoveransvarig," in chains
    assert "unit-manager" not in chains and "cutover-lead" not in chains
    blockers = fvm(
        "--content", folder, "cutover", "blockers", "--checklist", "chain", "--as-of", "2027-02-20"
    ).stdout
    assert "Enhetschef" in blockers and "unit-manager" not in blockers
    document = json.loads(
        fvm(
            "--content",
            folder,
            "cutover",
            "blockers",
            "--checklist",
            "chain",
            "--as-of",
            "2027-02-20",
            "--json",
        ).stdout
    )
    assert {i["owner"] for i in document["items"]} == {"unit-manager"}
    _c(ward, "set", "chain", "--unit", "w", "train", "ja")
    pending = _c(ward, "attest", "chain", "--pending").stdout
    row = next(ln for ln in pending.splitlines() if "train" in ln)
    assert " Ja " in row and "yes" not in row  # the answer's label, as the sheets print it
    assert '"value": "yes"' in _c(ward, "attest", "chain", "--pending", "--json").stdout


def _whatif(ward: tuple[Fvm, str], *args: str) -> str:  # noqa: F811
    fvm, folder = ward
    return fvm(
        "--content",
        folder,
        "cutover",
        "whatif",
        "--phase",
        "1",
        "--go-live",
        "2027-06-01",
        "--as-of",
        "2027-02-15",
        *args,
    ).stdout


@pytest.mark.usefixtures("swedish")
def test_whatif_names_the_items_and_counts_only_waivers_in_force(
    ward: tuple[Fvm, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    gates = Path(ward[1]) / "checklists" / "gates.toml"  # the gate scores on the chain list
    gates.write_text(GATES.replace('"mini"', '"chain"'), "utf-8")
    for unit in ("w", "p"):
        _c(
            ward,
            "waive",
            "chain",
            "--unit",
            unit,
            "train",
            "--reason",
            "Beslut",
            "--until",
            "2027-03-31",
        )
    # Only w's waiver is approved by another person: p's is requested only (not in force).
    _c(ward, "approve", "chain", "--unit", "w", "train", user="bertil")
    found = json.loads(_whatif(ward, "--json"))
    assert found["waivers_expiring"] == 1
    assert found["waivers_expiring_list"] == [
        {"unit": "w", "question": "train", "until": "2027-03-31"}
    ]
    # As of 2027-02-15 with go-live 2027-03-01 train (T-30d) and env are overdue; moved to
    # 2027-06-01 they are not: each named with its due date at the what-if date.
    assert found["items"]["no_longer_overdue"] == len(found["items_no_longer_overdue"]) > 0
    assert found["items"]["falling_due"] == len(found["items_falling_due"]) == 0
    lifted = {(i["unit"], i["question"]): i["due"] for i in found["items_no_longer_overdue"]}
    assert lifted[("w", "train")] == "2027-05-02"  # 30 days before 2027-06-01
    out = _whatif(ward)
    assert "Undantag som skulle löpa ut före driftstart: 1" in out
    assert re.search(r"Avdelning\s+Är utbildningen genomförd\?\s+2027-03-31", out)
    assert "Punkter som inte längre är försenade:" in out
    assert re.search(r"Avdelning\s+Är utbildningen genomförd\?\s+2027-05-02", out)
    assert "Punkter som förfaller: 0" in out


def test_a_held_forecast_says_what_holds_it(swedish: None) -> None:
    from fvmcli.cli.views.whatif import _forecast
    from fvmcli.core.results import StatusReason

    reason = StatusReason("amber", "unattested", ("train",))
    assert _forecast("held", reason) == "fasthållen (oattesterad: train)"
    assert _forecast("late", reason) == "sen"


@pytest.mark.usefixtures("swedish")
def test_a_waived_overdue_item_is_marked_with_the_waivers_end(
    ward: tuple[Fvm, str],  # noqa: F811
) -> None:
    _c(ward, "set", "chain", "--unit", "w", "env", "ja")
    _c(
        ward,
        "waive",
        "chain",
        "--unit",
        "w",
        "train",
        "--reason",
        "Beslut",
        "--until",
        "2027-03-31",
    )
    _c(ward, "approve", "chain", "--unit", "w", "train", user="bertil")
    out = _c(ward, "score", "chain", "--unit", "w", "--as-of", "2027-02-15").stdout
    overdue = out.split("Försenade, utöver blockerarna")[1].split("Undantag")[0]
    line = next(ln for ln in overdue.splitlines() if ln.strip().startswith("train"))
    assert line.endswith("[undantag till och med 2027-03-31]")
    assert "Blockerare" not in out.split("Försenade, utöver")[0]  # waived: no blocker


@pytest.mark.usefixtures("swedish")
def test_checklist_history_verify_points_to_history_verify(fvm: Fvm) -> None:
    err = fvm("checklist", "history", "verify", code=2).stderr
    assert err == (
        "fvm: checklist history verify är inget kommando; historiken kontrolleras med:\n"
        "  fvm history verify\n"
    )
    assert "--unit" not in err


@pytest.mark.usefixtures("swedish")
def test_db_naming_a_folder_is_refused_in_swedish_without_a_server_hint(tmp_path: Path) -> None:
    folder = tmp_path / "mapp"
    folder.mkdir()
    for args in (["cutover", "status"], ["checklist", "set", "golive", "--unit", "x", "a", "ja"]):
        err = Fvm(str(folder))(*args, code=2).stderr
        assert f"--db / FVM_DB: {folder} är en mapp, inte en databasfil" in err
        assert "servern" not in err and "unable to open" not in err
    assert list(folder.iterdir()) == []


@pytest.mark.usefixtures("swedish")
def test_a_failed_write_on_a_new_path_leaves_no_file(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    path = tmp_path / "db" / "felstavad.sqlite"
    fvm = Fvm(str(path))
    err = fvm(
        "checklist", "set", "golive", "--unit", "finns-inte", "org.project-lead", "ja", code=2
    )
    assert "ingen enhet 'finns-inte'" in err.stderr
    assert list(path.parent.iterdir()) == []  # no database, no -wal or -shm beside it
    err = fvm("cutover", "status", code=4).stderr  # a later read finds nothing to show
    assert f"ingen databas i {path}; inget skapades" in err
    # A write that succeeds keeps its new file; a failing one later leaves it as it was.
    fvm("unit", "add", "x", "--name", "X", "--area", "sodra", "--type", "hospital")
    fvm("checklist", "set", "golive", "--unit", "finns-inte", "org.project-lead", "ja", code=2)
    assert path.exists() and "x" in fvm("unit", "list").stdout


@pytest.mark.usefixtures("swedish")
@pytest.mark.parametrize("columns", [60, 200])
def test_swedish_help_wraps_at_the_terminals_width(
    monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    from typer.testing import CliRunner

    from fvmcli.cli.app import app

    monkeypatch.setenv("COLUMNS", str(columns))
    out = CliRunner().invoke(app, ["gate", "--help"]).stdout
    lines = out.splitlines()
    assert all(len(line) <= columns for line in lines)
    panel = lines[next(i for i, ln in enumerate(lines) if "Kommandon" in ln) + 1 :]
    rows = [ln.strip("│ ").strip() for ln in panel if ln.startswith("│")]
    text = " ".join(rows)
    # Each sentence whole, broken only where the width ends (no catalog line breaks).
    assert (
        "Rösta om ett förslag för en roll i gates.toml; en senare röst av rollen ersätter den"
        " fram till beslutet." in " ".join(text.split())
    )
    # A line of the panel goes on to the next only where the next word would not fit.
    inner = [ln[2:-2] for ln in panel if ln.startswith("│")]
    for line, following in zip(inner, inner[1:], strict=False):
        if following.startswith(" "):  # a continuation of the same command's text
            assert len(line.rstrip()) + 1 + len(following.split()[0]) > len(line), line
    shown = CliRunner().invoke(app, ["gate", "evaluate", "--help"]).stdout.splitlines()
    # The examples keep their lines: each command to copy starts a line of its own.
    example = next(ln for ln in shown if "--go-live 2027-04-01" in ln)
    assert example.strip().startswith("fvm gate evaluate --phase 1")


@pytest.mark.usefixtures("swedish")
def test_the_deadline_calendar_has_a_swedish_name(
    ward: tuple[Fvm, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    icalendar = pytest.importorskip("icalendar")
    fvm, folder = ward
    calendar = tmp_path / "plan.ics"
    fvm(
        "--content",
        folder,
        "cutover",
        "timeline",
        "--phase",
        "1",
        "--checklist",
        "chain",
        "--as-of",
        "2027-01-20",
        "-o",
        str(calendar),
    )
    found = icalendar.Calendar.from_ical(calendar.read_bytes())
    assert str(found["X-WR-CALNAME"]) == "Tidsfrister"
    summaries = [str(e["SUMMARY"]) for e in found.walk("VEVENT")]
    assert any(s.startswith("Kritisk kedja: ") for s in summaries)


@pytest.mark.usefixtures("swedish")
def test_the_first_approval_stands_and_a_file_says_it_cannot_prove_who_is_who(
    ward: tuple[Fvm, str],  # noqa: F811
) -> None:
    _c(
        ward,
        "waive",
        "chain",
        "--unit",
        "w",
        "train",
        "--reason",
        "Beslut",
        "--until",
        "2027-03-31",
    )
    out = _c(ward, "approve", "chain", "--unit", "w", "train", user="bertil").stdout
    assert out.startswith("Godkände undantaget för train på w (begärt av tester).")
    assert "så fvm kan inte styrka vem som är vem" in " ".join(out.split())
    err = _c(ward, "approve", "chain", "--unit", "w", "train", user="cecilia", code=3).stderr
    assert "undantaget för train på w är redan godkänt, av bertil" in " ".join(err.split())
    _c(ward, "approve", "chain", "--unit", "w", "train", "--reject", user="cecilia", code=3)
    fvm, folder = ward
    waived = json.loads(
        fvm("--content", folder, "checklist", "score", "chain", "--unit", "w", "--json").stdout
    )["waived"]
    assert waived[0]["approved_by"] == "bertil"  # the first approval kept
    _c(ward, "set", "chain", "--unit", "w", "env", "ja")
    _c(ward, "set", "chain", "--unit", "w", "train", "ja")
    out = _c(ward, "attest", "chain", "--unit", "w", "train", user="anna").stdout
    assert "så fvm kan inte styrka vem som är vem" in " ".join(out.split())


def test_the_workbook_gives_decision_and_vote_times_in_local_time(
    meeting: tuple[Fvm, str],  # noqa: F811
) -> None:
    import openpyxl

    fvm, folder = meeting
    _decided(meeting)
    sheets = Path(folder).parent / "report.xlsx"
    fvm("--content", folder, "cutover", "report", "--checklist", "mini", "-o", str(sheets))
    book = openpyxl.load_workbook(sheets)
    decided = [[c.value for c in r] for r in book["Go-no-go decisions"].iter_rows()]
    assert decided[0][6] == "at" and decided[0][10] == "checksum"
    assert decided[1][6] == f"{TODAY.isoformat()} 10:00"
    votes = [[c.value for c in r] for r in book["Votes"].iter_rows(min_row=2)]
    assert {v[4] for v in votes} == {f"{TODAY.isoformat()} 10:00"}
