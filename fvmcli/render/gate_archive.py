"""The decision's report filed with its archive (``gate export -o FILE.pdf``): what was
decided, by whom, on which figures, and how anyone checks it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fvmcli.core.gate import Gate
from fvmcli.i18n import N_, words_in
from fvmcli.render.templates import render
from fvmcli.render.values import number_shown

LABELS = {
    "title": N_("Go/no-go decision"),
    "phase": N_("Phase"),
    "as_of": N_("Figures as of"),
    "go_live": N_("Go-live"),
    "verdict": N_("The criteria said"),
    "decision": N_("Decision"),
    "decided_by": N_("Decided by"),
    "reason": N_("Reason"),
    "conditions": N_("Conditions"),
    "against": N_("Against the criteria"),
    "criteria": N_("Criteria"),
    "criterion": N_("Criterion"),
    "value": N_("Value"),
    "threshold": N_("Threshold"),
    "met": N_("Met"),
    "yes": N_("yes"),
    "no": N_("no"),
    "votes": N_("Votes"),
    "role": N_("Role"),
    "vote": N_("Vote"),
    "by": N_("By"),
    "comment": N_("Comment"),
    "record": N_("The record"),
    "digest": N_("Evidence digest (SHA-256)"),
    "head": N_("History head at the decision"),
    "content": N_("Rules (content version and digest)"),
    "entries": N_("History entries from proposal to decision"),
    "check": N_(
        "This PDF carries the decision's archive (fvm-gate-archive.json). Anyone can check it, "
        "without the database, with:"
    ),
    "units": N_("Units in the evidence"),
}


def archive_html(
    document: dict[str, Any], gate: Gate, lang: str, template_dirs: Sequence[Path]
) -> str:
    """Return the HTML of the decision's report from its archive document."""
    t = words_in(LABELS, lang)
    evidence = document["evidence"]
    texts = {c.id: c.text.get(lang) for c in gate.criteria}
    roles = {r.id: r.name.get(lang) for r in gate.roles}
    criteria = [
        {
            "id": c["id"],
            "text": texts.get(c["id"], c["id"]),
            "value": "–" if c.get("value") is None else number_shown(c["value"]),
            "threshold": "–" if c.get("threshold") is None else number_shown(c["threshold"]),
            "met": t["yes"] if c.get("met") else t["no"],
        }
        for c in evidence.get("criteria", [])
    ]
    votes = [{**v, "role_name": roles.get(v["role"], v["role"])} for v in document["votes"]]
    content = document["content"]
    return render(
        template_dirs,
        "gate_archive.html.j2",
        {
            "lang": lang,
            "t": t,
            "label": document["label"],
            "phase": document["phase"],
            "as_of": evidence.get("as_of"),
            "go_live": evidence.get("go_live"),
            "verdict": evidence.get("verdict") or _verdict(evidence),
            "decision": document["decision"],
            "criteria": criteria,
            "votes": votes,
            "units": len(evidence.get("units", [])),
            "digest": document["digest"],
            "head": document["head"],
            "content": f"{content.get('version') or '–'} · {content['digest']}",
            "entries": len(document["chain"]),
        },
    )


def _verdict(evidence: dict[str, Any]) -> str:
    """Return the verdict of frozen evidence that does not state one: ``go`` unless a
    required criterion is not met."""
    from fvmcli.core.gate import failing_required

    return "no-go" if failing_required(evidence.get("criteria", [])) else "go"
