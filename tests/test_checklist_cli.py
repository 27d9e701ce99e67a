"""`fvm checklist`: set, import, waive, score and history, checked by value."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Fvm

CONTENT = Path(__file__).parent / "content"


@pytest.fixture
def mini(fvm: Fvm) -> Fvm:
    """A database with a hospital h1 (phase 1, go-live 2027-01-31), a municipal unit m1, and
    the test content (checklist mini, a small equipment catalog)."""

    fvm(
        "unit",
        "add",
        "h1",
        "--name",
        "Avdelning 1",
        "--area",
        "sodra",
        "--type",
        "hospital",
        "--staff",
        "10",
    )
    fvm(
        "unit",
        "add",
        "m1",
        "--name",
        "Hjo kommun",
        "--area",
        "sodra",
        "--type",
        "municipal",
        "--staff",
        "30",
    )
    fvm("phase", "set", "1", "--go-live", "2027-01-31")
    return fvm


def c(fvm: Fvm, *args: str, code: int = 0, user: str | None = None):  # type: ignore[no-untyped-def]
    return fvm("--content", str(CONTENT), "checklist", *args, code=code, user=user)


def approve(fvm: Fvm, unit: str, question: str) -> None:
    """Approve a waiver as a second person (the bundled territory has four eyes on)."""
    c(fvm, "approve", "mini", "--unit", unit, question, user="anna")


def cjson(fvm: Fvm, *args: str):  # type: ignore[no-untyped-def]
    import json

    return json.loads(c(fvm, *args, "--json").stdout)


def answer_all(fvm: Fvm) -> None:
    for question, value in [
        ("a.lead", "ja"),
        ("a.staff", "delvis"),
        ("a.pct", "60"),
        ("b.pumps", "yes"),
        ("b.connected", "nej"),
    ]:
        evidence = ["--comment", "Protokoll 12"] if question == "b.connected" else []
        c(fvm, "set", "mini", "--unit", "h1", question, value, *evidence)


def test_score_matches_hand_computation(mini: Fvm) -> None:
    answer_all(mini)
    result = cjson(mini, "score", "mini", "--unit", "h1", "--as-of", "2027-01-15")
    # a = (1·1 + 2·0.5 + 1·(60/80)) / 4 = 0.6875
    # b = (b.pumps 1 + b.connected 0 + b.train 0 (no people) + b.equip 0 (0 of 2 pc, 3 pumps)) / 4
    assert result["sections"] == [
        {"id": "a", "score": pytest.approx(0.6875), "weight": 1.0, "answered": 3, "applicable": 3},
        {"id": "b", "score": pytest.approx(0.25), "weight": 1.0, "answered": 3, "applicable": 4},
    ]
    assert result["score"] == pytest.approx(0.46875, abs=1e-9)
    assert result["completeness"] == pytest.approx(6 / 7, abs=1e-9)
    assert result["status"] == "red"
    assert (result["unit"], result["checklist"], result["version"], result["as_of"]) == (
        "h1",
        "mini",
        2,
        "2027-01-15",
    )
    by_id = {x["id"]: x for x in result["questions"]}
    assert by_id["a.lead"] == {
        "id": "a.lead",
        "section": "a",
        "value": "yes",
        "credit": 1.0,
        "due": "2027-01-01",
        "overdue": False,
        "critical": True,
        "derived": False,
        "waived": False,
        "stale": False,
        "attest": False,
        "unattested": False,
        "rejected": False,
        "waiting_for": [],
        "inconsistent": False,
    }
    assert by_id["a.pct"]["value"] == 60 and by_id["a.pct"]["credit"] == pytest.approx(0.75)
    assert by_id["a.staff"]["due"] == "2027-01-17" and by_id["a.staff"]["overdue"] is False
    assert by_id["b.train"]["derived"] is True and by_id["b.train"]["value"] is None
    assert by_id["b.equip"]["value"] == 0
    assert by_id["b.notes"]["credit"] is None
    assert result["blockers"] == [] and result["waived"] == []
    # b.connected is due 2027-01-21: from that day it is overdue and, being critical, a blocker
    later = cjson(mini, "score", "mini", "--unit", "h1", "--as-of", "2027-01-21")
    assert later["blockers"] == [{"question": "b.connected", "due": "2027-01-21"}]
    assert {"question": "a.staff", "due": "2027-01-17"} in later["overdue"]


def test_unanswered_unit_is_not_started_and_municipal_skips_hospital_questions(mini: Fvm) -> None:
    result = cjson(mini, "score", "mini", "--unit", "m1", "--as-of", "2026-12-01")
    assert result["status"] == "not-started"
    ids = [q["id"] for q in result["questions"]]
    assert "b.pumps" not in ids and "b.connected" not in ids
    assert result["score"] == 0.0


def test_readable_score_shows_bars_blockers_and_waivers(mini: Fvm) -> None:
    answer_all(mini)
    c(
        mini,
        "waive",
        "mini",
        "--unit",
        "h1",
        "a.staff",
        "--reason",
        "Bemanning löses centralt",
        "--until",
        "2027-02-28",
    )
    approve(mini, "h1", "a.staff")
    out = c(mini, "score", "mini", "--unit", "h1", "--as-of", "2027-01-22").stdout
    assert "RED" in out and "Avsnitt A" in out and "█" in out
    assert "Blockers (1)" in out and "b.connected  due 2027-01-21 (1 days ago)" in out
    assert "Waived (1)" in out and "Bemanning löses centralt" in out
    assert "(tester, approved by anna)" in out  # who asked, and who approved


def test_set_refusals_store_nothing(mini: Fvm) -> None:
    cases = [
        (["h1", "b.train", "50"], "computed from training.coverage"),
        (["h1", "b.connected", "yes"], "applies only when b.pumps is yes"),
        (["m1", "b.pumps", "yes"], "does not apply to units of type municipal"),
        (["h1", "a.nope", "yes"], "unknown question 'a.nope'"),
        (["ghost", "a.lead", "yes"], "no unit 'ghost'"),
        (["h1", "a.lead", "kanske"], "'kanske' is not an answer to a.lead; accepted: yes, no"),
        (["h1", "a.lead", "n/a"], "cannot be answered n/a"),
        (["h1", "a.pct", "120"], "a number from 0 to 100"),
    ]
    for (unit, question, value), message in cases:
        result = c(mini, "set", "mini", "--unit", unit, question, value, code=2)
        assert message in result.stderr, (question, result.stderr)
    assert mini.scalar("SELECT count(*) FROM answers") == 0
    assert (
        "unknown question"
        not in c(mini, "set", "mini", "--unit", "h1", "a.pct", "ej aktuell").stderr
    )


def test_unknown_checklist(mini: Fvm) -> None:
    assert "no checklist 'nope'" in c(mini, "score", "nope", "--unit", "h1", code=2).stderr


def test_history_keeps_every_change_with_previous_values(mini: Fvm) -> None:
    c(mini, "set", "mini", "--unit", "h1", "a.staff", "nej", "--by", "anna")
    c(
        mini,
        "set",
        "mini",
        "--unit",
        "h1",
        "a.staff",
        "delvis",
        "--comment",
        "Natt saknas",
        "--by",
        "bo",
    )
    c(mini, "set", "mini", "--unit", "h1", "a.staff", "delvis", "--comment", "Natt saknas")
    c(
        mini,
        "waive",
        "mini",
        "--unit",
        "h1",
        "a.staff",
        "--reason",
        "Centralt",
        "--until",
        "2027-02-01",
        "--by",
        "lead",
    )
    c(mini, "waive", "mini", "--unit", "h1", "a.staff", "--reason", "Löst", "--withdraw")
    rows = cjson(mini, "history", "mini", "--unit", "h1", "--question", "a.staff")
    slim = [
        (r["kind"], r["previous"], r["value"], r["comment"], r["by"], r["version"]) for r in rows
    ]
    assert slim == [
        ("answer", None, "no", None, "anna", 2),
        ("answer", "no", "partial", "Natt saknas", "bo", 2),
        ("waiver", None, "2027-02-01", "Centralt", "lead", 2),
        ("waiver", "2027-02-01", None, "Löst", "tester", 2),
    ]
    assert all(r["question"] == "a.staff" and "T" in r["at"] for r in rows)


def test_waiver_rules_and_errors(mini: Fvm) -> None:
    assert (
        "--until is required"
        in c(mini, "waive", "mini", "--unit", "h1", "a.lead", "--reason", "x", code=2).stderr
    )
    assert (
        "not a real date"
        in c(
            mini,
            "waive",
            "mini",
            "--unit",
            "h1",
            "a.lead",
            "--reason",
            "x",
            "--until",
            "2027-02-30",
            code=2,
        ).stderr
    )
    assert (
        "has no waiver"
        in c(
            mini, "waive", "mini", "--unit", "h1", "a.lead", "--reason", "x", "--withdraw", code=2
        ).stderr
    )
    c(
        mini,
        "waive",
        "mini",
        "--unit",
        "h1",
        "a.lead",
        "--reason",
        "Beslut",
        "--until",
        "2027-01-10",
    )
    # Under four eyes a waiver is a request: no effect until someone else approves it.
    requested = cjson(mini, "score", "mini", "--unit", "h1", "--as-of", "2027-01-10")
    assert requested["waived"] == [] and requested["blockers"] != []
    own = c(mini, "approve", "mini", "--unit", "h1", "a.lead", code=3)
    assert "another person approves it" in own.stderr
    approve(mini, "h1", "a.lead")
    active = cjson(mini, "score", "mini", "--unit", "h1", "--as-of", "2027-01-10")
    assert active["waived"] == [
        {
            "question": "a.lead",
            "reason": "Beslut",
            "until": "2027-01-10",
            "by": "tester",
            "approved_by": "anna",
        }
    ]
    assert active["blockers"] == []
    expired = cjson(mini, "score", "mini", "--unit", "h1", "--as-of", "2027-01-11")
    assert expired["waived"] == []
    assert expired["blockers"] == [{"question": "a.lead", "due": "2027-01-01"}]


IMPORT_OK = (
    "unit;question;value;comment;answered_by;answered_at\n"
    "h1;b.connected;Nej;Protokoll saknas;;\n"  # its `when` is answered on a later row
    "h1;a.lead;JA;;karin;2026-11-20T09:30\n"
    "h1;a.staff;delvis;;;\n"
    "h1;a.pct;60;;;\n"
    "h1;b.pumps;ja;;;\n"
)


def test_import_answers_matches_set(mini: Fvm, write_csv) -> None:
    out = c(mini, "import", "mini", str(write_csv(IMPORT_OK))).stdout
    assert "Saved 5 of 5 answers (new or changed) for 1 unit " in out
    result = cjson(mini, "score", "mini", "--unit", "h1", "--as-of", "2027-01-15")
    assert result["score"] == pytest.approx(0.46875, abs=1e-9)
    history = cjson(mini, "history", "mini", "--unit", "h1", "--question", "a.lead")
    # The file says when karin answered (the answer's day); history says when it was stored.
    assert (history[0]["by"], history[0]["at"]) == ("karin", "2026-11-26T10:00:00+01:00")
    assert (
        mini.scalar("SELECT answered_at FROM answers WHERE question = 'a.lead'")
        == "2026-11-20T09:30"
    )
    again = c(mini, "import", "mini", str(write_csv(IMPORT_OK, "again.csv"))).stdout
    assert "Saved 0 of 5" in again
    assert mini.scalar("SELECT count(*) FROM history WHERE kind = 'answer'") == 5


def test_import_reports_every_bad_row_and_stores_nothing(mini: Fvm, write_csv) -> None:
    path = write_csv(
        "unit,question,value\n"
        "h1,a.lead,yes\n"
        "ghost,a.lead,yes\n"
        "h1,b.train,80\n"
        "h1,a.staff,kanske\n"
        "m1,b.pumps,yes\n"
        "h1,b.connected,yes\n"
        "h1,a.lead,no\n"
        "h1,a.pct,\n"
    )
    err = c(mini, "import", "mini", str(path), code=2).stderr
    for expected in [
        "row 3, column unit: no unit 'ghost'",
        "row 4, column question: b.train is computed from training.coverage",
        "row 5, column value: 'kanske' is not an answer to a.staff",
        "row 6, column question: b.pumps does not apply to units of type municipal",
        "row 7, column question: b.connected applies only when b.pumps is yes",
        "row 8, column question: a.lead for h1 is answered twice (first on row 2)",
        "row 9, column value: is required",
        "Nothing was imported",
    ]:
        assert expected in err, expected
    assert mini.scalar("SELECT count(*) FROM answers") == 0


def test_import_dry_run(mini: Fvm, write_csv) -> None:
    out = c(mini, "import", "mini", str(write_csv(IMPORT_OK)), "--dry-run").stdout
    assert "Would save 5 of 5" in out
    assert mini.scalar("SELECT count(*) FROM answers") == 0


def test_bundled_golive_checklist_is_listed_and_shown(mini: Fvm) -> None:
    listed = {x["id"]: x for x in cjson(mini, "list")}
    assert {"golive", "mini"} <= set(listed)
    assert 40 <= listed["golive"]["questions"] <= 70
    shown = cjson(mini, "show", "golive")
    ids = {q["id"] for q in shown["questions"]}
    assert {
        "train.coverage",
        "equip.readiness",
        "med.pumps-connected",
        "mig.bookings",
        "cut.rehearsal",
        "comm.forum-films",
        "priv.agreement",
    } <= ids


def test_answer_files_are_one_service_call_for_csv_and_for_sheets(fvm: Fvm, tmp_path: Path) -> None:
    from fvmcli.errors import InputError
    from fvmcli.services.answer_files import import_answer_files
    from tests import factories

    ctx = factories.context(fvm.url, content=True)
    try:
        factories.units(ctx, ("h1", "sodra", "hospital", 8))
        csv_file = tmp_path / "svar.csv"
        csv_file.write_text("unit,question,value\nh1,a.lead,ja\nh1,a.staff,delvis\n")
        with pytest.raises(InputError, match="not both"):
            import_answer_files(ctx, "mini", [csv_file, tmp_path / "h1.xlsx"])
        with pytest.raises(InputError, match="one CSV file"):
            import_answer_files(ctx, "mini", [csv_file, csv_file])
        tried = import_answer_files(ctx, "mini", [csv_file], dry_run=True)
        assert (tried.answers, tried.changed, tried.units, tried.sheets) == (2, 2, 1, None)
        assert fvm.scalar("SELECT count(*) FROM answers") == 0
        done = import_answer_files(ctx, "mini", [csv_file])
        assert (done.changed, done.unchanged) == (2, 0)
        again = import_answer_files(ctx, "mini", [csv_file])
        assert (again.changed, again.unchanged) == (0, 2)
    finally:
        ctx.close()


def test_sections_are_coloured_by_the_checklists_thresholds(
    mini: Fvm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bars of ``checklist score`` take the checklist's ``[scoring]`` thresholds (#44),
    not 90 % and 70 % written again in the view: section a (0.6875) and b (0.25) are green and
    yellow under green = 0.6, amber = 0.2, and red and red under the defaults."""
    from dataclasses import replace

    from fvmcli.cli.views import score as view
    from fvmcli.services import open_context
    from fvmcli.services.answers import score

    answer_all(mini)
    ctx = open_context(mini.url, content=[CONTENT])
    found = score(ctx, "mini", "h1", "2027-01-15")
    seen: list[list[str | None]] = []
    monkeypatch.setattr(view, "show", lambda columns, rows, styles: seen.append(styles))
    monkeypatch.setattr(view, "say", lambda *args: None)
    view.print_score(found, "sv")
    view.print_score(replace(found, checklist=replace(found.checklist, green=0.6, amber=0.2)), "sv")
    ctx.close()
    assert seen == [["red", "red"], ["green", "yellow"]]
