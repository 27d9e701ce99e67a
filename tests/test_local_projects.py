"""What local implementation projects, and everyone reading the demo, trip over (#49 items
9–12): the words they read, in Swedish."""

from __future__ import annotations

from datetime import date, timedelta

from fvmcli import i18n


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
