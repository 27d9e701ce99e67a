"""A decision checked against its figures afterwards: what changed since a proposal
(``gate verify --live``), and the archive that lets anyone check a decision without the
database (``gate export``, ``gate verify --archive``). The archive is returned as a document;
the command line renders and writes its file (``cli/writing.write_archive``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fvmcli.errors import ConflictError, EnvironmentProblem, InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import parse_day

# An archive larger than this is refused unread: a decision's archive is a few megabytes.
MAX_ARCHIVE = 256 * 1024 * 1024


@dataclass(frozen=True)
class Since:
    """What differs between a proposal's frozen evidence and the gate evaluated again on
    ``as_of``: units whose status changed (unit, then, now), units added or gone, criteria
    whose result changed (id, met then, met now), and the verdict then and now."""

    as_of: str
    statuses: list[tuple[str, str, str]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    criteria: list[tuple[str, bool, bool]] = field(default_factory=list)
    verdict_then: str = ""
    verdict_now: str = ""

    def as_json(self) -> dict[str, Any]:
        """Return the comparison as ``gate verify --live --json`` gives it."""
        return {
            "as_of": self.as_of,
            "verdict": {"then": self.verdict_then, "now": self.verdict_now},
            "units_changed": [{"unit": u, "then": a, "now": b} for u, a, b in self.statuses],
            "units_added": self.added,
            "units_gone": self.gone,
            "criteria_changed": [{"id": c, "then": a, "now": b} for c, a, b in self.criteria],
        }


def since_proposal(ctx: Context, label: str, as_of: str | None = None) -> Since:
    """Return what changed between a proposal's frozen evidence and its gate evaluated again
    on ``as_of`` (default today) over the same phase."""
    from fvmcli.core.hypercare import PROPOSAL_KIND
    from fvmcli.services.content_force import under_version
    from fvmcli.services.gate import _proposal, phase_evaluation
    from fvmcli.services.hypercare import phase_day

    with ctx.open().read() as conn:
        proposal = _proposal(conn, label)
    # The gate again under the content version the proposal was frozen under (#42).
    rules = (
        ctx if proposal.content_version is None else under_version(ctx, proposal.content_version)
    )
    with ctx.open().read() as conn:
        # A hypercare proposal: its day again (or ``as_of``), each unit by its state.
        if proposal.checklist == PROPOSAL_KIND:
            now: Any = phase_day(rules, conn, proposal.phase, as_of or proposal.as_of.isoformat())
            day, key, is_ = now.day, "state", {u.unit: u.state for u in now.units}
        else:
            day = parse_day(ctx, as_of)
            now = phase_evaluation(rules, conn, proposal.phase, day)
            key, is_ = "status", {r.unit: r.status for r in now.rows}
    try:
        then = json.loads(proposal.evidence)
    except ValueError:
        then = {}
    was = {
        str(u.get("unit")): str(u.get(key)) for u in then.get("units", []) if isinstance(u, dict)
    }
    met_then = {
        str(c.get("id")): bool(c.get("met"))
        for c in then.get("criteria", [])
        if isinstance(c, dict)
    }
    met_now = {r.criterion.id: r.met for r in now.results}
    return Since(
        day.isoformat(),
        [(u, str(was[u]), is_[u]) for u in sorted(was) if u in is_ and was[u] != is_[u]],
        sorted(set(is_) - set(was)),
        sorted(u for u in was if u not in is_),
        [
            (c, met_then[c], met_now[c])
            for c in sorted(met_then)
            if c in met_now and met_then[c] != met_now[c]
        ],
        proposal.verdict,
        now.verdict,
    )


def archive_of(ctx: Context, label: str) -> dict[str, Any]:
    """Return the archive of a decided proposal (``cli.md``): the frozen evidence and its
    digest, the rules it was evaluated under, the votes and the decision as the history
    records them, and the history from the proposal to the decision with its head."""
    from fvmcli.core.archive import FORMAT, pack_digest
    from fvmcli.services.gate import _proposal, show
    from fvmcli.store.gates import chain_segment

    shown = show(ctx, label)
    if shown["decision"] is None:
        raise ConflictError(
            _("{label!r} is not decided yet: there is no decision to file").format(label=label),
            hint=_("Decide it first:"),
            command=f"fvm gate decide {label} go|conditional|no-go",
        )
    if not shown["record"]["ok"]:
        raise ConflictError(
            _("the tables differ from what the history records of {label!r}").format(label=label),
            hint=_("See what differs with:"),
            command=f"fvm gate show {label}",
        )
    with ctx.open().read() as conn:
        proposal = _proposal(conn, label)
        chain = chain_segment(conn, label)
        version, files = _rules(ctx, conn, label)
    texts = {path: data.decode("utf-8", errors="replace") for path, data in files.items()}
    return {
        "format": FORMAT,
        "label": label,
        "phase": proposal.phase,
        "evidence": json.loads(proposal.evidence),
        "digest": proposal.digest,
        "content": {
            "version": version,
            "digest": pack_digest({p: t.encode("utf-8") for p, t in texts.items()}),
            "files": texts,
        },
        "votes": shown["votes"],
        "decision": shown["decision"],
        "chain": chain,
        "head": chain[-1]["hash"] if chain else None,
    }


def _rules(ctx: Context, conn: Any, label: str) -> tuple[int | None, dict[str, bytes]]:
    """Return the content version a proposal was frozen under and its files: those published
    in the database when the proposal names a version, else the gate's own files as this
    program reads them (its checklist and gates.toml)."""
    from fvmcli.store.gates import proposal_content

    version, files = proposal_content(conn, label)
    if files:
        return version, files
    found: dict[str, bytes] = {}
    gates = ctx.content.file("checklists", "gates.toml")
    checklist = ctx.content.file("checklists", f"{ctx.gate.checklist}.toml")
    for kind_file in (gates, checklist):
        if kind_file is not None:
            found[f"checklists/{kind_file.path.name}"] = kind_file.path.read_bytes()
    return None, found


@dataclass(frozen=True)
class ArchiveCheck:
    """What a check of an archive found: its label, digest and head, and every problem
    (empty: it holds)."""

    label: str | None
    digest: str | None
    head: str | None
    decision: str | None
    problems: list[str]


def read_archive(path: Path) -> Any:
    """Return the archive document in a file (JSON, or the PDF it is attached to); a file
    that holds none is refused (2) saying why."""
    from fvmcli.core.archive import ATTACHMENT

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(_("{path}: cannot be read ({exc})").format(path=path, exc=exc)) from exc
    if size > MAX_ARCHIVE:
        raise InputError(
            _("{path}: {size} MB is too large for an archive (at most {most} MB)").format(
                path=path, size=size // 2**20, most=MAX_ARCHIVE // 2**20
            )
        )
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        data = _attachment(path, data, ATTACHMENT)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            _("{path}: not an fvm gate archive (not JSON: {exc})").format(path=path, exc=exc),
            hint=_("Give the .json or .pdf file that 'fvm gate export' wrote."),
        ) from exc


def _attachment(path: Path, data: bytes, name: str) -> bytes:
    """Return the file ``name`` attached to a PDF."""
    import io

    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:
        raise EnvironmentProblem(
            _("Reading a PDF archive needs pypdf, which is not installed."),
            hint=_("Install it with:"),
            command="python -m pip install 'fvmcli[pdf]'",
        ) from exc
    try:
        attached = PdfReader(io.BytesIO(data)).attachments.get(name)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(_("{path}: a damaged PDF ({exc})").format(path=path, exc=exc)) from exc
    if not attached:
        raise InputError(
            _("{path}: a PDF without the archive {name} attached").format(path=path, name=name),
            hint=_("Give the PDF that 'fvm gate export' wrote, or its .json."),
        )
    return bytes(attached[0])


def verify_archive(path: Path) -> ArchiveCheck:
    """Return what a check of the archive in ``path`` found, with no database: digests,
    chain links, votes and decision as the chain records them."""
    from fvmcli.core.archive import check

    document = read_archive(path)
    problems = check(document)
    if not isinstance(document, dict):
        return ArchiveCheck(None, None, None, None, problems)
    decided = document.get("decision")
    return ArchiveCheck(
        str(document.get("label")) if document.get("label") is not None else None,
        document.get("digest") if isinstance(document.get("digest"), str) else None,
        document.get("head") if isinstance(document.get("head"), str) else None,
        decided.get("decision") if isinstance(decided, dict) else None,
        problems,
    )
