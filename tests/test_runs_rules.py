"""Runbooks and runs without a database: validation names every problem, and a plan and a
run's status computed by hand (times, lateness, slip, critical path with a tie)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fvmcli.content.locate import ContentDirs
from fvmcli.content.runbooks import load_runbook
from fvmcli.content.territory import load_territory
from fvmcli.core.model import Text
from fvmcli.core.runs import (
    Mark,
    Runbook,
    Task,
    instances,
    measured_durations,
    parse_duration,
    parse_start,
    plan,
    planned_path,
    status,
    t0_of,
    waiting_for,
)
from fvmcli.errors import ContentError, UnknownIdError

CET = timezone(timedelta(hours=1))
T0 = datetime(2026, 11, 26, 12, 0, tzinfo=CET)
UNITS = [("u2", "primary-care"), ("u1", "hospital")]


def at(hhmm: str) -> datetime:
    h, m = hhmm.split(":")
    return T0.replace(hour=int(h), minute=int(m))


def book(c_minutes: int = 60) -> Runbook:
    return Runbook(
        "r",
        Text("R"),
        (12, 0),
        (
            Task("a", Text("A"), "cutover-lead", start=-120, duration=60),
            Task("b", Text("B"), None, duration=30, after=("a",), per="unit"),
            Task(
                "c",
                Text("C"),
                None,
                duration=c_minutes,
                after=("a",),
                per="unit",
                applies_to=("hospital",),
            ),
            Task("d", Text("D"), None, start=-30, duration=15, after=("b", "c")),
            Task("back", Text("Back"), None, duration=60, after=("d",), rollback=True),
        ),
    )


def test_offsets_and_durations_parse() -> None:
    assert parse_start("T-48h") == -48 * 60
    assert parse_start("T+2h") == 120
    assert parse_start("T-1d") == -1440
    assert parse_start("T+30m") == 30
    assert parse_duration("90m") == 90
    assert parse_duration("2h") == 120
    assert parse_duration("1d") == 1440
    for bad in ("48h", "T48h", "T-2w", "T-1.5h", ""):
        with pytest.raises(ValueError):
            parse_start(bad)
    for bad in ("2", "2w", "-1h", "1,5h", "400d"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_instances_follow_per_applies_to_and_rollback() -> None:
    items = instances(book(), UNITS)
    assert [i.key for i in items] == [
        ("a", None),
        ("b", "u1"),
        ("b", "u2"),
        ("c", "u1"),
        ("d", None),
    ]
    by = {i.key: i for i in items}
    assert by[("b", "u2")].after == (("a", None),)
    # A phase task after unit tasks waits for every instance of them.
    assert by[("d", None)].after == (("b", "u1"), ("b", "u2"), ("c", "u1"))
    fallen = instances(book(), UNITS, fallen_back=True)
    assert fallen[-1].key == ("back", None) and fallen[-1].after == (("d", None),)


def test_plan_by_hand() -> None:
    items = instances(book(), UNITS)
    planned = plan(items, T0)
    shown = {k: (p.start.strftime("%H:%M"), p.finish.strftime("%H:%M")) for k, p in planned.items()}
    assert shown == {
        ("a", None): ("10:00", "11:00"),  # T-2h, 1h
        ("b", "u1"): ("11:00", "11:30"),  # after a
        ("b", "u2"): ("11:00", "11:30"),
        ("c", "u1"): ("11:00", "12:00"),
        ("d", None): ("12:00", "12:15"),  # max(T-30m, 11:30, 11:30, 12:00)
    }
    assert planned_path(items, planned) == [("a", None), ("c", "u1"), ("d", None)]


def test_plan_critical_path_tie_goes_to_runbook_order_then_unit() -> None:
    items = instances(book(c_minutes=30), UNITS)
    planned = plan(items, T0)
    # b/u1, b/u2 and c/u1 all finish 11:30: b comes first in the runbook, u1 before u2.
    assert planned[("d", None)].start == at("11:30")
    assert planned_path(items, planned) == [("a", None), ("b", "u1"), ("d", None)]


def test_plan_with_measured_durations() -> None:
    items = instances(book(), UNITS)
    marks = {
        ("b", "u1"): Mark("done", at("11:00"), at("11:10")),
        ("b", "u2"): Mark("done", at("11:00"), at("11:30")),
        ("c", "u1"): Mark("failed", at("11:00"), at("11:05")),  # not done: not measured
    }
    measured = measured_durations(items, marks)
    assert measured == {"b": 20 * 60}  # the median of 10 and 30 minutes
    planned = plan(items, T0, measured)
    assert planned[("b", "u2")].finish == at("11:20")
    assert planned[("c", "u1")].finish == at("12:00")


def test_status_by_hand() -> None:
    items = instances(book(), UNITS)
    marks = {
        ("a", None): Mark("done", at("10:05"), at("11:10")),
        ("b", "u1"): Mark("started", at("11:10")),
        ("c", "u1"): Mark("blocked"),
    }
    found = status(items, T0, at("11:20"), marks)
    rows = {r.item.key: r for r in found.rows}
    assert {k: r.expected.strftime("%H:%M") for k, r in rows.items()} == {
        ("a", None): "11:10",  # its actual end
        ("b", "u1"): "11:40",  # max(11:20, 11:10 + 30m)
        ("b", "u2"): "11:50",  # waiting: max(11:20, 11:10) + 30m
        ("c", "u1"): "12:20",  # blocked: max(11:20, 11:10) + 60m
        ("d", None): "12:35",  # max(11:20, 11:30, 11:40, 11:50, 12:20) + 15m
    }
    # a started after its planned 10:00; every other finishes after its planned finish.
    assert all(r.late for r in rows.values())
    assert found.planned_finish == at("12:15")
    assert found.expected_finish == at("12:35")
    assert found.slip_minutes == 20
    assert found.critical_path == [("a", None), ("c", "u1"), ("d", None)]
    assert [k for k, r in rows.items() if r.critical] == [("a", None), ("c", "u1"), ("d", None)]
    assert waiting_for(rows[("d", None)].item, marks) == [("b", "u1"), ("b", "u2"), ("c", "u1")]


def test_status_tie_and_on_time() -> None:
    items = instances(book(c_minutes=30), UNITS)
    marks = {
        ("a", None): Mark("done", at("10:05"), at("11:10")),
        ("b", "u1"): Mark("started", at("11:10")),
        ("c", "u1"): Mark("blocked"),
    }
    found = status(items, T0, at("11:20"), marks)
    rows = {r.item.key: r for r in found.rows}
    # b/u2 and c/u1 both expected 11:50: b comes first in the runbook.
    assert rows[("b", "u2")].expected == rows[("c", "u1")].expected == at("11:50")
    assert found.critical_path == [("a", None), ("b", "u2"), ("d", None)]
    assert found.expected_finish == at("12:05") and found.slip_minutes == 20
    # Before anything started, on time: nothing is late and the slip is 0.
    early = status(items, T0, at("09:00"), {})
    assert early.slip_minutes == 0 and not any(r.late for r in early.rows)


def test_t0_is_stockholm_time() -> None:
    from datetime import date

    assert t0_of(date(2027, 2, 10), (6, 0)).isoformat() == "2027-02-10T06:00:00+01:00"
    assert t0_of(date(2027, 6, 10), (6, 0)).isoformat() == "2027-06-10T06:00:00+02:00"


def _pack(tmp_path: Path, text: str, name: str = "helg") -> ContentDirs:
    folder = tmp_path / "pack" / "runbooks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return ContentDirs.with_user([tmp_path / "pack"])


def _problems(dirs: ContentDirs, name: str = "helg") -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_runbook(dirs, name, load_territory(dirs))
    return [str(p) for p in caught.value.problems]


def test_bundled_runbook_loads() -> None:
    dirs = ContentDirs.with_user([])
    found = load_runbook(dirs, "driftstart", load_territory(dirs))
    assert found.t0 == (6, 0)
    assert [t.id for t in found.tasks if t.checkpoint] == ["go-no-go"]
    assert {t.id for t in found.tasks if t.rollback} == {"restore", "reopen-old"}


def test_validation_names_every_problem(tmp_path: Path) -> None:
    dirs = _pack(
        tmp_path,
        """
id = "helg"
title = { sv = "Helg" }
t0 = "25:00"
colour = "red"

[[tasks]]
id = "a"
title = "A"
start = "T-48"
duration = "2 hours"
after = ["c"]
shape = "round"

[[tasks]]
id = "b"
title = "B"
after = ["a", "ghost"]
applies_to = ["hospital"]

[[tasks]]
id = "c"
title = "C"
after = ["b"]
per = "unit"
applies_to = ["castle"]

[[tasks]]
id = "d"
title = "D"
per = "ward"
""",
    )
    problems = _problems(dirs)
    assert any(p.startswith("colour: unknown key") for p in problems)
    assert any(p.startswith("tasks[0] (a).shape: unknown key") for p in problems)
    assert any(p.startswith("t0: expected a time of day HH:MM") for p in problems)
    assert any(p.startswith("tasks[0] (a).start: expected T-<n>m|h|d") for p in problems)
    assert any(p.startswith("tasks[0] (a).duration: expected <n>m, <n>h or <n>d") for p in problems)
    assert "tasks[1] (b).after[1]: unknown task 'ghost'" in problems
    assert 'tasks[1] (b).applies_to: applies only with per = "unit"' in problems
    assert "tasks[2] (c).applies_to[0]: unknown unit type 'castle'" in problems
    assert any(p.startswith("tasks[3] (d).per: expected one of phase, unit") for p in problems)
    assert "tasks[0] (a).after: a cycle of predecessors: a → c → b → a" in problems


def test_two_task_cycle_named(tmp_path: Path) -> None:
    dirs = _pack(
        tmp_path,
        """
id = "helg"
title = "Helg"
[[tasks]]
id = "a"
title = "A"
after = ["b"]
[[tasks]]
id = "b"
title = "B"
after = ["a"]
""",
    )
    assert _problems(dirs) == ["tasks[0] (a).after: a cycle of predecessors: a → b → a"]


def test_unknown_runbook_named(tmp_path: Path) -> None:
    dirs = ContentDirs.with_user([])
    with pytest.raises(UnknownIdError, match="no runbook 'nope'.*driftstart"):
        load_runbook(dirs, "nope", load_territory(dirs))


def test_example_runbook_loads() -> None:
    root = Path(__file__).resolve().parents[1]
    dirs = ContentDirs.with_user([root / "docs" / "exempel"])
    found = load_runbook(dirs, "kort-helg", load_territory(dirs))
    assert [t.id for t in found.tasks if t.per == "unit"] == ["kontroll"]
