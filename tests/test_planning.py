"""Planning ahead: the training capacity plan and the readiness forecast, every figure worked
out by hand from the rules of scoring.md."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fvmcli.core.forecast import (
    BLOCKED,
    HELD,
    LATE,
    ON_TRACK,
    READY,
    STALLED,
    UNKNOWN,
    UnitNow,
    exact_ceil,
    forecast,
    slope,
)
from fvmcli.core.plan import need
from tests.conftest import Fvm

pytestmark = pytest.mark.store

# ---------------------------------------------------------------- the capacity plan

ZERO = {"missing": 0, "booked": 0, "waitlisted": 0, "free_seats": 0, "shortfall": 0}


def _plan_territory(fvm: Fvm) -> None:
    """Phase 3 (norra, ostra) goes live 2027-03-01; the clock reads 2026-11-26 10:00.

    n1 (norra): nurses nA, nB, physician nC; o1 (ostra): nurse oA, local lead oB; v1 (vastra,
    phase 2): nurse vA, who fills a seat but is no part of phase 3's plan."""
    fvm("phase", "set", "3", "--go-live", "2027-03-01")
    for unit, area in (("n1", "norra"), ("o1", "ostra"), ("v1", "vastra")):
        fvm("unit", "add", unit, "--name", f"Avd {unit}", "--area", area, "--type", "hospital")
    for person, role, unit in (
        ("nA", "nurse", "n1"),
        ("nB", "nurse", "n1"),
        ("nC", "physician", "n1"),
        ("oA", "nurse", "o1"),
        ("oB", "local-lead", "o1"),
        ("vA", "nurse", "v1"),
    ):
        fvm("person", "add", person, "--name", f"Person {person}", "--role", role, "--unit", unit)
    sessions = (
        ("past", "downtime-procedures", "2026-11-10T09:00", "2026-11-10T12:00", "10"),
        ("s1", "enduser-clinical", "2026-12-10T09:00", "2026-12-10T16:00", "3"),
        ("s2", "enduser-clinical", "2027-03-05T09:00", "2027-03-05T16:00", "5"),  # after go-live
        ("s3", "downtime-procedures", "2026-12-15T09:00", "2026-12-15T12:00", "4"),
        ("s4", "downtime-procedures", "2027-02-28T09:00", "2027-02-28T12:00", "2"),  # the eve
        ("s5", "downtime-procedures", "2027-03-01T09:00", "2027-03-01T12:00", "10"),  # go-live
        ("s6", "millennium-intro", "2026-11-26T08:00", "2026-11-26T09:00", "1"),  # today, early
    )
    for sid, course, start, end, capacity in sessions:
        fvm("session", "add", course, "--id", sid, "--start", start, "--end", end,
            "--capacity", capacity)  # fmt: skip
    fvm("session", "enroll", "past", "nA")
    fvm("session", "attend", "past", "nA")  # completes downtime-procedures (no assessment)
    fvm("session", "enroll", "s1", "nA", "oA", "vA")  # the three seats
    fvm("session", "enroll", "s2", "nB")  # a seat after go-live, then waitlisted before it
    fvm("session", "enroll", "s1", "nB", "--force", "--reason", "hoping for an earlier seat")
    fvm("session", "enroll", "s3", "oA", "nC")
    fvm("session", "enroll", "s6", "oB")


def test_the_plan_of_a_phase_matches_the_rule_by_hand(fvm: Fvm) -> None:
    _plan_territory(fvm)
    found = fvm.json("course", "plan", "--phase", "3")
    assert {k: found[k] for k in ("phase", "as_of", "window_end", "capacity")} == {
        "phase": 3,
        "as_of": "2026-11-26",
        "window_end": "2027-03-01",
        "capacity": 12,
    }
    courses = {c["course"]: c for c in found["courses"]}
    # enduser-clinical: nA, nB, oA must; none completed → 3 missing. nA and oA hold seats in
    # s1 (in the window); nB only waits there (s2 is after go-live). s1 is full: 0 free.
    # shortfall = 3 − 2 − 0 = 1 → ⌈1/12⌉ = 1 session.
    clinical = courses["enduser-clinical"]
    assert {k: v for k, v in clinical.items() if k not in ("course", "areas")} == {
        "missing": 3,
        "booked": 2,
        "waitlisted": 1,
        "free_seats": 0,
        "shortfall": 1,
        "sessions_to_add": 1,
    }
    assert clinical["areas"] == {
        "norra": {
            "missing": 2,
            "booked": 1,
            "waitlisted": 1,
            "free_seats": 0,
            "shortfall": 1,
            "sessions_to_add": 1,
        },  # fmt: skip
        "ostra": {
            "missing": 1,
            "booked": 1,
            "waitlisted": 0,
            "free_seats": 0,
            "shortfall": 0,
            "sessions_to_add": 0,
        },  # fmt: skip
    }
    # downtime-procedures: nA, nB, nC, oA must; nA completed it → 3 missing; nC and oA hold
    # seats in s3. Free: s3 4 − 2 = 2, s4 (ends the day before go-live) 2; s5 starts on
    # go-live day and 'past' before today: neither counts. 3 − 2 − 4 < 0 → shortfall 0.
    downtime = courses["downtime-procedures"]
    assert (downtime["missing"], downtime["booked"], downtime["free_seats"]) == (3, 2, 4)
    assert (downtime["shortfall"], downtime["sessions_to_add"]) == (0, 0)
    assert downtime["areas"]["norra"]["missing"] == 2 and downtime["areas"]["ostra"]["booked"] == 1
    # enduser-physician: nC alone, no session → shortfall 1.
    physician = courses["enduser-physician"]
    assert (physician["missing"], physician["shortfall"], physician["sessions_to_add"]) == (1, 1, 1)
    assert physician["areas"]["ostra"] == {**ZERO, "sessions_to_add": 0}
    # millennium-intro: oB holds the one seat of s6 (today at 08:00 counts: the window starts
    # on the as-of day) → booked, no free seat, no shortfall.
    intro = courses["millennium-intro"]
    assert (intro["missing"], intro["booked"], intro["free_seats"], intro["shortfall"]) == (
        1,
        1,
        0,
        0,
    )
    # Every course is listed, worst first: largest shortfall, then most missing.
    assert [c["course"] for c in found["courses"]][:4] == [
        "enduser-clinical",
        "enduser-physician",
        "downtime-procedures",
        "millennium-intro",
    ]
    assert courses["open-link"] == {"course": "open-link", **ZERO, "sessions_to_add": 0,
                                    "areas": {"norra": {**ZERO, "sessions_to_add": 0},
                                              "ostra": {**ZERO, "sessions_to_add": 0}}}  # fmt: skip


def test_the_plan_takes_an_area_a_capacity_and_a_day(fvm: Fvm) -> None:
    _plan_territory(fvm)
    norra = fvm.json("course", "plan", "--phase", "3", "--area", "norra", "--capacity", "1")
    clinical = next(c for c in norra["courses"] if c["course"] == "enduser-clinical")
    assert list(clinical["areas"]) == ["norra"] and clinical["missing"] == 2
    assert clinical["sessions_to_add"] == 1 and norra["capacity"] == 1
    # As of 2026-12-16, s1 and s3 are behind: nobody is booked and their seats are gone.
    later = fvm.json("course", "plan", "--phase", "3", "--as-of", "2026-12-16")
    clinical = next(c for c in later["courses"] if c["course"] == "enduser-clinical")
    assert (clinical["booked"], clinical["waitlisted"], clinical["shortfall"]) == (0, 0, 3)
    downtime = next(c for c in later["courses"] if c["course"] == "downtime-procedures")
    assert (downtime["free_seats"], downtime["shortfall"]) == (2, 1)
    err = fvm("course", "plan", "--phase", "3", "--area", "vastra", code=2).stderr
    assert "--area vastra is not in phase 3" in err
    assert "--capacity" in fvm("course", "plan", "--phase", "3", "--capacity", "0", code=2).stderr
    assert "unknown phase 9" in fvm("course", "plan", "--phase", "9", code=2).stderr


def test_the_plan_in_the_terminal_and_as_a_workbook(
    fvm: Fvm, tmp_path: Path, swedish: None
) -> None:
    import openpyxl

    _plan_territory(fvm)
    out = fvm("course", "plan", "--phase", "3", "-o", str(tmp_path / "plan.xlsx")).stdout
    assert "Utbildningsplan för etapp 3, 2026-11-26 – 2027-03-01, 12 platser per tillfälle" in out
    assert "Millennium för vårdpersonal (enduser-clinical)" in out
    assert "Per område" in out and "Norra området" in out
    assert "2 tillfällen att lägga till totalt." in out
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    # A summary with the grand total, then a sheet per course of the curriculum, named as
    # people call the course (cut between words where Excel's 31 characters run out).
    assert book.sheetnames[:3] == [
        "Sammanfattning",
        "Millennium för vårdpersonal",
        "Millennium för läkare",
    ]
    assert len(book.sheetnames) == 10
    assert all(len(n) <= 31 and not n.endswith(" ") for n in book.sheetnames)
    assert "Reservrutiner vid driftstart…" in book.sheetnames  # not "…driftstart oc"
    rows = list(book["Millennium för vårdpersonal"].iter_rows(values_only=True))
    assert rows[0] == ("område", "id", "saknar", "bokade", "på reservlistan",
                       "lediga platser", "underskott", "tillfällen att lägga till")  # fmt: skip
    assert rows[1] == ("Norra området", "norra", 2, 1, 1, 0, 1, 1)
    assert rows[2] == ("Östra området", "ostra", 1, 1, 0, 0, 0, 0)
    assert rows[3] == ("etapp 3, alla områden", None, 3, 2, 1, 0, 1, 1)
    assert isinstance(rows[3][2], int)  # numbers as numbers
    summary = list(book["Sammanfattning"].iter_rows(values_only=True))
    assert summary[0][:2] == ("kurs", "id")
    assert summary[1][:3] == ("Millennium för vårdpersonal", "enduser-clinical", 3)
    total = next(r for r in summary if r[0] == "Totalt, etapp 3")
    assert total[7] == 2 == sum(r[7] for r in summary[1 : summary.index(total)])


def test_a_phase_without_go_live_counts_every_coming_session(fvm: Fvm) -> None:
    fvm("unit", "add", "v1", "--name", "Avd", "--area", "vastra", "--type", "hospital")
    fvm("person", "add", "p1", "--name", "P", "--role", "nurse", "--unit", "v1")
    fvm("session", "add", "enduser-clinical", "--id", "late", "--start", "2030-01-10T09:00",
        "--end", "2030-01-10T12:00", "--capacity", "6")  # fmt: skip
    result = fvm("course", "plan", "--phase", "2")
    assert "Phase 2 has no go-live date" in result.stderr
    found = fvm.json("course", "plan", "--phase", "2")
    assert found["window_end"] is None
    clinical = next(c for c in found["courses"] if c["course"] == "enduser-clinical")
    assert (clinical["missing"], clinical["free_seats"], clinical["shortfall"]) == (1, 6, 0)


def test_sessions_to_add_round_up_by_the_capacity() -> None:
    assert need(30, 5, 2, 0, 12).as_dict() == {
        "missing": 30,
        "booked": 5,
        "waitlisted": 2,
        "free_seats": 0,
        "shortfall": 25,
        "sessions_to_add": 3,  # ⌈25 / 12⌉
    }
    assert need(30, 5, 0, 1, 12).sessions_to_add == 2  # ⌈24 / 12⌉, exactly
    assert need(3, 2, 0, 4, 12).shortfall == 0


# ---------------------------------------------------------------- the forecast

FOUR = "\n".join(
    f'[[questions]]\nid = "q{i}"\nsection = "a"\ntype = "yes-no"\ntext = {{ sv = "Fråga {i}" }}\n'
    for i in range(1, 5)
)
FC = 'id = "fc"\nversion = 1\ntitle = { sv = "Prognoslista" }\n'
FC += '[[sections]]\nid = "a"\ntitle = { sv = "A" }\n' + FOUR


def _answer(fvm: Fvm, content: Path, unit: str, yes: int) -> None:
    """Answer the fc checklist of ``unit`` with ``yes`` of four yes: a score of yes / 4."""
    for i in range(1, 5):
        value = "ja" if i <= yes else "nej"
        fvm("--content", str(content), "checklist", "set", "fc", "--unit", unit, f"q{i}", value)


def _forecast_territory(fvm: Fvm, tmp_path: Path) -> Path:
    """Rounds r1 (2026-10-27) and r2 (2026-11-06), then now (2026-11-26): scores by unit."""
    content = tmp_path / "content"
    (content / "checklists").mkdir(parents=True)
    (content / "checklists" / "fc.toml").write_text(FC, "utf-8")
    fvm("phase", "set", "1", "--go-live", "2027-01-15")
    fvm("phase", "set", "3", "--go-live", "2026-12-01")
    for unit, area in (
        ("u-on", "sodra"),
        ("u-late", "norra"),
        ("u-nogl", "vastra"),
        ("u-stalled", "sodra"),
        ("u-ready", "sodra"),
    ):
        fvm("unit", "add", unit, "--name", f"Enhet {unit}", "--area", area, "--type", "hospital",
            "--email", f"{unit}@exempel.se")  # fmt: skip
    rounds = {  # yes answers in r1, r2 and now
        "u-on": (1, 2, 3),
        "u-late": (1, 2, 3),
        "u-nogl": (1, 2, 3),
        "u-stalled": (2, 2, 1),
        "u-ready": (2, 3, 4),
    }
    for k, (label, day) in enumerate((("r1", "2026-10-27"), ("r2", "2026-11-06"))):
        for unit, yes in rounds.items():
            _answer(fvm, content, unit, yes[k])
        fvm("--content", str(content), "cutover", "snapshot", label, "--checklist", "fc",
            "--as-of", day)  # fmt: skip
    for unit, yes in rounds.items():
        _answer(fvm, content, unit, yes[2])
    fvm("unit", "add", "u-new", "--name", "Ny enhet", "--area", "sodra", "--type", "hospital")
    _answer(fvm, content, "u-new", 1)
    return content


def test_the_forecast_matches_the_rule_by_hand(fvm: Fvm, tmp_path: Path) -> None:
    content = _forecast_territory(fvm, tmp_path)
    found = fvm.json("--content", str(content), "cutover", "forecast", "--checklist", "fc")
    assert found["as_of"] == "2026-11-26" and found["checklist"] == "fc"
    units = {u["unit"]: u for u in found["units"]}
    # Days 0, 10, 30 (2026-10-27, 11-06, 11-26) with scores .25, .5, .75: t̄ = 40/3, s̄ = .5,
    # Σ(t−t̄)² = 1400/3, Σ(t−t̄)(s−s̄) = 7.5 → b = 7.5 / (1400/3) = 9/560 per day.
    # (0.9 − 0.75) / b = 9.33… → 10 days → 2026-12-06.
    on = units["u-on"]
    assert on["slope_per_day"] == pytest.approx(9 / 560, abs=1e-12)
    assert (on["score"], on["forecast"], on["projected"], on["days_late"], on["points"]) == (
        0.75,
        "on-track",
        "2026-12-06",
        None,
        3,
    )
    late = units["u-late"]  # the same pace, but phase 3 goes live 2026-12-01
    assert (late["forecast"], late["projected"], late["days_late"]) == ("late", "2026-12-06", 5)
    nogl = units["u-nogl"]  # phase 2 has no go-live: projected, but not judged
    assert (nogl["forecast"], nogl["projected"], nogl["days_late"]) == (
        "unknown",
        "2026-12-06",
        None,
    )
    stalled = units["u-stalled"]  # .5, .5, .25: the slope is negative
    assert stalled["forecast"] == "stalled" and stalled["slope_per_day"] < 0
    assert stalled["projected"] is None
    assert units["u-ready"]["forecast"] == "ready"  # 1.0 ≥ 0.9
    new = units["u-new"]  # no round holds it: one point, one day
    assert (new["forecast"], new["points"], new["slope_per_day"]) == ("unknown", 1, None)
    assert [u["unit"] for u in found["units"]] == [
        "u-late",
        "u-stalled",
        "u-new",
        "u-nogl",
        "u-on",
        "u-ready",
    ]
    assert found["summary"] == {"ready": 1, "blocked": 0, "held": 0, "on-track": 1, "late": 1,
                                "stalled": 1, "unknown": 2}  # fmt: skip
    assert list(found["summary"]) == ["ready", "blocked", "held", "on-track", "late", "stalled",
                                      "unknown"]  # fmt: skip
    assert found["by_phase"]["3"] == {"ready": 0, "blocked": 0, "held": 0, "on-track": 0,
                                      "late": 1, "stalled": 0, "unknown": 0}  # fmt: skip
    assert found["by_area"]["sodra"]["unknown"] == 1
    only = fvm.json("--content", str(content), "cutover", "forecast", "--checklist", "fc",
                    "--phase", "1")  # fmt: skip
    assert {u["unit"] for u in only["units"]} == {"u-on", "u-stalled", "u-ready", "u-new"}


def test_the_forecast_in_swedish_words(fvm: Fvm, tmp_path: Path, swedish: None) -> None:
    content = _forecast_territory(fvm, tmp_path)
    out = fvm(
        "--content", str(content), "--wide", "cutover", "forecast", "--checklist", "fc"
    ).stdout
    assert "Prognos till grönt (90\u00a0%) för fc, per 2026-11-26" in out
    line = next(row for row in out.splitlines() if row.startswith("u-late"))
    assert "sen" in line and "2026-12-06" in line and "2026-12-01" in line
    assert "står still" in out and "i fas" in out and "klar" in out and "okänd" in out
    words = out.replace("u-late", "").replace("u-stalled", "").replace("u-ready", "")
    assert not re.search(r"\b(late|stalled|on.track|ready|unknown)\b", words)


def test_the_ceiling_is_taken_on_the_exact_value() -> None:
    d0 = date(2026, 11, 1)
    # (0.9 − 0.3) / (0.3 / 5) is 10.000000000000002 in floats: 10 days, not 11.
    assert (0.9 - 0.3) / slope([(d0, 0.0), (d0 + timedelta(days=5), 0.3)]) > 10
    now = UnitNow(0.3, "red", 0)
    found = forecast([(d0, 0.0)], d0 + timedelta(days=5), now, 0.9, date(2026, 11, 16))
    assert found.projected == d0 + timedelta(days=15) and found.forecast == ON_TRACK
    assert exact_ceil(10.000000000000004) == 10 and exact_ceil(10.2) == 11


def test_the_last_five_points_count() -> None:
    d0 = date(2026, 1, 1)
    old = [(d0 + timedelta(days=i), s) for i, s in enumerate((0.9, 0.8, 0.1, 0.2, 0.3, 0.4))]
    # Only days 2…5 and now count: the early high scores would make the slope negative.
    found = forecast(old, d0 + timedelta(days=6), UnitNow(0.5, "red", 0), 0.9, None)
    assert found.points == 5 and found.slope_per_day == pytest.approx(0.1)
    assert found.forecast == UNKNOWN and found.projected == d0 + timedelta(days=10)


DAYS = st.integers(min_value=0, max_value=400)
SCORES = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=400, deadline=None)
@given(
    rounds=st.lists(st.tuples(DAYS, SCORES), max_size=8),
    now=SCORES,
    status=st.sampled_from(["green", "amber", "red", "not-started"]),
    blockers=st.integers(0, 2),
    green=st.floats(min_value=0.05, max_value=1),
    go_live=st.one_of(st.none(), DAYS.map(lambda d: date(2027, 1, 1) + timedelta(days=d - 200))),
)
def test_the_category_agrees_with_the_projected_date(
    rounds: list[tuple[int, float]],
    now: float,
    status: str,
    blockers: int,
    green: float,
    go_live: date | None,
) -> None:
    day = date(2027, 1, 1)
    points = [(day - timedelta(days=d), s) for d, s in rounds]
    found = forecast(points, day, UnitNow(now, status, blockers), green, go_live)
    assert found.score == now and 1 <= found.points <= 5
    # Nothing says ready that is not green; nothing with blockers is projected.
    assert (found.forecast == READY) == (status == "green")
    if status != "green":
        assert (found.forecast == BLOCKED) == (blockers > 0)
    if found.forecast in (READY, BLOCKED, HELD):
        assert found.projected is None and found.days_late is None
    if found.forecast == HELD:
        assert now >= green and status != "green" and not blockers
    elif found.forecast in (READY, BLOCKED):
        pass
    elif found.forecast == STALLED:
        assert found.slope_per_day is not None and found.slope_per_day <= 0 and now < green
    elif found.forecast in (ON_TRACK, LATE):
        assert found.projected is not None and go_live is not None and now < green
        assert found.slope_per_day is not None and found.slope_per_day > 0
        days = (found.projected - day).days
        exact = (green - now) / found.slope_per_day
        assert days == math.ceil(exact - 1e-9) or found.projected == date.max
        if found.forecast == ON_TRACK:
            assert found.projected <= go_live and found.days_late is None
        else:
            assert found.days_late == (found.projected - go_live).days > 0
    else:
        assert found.forecast == UNKNOWN
        distinct = len({t for t, _ in sorted([*points, (day, now)])[-5:]})
        assert distinct < 2 or go_live is None


def test_the_report_draws_each_phase_and_lists_who_is_behind(fvm: Fvm, tmp_path: Path) -> None:
    import openpyxl

    content = _forecast_territory(fvm, tmp_path)
    html_file = tmp_path / "r.html"
    fvm("--content", str(content), "cutover", "report", "--checklist", "fc", "-o", str(html_file))
    html = html_file.read_text("utf-8")
    chart = re.search(r'<svg[^>]*class="forecast-chart" data-phase="1".*?</svg>', html, re.S)
    assert chart is not None
    svg = chart.group(0)
    # Phase 1 (u-on, u-stalled, u-ready; u-new now too). Share green: none of three in r1
    # (.25, .5, .5) and r2 (.5, .5, .75), one of four now (u-ready at 1.0). Forecast green by
    # go-live: u-ready (ready) and u-on (on track) of four = .5; never the mean score. The x
    # axis runs 80 days, from the first round to go-live 2027-01-15, over 440 units from
    # x = 60; y = 160 − 140 × share.
    dots = re.findall(
        r'<circle class="round" cx="([\d.]+)" cy="([\d.]+)"[^>]*data-day="([\d-]+)"', svg
    )
    assert [(float(x), float(y), d) for x, y, d in dots] == [
        (60.0, 160.0, "2026-10-27"),
        (115.0, 160.0, "2026-11-06"),
        (225.0, 125.0, "2026-11-26"),
    ]
    assert '<line class="green"' not in svg
    go_live = re.search(r'<line class="go-live" x1="([\d.]+)"', svg)
    assert go_live is not None and float(go_live.group(1)) == 500.0
    line = re.search(
        r'<line class="forecast" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"', svg
    )
    assert line is not None
    assert tuple(map(float, line.groups())) == (225.0, 125.0, 500.0, 90.0)
    assert "Not green by go-live as things stand (2)" in html  # u-late, u-stalled
    assert html.index("Enhet u-late") < html.index("Enhet u-stalled")
    xlsx = tmp_path / "r.xlsx"
    fvm("--content", str(content), "cutover", "report", "--checklist", "fc", "-o", str(xlsx))
    rows = list(openpyxl.load_workbook(xlsx)["Forecast"].iter_rows(values_only=True))
    assert rows[1][:4] == ("u-late", "Enhet u-late", "Northern area", 3)  # areas by name
    assert rows[1][6:10] == ("late", datetime(2026, 12, 6), datetime(2026, 12, 1), 5)


def test_each_digest_says_whether_the_unit_is_on_track(
    fvm: Fvm, tmp_path: Path, swedish: None
) -> None:
    content = _forecast_territory(fvm, tmp_path)
    out = tmp_path / "mail"
    fvm("--content", str(content), "remind", "--checklist", "fc", "--within", "90",
        "--dry-run", "-o", str(out))  # fmt: skip
    import email
    from email import policy

    def text(unit: str) -> str:
        message = email.message_from_bytes(
            (out / f"{unit}.eml").read_bytes(), policy=policy.default
        )
        body = message.get_body(("plain",))
        assert body is not None
        return body.get_content()

    assert (
        "Prognos: i fas. I nuvarande takt är enheten grön 2026-12-06, före driftstart 2027-01-15."
        in text("u-on")
    )
    assert (
        "Prognos: sen. I nuvarande takt är enheten grön 2026-12-06, 5 dagar efter driftstart "
        "2026-12-01." in text("u-late")
    )
    assert "Prognos: står still." in text("u-stalled")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (UnitNow(0.95, "green", 0), READY),
        # Amber at 0.95 (a critical question short): the score is green, the status is not.
        (UnitNow(0.95, "amber", 0), HELD),
        # Red with blockers, rising fast: blocked, never "on track".
        (UnitNow(0.95, "red", 2), BLOCKED),
        (UnitNow(0.5, "red", 1), BLOCKED),
        # An amber unit below green on the same pace is projected: 0.8 + 0.01 × 10 = 0.9.
        (UnitNow(0.8, "amber", 0), ON_TRACK),
    ],
)
def test_only_a_green_unit_is_ready_and_blocked_or_held_units_are_not_projected(
    now: UnitNow, expected: str
) -> None:
    d0 = date(2026, 11, 1)
    rounds = [(d0, now.score - 0.1)]
    found = forecast(rounds, d0 + timedelta(days=10), now, 0.9, date(2027, 1, 1))
    assert found.forecast == expected
    assert found.slope_per_day == pytest.approx(0.01)
    if expected != ON_TRACK:
        assert found.projected is None
    else:
        assert found.projected == d0 + timedelta(days=20)


def test_the_forecast_of_a_blocked_unit_with_a_rising_score(fvm: Fvm, tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "checklists").mkdir(parents=True)
    crit = FC.replace('id = "q1"\nsection = "a"\n', 'id = "q1"\nsection = "a"\ncritical = true\n')
    (content / "checklists" / "fc.toml").write_text(crit, "utf-8")
    fvm("unit", "add", "u-b", "--name", "Enhet B", "--area", "sodra", "--type", "hospital")
    fvm("--content", str(content), "checklist", "set", "fc", "--unit", "u-b", "q2", "ja")
    fvm("--content", str(content), "cutover", "snapshot", "r1", "--checklist", "fc",
        "--as-of", "2026-11-16")  # fmt: skip
    for i in range(3, 5):
        fvm("--content", str(content), "checklist", "set", "fc", "--unit", "u-b", f"q{i}", "ja")
    # Go-live 2026-11-20 is past: q1 (critical, due at go-live, unanswered) is a blocker.
    # The score rose from .25 to .75 in ten days, a pace that would reach green in 3 days;
    # the unit is blocked all the same, and never projected.
    fvm("phase", "set", "1", "--go-live", "2026-11-20")
    found = fvm.json("--content", str(content), "cutover", "forecast", "--checklist", "fc")
    (unit,) = found["units"]
    assert (unit["forecast"], unit["projected"], unit["blockers"]) == ("blocked", None, 1)
    assert unit["slope_per_day"] == pytest.approx(0.05)
    assert found["summary"]["blocked"] == 1 and found["summary"]["ready"] == 0
    shown = fvm("--content", str(content), "--lang", "sv", "--wide", "cutover", "forecast",
                "--checklist", "fc").stdout  # fmt: skip
    line = next(row for row in shown.splitlines() if row.startswith("u-b"))
    assert "blockerad" in line and "i fas" not in line
    heading = next(row for row in shown.splitlines() if "fasthållen" in row)
    assert heading.index("blockerad") < heading.index("sen") < heading.index("klar")
