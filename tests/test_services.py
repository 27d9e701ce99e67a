"""Use cases tested at the service level: no command line, results as Python objects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from fvmcli.core.cutover import gate_failed
from fvmcli.errors import (
    ConflictError,
    InputError,
    NotPermitted,
    ProblemsError,
    UnknownIdError,
)
from fvmcli.services import bundles, cutover, equipment, territory, training
from fvmcli.services.context import Clock, Context
from fvmcli.services.territory import UnitFilter
from tests import factories

pytestmark = pytest.mark.store


@pytest.fixture
def ctx(db_url: str) -> Iterator[Context]:
    """Return a service context on a fresh database with two units in it."""
    context = factories.context(db_url)
    factories.units(context, ("u1", "sodra", "hospital", 10), ("u2", "ostra", "municipal", 20))
    yield context
    context.close()


def _mark(ctx: Context, session: str, people: list[str], **how: bool) -> list[tuple[str, str]]:
    """Return (person, new status) of ``training.mark_people``."""
    return [(m.person, m.status) for m in training.mark_people(ctx, session, people, **how)]


def _after_the_sessions(ctx: Context) -> None:
    """Move the context's clock past the sessions of these tests: attendance is known then."""
    ctx.clock = Clock.at(datetime(2026, 12, 22, 17, 0))


def _session(ctx: Context, course: str, day: str, capacity: int) -> str:
    return training.add_session(
        ctx, course, start=f"{day}T09:00", capacity=capacity, by="trainer"
    ).id


def test_enrolment_fills_seats_then_the_waitlist_and_cancelling_promotes(ctx: Context) -> None:
    people = factories.people(ctx, "u1", *["nurse"] * 4)
    sid = _session(ctx, "downtime-procedures", "2026-12-14", 2)
    outcome = training.enroll(ctx, sid, people, by="trainer")
    assert [(e.person, e.status) for e in outcome] == [
        ("p1", "enrolled"),
        ("p2", "enrolled"),
        ("p3", "waitlisted"),
        ("p4", "waitlisted"),
    ]
    again = training.enroll(ctx, sid, ["p1"], by="trainer")
    assert again[0].already and again[0].status == "enrolled"
    assert training.cancel(ctx, sid, ["p1"], by="trainer") == ["p3"]
    shown = training.show_session(ctx, sid)
    assert shown["enrolled"] == ["p2", "p3"] and shown["waitlist"] == ["p4"]
    raised = training.update_session(ctx, sid, capacity=3, by="trainer")
    assert raised.outcome == "changed" and raised.promoted == ["p4"]


def test_enrolment_refusals_store_nothing_unless_forced_with_a_reason(ctx: Context) -> None:
    (person,) = factories.people(ctx, "u1", "config-analyst")
    sid = _session(ctx, "millennium-fundament", "2026-12-14", 5)
    with pytest.raises(ConflictError, match="prerequisite"):
        training.enroll(ctx, sid, [person], by="trainer")
    assert training.show_session(ctx, sid)["enrolled"] == []
    with pytest.raises(InputError, match="--reason"):
        training.enroll(ctx, sid, [person], force=True, by="trainer")
    forced = training.enroll(ctx, sid, [person], force=True, reason="Intro i januari")
    assert forced[0].forced and forced[0].status == "enrolled"
    with pytest.raises(UnknownIdError, match="nobody"):
        training.enroll(ctx, sid, ["nobody"], by="trainer")


def test_enrolment_reads_a_fixed_number_of_queries_whatever_the_number_of_people(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fvmcli.store import driver

    few = factories.people(ctx, "u1", *["nurse"] * 2, prefix="f")
    many = factories.people(ctx, "u2", *["nurse"] * 30, prefix="m")
    first = _session(ctx, "downtime-procedures", "2026-12-14", 100)
    second = _session(ctx, "downtime-procedures", "2026-12-21", 100)
    statements: list[str] = []
    execute = driver.execute

    def count(cursor, sql, params):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append(sql)
        execute(cursor, sql, params)

    monkeypatch.setattr(driver, "execute", count)  # every statement of the store passes there
    training.enroll(ctx, first, few, by="trainer")
    with_few = len(statements)
    assert with_few > 0
    statements.clear()
    training.enroll(ctx, second, many, by="trainer")
    assert len(statements) == with_few


def test_a_failed_attempt_stays_and_counts(ctx: Context) -> None:
    nurse, other = factories.people(ctx, "u1", "nurse", "nurse")
    first = _session(ctx, "enduser-clinical", "2026-12-14", 5)
    again = _session(ctx, "enduser-clinical", "2026-12-21", 5)
    training.enroll(ctx, first, [nurse, other], by="trainer")
    _after_the_sessions(ctx)
    _mark(ctx, first, [nurse, other])
    with pytest.raises(ConflictError, match="holds no seat"):
        _mark(ctx, again, [nurse], failed=True)
    assert _mark(ctx, first, [nurse], failed=True) == [(nurse, "failed")]
    assert _mark(ctx, first, [other], passing=True) == [(other, "completed")]
    # The failure is not overwritten by a pass in the same session: it stays, and counts.
    with pytest.raises(ConflictError, match="the attempt stays"):
        _mark(ctx, first, [nurse], passing=True)
    with pytest.raises(ConflictError, match="passed the assessment"):
        _mark(ctx, first, [other], failed=True)
    (row,) = training.coverage(ctx, UnitFilter(unit_ids=("u1",)))
    # Two nurses need enduser-clinical and downtime-procedures: 4 pairs, one completed.
    assert (row.required, row.completed, row.failed) == (4, 1, 1)
    # Another try, in another session of the same course, is allowed.
    assert training.enroll(ctx, again, [nurse], by="trainer")


def test_attendance_and_assessment(ctx: Context) -> None:
    nurse, other = factories.people(ctx, "u1", "nurse", "nurse")
    assessed = _session(ctx, "enduser-clinical", "2026-12-14", 5)
    plain = _session(ctx, "downtime-procedures", "2026-12-15", 5)
    training.enroll(ctx, assessed, [nurse], by="trainer")
    training.enroll(ctx, plain, [nurse], by="trainer")
    _after_the_sessions(ctx)
    with pytest.raises(ConflictError, match="has not attended"):
        _mark(ctx, assessed, [nurse], passing=True)
    assert _mark(ctx, assessed, [nurse]) == [(nurse, "attended")]
    assert _mark(ctx, assessed, [nurse], passing=True) == [(nurse, "completed")]
    assert _mark(ctx, plain, [nurse]) == [(nurse, "completed")]
    with pytest.raises(InputError, match="no assessment"):
        _mark(ctx, plain, [nurse], passing=True)
    with pytest.raises(ConflictError, match="holds no seat"):
        _mark(ctx, plain, [other])
    (row,) = [c for c in training.coverage(ctx, UnitFilter(unit_ids=("u1",)))]
    # Two nurses need two courses each; one nurse completed both: 2 of 4 pairs.
    assert (row.required, row.completed, row.coverage) == (4, 2, 50.0)


def test_a_count_without_configured_or_tested_keeps_the_stored_figures(ctx: Context) -> None:
    equipment.count(ctx, "u1", "care-client", present=10, configured=8, tested=5)
    kept = equipment.count(ctx, "u1", "care-client", present=12)
    assert (kept.count.present, kept.count.configured, kept.count.tested) == (12, 8, 5)
    with pytest.raises(InputError, match="nothing was stored"):
        equipment.count(ctx, "u1", "care-client", present=4)
    fresh = equipment.count(ctx, "u2", "care-client", present=3)
    assert (fresh.count.configured, fresh.count.tested) == (0, 0)


def test_filters_are_checked_and_select_units(ctx: Context) -> None:
    assert [u.id for u in territory.list_units(ctx, UnitFilter(phase=1))] == ["u1"]
    assert [u.id for u in territory.list_units(ctx, UnitFilter(area="ostra"))] == ["u2"]
    with pytest.raises(InputError, match="unknown area 'mars'"):
        territory.list_units(ctx, UnitFilter(area="mars"))
    with pytest.raises(InputError, match="unknown phase 9"):
        territory.list_units(ctx, UnitFilter(phase=9))
    with pytest.raises(InputError, match="unknown unit type"):
        territory.list_units(ctx, UnitFilter(unit_type="spa"))
    with pytest.raises(UnknownIdError, match="'nope'"):
        equipment.gaps(ctx, UnitFilter(unit_ids=("u1", "nope")))


def test_the_gate_rule() -> None:
    assert not gate_failed(["red"], None)
    assert gate_failed(["green", "red"], "red") and not gate_failed(["amber"], "red")
    assert gate_failed(["amber"], "amber") and not gate_failed(["green", "not-started"], "amber")
    with pytest.raises(ValueError, match="red or amber"):
        gate_failed([], "blue")


def test_territory_status_gate_and_blocker_order(db_url: str) -> None:
    ctx = factories.context(db_url, content=True)
    factories.units(ctx, ("a", "sodra", "hospital", 4), ("b", "sodra", "municipal", 4))
    factories.go_live(ctx, p1="2027-01-31")
    factories.answered(ctx, "mini", "a", a_lead="yes", a_staff="yes", a_pct="80")
    status = cutover.territory_status(ctx, checklist_id="mini", as_of="2027-01-25", fail_on="red")
    # b has answered nothing: a.lead (T-30d, 2027-01-01) and a.staff are overdue; a.lead is a
    # critical blocker, so b is red and the gate fails.
    assert [(r.unit, r.status) for r in status.rows][0] == ("b", "red")
    assert status.gate_failed
    assert [(b.unit, b.question, b.days_overdue) for b in status.blockers] == [("b", "a.lead", 24)]
    assert status.as_json()["summary"]["units"] == 2
    ctx.close()


def test_bundle_checks(ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FVM_DEVICE_KEY", str(tmp_path / "device.key"))
    made = bundles.keygen()
    exported = bundles.export_bundle(ctx, "u1", by="laptop")
    assert exported.fingerprint == made.fingerprint
    document = exported.document
    checked = bundles.check_bundle(ctx, tmp_path / "b.json", document)
    assert checked.unit.id == "u1" and checked.fingerprint == made.fingerprint
    with pytest.raises(NotPermitted, match="not trusted for any unit"):
        bundles.import_bundles(ctx, [(tmp_path / "b.json", document)])
    bundles.trust(ctx, made.public, units=[], areas=["sodra"])  # u1 is in sodra
    tampered = {**document, "unit": {**document["unit"], "name": "Annat namn"}}
    with pytest.raises(InputError, match="digest does not match"):
        bundles.check_bundle(ctx, tmp_path / "b.json", tampered)
    with pytest.raises(InputError, match="not a JSON object"):
        bundles.check_bundle(ctx, tmp_path / "b.json", [1, 2])
    first = bundles.import_bundles(ctx, [(tmp_path / "b.json", document)])
    assert (first[0].added, first[0].changed) == (0, 0)


def test_batches_refuse_bad_records_by_index_and_store_nothing(ctx: Context) -> None:
    from fvmcli.core.model import Person, Unit

    with pytest.raises(ProblemsError) as refused:
        territory.save_units(
            ctx,
            [Unit("ok", "Bra", "sodra", "hospital"), Unit("bad id", "", "mars", "spa")],
        )
    text = refused.value.render()
    assert re.search(r"units\[1\]\.id: .*'bad id'", text) and "units[1].area" in text
    assert "ok" not in {u.id for u in territory.list_units(ctx)}
    with pytest.raises(ProblemsError, match=r"people\[0\]\.role"):
        training.save_people(ctx, [Person("p9", "Namn", "astronaut", "u1")])
    assert training.list_people(ctx) == []


def test_the_territory_evidence_equals_each_units_own(ctx: Context) -> None:
    """The whole territory's streams give exactly the figures each unit read alone gives:
    hand-checked on u1."""
    from fvmcli.core.model import Count
    from fvmcli.services.readiness import territory_summaries
    from fvmcli.store.reads import Scope

    nurse, other, admin = factories.people(ctx, "u1", "nurse", "nurse", "admin")
    factories.people(ctx, "u2", "municipal-nurse", prefix="m")
    plain = _session(ctx, "downtime-procedures", "2026-12-15", 5)
    extra = _session(ctx, "enduser-admin", "2026-12-16", 5)  # not required of nurses
    training.enroll(ctx, plain, [nurse, admin], by="trainer")
    training.enroll(ctx, extra, [other], by="trainer")
    _after_the_sessions(ctx)
    _mark(ctx, plain, [nurse, admin])
    _mark(ctx, extra, [other])
    equipment.store_counts(
        ctx,
        [
            ("u1", "care-client", Count(5, 4, 3)),
            ("u1", "printer", Count(1, 1, 1)),
        ],
        by="factory",
    )
    equipment.require(ctx, "u1", "printer", 3)
    with ctx.open().write() as conn:  # an item the catalog has since dropped, counted and required
        conn.run(
            "INSERT INTO equipment_counts VALUES ('u1', 'old-fax', 2, 2, 2, 'x', '2026-01-01')"
        )
        conn.run("INSERT INTO equipment_requirements VALUES ('u1', 'old-fax', 1)")
    golive = ctx.checklist("golive")

    def streamed(scope: Scope) -> dict:  # type: ignore[type-arg]
        with ctx.open().read() as reader:
            found = territory_summaries(ctx, reader, golive, scope, factories.TODAY)
            return {unit.id: figures for unit, _, figures in found}

    with ctx.open().read() as conn:
        units = territory.select(ctx, conn, UnitFilter()).units
    each = {u.id: streamed(Scope(ids=(u.id,)))[u.id] for u in units}
    whole = streamed(Scope())
    some = streamed(Scope(ids=(units[0].id,)))
    assert len(whole) == len(units) > 1
    assert {u: f.evidence for u, f in whole.items()} == {u: e.evidence for u, e in each.items()}
    assert {u: f.coverage for u, f in whole.items()} == {u: e.coverage for u, e in each.items()}
    assert {u: f.evidence for u, f in some.items()} == {units[0].id: each[units[0].id].evidence}
    # u1: two nurses (enduser-clinical, downtime-procedures) and an admin (enduser-admin,
    # downtime-procedures): 6 pairs, 2 completed (the nurse's and the admin's downtime course).
    assert whole["u1"].evidence.training_coverage == pytest.approx(100 * 2 / 6)
