"""The readable summary of one unit's score: sections as bars, blockers, overdue, waivers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from fvmcli.cli.output import STATUS_STYLE, printable, stdout
from fvmcli.core.scoring import QuestionResult, StatusReason, UnitScore
from fvmcli.i18n import N_, _
from fvmcli.render.values import fraction_shown, percent_shown, word

if TYPE_CHECKING:
    from fvmcli.services.answers import ScoreView


def bar(fraction: float | None, width: int = 24) -> Text:
    """Return a bar of ``width`` cells filled to ``fraction`` (empty for None)."""
    if fraction is None:
        return Text(_("n/a").ljust(width), style="dim")
    filled = round(fraction * width)
    style = "green" if fraction >= 0.9 else "yellow" if fraction >= 0.7 else "red"
    return Text("█" * filled, style=style) + Text("░" * (width - filled), style="dim")


def print_score(view: ScoreView, lang: str) -> None:
    """Print the unit's score for a person."""
    console = stdout()
    checklist, readiness = view.checklist, view.readiness
    score = readiness.score
    unit = readiness.unit
    header = Text(
        printable(
            _("{name} ({id}) · {lang} v{version} · as of {as_of}").format(
                name=unit.name,
                id=unit.id,
                lang=checklist.title.get(lang),
                version=checklist.version,
                as_of=score.as_of.isoformat(),
            )
        )
        + "\n",
        style="bold",
    )
    header += Text(_("Status: ")) + Text(
        word(score.status).upper(), style=f"bold {STATUS_STYLE[score.status]}"
    )
    header += Text(
        _("   score {score}   completeness {completeness}").format(
            score=percent_shown(score.score * 100, 1),
            completeness=percent_shown(score.completeness * 100),
        )
    )
    go_live = readiness.go_live.isoformat() if readiness.go_live else _("not set")
    header += Text(_("   go-live {go_live}").format(go_live=go_live))
    if score.reason is not None:
        header += Text("\n" + printable(reason_text(score.reason)), style="dim")
    console.print(header)

    sections = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    for column in (N_("section"), "", N_("score"), N_("answered")):
        sections.add_column(_(column))
    for result in score.sections:
        section = checklist.section(result.id)
        title = section.title.get(lang) if section else result.id
        shown = fraction_shown(result.score)
        sections.add_row(
            Text(printable(title)),
            bar(result.score),
            shown,
            f"{result.answered}/{result.applicable}",
        )
    console.print(sections)

    texts = {q.id: q.text.get(lang) for q in checklist.questions}
    for label, items, style in (
        (_("Blockers"), score.blockers, "red"),
        (_("Overdue"), score.overdue, "yellow"),
    ):
        if not items:
            continue
        console.print(Text(f"{label} ({len(items)})", style=f"bold {style}"))
        for r in items:
            due = r.due.isoformat() if r.due else _("no date")
            days = (score.as_of - r.due).days if r.due else 0
            console.print(
                Text(
                    printable(
                        _("  {id}  due {due} ({days} days ago)  {texts}").format(
                            id=r.question.id, due=due, days=days, texts=texts[r.question.id]
                        )
                    )
                ),
                soft_wrap=True,
            )
    if score.waived:
        console.print(Text(_("Waived ({count})").format(count=len(score.waived)), style="bold"))
        for r in score.waived:
            assert r.waiver is not None
            console.print(
                Text(
                    printable(
                        _("  {id}  until {until} by {by}: {reason}").format(
                            id=r.question.id,
                            until=r.waiver.until.isoformat(),
                            by=r.waiver.by,
                            reason=r.waiver.reason,
                        )
                    )
                ),
                soft_wrap=True,
            )
    if score.stale:
        console.print(
            Text(
                _("Needs confirmation ({count})").format(count=len(score.stale)),
                style="bold yellow",
            )
        )
        for r in score.stale:
            console.print(
                Text(
                    printable(
                        _(
                            "  {id}  said {value!r} before the question changed (version "
                            "{revised}); confirm it or answer again"
                        ).format(id=r.question.id, value=r.value, revised=r.question.revised)
                    )
                ),
                soft_wrap=True,
            )
    cov = readiness.evidence.coverage
    if cov.percent is not None:
        console.print(
            Text(
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
            }
            for r in score.questions
            if r.waiver is not None
        ],
        "stale": [r.question.id for r in score.stale],
        "reason": score.reason.as_dict() if score.reason else None,
    }


def reason_text(reason: StatusReason) -> str:
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
    return _("Green: every rule is met")
