"""How ``fvm cutover whatif`` shows what a go-live date changes."""

from __future__ import annotations

from fvmcli.cli.output import Shown, emit_table, say
from fvmcli.core.gate import Gate
from fvmcli.i18n import _
from fvmcli.render.values import word
from fvmcli.services.whatif import WhatIf


def whatif_view(found: WhatIf, gate: Gate, lang: str) -> Shown:
    """Return the what-if as JSON or, for people, what changes side by side."""
    document = found.document()

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
                        u["unit"],
                        word(u["status"]),
                        word(u["status_if"]),
                        word(u["forecast"]),
                        word(u["forecast_if"]),
                    ]
                    for u in found.units
                ],
                title=_("Units whose status or forecast changes: {count}").format(
                    count=len(found.units)
                ),
            )
        else:
            say(_("No unit's status or forecast changes."))
        say(
            _("Items falling due: {due}; no longer overdue: {lifted}").format(
                due=found.falling_due, lifted=found.no_longer_overdue
            )
        )
        say(_("Waivers that would expire before go-live: {n}").format(n=found.waivers_expiring))
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
