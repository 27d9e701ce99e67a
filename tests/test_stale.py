"""Stale answers: a question that changed meaning counts as unanswered until confirmed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fvmcli.services import answers
from fvmcli.services.context import Context
from tests import factories
from tests.conftest import Fvm

MINI = factories.TEST_CONTENT / "checklists" / "mini.toml"


def content(tmp_path: Path, name: str, version: int, revised: bool) -> Path:
    """Return a content folder whose mini checklist has ``version``, with a.staff revised in
    version 2 when ``revised``."""
    root = tmp_path / name
    shutil.copytree(factories.TEST_CONTENT, root)
    text = MINI.read_text("utf-8").replace("version = 2", f"version = {version}")
    if revised:
        text = text.replace('id = "a.staff"\n', 'id = "a.staff"\nrevised = 2\n')
    (root / "checklists" / "mini.toml").write_text(text, "utf-8")
    return root


def context(db_url: str, root: Path) -> Context:
    """Return a context on ``db_url`` with the content in ``root`` in force (published)."""
    ctx = factories.context(db_url)
    ctx.content_dirs = [root]
    factories.publish_local(ctx)
    return ctx


@pytest.mark.store
def test_a_stale_answer_counts_as_unanswered_until_confirmed(db_url: str, tmp_path: Path) -> None:
    old = context(db_url, content(tmp_path, "v1", 1, revised=False))
    factories.units(old, ("m1", "sodra", "municipal", 10))
    factories.go_live(old, p1="2030-01-31")
    factories.answered(old, "mini", "m1", a_lead="yes", a_staff="yes", a_pct="80")
    factories.counted(old, "m1", "pc", 1, 1, 1)  # equipment ready: b.equip credit 1
    before = answers.score(old, "mini", "m1").readiness.score
    # A = (1·1 + 2·1 + 1·1)/4 = 1; B = (b.train 0 + b.equip 1)/2 = 0.5; score = 0.75.
    assert before.score == pytest.approx(0.75) and before.completeness == pytest.approx(4 / 5)
    assert before.status == "amber" and before.reason is not None
    assert before.reason.rule == "score-below-green" and before.reason.threshold == 0.9
    old.close()

    new = context(db_url, content(tmp_path, "v2", 2, revised=True))
    stale = answers.score(new, "mini", "m1").readiness.score
    # a.staff is stale: no credit, not answered. A = (1 + 0 + 1)/4 = 0.5; score = 0.5.
    assert stale.score == pytest.approx(0.5) and stale.completeness == pytest.approx(3 / 5)
    assert stale.status == "red" and stale.reason is not None
    assert stale.reason.rule == "score-below-amber"
    (result,) = stale.stale
    assert result.question.id == "a.staff" and result.value == "yes" and result.credit == 0.0
    with pytest.raises(Exception, match="no stale answer to a.lead"):
        answers.confirm(new, "mini", "m1", ["a.lead"])
    assert answers.confirm(new, "mini", "m1") == ["a.staff"]
    after = answers.score(new, "mini", "m1").readiness.score
    assert after.score == pytest.approx(0.75) and not after.stale
    history = answers.history(new, "mini", "m1", "a.staff")
    assert [(c.new, c.version) for c in history] == [("yes", 1), ("yes", 2)]
    assert answers.confirm(new, "mini", "m1") == []  # nothing left; nothing recorded
    assert len(answers.history(new, "mini", "m1", "a.staff")) == 2
    new.close()


@pytest.mark.usefixtures("swedish")
@pytest.mark.store
def test_stale_answers_show_in_json_and_the_territory(fvm: Fvm, tmp_path: Path) -> None:
    old = content(tmp_path, "v1", 1, revised=False)
    new = content(tmp_path, "v2", 2, revised=True)
    fvm("unit", "add", "m1", "--name", "Kommun", "--area", "sodra", "--type", "municipal")
    fvm("--content", str(old), "checklist", "set", "mini", "--unit", "m1", "a.staff", "ja")
    fvm("--content", str(old), "checklist", "set", "mini", "--unit", "m1", "a.lead", "ja")
    data = json.loads(
        fvm("--content", str(new), "checklist", "score", "mini", "--unit", "m1", "--json").stdout
    )
    staff = next(q for q in data["questions"] if q["id"] == "a.staff")
    assert staff["stale"] is True and staff["value"] == "yes" and staff["credit"] == 0.0
    assert data["stale"] == ["a.staff"] and data["reason"]["rule"] == "score-below-amber"
    shown = fvm("--content", str(new), "checklist", "score", "mini", "--unit", "m1").stdout
    assert "Behöver bekräftas (1)" in shown and "a.staff" in shown
    printed = fvm("--content", str(new), "checklist", "print", "mini", "--unit", "m1").stdout
    assert "frågan har ändrats – bekräfta svaret" in printed
    status = json.loads(
        fvm("--content", str(new), "cutover", "status", "--checklist", "mini", "--json").stdout
    )
    assert status["units"][0]["reason"]["rule"] == "score-below-amber"
    # Answering again confirms too.
    fvm("--content", str(new), "checklist", "set", "mini", "--unit", "m1", "a.staff", "ja")
    again = json.loads(
        fvm("--content", str(new), "checklist", "score", "mini", "--unit", "m1", "--json").stdout
    )
    assert again["stale"] == []


def test_revised_above_the_version_is_refused(tmp_path: Path) -> None:
    root = content(tmp_path, "bad", 1, revised=True)
    result = Fvm(f"sqlite:///{tmp_path / 'x.sqlite'}")(
        "--content", str(root), "checklist", "show", "mini", code=2
    )
    assert "revised in version 2, above the checklist's version 1" in result.stderr


def test_the_reason_names_blockers_and_critical_questions() -> None:
    from datetime import date

    from fvmcli.content.checklists import load_checklist
    from fvmcli.content.locate import ContentDirs
    from fvmcli.content.territory import load_territory
    from fvmcli.core.score_plan import plan_for
    from fvmcli.core.scoring import Evidence, score_unit

    dirs = ContentDirs.with_user([factories.TEST_CONTENT])
    checklist = load_checklist(dirs, "mini", load_territory(dirs))
    go_live = date(2027, 1, 31)
    blocked = score_unit(
        plan_for(checklist, "municipal", go_live, date(2027, 1, 10)), {}, {}, Evidence()
    )
    assert blocked.reason is not None and blocked.reason.rule == "blocker"
    assert blocked.reason.questions == ("a.lead",)
    full = {"a.lead": "yes", "a.staff": "yes", "a.pct": "80"}
    ready = score_unit(
        plan_for(checklist, "municipal", go_live, date(2026, 11, 1)),
        full,
        {},
        Evidence(100.0, 100.0),
    )
    assert ready.status == "green" and ready.reason is not None and ready.reason.rule == "all-met"
    short = score_unit(
        plan_for(checklist, "hospital", go_live, date(2026, 11, 1)),
        {**full, "b.pumps": "yes", "b.connected": "no"},
        {},
        Evidence(100.0, 100.0),
    )
    # A = 1; B = (pumps 1 + connected 0 + train 1 + equip 1)/4 = 0.75; score 0.875 < 0.9.
    assert short.score == pytest.approx(0.875) and short.reason is not None
    assert short.reason.rule == "score-below-green" and short.reason.questions == ("b.connected",)
