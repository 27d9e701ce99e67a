"""How ``fvm gate`` shows an evaluation, a proposal with its votes and decision, and the list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fvmcli.cli.output import Listing, Shown, say, show
from fvmcli.cli.views.record import difference_text
from fvmcli.core.gate import Gate
from fvmcli.i18n import N_, _
from fvmcli.render.columns import Column
from fvmcli.render.gate import criterion_rows, figure_text
from fvmcli.render.values import local_time, word
from fvmcli.services.gate import GateEvaluation

NAMED = 8  # units named behind a failure before "and N more"

# What a criterion that selects no unit comes to, by the rule of scoring.md ("Gate").
NO_UNITS_RULE = {
    "units_with_status": N_("met: nothing to count against it"),
    "mean_score": N_("not met: there is no score to hold against the minimum"),
    "training_coverage": N_("not met: no training to measure"),
    "equipment_readiness": N_("met: no equipment is required"),
    "blockers": N_("met: no blockers"),
    "overdue": N_("met: nothing overdue"),
    "unattested": N_("met: nothing awaits attestation"),
}


def _figure(key: str) -> Any:
    def cell(row: Mapping[str, Any]) -> str:
        if key == "value" and row.get("selected") == 0:
            return _("no units")
        return figure_text(row.get(key), row.get("scale"))

    return cell


CRITERIA = (
    Column("id", "id", table=False),
    Column("text", "criterion", shrink=True),
    Column("required", "required", lambda r: _("yes") if r else _("advisory")),
    Column("met", "met", lambda m: _("yes") if m else _("NO")),
    Column("value", "value", cell=_figure("value")),
    Column("threshold", "threshold", cell=_figure("threshold")),
    Column("units", "units behind a failure", table=False),
    Column("kind", "kind", table=False),
)


def names_text(units: Sequence[str], names: Mapping[str, str]) -> str:
    """Return units by name, the first ``NAMED`` of them, and how many more."""
    shown = ", ".join(names.get(u, u) for u in units[:NAMED])
    more = len(units) - NAMED
    return shown + (" " + _("and {n} more").format(n=more) if more > 0 else "")


def evaluation_view(found: GateEvaluation, gate: Gate, lang: str) -> Shown:
    """Return the criteria, worst first, and the verdict; under them the units behind each
    failure by name, and what a criterion without units comes to."""
    document = found.document()
    selected = {r.criterion.id: r.selected for r in found.results}
    rows = [
        {**c, "selected": selected.get(c["id"])}
        for c in criterion_rows(document["criteria"], gate, lang)
    ]
    names = {r.unit: r.name for r in found.rows}

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
        behind = [r for r in rows if r["units"]]
        if behind:
            say(_("Units behind a failure:"), "bold")
            for r in behind:
                say(f"  {r['text']}: {names_text(r['units'], names)}")
        empty = [r for r in rows if r["selected"] == 0]
        if empty:
            say(_("Criteria with no units to look at, as the rules count them:"), "bold")
            for r in empty:
                say(f"  {r['text']}: {_(NO_UNITS_RULE[r['kind']])}")

    return Shown(lambda: document, printer, Listing(CRITERIA, rows))


def shown_view(found: dict[str, Any], gate: Gate, lang: str) -> Shown:
    """Return a proposal with its per-criterion results, votes and decision (its reason, its
    conditions and the criteria it goes against by name); times in local time."""
    texts = {c.id: c.text.get(lang) for c in gate.criteria}
    rows = criterion_rows(found.get("criteria") or [], gate, lang)

    def printer() -> None:
        if not found["record"]["ok"]:
            say(
                _(
                    "The tables differ from what the history records of {label}; shown here is "
                    "what the history records:"
                ).format(label=found["label"]),
                "bold red",
            )
            for difference in found["record"]["differences"]:
                say("  " + difference_text(difference), "red")
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
        if rows:
            show(
                CRITERIA,
                rows,
                title=_("The criteria when it was proposed"),
                styles=[
                    None if r["met"] else ("bold red" if r["required"] else "yellow") for r in rows
                ],
            )
        say(_("Votes:"), "bold")
        for role in gate.roles:
            cast = next((v for v in found["votes"] if v["role"] == role.id), None)
            shown = word(cast["vote"]) if cast else _("has not voted")
            by = f" ({cast['by']}, {local_time(cast['at'])})" if cast else ""
            note = f": {cast['comment']}" if cast and cast["comment"] else ""
            say(f"  {role.name.get(lang)}{by}: {shown}{note}")
        decided = found["decision"]
        if decided is None:
            say(_("No decision yet."))
            return
        say(
            _("Decision: {decision} by {by} at {at}").format(
                decision=word(decided["decision"]), by=decided["by"], at=local_time(decided["at"])
            ),
            "bold",
        )
        for condition in decided["conditions"]:
            say(_("  condition: {condition}").format(condition=condition))
        if decided.get("reason"):
            say(_("Reason: {reason}").format(reason=decided["reason"]))
        if decided["against_criteria"]:
            say(
                _("Against the criteria: {criteria}").format(
                    criteria=", ".join(texts.get(c, c) for c in decided["against_criteria"])
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
    Column("digest", "checksum", lambda d: d[:12] + "…", table=True),
    # Whether the tables hold what the history records of the proposal (gate show names it).
    Column("record_ok", "record", lambda ok: _("as recorded") if ok else _("tables differ!")),
)


def list_view(found: list[dict[str, Any]]) -> Listing:
    """Return the proposals as a listing."""
    return Listing(PROPOSALS, found, title=_("Go/no-go proposals"))
