"""Walking a unit's applicable questions: resume, skip, back, save each answer at once.

The walk knows nothing of terminals: an ``Asker`` shows a step and returns a reply, so tests
inject replies and the real program uses questionary (``prompts.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from fvmcli.core.answers import evidence_problem, needs_evidence, parse_answer
from fvmcli.core.deadlines import due_date
from fvmcli.core.model import Answer, Checklist, Question
from fvmcli.core.score_plan import applicable_questions
from fvmcli.errors import Interrupted
from fvmcli.i18n import _

ANSWER, SKIP, BACK = "answer", "skip", "back"


@dataclass(frozen=True)
class Step:
    """One question as shown to the person answering."""

    question: Question
    position: int  # 1-based, among the questions walked
    total: int
    section_title: str
    due: date | None
    today: date
    previous: Answer | None
    waiting_for: tuple[str, ...] = ()  # the prerequisites not done yet, by their texts
    resumed: bool = False  # the first question of a sitting that resumes where one stopped

    @property
    def days_left(self) -> int | None:
        return (self.due - self.today).days if self.due else None


@dataclass(frozen=True)
class Reply:
    kind: str  # answer | skip | back
    value: str | None = None


class Asker(Protocol):
    def ask(self, step: Step) -> Reply:
        """Return the person's reply (an answer's value, skip or back); raise KeyboardInterrupt
        on Ctrl-C."""
        ...

    def comment(self, step: Step, *, required: bool) -> str | None:
        """Return the comment (evidence when ``required``) for the answer just given."""
        ...

    def error(self, message: str) -> None:
        """Tell the person their reply was refused."""
        ...


@dataclass
class WalkResult:
    saved: int = 0  # answers given or changed
    skipped: int = 0
    already_complete: bool = False
    kept: int = 0  # answers confirmed as they were (nothing stored)
    at: str | None = None  # the question being answered when the walk was interrupted
    lost_comment: str | None = None  # its answer saved; the comment being typed was not
    lost_answer: str | None = None  # not saved: its evidence was being typed
    comment: str | None = None  # the comment of the answer just given


def walk(
    checklist: Checklist,
    unit_type: str,
    answers: dict[str, Answer],
    asker: Asker,
    save: Callable[[Question, str, str | None], None],
    *,
    lang: str,
    go_live: date | None,
    today: date,
    section: str | None = None,
    revisit_all: bool = False,
    result: WalkResult | None = None,
    waiting: Callable[[str], tuple[str, ...]] | None = None,
    resume_at: str | None = None,
) -> WalkResult:
    """Ask every applicable question a person answers, saving each answer when it is given.

    Starts at ``resume_at`` (where the last sitting stopped, while it applies), else at the
    first unanswered question (or the first one with ``revisit_all``), and goes on to the next
    unanswered one; ``back`` returns to the question asked before. ``waiting`` says what a
    question still waits for (its prerequisites not done), before it is asked. An answer given
    as it was (same value and comment) is kept, not stored again. On Ctrl-C ``result.at`` says
    where the walk stopped.
    """
    result = result if result is not None else WalkResult()
    titles = {s.id: s.title.get(lang) for s in checklist.sections}

    def is_stale(q: Question) -> bool:
        answer = answers.get(q.id)
        return answer is not None and q.stale(answer.version)

    def order() -> list[Question]:
        values = {k: a.value for k, a in answers.items()}
        chosen = [
            q
            for q in applicable_questions(checklist, unit_type, values)
            if not q.derived and (section is None or q.section == section)
        ]
        # Answers given before a question changed meaning are asked first.
        return [q for q in chosen if is_stale(q)] + [q for q in chosen if not is_stale(q)]

    def next_after(qid: str | None) -> str | None:
        questions = order()
        ids = [q.id for q in questions]
        start = ids.index(qid) + 1 if qid in ids else 0
        for q in questions[start:]:
            if revisit_all or q.id not in answers or is_stale(q):
                return q.id
        return None

    current = next_after(None)
    if current is None:
        result.already_complete = True
        return result
    resumed = not revisit_all and resume_at in {q.id for q in order()}
    if resumed:
        current = resume_at
    visited: list[str] = []
    try:
        while current is not None:
            questions = order()
            ids = [q.id for q in questions]
            if current not in ids:  # an earlier answer made it not apply
                current = next_after(visited[-1] if visited else None)
                continue
            question = questions[ids.index(current)]
            step = Step(
                question,
                ids.index(current) + 1,
                len(ids),
                titles.get(question.section, ""),
                due_date(go_live, question.due),
                today,
                answers.get(current),
                waiting(current) if waiting is not None else (),
                resumed=resumed and not visited,
            )
            reply = asker.ask(step)
            if reply.kind == BACK:
                current = visited.pop() if visited else current
                continue
            if reply.kind == SKIP:
                result.skipped += 1
            else:
                try:
                    value = parse_answer(question, reply.value or "")
                    _answered(step, value, asker, save, result, stale=is_stale(question))
                    answers[current] = Answer(
                        current, value, result.comment, version=checklist.version
                    )
                except ValueError as exc:
                    asker.error(str(exc))
                    continue
                except _Again:
                    continue
            visited.append(current)
            current = next_after(current)
    except KeyboardInterrupt:
        result.at = current
        raise
    return result


def _answered(
    step: Step,
    value: str,
    asker: Asker,
    save: Callable[[Question, str, str | None], None],
    result: WalkResult,
    *,
    stale: bool,
) -> None:
    """Store an answer and its comment, or keep one given as it was (same value, same
    comment: nothing is stored, so an attestation stands); count it. The comment given is
    left in ``result.comment``. Ctrl-C while the comment is typed says what is lost."""
    question, previous = step.question, step.previous
    same = previous is not None and previous.value == value and not stale
    comment = previous.comment if previous else None
    result.comment = comment
    if needs_evidence(question):
        # The evidence belongs to the answer: both are saved together.
        try:
            comment = asker.comment(step, required=True)
        except KeyboardInterrupt:
            result.lost_answer = question.id
            raise
        missing = evidence_problem(question, comment)
        if missing:
            asker.error(missing)
            raise _Again
        result.comment = comment
        if same and previous is not None and comment == previous.comment:
            result.kept += 1
            return
        save(question, value, comment)
    else:
        if not same:
            save(question, value, comment)  # saved before the comment is even asked for
        try:
            given = asker.comment(step, required=False)
        except KeyboardInterrupt:
            result.saved += not same
            result.lost_comment = question.id
            raise
        if given == comment and same:
            result.kept += 1
            return
        if given != comment:
            result.comment = given
            save(question, value, given)
    result.saved += 1


class _Again(Exception):
    """The reply was refused: the same question is asked again."""


def interrupted(
    checklist: str, unit: str, section: str | None, result: WalkResult, texts: dict[str, str]
) -> Interrupted:
    """Return what Ctrl-C in a walk tells: what is saved, what is lost, how to resume."""
    resume = _("fvm checklist answer {checklist} --unit {unit}").format(
        checklist=checklist, unit=unit
    )
    if section:
        resume += _(" --section {section}").format(section=section)
    said = [_("Interrupted. {saved} answers saved in this sitting.").format(saved=result.saved)]
    if result.lost_comment:
        said.append(
            _("The answer to {question} is saved; the comment you were typing is lost.").format(
                question=result.lost_comment
            )
        )
    elif result.lost_answer:
        said.append(
            _(
                "The answer to {question} is not saved: it is saved with its evidence, which "
                "you were typing."
            ).format(question=result.lost_answer)
        )
    else:
        said.append(_("Nothing answered is lost."))
    where = texts.get(result.at or "", "")
    return Interrupted(
        " ".join(said),
        hint=_(
            "Resume where you stopped ({question}) with the command below; add --from-start "
            "to begin at the first unanswered question:"
        ).format(question=f"{result.at} – {where}" if where else result.at),
        command=resume,
    )
