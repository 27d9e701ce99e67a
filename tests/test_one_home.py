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
