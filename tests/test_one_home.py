"""Rules that have one home (#44): each is written once and every caller uses it.

The behaviour of each rule is tested where its feature is; here, that the rule stands in one
place, so that a change to it cannot miss a copy."""

from __future__ import annotations

import re
from pathlib import Path

from fvmcli.core.enrolment import seats_held

PACKAGE = Path(__file__).resolve().parents[1] / "fvmcli"


def _sources() -> dict[str, str]:
    """Return every module of the package by its path under ``fvmcli/``."""
    return {
        str(p.relative_to(PACKAGE)): p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")
    }


def _holding(pattern: str) -> list[str]:
    """Return the modules whose text matches ``pattern``, sorted."""
    found = re.compile(pattern)
    return sorted(path for path, text in _sources().items() if found.search(text))


def test_the_seat_count_is_one_rule_in_core() -> None:
    # enrolled, attended, completed, no-show and failed hold a seat; waitlisted and cancelled do not
    statuses = ["enrolled", "waitlisted", "attended", "cancelled", "completed", "no-show", "failed"]
    assert seats_held(statuses) == 5
    assert seats_held([]) == 0
    assert seats_held(iter(["waitlisted", "cancelled"])) == 0
    # Promotion, enrolment and a change of capacity all count with it; none counts by hand.
    assert _holding(r"in SEAT\)") == ["core/enrolment.py"]
    assert _holding(r"def promote\(") == ["services/training/seats.py"]


def test_the_aggregators_are_not_in_the_territory_status_module() -> None:
    # Reports and watch frames gather forecasts and rounds; the primitive they build on does
    # not (the import-linter contract keeps the import graph free of the circle).
    aggregators = r"class (Report|WatchFrame)\b"
    assert _holding(aggregators) == ["services/report.py"]
    assert "fvmcli.services.forecast" not in _sources()["services/cutover.py"]
    assert "fvmcli.services.rounds" not in _sources()["services/cutover.py"]


def test_the_access_scope_is_one_description_that_python_and_sql_follow() -> None:
    import itertools
    import sqlite3

    from fvmcli.core.access import Grant, allows, covers
    from fvmcli.store.access import scope_sql

    values = (None, "u1", "u2", "a1", "a2")
    grants = [
        Grant("x", "answerer", unit, area) for unit, area in itertools.product(values, values)
    ]
    targets = [{"unit": unit, "area": area} for unit, area in itertools.product(values, values)]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE access_grants (id INTEGER, unit_id TEXT, area TEXT)")
    conn.executemany(
        "INSERT INTO access_grants VALUES (?, ?, ?)",
        [(n, g.unit, g.area) for n, g in enumerate(grants)],
    )
    test = scope_sql("g", {"unit": ":unit", "area": ":area"})
    disagree = []
    for target in targets:
        sql = f"SELECT g.id FROM access_grants g WHERE {test}"
        in_sql = {row[0] for row in conn.execute(sql, target)}
        in_python = {n for n, g in enumerate(grants) if covers(g, target)}
        if in_sql != in_python:
            disagree.append((target, sorted(in_sql ^ in_python)))
    assert disagree == []
    # Hand-checked corners: everywhere covers all; a unit grant does not cover an unknown unit;
    # an area grant covers any unit of its area; a grant on both covers either.
    assert covers(Grant("x", "lead"), {"unit": None, "area": None})
    assert not covers(Grant("x", "answerer", "u1"), {"unit": None, "area": None})
    assert covers(Grant("x", "answerer", area="a1"), {"unit": "u9", "area": "a1"})
    assert covers(Grant("x", "answerer", "u1", "a1"), {"unit": "u9", "area": "a1"})
    assert not allows([Grant("x", "reader")], "answer", "u1", "a1")
    assert allows([Grant("x", "answerer", "u1")], "answer", "u1", "a2")
    # The policies of PostgreSQL are generated from that same test, never written by hand.
    assert _holding(r"g\.area = \(SELECT") == []


def test_completed_is_one_status_and_one_sql_test() -> None:
    from fvmcli.core.enrolment import COMPLETED
    from fvmcli.store.reads import completed

    assert completed("e.status") == f"e.status = '{COMPLETED}'" == "e.status = 'completed'"
    # Coverage, prerequisites and the capacity plan ask the one test; none spells the status.
    assert _holding(r"'completed'") == []
    assert _holding(r"\bcompleted\(['\"]e\.status['\"]\)") == [
        "store/plan.py",
        "store/reads.py",
        "store/training.py",
    ]


def test_the_courses_a_role_requires_are_read_in_one_place() -> None:
    from fvmcli.core.training import Coverage, coverage, required_of, total

    requires = {"nurse": ("basic", "meds"), "doctor": ("basic",), "clerk": ()}
    staff = [("p2", "doctor"), ("p1", "nurse"), ("p3", "clerk"), ("p4", "porter")]
    pairs = list(required_of(staff, lambda p: p[1], requires))
    assert pairs == [(staff[0], "basic"), (staff[1], "basic"), (staff[1], "meds")]
    # 3 nurses × 2 + 2 doctors × 1 = 8 required; completions count where the role requires
    # them: nurses' basic 2 + meds 1, doctors' basic 1; a doctor's meds and a clerk's basic not.
    found = coverage(
        [("nurse", 3), ("doctor", 2), ("clerk", 4)],
        [("nurse", "basic", 2), ("nurse", "meds", 1), ("doctor", "basic", 1)]
        + [("doctor", "meds", 2), ("clerk", "basic", 4)],
        requires,
    )
    assert found == Coverage(9, 8, 4) and found.percent == 50.0
    assert total([found, Coverage(1, 2, 2)]) == Coverage(10, 10, 6)
    assert total([found, Coverage(1, 2, 2)]).percent == 60.0
    assert total([]).percent is None
    # Coverage, reminders, the plan and the demo all use it; nobody reads ``requires`` by hand.
    assert _holding(r"requires\.get\(") == ["core/training.py"]


def test_the_status_order_is_written_once() -> None:
    from fvmcli.core.cutover import summary_of
    from fvmcli.core.scoring import STATUSES

    assert STATUSES == ("red", "amber", "not-started", "green")  # worst first
    found = summary_of([("green", 1.0), ("red", 0.25), ("green", 0.75), ("amber", 0.5)])
    assert found == {
        "units": 4,
        "red": 1,
        "amber": 1,
        "not-started": 0,
        "green": 2,
        "mean_score": 0.625,
    }
    # The JSON keys keep cli.md's order (green, amber, red, not-started): scripts read them.
    assert list(found)[1:5] == ["green", "amber", "red", "not-started"]
    # No module lists the four statuses again (the report's bars, the watch's, the summary's).
    word = r'"(?:red|amber|not-started|green)"'
    assert _holding(rf"\(\s*{word},\s*{word},\s*{word},\s*{word},?\s*\)") == []


def test_a_stored_waiver_becomes_a_waiver_in_one_place() -> None:
    assert _holding(r"\bWaiver\(\s*\n?\s*question") == ["store/reads.py"]
    assert _holding(r"reason, until, decided_by") == ["store/reads.py"]


def test_the_failing_required_criteria_are_one_rule() -> None:
    from fvmcli.core.gate import failing_required
    from fvmcli.render.gate_archive import _verdict

    criteria = [
        {"id": "a", "required": True, "met": False},
        {"id": "b", "required": True, "met": True},
        {"id": "c", "required": False, "met": False},  # advisory: never against
        "damaged",  # a frozen evidence edited by hand
        {"id": "d", "required": True},  # no ``met``: not met
    ]
    assert failing_required(criteria) == ["a", "d"]  # type: ignore[arg-type]
    assert _verdict({"criteria": criteria}) == "no-go"
    assert _verdict({"criteria": criteria[1:3]}) == "go"
    assert _holding(r"required\"?\)? and not") == ["core/gate.py"]


def test_a_file_a_command_writes_is_rendered_and_written_by_the_command_line() -> None:
    # Services return results; the command line renders them into the file it was asked for
    # (through cli/writing.py: written whole or not at all), for sessions, courses and chains.
    writers = (
        r"\b(timeline_workbook|deadlines_calendar|plan_workbook|plan_calendar|"
        r"sessions_calendar|roster_csv|roster_context|write_sheet|report_workbook)\b"
    )
    callers = [p for p in _holding(writers) if not p.startswith("render/")]
    assert callers and all(p.startswith("cli/") for p in callers), callers
    assert _holding(r"def write_timeline\(") == ["cli/writing.py"]
    # The gate's archive (JSON, or the PDF/A-3b it is attached to) and the dry run's .eml
    # files too: services return the document and the messages, never a file's bytes.
    assert _holding(r"(?<!def )\b(archive_html|html_to_pdf)\(") == ["cli/writing.py"]
    assert _holding(r"\batomic_path\(") == ["cli/writing.py", "files.py"]
    assert _holding(r"def (write_archive|write_messages|write_pack)\(") == ["cli/writing.py"]


def test_changes_to_the_libraries_are_made_in_the_one_module_of_patches() -> None:
    # Typer's Click says usage errors in English; the wrapping that says them in the user's
    # language is made in cli/patches.py with the others, the words stay in usage_words.py.
    assert _holding(r"\.format_message = ") == ["cli/patches.py"]
    assert _holding(r"__wrapped__ = original") == ["cli/patches.py"]


def test_a_proposal_label_is_an_id_long() -> None:
    import pytest

    from fvmcli.core.limits import MAX_ID
    from fvmcli.errors import InputError
    from fvmcli.services.proposals import check_label

    assert check_label(" " + "x" * MAX_ID + " ") == "x" * MAX_ID
    with pytest.raises(InputError, match="1–100 "):
        check_label("x" * (MAX_ID + 1))


def test_a_criterions_threshold_is_one_rule_for_the_gate_and_hypercare() -> None:
    from fvmcli.core.gate import threshold_of

    assert threshold_of(3, 0.25, None, None) == 3.0  # a count first
    assert threshold_of(None, 0.25, 90.0, None) == 0.25
    assert threshold_of(None, None, 90.0, 5.0) == 90.0
    assert threshold_of(None, None, None, 5.0) == 5.0
    assert threshold_of(None, None, None, None) == 0.0
    assert _holding(r"max_count, self\.max_share, self\.min, self\.max\)") == [
        "core/gate.py",
        "core/hypercare.py",
    ]
    assert _holding(r"for found in \(") == ["core/gate.py"]
