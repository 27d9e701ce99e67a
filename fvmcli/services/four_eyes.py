"""Four eyes: a second person attests critical answers and approves waivers
(``scoring.md``, "Attestation" and "Waiver approval")."""

from __future__ import annotations

from dataclasses import dataclass

from fvmcli.core.limits import MAX_TEXT
from fvmcli.core.scoring import ATTESTED, REJECTED
from fvmcli.errors import ConflictError, InputError
from fvmcli.i18n import _
from fvmcli.services.checklists import require_question
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, require_right, require_unit, select


@dataclass(frozen=True)
class Attested:
    """Answers attested (or rejected) for one unit."""

    unit: str
    questions: tuple[str, ...]
    state: str  # "attested" | "rejected"
    proven: bool = True  # False on a file whose users are names typed, not logins


def _comment(comment: str | None) -> str | None:
    if comment is not None and len(comment) > MAX_TEXT:
        raise InputError(_("--comment: at most {MAX_TEXT} characters").format(MAX_TEXT=MAX_TEXT))
    if comment is None:
        return None
    return comment.strip() or None


def _refuse_own(ctx: Context, actor: str, giver: str | None, message: str, hint: str) -> None:
    """Refuse when ``actor`` is the person who gave the answer or asked for the waiver: on a
    shared database the login is refused its own (5), elsewhere it is a conflict (3)."""
    from fvmcli.errors import NotPermitted

    if giver is None or actor.casefold() != giver.casefold():
        return
    if ctx.enforced:
        raise NotPermitted(message, hint=hint)
    raise ConflictError(message, hint=hint)


def attest(
    ctx: Context,
    checklist_id: str,
    unit_id: str,
    questions: list[str],
    *,
    reject: bool = False,
    comment: str | None = None,
    by: str | None = None,
) -> Attested:
    """Attest (or reject) the current answers to ``questions`` of one unit, as a person other
    than the one who gave each. Refused (3) for a question that needs no attestation, has no
    answer given by a person, or was answered by the actor."""
    checklist = ctx.checklist(checklist_id)
    if not questions:
        raise InputError(_("name the questions to attest"))
    said = _comment(comment)
    for qid in questions:
        question = require_question(checklist, qid)
        if not question.attest:
            raise ConflictError(
                _("{question_id} needs no attestation").format(question_id=qid),
                hint=_(
                    "Only questions with attest = true (or critical ones under "
                    '[scoring] attest = "critical") are attested.'
                ),
            )
    state = REJECTED if reject else ATTESTED
    chosen = tuple(dict.fromkeys(questions))
    attest_answers(ctx, checklist.id, [(unit_id, q) for q in chosen], state, said, by)
    return Attested(unit_id, chosen, state, ctx.enforced)


def attest_answers(
    ctx: Context,
    checklist_id: str,
    pairs: list[tuple[str, str]],
    state: str = ATTESTED,
    comment: str | None = None,
    by: str | None = None,
) -> int:
    """Attest (or reject) the current answers of (unit, question) pairs in one transaction;
    return how many. Refused (3; 5 on a shared database) for an answer the actor gave."""
    from fvmcli.store.answers import answers_by_unit, second_person

    checklist = ctx.checklist(checklist_id)
    with ctx.open().write() as conn:
        units = {u: require_unit(conn, u) for u in dict.fromkeys(u for u, _ in pairs)}
        require_right(ctx, conn, "attest", list(units.values()))
        actor = ctx.actor(by)
        stored = answers_by_unit(conn, checklist.id, list(units))
        at = ctx.clock.now()
        for unit_id, qid in pairs:
            answer = stored.get(unit_id, {}).get(qid)
            if answer is None:
                raise ConflictError(
                    _("{id} has no answer to {question_id} to attest").format(
                        id=unit_id, question_id=qid
                    )
                )
            _refuse_own(
                ctx,
                actor,
                answer.by,
                _("{actor} gave the answer to {question_id}; a second person attests it").format(
                    actor=actor, question_id=qid
                ),
                _("Ask another lead to run 'fvm checklist attest'."),
            )
            second_person(
                conn,
                "attestation",
                units[unit_id].id,
                checklist.id,
                qid,
                state,
                by=actor,
                at=at,
                comment=comment,
                version=checklist.version,
            )
    return len(pairs)


@dataclass(frozen=True)
class Pending:
    """An answer that awaits a second person's attestation."""

    unit: str
    unit_name: str
    question: str
    value: str
    by: str | None
    at: str | None
    label: str | None = None  # the answer as a person reads it (``ja``, an option's label)


def pending(ctx: Context, checklist_id: str, chosen: UnitFilter) -> list[Pending]:
    """Return the answers of the chosen units that await attestation, by unit and question:
    a lead's worklist. The scorer decides which they are."""
    from fvmcli.render.checklist_sheet import answer_label
    from fvmcli.services.readiness import territory_summaries
    from fvmcli.store.answers import answers_by_unit
    from fvmcli.store.reads import Scope

    checklist = ctx.checklist(checklist_id)
    today = ctx.clock.today()
    found: list[Pending] = []
    with ctx.open().read() as conn:
        selection = select(ctx, conn, chosen)
        scope = Scope(None if selection.ids is None else tuple(selection.ids))
        waiting: list[tuple[str, str, list[str]]] = []
        for unit, score, _ in territory_summaries(ctx, conn, checklist, scope, today, detail=True):
            if score.unattested_count:
                awaiting = [r.question.id for r in score.questions if r.unattested]
                waiting.append((unit.id, unit.name, awaiting))
        stored = answers_by_unit(conn, checklist.id, [unit for unit, _, _ in waiting])
        for unit_id, name, questions in waiting:
            for qid in questions:
                answer = stored[unit_id][qid]
                question = checklist.question(qid)
                label = answer_label(question, answer.value, ctx.lang) if question else None
                found.append(Pending(unit_id, name, qid, answer.value, answer.by, answer.at, label))
    return found


@dataclass(frozen=True)
class Approved:
    """A requested waiver approved or rejected."""

    unit: str
    question: str
    state: str  # "approved" | "rejected"
    requested_by: str
    proven: bool = True  # False on a file whose users are names typed, not logins


def approve(
    ctx: Context,
    checklist_id: str,
    unit_id: str,
    question_id: str,
    *,
    reject: bool = False,
    comment: str | None = None,
    by: str | None = None,
) -> Approved:
    """Approve (or reject) the requested waiver of one question for one unit, as a person
    other than its requester. Refused (3) when there is no waiver or the actor asked for it."""
    from fvmcli.store.answers import get_waivers, second_person

    checklist = ctx.checklist(checklist_id)
    require_question(checklist, question_id)
    said = _comment(comment)
    state = "rejected" if reject else "approved"
    with ctx.open().write() as conn:
        unit = require_unit(conn, unit_id)
        require_right(ctx, conn, "waive", [unit])
        actor = ctx.actor(by)
        waiver = get_waivers(conn, unit.id, checklist.id).get(question_id)
        if waiver is None:
            raise ConflictError(
                _("{id} has no waiver on {question_id}").format(id=unit.id, question_id=question_id)
            )
        _refuse_own(
            ctx,
            actor,
            waiver.by,
            _("{actor} asked for the waiver on {question_id}; another person approves it").format(
                actor=actor, question_id=question_id
            ),
            _("Ask another lead to run 'fvm checklist approve'."),
        )
        if waiver.approved_by:  # the first approval stands: a second would replace it unseen
            raise ConflictError(
                _("the waiver on {question_id} for {id} is approved already, by {by}").format(
                    question_id=question_id, id=unit.id, by=waiver.approved_by
                ),
                hint=_("A new waiver (fvm checklist waive) asks for approval afresh."),
            )
        second_person(
            conn,
            "approval",
            unit.id,
            checklist.id,
            question_id,
            state,
            by=actor,
            at=ctx.clock.now(),
            comment=said,
            version=checklist.version,
        )
    return Approved(unit.id, question_id, state, waiver.by, ctx.enforced)
