"""The readable summary of one unit's score: sections as bars, blockers, overdue, waivers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fvmcli.cli.output import STATUS_STYLE, Shown, say, show
from fvmcli.core.scoring import QuestionResult, UnitScore
from fvmcli.i18n import _
from fvmcli.render.checklist_sheet import status_reason_text
from fvmcli.render.columns import Column
from fvmcli.render.values import fraction_shown, percent_shown, waiver_text, word

if TYPE_CHECKING:
    from fvmcli.services.answers import ScoreView


def bar(fraction: float | None, width: int = 24) -> str:
    """Return a bar of ``width`` cells filled to ``fraction`` (``n/a`` for None)."""
    if fraction is None:
        return _("n/a")
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def band_style(fraction: float | None, green: float, amber: float) -> str | None:
    """Return the colour of a score: green from the checklist's ``green`` threshold, yellow
    from its ``amber``, else red (dim when there is no score)."""
    if fraction is None:
        return "dim"
    return "green" if fraction >= green else "yellow" if fraction >= amber else "red"


SECTIONS = (
    Column("title", "section", shrink=True),
    Column("bar", "", shrink=False),
    Column("score", "score", fraction_shown),
    Column("answered", "answered"),
)


def score_view(view: ScoreView, lang: str) -> Shown:
    """Return ``checklist score``: the ``cli.md`` document, and the summary for people."""
    readiness = view.readiness
    return Shown(
        lambda: score_json(readiness.unit.id, readiness.score), lambda: print_score(view, lang)
    )


def print_score(view: ScoreView, lang: str) -> None:
    """Print the unit's score for a person."""
    checklist, readiness = view.checklist, view.readiness
    score = readiness.score
    unit = readiness.unit
    say(
        _("{name} ({id}) · {lang} v{version} · as of {as_of}").format(
            name=unit.name,
            id=unit.id,
            lang=checklist.title.get(lang),
            version=checklist.version,
            as_of=score.as_of.isoformat(),
        ),
        "bold",
    )
    go_live = readiness.go_live.isoformat() if readiness.go_live else _("not set")
    say(
        _("Status: ")
        + word(score.status).upper()
        + _("   score {score}   completeness {completeness}").format(
            score=percent_shown(score.score * 100, 1),
            completeness=percent_shown(score.completeness * 100),
        )
        + _("   go-live {go_live}").format(go_live=go_live),
        f"bold {STATUS_STYLE[score.status]}",
    )
    if score.reason is not None:
        say(status_reason_text(score.reason), "dim")
    rows = []
    for result in score.sections:
        section = checklist.section(result.id)
        rows.append(
            {
                "title": section.title.get(lang) if section else result.id,
                "bar": bar(result.score),
                "score": result.score,
                "answered": f"{result.answered}/{result.applicable}",
            }
        )
    show(
        SECTIONS,
        rows,
        styles=[band_style(r.score, checklist.green, checklist.amber) for r in score.sections],
    )

    texts = {q.id: q.text.get(lang) for q in checklist.questions}
    for label, items, style in (
        (_("Blockers"), score.blockers, "red"),
        # Each item once: the blockers are overdue too, and listed above.
        (_("Overdue, besides the blockers"), [r for r in score.overdue if not r.blocker], "yellow"),
    ):
        if not items:
            continue
        say(f"{label} ({len(items)})", f"bold {style}")
        for r in items:
            due = r.due.isoformat() if r.due else _("no date")
            days = (score.as_of - r.due).days if r.due else 0
            line = _("  {id}  due {due} ({days} days ago)  {texts}").format(
                id=r.question.id, due=due, days=days, texts=texts[r.question.id]
            )
            if r.waiver is not None:  # overdue, but waived: not a blocker until it ends
                line += "  " + _("[waived until {until}]").format(until=r.waiver.until.isoformat())
            say(line)
    if score.waived:
        say(_("Waived ({count})").format(count=len(score.waived)), "bold")
        for r in score.waived:
            assert r.waiver is not None
            waiver = {"until": r.waiver.until.isoformat(), "reason": r.waiver.reason}
            shown = {**waiver, "by": r.waiver.by, "approved_by": r.waiver.approved_by}
            say(f"  {r.question.id}  " + waiver_text(shown))
    if score.stale:
        say(_("Needs confirmation ({count})").format(count=len(score.stale)), "bold yellow")
        for r in score.stale:
            say(
                _(
                    "  {id}  said {value!r} before the question changed (version "
                    "{revised}); confirm it or answer again"
                ).format(id=r.question.id, value=r.value, revised=r.question.revised)
            )
    _print_checks(score, texts)
    cov = readiness.evidence.coverage
    if cov.percent is not None:
        say(
            _(
                "Training coverage {percent} ({completed} of {required} required "
                "courses, {people} people)"
            ).format(
                percent=percent_shown(cov.percent, 1),
                completed=cov.completed,
                required=cov.required,
                people=cov.people,
            )
        )


def _print_checks(score: UnitScore, texts: dict[str, str]) -> None:
    """Print what four eyes, prerequisites and evidence age say of the unit's answers."""
    awaiting = [r for r in score.questions if r.unattested]
    if awaiting:
        say(_("Awaiting attestation ({count})").format(count=len(awaiting)), "bold yellow")
        for r in awaiting:
            say(f"  {r.question.id}  {texts[r.question.id]}")
    rejected = [r for r in score.questions if r.rejected]
    if rejected:
        say(_("Rejected, counts as unanswered ({count})").format(count=len(rejected)), "bold red")
        for r in rejected:
            say(f"  {r.question.id}  {texts[r.question.id]}")
    waiting = [r for r in score.questions if r.waiting_for]
    if waiting:
        say(_("Waiting for a prerequisite ({count})").format(count=len(waiting)), "bold")
        for r in waiting:
            mark = _(" – inconsistent: answered before it") if r.inconsistent else ""
            say(
                _("  {id}  waits for {prerequisites}{mark}").format(
                    id=r.question.id, prerequisites=", ".join(r.waiting_for), mark=mark
                )
            )
    if score.evidence_age_days is not None:
        say(
            _("Evidence age: {days} days (oldest answer behind the score: {day}){old}").format(
                days=score.evidence_age_days,
                day=score.oldest_evidence.isoformat() if score.oldest_evidence else "",
                old=_(" – older than the checklist allows") if score.evidence_old else "",
            ),
            "yellow" if score.evidence_old else None,
        )


def json_value(result: QuestionResult) -> Any:
    """Return the answer as JSON: numbers for percent and number questions."""
    value = result.value
    if value is not None and result.question.type in ("percent", "number") and value != "n/a":
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def score_json(unit_id: str, score: UnitScore) -> dict[str, Any]:
    """Return the ``fvm checklist score --json`` document of ``cli.md``."""
    return {
        "unit": unit_id,
        "checklist": score.checklist,
        "version": score.version,
        "as_of": score.as_of.isoformat(),
        "score": score.score,
        "status": score.status,
        "completeness": score.completeness,
        "sections": [
            {
                "id": s.id,
                "score": s.score,
                "weight": s.weight,
                "answered": s.answered,
                "applicable": s.applicable,
            }
            for s in score.sections
        ],
        "questions": [
            {
                "id": r.question.id,
                "section": r.question.section,
                "value": json_value(r),
                "credit": r.credit,
                "due": r.due.isoformat() if r.due else None,
                "overdue": r.overdue,
                "critical": r.question.critical,
                "derived": r.question.derived,
                "waived": r.waiver is not None,
                "stale": r.stale,
                "attest": r.question.attest,
                "unattested": r.unattested,
                "rejected": r.rejected,
                "waiting_for": list(r.waiting_for),
                "inconsistent": r.inconsistent,
            }
            for r in score.questions
        ],
        "blockers": [
            {"question": r.question.id, "due": r.due.isoformat() if r.due else None}
            for r in score.blockers
        ],
        "overdue": [
            {"question": r.question.id, "due": r.due.isoformat() if r.due else None}
            for r in score.overdue
        ],
        "waived": [
            {
                "question": r.question.id,
                "reason": r.waiver.reason,
                "until": r.waiver.until.isoformat(),
                "by": r.waiver.by,
                "approved_by": r.waiver.approved_by,
            }
            for r in score.questions
            if r.waiver is not None
        ],
        "unattested": score.unattested_count,
        "inconsistent": score.inconsistent_count,
        "evidence_age_days": score.evidence_age_days,
        "evidence_old": score.evidence_old,
        "stale": [r.question.id for r in score.stale],
        "reason": score.reason.as_dict() if score.reason else None,
    }
