"""Small factories that seed test data through the services, as any user's write would go."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from fvmcli.core.model import Count, NewAnswer, Person, Unit
from fvmcli.services import answers, equipment, territory, training
from fvmcli.services.context import Clock, Context

TEST_CONTENT = Path(__file__).parent / "content"
TODAY = date(2026, 11, 26)
# Every test runs on this clock (conftest sets FVM_NOW to it), whatever the machine's date.
FROZEN = datetime.combine(TODAY, time(10), tzinfo=timezone(timedelta(hours=1)))


def context(db_url: str, *, content: bool = False, today: date = TODAY) -> Context:
    """Return a service context on ``db_url`` whose clock reads ``today`` at 10:00."""
    clock = Clock.at(FROZEN.replace(year=today.year, month=today.month, day=today.day))
    from fvmcli.services.content_effects import EFFECTS

    dirs = [TEST_CONTENT] if content else []
    ctx = Context(db_url=db_url, content_dirs=dirs, clock=clock, effects=EFFECTS)
    if content:
        publish_local(ctx)
    return ctx


def publish_local(ctx: Context) -> None:
    """Put the context's local content in force on its database, as ``fvm content publish``
    would (a database uses the content published in it; identical content stores nothing)."""
    from fvmcli.services.content import publish

    publish(ctx, None)
    ctx.__dict__.pop("content", None)
    for name in ("territory", "catalog", "curriculum", "gate", "default_checklist"):
        ctx.__dict__.pop(name, None)


def units(
    ctx: Context, *specs: tuple[str, str, str, int] | tuple[str, str, str, int, str]
) -> list[Unit]:
    """Store units given as (id, area, type, staff[, name]); return them."""
    made = [
        Unit(spec[0], spec[4] if len(spec) > 4 else f"Enhet {spec[0]}", *spec[1:4])
        for spec in specs
    ]
    territory.save_units(ctx, made, by="factory")
    return made


def go_live(ctx: Context, **phases: str) -> None:
    """Set go-live dates, e.g. ``go_live(ctx, p1="2027-01-31")``."""
    for name, day in phases.items():
        territory.set_phase(ctx, int(name.removeprefix("p")), day, by="factory")


def people(ctx: Context, unit: str, *roles: str, prefix: str = "p") -> list[str]:
    """Register one person per role in ``unit``; return their ids in order."""
    made = [
        Person(f"{prefix}{n + 1}", f"Person {n + 1}", role, unit) for n, role in enumerate(roles)
    ]
    training.save_people(ctx, made, by="factory")
    return [p.id for p in made]


def answered(ctx: Context, checklist: str, unit: str, **values: str) -> None:
    """Store a unit's answers, question ids written with ``_`` for ``.`` (``a_lead="yes"``);
    a question that requires evidence gets a note, as a person must give one."""
    from fvmcli.core.answers import needs_evidence

    asked = ctx.checklist(checklist)
    batch = []
    for name, value in values.items():
        qid = name.replace("_", ".", 1)
        question = asked.question(qid)
        note = "Protokoll i projektets arkiv" if question and needs_evidence(question) else None
        batch.append(NewAnswer(unit, qid, value, note))
    answers.store_answers(ctx, checklist, batch, by="factory")


def counted(ctx: Context, unit: str, item: str, present: int, configured: int, tested: int) -> None:
    """Store one equipment count."""
    equipment.store_counts(ctx, [(unit, item, Count(present, configured, tested))], by="factory")
