"""How the questions of a checklist refer to each other: ``when`` (skip logic) and
prerequisites (``requires``), each checked with every problem named by its path."""

from __future__ import annotations

from typing import Any

from fvmcli.content.tomlfile import Checker
from fvmcli.core.model import NA, Question
from fvmcli.i18n import _


def check_when(check: Checker, questions: list[tuple[str, str, str | None]]) -> None:
    """Report `when` that names an unknown question, itself, or one that comes later, over
    (path, id, the id `when` names) of every question, broken ones included."""
    position: dict[str, int] = {}
    for i, (_path, qid, _ref) in enumerate(questions):
        if qid:
            position.setdefault(qid, i)
    for i, (path, qid, ref) in enumerate(questions):
        if not ref:
            continue
        if ref not in position:
            check.add(f"{path}.when.question", _("unknown question {ref!r}").format(ref=ref))
        elif position[ref] >= i:
            check.add(
                f"{path}.when.question",
                _("{ref!r} must come before {id!r} (a later question or a cycle)").format(
                    ref=ref, id=qid
                ),
            )


def answer_values(question: Question) -> tuple[str, ...] | None:
    """Return every value an answer to ``question`` can have, or None when it is open (a
    number, a date, a text)."""
    found: tuple[str, ...] | None = {
        "yes-no": ("yes", "no"),
        "yes-partial-no": ("yes", "partial", "no"),
        "choice": tuple(o.id for o in question.options),
    }.get(question.type)
    if found is None:
        return None
    return (*found, NA) if question.allow_na else found


def check_when_values(check: Checker, questions: list[tuple[str, Question]]) -> None:
    """Report a ``when`` that names a derived question (applicability is decided on stored
    answers alone, by the walk, ``set`` and the score alike, and fvm never stores a derived
    value), or that lists a value the question it names can never have: the question it
    guards could never apply for that value."""
    by_id = {q.id: q for _, q in questions}
    for path, q in questions:
        ref = by_id.get(q.when.question) if q.when is not None else None
        if q.when is None or ref is None:
            continue
        if ref.derived:
            check.add(
                f"{path}.when.question",
                _(
                    "{question} is answered by fvm from live evidence ({source}), so no "
                    "question can depend on it with 'when'; name a question a person answers"
                ).format(question=ref.id, source=ref.source),
            )
            continue
        allowed = answer_values(ref)
        if allowed is None:
            continue
        for i, value in enumerate(q.when.values):
            if value not in allowed:
                check.add(
                    f"{path}.when.in[{i}]",
                    _("{question} can never be answered {value!r} (its answers: {allowed})").format(
                        question=ref.id, value=value, allowed=", ".join(allowed)
                    ),
                )


def check_requires(check: Checker, questions: list[tuple[str, Question]]) -> None:
    """Report prerequisites that name an unknown question, and every cycle through
    ``requires`` (``a → b → a``), at the path of the question where it starts."""
    paths = {q.id: path for path, q in questions}
    graph: dict[str, tuple[str, ...]] = {}
    for path, q in questions:
        for key in ("requires", "requires_parent"):
            for i, ref in enumerate(getattr(q, key)):
                if ref not in paths:
                    check.add(f"{path}.{key}[{i}]", _("unknown question {ref!r}").format(ref=ref))
        graph[q.id] = tuple(r for r in q.requires if r in paths)
    for cycle in requirement_cycles(graph):
        check.add(
            f"{paths[cycle[0]]}.requires",
            _("a cycle of prerequisites: {cycle}").format(cycle=" → ".join([*cycle, cycle[0]])),
        )


def requirement_cycles(graph: dict[str, tuple[str, ...]], limit: int = 100) -> list[list[str]]:
    """Return the elementary cycles of ``graph`` (node → the nodes it requires), each as its
    nodes from the earliest in ``graph``'s order, at most ``limit`` of them."""
    order = {node: i for i, node in enumerate(graph)}
    cycles: list[list[str]] = []
    for start in graph:
        first = order[start]
        stack: list[tuple[str, int]] = [(start, 0)]
        path = [start]
        on_path = {start}
        while stack and len(cycles) < limit:
            node, i = stack[-1]
            nexts = graph.get(node, ())
            if i == len(nexts):
                stack.pop()
                on_path.discard(path.pop())
                continue
            stack[-1] = (node, i + 1)
            step = nexts[i]
            if step == start:
                cycles.append(list(path))
            elif order[step] > first and step not in on_path:
                stack.append((step, 0))
                path.append(step)
                on_path.add(step)
    return cycles


def raw_reference(raw: Any) -> tuple[str, str | None]:
    """Return the id of a question table and the id its `when` names, as written."""
    if not isinstance(raw, dict):
        return "", None
    found = raw.get("id")
    qid = found if isinstance(found, str) else ""
    when = raw.get("when")
    ref = when.get("question") if isinstance(when, dict) else None
    return qid, ref if isinstance(ref, str) and ref else None
