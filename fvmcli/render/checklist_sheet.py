"""The context of a printed checklist: blank for a paper round, or filled for a unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.core.deadlines import due_date
from fvmcli.core.model import NA, Answer, Checklist, Question, Territory, Unit
from fvmcli.core.score_plan import applies_by_type
from fvmcli.core.scoring import StatusReason, UnitScore
from fvmcli.i18n import N_, _, words_in
from fvmcli.render.values import local_time, percent_shown, percent_text, word

LABELS = {
    "yes": N_("Yes"),
    "no": N_("No"),
    "partial": N_("Partly"),
    NA: N_("Not applicable"),
    "stale": N_("the question changed – confirm the answer"),
    "unit": N_("Unit"),
    "phase": N_("Phase"),
    "go_live": N_("Go-live"),
    "not_set": N_("not set"),
    "due": N_("Due"),
    "answer": N_("Answer"),
    "comment": N_("Comment / evidence"),
    "by": N_("Answered by"),
    "critical": N_("Critical"),
    "owner": N_("Owner"),
    "signoff": N_("Sign-off"),
    "name": N_("Name"),
    "date": N_("Date"),
    "signature": N_("Signature"),
    "score": N_("Score"),
    "status": N_("Status"),
    "completeness": N_("Answered"),
    "printed": N_("Printed"),
    "question": N_("Question"),
    "computed": N_("Computed by the toolkit"),
    "version": N_("version"),
    "evidence": N_("evidence required"),
    "blank": N_("Form for a walk-through"),
    "when": N_("Answer if"),
    "is": N_("is"),
    "applies": N_("Applies to"),
    "waived": N_("Waived until {until}: {reason}"),
    "checklist_version": N_("Checklist version"),
    "attested_by": N_("Attested by"),
    "awaiting": N_("Awaiting a second person's attestation"),
    "rejected": N_("Attestation rejected: counts as unanswered"),
    "waits": N_("Waits for {prerequisites}"),
    "inconsistent": N_("inconsistent: answered before it"),
    "checks": N_("Before signing"),
}


@dataclass(frozen=True)
class SheetUnit:
    """What a filled sheet knows of the unit."""

    unit: Unit
    go_live: date | None
    answers: dict[str, Answer]
    score: UnitScore


def choices(question: Question, lang: str) -> list[str]:
    """Return the answers a person picks from, as labels in ``lang`` (empty: typed)."""
    words = words_in(LABELS, lang)
    if question.type == "choice":
        values = [o.label.get(lang) for o in question.options]
    elif question.type == "yes-partial-no":
        values = [words["yes"], words["partial"], words["no"]]
    elif question.type == "yes-no":
        values = [words["yes"], words["no"]]
    else:
        values = []
    if values and question.allow_na:
        values.append(words[NA])
    return values


def answer_label(question: Question, value: str | None, lang: str) -> str | None:
    """Return a stored answer as the label a person reads (``yes`` → ``Ja``, a percentage
    ``46.666667`` → ``47 %``)."""
    if value is None:
        return None
    option = question.option(value) if question.type == "choice" else None
    if option is not None:
        return option.label.get(lang)
    if question.type == "percent" and value != NA:
        try:
            return percent_text(float(value))
        except ValueError:
            return value
    return words_in(LABELS, lang).get(value, value)


def sheet_context(
    checklist: Checklist,
    territory: Territory,
    lang: str,
    printed: date,
    filled: SheetUnit | None = None,
    go_live: date | None = None,
    owners: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Return the template context: sections with their questions, due dates and answers;
    question owners by their names (``owners``)."""
    unit = filled.unit if filled else None
    if filled is not None:
        go_live = filled.go_live
        results = {r.question.id: r for r in filled.score.questions}
        values = {q: a.value for q, a in filled.answers.items()}
        # On paper, a follow-up whose `when` question is still unanswered is listed too.
        pending = {
            q.id
            for q in checklist.questions
            if q.when is not None
            and q.when.question in results
            and q.when.question not in values
            and applies_by_type(checklist, q, filled.unit.type)
        }
        questions = [q for q in checklist.questions if q.id in results or q.id in pending]
    else:
        results = {}
        questions = list(checklist.questions)
    sections = []
    for section in checklist.sections:
        rows = []
        for q in (q for q in questions if q.section == section.id):
            result = results.get(q.id)
            answer = filled.answers.get(q.id) if filled else None
            unattested = bool(result and result.unattested)
            rows.append(
                {
                    "id": q.id,
                    "text": q.text.get(lang),
                    "help": q.help.get(lang) if q.help else None,
                    "type": q.type,
                    "choices": choices(q, lang),
                    # A typed answer that may be n/a: the blank sheet offers it beside the line.
                    "na": words_in(LABELS, lang)[NA]
                    if q.allow_na and not choices(q, lang)
                    else None,
                    "critical": q.critical,
                    "owner": (owners or {}).get(q.owner, q.owner) if q.owner else None,
                    "due_offset": str(q.due),
                    "due": due_date(go_live, q.due),
                    "derived": q.derived,
                    "evidence": q.evidence == "required",
                    "applies_to": [
                        territory.unit_types[t].get(lang)
                        for t in q.applies_to
                        if t in territory.unit_types
                    ]
                    if q.applies_to
                    else None,
                    "when": {
                        "question": q.when.question,
                        "values": [words_in(LABELS, lang).get(v, v) for v in q.when.values],
                    }
                    if q.when
                    else None,
                    "answer": answer_label(q, result.value if result else None, lang),
                    "comment": answer.comment if answer else None,
                    "by": answer.by if answer else None,
                    "at": local_time(answer.at) if answer else None,
                    "overdue": bool(result and result.overdue),
                    "waived": bool(result and result.waiver),
                    "waiver": {
                        "reason": result.waiver.reason,
                        "until": result.waiver.until.isoformat(),
                    }
                    if result and result.waiver
                    else None,
                    "stale": bool(result and result.stale),
                    # Four eyes: who attested the answer, or that it awaits a second person.
                    "attested_by": answer.attested_by
                    if answer and answer.attestation == "attested" and not unattested
                    else None,
                    "awaiting": unattested,
                    "rejected": bool(result and result.rejected),
                    "waiting_for": list(result.waiting_for) if result else [],
                    "inconsistent": bool(result and result.inconsistent),
                }
            )
        if rows:
            sections.append({"id": section.id, "title": section.title.get(lang), "rows": rows})
    return {
        "lang": lang,
        "t": words_in(LABELS, lang),
        "title": checklist.title.get(lang),
        "checklist": checklist,
        "unit": unit,
        "area": territory.areas[unit.area].name.get(lang) if unit else None,
        "phase": territory.phase_of(unit.area) if unit else None,
        "unit_type": territory.unit_types[unit.type].get(lang) if unit else None,
        "go_live": go_live,
        "score": filled.score if filled else None,
        "status_word": word(filled.score.status) if filled else None,
        "reason": status_reason_text(filled.score.reason)
        if filled and filled.score.reason
        else None,
        # what ``checklist score`` warns of: attestations awaited, prerequisites waited for
        "awaiting": [r.question.id for r in filled.score.questions if r.unattested]
        if filled
        else [],
        "waiting": [
            {"id": r.question.id, "for": ", ".join(r.waiting_for), "inconsistent": r.inconsistent}
            for r in filled.score.questions
            if r.waiting_for
        ]
        if filled
        else [],
        "sections": sections,
        "printed": printed,
    }


def status_reason_text(reason: StatusReason) -> str:
    """Return why a unit has its status, for a person."""
    listed = ", ".join(reason.questions)
    if reason.rule == "blocker":
        return _("Red: overdue critical question(s) {listed}").format(listed=listed)
    if reason.rule == "not-started":
        return _("Not started: no question is answered by a person yet")
    band = (
        _("score {score} below {threshold}").format(
            score=percent_shown(reason.score * 100, 1),
            threshold=percent_shown(reason.threshold * 100),
        )
        if reason.score is not None and reason.threshold is not None
        else ""
    )
    if reason.rule == "score-below-amber":
        return _("Red: {band}").format(band=band)
    if reason.rule == "score-below-green":
        return _("Amber: {band}").format(band=band) + (
            _("; critical below full credit: {listed}").format(listed=listed) if listed else ""
        )
    if reason.rule == "critical-below-full":
        return _("Amber: critical question(s) below full credit: {listed}").format(listed=listed)
    if reason.rule == "unattested":
        return _("Amber: awaiting a second person's attestation: {listed}").format(listed=listed)
    if reason.rule == "inconsistent":
        pairs = ", ".join(
            _("{question} (waits for {prerequisite})").format(question=q, prerequisite=p)
            for q, p in reason.pairs
        )
        return _("Amber: answered while a prerequisite is not done: {pairs}").format(pairs=pairs)
    return _("Green: every rule is met")
