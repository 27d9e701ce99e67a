"""Hypercare's rules by hand (``scoring.md``, "Hypercare"): day numbers, unit states on both
sides of each threshold (``worse = "higher"`` and ``"lower"``), missing data, the criteria and
the verdict; and ``hypercare.toml``'s validation, every problem named by file and path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fvmcli.content.hypercare import load_hypercare, parse_hypercare
from fvmcli.content.locate import ContentDirs, ContentFile
from fvmcli.core.hypercare import (
    Hypercare,
    HypercareCriterion,
    Indicator,
    day_number,
    evaluate,
    in_hypercare,
    state_counts,
    unit_state,
    verdict,
)
from fvmcli.core.model import Text
from fvmcli.errors import ContentError

P1 = Indicator("p1", Text("P1"), "count", "higher", alert=1, pause=3)
STAFF = Indicator("staff", Text("Bemanning"), "percent", "lower", alert=90, pause=75)


def _care(*criteria: HypercareCriterion) -> Hypercare:
    return Hypercare(28, (P1, STAFF), criteria)


def _c(kind: str, **given: object) -> HypercareCriterion:
    return HypercareCriterion("c", Text("C"), kind, **given)  # type: ignore[arg-type]


def test_day_numbers_count_from_go_live_day() -> None:
    live = date(2027, 3, 1)
    assert day_number(live, date(2027, 3, 1)) == 0
    assert day_number(live, date(2027, 3, 28)) == 27
    assert in_hypercare(live, date(2027, 3, 28), 28)
    assert not in_hypercare(live, date(2027, 3, 29), 28)  # day 28: over
    assert not in_hypercare(live, date(2027, 2, 28), 28)  # day −1: not begun


@pytest.mark.parametrize(
    ("values", "state", "beyond"),
    [
        ({"p1": 0, "staff": 100}, "ok", ()),
        # higher is worse: ≥ alert (1) is alert, ≥ pause (3) is pause; just below is not.
        ({"p1": 1, "staff": 100}, "alert", ("p1",)),
        ({"p1": 2, "staff": 100}, "alert", ("p1",)),
        ({"p1": 3, "staff": 100}, "pause", ("p1",)),
        # lower is worse: ≤ alert (90) is alert, ≤ pause (75) is pause; 90.5 and 75.5 are not.
        ({"p1": 0, "staff": 90.5}, "ok", ()),
        ({"p1": 0, "staff": 90}, "alert", ("staff",)),
        ({"p1": 0, "staff": 75.5}, "alert", ("staff",)),
        ({"p1": 0, "staff": 75}, "pause", ("staff",)),
        # the worst wins; both indicators are named
        ({"p1": 1, "staff": 60}, "pause", ("p1", "staff")),
        # missing data is never ok, but a value beyond a threshold says more
        ({"p1": 0}, "missing", ()),
        ({}, "missing", ()),
        ({"p1": 1}, "alert", ("p1",)),
        ({"staff": 70}, "pause", ("staff",)),
    ],
)
def test_unit_state_on_both_sides_of_each_threshold(
    values: dict[str, float], state: str, beyond: tuple[str, ...]
) -> None:
    found = unit_state(_care(), "u", "a", values)
    assert (found.state, found.beyond) == (state, beyond)
    assert found.as_dict()["values"] == {"p1": values.get("p1"), "staff": values.get("staff")}


def _states(*rows: dict[str, float]) -> list:  # type: ignore[type-arg]
    return [unit_state(_care(), f"u{i}", "a", v) for i, v in enumerate(rows)]


# u0 ok, u1 alert (p1 = 1), u2 pause (staff 70), u3 missing (no staff), u4 alert (p1 = 2)
DAY = _states(
    {"p1": 0, "staff": 95},
    {"p1": 1, "staff": 92},
    {"p1": 0, "staff": 70},
    {"p1": 0},
    {"p1": 2, "staff": 91},
)


@pytest.mark.parametrize(
    ("criterion", "value", "met", "units"),
    [
        # 2 of 5 in pause or missing: share 0.4 against 0.4 (met) and 0.39 (not)
        (_c("units_in_state", states=("pause", "missing"), max_share=0.4), 0.4, True, ()),
        (
            _c("units_in_state", states=("pause", "missing"), max_share=0.39),
            0.4,
            False,
            ("u2", "u3"),
        ),
        (_c("units_in_state", states=("alert",), max_count=1), 2.0, False, ("u1", "u4")),
        (_c("units_in_state", states=("alert",), max_count=2), 2.0, True, ()),
        # p1 total 0 + 1 + 0 + 0 + 2 = 3; the units behind it largest first, zeros left out
        (_c("indicator_total", indicator="p1", max=3), 3.0, True, ()),
        (_c("indicator_total", indicator="p1", max=2), 3.0, False, ("u4", "u1")),
        # staff mean over the four units with a value: (95 + 92 + 70 + 91) / 4 = 87; lower is
        # worse, so the units below a minimum are behind it
        (_c("indicator_mean", indicator="staff", min=87), 87.0, True, ()),
        (_c("indicator_mean", indicator="staff", min=87.5), 87.0, False, ("u2",)),
        # p1 mean over the five: 3 / 5 = 0.6
        (_c("indicator_mean", indicator="p1", max=0.6), 0.6, True, ()),
        (_c("indicator_mean", indicator="p1", max=0.5), 0.6, False, ("u4", "u1")),
    ],
)
def test_criteria_by_hand(
    criterion: HypercareCriterion, value: float, met: bool, units: tuple[str, ...]
) -> None:
    found = evaluate(criterion, DAY, _care(criterion))
    assert found.value == pytest.approx(value)
    assert (found.met, found.units) == (met, units)


def test_a_mean_without_any_value_is_not_met_and_no_units_meet_a_count() -> None:
    nobody = _states({}, {})
    assert not evaluate(_c("indicator_mean", indicator="staff", min=0), nobody, _care()).met
    assert evaluate(_c("indicator_total", indicator="p1", max=0), nobody, _care()).met
    assert evaluate(_c("units_in_state", states=("pause",), max_share=0), [], _care()).met


def test_the_verdict_is_pause_only_for_a_required_criterion() -> None:
    failing = _c("units_in_state", states=("missing",), max_count=0)
    advisory = HypercareCriterion("adv", Text("A"), "units_in_state", False, ("missing",), None, 0)
    care = _care(failing, advisory)
    assert verdict([evaluate(advisory, DAY, care)]) == "continue"
    assert verdict([evaluate(failing, DAY, care), evaluate(advisory, DAY, care)]) == "pause"
    assert state_counts(DAY) == {"pause": 1, "alert": 2, "missing": 1, "ok": 1}


def test_the_bundled_hypercare_file_loads() -> None:
    care = load_hypercare(ContentDirs.with_user([]))
    assert care.days == 28
    assert care.indicator("staffing") is not None
    assert care.indicator("staffing").worse == "lower"  # type: ignore[union-attr]
    assert {c.kind for c in care.criteria} == {
        "units_in_state",
        "indicator_total",
        "indicator_mean",
    }


BAD = """
days = 0
colour = "red"

[[indicators]]
id = "p1"
name = { sv = "P1" }
unit = "count"
worse = "higher"
alert = 3
pause = 1

[[indicators]]
id = "staff"
name = { sv = "Bemanning" }
unit = "percent"
worse = "sideways"
alert = 90
pause = 120

[[indicators]]
id = "p1"
name = { sv = "Igen" }
unit = "pieces"
worse = "higher"
alert = 1.5
pause = 3

[[criteria]]
id = "c1"
text = { sv = "C1" }
kind = "units_in_state"
state = ["pause", "broken"]
max_share = 1.5

[[criteria]]
id = "c2"
text = { sv = "C2" }
kind = "indicator_total"
indicator = "nowhere"

[[criteria]]
id = "c3"
text = { sv = "C3" }
kind = "guess"
"""


def test_every_problem_of_a_hypercare_file_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "hypercare.toml"
    path.write_text(BAD, encoding="utf-8")
    import tomllib

    with pytest.raises(ContentError) as caught:
        parse_hypercare(ContentFile(path, "x/hypercare.toml"), tomllib.loads(BAD))
    message = caught.value.message
    assert message.startswith("x/hypercare.toml: ")
    for expected in [
        "days: expected 1–366, got 0",
        "colour: unknown key",
        "indicators[0] (p1).pause: the pause value 1 must be at least as bad as the alert value 3",
        "indicators[1] (staff).worse: expected one of higher, lower, got 'sideways'",
        "indicators[1] (staff).pause: expected 0–100, got 120",
        "indicators[2] (p1).id: duplicate indicator id 'p1'",
        "criteria[0] (c1).state[1]: unknown state 'broken' (known: pause, alert, missing, ok)",
        "criteria[0] (c1).max_share: expected 0–1, got 1.5",
        "criteria[1] (c2).indicator: unknown indicator 'nowhere' (known: p1, staff)",
        "criteria[1] (c2): give exactly one of max",
        "criteria[2] (c3).kind: unknown kind 'guess'",
    ]:
        assert expected in message, (expected, message)


def test_a_pack_without_a_hypercare_file_says_it_is_missing(tmp_path: Path) -> None:
    dirs = ContentDirs((tmp_path,))
    with pytest.raises(ContentError, match="checklists/hypercare.toml: 1 problem\n  file: not"):
        load_hypercare(dirs)


# ---------------------------------------------------------------- the import file, fuzzed

HYPER_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "a1",
            "x9",
            "p1",
            "staff",
            "0",
            "-1",
            "3",
            "87,5",
            "100.01",
            "1e400",
            "nan",
            "9" * 40,
            "2027-03-01",
            "2027-03-28",
            "2027-03-29",
            "9999-12-31",
            "0000-01-01",
            '"',
            ";",
            "\x00",
        ]
    ),
    st.text(max_size=20),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(HYPER_CELLS, min_size=0, max_size=6), max_size=8))
def test_an_import_file_gives_values_or_names_its_problems(rows: list[list[str]]) -> None:
    """Whatever a file holds, parsing it gives checked values or an input error naming rows,
    never another exception; every value it gives is one the rules accept."""
    import tempfile

    from fvmcli.content.hypercare_file import parse_values, read_rows
    from fvmcli.errors import InputError

    text = "unit;indicator;day;value;comment\n" + "\n".join(";".join(r) for r in rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "day.csv"
        path.write_text(text, "utf-8")
        try:
            found = parse_values(
                read_rows(path), "day.csv", _care(), {"a1": date(2027, 3, 1)}, date(2027, 3, 20)
            )
        except InputError:
            return
    for unit, indicator, day, value, _comment in found:
        assert unit == "a1" and indicator in ("p1", "staff")
        assert date(2027, 3, 1) <= day <= date(2027, 3, 20)
        assert value >= 0 and (indicator == "p1" or value <= 100)
