"""Training: enrolment rules, waitlists, attendance, coverage, erasure, rosters, calendars."""

from __future__ import annotations

import json
import multiprocessing
import re
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from fvmcli.core.enrolment import SessionTime, overlaps, session_id, to_promote
from fvmcli.core.training import coverage
from tests.conftest import Fvm


def test_coverage_hand_computed() -> None:
    requires = {"nurse": ("a", "b"), "admin": ("c",), "guest": ()}
    # Two nurses, an admin, a guest; the nurses completed a twice and b once, the admin
    # completed a (not required of admins), nobody completed c.
    per_role = [("nurse", 2), ("admin", 1), ("guest", 1)]
    completed = [("nurse", "a", 2), ("nurse", "b", 1), ("admin", "a", 1)]
    result = coverage(per_role, completed, requires)
    assert (result.people, result.required, result.completed) == (4, 5, 3)
    assert result.percent == pytest.approx(60.0)
    assert coverage([("guest", 1)], [], requires).percent is None


def test_promotion_order_and_ids() -> None:
    assert to_promote(3, 1, ["x", "y", "z"]) == ["x", "y"]
    assert to_promote(2, 2, ["x"]) == []
    start = datetime(2026, 12, 14, 9)
    assert session_id("open-link", start, []) == "open-link-2026-12-14"
    assert session_id("open-link", start, ["open-link-2026-12-14"]) == "open-link-2026-12-14-2"
    a = SessionTime("a", "x", datetime(2026, 1, 1, 9), datetime(2026, 1, 1, 12))
    b = SessionTime("b", "y", datetime(2026, 1, 1, 12), datetime(2026, 1, 1, 13))
    c = SessionTime("c", "y", datetime(2026, 1, 1, 11), datetime(2026, 1, 1, 13))
    assert not overlaps(a, b) and overlaps(a, c)


@pytest.fixture
def school(fvm: Fvm) -> Fvm:
    """Units u1, u2; nurses n1–n4 in u1, an admin a1 in u2, a config analyst c1 in u2."""
    fvm("unit", "add", "u1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("unit", "add", "u2", "--name", "Mottagning", "--area", "vastra", "--type", "primary-care")
    for pid, role, unit in [
        ("n1", "nurse", "u1"),
        ("n2", "nurse", "u1"),
        ("n3", "nurse", "u1"),
        ("n4", "nurse", "u1"),
        ("a1", "admin", "u2"),
        ("c1", "config-analyst", "u2"),
    ]:
        fvm(
            "person",
            "add",
            pid,
            "--name",
            f"Person {pid.upper()} Ålund",
            "--role",
            role,
            "--unit",
            unit,
            "--email",
            f"{pid}@example.se",
        )
    fvm(
        "session",
        "add",
        "enduser-clinical",
        "--start",
        "2026-12-14T09:00",
        "--end",
        "2026-12-14T17:00",
        "--capacity",
        "2",
        "--location",
        "Borås",
    )
    fvm("session", "add", "downtime-procedures", "--start", "2026-12-14T13:00", "--capacity", "10")
    fvm("session", "add", "downtime-procedures", "--start", "2026-12-15T08:00", "--capacity", "10")
    return fvm


EC = "enduser-clinical-2026-12-14"


def test_seats_then_waitlist_then_promotion_on_cancel(school: Fvm) -> None:
    out = school("session", "enroll", EC, "n1", "n2", "n3", "n4").stdout
    assert "n1: enrolled – Person N1 Ålund" in out and "n3: waitlisted – Person N3 Ålund" in out
    seats = school("session", "show", EC).stdout  # people by name too; the JSON keeps ids
    assert "Person N1 Ålund" in seats and "Person N4 Ålund" in seats
    shown = school.json("session", "show", EC)
    assert (shown["enrolled"], shown["waitlist"]) == (["n1", "n2"], ["n3", "n4"])
    assert (shown["course"], shown["start"], shown["capacity"]) == (
        "enduser-clinical",
        "2026-12-14T09:00",
        2,
    )
    cancel = school("session", "cancel", EC, "n1").stdout
    assert "Promoted n3 from the waitlist." in cancel
    shown = school.json("session", "show", EC)
    assert (shown["enrolled"], shown["waitlist"]) == (["n2", "n3"], ["n4"])
    update = school("session", "update", EC, "--capacity", "4").stdout
    assert "Promoted n4 from the waitlist." in update
    school("session", "enroll", EC, "n1")  # back, at the end of the line: a free seat
    assert school.json("session", "show", EC)["enrolled"] == ["n2", "n3", "n4", "n1"]
    promotions = school.scalar(
        "SELECT count(*) FROM history WHERE kind = 'enrolment' AND "
        "comment = 'promoted from the waitlist'"
    )
    assert promotions == 2


def test_refusals_and_forcing_with_a_kept_reason(school: Fvm) -> None:
    school(
        "session", "add", "millennium-fundament", "--start", "2026-12-16T09:00", "--capacity", "5"
    )
    school(
        "session", "add", "millennium-fundament", "--start", "2027-01-20T09:00", "--capacity", "5"
    )
    fund = "millennium-fundament-2026-12-16"
    err = school("session", "enroll", fund, "c1", code=3).stderr
    assert "c1 has not completed the prerequisite(s) millennium-intro" in err
    assert "--force --reason" in err
    assert (
        "--force needs --reason"
        in school("session", "enroll", fund, "c1", "--force", code=2).stderr
    )
    school("session", "enroll", fund, "c1", "--force", "--reason", "Erfaren från SDV")
    reason = school.scalar("SELECT forced_reason FROM enrolments WHERE person_id = 'c1'")
    assert reason == "Erfaren från SDV"
    dup = school("session", "enroll", "millennium-fundament-2027-01-20", "c1", code=3).stderr
    assert "already has a seat in millennium-fundament-2026-12-16 of the same course" in dup
    school("session", "enroll", EC, "n1")
    clash = school("session", "enroll", "downtime-procedures-2026-12-14", "n1", code=3).stderr
    assert f"is already booked in {EC}, which overlaps in time" in clash
    # a refused person in a group is named; the others are booked (#49)
    group = school("session", "enroll", "downtime-procedures-2026-12-14", "n2", "n1", code=3)
    assert "not booked (the others are):" in group.stderr and "n2" not in group.stderr
    assert school.json("session", "show", "downtime-procedures-2026-12-14")["enrolled"] == ["n2"]


@pytest.fixture
def after_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock after the school's sessions, when their attendance is known."""
    monkeypatch.setenv("FVM_NOW", "2026-12-20T17:00:00+01:00")


def test_attendance_before_a_session_is_refused_unless_forced_with_a_reason(
    school: Fvm, monkeypatch: pytest.MonkeyPatch
) -> None:
    school("session", "enroll", EC, "n1", "n2")  # the clock stands at 2026-11-26
    refused = school("session", "attend", EC, "n1", code=3).stderr
    assert "starts on 2026-12-14" in refused and "--force --reason" in refused
    assert "starts on" in school("session", "attend", EC, "n2", "--no-show", code=3).stderr
    assert "needs --reason" in school("session", "attend", EC, "n1", "--force", code=2).stderr
    assert school.json("session", "show", EC)["status"] == {"n1": "enrolled", "n2": "enrolled"}
    school("session", "attend", EC, "n1", "--force", "--reason", "Närvarolista från kursledaren")
    assert (
        school.scalar("SELECT comment FROM history WHERE kind = 'enrolment' AND new = 'attended'")
        == "Närvarolista från kursledaren"
    )
    # On the day itself, before it starts, attendance is taken as people arrive.
    monkeypatch.setenv("FVM_NOW", "2026-12-14T08:50:00+01:00")
    school("session", "attend", EC, "n2")
    assert school.json("session", "show", EC)["status"] == {"n1": "attended", "n2": "attended"}


@pytest.mark.usefixtures("after_sessions")
def test_attendance_completion_and_assessment(school: Fvm) -> None:
    school("session", "enroll", EC, "n1", "n2", "n3")
    assert "is on the waitlist" in school("session", "attend", EC, "n3", code=3).stderr
    school("session", "attend", EC, "n1")
    school("session", "attend", EC, "n2", "--no-show")
    # enduser-clinical has an assessment: attendance alone does not complete it
    assert school.json("course", "coverage", "--unit", "u1")["units"][0]["completed"] == 0
    assert "has not attended" in school("session", "pass", EC, "n2", code=3).stderr
    school("session", "pass", EC, "n1")
    # downtime-procedures has no assessment: attendance completes it
    school("session", "enroll", "downtime-procedures-2026-12-15", "n1")
    assert (
        "no assessment"
        in school("session", "pass", "downtime-procedures-2026-12-15", "n1", code=2).stderr
    )
    school("session", "attend", "downtime-procedures-2026-12-15", "n1")
    # u1: 4 nurses × 2 required = 8 pairs; n1 completed both → 25 %
    assert school.json("course", "coverage", "--unit", "u1") == {
        "units": [
            {
                "unit": "u1",
                "people": 4,
                "required": 8,
                "completed": 2,
                "coverage": 25.0,
                "failed": 0,
                "staff": None,
            }
        ]
    }
    already = school("session", "enroll", "downtime-procedures-2026-12-14", "n1", code=3).stderr
    assert "has already completed downtime-procedures" in already
    all_units = school.json("course", "coverage")["units"]
    assert [u["unit"] for u in all_units] == ["u1", "u2"]
    assert all_units[1] == {
        "unit": "u2",
        "people": 2,
        "required": 4,
        "completed": 0,
        "coverage": 0.0,
        "failed": 0,
        "staff": None,
    }


@pytest.mark.usefixtures("after_sessions")
def test_coverage_feeds_readiness(school: Fvm) -> None:
    school("session", "enroll", "downtime-procedures-2026-12-15", "n1", "n2")
    school("session", "attend", "downtime-procedures-2026-12-15", "n1", "n2")
    score = json.loads(school("checklist", "score", "golive", "--unit", "u1", "--json").stdout)
    train = next(q for q in score["questions"] if q["id"] == "train.coverage")
    assert train["value"] == 25 and train["credit"] == pytest.approx(25 / 90)


@pytest.mark.usefixtures("swedish", "after_sessions")
def test_forget_erases_name_email_and_free_text_everywhere(school: Fvm, db_url: str) -> None:
    school("session", "enroll", EC, "n1")
    school(
        "session", "add", "millennium-fundament", "--start", "2026-12-16T09:00", "--capacity", "5"
    )
    school(
        "session",
        "enroll",
        "millennium-fundament-2026-12-16",
        "n1",
        "--force",
        "--reason",
        "Person N1 Ålund behöver det",
    )
    school("session", "attend", EC, "n1")
    school("session", "pass", EC, "n1")
    before = school.json("course", "coverage", "--unit", "u1")
    school("person", "forget", "n1", "--yes")
    from fvmcli.store.database import Database

    database = Database(db_url)
    with database.schema_connection() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                text = " ".join(str(v) for v in row)
                assert "N1 Ålund" not in text and "n1@example.se" not in text, table
    database.dispose()
    assert school.json("course", "coverage", "--unit", "u1") == before
    listed = {p["id"]: p for p in school.json("person", "list")}
    assert listed["n1"] == {"id": "n1", "name": None, "role": "nurse", "unit": "u1", "email": None}
    roster = school("session", "roster", EC, "--format", "md").stdout
    assert "| 1 | (raderad) (n1) | Avd 1 | Sjuksköterska | genomförd | |" in roster
    # The time as people read it: one date, a dash between the hours.
    assert re.search(r"\*\*Tid:\*\* \d{4}-\d\d-\d\d \d\d:\d\d–\d\d:\d\d ", roster), roster
    assert "ingen person 'zz'" in school("person", "forget", "zz", "--yes", code=2).stderr


def test_people_import_rules(school: Fvm, write_csv) -> None:
    path = write_csv(
        "id;name;role;unit;email\n"
        "x1;Xena;nurse;u1;x@example.se\n"
        "x2;;nurse;u1;\n"
        "x3;Y;pilot;u1;\n"
        "x4;Z;nurse;u9;\n"
        "x5;W;nurse;u1;not-an-address\n"
    )
    err = school("person", "import", str(path), code=2).stderr
    for expected in [
        "row 3, column name: is required",
        "row 4, column role: unknown role 'pilot'",
        "row 5, column unit: no unit 'u9'",
        "row 6, column email",
    ]:
        assert expected in err, expected
    assert school.scalar("SELECT count(*) FROM people WHERE id LIKE 'x%'") == 0
    good = write_csv("id,name,role,unit\nx1,Xena,nurse,u1\n", "good.csv")
    assert "1 added" in school("person", "import", str(good)).stdout
    assert "1 unchanged" in school("person", "import", str(good)).stdout
    assert (
        "already exists"
        in school(
            "person", "add", "x1", "--name", "X", "--role", "nurse", "--unit", "u1", code=3
        ).stderr
    )


def test_session_import_generates_stable_ids_and_is_idempotent(school: Fvm, write_csv) -> None:
    path = write_csv(
        "course;start;end;capacity;location;trainer\n"
        "open-link;2027-01-18T09:00;2027-01-18T16:00;12;Göteborg;Cerner\n"
        "open-link;2027-01-25 09:00;;8;;\n"
    )
    assert "2 added" in school("session", "import", str(path)).stdout
    ids = [s["id"] for s in school.json("session", "list", "--course", "open-link")]
    assert ids == ["open-link-2027-01-18", "open-link-2027-01-25"]
    assert "0 added, 0 changed, 2 unchanged" in school("session", "import", str(path)).stdout
    bad = write_csv(
        "course,start,capacity\nnope,2027-01-01T09:00,3\nopen-link,2027-02-30T09:00,3\n"
        "open-link,2027-03-01T09:00,\n",
        "bad.csv",
    )
    err = school("session", "import", str(bad), code=2).stderr
    assert "row 2, column course: unknown course 'nope'" in err
    assert "row 3, column start" in err
    assert "row 4, column capacity: is required for a new session" in err
    assert len(school.json("session", "list")) == 5


@pytest.mark.usefixtures("swedish")
def test_calendar_parses_and_keeps_uids(school: Fvm, tmp_path: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    school("session", "calendar", "-o", str(first))
    school("session", "update", EC, "--location", "Skövde")
    school("session", "calendar", "-o", str(second))
    events = []
    for path in (first, second):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        events.append({str(e["uid"]): e for e in cal.walk("VEVENT")})
    assert set(events[0]) == set(events[1]) and len(events[0]) == 3
    event = events[1][f"{EC}@fvmcli.vgregion.invalid"]
    assert str(event["location"]) == "Skövde"
    assert event.decoded("dtstart").isoformat() == "2026-12-14T09:00:00+01:00"
    assert str(event["dtstart"].params["TZID"]) == "Europe/Stockholm"
    assert "Millennium för vårdpersonal" in str(event["summary"])


@pytest.mark.usefixtures("swedish")
def test_roster_csv_guards_formulas_and_lists_the_waitlist(school: Fvm) -> None:
    school(
        "person",
        "add",
        "evil",
        "--name",
        '=HYPERLINK("http://x")',
        "--role",
        "nurse",
        "--unit",
        "u1",
    )
    school("session", "enroll", EC, "n1", "evil", "n2")
    csv_text = school("session", "roster", EC, "--format", "csv").stdout
    lines = csv_text.splitlines()
    assert lines[0] == "\ufeffsession;person;name;unit;role;status;signature"
    assert lines[2].startswith(f"{EC};evil;\"'=HYPERLINK")
    assert lines[3].endswith("waitlisted;")
    plain = school("session", "roster", EC, "--format", "csv", "--plain-csv").stdout
    assert plain.splitlines()[2].startswith(f"{EC},evil,\"'=HYPERLINK")
    html = school("session", "roster", EC).stdout
    assert "Närvarolista" in html and "Reservlista" in html and "Signatur" in html


def _enrol_worker(url: str, session: str, person: str, barrier) -> int:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from fvmcli.cli.app import app

    barrier.wait()
    return CliRunner().invoke(app, ["--db", url, "session", "enroll", session, person]).exit_code


@pytest.mark.slow
def test_racing_for_the_last_seats_never_exceeds_capacity(school: Fvm, db_url: str) -> None:
    for i in range(8):
        school("person", "add", f"r{i}", "--name", f"R {i}", "--role", "nurse", "--unit", "u1")
    school(
        "session", "add", "downtime-procedures", "--start", "2027-02-01T09:00", "--capacity", "3"
    )
    session = "downtime-procedures-2027-02-01"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(8)
        with ctx.Pool(8) as pool:
            codes = pool.starmap(
                _enrol_worker, [(db_url, session, f"r{i}", barrier) for i in range(8)]
            )
    assert codes == [0] * 8  # nobody fails, not even with "database is locked"
    shown = school.json("session", "show", session)
    assert len(shown["enrolled"]) == 3 and len(shown["waitlist"]) == 5
    assert sorted(shown["enrolled"] + shown["waitlist"]) == [f"r{i}" for i in range(8)]


def test_a_session_time_damaged_in_the_database_is_named_and_can_be_mended(
    school: Fvm, tmp_path: Path
) -> None:
    engine = sa.create_engine(school.url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE sessions SET start = 'next tuesday' WHERE id = :id"), {"id": EC}
        )
    engine.dispose()
    for command in (
        ["session", "list"],
        ["session", "show", EC],
        ["session", "roster", EC, "--format", "md"],
        ["session", "calendar", "-o", str(tmp_path / "kalender.ics")],
        ["session", "enroll", EC, "n1"],
    ):
        refused = school(*command, code=4)
        assert f"session '{EC}' in the database has a start fvm cannot read: 'next tuesday'" in (
            refused.stderr
        ), command
        assert "fvm session update" in refused.stderr
    school("session", "update", EC, "--start", "2026-12-14T09:00", "--end", "2026-12-14T17:00")
    assert [s["start"] for s in school.json("session", "list") if s["id"] == EC] == [
        "2026-12-14T09:00"
    ]


def test_a_course_of_several_days_is_a_session_held_each_day(school: Fvm, tmp_path: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    # Millennium Fundament is 24 hours: three days of eight, 09:00–17:00, by default.
    school(
        "session", "add", "millennium-fundament", "--start", "2027-01-18T09:00", "--capacity", "8"
    )
    fundament = school.json("session", "show", "millennium-fundament-2027-01-18")
    assert (fundament["start"], fundament["end"]) == ("2027-01-18T09:00", "2027-01-20T17:00")
    shown = school("session", "show", "millennium-fundament-2027-01-18").stdout
    assert "2027-01-18–20, 09:00–17:00 each day" in shown
    out = tmp_path / "kurser.ics"
    school("session", "calendar", "-o", str(out))
    event = next(
        e
        for e in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
        if str(e["UID"]).startswith("millennium-fundament-2027-01-18@")
    )
    # One event on the first day's hours, repeated on each of the three days.
    assert (event.decoded("dtstart").hour, event.decoded("dtend").hour) == (9, 17)
    assert event.decoded("dtend").date().isoformat() == "2027-01-18"
    assert event["RRULE"]["FREQ"] == ["DAILY"] and event["RRULE"]["COUNT"] == [3]
    # Over several days the day's end must come after its start: 17:00 to 09:00 is no day.
    err = school(
        "session", "add", "millennium-fundament", "--start", "2027-02-01T17:00",
        "--end", "2027-02-03T09:00", "--capacity", "8", code=2,
    ).stderr  # fmt: skip
    assert "held each day from its start's time to its end's time" in err
