"""What became of each unit's reminder digest in a run of ``fvm remind``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fvmcli.core.digest import Digest
from fvmcli.i18n import _

# What happened to a unit's digest.
SENT = "sent"
WOULD_SEND = "would-send"  # --dry-run
ALREADY_SENT = "already-sent"  # every recipient had today's digest (see --resend)
NO_RECIPIENT = "no-recipient"
REFUSED = "refused"  # the server refused every recipient
NOT_SENT = "not-sent"  # the server went away before this unit's turn


@dataclass(frozen=True)
class ReminderOutcome:
    """One unit with something to report, and what became of its digest."""

    unit: str
    name: str
    state: str
    digest: Digest
    recipients: tuple[str, ...] = ()  # the recipients (person ids or "unit") it went to
    refused: tuple[str, ...] = ()  # recipients the server refused, with its reply
    message: bytes | None = None  # the .eml in a dry run

    def as_dict(self) -> dict[str, Any]:
        d = self.digest
        return {
            "unit": self.unit,
            "name": self.name,
            "state": self.state,
            "recipients": list(self.recipients),
            "refused": list(self.refused),
            "digest": d.fingerprint(),
            "blockers": len(d.blockers),
            "overdue": len(d.overdue),
            "due_soon": len(d.due_soon),
            "waivers_ending": len(d.waivers_ending),
            "training_gaps": len(d.training),
            "equipment_items": len(d.equipment),
        }


@dataclass(frozen=True)
class Reminders:
    """What ``fvm remind`` did (or, in a dry run, would do)."""

    day: date
    within: int
    dry_run: bool
    outcomes: list[ReminderOutcome]
    quiet: int  # selected units with nothing to report
    stopped: str | None = None  # why sending stopped halfway (the server's words)
    notes: list[str] = field(default_factory=list)

    def raise_if_failed(self) -> None:
        """Refuse a run whose digests did not reach every recipient (exit 4), naming the
        units: what was sent is recorded, so the same run again sends the rest."""
        from fvmcli.errors import EnvironmentProblem

        if not self.failed:
            return
        names = ", ".join(o.unit for o in self.failed)
        why = f" ({self.stopped})" if self.stopped else ""
        raise EnvironmentProblem(
            _("not sent to every recipient{why}: {names}").format(why=why, names=names),
            hint=_("What was sent is recorded; run the same command again to send the rest."),
        )

    @property
    def failed(self) -> list[ReminderOutcome]:
        """Return the units whose digest did not reach every recipient."""
        return [o for o in self.outcomes if o.state in (REFUSED, NOT_SENT) or o.refused]

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)

    def as_json(self) -> dict[str, Any]:
        """Return the ``remind --json`` document (see ``docs/decisions.md``)."""
        return {
            "day": self.day.isoformat(),
            "within": self.within,
            "dry_run": self.dry_run,
            "units": [o.as_dict() for o in self.outcomes],
            "summary": {
                "units": len(self.outcomes) + self.quiet,
                "nothing_to_report": self.quiet,
                **{
                    s: self.count(s)
                    for s in (SENT, WOULD_SEND, ALREADY_SENT, NO_RECIPIENT, REFUSED, NOT_SENT)
                },
            },
            "stopped": self.stopped,
        }
