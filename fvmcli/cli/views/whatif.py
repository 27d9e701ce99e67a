"""How ``fvm cutover whatif`` shows what a go-live date changes."""

from __future__ import annotations

from typing import Any

from fvmcli.cli.output import Shown, emit_table, say
from fvmcli.core.gate import Gate
from fvmcli.i18n import _
from fvmcli.render.report_cells import reason_text
from fvmcli.render.values import word
from fvmcli.services.whatif import WhatIf


def _forecast(forecast: str, reason: object) -> str:
    """Return a forecast as a word; a held unit with what holds it (``fasthållen
    (ej attesterad: org.lead)``)."""
    why = reason_text(reason) if forecast == "held" else None
    return f"{word(forecast)} ({why})" if why else word(forecast)


def whatif_view(found: WhatIf, gate: Gate, lang: str) -> Shown:
    """Return the what-if as JSON or, for people, what changes side by side."""
    document = found.document()
    names = {r.unit: r.name for r in found.real.rows}
    texts = {q.id: q.text.get(lang) for q in found.real.checklist.questions}

    def items(rows: list[dict[str, Any]], key: str, heading: str, title: str | None) -> None:
        if not rows:
            if title:
                say(title)
            return
        emit_table(
            [_("unit"), _("question"), heading],
            [
                [names.get(r["unit"], r["unit"]), texts.get(r["question"], r["question"]), r[key]]
                for r in rows
            ],
            title=title,
        )

    def printer() -> None:
        say(
            _("Phase {phase} as of {day}: go-live {real} or {moved}").format(
                phase=found.phase,
                day=found.as_of.isoformat(),
                real=document["go_live"] or _("not set"),
                moved=document["what_if"],
            ),
            "bold",
        )
        if found.units:
            emit_table(
                [_("unit"), _("status"), _("status then"), _("forecast"), _("forecast then")],
                [
                    [
                        names.get(u["unit"], u["unit"]),
                        word(u["status"]),
                        word(u["status_if"]),
                        _forecast(u["forecast"], found.reasons.get(u["unit"], (None, None))[0]),
                        _forecast(u["forecast_if"], found.reasons.get(u["unit"], (None, None))[1]),
                    ]
                    for u in found.units
                ],
                title=_("Units whose status or forecast changes: {count}").format(
                    count=len(found.units)
                ),
            )
        else:
            say(_("No unit's status or forecast changes."))
        items(
            found.items_falling_due,
            "due",
            _("due"),
            _("Items falling due: {n}").format(n=found.falling_due),
        )
        items(
            found.items_no_longer_overdue,
            "due",
            _("due"),
            _("Items no longer overdue: {n}").format(n=found.no_longer_overdue),
        )
        say(_("Waivers that would expire before go-live: {n}").format(n=found.waivers_expiring))
        items(found.waivers_expiring_list, "until", _("until"), None)
        for course, (now, then) in found.sessions.items():
            if now != then:
                say(
                    _("Sessions to add for {course}: {now} → {then}").format(
                        course=course, now=now, then=then
                    )
                )
        texts = {c.id: c.text.get(lang) for c in gate.criteria}
        for c in document["criteria"]:
            if c["met"] != c["met_if"]:
                say(
                    _("Criterion {text}: {before} → {after}").format(
                        text=texts.get(c["id"], c["id"]),
                        before=_("met") if c["met"] else _("not met"),
                        after=_("met") if c["met_if"] else _("not met"),
                    )
                )

    return Shown(lambda: document, printer)
