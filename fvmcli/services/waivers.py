"""Waivers (accepted risk): given, withdrawn, and under four eyes requested until approved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fvmcli.core.limits import MAX_TEXT
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.checklists import require_question
from fvmcli.services.context import Context
from fvmcli.services.territory import parse_day, require_right, require_unit


@dataclass(frozen=True)
class WaiverChange:
    """A waiver given (``until`` set) or withdrawn (``until`` None)."""

    unit: str
    question: str
    reason: str
    until: date | None
    needs_approval: bool = False  # four eyes: a request until another person approves it


def waive(
    ctx: Context,
    checklist_id: str,
    unit_id: str,
    question_id: str,
    *,
    reason: str,
    until: str | None,
    withdraw: bool = False,
    by: str | None = None,
) -> WaiverChange:
    """Waive one question for one unit until a date, or withdraw its waiver."""
    from fvmcli.store.answers import change_waiver

    checklist = ctx.checklist(checklist_id)
    require_question(checklist, question_id)
    if not reason.strip():
        raise InputError(_("--reason: a reason is required"))
    if len(reason) > MAX_TEXT:
        raise InputError(_("--reason: at most {MAX_TEXT} characters").format(MAX_TEXT=MAX_TEXT))
    if not withdraw and until is None:
        raise InputError(_("--until is required (the last day the waiver holds)"))
    day = None if withdraw else parse_day(ctx, until, "--until")
    with ctx.open().write() as conn:
        unit = require_unit(conn, unit_id)
        require_right(ctx, conn, "waive", [unit])
        if not change_waiver(
            conn,
            unit.id,
            checklist.id,
            question_id,
            reason.strip(),
            day,
            by=ctx.actor(by),
            at=ctx.clock.now(),
            version=checklist.version,
        ):
            raise InputError(
                _("{id} has no waiver on {question_id}").format(id=unit.id, question_id=question_id)
            )
    return WaiverChange(
        unit.id, question_id, reason.strip(), day, day is not None and ctx.territory.four_eyes
    )
