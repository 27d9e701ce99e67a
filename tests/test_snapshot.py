"""One moment per report: the reads of a report are one read transaction, so a commit by
another login while it is made shows in none of its parts (the figures and the history head
it prints agree), on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.conftest import Fvm


@pytest.fixture
def answered(fvm: Fvm) -> Fvm:
    """Two units on the bundled golive checklist, one of them with an answer."""
    ctx = factories.context(fvm.url)
    factories.units(
        ctx, ("u1", "sodra", "hospital", 4, "Ett"), ("u2", "sodra", "hospital", 4, "Två")
    )
    factories.go_live(ctx, p1="2027-01-31")
    ctx.close()
    fvm("checklist", "set", "golive", "org.project-lead", "yes", "--unit", "u1")
    return fvm


def _history_entries(fvm: Fvm) -> int:
    return int(fvm.scalar("SELECT count(*) FROM history"))  # type: ignore[call-overload]


def test_reads_inside_a_snapshot_see_one_state(answered: Fvm) -> None:
    from fvmcli.store.database import Database

    database = Database(answered.url)
    try:
        with database.snapshot():
            with database.read() as conn:
                before = conn.scalar("SELECT count(*) FROM history")
            answered(
                "checklist", "set", "golive", "org.project-lead", "yes", "--unit", "u2"
            )  # another connection
            with database.read() as conn:
                assert conn.scalar("SELECT count(*) FROM history") == before
        with database.read() as conn:
            assert conn.scalar("SELECT count(*) FROM history") == before + 1
    finally:
        database.dispose()


def test_a_commit_while_a_report_is_made_shows_in_none_of_its_parts(
    answered: Fvm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another login's answer, committed after the report read its status and before it
    read its trend and history head, is in neither: the head is the one the figures are of,
    and the figures are those of before the commit."""
    from fvmcli.services import open_context, rounds
    from fvmcli.services.cutover import territory_status
    from fvmcli.services.history import history_head
    from fvmcli.services.report import report

    ctx = open_context(answered.url)
    try:
        head_before = history_head(ctx)
        rows_before = [
            r.as_dict() for r in territory_status(ctx, as_of="2027-01-10", detail=False).rows
        ]
        entries = _history_entries(answered)
        trend = rounds.trend

        def trend_after_a_commit(*args: Any, **kwargs: Any) -> dict[str, Any]:
            answered("checklist", "set", "golive", "org.project-lead", "yes", "--unit", "u2")
            return trend(*args, **kwargs)

        monkeypatch.setattr(rounds, "trend", trend_after_a_commit)
        made = report(ctx, checklist_id="golive", as_of="2027-01-10", detail=False)
        assert _history_entries(answered) == entries + 1  # the commit happened meanwhile
        assert made.history_head == head_before
        assert [r.as_dict() for r in made.status.rows] == rows_before
        assert history_head(ctx) != head_before  # and a read after the report sees it
    finally:
        ctx.close()


def test_a_round_taken_while_a_forecast_is_made_is_not_in_it(
    answered: Fvm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round another login takes after the forecast read the scores now, before it read
    the rounds, is not in the forecast: its points and projections are of one moment."""
    from fvmcli.services import open_context
    from fvmcli.services.forecast import territory_forecast
    from fvmcli.store import snapshots

    ctx = open_context(answered.url)
    try:
        before = territory_forecast(ctx, as_of="2027-01-10").as_json()
        rounds = snapshots.unit_rounds

        def rounds_after_a_round(*args: Any, **kwargs: Any) -> Any:
            answered("cutover", "snapshot", "R1", "--as-of", "2027-01-05")
            return rounds(*args, **kwargs)

        monkeypatch.setattr(snapshots, "unit_rounds", rounds_after_a_round)
        made = territory_forecast(ctx, as_of="2027-01-10").as_json()
        assert int(answered.scalar("SELECT count(*) FROM snapshots")) == 1  # type: ignore[call-overload]
        assert made == before
    finally:
        ctx.close()
