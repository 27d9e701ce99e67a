"""How ``fvm checklist`` shows checklists, questions and a unit's history."""

from __future__ import annotations

from typing import Any

from fvmcli.cli.output import Listing, Shown, say
from fvmcli.i18n import _
from fvmcli.render.columns import Column, with_names
from fvmcli.render.values import local_time, number_shown, word

CHECKLISTS = (
    Column("id", "id"),
    Column("version", "version"),
    Column("title", "title"),
    Column("sections", "sections"),
    Column("questions", "questions"),
)
QUESTIONS = (  # in the order of the JSON's keys (``checklist show --json``)
    # The question's text is the point: at a narrow terminal the owner, type and weight go
    # before it is cut below 30 characters; the id, the text and critical stay.
    Column("id", "id", drop=0),
    Column("section", "section", table=False),
    Column("type", "type", word, drop=4),
    Column("text", "question", drop=0, least=30),
    Column("help", "help", table=False),
    Column("weight", "weight", number_shown, drop=3),
    Column("critical", "critical", lambda c: _("yes") if c else "", drop=0),
    Column("due", "due", drop=2),
    Column("owner", "owner", drop=5),
    Column("allow_na", "allow_na", table=False),
    Column("evidence", "evidence", table=False),
    Column("source", "source", table=False),
    Column("target", "target", table=False),
    Column("options", "options", table=False),
    Column("applies_to", "applies_to", table=False),
    Column("when", "when", table=False),
)


def _who(row: Any) -> str:
    """Return who made a change: the name, or the login and on whose behalf."""
    if row["on_behalf"]:
        return _("{login} for {by}").format(login=row["login"], by=row["by"])
    return str(row["by"])


HISTORY = (
    Column("at", "at", lambda at: local_time(at) or ""),
    Column("by", "by", cell=_who),
    Column("kind", "kind", word),
    Column("question", "question", shrink=False),
    Column("previous", "previous", table=False),
    Column("value", "value", table=False),
    Column("previous_shown", "previous", data=False),
    Column("value_shown", "value", data=False),
    Column("comment", "comment"),
    Column("version", "version", table=False),
    Column("login", "login", table=False),
    Column("on_behalf", "on behalf", table=False),
    Column("key", "device key", table=False),
)


def checklists_view(rows: list[dict[str, Any]]) -> Listing:
    """Return ``checklist list``."""
    return Listing(CHECKLISTS, rows, title=_("Checklists"))


def checklist_view(found: Any) -> Shown:
    """Return ``checklist show``: a table of questions per section."""

    columns = with_names(QUESTIONS, {"owner": found.owners})  # the JSON and CSV keep ids

    def printed() -> None:
        c, lang = found.checklist, found.lang
        say(
            _("{lang} ({id}, version {version})").format(
                lang=c.title.get(lang), id=c.id, version=c.version
            ),
            "bold",
        )
        for section in c.sections:
            Listing(
                columns,
                found.in_section(section.id),
                title=_("{title} (--section {id}, weight {weight})").format(
                    title=section.title.get(lang),
                    id=section.id,
                    weight=number_shown(section.weight),
                ),
            ).show()

    return Shown(found.as_json, printed, Listing(QUESTIONS, found.questions))


def history_view(rows: list[dict[str, Any]], unit_id: str, checklist_id: str) -> Listing:
    """Return ``checklist history``."""
    return Listing(
        HISTORY,
        rows,
        title=_("History of {unit_id} on {checklist_id}").format(
            unit_id=unit_id, checklist_id=checklist_id
        ),
    )


def walk_summary(outcome: Any, unit_id: str) -> str:
    """Return the line that ends ``checklist answer``: what the sitting stored, kept and
    skipped, or that every question was answered already."""
    if outcome.already_complete:
        return _("Every question for {unit_id} is answered. Use --all to revisit them.").format(
            unit_id=unit_id
        )
    return _(
        "{saved} answers saved or changed, {kept} kept as they were, {skipped} skipped."
    ).format(saved=outcome.saved, kept=outcome.kept, skipped=outcome.skipped)
