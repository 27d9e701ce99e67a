"""Concurrent writers on both backends: no double booking, and history's "previous" is right."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from fvmcli.errors import ConflictError
from fvmcli.services import answers, training
from tests import factories
from tests.conftest import Fvm

pytestmark = [pytest.mark.store, pytest.mark.slow]


def _set_worker(url: str, value: str, barrier: Any) -> str:
    ctx = factories.context(url, content=True)
    barrier.wait()
    try:
        return answers.set_answer(ctx, "mini", "h1", "a.pct", value, by=f"w{value}").value
    finally:
        ctx.close()


def test_parallel_answers_keep_a_true_history(db_url: str) -> None:
    ctx = factories.context(db_url, content=True)
    factories.units(ctx, ("h1", "sodra", "hospital", 10))
    ctx.close()
    values = [str(10 + i) for i in range(12)]
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager:
        barrier = manager.Barrier(len(values))
        with spawn.Pool(len(values)) as pool:
            stored = pool.starmap(_set_worker, [(db_url, v, barrier) for v in values])
    assert sorted(stored) == sorted(values)  # nobody failed
    ctx = factories.context(db_url, content=True)
    changes = answers.history(ctx, "mini", "h1", "a.pct")
    ctx.close()
    assert len(changes) == len(values)
    assert changes[0].old is None
    for before, after in zip(changes, changes[1:], strict=False):
        assert after.old == before.new, "a change recorded a previous value it did not replace"


def _book_worker(url: str, session: str, barrier: Any) -> str:
    ctx = factories.context(url)
    barrier.wait()
    try:
        return training.enroll(ctx, session, ["p1"], by="trainer")[0].status
    except ConflictError:  # the refusal of the second booking
        return "ConflictError"
    finally:
        ctx.close()


def test_one_person_is_never_booked_in_two_sessions_of_a_course_at_once(db_url: str) -> None:
    ctx = factories.context(db_url)
    factories.units(ctx, ("u1", "sodra", "hospital", 10))
    factories.people(ctx, "u1", "nurse")
    sessions = [
        training.add_session(
            ctx, "downtime-procedures", start=f"2027-02-0{d}T09:00", capacity=5, by="t"
        ).id
        for d in (1, 2)
    ]
    ctx.close()
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager:
        for _round in range(3):
            barrier = manager.Barrier(2)
            with spawn.Pool(2) as pool:
                outcome = pool.starmap(_book_worker, [(db_url, s, barrier) for s in sessions])
            assert sorted(outcome) == ["ConflictError", "enrolled"], outcome
            ctx = factories.context(db_url)
            booked = [s for s in sessions if "p1" in training.show_session(ctx, s)["enrolled"]]
            assert len(booked) == 1
            training.cancel(ctx, booked[0], ["p1"], by="t")
            ctx.close()


def test_a_region_sized_import_fits_the_lock_table(fvm: Fvm, tmp_path: Path) -> None:
    """One lock per unit would fill PostgreSQL's lock table (64 per connection by default,
    6,400 and some spare on a server of 100 connections; 20,000 ran out): a region's units'
    counts and answers import at once."""
    n = 20000
    units = tmp_path / "units.csv"
    units.write_text(
        "id;name;area;type\n" + "".join(f"r{i:05d};Enhet {i};sodra;hospital\n" for i in range(n)),
        "utf-8",
    )
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "unit;item;present;configured;tested\n"
        + "".join(f"r{i:05d};care-client;3;2;1\n" for i in range(n)),
        "utf-8",
    )
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "unit;question;value\n" + "".join(f"r{i:05d};org.project-lead;ja\n" for i in range(n)),
        "utf-8",
    )
    fvm("unit", "import", str(units))
    fvm("equipment", "import", str(counts))
    fvm("checklist", "import", "golive", str(answers))
    assert fvm.scalar("SELECT count(*) FROM equipment_counts") == n
    assert fvm.scalar("SELECT count(*) FROM answers") == n
