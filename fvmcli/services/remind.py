"""Reminder digests: each selected unit's late and coming work, sent once a day to the people
who can act on it, and recorded so that a re-run sends nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from fvmcli.core.digest import Digest, Recipient
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.mail import SmtpSettings
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, parse_day, require_right, select

if TYPE_CHECKING:
    from email.message import EmailMessage

    from fvmcli.mail import SmtpOutbox
    from fvmcli.render.digest import DigestNames
    from fvmcli.store.driver import Connection

from fvmcli.services.remind_outcomes import (
    ALREADY_SENT,
    NO_RECIPIENT,
    NOT_SENT,
    REFUSED,
    SENT,
    WOULD_SEND,
    ReminderOutcome,
    Reminders,
)

MAX_WITHIN = 366


def digests(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    within: int = 14,
    as_of: str | date | None = None,
    checklist_id: str = "golive",
) -> tuple[list[Digest], int, set[tuple[str, str]]]:
    """Return the digests of the selected units that have something to report (in the order
    of the territory), how many had nothing, and the (unit, recipient) pairs already sent a
    digest today (the day of sending, whatever ``as_of`` the digests look from). Records are
    read with a fixed number of queries, whatever the number of units."""
    from fvmcli.core.digest import (
        answer_checks,
        equipment_work,
        question_reminders,
        recipients,
        seat_offers,
        training_gaps,
    )
    from fvmcli.core.forecast import UnitNow, forecast
    from fvmcli.services.readiness import territory_summaries
    from fvmcli.store.reads import Scope, go_live_dates
    from fvmcli.store.reminders import coming_places, people_of_units, sent_on
    from fvmcli.store.snapshots import unit_rounds
    from fvmcli.store.training import completed_pairs, list_sessions

    if not 0 <= within <= MAX_WITHIN:
        raise InputError(
            _("--within: expected 0–{MAX_WITHIN} days, got {within}").format(
                MAX_WITHIN=MAX_WITHIN, within=within
            )
        )
    checklist = ctx.checklist(checklist_id)
    day = as_of if isinstance(as_of, date) else parse_day(ctx, as_of)
    now = ctx.clock.moment_on(day)
    requires = ctx.curriculum.requires()
    reminded = {r.id for r in ctx.curriculum.roles.values() if r.remind}
    found: list[Digest] = []
    quiet = 0
    with ctx.open().read() as conn:
        selection = select(ctx, conn, chosen)
        ids = selection.ids
        rounds = unit_rounds(conn, checklist.id, {u.id for u in selection.units})
        go_live = go_live_dates(conn)
        people = people_of_units(conn, ids)
        done = completed_pairs(conn, ids)
        places = coming_places(conn, ids, now.isoformat(timespec="minutes"))
        offers = seat_offers(list_sessions(conn), now)
        sent = sent_on(conn, ctx.clock.today(), ids)
        scope = Scope(None if ids is None else tuple(ids))
        order = {unit.id: i for i, unit in enumerate(selection.units)}
        unreported = _unreported(ctx, conn, scope, day, go_live)
        for unit, score, evidence in territory_summaries(
            ctx, conn, checklist, scope, day, detail=True, items=True
        ):
            if unit.id not in order:
                continue
            blockers, overdue, soon, ending = question_reminders(score, within)
            staff = people.get(unit.id, [])
            digest = Digest(
                unit,
                day,
                within,
                blockers,
                overdue,
                soon,
                ending,
                training_gaps(staff, requires, done, places, offers),
                equipment_work(evidence.items),
                *answer_checks(score),
                recipients(unit, staff, reminded),
                forecast(
                    [(t, s) for t, s, _ in rounds.get(unit.id, [])],
                    day,
                    UnitNow(score.score, score.status, score.blocker_count),
                    checklist.green,
                    go_live.get(ctx.territory.phase_of(unit.area)),
                ),
                go_live.get(ctx.territory.phase_of(unit.area)),
                *unreported.get(unit.id, (None, ())),
            )
            if digest.empty:
                quiet += 1
            else:
                found.append(digest)
    found.sort(key=lambda digest: order[digest.unit.id])
    return found, quiet, sent


def _unreported(
    ctx: Context, conn: Connection, scope: Any, day: date, go_live: dict[int, date]
) -> dict[str, tuple[date, tuple[str, ...]]]:
    """Return unit → (the day before ``day``, the hypercare indicators it has no value for
    then), for the units whose phase was in hypercare that day (one query); none when the
    content has no hypercare file."""
    from fvmcli.core.hypercare import in_hypercare
    from fvmcli.store.hypercare import day_values

    if ctx.content.file("checklists", "hypercare.toml") is None:
        return {}
    care = ctx.hypercare
    yesterday = day - timedelta(days=1)
    phases = {p for p, live in go_live.items() if in_hypercare(live, yesterday, care.days)}
    if not phases:
        return {}
    found: dict[str, tuple[date, tuple[str, ...]]] = {}
    for unit, area, values in day_values(conn, yesterday, scope):
        if ctx.territory.phase_of(area) in phases:
            missing = tuple(i.id for i in care.indicators if i.id not in values)
            if missing:
                found[unit] = (yesterday, missing)
    return found


def remind(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    within: int = 14,
    as_of: str | date | None = None,
    checklist_id: str = "golive",
    smtp: SmtpSettings | None = None,
    sender: str = "fvm@localhost",
    resend: bool = False,
    by: str | None = None,
    on_unit: Callable[[], None] | None = None,
) -> Reminders:
    """Send each selected unit with something to report one digest, in the user's language,
    to its recipients (people of a role marked ``remind`` in roles.toml, and the unit's own
    mailbox). Recipients who had the day's digest get nothing unless ``resend``. Each unit is
    recorded as soon as the server took it, so a failure halfway keeps what was sent and the
    next run sends the rest. With ``smtp`` None it is a dry run: the messages are returned, and
    nothing is sent or stored."""
    from fvmcli.mail import SmtpOutbox

    found, quiet, sent = digests(ctx, chosen, within=within, as_of=as_of, checklist_id=checklist_id)
    day = ctx.clock.today()  # the day of sending: one digest per recipient and day
    names = _names(ctx, checklist_id)
    from_address = smtp.sender if smtp else sender
    actor = ctx.actor(by)
    if smtp is not None:
        with ctx.open().read() as conn:
            require_right(ctx, conn, "remind", [d.unit for d in found if d.recipients])
    outcomes: list[ReminderOutcome] = []
    stopped: str | None = None
    with SmtpOutbox(smtp) if smtp else nullcontext() as outbox:
        for digest in found:
            unit = digest.unit
            pending = [r for r in digest.recipients if resend or (unit.id, r.key) not in sent]
            if not digest.recipients:
                outcome = ReminderOutcome(unit.id, unit.name, NO_RECIPIENT, digest)
            elif not pending:
                keys = tuple(r.key for r in digest.recipients)
                outcome = ReminderOutcome(unit.id, unit.name, ALREADY_SENT, digest, keys)
            elif stopped is not None:
                keys = tuple(r.key for r in pending)
                outcome = ReminderOutcome(unit.id, unit.name, NOT_SENT, digest, (), keys)
            else:
                outcome, stopped = _deliver(
                    ctx, digest, pending, names, from_address, outbox, actor
                )
            outcomes.append(outcome)
            if on_unit is not None:
                on_unit()
    return Reminders(day, within, smtp is None, outcomes, quiet, stopped)


@dataclass(frozen=True)
class SmtpOptions:
    """The SMTP server as given (options, or ``FVM_SMTP_*``); the password is read from
    ``FVM_SMTP_PASSWORD`` only."""

    host: str | None = None
    port: int | None = None
    security: str = "starttls"
    user: str | None = None
    sender: str | None = None
    cafile: str | None = None
    deadline: str | None = None  # seconds to connect, and for each message (FVM_SMTP_DEADLINE's)


DRY_RUN_SENDER = "fvm@localhost"


def run_reminders(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    within: int = 14,
    as_of: str | date | None = None,
    checklist_id: str = "golive",
    dry_run: bool = False,
    smtp: SmtpOptions = SmtpOptions(),
    resend: bool = False,
    by: str | None = None,
    on_unit: Callable[[], None] | None = None,
) -> Reminders:
    """Do what ``fvm remind`` does: check the options, send each unit's digest over
    ``smtp`` (or, with ``dry_run``, send nothing: each message is in its outcome, for the
    command line to write as ``UNIT.eml``), and return what became of each. A failure halfway
    is in the result: ``raise_if_failed`` refuses it after the caller has shown it."""
    from fvmcli.mail import smtp_settings

    settings = (
        None
        if dry_run
        else smtp_settings(
            smtp.host,
            smtp.port,
            smtp.security,
            smtp.sender,
            smtp.user,
            cafile=smtp.cafile,
            deadline=smtp.deadline,
        )
    )
    return remind(
        ctx,
        chosen,
        within=within,
        as_of=as_of,
        checklist_id=checklist_id,
        smtp=settings,
        sender=smtp.sender or DRY_RUN_SENDER,
        resend=resend,
        by=by,
        on_unit=on_unit,
    )


def _deliver(
    ctx: Context,
    digest: Digest,
    pending: list[Recipient],
    names: DigestNames,
    sender: str,
    outbox: SmtpOutbox | None,
    actor: str,
) -> tuple[ReminderOutcome, str | None]:
    """Send one unit's digest to ``pending`` (``outbox`` None: a dry run, nothing sent or
    recorded) and record today who took it; return the outcome, and why sending must stop
    (the server went away) or None. An address fvm would no longer accept (stored before it
    checked as it does now) is named as refused, never handed to the mail library."""
    from fvmcli.core.values import email_problem
    from fvmcli.mail import MailRefused, MailUnavailable

    unit = digest.unit
    bad = tuple(f"{r.key}: {p}" for r in pending if (p := email_problem(r.email)))
    to = [r for r in pending if not email_problem(r.email)]
    if not to:
        return ReminderOutcome(unit.id, unit.name, REFUSED, digest, (), bad), None
    message = _compose(ctx, digest, names, sender, to)
    if outbox is None:
        keys = tuple(r.key for r in to)
        return ReminderOutcome(
            unit.id, unit.name, WOULD_SEND, digest, keys, bad, message.as_bytes()
        ), None
    try:
        refused = outbox.send(message)
    except MailRefused as exc:
        return ReminderOutcome(
            unit.id, unit.name, REFUSED, digest, (), bad + _refused(to, exc.refused)
        ), None
    except MailUnavailable as exc:
        keys = tuple(r.key for r in pending)
        return ReminderOutcome(unit.id, unit.name, NOT_SENT, digest, (), keys), exc.message
    from fvmcli.store.reminders import record_sent

    took = [r for r in to if r.email not in refused]
    with ctx.open().write() as conn:
        record_sent(
            conn,
            unit.id,
            [r.key for r in took],
            ctx.clock.today(),
            digest.fingerprint(),
            by=actor,
            at=ctx.clock.now(),
        )
    return ReminderOutcome(
        unit.id, unit.name, SENT, digest, tuple(r.key for r in took), bad + _refused(to, refused)
    ), None


def _refused(pending: list[Recipient], refused: dict[str, str]) -> tuple[str, ...]:
    """Return ``key: reply`` for each pending recipient the server refused."""
    return tuple(f"{r.key}: {refused[r.email]}" for r in pending if r.email in refused)


def _names(ctx: Context, checklist_id: str) -> DigestNames:
    from fvmcli.render.digest import DigestNames

    lang = ctx.lang
    checklist = ctx.checklist(checklist_id)
    curriculum = ctx.curriculum
    return DigestNames(
        checklist.id,
        checklist.title.get(lang),
        {q.id: q.text.get(lang) for q in checklist.questions},
        {c.id: c.title.get(lang) for c in curriculum.courses.values()},
        {r.id: r.name.get(lang) for r in curriculum.roles.values()},
        {i.id: i.name.get(lang) for i in ctx.catalog.items},
        {o: curriculum.owner_name(o, lang) for o in [*curriculum.owners, *curriculum.roles]},
        {i.id: i.name.get(lang) for i in ctx.hypercare.indicators}
        if ctx.content.file("checklists", "hypercare.toml") is not None
        else {},
    )


def _compose(
    ctx: Context, digest: Digest, names: DigestNames, sender: str, to: list[Recipient]
) -> EmailMessage:
    from fvmcli.render.digest import compose

    return compose(
        digest,
        names,
        ctx.lang,
        sender=sender,
        to=to,
        template_dirs=ctx.content.template_dirs(),
        sent=ctx.clock.read(),
    )


@dataclass(frozen=True)
class SentRecord:
    day: date
    unit: str
    recipient: str
    name: str | None
    digest: str
    sent_at: str
    sent_by: str


def sent_log(
    ctx: Context, chosen: UnitFilter = UnitFilter(), *, since: str | None = None
) -> list[SentRecord]:
    """Return who got which digest, newest day first: person ids (with names, unless the
    person was forgotten) or ``@unit`` (with the unit's name) for a unit's own mailbox."""
    from fvmcli.core.digest import UNIT_MAILBOX
    from fvmcli.store.reminders import sent_log as read_log

    first = parse_day(ctx, since, "--since") if since is not None else None
    with ctx.open().read() as conn:
        ids = select(ctx, conn, chosen).ids
        rows = read_log(conn, ids, since=first)
    return [
        SentRecord(
            r["day"] if isinstance(r["day"], date) else date.fromisoformat(str(r["day"])),
            r["unit_id"],
            r["recipient"],
            r["unit_name"] if r["recipient"] == UNIT_MAILBOX else r["name"],
            r["digest"],
            r["sent_at"],
            r["sent_by"],
        )
        for r in rows
    ]
