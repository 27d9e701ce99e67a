"""Checklists as content: the list, one checklist's questions, and its printable sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from fvmcli.core.model import Checklist, Question
from fvmcli.services.context import Context

if TYPE_CHECKING:  # a checklist is content: reading one opens no database
    from fvmcli.services.readiness import UnitReadiness


def require_question(checklist: Checklist, question_id: str, option: str = "") -> Question:
    """Return the checklist's question, or refuse (exit 2) an id it does not have, naming
    the id it most likely meant; ``option`` (``--question``) prefixes the message."""
    from fvmcli.core.answers import unknown_question
    from fvmcli.errors import InputError

    question = checklist.question(question_id)
    if question is None:
        said = unknown_question(checklist, question_id)
        raise InputError(f"{option}: {said}" if option else said)
    return question


def list_checklists(ctx: Context) -> list[Checklist]:
    """Return every checklist (bundled and from --content), validated, by id."""
    from fvmcli.content.checklists import checklist_files

    return [ctx.checklist(cid) for cid in sorted(checklist_files(ctx.content))]


def checklist_rows(ctx: Context) -> list[dict[str, Any]]:
    """Return the rows ``checklist list`` shows: id, version, title, sections, questions."""
    lang = ctx.lang
    return [
        {
            "id": c.id,
            "version": c.version,
            "title": c.title.get(lang),
            "sections": len(c.sections),
            "questions": len(c.questions),
        }
        for c in list_checklists(ctx)
    ]


def question_row(q: Question, lang: str) -> dict[str, Any]:
    """Return a question as ``checklist show`` lists it, texts in ``lang``."""
    return {
        "id": q.id,
        "section": q.section,
        "type": q.type,
        "text": q.text.get(lang),
        "help": q.help.get(lang) if q.help else None,
        "weight": q.weight,
        "critical": q.critical,
        "due": str(q.due),
        "owner": q.owner,
        "allow_na": q.allow_na,
        "evidence": q.evidence,
        "source": q.source,
        "target": q.target,
        "options": [o.id for o in q.options] or None,
        "applies_to": list(q.applies_to) if q.applies_to is not None else None,
        "when": {"question": q.when.question, "in": list(q.when.values)} if q.when else None,
    }


@dataclass(frozen=True)
class ChecklistShown:
    """One checklist with its questions as rows, texts in ``lang`` (``checklist show``)."""

    checklist: Checklist
    lang: str
    questions: list[dict[str, Any]]
    owners: dict[str, str] = field(default_factory=dict)  # owner id → name, as people read it

    def in_section(self, section: str) -> list[dict[str, Any]]:
        """Return the rows of one section's questions, in order."""
        return [q for q in self.questions if q["section"] == section]

    def as_json(self) -> dict[str, Any]:
        """Return the ``checklist show --json`` document."""
        c, lang = self.checklist, self.lang
        return {
            "id": c.id,
            "version": c.version,
            "title": c.title.get(lang),
            "applies_to": list(c.applies_to) if c.applies_to else None,
            "scoring": {"green": c.green, "amber": c.amber},
            "sections": [
                {"id": s.id, "title": s.title.get(lang), "weight": s.weight} for s in c.sections
            ],
            "questions": self.questions,
        }


def show_checklist(ctx: Context, checklist_id: str) -> ChecklistShown:
    """Return a checklist's sections and questions in the user's language."""
    checklist = ctx.checklist(checklist_id)
    lang = ctx.lang
    from fvmcli.services.chains import owner_names

    rows = [question_row(q, lang) for q in checklist.questions]
    return ChecklistShown(checklist, lang, rows, owner_names(ctx))


@dataclass(frozen=True)
class SheetSource:
    """What a printable checklist shows: blank (with the due dates of a phase when known) or
    filled with a unit's answers and score."""

    checklist: Checklist
    today: date
    filled: UnitReadiness | None
    go_live: date | None


def sheet(
    ctx: Context, checklist_id: str, unit_id: str | None = None, phase: int | None = None
) -> SheetSource:
    """Return what a printable checklist of ``unit_id`` (or a blank one) shows today."""
    from fvmcli.services.readiness import unit_readiness
    from fvmcli.store.reads import go_live_dates

    checklist = ctx.checklist(checklist_id)
    today = ctx.clock.today()
    filled, go_live = None, None
    with ctx.open().read() as conn:
        if unit_id is not None:
            filled = unit_readiness(ctx, conn, checklist, unit_id, today)
        elif phase is not None:
            go_live = go_live_dates(conn).get(phase)
    return SheetSource(checklist, today, filled, go_live)


def printout(
    ctx: Context, checklist_id: str, unit_id: str | None = None, phase: int | None = None
) -> dict[str, Any]:
    """Return the template context of a printable checklist (``checklist print``): blank, or
    filled with ``unit_id``'s answers and score, in the user's language."""
    from fvmcli.render.checklist_sheet import SheetUnit, sheet_context
    from fvmcli.services.chains import owner_names

    source = sheet(ctx, checklist_id, unit_id, phase)
    r = source.filled
    filled = SheetUnit(r.unit, r.go_live, r.answers, r.score) if r else None
    return sheet_context(
        source.checklist,
        ctx.territory,
        ctx.lang,
        source.today,
        filled,
        source.go_live,
        owner_names(ctx),
    )
