"""How ``fvm remind`` shows what became of each unit's digest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fvmcli.cli.output import Listing, Shown, say, warn
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import Column
from fvmcli.render.values import word

OUTCOMES = (
    Column("unit", "unit"),
    Column("name", "name"),
    Column("state", "state", word),
    # By name where people read (ids in JSON and CSV).
    Column("recipients", "recipients", cell=lambda r: ", ".join(r["recipient_names"]) or "–"),
    Column("blockers", "blockers"),
    Column("overdue", "overdue"),
    Column("due_soon", "due soon"),
    Column("training_gaps", "training"),
    Column("equipment_items", "equipment"),
    Column("refused", "refused", lambda r: "; ".join(r) or ""),
)
STATE_STYLE = {
    "sent": "green",
    "would-send": None,
    "already-sent": "dim",
    "no-recipient": "yellow",
    "refused": "red",
    "not-sent": "red",
}


def recipient_names(outcome: Any) -> list[str]:
    """Return the recipients of a unit's digest as a person reads them: each person's name
    (else address), and the unit's own mailbox as such."""
    from fvmcli.core.digest import UNIT_MAILBOX

    known = {r.key: r for r in outcome.digest.recipients}
    shown = []
    for key in outcome.recipients:
        found = known.get(key)
        if key == UNIT_MAILBOX:
            email = found.email if found else "–"
            shown.append(_("the unit's mailbox ({email})").format(email=email))
        else:
            shown.append((found.name or found.email) if found else key)
    return shown


def reminders_view(done: Any, folder: Path | None, written: list[Path]) -> Shown:
    """Return ``fvm remind``: a row per unit with something to report, the files a dry run
    wrote to ``folder`` (``written``), and one line of counts."""
    rows = [{**o.as_dict(), "recipient_names": recipient_names(o)} for o in done.outcomes]
    listing = Listing(
        OUTCOMES,
        rows,
        title=_("Reminders of {day}").format(day=done.day.isoformat())
        + (_(" (dry run: nothing sent)") if done.dry_run else ""),
        styles=[STATE_STYLE[r["state"]] for r in rows],
    )

    def printed() -> None:
        if folder is not None:
            _say_written(folder, written)
        if rows:
            listing.show()
        say(_summary(done))

    return Shown(done.as_json, printed, listing)


def _say_written(folder: Path, written: list[Path]) -> None:
    if written:
        say(
            ngettext(
                "Wrote {written} message to {folder}",
                "Wrote {written} messages to {folder}",
                len(written),
            ).format(written=len(written), folder=folder)
        )
    else:
        warn(_("No message to write to {folder}.").format(folder=folder))


def _summary(done: Any) -> str:
    """Return the one line that says what the run did."""
    parts = [
        f"{n} {label}"
        for n, label in (
            (done.count("sent"), _("sent")),
            (done.count("would-send"), _("would be sent")),
            (done.count("already-sent"), _("already sent today")),
            (done.count("no-recipient"), _("without a recipient")),
            (done.count("refused"), _("refused")),
            (done.count("not-sent"), _("not sent")),
            (done.quiet, _("with nothing to report")),
        )
        if n
    ]
    return _("Units: {counts}.").format(counts=", ".join(parts) if parts else _("none selected"))
