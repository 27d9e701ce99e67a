"""A large answer import streams: rows of one unit anywhere in the file are checked together,
a bad row anywhere stores nothing, and the error names at most 1000 problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Fvm
from tests.factories import TEST_CONTENT

pytestmark = pytest.mark.store
CONTENT = str(TEST_CONTENT)


def setup(fvm: Fvm, n: int) -> None:
    for i in range(n):
        fvm(
            "--content",
            CONTENT,
            "unit",
            "add",
            f"h{i:03}",
            "--name",
            f"Avd {i}",
            "--area",
            "sodra",
            "--type",
            "hospital",
        )


def test_a_units_rows_are_checked_together_wherever_they_are_in_the_file(
    fvm: Fvm, write_csv: Callable[..., Path]
) -> None:
    setup(fvm, 3)
    # b.connected applies only when b.pumps is yes; its row comes first, far from b.pumps.
    lines = ["unit;question;value;comment", "h000;b.connected;ja;Protokoll 12"]
    lines += [f"h00{i};a.lead;ja;" for i in (1, 2)] * 1  # other units in between
    lines += ["h001;a.staff;delvis;", "h000;a.lead;nej;", "h000;b.pumps;ja;"]
    path = write_csv("\r\n".join(lines) + "\r\n")
    out = fvm("--content", CONTENT, "checklist", "import", "mini", str(path)).stdout
    assert "Saved 6 of 6 answers (new or changed) for 3 units " in out
    assert (
        fvm.scalar("SELECT value FROM answers WHERE unit_id = 'h000' AND question = 'b.connected'")
        == "yes"
    )
    # The same question twice for one unit, rows apart: both rows named, nothing stored.
    path = write_csv(
        "unit;question;value\nh002;a.staff;ja\nh001;a.pct;50\nh002;a.staff;nej\n", name="twice.csv"
    )
    err = fvm("--content", CONTENT, "checklist", "import", "mini", str(path), code=2).stderr
    assert "row 4, column question" in err and "(first on row 2)" in err
    assert fvm.scalar("SELECT count(*) FROM answers WHERE question = 'a.pct'") == 0


def test_a_file_of_many_bad_rows_names_the_first_thousand_and_counts_the_rest(
    fvm: Fvm, write_csv: Callable[..., Path]
) -> None:
    setup(fvm, 1)
    rows = ["unit;question;value", "h000;a.lead;ja"]
    rows += [f"h000;x.q{i};ja" for i in range(1500)]  # no such questions
    path = write_csv("\n".join(rows) + "\n")
    err = fvm("--content", CONTENT, "checklist", "import", "mini", str(path), code=2).stderr
    assert "row 3, column question" in err  # the first bad row is named
    assert "row 1002, column question" in err and "row 1003," not in err
    assert "and 500 more problems in later rows" in err
    assert fvm.scalar("SELECT count(*) FROM answers") == 0
    assert fvm.scalar("SELECT count(*) FROM history WHERE kind = 'answer'") == 0


def test_an_import_over_stored_answers_records_each_rows_previous_value_and_giver(
    fvm: Fvm, write_csv: Callable[..., Path]
) -> None:
    setup(fvm, 2)
    first = write_csv("unit;question;value\nh000;a.lead;ja\nh001;a.lead;nej\n", name="one.csv")
    fvm("--content", CONTENT, "checklist", "import", "mini", str(first))
    # The second file changes one answer, repeats one, and names who gave each.
    again = write_csv(
        "unit;question;value;answered_by\nh000;a.lead;nej;Lisa\nh001;a.lead;nej;Per\n"
        "h001;a.staff;ja;\n",
        name="two.csv",
    )
    out = fvm("--content", CONTENT, "checklist", "import", "mini", str(again)).stdout
    assert "Saved 2 of 3 answers (new or changed)" in out
    entries = fvm.json("--content", CONTENT, "checklist", "history", "mini", "--unit", "h000")
    assert [(e["previous"], e["value"], e["by"]) for e in entries] == [
        (None, "yes", "tester"),
        ("yes", "no", "Lisa"),
    ]
    assert fvm.scalar("SELECT \"by\" FROM history WHERE subject = 'a.staff'") == "tester"
    assert fvm.scalar("SELECT answered_by FROM answers WHERE unit_id = 'h000'") == "Lisa"
    assert fvm.json("history", "verify")["ok"] is True


def test_rows_of_empty_or_blank_cells_are_skipped_and_a_space_in_one_cell_is_not(
    fvm: Fvm, write_csv: Callable[..., Path]
) -> None:
    setup(fvm, 2)
    path = write_csv("unit;question;value\nh000;a.lead;ja\n ; ;\t\n;;\nh001;a.lead;nej\n")
    out = fvm("--content", CONTENT, "checklist", "import", "mini", str(path)).stdout
    assert "Saved 2 of 2 answers (new or changed) for 2 units " in out
    path = write_csv("unit;question;value\nh000;a.lead;ja\n ;x; \n", name="half.csv")
    err = fvm("--content", CONTENT, "checklist", "import", "mini", str(path), code=2).stderr
    assert "row 3" in err
