"""The demo territory: modelled on Västra Götaland, built into a database of its own."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.demo_plan import PHASE_OFFSETS, attested_answers, go_live_dates, plan_demo
from fvmcli.services.report import Report, report
from fvmcli.services.territory import PhaseView, list_phases

DEMO_USER = "demo"
DEMO_LEAD = "cutover-lead (demo)"
TRAINER = "FVM utbildningsteam"


def build_demo(ctx: Context, as_of: date) -> str:
    """Fill the (freshly reset) demo database through the services, as users would; return a
    one-line summary of what it holds.

    Part of the answers come first and that earlier assessment round is frozen a month before
    ``as_of``; the rest follow and a second round is frozen on ``as_of``.
    """
    from fvmcli.services import answers, equipment, four_eyes, rounds, territory, training, waivers

    plan = plan_demo(ctx, as_of)
    territory.save_units(ctx, plan.units, by=DEMO_USER)
    for phase, day in go_live_dates(as_of).items():
        territory.set_phase(ctx, phase, day.isoformat(), by=DEMO_USER)
    early = [a for a in plan.answers if random.Random(f"{a.unit_id}/{a.question}").random() < 0.7]
    answers.store_answers(ctx, "golive", early, by=DEMO_USER)
    equipment.store_counts(ctx, plan.counts, by=DEMO_USER)
    waivers.waive(
        ctx,
        "golive",
        "sas-skene-ort",
        "cut.rehearsal",
        reason="Generalrepetition samordnas med SÄS Borås; beslut i styrgruppen.",
        until=(as_of + timedelta(days=60)).isoformat(),
        by=DEMO_LEAD,
    )
    four_eyes.approve(
        ctx, "golive", "sas-skene-ort", "cut.rehearsal", comment="Styrgrupp", by=DEMO_USER
    )
    training.save_people(ctx, plan.people, by=DEMO_USER)
    for session in plan.sessions:
        training.add_session(
            ctx,
            session.course,
            start=session.start.isoformat(timespec="minutes"),
            end=session.end.isoformat(timespec="minutes"),
            capacity=session.capacity,
            location=session.location,
            trainer=TRAINER,
            session_id=session.id,
            by=DEMO_USER,
        )
    past = {s.course: s.id for s in plan.sessions if s.past}
    for course, people in plan.completions.items():
        training.enroll(ctx, past[course], people, by=DEMO_USER)
        training.mark_people(ctx, past[course], people, by=DEMO_USER)
        if ctx.curriculum.courses[course].assessment:
            training.mark_people(ctx, past[course], people, passing=True, by=DEMO_USER)
    for session_id, people in plan.bookings.items():
        training.enroll(ctx, session_id, people, by=DEMO_USER)
    four_eyes.attest_answers(ctx, "golive", attested_answers(ctx, early), by=DEMO_LEAD)
    rounds.snapshot(
        ctx, f"T-{PHASE_OFFSETS[1] + 30}", as_of=as_of - timedelta(days=30), by=DEMO_LEAD
    )
    answers.store_answers(ctx, "golive", plan.answers, by=DEMO_USER)
    four_eyes.attest_answers(ctx, "golive", attested_answers(ctx, plan.answers), by=DEMO_LEAD)
    rounds.snapshot(ctx, f"T-{PHASE_OFFSETS[1]}", as_of=as_of, by=DEMO_LEAD)
    return _(
        "{units} units in {areas} areas and 3 phases, {answers} answers, "
        "{counts} equipment counts, {people} people in training on {sessions} "
        "sessions, as of {as_of}."
    ).format(
        units=len(plan.units),
        areas=len(ctx.territory.areas),
        answers=len(plan.answers),
        counts=len(plan.counts),
        people=len(plan.people),
        sessions=len(plan.sessions),
        as_of=as_of,
    )


@dataclass(frozen=True)
class Demo:
    """The demo database and what it shows: its phases and its go/no-go report."""

    url: str
    summary: str
    as_of: date
    phases: list[PhaseView]
    report: Report


def run_demo(
    ctx: Context, as_of: str | None = None, *, reset: bool = False
) -> tuple[Context, Demo]:
    """Reset the demo's own database (``ctx``'s URL when given, else demo.sqlite in the user
    data folder), build the demo in it, and return a context on it with what it holds.

    A database holding data the demo did not make (a change someone made in the demo, too) is
    refused unless ``reset``: resetting it destroys them.
    """
    from fvmcli.errors import ConflictError
    from fvmcli.services.context import default_db_url
    from fvmcli.services.territory import parse_day
    from fvmcli.store.database import Database, display_url, normalise_url
    from fvmcli.store.units import holds_foreign_data

    day = parse_day(ctx, as_of)
    url = normalise_url(ctx.db_url if ctx.db_url is not None else default_db_url("demo.sqlite"))
    database = Database(url)
    database.refuse_others(create=True)  # another program's database is not the demo's
    if not reset and database.schema_state().current is not None:
        with database.read() as conn:
            if holds_foreign_data(conn, {DEMO_USER, DEMO_LEAD}):
                own = ctx.db_url is None
                raise ConflictError(
                    _(
                        "{display_url} holds data the demo did not make; the demo resets its "
                        "database and would destroy them."
                    ).format(display_url=display_url(url)),
                    hint=_("To build the demo afresh, and lose the changes made in it, run:")
                    if own
                    else _(
                        "Give the demo an empty database, or run it without --db (it uses "
                        "demo.sqlite in the user data folder); --reset destroys what this "
                        "database holds."
                    ),
                    command="fvm demo --reset" if own else None,
                )
    database.reset()
    database.dispose()
    demo_ctx = replace(ctx, db_url=url)
    summary = build_demo(demo_ctx, day)
    found = report(demo_ctx, as_of=day)
    return demo_ctx, Demo(url, summary, day, list_phases(demo_ctx), found)
