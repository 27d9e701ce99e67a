"""What trainers trip over (#49): re-booking, moving sessions, days of a session, erasure,
and the words they read. Each test reads what the person sees, in Swedish."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Fvm


@pytest.fixture
def course_people(fvm: Fvm) -> Fvm:
    """A unit with nurses t01–t06 and three sessions of Millennium Intro: one done, one full."""
    fvm("unit", "add", "u1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    names = ["Anna Ek", "Bo Al", "Cia Ås", "Dan Björk", "Eva Lind", "Åsa Öberg"]
    for n, name in enumerate(names, 1):
        fvm("person", "add", f"t0{n}", "--name", name, "--role", "nurse", "--unit", "u1")
    for start, capacity in (("2026-11-02T09:00", "5"), ("2026-12-07T09:00", "1")):
        fvm("session", "add", "downtime-procedures", "--start", start, "--capacity", capacity)
    fvm("session", "add", "downtime-procedures", "--start", "2027-01-26T09:00", "--capacity", "9")
    return fvm


PAST, FULL, NEW = (
    "downtime-procedures-2026-11-02",
    "downtime-procedures-2026-12-07",
    "downtime-procedures-2027-01-26",
)


@pytest.mark.usefixtures("swedish")
def test_a_no_show_or_a_waitlist_place_does_not_stop_a_new_booking(course_people: Fvm) -> None:
    fvm = course_people
    fvm("session", "enroll", PAST, "t04")
    fvm("session", "attend", PAST, "t04", "--no-show")
    fvm("session", "enroll", FULL, "t01", "t05")  # t01 a seat, t05 the waitlist
    result = fvm("session", "enroll", NEW, "t03", "t04", "t05", "t01", code=3)
    out, err = result.stdout, result.stderr
    # The eligible are booked; the one with a seat in another session is named, alone.
    assert "t03: bokad – Cia Ås" in out
    assert "t04: bokad – Dan Björk" in out
    assert "t05: bokad – Eva Lind" in out
    assert f"dess plats på reservlistan till {FULL} flyttades hit" in out
    assert "inte bokade (de andra är bokade):" in err
    assert f"t01 har redan en plats på {FULL} av samma kurs" in err
    assert "t03" not in err and "t04" not in err and "t05" not in err
    shown = fvm.json("session", "show", NEW)
    assert shown["enrolled"] == ["t03", "t04", "t05"]
    # t05 waits for one session of the course at a time: the old place moved.
    full = fvm.json("session", "show", FULL)
    assert (full["enrolled"], full["waitlist"]) == (["t01"], [])
    assert full["status"]["t05"] == "cancelled"
    # A person refused alone: nothing stored, and said so.
    alone = fvm("session", "enroll", NEW, "t01", code=3).stderr
    assert "nekas, inget sparat:" in alone and "--force --reason" in alone
    # The history says why, in Swedish (the stored note stays as written).
    assert f"platsen på reservlistan flyttad till {NEW}" in fvm("session", "history", FULL).stdout
    # The status words a trainer reads are Swedish.
    past = fvm("session", "show", PAST).stdout
    assert "uteblev" in past and "no-show" not in past


def test_the_seat_rule_is_one_rule() -> None:
    from datetime import datetime

    from fvmcli.core.enrolment import Booking, SessionTime, moved_waitlist, refusals
    from fvmcli.core.model import Course, Text

    course = Course("k", Text("K"), hours=4.0)
    new = SessionTime("k-new", "k", datetime(2027, 1, 26, 9), datetime(2027, 1, 26, 13))
    other = SessionTime("k-old", "k", datetime(2027, 1, 5, 9), datetime(2027, 1, 5, 13))
    now = datetime(2026, 12, 1, 9)
    for status, refused in (
        ("enrolled", True),
        ("attended", True),
        ("no-show", False),
        ("failed", False),
        ("waitlisted", False),
        ("cancelled", False),
    ):
        assert bool(refusals(new, course, [Booking(other, status)], set())) is refused, status
    assert moved_waitlist(new, [Booking(other, "waitlisted")], now) == ["k-old"]
    # A waitlist place of a session that has begun stays as what happened.
    assert moved_waitlist(new, [Booking(other, "waitlisted")], datetime(2027, 1, 6)) == []


@pytest.mark.usefixtures("swedish")
def test_a_new_start_moves_the_whole_session(fvm: Fvm) -> None:
    added = fvm(
        "session", "add", "super-user", "--start", "2027-01-19T09:00", "--end",
        "2027-01-20T17:00", "--capacity", "8",
    ).stdout  # fmt: skip
    assert "2027-01-19–20, 09:00–17:00 varje dag, 8 platser" in added
    sid = "super-user-2027-01-19"
    moved = fvm("session", "update", sid, "--start", "2027-01-25T10:00")
    assert moved.stderr == ""
    assert f"{sid}: ändrad; 2027-01-25–26, 10:00–18:00 varje dag, 8 platser." in moved.stdout
    shown = fvm.json("session", "show", sid)
    assert (shown["start"], shown["end"]) == ("2027-01-25T10:00", "2027-01-26T18:00")
    # With --end too, both are as given.
    fvm("session", "update", sid, "--start", "2027-01-31T09:00", "--end", "2027-02-01T16:00")
    shown = fvm.json("session", "show", sid)
    assert (shown["start"], shown["end"]) == ("2027-01-31T09:00", "2027-02-01T16:00")
    listed = fvm("session", "show", sid).stdout
    assert "2027-01-31–02-01, 09:00–16:00 varje dag" in listed


@pytest.mark.usefixtures("swedish")
def test_a_day_that_does_not_exist_and_a_session_without_seats_are_refused(fvm: Fvm) -> None:
    err = fvm(
        "session", "add", "super-user", "--start", "2027-02-30T09:00", "--capacity", "8", code=2
    ).stderr
    assert "'2027-02-30' är inget riktigt datum: 2027-02 har 28 dagar" in err
    assert "format" not in err.lower() and "2026-12-14T09:00" not in err
    none = fvm(
        "session", "add", "super-user", "--start", "2027-02-03T09:00", "--capacity", "0", code=2
    ).stderr
    assert "--capacity måste vara minst 1" in none
    assert fvm.json("session", "list") == []
    fvm("session", "add", "super-user", "--start", "2027-02-03T09:00", "--capacity", "2")
    refused = fvm("session", "update", "super-user-2027-02-03", "--capacity", "0", code=2)
    assert "--capacity måste vara minst 1" in refused.stderr


@pytest.mark.usefixtures("swedish")
def test_erasure_names_the_person_first_and_cancels_bookings_to_come(
    course_people: Fvm, tmp_path: object
) -> None:
    fvm = course_people
    fvm("session", "enroll", PAST, "t06")
    fvm("session", "attend", PAST, "t06", "--no-show")  # what happened stays
    fvm("session", "enroll", FULL, "t06", "t02")  # a seat; t02 waits for it
    asked = fvm("person", "forget", "t06", code=2).stderr  # no terminal to ask on: named first
    assert "Radera Åsa Öberg (t06) för gott" in asked and "fvm person forget t06 --yes" in asked
    done = fvm("person", "forget", "t06", "--yes").stdout
    assert f"Avbokade platsen på {FULL}." in done
    assert f"Flyttade upp t02 från reservlistan till {FULL}." in done
    full = fvm.json("session", "show", FULL)
    assert (full["enrolled"], full["waitlist"]) == (["t02"], [])
    roster = fvm("session", "roster", FULL, "--format", "md").stdout
    assert "t06" not in roster and "raderad" not in roster
    # The session that was held keeps the erased person's attendance, without a name.
    assert fvm.json("session", "show", PAST)["status"]["t06"] == "no-show"
    assert "Åsa" not in fvm("session", "roster", PAST, "--format", "md").stdout


@pytest.mark.usefixtures("swedish")
def test_a_two_day_session_is_attended_day_by_day(
    course_people: Fvm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """enduser-clinical has an assessment; the session runs 2027-01-19–20."""
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    fvm = course_people
    fvm(
        "session", "add", "enduser-clinical", "--start", "2027-01-19T09:00", "--end",
        "2027-01-20T17:00", "--capacity", "4",
    )  # fmt: skip
    two = "enduser-clinical-2027-01-19"
    fvm("session", "enroll", two, "t01", "t02")
    out = tmp_path / "narvaro.pdf"
    fvm("session", "roster", two, "-o", str(out))
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert "Signatur 2027-01-19" in text and "Signatur 2027-01-20" in text
    monkeypatch.setenv("FVM_NOW", "2027-01-19T10:00:00+01:00")  # day 1, 10:00
    early = fvm("session", "attend", two, "t01", "--day", "2027-01-20", code=3).stderr
    assert "2027-01-20 av enduser-clinical-2027-01-19 har inte kommit än" in early
    wrong = fvm("session", "attend", two, "t01", "--day", "2027-01-21", code=2).stderr
    assert "2027-01-21 är ingen dag av kurstillfället (det hålls 2027-01-19, 2027-01-20)" in wrong
    day1 = fvm("session", "attend", two, "t01", "t02").stdout  # today: day 1
    assert "t01: bokad · närvarade 1 av 2 dagar – Anna Ek" in day1
    # The assessment comes on or after the last day, and after every day is attended.
    refused = fvm("session", "pass", two, "t01", code=3).stderr
    assert (
        "examinationen av enduser-clinical-2027-01-19 kommer på eller efter sista dagen" in refused
    )
    monkeypatch.setenv("FVM_NOW", "2027-01-20T16:00:00+01:00")
    fvm("session", "attend", two, "t01", "--day", "2027-01-20")
    assert fvm.json("session", "show", two)["status"] == {"t01": "attended", "t02": "enrolled"}
    assert "t02 har inte närvarat" in fvm("session", "pass", two, "t02", code=3).stderr
    assert "t01: genomförd" in fvm("session", "pass", two, "t01").stdout
    roster = fvm("session", "roster", two, "--format", "md").stdout
    assert "| Signatur 2027-01-19 | Signatur 2027-01-20 |" in roster
    assert "| genomförd | ✓ | ✓ |" in roster and "| bokad | ✓ | |" in roster
    plain = fvm("session", "roster", two, "--format", "csv", "--plain-csv").stdout.splitlines()
    assert plain[0].endswith("signature 2027-01-19,signature 2027-01-20")
    assert plain[2].endswith(",enrolled,x,")
    # Coverage counts the completed course only.
    unit = fvm.json("course", "coverage", "--unit", "u1")["units"][0]
    assert unit["completed"] == 1


@pytest.mark.usefixtures("swedish")
def test_roles_by_name_columns_as_the_file_heads_them_and_what_was_meant(
    course_people: Fvm, write_csv: Callable[..., Path]
) -> None:
    fvm = course_people
    listed = fvm("person", "list").stdout
    assert "Sjuksköterska" in listed and " nurse " not in listed
    assert fvm.json("person", "list")[0]["role"] == "nurse"  # the JSON keeps the id
    shown = fvm("course", "show", "millennium-fundament").stdout
    assert "Krävs för: Konfigurationsanalytiker" in shown and "config-analyst" not in shown
    assert "förkunskapskrav: Grundläggande Millennium-utbildning" in shown
    bad = write_csv("id;namn;roll;enhet\nt09;Ida Ny;nurse;U1x\n", "personal.csv")
    err = fvm("person", "import", str(bad), code=2).stderr
    assert "rad 2, kolumn enhet: ingen enhet 'U1x' (menade du u1?)" in err
    assert "kolumn unit" not in err
    added = fvm("person", "add", "t09", "--name", "Ida", "--role", "nurse", "--unit", "u11", code=2)
    assert "ingen enhet 'u11' (menade du u1?)" in added.stderr
    wrong = fvm("session", "enroll", NEW, "t001", code=2).stderr
    assert "Menade du t01? Se 'fvm person list'." in wrong


@pytest.mark.usefixtures("swedish")
def test_a_changed_session_updates_calendars_and_histories_are_shown(
    course_people: Fvm, tmp_path: Path
) -> None:
    icalendar = pytest.importorskip("icalendar")
    fvm = course_people

    def events(name: str) -> dict[str, object]:
        out = tmp_path / name
        fvm("session", "calendar", "-o", str(out))
        cal = icalendar.Calendar.from_ical(out.read_bytes())
        assert "This timezone" not in out.read_text(encoding="utf-8")  # no English comment
        (zone,) = cal.walk("VTIMEZONE")
        assert zone["TZID"] == "Europe/Stockholm" and "COMMENT" not in zone
        return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}

    before = events("a.ics")
    assert before[NEW]["SEQUENCE"] == 0
    fvm("session", "update", NEW, "--start", "2027-01-27T10:00", "--location", "Borås")
    after = events("b.ics")
    assert after[NEW]["UID"] == before[NEW]["UID"]
    assert after[NEW]["SEQUENCE"] == 1 and after[PAST]["SEQUENCE"] == 0
    assert after[NEW]["LAST-MODIFIED"].dt.isoformat() == "2026-11-26T09:00:00+00:00"
    assert after[NEW]["DTSTART"].dt.isoformat() == "2027-01-27T10:00:00+01:00"
    fvm("session", "enroll", PAST, "t04")
    fvm("session", "attend", PAST, "t04", "--no-show")
    fvm("session", "enroll", NEW, "t04")
    person = fvm("person", "history", "t04").stdout
    assert "Utbildningshistorik för t04" in person
    assert PAST in person and NEW in person and "uteblev" in person and "bokad" in person
    session = fvm("session", "history", NEW).stdout
    assert "Historik för " + NEW in session and "tillagd" in session and "ändrad" in session
    assert "plats: – → Borås" in session and "t04" in session
    rows = fvm.json("person", "history", "t04")
    assert [(r["session"], r["previous"], r["status"]) for r in rows] == [
        (PAST, None, "enrolled"),
        (PAST, "enrolled", "no-show"),
        (NEW, None, "enrolled"),
    ]
    assert "Menade du t04?" in fvm("person", "history", "t004", code=2).stderr


@pytest.mark.usefixtures("swedish")
def test_coverage_says_it_counts_registered_people(fvm: Fvm) -> None:
    fvm("unit", "add", "u9", "--name", "Avd 9", "--area", "sodra", "--type", "hospital",
        "--staff", "48")  # fmt: skip
    for n in (1, 2):
        fvm("person", "add", f"r{n}", "--name", f"R {n}", "--role", "nurse", "--unit", "u9")
    out = fvm("course", "coverage", "--unit", "u9").stdout
    assert "anställda" in out and "registrerade" in out
    assert "Täckningen räknar personerna som är registrerade i fvm (2), inte enheternas" in out
    assert fvm.json("course", "coverage", "--unit", "u9")["units"][0]["staff"] == 48
