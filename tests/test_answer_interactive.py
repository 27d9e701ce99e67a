"""`fvm checklist answer`: the walk with injected replies, and refusal without a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fvmcli.cli import prompts
from fvmcli.services.answering import ANSWER, BACK, SKIP, Reply, Step
from tests.conftest import Fvm

CONTENT = str(Path(__file__).parent / "content")


class Scripted:
    """Replies from a script, each ``(reply, comment)`` or a reply alone; records the steps
    shown and the errors reported."""

    def __init__(self, replies: list[Any]) -> None:
        self.replies = [r if isinstance(r, tuple) else (r, None) for r in replies]
        self.comments: list[str | None] = []
        self.steps: list[Step] = []
        self.errors: list[str] = []

    def ask(self, step: Step) -> Reply:
        self.steps.append(step)
        reply, comment = self.replies.pop(0)
        if reply is KeyboardInterrupt:
            raise KeyboardInterrupt
        self.comments.append(comment)
        assert isinstance(reply, Reply)
        return reply

    def comment(self, step: Step, *, required: bool) -> str | None:
        return self.comments[-1]

    def error(self, message: str) -> None:
        self.errors.append(message)


@pytest.fixture
def unit(fvm: Fvm) -> Fvm:
    fvm("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("phase", "set", "1", "--go-live", "2030-01-31")
    return fvm


def run_answer(
    fvm: Fvm, monkeypatch: pytest.MonkeyPatch, script: Scripted, *extra: str, code: int = 0
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(prompts, "make_asker", lambda lang: script)
    return fvm(
        "--content", CONTENT, "checklist", "answer", "mini", "--unit", "h1", *extra, code=code
    )


def stored(fvm: Fvm) -> dict[str, str]:
    import json

    out = fvm("--content", CONTENT, "checklist", "history", "mini", "--unit", "h1", "--json")
    return {r["question"]: r["value"] for r in json.loads(out.stdout)}


@pytest.mark.usefixtures("swedish")
def test_walk_saves_skips_goes_back_and_follows_when(unit: Fvm, monkeypatch) -> None:
    script = Scripted(
        [
            Reply(ANSWER, "ja"),  # a.lead
            Reply(ANSWER, "maybe"),  # a.staff: refused, asked again
            (Reply(ANSWER, "delvis"), "natt saknas"),  # a.staff
            Reply(BACK),  # a.pct: back to a.staff
            Reply(ANSWER, "yes"),  # a.staff again
            Reply(SKIP),  # a.pct
            Reply(ANSWER, "yes"),  # b.pumps: makes b.connected apply
            Reply(ANSWER, "yes"),  # b.connected: evidence required, refused
            (Reply(ANSWER, "yes"), "protokoll 12"),  # b.connected
            Reply(ANSWER, "Allt lugnt"),  # b.notes
        ]
    )
    out = run_answer(unit, monkeypatch, script).stdout
    shown = [(s.question.id, s.position, s.total) for s in script.steps]
    assert shown[0] == ("a.lead", 1, 5)  # b.connected does not apply yet; derived are not asked
    assert [s[0] for s in shown] == [
        "a.lead",
        "a.staff",
        "a.staff",
        "a.pct",
        "a.staff",
        "a.pct",
        "b.pumps",
        "b.connected",
        "b.connected",
        "b.notes",
    ]
    assert shown[-1][2] == 6  # b.connected applies now
    assert script.steps[4].previous is not None and script.steps[4].previous.value == "partial"
    assert script.steps[0].due is not None and str(script.steps[0].due) == "2030-01-01"
    assert "'maybe' är inte ett svar på a.staff" in script.errors[0]
    assert "kräver underlag" in script.errors[1]
    assert stored(unit) == {
        "a.lead": "yes",
        "a.staff": "yes",
        "b.pumps": "yes",
        "b.connected": "yes",
        "b.notes": "Allt lugnt",
    }
    assert "6 svar sparade eller ändrade, 0 oförändrade, 1 överhoppade." in out
    assert "Minilista" in out  # the closing score


def test_ctrl_c_keeps_answers_and_a_new_run_resumes(unit: Fvm, monkeypatch) -> None:
    first = Scripted([Reply(ANSWER, "yes"), KeyboardInterrupt])
    result = run_answer(unit, monkeypatch, first, code=130)
    assert "1 answers saved" in result.stderr
    assert "fvm checklist answer mini --unit h1" in result.stderr
    assert stored(unit) == {"a.lead": "yes"}
    second = Scripted([KeyboardInterrupt])
    run_answer(unit, monkeypatch, second, code=130)
    assert second.steps[0].question.id == "a.staff"
    again = Scripted([Reply(ANSWER, "no"), KeyboardInterrupt])
    run_answer(unit, monkeypatch, again, "--all", code=130)
    assert again.steps[0].question.id == "a.lead"
    assert again.steps[0].previous is not None and again.steps[0].previous.value == "yes"
    assert stored(unit)["a.lead"] == "no"


class Cut(Scripted):
    """A script whose comment prompts may be cut by Ctrl-C: a comment of KeyboardInterrupt."""

    def comment(self, step: Step, *, required: bool) -> str | None:
        if self.comments[-1] is KeyboardInterrupt:
            raise KeyboardInterrupt
        return self.comments[-1]


@pytest.mark.usefixtures("swedish")
def test_a_sitting_resumes_where_the_last_one_stopped(unit: Fvm, monkeypatch) -> None:
    """Skipped questions are not asked again on resuming (#49 item 10)."""
    first = Cut([Reply(SKIP), Reply(ANSWER, "ja"), (Reply(ANSWER, "50"), KeyboardInterrupt)])
    cut = run_answer(unit, monkeypatch, first, code=130).stderr
    # a.lead skipped, a.staff answered, a.pct answered and its comment cut off
    assert "Avbrutet. 2 svar sparade vid det här tillfället." in cut
    assert "Svaret på a.pct är sparat; kommentaren du höll på att skriva har gått förlorad." in cut
    assert "Fortsätt där du slutade (a.pct" in cut and "--from-start" in cut
    assert "fvm checklist answer mini --unit h1" in cut
    again = Scripted([KeyboardInterrupt])
    run_answer(unit, monkeypatch, again, code=130)
    assert again.steps[0].question.id == "a.pct" and again.steps[0].resumed
    assert again.steps[0].previous is not None and again.steps[0].previous.value == "50"
    start = Scripted([KeyboardInterrupt])
    run_answer(unit, monkeypatch, start, "--from-start", code=130)
    assert start.steps[0].question.id == "a.lead" and not start.steps[0].resumed
    # Evidence being typed at Ctrl-C: the answer is not saved, and it says so.
    evidence = Cut([(Reply(ANSWER, "ja"), KeyboardInterrupt)])
    run_answer(unit, monkeypatch, evidence, "--section", "b", code=130)  # b.pumps
    lost = Cut([(Reply(ANSWER, "ja"), "x"), (Reply(ANSWER, "ja"), KeyboardInterrupt)])
    said = run_answer(unit, monkeypatch, lost, "--section", "b", code=130).stderr
    assert "Svaret på b.connected är inte sparat: det sparas med sitt underlag" in said
    assert "b.connected" not in stored(unit)


@pytest.mark.usefixtures("swedish")
def test_revisiting_every_answer_as_it_was_changes_nothing(unit: Fvm, monkeypatch) -> None:
    for question, value in (("a.lead", "ja"), ("a.staff", "nej"), ("a.pct", "40")):
        unit("--content", CONTENT, "checklist", "set", "mini", "--unit", "h1", question, value)
    before = unit.scalar("SELECT count(*) FROM history")
    kept = Scripted([Reply(ANSWER, "yes"), Reply(ANSWER, "no"), Reply(ANSWER, "40")])
    out = run_answer(unit, monkeypatch, kept, "--all", "--section", "a").stdout
    assert "0 svar sparade eller ändrade, 3 oförändrade, 0 överhoppade." in out
    assert unit.scalar("SELECT count(*) FROM history") == before


def test_section_filter_and_complete_unit(unit: Fvm, monkeypatch) -> None:
    script = Scripted([Reply(ANSWER, "no"), Reply(ANSWER, "Inget")])
    run_answer(unit, monkeypatch, script, "--section", "b")
    assert [s.question.id for s in script.steps] == ["b.pumps", "b.notes"]
    done = Scripted([])
    out = run_answer(unit, monkeypatch, done, "--section", "b").stdout
    assert "Every question for h1 is answered" in out
    assert (
        "unknown section 'z'"
        in run_answer(unit, monkeypatch, done, "--section", "z", code=2).stderr
    )


def test_without_a_terminal_it_refuses_and_names_the_batch_commands(unit: Fvm) -> None:
    result = unit("--content", CONTENT, "checklist", "answer", "mini", "--unit", "h1", code=2)
    assert "needs a terminal" in result.stderr
    assert "fvm checklist set" in result.stderr and "fvm checklist import" in result.stderr
