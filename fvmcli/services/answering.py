"""Walking a unit's applicable questions: resume, skip, back, save each answer at once.

The walk knows nothing of terminals: an ``Asker`` shows a step and returns a reply, so tests
inject replies and the real program uses questionary (``prompts.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from fvmcli.core.answers import parse_answer
from fvmcli.core.deadlines import due_date
from fvmcli.core.model import Answer, Checklist, Question
from fvmcli.core.scoring import applicable_questions
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
    saved: int = 0
    skipped: int = 0
    already_complete: bool = False


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
) -> WalkResult:
    """Ask every applicable question a person answers, saving each answer when it is given.

    Starts at the first unanswered question (or the first one with ``revisit_all``) and goes on
    to the next unanswered one; ``back`` returns to the question asked before. ``waiting``
    says what a question still waits for (its prerequisites not done), before it is asked.
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
    visited: list[str] = []
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
            except ValueError as exc:
                asker.error(str(exc))
                continue
            comment = step.previous.comment if step.previous else None
            if question.evidence == "required":
                # The evidence belongs to the answer: both are saved together.
                comment = asker.comment(step, required=True)
                if not comment:
                    asker.error(_("this question needs evidence: a link or a note"))
                    continue
                save(question, value, comment)
            else:
                save(question, value, comment)  # saved before the comment is even asked for
                given = asker.comment(step, required=False)
                if given != comment:
                    comment = given
                    save(question, value, comment)
            answers[current] = Answer(current, value, comment, version=checklist.version)
            result.saved += 1
        visited.append(current)
        current = next_after(current)
    return result
