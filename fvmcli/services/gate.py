"""The go/no-go gate: criteria evaluated over a phase, a proposal that freezes its evidence
with a digest, votes, a decision bound to that evidence, and a check that it was not altered."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fvmcli.core.cutover import UnitRow, row_rank, summary_row
from fvmcli.core.gate import (
    VOTE_WORDS,
    VOTES,
    CriterionResult,
    GateUnit,
    digest,
    evaluate,
    failing_required,
    frozen_results,
    parse_choice,
    part_digests,
    verdict,
    worst_first,
)
from fvmcli.core.model import Checklist
from fvmcli.errors import ConflictError, InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.proposals import Proposed, check_label, seal, vacant
from fvmcli.services.territory import check_phase, parse_day, require_right, selection_areas

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


@dataclass(frozen=True)
class GateEvaluation:
    """Every criterion of the gate on a day over a phase's units, and the units' rows."""

    phase: int
    as_of: date
    go_live: date | None
    checklist: Checklist
    rows: list[UnitRow]  # worst first
    results: list[CriterionResult]  # in the gate's order
    # With ``detail``: every overdue item as (unit, question, due), in the units' order.
    overdue: tuple[tuple[str, str, date], ...] = ()

    @property
    def verdict(self) -> str:
        """Return ``go`` when every required criterion is met, else ``no-go``."""
        return verdict(self.results)

    def document(self) -> dict[str, Any]:
        """Return the JSON document of ``gate evaluate`` (``cli.md``): criteria worst first."""
        return {
            "phase": self.phase,
            "as_of": self.as_of.isoformat(),
            "go_live": self.go_live.isoformat() if self.go_live else None,
            "checklist": self.checklist.id,
            "verdict": self.verdict,
            "criteria": [r.as_dict() for r in worst_first(self.results)],
        }

    def evidence(self) -> dict[str, Any]:
        """Return the evidence a proposal freezes (``scoring.md``, "Gate")."""
        return {
            "phase": self.phase,
            "as_of": self.as_of.isoformat(),
            "go_live": self.go_live.isoformat() if self.go_live else None,
            "checklist": self.checklist.id,
            "checklist_version": self.checklist.version,
            "units": [r.as_dict() for r in sorted(self.rows, key=lambda r: r.unit)],
            "criteria": [r.as_dict() for r in sorted(self.results, key=lambda r: r.criterion.id)],
        }


def phase_evaluation(
    ctx: Context,
    conn: Connection,
    phase: int,
    day: date,
    *,
    area: str | None = None,
    go_live: date | None = None,
    detail: bool = False,
) -> GateEvaluation:
    """Return the gate's criteria over the phase's units (of ``area`` when given) on ``day``,
    each unit scored by the one scorer with the phase's go-live, or ``go_live`` in its place;
    with ``detail`` every overdue item too."""
    from fvmcli.services.readiness import territory_summaries
    from fvmcli.store.reads import Scope, go_live_dates

    gate = ctx.gate
    checklist = ctx.checklist(gate.checklist)
    areas = selection_areas(ctx, area, phase) or []
    if area is not None and ctx.territory.phase_of(areas[0]) != phase:
        raise InputError(_("--area {area} is not in phase {phase}").format(area=area, phase=phase))
    dated = go_live_dates(conn).get(phase) if go_live is None else go_live
    rows: list[UnitRow] = []
    units: list[GateUnit] = []
    overdue: list[tuple[str, str, date]] = []
    for unit, score, figures in territory_summaries(
        ctx, conn, checklist, Scope(areas=tuple(areas)), day, go_live={phase: dated}, detail=detail
    ):
        overdue.extend((unit.id, q.question.id, q.due) for q in score.overdue if q.due)
        c = figures.coverage
        row = summary_row(unit, phase, score, c.percent, figures.readiness)
        rows.append(row)
        units.append(
            GateUnit(
                unit.id,
                unit.area,
                unit.type,
                score.status,
                score.score,
                score.blocker_count,
                score.overdue_count,
                score.unattested_count,
                c,
                figures.equipment,
                row_rank(row),
            )
        )
    rows.sort(key=row_rank)
    results = [evaluate(c, units) for c in gate.criteria]
    return GateEvaluation(phase, day, dated, checklist, rows, results, tuple(overdue))


def gate_evaluate(
    ctx: Context,
    phase: int,
    *,
    area: str | None = None,
    as_of: str | None = None,
    go_live: str | None = None,
) -> GateEvaluation:
    """Return the gate's criteria over phase ``phase`` as of a day (default today), with
    ``go_live`` in place of the phase's go-live date when given (a what-if)."""
    check_phase(ctx, phase)
    day = parse_day(ctx, as_of)
    when = parse_day(ctx, go_live, "--go-live") if go_live is not None else None
    with ctx.open().read() as conn:
        return phase_evaluation(ctx, conn, phase, day, area=area, go_live=when)


def propose(
    ctx: Context,
    phase: int,
    label: str,
    as_of: str | None = None,
    *,
    hypercare: bool = False,
    day: str | None = None,
) -> Proposed:
    """Freeze the gate's evidence for phase ``phase`` as a proposal named ``label``, with the
    SHA-256 of its canonical JSON; refused (3) when the label is taken. With ``hypercare``, a
    day of hypercare instead (``services.hypercare.propose_hypercare``)."""
    if hypercare:
        from fvmcli.services.hypercare import propose_hypercare

        if as_of is not None:
            raise InputError(_("--as-of: a hypercare proposal is of a --day"))
        return propose_hypercare(ctx, phase, label, day)
    if day is not None:
        raise InputError(_("--day: only a hypercare proposal (--hypercare) is of a day"))
    check_phase(ctx, phase)
    label = check_label(label)
    when = parse_day(ctx, as_of)
    with ctx.open().write() as conn:
        vacant(ctx, conn, label)
        found = phase_evaluation(ctx, conn, phase, when)
        return seal(ctx, conn, label, found, when, found.checklist.id)


def _proposal(conn: Connection, label: str) -> Any:
    from fvmcli.store.gates import get_proposal

    found = get_proposal(conn, label)
    if found is None:
        raise UnknownIdError(
            _("no proposal {label!r}").format(label=label),
            hint=_("See them with:"),
            command="fvm gate list",
        )
    return found


def vote(ctx: Context, label: str, role: str, choice: str, comment: str | None = None) -> str:
    """Record the vote of one role of ``gates.toml`` on an open proposal (a later vote of the
    same role replaces it); return the role's name."""
    from fvmcli.services.access import require_vote
    from fvmcli.store.gates import StoredVote, decision, put_vote

    choice = parse_choice(choice, VOTES, VOTE_WORDS, ctx.lang)
    found = ctx.gate.role(role)
    if found is None:
        known = ", ".join(r.id for r in ctx.gate.roles)
        raise InputError(
            _("--role: no role {role!r} (known: {known})").format(role=role, known=known)
        )
    with ctx.open().write() as conn:
        require_vote(ctx, conn, found.id)
        _proposal(conn, label)
        if decision(conn, label) is not None:
            raise ConflictError(_("{label!r} is decided: votes are closed").format(label=label))
        put_vote(conn, label, StoredVote(role, choice, ctx.actor(), ctx.clock.now(), comment))
    return found.name.get(ctx.lang)


@dataclass(frozen=True)
class Decided:
    """A decision recorded: the required criteria it goes against, and the history's head
    once it is in (for the minutes)."""

    against: list[str]
    history_head: str | None
    decision: str = ""  # the decision's id, however it was given (``ja`` → ``go``)


def decide(
    ctx: Context,
    label: str,
    choice: str,
    *,
    conditions: list[str] | None = None,
    reason: str | None = None,
) -> Decided:
    """Record the decision on a proposal; return the required criteria it goes against and
    the history's head.
    Refused (3) while a required role has not voted, after a decision, or for a go or a
    conditional go against failing required criteria without a reason; a conditional go
    needs a condition (2)."""
    from fvmcli.core import hypercare as care
    from fvmcli.store.gates import StoredDecision, decision, put_decision, votes
    from fvmcli.store.history import head_of

    listed = [c.strip() for c in conditions or [] if c.strip()]
    with ctx.open().write() as conn:
        require_right(ctx, conn, "decide")
        proposal = _proposal(conn, label)
        hyper = proposal.checklist == care.PROPOSAL_KIND
        ids, words, stop = care.decision_choices(hyper)
        choice = parse_choice(choice, ids, words, ctx.lang)
        if choice == "conditional" and not listed:
            raise InputError(_("a conditional go needs at least one --condition"))
        if decision(conn, label) is not None:
            raise ConflictError(_("{label!r} is decided already").format(label=label))
        voted = {v.role for v in votes(conn, label)}
        missing = [r for r in ctx.gate.roles if r.required and r.id not in voted]
        if missing:
            raise ConflictError(
                _("required roles have not voted: {roles}").format(
                    roles=", ".join(f"{r.name.get(ctx.lang)} ({r.id})" for r in missing)
                ),
                hint=_(
                    "Each votes with: fvm gate vote {label} --role ROLE go|no-go|abstain"
                ).format(label=label),
            )
        evidence = json.loads(proposal.evidence)
        against = failing_required(evidence.get("criteria", []))
        if choice != stop and against and not (reason or "").strip():
            from fvmcli.render.values import word

            texts = (
                {c.id: c.text.get(ctx.lang) for c in ctx.hypercare.criteria}
                if hyper
                else dict(zip(against, ctx.gate.criterion_names(against, ctx.lang), strict=True))
            )
            raise ConflictError(
                _("a {decision} against failing criteria needs --reason: {criteria}").format(
                    decision=word(choice), criteria=", ".join(texts.get(c, c) for c in against)
                )
            )
        put_decision(
            conn,
            label,
            StoredDecision(
                choice,
                ctx.actor(),
                ctx.clock.now(),
                listed,
                (reason or "").strip() or None,
                against if choice != stop else [],
            ),
        )
        head = head_of(conn)
    return Decided(against if choice != stop else [], head, choice)


def show(ctx: Context, label: str) -> dict[str, Any]:
    """Return the proposal as ``gate show --json`` shows it (``cli.md``): as the history's
    chain records it, with ``record`` saying where the tables differ from it."""
    from fvmcli.store.gates import decision, record_differences, votes

    with ctx.open().read() as conn:
        proposal = _proposal(conn, label)
        cast = votes(conn, label)
        decided = decision(conn, label)
        altered = record_differences(conn, label)
    return {
        "record": {"ok": not altered, "differences": [d.as_json() for d in altered]},
        "label": proposal.label,
        "phase": proposal.phase,
        "as_of": proposal.as_of.isoformat(),
        "digest": proposal.digest,
        "verdict": proposal.verdict,
        "criteria": frozen_results(proposal.evidence),
        "votes": [
            {"role": v.role, "vote": v.vote, "by": v.by, "at": v.at, "comment": v.comment}
            for v in cast
        ],
        "decision": None
        if decided is None
        else {
            "decision": decided.decision,
            "by": decided.by,
            "at": decided.at,
            "conditions": decided.conditions,
            "reason": decided.reason,
            "against_criteria": decided.against,
        },
    }


def decisions_of(ctx: Context, phases: set[int]) -> list[dict[str, Any]]:
    """Return the proposals of these phases that were decided, oldest first, each as
    ``gate show`` gives it: what a report shows of the go/no-go meetings."""
    return [
        show(ctx, found["label"])
        for found in list_gates(ctx)
        if found["phase"] in phases and found["decision"] is not None
    ]


def list_gates(ctx: Context) -> list[dict[str, Any]]:
    """Return every proposal, oldest first, with its verdict and decision."""
    from fvmcli.store.gates import list_proposals, record_differences

    with ctx.open().read() as conn:
        found = [
            (p, decided, not record_differences(conn, p.label))
            for p, decided in list_proposals(conn)
        ]
    return [
        {
            "label": p.label,
            "phase": p.phase,
            "as_of": p.as_of.isoformat(),
            "verdict": p.verdict,
            "decision": decided,
            "digest": p.digest,
            "record_ok": held,
        }
        for p, decided, held in found
    ]


def verify(ctx: Context, label: str) -> list[str]:
    """Return what was altered in a proposal's stored evidence since it was made (empty:
    unaltered): the digest recomputed from what is stored, each unit and criterion against
    the digests the history recorded, and each column of the proposal, its votes and its
    decision that a table holds otherwise than the history's chain."""
    from fvmcli.store.gates import proposal_parts, record_differences

    with ctx.open().read() as conn:
        proposal = _proposal(conn, label)
        recorded = proposal_parts(conn, label) or {}
        tables = record_differences(conn, label)
    altered: list[str] = [
        _("{table}: {column} is {stored} in the table, {chain} in the history").format(
            table=d.table,
            column=d.column or _("the row"),
            stored=json.dumps(d.stored, ensure_ascii=False),
            chain=json.dumps(d.chain, ensure_ascii=False),
        )
        for d in tables
    ]
    try:
        evidence = json.loads(proposal.evidence)
    except ValueError:
        return [_("the stored evidence is not JSON")]
    if digest(evidence) != proposal.digest:
        altered.append(_("the evidence does not match its digest"))
    if recorded.get("digest") not in (None, proposal.digest):
        altered.append(_("the digest differs from the one recorded in the history"))
    before = recorded.get("parts") or {}
    now = part_digests(evidence) if isinstance(evidence, dict) else {}
    for part in sorted(set(before) | set(now)):
        if before.get(part) != now.get(part):
            altered.append(part)
    return altered
