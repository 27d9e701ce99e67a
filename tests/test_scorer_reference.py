"""The one scorer agrees with an independent reference written from ``scoring.md``
(``tests/reference_scoring.py``), with and without per-question detail."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fvmcli.content.checklists import load_checklist
from fvmcli.content.locate import ContentDirs
from fvmcli.content.territory import load_territory
from fvmcli.core.answers import settable_question
from fvmcli.core.model import NA, Checklist, Waiver
from fvmcli.core.score_plan import applicable_questions, plan_for
from fvmcli.core.scoring import Evidence, score_unit
from tests.factories import TEST_CONTENT
from tests.reference_scoring import reference_score

AS_OF = date(2026, 11, 26)


def _checklists() -> list[Checklist]:
    found = []
    for extra in ([], [TEST_CONTENT]):
        dirs = ContentDirs.with_user(extra)
        territory = load_territory(dirs)
        found.append(load_checklist(dirs, "mini" if extra else "golive", territory))
    return found


CHECKLISTS = _checklists()


def _values(checklist: Checklist) -> dict[str, list[str]]:
    """Return question → the answer values worth trying (valid and edge ones)."""
    out: dict[str, list[str]] = {}
    for q in checklist.questions:
        base = {
            "yes-no": ["yes", "no"],
            "yes-partial-no": ["yes", "partial", "no"],
            "percent": ["0", "45.5", "80", "100"],
            "number": ["0", "3", "12"],
            "date": ["2026-01-01", "2027-06-30"],
            "text": ["x"],
            "choice": [o.id for o in q.options],
        }[q.type]
        out[q.id] = base + ([NA] if q.allow_na else [])
    return out


@st.composite
def units(
    draw: st.DrawFn, *, plain: bool = False
) -> tuple[Checklist, str, date | None, dict, dict, Evidence, set]:
    """A unit's records; ``plain``: with no waivers and no stale answers, as most units are
    (the plan's effects of their answer values are summed as they are, none replaced)."""
    checklist = draw(st.sampled_from(CHECKLISTS))
    values = _values(checklist)
    unit_type = draw(st.sampled_from(["hospital", "primary-care", "municipal", "private"]))
    go_live = draw(st.one_of(st.none(), st.dates(date(2026, 9, 1), date(2028, 1, 1))))
    answers = {q: draw(st.sampled_from(v)) for q, v in values.items() if draw(st.booleans())}
    waivers = {
        q: Waiver(q, "skäl", AS_OF + timedelta(days=draw(st.integers(-20, 20))), "lead")
        for q in values
        if not plain and draw(st.integers(0, 9)) == 0
    }
    percent = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))
    evidence = Evidence(draw(percent), draw(percent))
    stale = {q for q in answers if not plain and draw(st.integers(0, 7)) == 0}
    return checklist, unit_type, go_live, answers, waivers, evidence, stale


@st.composite
def turn_four(draw: st.DrawFn) -> tuple:
    """A unit's records with what turn 4 adds: attestations (some rejected), the days answers
    were given, approvals of waivers under four eyes, and the parent's open questions."""
    checklist, unit_type, go_live, answers, waivers, evidence, stale = draw(units())
    states = st.sampled_from(["attested", "rejected"])
    attestations = {q: draw(states) for q in answers if draw(st.integers(0, 2)) > 0}
    days = st.dates(date(2026, 1, 1), AS_OF)
    answered_on = {q: f"{draw(days).isoformat()}T10:00:00+01:00" for q in answers}
    four_eyes = draw(st.booleans())
    approver = st.sampled_from([None, "lead", "anna"])
    waivers = {
        q: Waiver(q, w.reason, w.until, w.by, draw(approver), draw(st.booleans()))
        for q, w in waivers.items()
    }
    ids = [q.id for q in checklist.questions]
    parent_open = (
        None if draw(st.booleans()) else set(draw(st.lists(st.sampled_from(ids), max_size=6)))
    )
    return (
        checklist, unit_type, go_live, answers, waivers, evidence, stale,
        attestations, answered_on, four_eyes, parent_open,
    )  # fmt: skip


@settings(max_examples=int(os.environ.get("FVM_FUZZ_EXAMPLES", "400")), deadline=None)
@given(turn_four())
def test_the_scorer_agrees_with_the_reference_on_turn_four(case: tuple) -> None:
    (checklist, unit_type, go_live, answers, waivers, evidence, stale,
     attestations, answered_on, four_eyes, parent_open) = case  # fmt: skip
    ref = reference_score(
        checklist, unit_type, go_live, answers, waivers, evidence, AS_OF, stale,
        attestations=attestations, answered_on=answered_on, parent_open=parent_open,
        four_eyes=four_eyes,
    )  # fmt: skip
    plan = plan_for(checklist, unit_type, go_live, AS_OF, four_eyes)
    for detail in (True, False):
        found = score_unit(
            plan, answers, waivers, evidence, stale, answered_on=answered_on,
            attestations=attestations, parent_open=parent_open, detail=detail,
        )  # fmt: skip
        assert found.score == pytest.approx(ref.score, abs=1e-9)
        assert found.status == ref.status
        assert found.completeness == pytest.approx(ref.completeness, abs=1e-9)
        assert found.blocker_count == len(ref.blockers)
        assert found.unattested_count == len(ref.unattested)
        assert found.inconsistent_count == len(ref.inconsistent)
        assert found.oldest_evidence == ref.oldest
        if found.reason.rule == "unattested":
            assert list(found.reason.questions) == ref.unattested
        if found.reason.rule == "inconsistent":
            assert list(found.reason.questions) == ref.inconsistent


@settings(max_examples=int(os.environ.get("FVM_FUZZ_EXAMPLES", "400")), deadline=None)
@given(st.one_of(units(), units(plain=True)))
def test_the_scorer_agrees_with_the_reference(case: tuple) -> None:
    checklist, unit_type, go_live, answers, waivers, evidence, stale = case
    ref = reference_score(checklist, unit_type, go_live, answers, waivers, evidence, AS_OF, stale)
    plan = plan_for(checklist, unit_type, go_live, AS_OF)
    full = score_unit(plan, answers, waivers, evidence, stale)
    for found in (full, score_unit(plan, answers, waivers, evidence, stale, detail=False)):
        assert found.score == pytest.approx(ref.score, abs=1e-9)
        assert found.status == ref.status
        assert found.completeness == pytest.approx(ref.completeness, abs=1e-9)
        assert found.blocker_count == len(ref.blockers)
        assert found.overdue_count == len(ref.overdue)
        assert found.reason.questions == tuple(
            ref.blockers
            if ref.status == "red" and ref.blockers
            else ref.short
            if found.reason.rule in ("score-below-green", "critical-below-full")
            else ()
        )
        assert [q.id for q, _, _ in found.late_critical] == [
            q
            for q in ref.overdue
            if checklist.question(q).critical  # type: ignore[union-attr]
        ]
    assert [r.question.id for r in full.blockers] == ref.blockers
    assert [r.question.id for r in full.overdue] == ref.overdue


def test_a_plan_is_remembered_per_type_go_live_and_day() -> None:
    golive = CHECKLISTS[0]
    one = plan_for(golive, "hospital", date(2027, 3, 1), AS_OF)
    assert plan_for(golive, "hospital", date(2027, 3, 1), AS_OF) is one
    assert plan_for(golive, "municipal", date(2027, 3, 1), AS_OF) is not one
    assert plan_for(golive, "hospital", date(2027, 3, 1), AS_OF + timedelta(days=1)) is not one


@pytest.mark.parametrize("value", ["yes", "no", None])
def test_effects_are_remembered_per_value(value: str | None) -> None:
    mini = CHECKLISTS[1]
    plan = plan_for(mini, "hospital", date(2026, 12, 20), AS_OF)
    first = plan.steps[0].effects[value]
    assert plan.steps[0].effects[value] is first and value in plan.steps[0].effects


@settings(max_examples=int(os.environ.get("FVM_FUZZ_EXAMPLES", "400")), deadline=None)
@given(units())
def test_the_walk_set_and_the_score_agree_on_what_applies(case: tuple) -> None:
    """One evaluator of applicability (#44): the questions the score counts are those the
    walk and the import offer (``applicable_questions``), and a person may set exactly the
    ones of them fvm does not answer itself, whatever the live evidence."""
    checklist, unit_type, go_live, answers, waivers, evidence, stale = case
    score = score_unit(plan_for(checklist, unit_type, go_live, AS_OF), answers, {}, evidence)
    scored = [r.question.id for r in score.questions]
    assert [q.id for q in applicable_questions(checklist, unit_type, answers)] == scored
    for q in checklist.questions:
        try:
            settable_question(checklist, unit_type, q.id, answers)
        except ValueError:
            assert q.derived or q.id not in scored
        else:
            assert q.id in scored and not q.derived


def test_a_sections_sums_are_taken_left_to_right_on_every_python() -> None:
    """Ten weights of 0.1 added left to right make 0.9999999999999999, as a loop makes them;
    Python 3.12's compensated ``sum`` would make 1.0, and a unit at a threshold could change."""
    from fvmcli.core.scoring import _added

    total = 0.0
    for _ in range(10):
        total += 0.1
    assert _added([0.1] * 10) == total == 0.9999999999999999
