"""Answering a checklist: set, import, waive, walk, score, history and printable sheets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.core.model import Answer, Checklist, NewAnswer, Question, Unit
from fvmcli.core.scoring import revised_questions
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.checklists import require_question
from fvmcli.services.context import Context
from fvmcli.services.territory import check_fit, parse_day, require_right, require_unit

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from fvmcli.services.answering import Asker
    from fvmcli.services.readiness import UnitReadiness
    from fvmcli.store.driver import Connection
    from fvmcli.store.history import Change


def save(
    ctx: Context,
    conn: Connection,
    checklist: Checklist,
    batch: list[NewAnswer],
    user: str,
    current: Mapping[str, Mapping[str, Answer]] | None = None,
) -> int:
    """Store checked answers under the checklist's version (confirming stale ones); return
    how many changed. ``current``: the batch's units' stored answers, when this transaction
    read them already (``answering``)."""
    from fvmcli.store.answers import save_answers

    return save_answers(
        conn,
        checklist.id,
        checklist.version,
        batch,
        by=user,
        at=ctx.clock.now(),
        revised=revised_questions(checklist),
        current=current,
    )


def answering(
    ctx: Context, conn: Connection, checklist: Checklist, unit_ids: Iterable[str]
) -> tuple[dict[str, Unit], dict[str, dict[str, Answer]]]:
    """Return the stored units named (after checking the login may answer for them) and their
    stored answers (unit → question → answer), read once for the check and the write."""
    from fvmcli.store.answers import answers_by_unit
    from fvmcli.store.reads import list_units

    units = {u.id: u for u in list_units(conn, ids=sorted(set(unit_ids)))}
    require_right(ctx, conn, "answer", units.values())
    return units, answers_by_unit(conn, checklist.id, list(units))


def answer_values(
    stored: Mapping[str, Mapping[str, Answer]],
) -> dict[str, dict[str, str]]:
    """Return unit → question → value of stored answers, as the one check reads them."""
    return {u: {q: a.value for q, a in found.items()} for u, found in stored.items()}


def answering_units(
    ctx: Context, conn: Connection, checklist: Checklist, unit_ids: Iterable[str]
) -> tuple[dict[str, Unit], dict[str, dict[str, str]]]:
    """Return the stored units named (after checking the login may answer for them) and their
    current answer values, for the one check every answer passes."""
    units, stored = answering(ctx, conn, checklist, unit_ids)
    return units, answer_values(stored)


@dataclass(frozen=True)
class AnswerSet:
    """The outcome of setting one answer."""

    unit: str
    question: Question
    value: str
    changed: bool
    shown: str = ""  # the value as a person reads it in the user's language (ja, an option)


def set_answer(
    ctx: Context,
    checklist_id: str,
    unit_id: str,
    question_id: str,
    value: str,
    *,
    comment: str | None = None,
    by: str | None = None,
) -> AnswerSet:
    """Store one answer after the checks every way in shares; return what was stored."""
    import shlex

    from fvmcli.core.answers import check_answers, evidence_problem
    from fvmcli.store.answers import get_answers

    checklist = ctx.checklist(checklist_id)
    user = ctx.actor(by)
    with ctx.open().write() as conn:
        unit = require_unit(conn, unit_id)
        require_right(ctx, conn, "answer", [unit])
        values = {q: a.value for q, a in get_answers(conn, unit.id, checklist.id).items()}
        asked = NewAnswer(unit.id, question_id, value, comment or None)
        accepted, problems = check_answers(
            checklist, {unit.id: unit}, {unit.id: values}, [asked], latest=ctx.clock.latest()
        )
        if problems:
            field = problems[0].field
            prefix = f"--{field}: " if field not in ("value", "question", "unit") else ""
            asked_for = checklist.question(question_id)
            if asked_for is not None and evidence_problem(asked_for, comment):
                raise InputError(
                    prefix + problems[0].message,
                    hint=_("Nothing was stored. Give the evidence with --comment:"),
                    command=_(
                        "fvm checklist set {checklist} --unit {unit} {question} {value} "
                        '--comment "a link or a note"'
                    ).format(
                        checklist=checklist.id,
                        unit=unit.id,
                        question=question_id,
                        value=shlex.quote(value),
                    ),
                )
            raise InputError(prefix + problems[0].message)
        # The answer it replaces is read again once the unit is locked (``save_answers``):
        # on PostgreSQL another writer may have stored one since the read above.
        changed = save(ctx, conn, checklist, accepted, user)
    question = checklist.question(question_id)
    assert question is not None
    from fvmcli.render.checklist_sheet import answer_label

    stored = accepted[0].value
    return AnswerSet(
        unit.id,
        question,
        stored,
        bool(changed),
        answer_label(question, stored, ctx.lang) or stored,
    )


@dataclass(frozen=True)
class AnswersImported:
    """What an answers import did (or would do)."""

    answers: int
    changed: int
    units: int
    dry_run: bool


UNITS_AT_ONCE = 500  # units checked and stored together in a large import


def import_answers(
    ctx: Context, checklist_id: str, file: Path, *, dry_run: bool = False, by: str | None = None
) -> AnswersImported:
    """Store a CSV file of answers; every bad row is reported and nothing is stored if any.

    The file streams into a temporary table of the import's transaction and is then checked
    and stored a few hundred units at a time, each unit with all its rows (so a ``when`` sees
    every answer of the unit, wherever in the file it is): memory stays flat whatever the
    file's size, and a bad row anywhere rolls everything back."""
    from fvmcli.content.answers_csv import COLUMN, answer_stream, staged_rows
    from fvmcli.content.csvfile import RowProblems
    from fvmcli.core.answers import check_answers
    from fvmcli.store.answers import drop_staged, stage_answers, staged_units
    from fvmcli.store.answers import staged_rows as rows_of
    from fvmcli.store.units import lock_units

    checklist = ctx.checklist(checklist_id)
    stream = answer_stream(file)
    problems = RowProblems(str(file))
    user = ctx.actor(by)
    latest = ctx.clock.latest()
    total = changed = units_named = 0
    with ctx.open().write(dry_run=dry_run) as conn:
        stage_answers(conn, staged_rows(stream, problems))
        for problem in stream.problems:
            problems.add_problem(int(problem.where.split()[1]), problem)
        named = staged_units(conn)
        # Lock the file's units once, up front: chunks then never upgrade a lock they hold.
        lock_units(conn, named)
        for start in range(0, len(named), UNITS_AT_ONCE):
            chunk = named[start : start + UNITS_AT_ONCE]
            rows = rows_of(conn, chunk[0], chunk[-1])
            units, stored = answering(ctx, conn, checklist, chunk)
            batch = [NewAnswer(r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]
            accepted, found = check_answers(
                checklist, units, answer_values(stored), batch, latest=latest
            )
            for p in found:
                message = p.message
                if p.first is not None:
                    message += _(" (first on row {rows})").format(rows=rows[p.first][0])
                problems.add_line(rows[p.index][0], COLUMN[p.field], message)
            if not problems:
                changed += save(ctx, conn, checklist, accepted, user, stored)
            total += len(accepted)
            units_named += len(units)
        drop_staged(conn)
        problems.raise_if_any()
    return AnswersImported(total, changed, units_named, dry_run)


def store_answers(
    ctx: Context,
    checklist_id: str,
    batch: list[NewAnswer],
    *,
    by: str | None = None,
    source: str = "answers",
) -> int:
    """Store many answers in one transaction after the same checks as every other way in;
    return how many changed. Any bad answer stores nothing, and the error names each one as
    ``source[index].field``."""
    from fvmcli.core.answers import check_answers
    from fvmcli.errors import Problem, ProblemsError

    checklist = ctx.checklist(checklist_id)
    with ctx.open().write() as conn:
        units, values = answering_units(ctx, conn, checklist, (a.unit_id for a in batch))
        accepted, problems = check_answers(
            checklist, units, values, batch, latest=ctx.clock.latest()
        )
        if problems:
            raise ProblemsError(
                source,
                [Problem(f"{source}[{p.index}].{p.field}", p.message) for p in problems],
                hint=_("Nothing was stored."),
            )
        return save(ctx, conn, checklist, accepted, ctx.actor(by))


def confirm(
    ctx: Context,
    checklist_id: str,
    unit_id: str,
    questions: list[str] | None = None,
    *,
    by: str | None = None,
) -> list[str]:
    """Confirm stale answers as they stand (the named questions, else every stale answer of
    the unit): each is recorded again under the current version. Return the confirmed ids."""
    from fvmcli.store.answers import get_answers

    checklist = ctx.checklist(checklist_id)
    user = ctx.actor(by)
    with ctx.open().write() as conn:
        unit = require_unit(conn, unit_id)
        require_right(ctx, conn, "answer", [unit])
        stored = get_answers(conn, unit.id, checklist.id)
        stale = {
            q
            for q, a in stored.items()
            if (found := checklist.question(q)) is not None and found.stale(a.version)
        }
        for question in questions or []:
            require_question(checklist, question)
            if question not in stale:
                raise InputError(
                    _("{id} has no stale answer to {question}").format(
                        id=unit.id, question=question
                    )
                )
        chosen = sorted(questions or stale)
        batch = [NewAnswer(unit.id, q, stored[q].value, stored[q].comment) for q in chosen]
        save(ctx, conn, checklist, batch, user)
    return chosen


@dataclass(frozen=True)
class ScoreView:
    """One unit's readiness on a checklist, as of a day."""

    checklist: Checklist
    readiness: UnitReadiness


def score(ctx: Context, checklist_id: str, unit_id: str, as_of: str | None = None) -> ScoreView:
    """Return the unit's score, sections, blockers, overdue items and waivers on ``as_of``."""
    from fvmcli.services.readiness import unit_readiness

    checklist = ctx.checklist(checklist_id)
    day = parse_day(ctx, as_of)
    with ctx.open().read() as conn:
        return ScoreView(checklist, unit_readiness(ctx, conn, checklist, unit_id, day))


def history(
    ctx: Context, checklist_id: str, unit_id: str, question: str | None = None
) -> list[Change]:
    """Return every answer and waiver change of a unit, oldest first."""
    from fvmcli.store.answers import answer_history

    checklist = ctx.checklist(checklist_id)
    if question is not None:
        require_question(checklist, question, "--question")
    with ctx.open().read() as conn:
        require_unit(conn, unit_id)
        return answer_history(conn, unit_id, checklist.id, question)


def history_rows(
    ctx: Context, checklist_id: str, unit_id: str, question: str | None = None
) -> list[dict[str, Any]]:
    """Return the unit's history (``history``) as the rows ``checklist history`` lists: the
    stored values for scripts, and beside them (``*_shown``) the answers as a person reads
    them in the user's language (an option's label, ``ja`` for yes)."""
    from fvmcli.render.checklist_sheet import answer_label
    from fvmcli.render.values import word

    checklist = ctx.checklist(checklist_id)
    lang = ctx.lang

    def shown(kind: str, qid: str | None, value: str | None) -> str | None:
        if kind in ("attestation", "approval") and value is not None:
            return word(value)  # attested, approved, rejected
        asked = checklist.question(qid) if qid and kind == "answer" else None
        if asked is None or value is None:
            return value
        return answer_label(asked, value, lang) or value

    return [
        {
            "question": c.subject,
            "value": c.new,
            "previous": c.old,
            "comment": c.comment,
            "by": c.by,
            "at": c.at,
            "version": c.version,
            "kind": c.kind,
            "login": c.login,
            "on_behalf": c.by if c.login and c.by != c.login else None,
            "key": c.key,
            "previous_shown": shown(c.kind, c.subject, c.old),
            "value_shown": shown(c.kind, c.subject, c.new),
        }
        for c in history(ctx, checklist_id, unit_id, question)
    ]


@dataclass(frozen=True)
class WalkOutcome:
    """What an interactive sitting saved, and the unit's score after it."""

    saved: int
    skipped: int
    already_complete: bool
    after: ScoreView
    kept: int = 0  # answers confirmed as they were


def answer_walk(
    ctx: Context,
    checklist_id: str,
    unit_id: str,
    asker: Asker,
    *,
    section: str | None = None,
    revisit_all: bool = False,
    by: str | None = None,
    from_start: bool = False,
) -> WalkOutcome:
    """Ask the unit's questions through ``asker``, saving each answer the moment it is given.

    A sitting resumes where the last one on this computer stopped (``from_start``: at the
    first unanswered question). Ctrl-C (KeyboardInterrupt from the asker) keeps every saved
    answer, remembers where it stopped, and raises :class:`Interrupted` with the command that
    resumes, saying what was lost (a comment, or an answer whose evidence was being typed).
    """
    from fvmcli.services import walk_marks
    from fvmcli.services.answering import WalkResult, interrupted, walk
    from fvmcli.services.readiness import unit_readiness
    from fvmcli.store.answers import get_answers
    from fvmcli.store.reads import go_live_dates

    checklist = ctx.checklist(checklist_id)
    if section is not None and checklist.section(section) is None:
        known = ", ".join(s.id for s in checklist.sections)
        raise InputError(
            _("--section: unknown section {section!r} (known: {known})").format(
                section=section, known=known
            )
        )
    user = ctx.actor(by)
    with ctx.open().read() as conn:
        unit = require_unit(conn, unit_id)
        check_fit(ctx, [unit])
        require_right(ctx, conn, "answer", [unit])
        go_live = go_live_dates(conn).get(ctx.territory.phase_of(unit.area))
        answers = get_answers(conn, unit.id, checklist.id)

    def save_one(question: Question, value: str, comment: str | None) -> None:
        with ctx.open().write() as conn:
            save(ctx, conn, checklist, [NewAnswer(unit.id, question.id, value, comment)], user)

    result = WalkResult()
    today = ctx.clock.today()
    texts = {q.id: q.text.get(ctx.lang) for q in checklist.questions}
    linked = any(q.requires or q.requires_parent for q in checklist.questions)

    def waiting(qid: str) -> tuple[str, ...]:
        """Return what the question waits for now, scored by the one scorer."""
        if not linked:
            return ()
        with ctx.open().read() as conn:
            found = unit_readiness(ctx, conn, checklist, unit.id, today).score
        waits = next((r.waiting_for for r in found.questions if r.question.id == qid), ())
        return tuple(texts.get(p.lstrip("^"), p) for p in waits)

    mark = walk_marks.walk_key(ctx.open().url, checklist.id, unit.id, section)
    try:
        walk(
            checklist,
            unit.type,
            answers,
            asker,
            save_one,
            lang=ctx.lang,
            go_live=go_live,
            today=today,
            section=section,
            revisit_all=revisit_all,
            result=result,
            waiting=waiting,
            resume_at=None if from_start else walk_marks.stopped_at(mark),
        )
    except KeyboardInterrupt:
        walk_marks.remember(mark, result.at)
        raise interrupted(checklist.id, unit.id, section, result, texts) from None
    walk_marks.remember(mark, None)
    with ctx.open().read() as conn:
        after = ScoreView(checklist, unit_readiness(ctx, conn, checklist, unit.id, today))
    return WalkOutcome(result.saved, result.skipped, result.already_complete, after, result.kept)
