"""What local implementation projects, and everyone reading the demo, trip over (#49 items
9–12): the words they read, in Swedish."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from fvmcli import i18n
from tests.conftest import Fvm
from tests.test_four_eyes import _c, ward  # noqa: F401 (a fixture)


def test_the_demo_holds_no_session_on_a_weekend_or_a_holiday() -> None:
    from fvmcli.services.context import Context
    from fvmcli.services.demo_plan import demo_sessions

    curriculum = Context().curriculum
    # From 2026-12-07 the second upcoming week ran into Christmas Eve and the weekend after.
    for as_of in (date(2026, 12, 7), date(2027, 3, 15), date(2027, 6, 1)):
        for session in demo_sessions(as_of, curriculum):
            day = session.start.date()
            while day <= session.end.date():
                assert day.weekday() < 5, (session.id, day)
                assert (day.month, day.day) not in ((12, 24), (12, 25), (12, 26), (1, 1)), (
                    session.id
                )
                day += timedelta(days=1)
    # Good Friday and Easter Monday 2027 (Easter Sunday is 28 March) and Midsummer Eve.
    from fvmcli.services.demo_plan import _day_off

    assert _day_off(date(2027, 3, 26)) and _day_off(date(2027, 3, 29))
    assert _day_off(date(2027, 6, 25)) and not _day_off(date(2027, 3, 30))


def test_swedish_slips_are_mended() -> None:
    i18n.use("sv")
    try:
        report = i18n._(
            "The cutover report is in {target} (open it in a browser, or print it to PDF)."
        )
        assert "Cutover" not in report and "driftstart" in report
        assert i18n._("any unit") == "någon enhet"
    finally:
        i18n.use("en")


@pytest.mark.usefixtures("swedish")
def test_the_printed_checklist_is_the_sign_off_document(
    ward: tuple[Fvm, str],  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")

    def printed(name: str) -> str:
        out = tmp_path / name
        _c(ward, "print", "chain", "--unit", "w", "-o", str(out))
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
        return " ".join(text.split())

    _c(ward, "set", "chain", "--unit", "w", "train", "ja", "--comment", "Alla i personalen " * 6)
    early = printed("early.pdf")
    assert "Checklistans version: 1" in early and "chain version" not in early
    assert "Att se över före underskrift" in early
    assert "Väntar på attest av en andra person: train" in early
    assert "train: Väntar på env – motsägelsefull: besvarad före den" in early
    score = _c(ward, "score", "chain", "--unit", "w").stdout
    reason = next(line for line in score.splitlines() if line.startswith(("Röd", "Gul")))
    assert (
        " ".join(reason.split()) in early
    )  # the reason the unit has its status, as checklist score says it
    _c(ward, "set", "chain", "--unit", "p", "env", "ja")
    for question in ("env", "ready"):
        _c(ward, "set", "chain", "--unit", "w", question, "ja")
    _c(ward, "attest", "chain", "--unit", "w", "train", user="anna")
    done = printed("done.pdf")
    assert "Attesterad av: anna" in done and "Att se över före underskrift" not in done
    assert "Alla i personalen Alla i personalen" in done  # the comment column reads whole


@pytest.mark.usefixtures("swedish")
def test_checklist_show_names_owners_and_the_sections_section_takes(fvm: Fvm) -> None:
    shown = fvm("checklist", "show", "golive").stdout
    assert "Organisation och bemanning (--section organisation, vikt 1,5)" in shown
    assert "Enhetschef" in shown and "unit-manager" not in shown
    assert fvm.json("checklist", "show", "golive")["questions"][0]["owner"] == "unit-manager"
    listed = fvm("checklist", "show").stdout  # no checklist named: the checklists
    assert "golive" in listed and "Beredskap inför driftstart" in listed
