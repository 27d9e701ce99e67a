"""A unit's reminder digest as an e-mail: a text part and an HTML part, in the user's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from fvmcli.core.digest import Digest, Recipient
from fvmcli.i18n import N_, ngettext, words_in
from fvmcli.render.values import time_span

LABELS = {
    "subject": N_("Go-live reminder: {unit}"),
    "greeting": N_("Hello,"),
    "intro": N_("This is where {unit} stands on {day} in the checklist {checklist}."),
    "blockers": N_("Open blockers"),
    "blockers_note": N_("Critical items that are overdue. The unit stays red until they are done."),
    "overdue": N_("Overdue items"),
    "due_soon": N_("Due within {within} days"),
    "waivers_ending": N_("Waivers running out"),
    "training": N_("Training still missing"),
    "equipment": N_("Equipment to arrange"),
    "unattested": N_("Awaiting a second person's attestation"),
    "unattested_detail": N_("a lead other than the one who answered attests it"),
    "inconsistent": N_("Answered before a prerequisite is done"),
    "hypercare": N_("Hypercare: not reported for {day}"),
    "hypercare_detail": N_("no value for the day; report it with fvm hypercare record"),
    "waits_for": N_("waits for {prerequisite}"),
    "due": N_("was due {due} ({days} days ago)"),
    "due_ahead": N_("due {due} (in {days} days)"),
    "owner": N_("owner"),
    "waived": N_("waived until {until}: {reason}"),
    "until": N_("ends {until}: {reason}"),
    "booked": N_("booked on {session}"),
    "offers": N_("free seats"),
    "no_offers": N_("no coming session with free seats"),
    "procure": N_("procure {n}"),
    "configure": N_("configure {n}"),
    "test": N_("test {n}"),
    "erased": N_("(erased)"),
    "footer": N_(
        "Sent by fvm. Please do not reply to this message; questions go to your "
        "implementation lead."
    ),
    "commands": N_("To see and change the state in fvm:"),
    "ready": N_("Forecast: ready. The unit is green already."),
    "blocked": N_(
        "Forecast: blocked. The unit has overdue critical items; no pace makes it green "
        "until they are done or waived."
    ),
    "held": N_(
        "Forecast: held back. The score reaches green, but a critical question below full "
        "credit, an answer awaiting attestation or one given before its prerequisite keeps "
        "the unit from being green."
    ),
    "on-track": N_(
        "Forecast: on track. At the present pace the unit is green on {projected}, before "
        "go-live on {go_live}."
    ),
    "late": N_(
        "Forecast: late. At the present pace the unit is green on {projected}, {days} days "
        "after go-live on {go_live}."
    ),
    "stalled": N_("Forecast: stalled. The score has not risen over the last rounds."),
    "unknown": N_(
        "Forecast: not known yet (it needs an assessment round on an earlier day and a go-live "
        "date)."
    ),
}


def forecast_line(digest: Digest, t: Mapping[str, str]) -> str | None:
    """Return the digest's one line on the unit's forecast, worded; None without one."""
    found = digest.forecast
    if found is None:
        return None
    return t[found.forecast].format(
        projected=found.projected.isoformat() if found.projected else "–",
        go_live=digest.go_live.isoformat() if digest.go_live else "–",
        days=found.days_late,
    )


@dataclass(frozen=True)
class DigestNames:
    """What the digest's ids are called in the user's language."""

    checklist_id: str
    checklist: str  # its title
    questions: Mapping[str, str]
    courses: Mapping[str, str]
    roles: Mapping[str, str]
    items: Mapping[str, str]
    owners: Mapping[str, str] = field(default_factory=dict)  # question owners by name
    indicators: Mapping[str, str] = field(default_factory=dict)  # hypercare's, by name


def digest_context(digest: Digest, names: DigestNames, lang: str) -> dict[str, Any]:
    """Return the template context of a digest: every line already worded, so the text and
    HTML templates only lay them out."""
    t = words_in(LABELS, lang)

    def due_line(item: Any) -> dict[str, Any]:
        days = item.days_left
        when = (
            t["due"].format(due=item.due.isoformat(), days=-days)
            if days <= 0
            else t["due_ahead"].format(due=item.due.isoformat(), days=days)
        )
        extra = [when]
        if item.owner:
            extra.append(f"{t['owner']}: {names.owners.get(item.owner, item.owner)}")
        if item.waiver_until:
            extra.append(
                t["waived"].format(until=item.waiver_until.isoformat(), reason=item.waiver_reason)
            )
        return {
            "id": item.question,
            "text": names.questions.get(item.question, item.question),
            "detail": "; ".join(extra),
        }

    def gap_line(gap: Any) -> dict[str, Any]:
        offers = [
            f"{o.session}: {time_span(o.start, o.end)}"
            + (f", {o.location}" if o.location else "")
            + " ("
            + ngettext("{free} free", "{free} free", o.free).format(free=o.free)
            + ")"
            for o in gap.offers
        ]
        if gap.booked:
            detail = t["booked"].format(session=gap.booked)
        elif offers:
            detail = f"{t['offers']}: " + "; ".join(offers)
        else:
            detail = t["no_offers"]
        return {
            "person": gap.name or t["erased"],
            "id": gap.person,
            "role": names.roles.get(gap.role, gap.role),
            "course": names.courses.get(gap.course, gap.course),
            "detail": detail,
        }

    def item_line(state: Any) -> dict[str, Any]:
        work = [
            t[key].format(n=n)
            for key, n in (
                ("procure", state.to_procure),
                ("configure", state.to_configure),
                ("test", state.to_test),
            )
            if n
        ]
        return {
            "id": state.item,
            "text": names.items.get(state.item, state.item),
            "detail": ", ".join(work),
        }

    unit = digest.unit
    sections = [
        ("blockers", t["blockers"], [due_line(i) for i in digest.blockers]),
        ("overdue", t["overdue"], [due_line(i) for i in digest.overdue]),
        (
            "due_soon",
            t["due_soon"].format(within=digest.within),
            [due_line(i) for i in digest.due_soon],
        ),
        (
            "waivers_ending",
            t["waivers_ending"],
            [
                {
                    "id": w.question,
                    "text": names.questions.get(w.question, w.question),
                    "detail": t["until"].format(until=w.until.isoformat(), reason=w.reason),
                }
                for w in digest.waivers_ending
            ],
        ),
        ("equipment", t["equipment"], [item_line(s) for s in digest.equipment]),
        (
            "unattested",
            t["unattested"],
            [
                {
                    "id": q,
                    "text": names.questions.get(q, q),
                    "detail": t["unattested_detail"],
                }
                for q in digest.unattested
            ],
        ),
        (
            "inconsistent",
            t["inconsistent"],
            [
                {
                    "id": q,
                    "text": names.questions.get(q, q),
                    "detail": t["waits_for"].format(
                        prerequisite=names.questions.get(p.lstrip("^"), p)
                    ),
                }
                for q, p in digest.inconsistent
            ],
        ),
    ]
    if digest.hypercare_missing and digest.hypercare_day is not None:
        sections.insert(
            0,
            (
                "hypercare",
                t["hypercare"].format(day=digest.hypercare_day.isoformat()),
                [
                    {
                        "id": i,
                        "text": names.indicators.get(i, i),
                        "detail": t["hypercare_detail"],
                    }
                    for i in digest.hypercare_missing
                ],
            ),
        )
    commands = [
        f"fvm checklist score {names.checklist_id} --unit {unit.id}",
        f"fvm checklist answer {names.checklist_id} --unit {unit.id}",
    ]
    if digest.hypercare_missing and digest.hypercare_day is not None:
        commands.append(
            f"fvm hypercare record {unit.id} {digest.hypercare_missing[0]} VALUE "
            f"--day {digest.hypercare_day.isoformat()}"
        )
    return {
        "lang": lang,
        "t": t,
        "subject": subject(digest, lang),
        "intro": t["intro"].format(
            unit=unit.name, day=digest.as_of.isoformat(), checklist=names.checklist
        ),
        "unit": unit,
        "forecast": forecast_line(digest, t),
        "sections": [(key, title, lines) for key, title, lines in sections if lines],
        "training": [gap_line(g) for g in digest.training],
        "commands": commands,
    }


def one_line(text: str) -> str:
    """Return ``text`` on one line, control characters gone: a header value may hold no line
    break (a name typed into a multi-line spreadsheet cell would otherwise stop the send)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def subject(digest: Digest, lang: str) -> str:
    """Return the message's subject line."""
    return one_line(words_in(LABELS, lang)["subject"].format(unit=digest.unit.name))


def _address(recipient: Recipient) -> Address:
    return Address(display_name=one_line(recipient.name or ""), addr_spec=recipient.email)


def compose(
    digest: Digest,
    names: DigestNames,
    lang: str,
    *,
    sender: str,
    to: Sequence[Recipient],
    template_dirs: Sequence[Path],
    sent: datetime,
) -> EmailMessage:
    """Return the digest as a multipart/alternative message (text, then HTML) from ``sender``
    to ``to``, dated ``sent``. Headers with å, ä, ö are encoded as RFC 2047 words; the bodies
    are UTF-8."""
    from fvmcli.render.templates import render

    context = digest_context(digest, names, lang)
    message = EmailMessage()
    message["Subject"] = context["subject"]
    message["From"] = sender
    message["To"] = [_address(r) for r in to]
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = make_msgid("fvm", domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = lang
    message.set_content(render(template_dirs, "remind.txt.j2", context), cte="quoted-printable")
    message.add_alternative(render(template_dirs, "remind.html.j2", context), subtype="html")
    return message
