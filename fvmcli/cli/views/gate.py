"""How ``fvm gate`` shows an evaluation, a proposal with its votes and decision, and the list."""

from __future__ import annotations

from typing import Any

from fvmcli.cli.output import Listing, Shown, say, show
from fvmcli.core.gate import Gate
from fvmcli.i18n import _
from fvmcli.render.columns import Column
from fvmcli.render.values import number_shown, word
from fvmcli.services.gate import GateEvaluation

CRITERIA = (
    Column("id", "id", table=False),
    Column("text", "criterion", shrink=True),
    Column("required", "required", lambda r: _("yes") if r else _("advisory")),
    Column("met", "met", lambda m: _("yes") if m else _("NO")),
    Column("value", "value", lambda v: number_shown(round(v, 4))),
    Column("threshold", "threshold", lambda v: number_shown(v)),
    Column(
        "units", "units behind a failure", lambda u: ", ".join(u[:8]) + (" …" if len(u) > 8 else "")
    ),
    Column("kind", "kind", table=False),
)


def evaluation_view(found: GateEvaluation, gate: Gate, lang: str) -> Shown:
    """Return the criteria, worst first, and the verdict."""
    document = found.document()
    texts = {c.id: c.text.get(lang) for c in gate.criteria}
    rows = [{**c, "text": texts.get(c["id"], c["id"])} for c in document["criteria"]]

    def printer() -> None:
        go_live = found.go_live.isoformat() if found.go_live else _("not set")
        show(
            CRITERIA,
            rows,
            title=_("Phase {phase} as of {day}, go-live {go_live}: {verdict}").format(
                phase=found.phase,
                day=found.as_of.isoformat(),
                go_live=go_live,
                verdict=word(found.verdict).upper(),
            ),
            styles=[
                None if r["met"] else ("bold red" if r["required"] else "yellow") for r in rows
            ],
        )

    return Shown(lambda: document, printer, Listing(CRITERIA, rows))


def shown_view(found: dict[str, Any], gate: Gate, lang: str) -> Shown:
    """Return a proposal with its votes and decision."""

    def printer() -> None:
        say(
            _("{label} · phase {phase} as of {day} · the criteria said {verdict}").format(
                label=found["label"],
                phase=found["phase"],
                day=found["as_of"],
                verdict=word(found["verdict"]),
            ),
            "bold",
        )
        say(_("Evidence digest: {digest}").format(digest=found["digest"]))
        for role in gate.roles:
            cast = next((v for v in found["votes"] if v["role"] == role.id), None)
            shown = word(cast["vote"]) if cast else _("has not voted")
            by = f" ({cast['by']})" if cast else ""
            note = f": {cast['comment']}" if cast and cast["comment"] else ""
            say(f"  {role.name.get(lang)}{by}: {shown}{note}")
        decided = found["decision"]
        if decided is None:
            say(_("No decision yet."))
            return
        say(
            _("Decision: {decision} by {by} at {at}").format(
                decision=word(decided["decision"]), by=decided["by"], at=decided["at"]
            ),
            "bold",
        )
        for condition in decided["conditions"]:
            say(_("  condition: {condition}").format(condition=condition))
        if decided["against_criteria"]:
            say(
                _("Against the criteria: {criteria}. Reason: {reason}").format(
                    criteria=", ".join(decided["against_criteria"]), reason=decided["reason"]
                ),
                "bold red",
            )

    return Shown(lambda: found, printer)


PROPOSALS = (
    Column("label", "label"),
    Column("phase", "phase"),
    Column("as_of", "as of"),
    Column("verdict", "criteria", word),
    Column("decision", "decision", word),
    Column("digest", "digest", lambda d: d[:12] + "…", table=True),
)


def list_view(found: list[dict[str, Any]]) -> Listing:
    """Return the proposals as a listing."""
    return Listing(PROPOSALS, found, title=_("Go/no-go proposals"))
