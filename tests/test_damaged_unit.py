"""One impossible value in one unit's answers does not stop the territory (#44): the unit is
named with its question and value and how to mend it, the others are shown, and the command
ends non-zero so that no one takes the partial list for the whole."""

from __future__ import annotations

import json

from fvmcli.store.database import Database
from tests.conftest import Fvm


def _territory(fvm: Fvm) -> None:
    for unit in ("u1", "u2", "u3"):
        fvm("unit", "add", unit, "--name", f"Enhet {unit}", "--area", "sodra", "--type", "hospital")
    fvm("phase", "set", "1", "--go-live", "2027-03-01")
    for unit, value in (("u1", "50"), ("u2", "80"), ("u3", "100")):
        fvm("checklist", "set", "golive", "--unit", unit, "train.proficiency", value)
    fvm("checklist", "set", "golive", "--unit", "u1", "org.project-lead", "ja")


def _damage(fvm: Fvm) -> None:
    """Write a date into a percent answer of u2 by hand, as someone editing the database."""
    database = Database(fvm.url)
    with database.write() as conn:
        conn.run(
            "UPDATE answers SET value = '2027-01-01' "
            "WHERE unit_id = 'u2' AND question = 'train.proficiency'"
        )
    database.dispose()


def test_a_damaged_answer_names_its_unit_and_the_others_are_shown(fvm: Fvm) -> None:
    _territory(fvm)
    healthy = fvm.json("cutover", "status", "--as-of", "2026-11-26")
    _damage(fvm)
    result = fvm("cutover", "status", "--json", "--as-of", "2026-11-26", code=4)
    found = json.loads(result.stdout)
    # The others are shown, scored as before; the damaged one is listed apart, not scored.
    assert [u["unit"] for u in found["units"]] == [
        u["unit"] for u in healthy["units"] if u["unit"] != "u2"
    ]
    for unit in found["units"]:
        assert unit == next(u for u in healthy["units"] if u["unit"] == unit["unit"])
    assert found["summary"]["units"] == 2
    assert found["damaged"] == [
        {
            "unit": "u2",
            "name": "Enhet u2",
            "area": "sodra",
            "type": "hospital",
            "status": "damaged",
            "question": "train.proficiency",
            "value": "2027-01-01",
            "mend": "fvm checklist set golive --unit u2 train.proficiency VALUE",
        }
    ]
    err = result.stderr
    assert "1 unit is not scored" in err and "u2, question train.proficiency: '2027-01-01'" in err
    assert "fvm checklist set golive --unit u2 train.proficiency VALUE" in err
    assert "Traceback" not in err
    table = fvm("cutover", "status", "--as-of", "2026-11-26", code=4).stdout
    assert "u2 (Enhet u2): not scored, its answer to train.proficiency is damaged" in table
    assert "u1" in table and "u3" in table
    # Mended as the message says: the whole territory again, exit 0.
    fvm("checklist", "set", "golive", "--unit", "u2", "train.proficiency", "80")
    assert fvm.json("cutover", "status", "--as-of", "2026-11-26") == healthy


def test_a_damaged_answer_still_refuses_a_figure_elsewhere(fvm: Fvm) -> None:
    """The one unit's score is still refused where a figure would be given for it, naming
    where the value is (``checklist score``), and the gate's --fail-on does not hide it."""
    _territory(fvm)
    _damage(fvm)
    err = fvm("checklist", "score", "golive", "--unit", "u2", code=4).stderr
    assert "'2027-01-01' in answers.value of u2, question train.proficiency" in err
    result = fvm("cutover", "status", "--fail-on", "red", "--as-of", "2026-11-26", code=4)
    assert "u2, question train.proficiency" in result.stderr
