"""Packed unit rows read back as the rows they were made from, sort as ``worst_first`` and
give the summaries of ``core.cutover``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fvmcli.core.cutover import UnitRow, summaries_by, summary, worst_first
from fvmcli.core.packed import RULES, PackedRows, summaries
from fvmcli.core.scoring import STATUSES, StatusReason

QUESTIONS = ("org.lead", "cut.plan", "tra.coverage", "eq.readiness", "å.fråga")
AMBER, GREEN = 0.6, 0.85
ids = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1)
fraction = st.floats(0, 1, allow_nan=False)
maybe = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))


@st.composite
def rows(draw: st.DrawFn) -> UnitRow:
    status = draw(st.sampled_from(STATUSES))
    score = draw(fraction)
    rule = draw(st.sampled_from(RULES))
    questions = tuple(draw(st.lists(st.sampled_from(QUESTIONS), max_size=4)))
    threshold = {"score-below-amber": AMBER, "score-below-green": GREEN, "all-met": GREEN}
    reason = draw(
        st.sampled_from(
            [
                None,
                StatusReason(status, rule, questions, score, threshold[rule])
                if rule in threshold
                else StatusReason(status, rule, questions),
            ]
        )
    )
    return UnitRow(
        draw(ids),
        draw(st.text()),
        draw(st.sampled_from(["sodra", "norra", "östra"])),
        draw(st.integers(1, 3)),
        draw(st.sampled_from(["hospital", "municipal"])),
        score,
        status,
        draw(fraction),
        draw(st.integers(0, 60)),
        draw(st.integers(0, 60)),
        draw(maybe),
        draw(maybe),
        reason,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(rows(), unique_by=lambda r: r.unit, max_size=40))
def test_packed_rows_are_the_rows_worst_first(made: list[UnitRow]) -> None:
    packed = PackedRows(QUESTIONS, AMBER, GREEN)
    for row in made:
        packed.add(row)
    packed.sort()
    ordered = worst_first(made)
    assert list(packed) == ordered
    assert len(packed) == len(ordered) and packed[1:3] == ordered[1:3]
    assert list(packed.statuses()) == [r.status for r in ordered]
    found = summaries(packed.figures())
    assert found["all"] == summary(ordered)
    for key in ("area", "type", "phase"):
        assert found[key] == summaries_by(ordered, key)
        assert list(found[key]) == list(summaries_by(ordered, key))  # first-seen order
