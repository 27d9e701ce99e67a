"""The rules of scoring.md, on hand-computed cases and as properties."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fvmcli.core.answers import parse_answer, settable_question
from fvmcli.core.deadlines import due_date, parse_offset
from fvmcli.core.model import (
    Checklist,
    Offset,
    Option,
    Question,
    Section,
    Text,
    Waiver,
    When,
)
from fvmcli.core.score_plan import applicable_questions, credit, plan_for
from fvmcli.core.scoring import Evidence, score_unit

T = Text("fråga")
GO_LIVE = date(2027, 3, 1)


def q(qid: str, section: str = "s1", qtype: str = "yes-no", **kw) -> Question:  # type: ignore[no-untyped-def]
    return Question(id=qid, section=section, type=qtype, text=T, **kw)


def checklist(*questions: Question, sections=None, **kw) -> Checklist:  # type: ignore[no-untyped-def]
    sections = sections or (Section("s1", T, 2.0), Section("s2", T, 1.0))
    return Checklist("c", 1, T, tuple(sections), tuple(questions), **kw)


def score(
    c: Checklist,
    answers: dict[str, str],
    *,
    unit_type: str = "hospital",
    waivers: dict[str, Waiver] | None = None,
    evidence: Evidence = Evidence(),
    as_of: date = date(2026, 11, 26),
    go_live: date | None = GO_LIVE,
):  # type: ignore[no-untyped-def]
    return score_unit(plan_for(c, unit_type, go_live, as_of), answers, waivers or {}, evidence)


# ------------------------------------------------------------------ deadlines
@pytest.mark.parametrize(
    ("due", "go_live", "expected"),
    [
        ("T-0d", date(2027, 3, 1), date(2027, 3, 1)),
        ("T-90d", date(2027, 3, 1), date(2026, 12, 1)),
        ("T-2w", date(2027, 3, 1), date(2027, 2, 15)),
        ("T-1m", date(2027, 3, 31), date(2027, 2, 28)),
        ("T-1m", date(2024, 3, 31), date(2024, 2, 29)),
        ("T-12m", date(2028, 2, 29), date(2027, 2, 28)),
        ("T-3m", date(2027, 1, 15), date(2026, 10, 15)),
        ("T-13m", date(2027, 1, 31), date(2025, 12, 31)),
    ],
)
def test_due_dates(due: str, go_live: date, expected: date) -> None:
    assert due_date(go_live, parse_offset(due)) == expected


def test_no_go_live_means_no_due_date() -> None:
    assert due_date(None, Offset(90, "d")) is None


@pytest.mark.parametrize("bad", ["T-90", "90d", "T+3d", "T-3y", "T--1d", ""])
def test_bad_due_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_offset(bad)


# ------------------------------------------------------------------ credit
@pytest.mark.parametrize(
    ("question", "value", "expected"),
    [
        (q("a"), "yes", 1.0),
        (q("a"), "no", 0.0),
        (q("a", qtype="yes-partial-no"), "partial", 0.5),
        (q("a", qtype="percent", target=100.0), "87.5", 0.875),
        (q("a", qtype="percent", target=80.0), "90", 1.0),
        (q("a", qtype="percent", target=80.0), "60", 0.75),
        (q("a", qtype="number", target=4.0), "3", 0.75),
        (q("a", qtype="number"), "3", None),
        (q("a", qtype="text"), "anything", None),
        (q("a", weight=0.0), "yes", None),
        (q("a", allow_na=True), "n/a", None),
        (q("a"), None, 0.0),
        (q("a", qtype="choice", options=(Option("x", 0.25, T),)), "x", 0.25),
    ],
)
def test_credit(question: Question, value: str | None, expected: float | None) -> None:
    assert credit(question, value, date(2027, 1, 1)) == expected


def test_date_credit_against_due_date() -> None:
    question = q("d", qtype="date")
    due = date(2027, 2, 15)
    assert credit(question, "2027-02-15", due) == 1.0
    assert credit(question, "2027-02-16", due) == 0.0
    assert credit(question, "2030-01-01", None) == 1.0


# ------------------------------------------------------------------ values
@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (q("a"), "Ja", "yes"),
        (q("a"), "NEJ", "no"),
        (q("a", qtype="yes-partial-no"), "delvis", "partial"),
        (q("a", allow_na=True), "Ej aktuell", "n/a"),
        (q("a", qtype="percent", target=100.0), "87,5", "87.5"),
        (q("a", qtype="percent", target=100.0), "100 %", "100"),
        (q("a", qtype="number"), "12", "12"),
        (q("a", qtype="date"), "2027-01-31", "2027-01-31"),
        (
            q("a", qtype="choice", options=(Option("done", 1.0, Text("Genomförd")),)),
            "genomförd",
            "done",
        ),
        (q("a", qtype="text"), " fri text ", "fri text"),
    ],
)
def test_parse_answer_accepts(question: Question, raw: str, stored: str) -> None:
    assert parse_answer(question, raw) == stored


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (q("a"), "partial", "accepted: yes, no (ja, nej)"),
        (q("a"), "n/a", "cannot be answered n/a"),
        (q("a", qtype="percent", target=100.0), "101", "from 0 to 100"),
        (q("a", qtype="percent", target=100.0), "-1", "from 0 to 100"),
        (q("a", qtype="number"), "many", "a number 0 or more"),
        (q("a", qtype="date"), "2027-02-30", "a date YYYY-MM-DD"),
        (q("a", qtype="choice", options=(Option("done", 1.0, T),)), "maybe", "accepted: done"),
        (q("a"), "  ", "an answer is required"),
    ],
)
def test_parse_answer_refuses(question: Question, raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_answer(question, raw)


# ------------------------------------------------------------------ score
def sample() -> Checklist:
    return checklist(
        q("q1"),
        q("q2", qtype="yes-partial-no", weight=2.0),
        q("q3", qtype="percent", target=80.0),
        q("q4", section="s2", qtype="choice", options=(Option("x", 0.25, T),)),
        q("q5", section="s2", allow_na=True),
        q("q6", section="s2", qtype="text"),
        q("q7", section="s2"),
    )


def test_hand_computed_score() -> None:
    result = score(
        sample(), {"q1": "yes", "q2": "partial", "q3": "60", "q4": "x", "q5": "n/a", "q6": "notes"}
    )
    # s1 = (1·1 + 2·0.5 + 1·0.75) / 4 = 0.6875; s2 = (0.25 + 0) / 2 = 0.125 (q5 n/a, q6 text)
    s1, s2 = result.sections
    assert s1.score == pytest.approx(0.6875, abs=1e-9)
    assert s2.score == pytest.approx(0.125, abs=1e-9)
    # overall = (2·0.6875 + 1·0.125) / 3 = 0.5
    assert result.score == pytest.approx(0.5, abs=1e-9)
    # scored applicable: q1..q5, q7 = 6; answered: q1..q5 = 5
    assert result.completeness == pytest.approx(5 / 6, abs=1e-9)
    assert (s2.answered, s2.applicable) == (2, 3)
    assert result.status == "red"  # 0.5 < amber 0.70


def test_section_with_only_na_is_left_out() -> None:
    c = checklist(q("q1"), q("q5", section="s2", allow_na=True))
    result = score(c, {"q1": "yes", "q5": "n/a"})
    assert result.sections[1].score is None
    assert result.score == 1.0 and result.completeness == 1.0 and result.status == "green"


def test_no_section_left_scores_zero_and_empty_completeness_is_one() -> None:
    c = checklist(q("t", qtype="text"))
    result = score(c, {})
    assert result.score == 0.0 and result.completeness == 1.0
    assert result.status == "not-started"


# ------------------------------------------------------------------ status
def test_status_rules_in_order() -> None:
    c = checklist(
        q("crit", critical=True, due=Offset(90, "d")),
        q("b"),
        q("c"),
        q("d"),
        q("e"),
        q("f"),
        q("g"),
        q("h"),
        q("i"),
        q("j"),
    )
    base = {k: "yes" for k in "bcdefghij"}
    # due 2026-12-01; before it the critical 'no' is not overdue: score 0.9 but critical < 1
    assert score(c, {**base, "crit": "no"}, as_of=date(2026, 11, 30)).status == "amber"
    # on the due date it is overdue: a blocker
    result = score(c, {**base, "crit": "no"}, as_of=date(2026, 12, 1))
    assert result.status == "red" and [r.question.id for r in result.blockers] == ["crit"]
    # unanswered too: a blocker is red even when nothing was answered
    assert score(c, {}, as_of=date(2026, 12, 1)).status == "red"
    assert score(c, {}, as_of=date(2026, 11, 1)).status == "not-started"
    assert score(c, {**base, "crit": "yes"}).status == "green"
    # 8/10 = 0.8 < green 0.9: amber; 6/10 = 0.6 < amber 0.7: red
    assert score(c, {**base, "crit": "yes", "b": "no", "c": "no"}).status == "amber"
    assert (
        score(c, {**base, "crit": "yes", "b": "no", "c": "no", "d": "no", "e": "no"}).status
        == "red"
    )


def test_overdue_needs_a_known_due_date() -> None:
    c = checklist(q("crit", critical=True, due=Offset(90, "d")))
    result = score(c, {"crit": "no"}, go_live=None)
    assert not result.overdue and result.status == "red"  # score 0 < amber, no blocker
    assert result.questions[0].due is None


def test_active_waiver_removes_blocker_and_is_left_out_of_the_score() -> None:
    c = checklist(q("crit", critical=True, due=Offset(90, "d")), q("b"))
    waiver = {"crit": Waiver("crit", "accepted", date(2026, 12, 31), "lead")}
    result = score(c, {"b": "yes"}, waivers=waiver, as_of=date(2026, 12, 10))
    assert result.status == "green"
    assert result.score == 1.0 and result.completeness == 1.0
    assert [r.question.id for r in result.waived] == ["crit"]
    assert [r.question.id for r in result.overdue] == ["crit"]  # still overdue, but waived
    assert result.blockers == []
    # on the day after it ends, the waiver has no effect
    expired = score(c, {"b": "yes"}, waivers=waiver, as_of=date(2027, 1, 1))
    assert expired.status == "red" and expired.waived == []
    assert expired.score == pytest.approx(0.5)


def test_not_started_ignores_derived_values() -> None:
    c = checklist(q("tc", qtype="percent", source="training.coverage", target=90.0), q("b"))
    result = score(c, {}, evidence=Evidence(training_coverage=95.0))
    assert result.status == "not-started"
    assert result.score == pytest.approx(0.5)


# ------------------------------------------------------------------ derived
def test_derived_questions() -> None:
    c = checklist(
        q("tc", qtype="percent", source="training.coverage", target=90.0),
        q("eq", qtype="percent", source="equipment.readiness", target=100.0),
        q("b"),
    )
    live = score(c, {"b": "yes"}, evidence=Evidence(72.5, 50.0))
    tc, eq, _ = live.questions
    assert tc.credit == pytest.approx(72.5 / 90) and tc.value == "72.5"
    assert eq.credit == pytest.approx(0.5)
    assert live.score == pytest.approx((72.5 / 90 + 0.5 + 1) / 3)
    none = score(c, {"b": "yes"}, evidence=Evidence(None, None))
    tc, eq, _ = none.questions
    assert (tc.credit, tc.answered) == (0.0, False)  # no training pairs: unanswered
    assert (eq.credit, eq.answered, eq.value) == (None, True, "n/a")  # nothing required: n/a
    assert none.score == pytest.approx(0.5) and none.completeness == pytest.approx(2 / 3)


# ------------------------------------------------------------------ applicability
def test_applies_to_and_when() -> None:
    c = checklist(
        q("has", applies_to=("hospital", "municipal")),
        q("conn", when=When("has", ("yes",)), applies_to=("hospital",)),
        q("all"),
        applies_to=("hospital", "municipal", "primary-care"),
    )
    ids = lambda t, v: [x.id for x in applicable_questions(c, t, v)]  # noqa: E731
    assert ids("hospital", {}) == ["has", "all"]
    assert ids("hospital", {"has": "yes"}) == ["has", "conn", "all"]
    assert ids("hospital", {"has": "no"}) == ["has", "all"]
    assert ids("municipal", {"has": "yes"}) == ["has", "all"]
    assert ids("primary-care", {"has": "yes"}) == ["all"]
    assert ids("school-health", {}) == []


def test_settable_question_refusals() -> None:
    c = checklist(
        q("has"),
        q("conn", when=When("has", ("yes",))),
        q("tc", qtype="percent", source="training.coverage"),
        q("h", applies_to=("hospital",)),
    )
    with pytest.raises(ValueError, match="unknown question"):
        settable_question(c, "hospital", "nope", {})
    with pytest.raises(ValueError, match="computed from training.coverage"):
        settable_question(c, "hospital", "tc", {})
    with pytest.raises(ValueError, match="does not apply to units of type municipal"):
        settable_question(c, "municipal", "h", {})
    with pytest.raises(ValueError, match="applies only when has is yes"):
        settable_question(c, "hospital", "conn", {"has": "no"})
    assert settable_question(c, "hospital", "conn", {"has": "yes"}).id == "conn"


# ------------------------------------------------------------------ properties
VALUES = st.sampled_from(["yes", "partial", "no", None])


@st.composite
def unit_answers(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 8))
    questions = []
    answers: dict[str, str] = {}
    for i in range(n):
        qid = f"q{i}"
        questions.append(
            q(
                qid,
                section=draw(st.sampled_from(["s1", "s2"])),
                qtype="yes-partial-no",
                weight=draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])),
                critical=draw(st.booleans()),
                due=Offset(draw(st.integers(0, 400)), "d"),
            )
        )
        value = draw(VALUES)
        if value is not None:
            answers[qid] = value
    return checklist(*questions), answers, draw(st.dates(date(2025, 1, 1), date(2028, 1, 1)))


@given(unit_answers())
def test_score_and_completeness_stay_in_unit_interval(case) -> None:  # type: ignore[no-untyped-def]
    c, answers, as_of = case
    result = score(c, answers, as_of=as_of)
    assert 0.0 <= result.score <= 1.0 + 1e-12
    assert 0.0 <= result.completeness <= 1.0


@given(unit_answers(), st.data())
def test_answering_yes_never_lowers_the_score(case, data) -> None:  # type: ignore[no-untyped-def]
    c, answers, as_of = case
    qid = data.draw(st.sampled_from([x.id for x in c.questions]))
    before = score(c, answers, as_of=as_of)
    after = score(c, {**answers, qid: "yes"}, as_of=as_of)
    assert after.score >= before.score - 1e-12
    assert after.completeness >= before.completeness - 1e-12


@given(unit_answers(), VALUES)
def test_a_question_that_does_not_apply_changes_nothing(case, value) -> None:  # type: ignore[no-untyped-def]
    c, answers, as_of = case
    other = q("other", critical=True, applies_to=("municipal",), due=Offset(1000, "d"))
    extended = Checklist(c.id, c.version, c.title, c.sections, (*c.questions, other))
    with_answer = {**answers, "other": value} if value else answers
    a = score(c, answers, as_of=as_of)
    b = score(extended, with_answer, as_of=as_of)
    assert (a.score, a.status, a.completeness) == (b.score, b.status, b.completeness)
