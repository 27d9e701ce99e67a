"""``fvm hypercare`` on every backend: values recorded and imported (CSV and XLSX, Swedish
headings, every bad row named, nothing stored), a day's states, criteria and verdict by hand,
the trend, and the rights of a unit's login on a shared database."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PG_URL, Fvm

# The tests' clock reads 2026-11-26: go-live 2026-11-24 makes today day 2 of hypercare.
GO_LIVE = "2026-11-24"


@pytest.fixture
def care(fvm: Fvm) -> Fvm:
    """Three units of phase 1 (södra) and one of phase 2, phase 1 live since day 0."""
    for unit, area in (("a1", "sodra"), ("a2", "sodra"), ("a3", "sodra"), ("w1", "vastra")):
        fvm("unit", "add", unit, "--name", f"Enhet {unit}", "--area", area, "--type", "hospital")
    fvm("phase", "set", "1", "--go-live", GO_LIVE)
    return fvm


def test_a_day_by_hand(care: Fvm) -> None:
    """a1: p1 2 (≥ alert 1), staffing 92 (above alert 90) → alert; a2: staffing 75 (≤ pause
    75) → pause; a3: no values → missing. Criteria of the bundled file: pause or missing 2/3 >
    0.10; p1 total 2 ≤ 10; patient safety total 0 ≤ 5; staffing mean (92 + 75) / 2 = 83.5 <
    85; alert 1/3 > 0.30."""
    care("hypercare", "record", "a1", "p1-incidents", "2")
    care("hypercare", "record", "a1", "staffing", "92")
    care("hypercare", "record", "a2", "staffing", "75", "--comment", "Sjukdom")
    care("hypercare", "record", "a2", "p1-incidents", "0", "--day", "2026-11-25")
    result = care("hypercare", "status", "--phase", "1", "--json", code=1)
    found = json.loads(result.stdout)
    assert (found["day"], found["day_number"], found["verdict"]) == ("2026-11-26", 2, "pause")
    states = {u["unit"]: (u["state"], u["beyond"]) for u in found["units"]}
    assert states == {
        "a2": ("pause", ["staffing"]),
        "a1": ("alert", ["p1-incidents"]),
        "a3": ("missing", []),
    }
    assert [u["unit"] for u in found["units"]] == ["a2", "a1", "a3"]  # worst first
    a1 = next(u for u in found["units"] if u["unit"] == "a1")
    assert a1["values"]["p1-incidents"] == 2 and a1["values"]["support-backlog"] is None
    criteria = {c["id"]: (c["met"], c["value"], c["units"]) for c in found["criteria"]}
    assert criteria["units-in-pause"] == (False, pytest.approx(2 / 3), ["a2", "a3"])
    assert criteria["p1-total"] == (True, 2.0, [])
    assert criteria["patient-safety-total"] == (True, 0.0, [])
    assert criteria["staffing-mean"] == (False, 83.5, ["a2"])  # a1's 92 is above 85
    assert criteria["alert-share"] == (False, pytest.approx(1 / 3), ["a1"])
    # The day before: only a2's p1 of 0; the others are missing, so the mean has no value.
    before = json.loads(
        care("hypercare", "status", "--phase", "1", "--day", "2026-11-25", "--json", code=1).stdout
    )
    assert before["day_number"] == 1
    assert [u["state"] for u in before["units"]] == ["missing"] * 3
    assert next(c for c in before["criteria"] if c["id"] == "staffing-mean")["value"] is None


def test_a_day_where_every_unit_reports_within_bounds_says_continue(care: Fvm) -> None:
    for unit in ("a1", "a2", "a3"):
        for indicator, value in (
            ("p1-incidents", "0"),
            ("p2-incidents", "4"),  # alert at 5: just below
            ("patient-safety", "0"),
            ("staffing", "90,5"),  # alert at ≤ 90 (lower is worse): just above
            ("support-backlog", "9"),
            ("orders-on-paper", "4.9"),
        ):
            care("hypercare", "record", unit, indicator, value)
    found = care.json("hypercare", "status", "--phase", "1", "--area", "sodra")
    assert found["verdict"] == "continue"
    assert {u["state"] for u in found["units"]} == {"ok"}
    # A value recorded again replaces the stored one; the history keeps both.
    out = care("hypercare", "record", "a1", "staffing", "90").stdout
    assert "changed" in out
    shown = care("hypercare", "status", "--phase", "1", "--json", code=None).stdout
    assert json.loads(shown)["units"][0] == {
        "unit": "a1",
        "state": "alert",
        "values": {
            "p1-incidents": 0,
            "p2-incidents": 4,
            "patient-safety": 0,
            "staffing": 90,
            "support-backlog": 9,
            "orders-on-paper": 4.9,
        },
        "beyond": ["staffing"],
    }
    assert care.scalar("SELECT count(*) FROM history WHERE kind = 'hypercare'") == 19
    assert care.scalar("SELECT old FROM history WHERE kind = 'hypercare' AND new = '90'") == "90.5"


def test_recording_refuses_what_cannot_be(care: Fvm) -> None:
    err = care("hypercare", "record", "a1", "staffing", "101", code=2).stderr
    assert "staffing is a percent from 0 to 100, got '101'" in err
    err = care("hypercare", "record", "a1", "p1-incidents", "1.5", code=2).stderr
    assert "p1-incidents must be a whole number 0 or more" in err
    err = care("hypercare", "record", "a1", "fever", "1", code=2).stderr
    assert "unknown indicator 'fever'" in err
    err = care("hypercare", "record", "a1", "p1-incidents", "1", "--day", "2026-11-23", code=2)
    assert "2026-11-23 is outside hypercare (2026-11-24 – 2026-12-21)" in err.stderr
    err = care("hypercare", "record", "a1", "p1-incidents", "1", "--day", "2026-11-27", code=2)
    assert "2026-11-27 has not come yet" in err.stderr
    err = care("hypercare", "record", "w1", "p1-incidents", "1", code=2).stderr
    assert "no go-live date" in err
    assert care("hypercare", "record", "nowhere", "p1-incidents", "1", code=2).stderr
    assert care.scalar("SELECT count(*) FROM hypercare_values") == 0


def test_an_import_names_every_bad_row_and_stores_nothing(
    care: Fvm, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        "Enhet;Indikator;Dag;Värde;Kommentar\n"
        "a1;p1-incidents;2026-11-26;-2;\n"  # 2: a negative count
        "a1;staffing;2026-11-26;100,5;\n"  # 3: a percent over 100
        "x9;staffing;2026-11-26;90;\n"  # 4: no such unit
        "a1;fever;2026-11-26;1;\n"  # 5: no such indicator
        "a2;staffing;2026-11-23;90;\n"  # 6: before go-live
        "a2;staffing;2026-12-22;90;\n"  # 7: day 28, after hypercare
        "a3;staffing;2026-11-26;90;ok\n"  # 8: fine
        "a3;staffing;2026-11-26;91;igen\n"  # 9: the same unit, indicator and day again
        "a3;p1-incidents;;1;\n"  # 10: no day
    )
    err = care("hypercare", "import", str(path), code=2).stderr
    for expected in (
        "row 2, column Värde: p1-incidents must be a whole number 0 or more, got '-2'",
        "row 3, column Värde: staffing is a percent from 0 to 100, got '100,5'",
        "row 4, column Enhet: no unit 'x9'",
        "row 5, column Indikator: unknown indicator 'fever'",
        "row 6, column Dag: 2026-11-23 is outside hypercare (2026-11-24 – 2026-12-21)",
        "row 7, column Dag: 2026-12-22 is outside hypercare",
        "row 9: a3 · staffing · 2026-11-26 is given twice (first on row 8)",
        "row 10, column Dag: is required",
        "Nothing was imported.",
    ):
        assert expected in err, (expected, err)
    assert "  row 8" not in err
    assert care.scalar("SELECT count(*) FROM hypercare_values") == 0


def test_an_import_of_a_day_dry_run_then_for_real(
    care: Fvm, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        "unit,indicator,day,value,comment\n"
        "a1,p1-incidents,2026-11-26,0,\n"
        "a1,staffing,2026-11-26,95,\n"
        "a2,staffing,2026-11-25,80,Natt\n"
    )
    out = care("hypercare", "import", str(path), "--dry-run").stdout
    assert "Would save 3 values for 2 unit(s)" in out
    assert care.scalar("SELECT count(*) FROM hypercare_values") == 0
    out = care("hypercare", "import", str(path)).stdout
    assert "Saved 3 values for 2 unit(s)" in out and "3 new, 0 changed, 0 unchanged" in out
    out = care("hypercare", "import", str(path)).stdout
    assert "0 new, 0 changed, 3 unchanged" in out
    assert care.scalar("SELECT comment FROM hypercare_values WHERE unit_id = 'a2'") == "Natt"


def test_an_xlsx_export_with_swedish_headings(care: Fvm, tmp_path: Path) -> None:
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Enhet", "Indikator", "Dag", "Värde"])
    sheet.append(["a1", "p1-incidents", date(2026, 11, 26), 3])
    sheet.append(["a2", "staffing", "2026-11-26", 88.5])
    sheet.append(["a3", "staffing", date(2026, 11, 26), 140])
    path = tmp_path / "export.xlsx"
    book.save(path)
    err = care("hypercare", "import", str(path), code=2).stderr
    assert "row 4, column Värde: staffing is a percent from 0 to 100, got '140'" in err
    sheet.delete_rows(4)
    book.save(path)
    care("hypercare", "import", str(path))
    found = json.loads(care("hypercare", "status", "--phase", "1", "--json", code=1).stdout)
    assert {u["unit"]: u["state"] for u in found["units"]} == {
        "a1": "pause",  # p1 3 ≥ pause 3
        "a2": "alert",  # staffing 88.5 ≤ alert 90
        "a3": "missing",
    }


def test_the_trend_day_by_day(care: Fvm) -> None:
    care("hypercare", "record", "a1", "p1-incidents", "3", "--day", GO_LIVE)
    found = care.json("hypercare", "trend", "--phase", "1")
    assert [d["day_number"] for d in found["days"]] == [0, 1, 2]
    assert found["days"][0]["states"] == {"pause": 1, "alert": 0, "missing": 2, "ok": 0}
    assert found["days"][1]["states"] == {"pause": 0, "alert": 0, "missing": 3, "ok": 0}
    assert {d["verdict"] for d in found["days"]} == {"pause"}
    p1 = next(c for c in found["days"][0]["criteria"] if c["id"] == "p1-total")
    assert p1 == {"id": "p1-total", "met": True, "value": 3.0}


def test_a_phase_without_go_live_and_a_day_outside_are_refused(care: Fvm) -> None:
    err = care("hypercare", "status", "--phase", "2", code=2).stderr
    assert "phase 2 has no go-live date" in err and "fvm phase set 2 --go-live" in err
    err = care("hypercare", "status", "--phase", "1", "--day", "2026-11-01", code=2).stderr
    assert "--day: 2026-11-01 is outside hypercare" in err
    err = care("hypercare", "status", "--phase", "1", "--area", "vastra", code=2).stderr
    assert "--area vastra is not in phase 1" in err


def test_swedish_by_default(care: Fvm, swedish: None) -> None:
    care("hypercare", "record", "a1", "p1-incidents", "3")
    out = care("hypercare", "status", "--phase", "1", code=1).stdout
    assert "Etapp 1, hypercare-dag 2 (2026-11-26): PAUS" in out
    assert "Pauskriterier" in out
    assert "Allvarliga incidenter (P1)" in out
    err = care("hypercare", "record", "a1", "staffing", "101", code=2).stderr
    assert "staffing är en procentsats från 0 till 100" in err
    assert "Exempel" in care("hypercare", "import", "--help").stdout


@pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL (FVM_TEST_DB_URL)")
def test_a_units_login_records_its_own_units_values_and_the_lead_any(server) -> None:  # type: ignore[no-untyped-def]
    lena = server.fvm("lena")  # a lead
    lena("phase", "set", "1", "--go-live", GO_LIVE)
    lena("phase", "set", "2", "--go-live", GO_LIVE)
    anna = server.fvm("anna")  # an answerer of u1
    anna("hypercare", "record", "u1", "p1-incidents", "1")
    login = server.logins["anna"]
    err = anna("hypercare", "record", "u2", "p1-incidents", "1", code=5).stderr
    assert f"{login} may not record hypercare values of u2" in err
    lena("hypercare", "record", "u2", "p1-incidents", "4")  # the lead: any unit
    with pytest.raises(Exception) as caught:
        server.sql(
            "anna",
            "INSERT INTO hypercare_values VALUES "
            f"('2026-11-26', 'u3', 'p1-incidents', 0, NULL, '{login}', 'x')",
        )
    assert "row-level security" in str(caught.value)
    assert server.owner.scalar("SELECT count(*) FROM hypercare_values") == 2


if PG_URL is not None:
    from tests.test_access import server  # noqa: F401 (the shared database with its logins)


REQUIRED_ROLES = ("programdirektor", "chefslakare", "mas", "it-drift", "cutoverledare")


def test_a_continue_or_pause_meeting_on_a_day_of_hypercare(care: Fvm, swedish: None) -> None:
    """The proposal freezes the day's states, values and criteria with the gate's digest;
    votes as for the go/no-go; the decision is fortsätt, villkorat or pausa."""
    from fvmcli.core.gate import digest

    care("hypercare", "record", "a1", "p1-incidents", "3", "--day", "2026-11-25")
    err = care("gate", "propose", "--phase", "1", "h1", "--day", "2026-11-25", code=2).stderr
    assert "--hypercare" in err
    out = care("gate", "propose", "--phase", "1", "h1", "--hypercare", "--day", "2026-11-25").stdout
    assert "h1" in out and "paus" in out
    stored = json.loads(str(care.scalar("SELECT evidence FROM gate_proposals WHERE label = 'h1'")))
    assert (stored["kind"], stored["as_of"], stored["day_number"]) == ("hypercare", "2026-11-25", 1)
    assert [(u["unit"], u["state"]) for u in stored["units"]] == [
        ("a1", "pause"),
        ("a2", "missing"),
        ("a3", "missing"),
    ]
    assert stored["units"][0]["values"]["p1-incidents"] == 3
    shown = care.json("gate", "show", "h1")
    assert shown["verdict"] == "pause" and shown["digest"] == digest(stored)
    assert shown["as_of"] == "2026-11-25"
    for role in REQUIRED_ROLES:
        care("gate", "vote", "h1", "--role", role, "ja")
    # A go/no-go word is not a hypercare decision; continuing against the criteria needs a
    # reason, and a conditional continue a condition.
    err = care("gate", "decide", "h1", "ja", code=2).stderr
    assert "fortsätt, villkorat, pausa" in err
    err = care("gate", "decide", "h1", "fortsätt", code=3).stderr
    assert "--reason" in err and "Högst 10 % av enheterna i pausläge" in err
    assert care("gate", "decide", "h1", "villkorat", code=2).stderr
    care("gate", "decide", "h1", "pausa")
    shown_text = care("gate", "show", "h1").stdout
    assert "Högst 10 % av enheterna i pausläge eller utan rapport" in shown_text
    # a1 in pause, a2 and a3 missing: 3 of 3, as a percentage
    assert re.search(r"utan rapport\s+ja\s+NEJ\s+100,0\s%\s+10,0\s%", shown_text)
    shown = care.json("gate", "show", "h1")
    assert shown["decision"]["decision"] == "pause"
    assert shown["decision"]["against_criteria"] == []
    care("gate", "verify", "h1")
    assert care.json("gate", "list")[0]["decision"] == "pause"
    # A correction of the day's values does not change what was frozen; --live names it.
    care("hypercare", "record", "a1", "p1-incidents", "0", "--day", "2026-11-25")
    care("gate", "verify", "h1")
    since = care.json("gate", "verify", "h1", "--live")["since"]
    assert since["as_of"] == "2026-11-25"
    assert since["units_changed"] == [{"unit": "a1", "then": "pause", "now": "missing"}]


def test_continuing_against_the_criteria_is_recorded_with_its_reason(care: Fvm) -> None:
    care("gate", "propose", "--phase", "1", "h2", "--hypercare")
    for role in REQUIRED_ROLES:
        care("gate", "vote", "h2", "--role", role, "go")
    out = care("gate", "decide", "h2", "continue", "--reason", "Styrgruppen: vi fortsätter").stdout
    assert "units-in-pause" in out
    decided = care.json("gate", "show", "h2")["decision"]
    assert decided["decision"] == "continue"
    assert "units-in-pause" in decided["against_criteria"]


def test_remind_asks_each_unit_for_what_it_did_not_report_yesterday(
    care: Fvm, swedish: None
) -> None:
    """Day 2 (today): yesterday is day 1; a1 reported everything but staffing, a2 nothing."""
    from fvmcli.render.digest import digest_context
    from fvmcli.services.remind import _names, digests
    from fvmcli.services.territory import UnitFilter
    from tests.factories import context

    for indicator, value in (
        ("p1-incidents", "0"),
        ("p2-incidents", "0"),
        ("patient-safety", "0"),
        ("support-backlog", "0"),
        ("orders-on-paper", "0"),
    ):
        care("hypercare", "record", "a1", indicator, value, "--day", "2026-11-25")
    for indicator in ("p1-incidents", "p2-incidents", "patient-safety", "staffing"):
        care("hypercare", "record", "a3", indicator, "0", "--day", "2026-11-25")
    for indicator in ("support-backlog", "orders-on-paper"):
        care("hypercare", "record", "a3", indicator, "1", "--day", "2026-11-25")
    ctx = context(care.url)
    found = {d.unit.id: d for d in digests(ctx, UnitFilter(phase=1))[0]}
    assert found["a1"].hypercare_missing == ("staffing",)
    assert str(found["a1"].hypercare_day) == "2026-11-25"
    assert len(found["a2"].hypercare_missing) == 6
    assert found["a3"].hypercare_missing == ()  # a3 may still be reminded of its checklist
    words = digest_context(found["a1"], _names(ctx, "golive"), "sv")
    key, title, lines = words["sections"][0]
    assert (key, title) == ("hypercare", "Hypercare: inte rapporterat för 2026-11-25")
    assert lines[0]["text"] == "Bemanning mot plan"
    assert "fvm hypercare record a1 staffing VALUE --day 2026-11-25" in words["commands"]
    # After hypercare's last day nobody is asked: on day 28, yesterday was day 27, the last.
    late = {d.unit.id: d for d in digests(context(care.url, today=_day(29)), UnitFilter())[0]}
    assert all(not d.hypercare_missing for d in late.values())


def _day(n: int):  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    return date(2026, 11, 24) + timedelta(days=n)


def test_the_report_has_a_hypercare_section(care: Fvm, tmp_path: Path, swedish: None) -> None:
    care("hypercare", "record", "a1", "p1-incidents", "3", "--day", GO_LIVE)
    page = tmp_path / "rapport.html"
    care("cutover", "report", "--phase", "1", "-o", str(page))
    html = page.read_text("utf-8")
    assert "Hypercare för etapp 1 sedan driftstart 2026-11-24" in html
    assert "Dag 2 (2026-11-26)" in html
    assert html.count('fill="#b03a2e"') >= 2  # day 0's unit in pause, and the legend
    assert "Högst 10 % av enheterna i pausläge eller utan rapport" in html
    document = tmp_path / "rapport.json"
    care("cutover", "report", "--phase", "1", "-o", str(document))
    (found,) = json.loads(document.read_text("utf-8"))["hypercare"]
    assert [d["states"]["pause"] for d in found["days"]] == [1, 0, 0]
    import openpyxl

    sheets = tmp_path / "rapport.xlsx"
    care("cutover", "report", "--phase", "1", "-o", str(sheets))
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(sheets)["Hypercare"].iter_rows()]
    assert rows[0][:7] == ["etapp", "dag", "dag nr", "paus", "larm", "saknar", "ok"]
    assert rows[1][:8] == [1, "2026-11-24", 0, 1, 0, 2, 0, "paus"]
    assert len(rows) == 4  # days 0, 1 and 2
    # A phase not yet live has no hypercare section.
    care("cutover", "report", "--phase", "2", "-o", str(document))
    assert "hypercare" not in json.loads(document.read_text("utf-8"))


def test_a_hypercare_decision_is_filed_and_checked_without_the_database(
    care: Fvm, tmp_path: Path
) -> None:
    """The archive of a continue/pause meeting carries its frozen day and verdict, and an
    altered vote or day is named by ``gate verify --archive``."""
    care("hypercare", "record", "a1", "p1-incidents", "3", "--day", "2026-11-25")
    care("gate", "propose", "--phase", "1", "h3", "--hypercare", "--day", "2026-11-25")
    for role in REQUIRED_ROLES:
        care("gate", "vote", "h3", "--role", role, "no-go")
    care("gate", "decide", "h3", "pause")
    target = tmp_path / "h3.json"
    care("gate", "export", "h3", "-o", str(target))
    archive = json.loads(target.read_text("utf-8"))
    assert archive["evidence"]["kind"] == "hypercare"
    assert archive["evidence"]["as_of"] == "2026-11-25"
    assert archive["decision"]["decision"] == "pause"
    assert [v["vote"] for v in archive["votes"]] == ["no-go"] * len(REQUIRED_ROLES)
    assert "checklists/hypercare.toml" in archive["content"]["files"]
    checked = care.json("gate", "verify", "--archive", str(target))
    assert checked["ok"] and checked["decision"] == "pause"
    for change in (
        lambda a: a["votes"][0].update(vote="go"),
        lambda a: a["evidence"].update(as_of="2026-11-26"),
    ):
        forged = json.loads(target.read_text("utf-8"))
        change(forged)
        bad = tmp_path / "forged.json"
        bad.write_text(json.dumps(forged, ensure_ascii=False), "utf-8")
        found = json.loads(care("gate", "verify", "--archive", str(bad), "--json", code=1).stdout)
        assert found["problems"] and not found["ok"]
