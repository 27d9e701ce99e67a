"""Runbooks and runs through the command line, on every backend: a plan and a run's status
checked against times computed by hand, the rules of a mark (predecessors, start before done,
checkpoints against a decided gate, times), refusals that store nothing, fallback, compare,
and the plan printed as XLSX and published as ICS."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import PG_URL, Fvm
from tests.test_access import Server, refused_by_policy
from tests.test_access import server as server  # the fixture of a shared database with rights
from tests.test_gate import GATES

RUNBOOK = """
id = "helg"
title = { sv = "Testhelgen", en = "Test weekend" }
t0 = "12:00"

[[tasks]]
id = "a"
title = { sv = "Frys", en = "Freeze" }
owner = "cutover-lead"
start = "T-2h"
duration = "1h"

[[tasks]]
id = "b"
title = { sv = "Kontroll", en = "Check" }
owner = "local-project-lead"
duration = "30m"
after = ["a"]
per = "unit"

[[tasks]]
id = "c"
title = { sv = "Pumpar", en = "Pumps" }
duration = "60m"
after = ["a"]
per = "unit"
applies_to = ["hospital"]

[[tasks]]
id = "d"
title = { sv = "Beslutspunkt", en = "Checkpoint" }
owner = "cutover-lead"
start = "T-30m"
duration = "15m"
after = ["b", "c"]
checkpoint = true

[[tasks]]
id = "back"
title = { sv = "Återställ", en = "Restore" }
duration = "1h"
after = ["d"]
rollback = true
"""
NOW = "2026-11-26T11:20:00+01:00"


def hm(text: str | None) -> str | None:
    """Return the HH:MM of an ISO time (every time of the test lies on 2026-11-26, +01:00)."""
    if text is None:
        return None
    assert text.startswith("2026-11-26T") and text.endswith("+01:00"), text
    return text[11:16]


@pytest.fixture
def weekend(fvm: Fvm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fvm:
    """Units u1 (hospital) and u2 (primary care) in phase 1, going live 2026-11-26; the test
    runbook; the clock at 11:20 that day."""
    from tests.test_checklist_cli import CONTENT

    folder = tmp_path / "content"
    (folder / "runbooks").mkdir(parents=True)
    (folder / "runbooks" / "helg.toml").write_text(RUNBOOK, "utf-8")
    (folder / "checklists").mkdir()
    (folder / "checklists" / "gates.toml").write_text(GATES, "utf-8")
    mini = CONTENT / "checklists" / "mini.toml"
    (folder / "checklists" / "mini.toml").write_text(mini.read_text("utf-8"), "utf-8")
    monkeypatch.setenv("FVM_CONTENT", str(folder))
    monkeypatch.setenv("FVM_NOW", NOW)
    fvm("unit", "add", "u1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("unit", "add", "u2", "--name", "VC 2", "--area", "sodra", "--type", "primary-care")
    fvm("phase", "set", "1", "--go-live", "2026-11-26")
    return fvm


def _stored(fvm: Fvm) -> tuple[object, object]:
    return (
        fvm.scalar("SELECT COUNT(*) FROM run_marks"),
        fvm.scalar("SELECT COUNT(*) FROM history"),
    )


def test_plan_by_hand(weekend: Fvm) -> None:
    plan = weekend.json("runbook", "plan", "helg", "--phase", "1")
    assert plan["t0"] == "2026-11-26T12:00:00+01:00"
    rows = [
        (t["task"], t["unit"], hm(t["planned_start"]), hm(t["planned_finish"]), t["critical"])
        for t in plan["tasks"]
    ]
    assert rows == [
        ("a", None, "10:00", "11:00", True),
        ("b", "u1", "11:00", "11:30", False),
        ("b", "u2", "11:00", "11:30", False),
        ("c", "u1", "11:00", "12:00", True),
        ("d", None, "12:00", "12:15", True),
    ]
    assert plan["critical_path"] == [
        {"task": "a", "unit": None},
        {"task": "c", "unit": "u1"},
        {"task": "d", "unit": None},
    ]
    assert set(plan["tasks"][0]) == {
        "task",
        "unit",
        "owner",
        "planned_start",
        "planned_finish",
        "critical",
    }
    # T0 given: everything moves with it.
    moved = weekend.json("runbook", "plan", "helg", "--phase", "1", "--t0", "2026-11-27T12:00")
    assert moved["tasks"][0]["planned_start"] == "2026-11-27T10:00:00+01:00"
    csv = weekend("runbook", "plan", "helg", "--phase", "1", "--plain-csv").stdout
    assert csv.splitlines()[1].startswith("a,,")


def test_a_run_by_hand(weekend: Fvm) -> None:
    fvm = weekend
    fvm("run", "start", "helg", "rep1", "--phase", "1", "--rehearsal")
    fvm("run", "task", "rep1", "a", "start", "--at", "2026-11-26T10:05")
    fvm("run", "task", "rep1", "a", "done", "--at", "2026-11-26T11:10")
    fvm("run", "task", "rep1", "b", "start", "--unit", "u1", "--at", "2026-11-26T11:10")
    fvm("run", "task", "rep1", "c", "blocked", "--unit", "u1", "--comment", "Pumpen saknas")
    found = fvm.json("run", "status", "rep1")
    assert found["as_of"] == NOW and found["rehearsal"] is True
    rows = {(t["task"], t["unit"]): t for t in found["tasks"]}
    assert {k: (t["state"], hm(t["expected_finish"])) for k, t in rows.items()} == {
        ("a", None): ("done", "11:10"),
        ("b", "u1"): ("started", "11:40"),
        ("b", "u2"): ("waiting", "11:50"),
        ("c", "u1"): ("blocked", "12:20"),
        ("d", None): ("waiting", "12:35"),
    }
    assert all(t["late"] for t in rows.values())
    assert hm(rows[("a", None)]["actual_start"]) == "10:05"
    assert hm(found["planned_finish"]) == "12:15" and hm(found["expected_finish"]) == "12:35"
    assert found["slip_minutes"] == 20
    assert found["critical_path"] == [
        {"task": "a", "unit": None},
        {"task": "c", "unit": "u1"},
        {"task": "d", "unit": None},
    ]
    # Looking from before anything happened: a was not started then.
    early = fvm.json("run", "status", "rep1", "--as-of", "2026-11-26T09:00")
    assert early["as_of"] == "2026-11-26T09:00:00+01:00"
    # Every mark is a history entry with the actor and the moment.
    assert fvm.scalar("SELECT COUNT(*) FROM history WHERE kind = 'run-mark'") == 4
    assert (
        fvm.scalar(
            "SELECT \"at\" FROM history WHERE kind = 'run-mark' AND subject = 'a' "
            "AND old = 'started'"
        )
        == "2026-11-26T11:10:00+01:00"
    )
    listed = fvm.json("run", "list")
    assert [(r["run"], r["instances"], r["ended"]) for r in listed] == [("rep1", 5, 1)]
    # The history is the record: the tables agree with it until someone edits one beside fvm.
    fvm("history", "verify")
    from fvmcli.store.database import Database

    database = Database(fvm.url)
    try:
        with database.write() as conn:
            conn.run("UPDATE run_marks SET state = 'done' WHERE task = 'c'")
    finally:
        database.dispose()
    forged = fvm("history", "verify", code=1).stdout + fvm("history", "verify", code=1).stderr
    assert "run_marks" in forged


def test_the_tie_goes_to_runbook_order(weekend: Fvm, tmp_path: Path) -> None:
    folder = Path(str(tmp_path / "content"))
    text = RUNBOOK.replace('duration = "60m"', 'duration = "30m"')
    (folder / "runbooks" / "helg.toml").write_text(text, "utf-8")
    plan = weekend.json("runbook", "plan", "helg", "--phase", "1")
    # b/u1, b/u2 and c/u1 all finish 11:30: b comes first in the runbook, then u1.
    assert [(p["task"], p["unit"]) for p in plan["critical_path"]] == [
        ("a", None),
        ("b", "u1"),
        ("d", None),
    ]


def test_marks_are_refused_and_store_nothing(weekend: Fvm) -> None:
    fvm = weekend
    fvm("run", "start", "helg", "live", "--phase", "1")
    before = _stored(fvm)

    def refused(code: int, *args: str) -> str:
        result = fvm("run", "task", "live", *args, code=code)
        assert _stored(fvm) == before
        return str(result.stderr)

    assert "no run 'ghost'" in fvm("run", "task", "ghost", "a", "start", code=2).stderr
    assert "no task 'zz'" in refused(2, "zz", "start")
    assert "--unit" in refused(2, "b", "start")
    assert "no unit 'u9'" in refused(2, "b", "start", "--unit", "u9")
    assert "does not apply to unit u2" in refused(2, "c", "start", "--unit", "u2")
    assert "leave out --unit" in refused(2, "a", "start", "--unit", "u1")
    never = refused(3, "a", "done")
    assert "never started" in never and "fvm run task live a start" in never
    assert "waits for a" in refused(3, "b", "start", "--unit", "u1")
    assert "--reason" in refused(2, "b", "start", "--unit", "u1", "--force")
    assert "T0 − 30 days" in refused(2, "a", "start", "--at", "2026-10-26T11:59")
    assert "future" in refused(2, "a", "start", "--at", "2026-11-26T12:00")
    assert "expected a date and time" in refused(2, "a", "start", "--at", "igår")
    assert "has not fallen back" in refused(3, "back", "start")
    assert "unknown mark" in refused(2, "a", "begin")
    fvm("run", "task", "live", "a", "start", "--at", "2026-11-26T10:00")
    before = _stored(fvm)
    assert "started already" in refused(3, "a", "start")
    assert "before the instance started" in refused(2, "a", "done", "--at", "2026-11-26T09:59")


def test_forced_start_checkpoint_and_fallback(weekend: Fvm) -> None:
    fvm = weekend
    fvm("run", "start", "helg", "live", "--phase", "1")
    fvm("run", "task", "live", "a", "start", "--at", "2026-11-26T10:00")
    fvm("run", "task", "live", "a", "done", "--at", "2026-11-26T10:30")
    fvm("run", "task", "live", "b", "överhoppad", "--unit", "u1")  # the Swedish word
    fvm("run", "task", "live", "b", "start", "--unit", "u2", "--at", "2026-11-26T10:40")
    fvm("run", "task", "live", "b", "done", "--unit", "u2", "--at", "2026-11-26T11:00")
    fvm(
        "run", "task", "live", "d", "start", "--force", "--reason", "Pumparna väntar",
        "--at", "2026-11-26T11:05",
    )  # fmt: skip
    assert "Pumparna väntar" in str(fvm.scalar("SELECT comment FROM run_marks WHERE task = 'd'"))
    assert "--decision" in fvm("run", "task", "live", "d", "done", code=2).stderr
    assert "--decision" in fvm("run", "task", "live", "a", "done", "--decision", "x", code=2).stderr
    fvm("gate", "propose", "--phase", "1", "m1")
    undecided = fvm("run", "task", "live", "d", "done", "--decision", "m1", code=3)
    assert "not decided" in undecided.stderr
    fvm("gate", "vote", "m1", "--role", "chefslakare", "no-go")
    fvm("gate", "vote", "m1", "--role", "mas", "no-go")
    fvm("gate", "decide", "m1", "no-go")
    # A no-go decision marks the checkpoint failed.
    fvm("run", "task", "live", "d", "done", "--decision", "m1", "--at", "2026-11-26T11:15")
    rows = {(t["task"], t["unit"]): t for t in fvm.json("run", "status", "live")["tasks"]}
    assert rows[("d", None)]["state"] == "failed"
    assert fvm.scalar("SELECT decision FROM run_marks WHERE task = 'd'") == "m1"
    assert ("back", None) not in rows
    fvm("run", "fallback", "live", "--reason", "Nej i beslutspunkten")
    assert "already" in fvm("run", "fallback", "live", "--reason", "igen", code=3).stderr
    rows = {(t["task"], t["unit"]): t for t in fvm.json("run", "status", "live")["tasks"]}
    # The way back is planned after its predecessor: d's planned finish 12:15, then 1h.
    assert hm(rows[("back", None)]["planned_start"]) == "12:15"
    assert hm(rows[("back", None)]["planned_finish"]) == "13:15"
    # d failed, neither done nor skipped: the way back starts only when forced past it.
    assert "waits for d" in fvm("run", "task", "live", "back", "start", code=3).stderr
    fvm("run", "task", "live", "back", "start", "--force", "--reason", "Nej-beslut")


def test_durations_from_and_compare(weekend: Fvm) -> None:
    fvm = weekend
    fvm("run", "start", "helg", "rep1", "--phase", "1", "--rehearsal")
    fvm("run", "task", "rep1", "a", "start", "--at", "2026-11-26T09:00")
    fvm("run", "task", "rep1", "a", "done", "--at", "2026-11-26T09:40")
    for unit, end in (("u1", "09:50"), ("u2", "10:10")):
        fvm("run", "task", "rep1", "b", "start", "--unit", unit, "--at", "2026-11-26T09:40")
        fvm("run", "task", "rep1", "b", "done", "--unit", unit, "--at", f"2026-11-26T{end}")
    plan = weekend.json("runbook", "plan", "helg", "--phase", "1", "--durations-from", "rep1")
    rows = {(t["task"], t["unit"]): t for t in plan["tasks"]}
    assert hm(rows[("a", None)]["planned_finish"]) == "10:40"  # measured 40 min
    assert hm(rows[("b", "u2")]["planned_finish"]) == "11:00"  # median of 10 and 30 min
    assert hm(rows[("c", "u1")]["planned_finish"]) == "11:40"  # not measured: 60 min
    fvm("run", "start", "helg", "rep2", "--phase", "1", "--rehearsal", "--durations-from", "rep1")
    fvm("run", "task", "rep2", "a", "start", "--at", "2026-11-26T09:00")
    fvm("run", "task", "rep2", "a", "done", "--at", "2026-11-26T10:10")
    status = fvm.json("run", "status", "rep2")
    assert hm(status["tasks"][0]["planned_finish"]) == "10:40"
    compared = fvm.json("run", "compare", "rep1", "rep2")
    first = compared["tasks"][0]
    assert (first["task"], first["planned_minutes"]) == ("a", 60)
    assert (first["first_minutes"], first["second_minutes"], first["difference_minutes"]) == (
        40.0,
        70.0,
        30.0,
    )
    assert compared["tasks"][1]["second_minutes"] is None
    assert "no run 'rep9'" in fvm("run", "compare", "rep1", "rep9", code=2).stderr
    assert "exists already" in fvm("run", "start", "helg", "rep1", "--phase", "1", code=3).stderr


def test_plan_as_xlsx_and_ics(weekend: Fvm, tmp_path: Path) -> None:
    import openpyxl
    from icalendar import Calendar

    sheet = tmp_path / "helg.xlsx"
    weekend("runbook", "plan", "helg", "--phase", "1", "-o", str(sheet))
    ws = openpyxl.load_workbook(sheet).active
    assert ws.page_setup.orientation == "landscape"
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert [(v[0], v[1], v[4].strftime("%H:%M"), v[7]) for v in values] == [
        ("a", None, "10:00", "yes"),
        ("b", "u1", "11:00", None),
        ("b", "u2", "11:00", None),
        ("c", "u1", "11:00", "yes"),
        ("d", None, "12:00", "yes"),
    ]
    assert ws.cell(3, 1).font.b and not ws.cell(4, 1).font.b  # critical rows stand out
    calendar = tmp_path / "helg.ics"
    weekend("runbook", "plan", "helg", "--phase", "1", "-o", str(calendar))
    events = Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")
    assert len(events) == 5
    first = events[0]
    assert str(first["summary"]) == "Freeze"  # English in this test; Swedish by default
    assert first.decoded("dtstart").isoformat() == "2026-11-26T10:00:00+01:00"
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 5
    again = tmp_path / "again.ics"
    weekend("runbook", "plan", "helg", "--phase", "1", "--t0", "2026-11-27T12:00", "-o", str(again))
    moved = Calendar.from_ical(again.read_bytes()).walk("VEVENT")
    assert [str(e["uid"]) for e in moved] == uids  # a re-published plan updates its events
    assert "-o" in weekend("runbook", "plan", "helg", "--phase", "1", "-o", "x.pdf", code=2).stderr


def test_swedish_by_default(weekend: Fvm, swedish: None) -> None:
    fvm = weekend
    fvm("run", "start", "helg", "skarp", "--phase", "1")
    table = fvm("run", "status", "skarp").stdout
    assert "Frys" in table and "väntar" in table and "förväntat slut" in table
    refused = fvm("run", "task", "skarp", "a", "done", code=3).stderr
    assert "har aldrig påbörjats" in refused and "fvm run task skarp a start" in refused
    calendar_help = fvm("runbook", "plan", "--help").stdout
    assert "den kritiska linjen markerad" in " ".join(calendar_help.split())


def test_runbook_list_and_show(weekend: Fvm) -> None:
    listed = weekend.json("runbook", "list")
    assert {r["id"] for r in listed} >= {"helg", "driftstart"}
    shown = weekend.json("runbook", "show", "helg")
    assert [t["id"] for t in shown["tasks"]] == ["a", "b", "c", "d", "back"]
    assert shown["tasks"][3]["checkpoint"] is True and shown["tasks"][0]["start"] == -120
    assert "no runbook 'nope'" in weekend("runbook", "show", "nope", code=2).stderr


def test_two_marks_of_one_instance_lose_nothing(weekend: Fvm) -> None:
    """The second of two writers that both saw the instance waiting stores nothing."""
    from fvmcli.store.database import Database
    from fvmcli.store.runs import StoredMark, put_mark

    weekend("run", "start", "helg", "live", "--phase", "1")
    database = Database(weekend.url)
    mark = StoredMark("a", None, "started", "2026-11-26T10:00:00+01:00", None, "anna")
    try:
        with database.write() as conn:
            assert put_mark(conn, "live", mark, old="waiting", at=mark.started_at or "")
        with database.write() as conn:
            other = StoredMark("a", None, "started", "2026-11-26T10:01:00+01:00", None, "bo")
            assert not put_mark(conn, "live", other, old="waiting", at="x")
            assert not put_mark(conn, "live", other, old="blocked", at="x")
        with database.read() as conn:
            assert conn.scalar('SELECT "by" FROM run_marks') == "anna"
            assert conn.scalar("SELECT COUNT(*) FROM history WHERE kind = 'run-mark'") == 1
    finally:
        database.dispose()


@pytest.mark.skipif(not PG_URL, reason="rights are PostgreSQL's")
def test_rights_on_a_shared_database(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lead starts runs and marks any task; an answerer marks the unit tasks of their units
    only, through fvm and beside it."""
    folder = tmp_path / "content"
    (folder / "runbooks").mkdir(parents=True)
    (folder / "runbooks" / "helg.toml").write_text(RUNBOOK, "utf-8")
    # The runbook is published once, by the admin; the logins use it from the database.
    server.fvm("adam")("content", "publish", str(folder))
    lena, anna, bo = server.fvm("lena"), server.fvm("anna"), server.fvm("bo")
    start = ("run", "start", "helg", "live", "--phase", "2", "--t0", "2026-11-26T12:00")
    assert "may not start a run" in bo(*start, code=5).stderr
    lena(*start)
    refused = " ".join(bo("run", "task", "live", "a", "start", code=5).stderr.split())
    assert "may not mark a:" in refused and "is not its owner (cutover-lead)" in refused
    lena("run", "task", "live", "a", "start", "--at", "2026-11-26T09:50")
    lena("run", "task", "live", "a", "done", "--at", "2026-11-26T09:55")
    bo("run", "task", "live", "b", "start", "--unit", "u2", "--at", "2026-11-26T09:58")
    refused = anna("run", "task", "live", "b", "start", "--unit", "u3", code=5).stderr
    assert "nor marks the tasks of u3" in " ".join(refused.split())
    message = refused_by_policy(
        server,
        "anna",
        "INSERT INTO run_marks VALUES ('live','b','u3','started',NULL,NULL,'x',NULL,NULL)",
    )
    assert "row-level security" in message
    states = {
        (t["task"], t["unit"]): t["state"] for t in lena.json("run", "status", "live")["tasks"]
    }
    assert states[("b", "u2")] == "started" and states[("b", "u3")] == "waiting"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_run_watch_follows_a_mark_from_another_terminal(weekend: Fvm, tmp_path: Path) -> None:
    """``run watch`` in a tmux terminal shows a task as running once another terminal marks
    it started, without being restarted."""
    import os
    import subprocess
    import sys
    import time

    fvm = weekend
    fvm("run", "start", "helg", "live", "--phase", "1")
    session = f"fvm-watch-{os.getpid()}"
    env = {**os.environ, "FVM_DB": fvm.url, "FVM_LANG": "sv", "COLUMNS": "150", "LINES": "50"}
    command = f"{sys.executable} -m fvmcli run watch live --every 0.3"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "50", command],
        env=env,
        check=True,
    )

    def screen() -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
        ).stdout

    def wait_for(text: str) -> str:
        shown = ""
        for _ in range(100):
            shown = screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on the screen:\n{shown}")

    try:
        before = wait_for("Pågår (0)")
        assert "Nästa (föregångarna klara) (1)" in before
        fvm("run", "task", "live", "a", "start", "--at", "2026-11-26T11:00")
        after = wait_for("Pågår (1)")
        assert "startad 2026-11-26 11:00" in after and "a → påbörjad" in after
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_the_cutover_report_shows_a_run(weekend: Fvm, tmp_path: Path) -> None:
    import openpyxl

    fvm = weekend
    fvm("run", "start", "helg", "rep1", "--phase", "1", "--rehearsal")
    fvm("run", "task", "rep1", "a", "start", "--at", "2026-11-26T10:05")
    fvm("run", "task", "rep1", "a", "done", "--at", "2026-11-26T11:10")
    fvm("run", "task", "rep1", "c", "blocked", "--unit", "u1")
    page = tmp_path / "r.html"
    fvm("cutover", "report", "--phase", "1", "--run", "rep1", "-o", str(page))
    html = page.read_text("utf-8")
    section = html.split("Cut-over: Test weekend, rep1 (rehearsal)")[1]
    assert "20 min" in section  # the slip of test_a_run_by_hand's reading, one mark fewer
    assert "a → c (u1) → d" in section  # the critical path
    assert "Late tasks (4)" in section and "c (u1)" in section
    document = tmp_path / "r.json"
    fvm("cutover", "report", "--phase", "1", "--run", "rep1", "-o", str(document))
    found = json.loads(document.read_text("utf-8"))["run"]
    assert found["run"] == "rep1" and found["slip_minutes"] == 20
    sheet = tmp_path / "r.xlsx"
    fvm("cutover", "report", "--phase", "1", "--run", "rep1", "-o", str(sheet))
    ws = openpyxl.load_workbook(sheet)["Run"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [(r[0], r[1], r[3]) for r in rows][:2] == [("a", None, "done"), ("b", "u1", "waiting")]
    assert rows[0][5] == "2026-11-26 11:00" and rows[0][7] == "2026-11-26 11:10"
    assert (
        "no run 'nope'"
        in fvm("cutover", "report", "--run", "nope", "-o", str(tmp_path / "x.html"), code=2).stderr
    )


def test_two_terminals_marking_one_instance_at_once(weekend: Fvm) -> None:
    """Two people start the same instance at the same moment: one mark is stored, the other
    is refused (3), and the history has one entry for it."""
    import threading

    from fvmcli.errors import ConflictError
    from fvmcli.services.context import Context
    from fvmcli.services.runs import run_mark

    weekend("run", "start", "helg", "live", "--phase", "1")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def mark(who: str) -> None:
        ctx = Context(db_url=weekend.url)
        try:
            barrier.wait()
            run_mark(ctx, "live", "a", "start", comment=who)
            outcomes.append("stored")
        except ConflictError as exc:
            outcomes.append(f"refused: {exc.message}")
        finally:
            ctx.close()

    threads = [threading.Thread(target=mark, args=(who,)) for who in ("anna", "bo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "stored"], outcomes
    assert weekend.scalar("SELECT COUNT(*) FROM history WHERE kind = 'run-mark'") == 1
    assert weekend.scalar("SELECT COUNT(*) FROM run_marks") == 1


def test_a_run_started_before_0012_gets_its_owners_at_the_upgrade(weekend: Fvm) -> None:
    """``runs.owners`` NULL (a run started before migration 0012): the upgrade to 0013 fills
    it from the runbook text the run keeps, with its entry, so the record still verifies."""
    from fvmcli.store.database import Database

    weekend("run", "start", "helg", "live", "--phase", "1")
    database = Database(weekend.url)
    with database.write() as conn:
        conn.run("UPDATE runs SET owners = NULL")
        conn.run("UPDATE alembic_version SET version_num = '0012'")
    database.dispose()
    weekend("run", "list")  # the next command upgrades
    owners = json.loads(str(weekend.scalar("SELECT owners FROM runs WHERE name = 'live'")))
    assert owners == {"a": "cutover-lead", "b": "local-project-lead", "d": "cutover-lead"}
    assert weekend.scalar("SELECT version_num FROM alembic_version") == "0013"
    weekend("history", "verify")
