"""Equipment: required quantities (exact), readiness, needs, counts and their history."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fvmcli.core.equipment import ItemState, readiness, required_quantity, territory_needs
from fvmcli.core.model import Catalog, Recommendation
from tests.conftest import Fvm

CONTENT = str(Path(__file__).parent / "content")


def test_ceiling_uses_exact_arithmetic() -> None:
    assert required_quantity(Recommendation(Fraction("0.1"), 0), 90, None) == 9
    # binary floating point gets such products wrong: 0.07 × 100 is 7.000000000000001 there,
    # and its ceiling 8; exact arithmetic gives 7
    assert math.ceil(0.07 * 100) == 8
    assert required_quantity(Recommendation(Fraction("0.07"), 0), 100, None) == 7
    assert required_quantity(Recommendation(Fraction("0.57"), 0), 100, None) == 57
    assert required_quantity(Recommendation(Fraction("0.1"), 0), 91, None) == 10
    assert required_quantity(Recommendation(Fraction("0.33"), 2), 3, None) == 2
    assert required_quantity(Recommendation(Fraction("0.25"), 0), 10, None) == 3
    assert required_quantity(Recommendation(Fraction(0), 4), None, None) == 4
    assert required_quantity(None, 50, None) == 0
    assert required_quantity(Recommendation(Fraction("0.25"), 4), 100, 7) == 7


def test_readiness_and_needs_hand_computed() -> None:
    states = [
        ItemState("pc", 10, 8, 6, 5),
        ItemState("pump", 4, 6, 5, 5),
        ItemState("extra", 0, 3, 3, 3),
    ]
    # 100 × (min(5, 10) + min(5, 4)) / (10 + 4) = 900 / 14
    assert readiness(states) == pytest.approx(900 / 14)
    assert (states[0].to_procure, states[0].to_configure, states[0].to_test) == (2, 2, 1)
    # pump: present 6 > required 4: nothing to procure; min(4, 6) − 5 < 0 → 0; min(4, 5) − 5 = 0
    assert (states[1].to_procure, states[1].to_configure, states[1].to_test) == (0, 0, 0)
    assert readiness([ItemState("x", 0, 1, 1, 1)]) is None


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)),
        min_size=1,
        max_size=6,
    )
)
def test_needs_are_never_negative_and_readiness_in_range(raw) -> None:  # type: ignore[no-untyped-def]
    states = []
    for required, a, b, c in raw:
        present, configured, tested = sorted((a, b, c), reverse=True)
        states.append(ItemState("i", required, present, configured, tested))
    for s in states:
        assert min(s.to_procure, s.to_configure, s.to_test) >= 0
        assert s.to_procure + s.present >= s.required
    value = readiness(states)
    assert value is None or 0 <= value <= 100
    totals = territory_needs(Catalog(()), [[s] for s in states])
    assert totals[0].to_test == sum(s.to_test for s in states)


@pytest.fixture
def units(fvm: Fvm, write_csv) -> Fvm:
    fvm(
        "unit",
        "import",
        str(
            write_csv(
                "id;name;area;type;staff\n"
                "h1;Avd 1;sodra;hospital;10\n"
                "h2;Avd 2;vastra;hospital;90\n"
                "m1;Hemsjukvård;sodra;municipal;90\n"
            )
        ),
    )
    return fvm


def e(fvm: Fvm, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    return fvm("--content", CONTENT, "equipment", *args, code=code)


def ejson(fvm: Fvm, *args: str):  # type: ignore[no-untyped-def]
    return json.loads(e(fvm, *args, "--json").stdout)


def test_show_hand_computed(units: Fvm) -> None:
    e(units, "count", "h1", "pc", "--present", "2", "--configured", "2", "--tested", "1")
    e(units, "count", "h1", "pump", "--present", "3", "--configured", "1")
    shown = ejson(units, "show", "h1")
    items = {i["item"]: i for i in shown["items"]}
    # pc: hospital min 2; pump: ⌈0.25 × 10⌉ = 3
    assert (items["pc"]["required"], items["pc"]["to_test"]) == (2, 1)
    assert (items["pump"]["required"], items["pump"]["configured"], items["pump"]["tested"]) == (
        3,
        1,
        0,
    )
    assert (
        items["pump"]["to_procure"],
        items["pump"]["to_configure"],
        items["pump"]["to_test"],
    ) == (0, 2, 1)
    assert shown["readiness"] == pytest.approx(100 * (1 + 0) / (2 + 3))
    # m1: municipal pc = max(1, ⌈0.1 × 90⌉) = 9 exactly, never 10
    assert {i["item"]: i["required"] for i in ejson(units, "show", "m1")["items"]}["pc"] == 9


def test_count_keeps_the_order_and_stores_nothing_when_broken(units: Fvm) -> None:
    result = e(units, "count", "h1", "pc", "--present", "2", "--configured", "3", code=2)
    assert "present ≥ configured ≥ tested must hold" in result.stderr
    assert "nothing was stored" in result.stderr
    assert "whole number" in e(units, "count", "h1", "pc", "--present", "-1", code=2).stderr
    assert "unknown item 'desk'" in e(units, "count", "h1", "desk", "--present", "1", code=2).stderr
    assert "no unit 'x'" in e(units, "count", "x", "pc", "--present", "1", code=2).stderr
    assert units.scalar("SELECT count(*) FROM equipment_counts") == 0


def test_counts_and_requirements_go_to_history(units: Fvm) -> None:
    e(units, "count", "h1", "pc", "--present", "4", "--configured", "2", "--by", "ida")
    e(units, "count", "h1", "pc", "--present", "5")  # configured stays 2
    e(units, "count", "h1", "pc", "--present", "5")  # unchanged: no history
    e(units, "require", "h1", "pc", "6")
    assert ejson(units, "show", "h1")["items"][0]["configured"] == 2
    rows = [
        str(
            units.scalar(
                f"SELECT new FROM history WHERE kind = 'count' ORDER BY id LIMIT 1 OFFSET {i}"
            )
        )
        for i in range(2)
    ]
    assert json.loads(rows[0]) == {"present": 4, "configured": 2, "tested": 0}
    assert json.loads(rows[1]) == {"present": 5, "configured": 2, "tested": 0}
    assert units.scalar("SELECT by FROM history WHERE kind = 'count' ORDER BY id LIMIT 1") == "ida"
    assert units.scalar("SELECT count(*) FROM history WHERE kind = 'count'") == 2
    assert units.scalar("SELECT new FROM history WHERE kind = 'requirement'") == "6"
    assert ejson(units, "show", "h1")["items"][0]["required"] == 6
    e(units, "require", "h1", "pc", "--clear")
    assert ejson(units, "show", "h1")["items"][0]["required"] == 2


def test_gaps_for_a_selection_equal_the_sum_of_the_units(units: Fvm, write_csv) -> None:
    e(
        units,
        "import",
        str(
            write_csv(
                "unit;item;present;configured;tested\n"
                "h1;pc;2;2;1\n"
                "h1;pump;5;4;4\n"
                "h2;pc;1;;\n"
                "h2;pump;30;20;10\n"
                "m1;pc;9;9;9\n"
            )
        ),
    )
    per_unit = {u: {i["item"]: i for i in ejson(units, "show", u)["items"]} for u in ("h1", "h2")}
    gaps = ejson(units, "gaps", "--type", "hospital")
    assert gaps["units"] == 2
    for total in gaps["items"]:
        for key in (
            "required",
            "present",
            "configured",
            "tested",
            "to_procure",
            "to_configure",
            "to_test",
        ):
            assert total[key] == sum(per_unit[u][total["item"]][key] for u in per_unit), key
    pump = next(i for i in gaps["items"] if i["item"] == "pump")
    # h1 pump: r 3, present 5, configured 4: nothing to do. h2 pump: r ⌈22.5⌉ = 23,
    # to_configure min(23, 30) − 20 = 3, to_test min(23, 20) − 10 = 10
    assert (pump["required"], pump["to_procure"], pump["to_configure"], pump["to_test"]) == (
        26,
        0,
        3,
        10,
    )
    assert ejson(units, "gaps", "--unit", "m1")["items"][0]["to_procure"] == 0
    assert ejson(units, "gaps", "--phase", "2")["units"] == 1
    assert "no unit 'zz'" in e(units, "gaps", "--unit", "zz", code=2).stderr


def test_import_refuses_bad_rows_and_is_idempotent(units: Fvm, write_csv) -> None:
    bad = write_csv(
        "unit,item,present,configured,tested\n"
        "h1,pc,2,3,0\n"
        "zz,pc,1,0,0\n"
        "h1,desk,1,0,0\n"
        "h1,pump,två,0,0\n"
        "h1,pump,1,0,0\n"
        "h1,pump,1,0,0\n",
        "bad.csv",
    )
    err = e(units, "import", str(bad), code=2).stderr
    for expected in [
        "row 2: present ≥ configured ≥ tested must hold",
        "row 3, column unit: no unit 'zz'",
        "row 4, column item: unknown item 'desk'",
        "row 5, column present",
        "row 7, column item: pump for h1 is counted twice",
    ]:
        assert expected in err, expected
    assert units.scalar("SELECT count(*) FROM equipment_counts") == 0
    good = write_csv("unit;item;present\nh1;pc;2\n", "good.csv")
    assert "Would save 1 of 1" in e(units, "import", str(good), "--dry-run").stdout
    assert units.scalar("SELECT count(*) FROM equipment_counts") == 0
    assert "Saved 1 of 1" in e(units, "import", str(good)).stdout
    assert "Saved 0 of 1" in e(units, "import", str(good)).stdout


def test_readiness_feeds_the_derived_question(units: Fvm) -> None:
    e(units, "count", "h1", "pc", "--present", "2", "--configured", "2", "--tested", "2")
    score = json.loads(
        units("--content", CONTENT, "checklist", "score", "mini", "--unit", "h1", "--json").stdout
    )
    equip = next(q for q in score["questions"] if q["id"] == "b.equip")
    shown = ejson(units, "show", "h1")["readiness"]
    assert equip["value"] == pytest.approx(shown) and shown == pytest.approx(40.0)


@pytest.mark.usefixtures("swedish")
def test_count_sheet(units: Fvm, tmp_path: Path) -> None:
    e(units, "require", "h1", "pump", "7")
    md = e(units, "print", "h1", "--format", "md").stdout
    assert "| Dator `pc` | IT | 2 | ☐ ____ | ☐ ____ | ☐ ____ | |" in md
    assert "| Infusionspump `pump` | medicinteknik | 7 (justerat behov) |" in md
    out = tmp_path / "sheet.html"
    e(units, "print", "h1", "-o", str(out))
    html = out.read_text("utf-8")
    assert "Inventering av utrustning" in html and "Avd 1 (h1)" in html and "Signatur" in html
