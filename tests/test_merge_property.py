"""Merging a laptop's and the shared database's answers decides by what each side knew.

Random interleavings of answers on both sides (``checklist set``, answer sheets with and
without the date a person types in E4) and bundles carried both ways. The model keeps, for
every answer given, what its side had seen when it was given; after each merge no answer may
stand at a value older than one both sides had seen, a value newer on the other side is taken,
and two changes neither side had seen are reported as a conflict (and only those). The
laptop's clock runs minutes behind the shared one, so a merge that trusted times would fail.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fvmcli.core.model import Unit
from fvmcli.services.content_effects import EFFECTS
from fvmcli.services.context import Clock, Context
from tests.factories import FROZEN

CHECKLIST = """
id = "merge"
version = 1
title = { sv = "Sammanslagning", en = "Merge" }

[[sections]]
id = "s"
title = { sv = "S" }

[[questions]]
id = "n1"
section = "s"
type = "number"
text = { sv = "Antal ett", en = "Count one" }

[[questions]]
id = "n2"
section = "s"
type = "number"
text = { sv = "Antal två", en = "Count two" }
"""
QUESTIONS = ("n1", "n2")
SIDES = ("laptop", "shared")


def ticking(start: datetime) -> Clock:
    """Return a clock that moves a little each time it is read."""
    moments = itertools.count()
    return Clock(read=lambda: start + timedelta(seconds=next(moments) / 5))


@dataclass
class Given:
    """One answer as the model knows it: its value and what its side had seen then."""

    question: str
    value: str
    past: frozenset[int]


@dataclass
class Side:
    ctx: Context
    by: str
    known: set[int] = field(default_factory=set)


@dataclass
class World:
    sides: dict[str, Side]
    given: list[Given] = field(default_factory=list)
    reported: set[tuple[int, int]] = field(default_factory=set)
    values: itertools.count = field(default_factory=lambda: itertools.count(1))


@pytest.fixture
def world_factory(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A laptop (SQLite) and the shared database (each backend); every example answers for a
    unit of its own, so the two databases serve all examples."""
    from fvmcli.services.territory import save_units

    monkeypatch.setenv("FVM_BUNDLE_KEY", "delad nyckel")  # the legacy signature: no trust step
    content = tmp_path / "content"
    (content / "checklists").mkdir(parents=True)
    (content / "checklists" / "merge.toml").write_text(CHECKLIST, "utf-8")
    # The laptop's clock is four minutes slow (a bundle may come from at most five minutes
    # ahead): what it answers after learning the shared side's answer is stamped earlier.
    behind = FROZEN - timedelta(minutes=4)
    contexts = {
        "laptop": Context(
            db_url=f"sqlite:///{tmp_path / 'laptop.sqlite'}",
            content_dirs=[content],
            clock=ticking(behind),
            effects=EFFECTS,
        ),
        "shared": Context(
            db_url=db_url, content_dirs=[content], clock=ticking(FROZEN), effects=EFFECTS
        ),
    }
    units = itertools.count()

    def make() -> tuple[World, str]:
        unit = f"u{next(units)}"
        for ctx in contexts.values():
            save_units(ctx, [Unit(unit, f"Enhet {unit}", "sodra", "hospital", 10)], by="setup")
        world = World({name: Side(ctx, f"{name}-person") for name, ctx in contexts.items()})
        return world, unit

    return make


def current(world: World, side: str, unit: str) -> dict[str, int | None]:
    """Return the index of the answer each question stands at on ``side`` (values are unique)."""
    from fvmcli.services.answers import score

    view = score(world.sides[side].ctx, "merge", unit)
    by_value = {g.value: i for i, g in enumerate(world.given)}
    found: dict[str, int | None] = {}
    for result in view.readiness.score.questions:
        value = result.value
        found[result.question.id] = None if value is None else by_value[value]
    return found


def give(world: World, side: str, unit: str, question: str, how: str, tmp: Path) -> None:
    """Answer ``question`` on ``side`` with a new value: by ``set``, or on a sheet (``how`` is
    "sheet" without a date, "dated" with one)."""
    from fvmcli.services.answers import set_answer

    at = world.sides[side]
    value = str(next(world.values))
    world.given.append(Given(question, value, frozenset(at.known)))
    at.known.add(len(world.given) - 1)
    if how == "set":
        set_answer(at.ctx, "merge", unit, question, value, by=at.by)
        return
    sheet = fill_sheet(at.ctx, unit, {question: value}, tmp, dated=how == "dated", by=at.by)
    from fvmcli.services.sheets import import_sheets

    import_sheets(at.ctx, "merge", [sheet], by=at.by)


def fill_sheet(
    ctx: Context,
    unit: str,
    answers: dict[str, Any],
    tmp: Path,
    *,
    dated: bool | date,
    by: str,
    formats: dict[str, str] | None = None,
    checklist: str = "merge",
) -> Path:
    """Make the unit's answer sheet, fill it in with openpyxl as Excel would store it (numbers
    as numbers, ``formats`` as a cell's number format), and return its file."""
    from openpyxl import load_workbook

    from fvmcli.core.sheet_layout import ANSWER, FILLED_BY, FILLED_ON, FIRST_ROW, QID
    from fvmcli.render.answer_sheet import write_sheet
    from fvmcli.services.sheets import make_sheets
    from fvmcli.services.territory import UnitFilter

    path = tmp / f"{unit}-{next(_files)}.xlsx"
    (made,) = make_sheets(ctx, checklist, UnitFilter(unit_ids=(unit,)), path)
    write_sheet(made.data, "sv", path)
    book = load_workbook(path)
    ws = book.worksheets[0]
    ws.cell(FILLED_BY[0] + 1, FILLED_BY[1] + 1).value = by
    if dated:
        # A date typed in E4: the day the person answered (today on the side's clock).
        day = dated if isinstance(dated, date) else ctx.clock.today()
        ws.cell(FILLED_ON[0] + 1, FILLED_ON[1] + 1).value = datetime.combine(
            day, datetime.min.time()
        )
    for row in ws.iter_rows(min_row=FIRST_ROW + 1):
        qid = row[QID].value
        if qid in answers:
            cell = row[ANSWER]
            given = answers[qid]
            cell.value = float(given) if isinstance(given, str) and given.isdigit() else given
            if formats and qid in formats:
                cell.number_format = formats[qid]
    book.save(path)
    return path


_files = itertools.count()


def send(world: World, source: str, target: str, unit: str) -> None:
    """Export ``source``'s bundle, import it on ``target``, and check the merge against the
    model of what each side had seen."""
    from fvmcli.services.bundles import export_bundle, import_bundles

    before = current(world, target, unit)
    theirs = current(world, source, unit)
    mine = world.sides[target].known
    common = mine & world.sides[source].known
    document = json.loads(json.dumps(export_bundle(world.sides[source].ctx, unit).document))
    (done,) = import_bundles(world.sides[target].ctx, [(Path(f"{unit}.json"), document)])
    mine |= world.sides[source].known
    after = current(world, target, unit)
    reported = {c["subject"] for c in done.conflicts}
    for question in QUESTIONS:
        now, own, their = after[question], before[question], theirs[question]
        seen_by_both = [i for i in common if world.given[i].question == question]
        older = set().union(*(world.given[i].past for i in seen_by_both))
        assert now not in older, (question, now, "older than an answer both sides had seen")
        if their is None or own is None or own == their:
            assert question not in reported
            assert now == (own if own is not None else their)
            continue
        if own in world.given[their].past:  # the other side's answer is newer
            assert now == their and question not in reported
        elif their in world.given[own].past:  # this side's answer is newer
            assert now == own and question not in reported
        else:  # given without either seeing the other's: a conflict
            pair = (min(own, their), max(own, their))
            if pair not in world.reported:
                assert question in reported, (question, own, their)
            if question in reported:
                assert now == own  # kept until a person chooses
                world.reported.add(pair)


STEPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("answer"),
            st.sampled_from(SIDES),
            st.sampled_from(QUESTIONS),
            st.sampled_from(("set", "set", "sheet", "dated")),
        ),
        st.tuples(st.just("send"), st.sampled_from(SIDES)),
    ),
    min_size=2,
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_no_answer_moves_back_and_every_conflict_is_reported(
    world_factory, tmp_path: Path, steps: list[tuple[str, ...]]
) -> None:  # type: ignore[no-untyped-def]
    world, unit = world_factory()
    for step in steps:
        if step[0] == "answer":
            _kind, side, question, how = step
            give(world, side, unit, question, how, tmp_path)
        else:
            source = step[1]
            send(world, source, "shared" if source == "laptop" else "laptop", unit)


def test_a_dated_sheet_is_stored_now_and_its_answers_win_over_older_work(  # type: ignore[no-untyped-def]
    world_factory, tmp_path: Path
) -> None:
    """The reported case: the laptop's sheet says "Datum 2026-11-20"; its answers are stamped
    when stored, with their zone, and a merge into the shared database takes them, however
    the times compare."""
    from fvmcli.services.answers import history_rows, set_answer
    from fvmcli.services.bundles import export_bundle, import_bundles
    from fvmcli.services.sheets import import_sheets

    world, unit = world_factory()
    laptop, shared = world.sides["laptop"].ctx, world.sides["shared"].ctx
    set_answer(shared, "merge", unit, "n1", "85", by="bertil")
    document = json.loads(json.dumps(export_bundle(shared, unit).document))
    import_bundles(laptop, [(Path("s.json"), document)])
    sheet = fill_sheet(laptop, unit, {"n1": "87"}, tmp_path, dated=date(2026, 11, 20), by="anna")
    import_sheets(laptop, "merge", [sheet])
    rows = history_rows(laptop, "merge", unit, "n1")
    assert [r["value"] for r in rows] == ["85", "87"]
    stamped = datetime.fromisoformat(rows[-1]["at"])
    assert stamped.tzinfo is not None and stamped.time() != datetime.min.time()
    # The day the person gave is the answer's day.
    assert current_day(laptop, unit) == "2026-11-20"
    document = json.loads(json.dumps(export_bundle(laptop, unit).document))
    (done,) = import_bundles(shared, [(Path("l.json"), document)])
    assert (done.added, done.conflicts, done.changed) == (1, [], 1)
    assert [r["value"] for r in history_rows(shared, "merge", unit, "n1")] == ["85", "87"]
    assert current_day(shared, unit) == "2026-11-20"


def current_day(ctx: Context, unit: str) -> str:
    with ctx.open().read() as conn:
        at = conn.scalar(
            f"SELECT answered_at FROM answers WHERE unit_id = {conn.mark} AND question = 'n1'",
            (unit,),
        )
    return str(at)[:10]
