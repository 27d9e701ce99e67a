"""Prerequisites, critical chains and the twelve-month plan, with figures computed by hand
from ``scoring.md`` on every backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Fvm
from tests.test_four_eyes import _c, _score
from tests.test_four_eyes import ward as ward  # noqa: F401 (the fixture)
from tests.turn4_content import content

BROKEN = """
id = "broken"
version = 1
title = { sv = "Trasig" }

[[sections]]
id = "s"
title = { sv = "S" }

[[questions]]
id = "a"
section = "s"
type = "yes-no"
requires = ["b"]
text = { sv = "A" }

[[questions]]
id = "b"
section = "s"
type = "yes-no"
requires = ["c", "a"]
text = { sv = "B" }

[[questions]]
id = "c"
section = "s"
type = "yes-no"
requires = ["b", "nope"]
requires_parent = ["nada"]
duration = "2x"
text = { sv = "C" }
"""


def test_unknown_ids_bad_durations_and_every_cycle_are_refused_with_their_paths(
    fvm: Fvm, tmp_path: Path
) -> None:
    folder = content(tmp_path, BROKEN, "broken")
    err = fvm("--content", folder, "checklist", "show", "broken", code=2).stderr
    assert "questions[2] (c).requires[1]" in err and "'nope'" in err
    assert "questions[2] (c).requires_parent[0]" in err and "'nada'" in err
    assert "questions[2] (c).duration" in err
    assert "a → b → a" in err and "b → c → b" in err


def test_an_item_answered_before_its_parents_prerequisite_is_inconsistent(
    ward: tuple[Fvm, str],
) -> None:
    for question in ("env", "train", "ready"):
        _c(ward, "set", "chain", "--unit", "w", question, "ja")
    _c(ward, "attest", "chain", "--unit", "w", "train", user="anna")
    found = _score(ward)
    ready = next(q for q in found["questions"] if q["id"] == "ready")
    # The hospital's training environment (env of the parent p) is not ready.
    assert ready["waiting_for"] == ["^env"] and ready["inconsistent"]
    assert found["status"] == "amber" and found["inconsistent"] == 1
    assert found["reason"]["rule"] == "inconsistent"
    assert found["reason"]["prerequisites"] == [["ready", "^env"]]
    _c(ward, "set", "chain", "--unit", "p", "env", "ja")
    assert _score(ward)["status"] == "green"


def test_a_question_waits_for_its_own_units_prerequisite(ward: tuple[Fvm, str]) -> None:
    _c(ward, "set", "chain", "--unit", "w", "train", "ja")
    found = _score(ward)
    train = next(q for q in found["questions"] if q["id"] == "train")
    assert train["waiting_for"] == ["env"] and train["inconsistent"]  # credit 1 > 0
    # ready's own prerequisite train has full credit: it waits only for the hospital's env.
    assert next(q for q in found["questions"] if q["id"] == "ready")["waiting_for"] == ["^env"]


def _chains(ward: tuple[Fvm, str], *args: str) -> dict:  # type: ignore[type-arg]
    fvm, folder = ward
    return json.loads(
        fvm(
            "--content",
            folder,
            "cutover",
            "chains",
            "--checklist",
            "chain",
            "--as-of",
            "2027-01-20",
            "--json",
            *args,
        ).stdout
    )


def test_chains_that_end_after_go_live_are_listed_with_every_link(ward: tuple[Fvm, str]) -> None:
    # As of 2027-01-20 nothing is done. env: 01-20 + 14 = 02-03; train: 02-03 + 21 = 02-24;
    # ready: 02-24 + 7 = 03-03, after go-live 03-01, in both units.
    found = _chains(ward)
    assert [(c["unit"], c["item"], c["finish"]) for c in found["chains"]] == [
        ("p", "ready", "2027-03-03"),
        ("w", "ready", "2027-03-03"),
    ]
    assert found["chains"][1]["links"] == [
        {
            "unit": "w",
            "question": "ready",
            "owner": None,
            "due": "2027-02-22",
            "finish": "2027-03-03",
            "duration_days": 7,
        },
        {
            "unit": "w",
            "question": "train",
            "owner": "unit-manager",
            "due": "2027-01-30",
            "finish": "2027-02-24",
            "duration_days": 21,
        },
        {
            "unit": "w",
            "question": "env",
            "owner": "cutover-lead",
            "due": "2026-12-31",
            "finish": "2027-02-03",
            "duration_days": 14,
        },
    ]
    # With the ward's own training done, its ready waits only for the hospital's env: 02-03 +
    # 7 = 02-10 fits; only the hospital's chain is left.
    _c(ward, "set", "chain", "--unit", "w", "env", "ja")
    _c(ward, "set", "chain", "--unit", "w", "train", "ja")
    assert [c["unit"] for c in _chains(ward)["chains"]] == ["p"]
    assert [c["unit"] for c in _chains(ward, "--unit", "w")["chains"]] == []


def test_the_timeline_counts_each_item_once_in_the_month_it_falls_due(
    ward: tuple[Fvm, str], tmp_path: Path
) -> None:
    _c(ward, "set", "chain", "--unit", "w", "env", "ja")
    _c(ward, "set", "chain", "--unit", "w", "train", "ja")
    fvm, folder = ward
    args = ("--content", folder, "cutover", "timeline", "--phase", "1", "--checklist", "chain")
    found = json.loads(fvm(*args, "--as-of", "2027-01-20", "--json").stdout)
    assert found["months"][0] == "2026-03" and found["months"][-1] == "2027-03"
    assert len(found["months"]) == 13
    assert found["rows"] == [
        {
            "owner": "cutover-lead",
            "month": "2026-12",
            "open": 1,
            "done": 1,
            "overdue": 1,
            "waiting": 0,
            # p's env ← train ← ready ends 03-03, after go-live: each link is critical.
            "critical": 1,
        },
        {
            "owner": "unit-manager",
            "month": "2027-01",
            "open": 1,
            "done": 1,
            "overdue": 0,
            "waiting": 1,
            # p's env ← train ← ready ends 03-03, after go-live: each link is critical.
            "critical": 1,
        },
        # p's ready is critical; w's ready waits for p's env only and ends 02-10 (it fits).
        {
            "owner": None,
            "month": "2027-02",
            "open": 2,
            "done": 0,
            "overdue": 0,
            "waiting": 2,
            "critical": 1,
        },
        {
            "owner": None,
            "month": "2027-03",
            "open": 2,
            "done": 0,
            "overdue": 0,
            "waiting": 0,
            "critical": 0,
        },
    ]
    mine = json.loads(
        fvm(*args, "--owner", "unit-manager", "--as-of", "2027-01-20", "--json").stdout
    )
    assert [r["owner"] for r in mine["rows"]] == ["unit-manager"]

    import icalendar
    import openpyxl

    sheet = tmp_path / "plan.xlsx"
    fvm(*args, "--as-of", "2027-01-20", "-o", str(sheet))
    ws = openpyxl.load_workbook(sheet).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[2] == "2026-03" and header[-1] == "2027-03"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    open_row = next(r for r in rows if r[1] == "open" and r[0] == "Unit manager")
    assert open_row[2 + header.index("2027-01") - 2] == 1
    # Printed: landscape, one page wide, the months' heading on every page.
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    setup = ws.page_setup  # fitToWidth 1 is the default, left out of the file
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight in (0, "0")
    assert ws.sheet_properties.pageSetUpPr.fitToPage

    calendar = tmp_path / "plan.ics"
    fvm(*args, "--as-of", "2027-01-20", "-o", str(calendar))
    events = icalendar.Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")
    # Open items with a due date: p env, train, ready, note; w ready, note.
    assert len(events) == 6
    uids = {str(e["UID"]) for e in events}
    on_chain = [e for e in events if str(e["SUMMARY"]).startswith("Critical chain: ")]
    critical = sorted(str(e["UID"]) for e in on_chain)
    assert critical == [f"due-p-{q}@fvmcli.vgregion.invalid" for q in ("env", "ready", "train")]
    assert "due-w-ready@fvmcli.vgregion.invalid" in uids
    fvm(*args, "--as-of", "2027-01-20", "-o", str(calendar))
    again = icalendar.Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")
    assert {str(e["UID"]) for e in again} == uids


def test_a_phase_without_go_live_has_no_timeline(ward: tuple[Fvm, str]) -> None:
    fvm, folder = ward
    err = fvm(
        "--content", folder, "cutover", "timeline", "--phase", "2", "--checklist", "chain", code=2
    ).stderr
    assert "no go-live date" in err


def test_the_interactive_flow_says_what_a_question_waits_for(
    ward: tuple[Fvm, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fvmcli.cli import prompts
    from fvmcli.services.answering import ANSWER, SKIP, Reply
    from tests.test_answer_interactive import Scripted

    fvm, folder = ward
    # env is skipped: train then waits for it; ready waits for train and the hospital's env.
    script = Scripted([Reply(SKIP), Reply(ANSWER, "nej"), Reply(SKIP), Reply(SKIP)])
    monkeypatch.setattr(prompts, "make_asker", lambda lang: script)
    fvm("--content", folder, "checklist", "answer", "chain", "--unit", "w")
    waits = {s.question.id: s.waiting_for for s in script.steps}
    assert waits["env"] == ()
    assert waits["train"] == ("Is the training environment ready?",)
    assert waits["ready"] == ("Is training done?", "Is the training environment ready?")


def test_blockers_name_what_they_wait_for_and_list_the_inconsistent_items(
    ward: tuple[Fvm, str], tmp_path: Path
) -> None:
    # w answers everything and its training is attested; p has answered nothing.
    for question in ("env", "train", "ready"):
        _c(ward, "set", "chain", "--unit", "w", question, "ja")
    _c(ward, "attest", "chain", "--unit", "w", "train", user="anna")
    fvm, folder = ward
    args = ("--content", folder, "cutover", "blockers", "--checklist", "chain")
    found = json.loads(fvm(*args, "--as-of", "2027-02-05", "--json").stdout)["items"]
    # p's train (critical, due T-30d = 01-30) is 6 days over and waits for p's env; w's ready
    # (due 02-22) is answered while the hospital's env is not done.
    assert [
        (i["unit"], i["question"], i["days_overdue"], i["blocker"])
        + (i["waiting_for"], i["inconsistent"])
        for i in found
    ] == [("p", "train", 6, True, ["env"], False), ("w", "ready", 0, False, ["^env"], True)]
    shown = fvm(*args, "--as-of", "2027-02-05").stdout
    assert "1 blockers, 1 overdue critical items, 1 answered as done while a prerequisite" in shown
    csv = fvm("--lang", "sv", *args, "--as-of", "2027-02-05", "--csv").stdout.splitlines()
    assert csv[1].endswith(';ja;;"[""env""]";nej')  # words in Swedish Excel's dialect
    plain = fvm(*args, "--as-of", "2027-02-05", "--plain-csv").stdout.splitlines()
    assert plain[1].endswith(',true,,"[""env""]",false')
    # The report's workbook: a cell of prerequisites is their ids, joined.
    import openpyxl

    book = tmp_path / "report.xlsx"
    fvm(
        "--lang",
        "en",
        "--content",
        folder,
        "cutover",
        "report",
        "--checklist",
        "chain",
        "--as-of",
        "2027-02-05",
        "-o",
        str(book),
    )
    rows = list(openpyxl.load_workbook(book, read_only=True)["Blockers"].values)
    column = rows[0].index("waiting_for")
    assert [(r[0], r[column]) for r in rows[1:]] == [("p", "env"), ("w", "^env")]
