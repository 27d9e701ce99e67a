"""How ``fvm checklist attest`` shows attested answers and the worklist of pending ones."""

from __future__ import annotations

from fvmcli.cli.output import Listing, Shown, say
from fvmcli.i18n import N_, _
from fvmcli.render.columns import Column
from fvmcli.render.values import answer_word, local_time
from fvmcli.services.four_eyes import Attested, Pending

# Four eyes on a personal file: the names are typed, not logins (README, "Four eyes").
UNPROVEN = N_(
    "Note: this database does not check logins (a personal SQLite file, or a shared one before "
    "'fvm access init'), so fvm cannot prove who is who: the four eyes rest on the names given "
    "(--by, FVM_USER)."
)

PENDING = (
    Column("unit", "unit id", table=False),
    Column("unit_name", "unit", shrink=True),
    Column("question", "question", shrink=False),
    Column("value", "answer", cell=lambda p: p["label"] or answer_word(p["value"])),
    Column("by", "answered by"),
    Column("at", "answered", lambda at: local_time(at) or ""),
)


def pending_view(found: list[Pending]) -> Listing:
    """Return the worklist of answers awaiting attestation."""
    return Listing(
        PENDING,
        [vars(p) for p in found],
        title=_("Answers awaiting attestation: {count}").format(count=len(found)),
    )


def attested_view(done: Attested) -> Shown:
    """Return what was attested or rejected."""

    def printer() -> None:
        message = (
            _("Rejected for {unit}: {questions}. They count as unanswered until answered again.")
            if done.state == "rejected"
            else _("Attested for {unit}: {questions}.")
        )
        say(message.format(unit=done.unit, questions=", ".join(done.questions)))
        unproven_note(done.proven)

    return Shown(
        lambda: {"unit": done.unit, "questions": list(done.questions), "state": done.state},
        printer,
    )


def unproven_note(proven: bool) -> None:
    """Say, after a second person's word on a database that does not check logins, that fvm
    cannot prove who is who."""
    if not proven:
        say(_(UNPROVEN))
