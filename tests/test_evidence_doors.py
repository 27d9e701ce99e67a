"""Required evidence is one rule for every way an answer comes in (issue 48, item 3): the walk,
``checklist set``, a CSV, an answer sheet and a bundle each refuse an answer to a question with
``evidence = "required"`` that has none (exit 2), naming the question and where to give it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fvmcli.cli import prompts
from fvmcli.services.answering import ANSWER, Reply
from tests import factories
from tests.conftest import Fvm
from tests.test_answer_interactive import Scripted

CONTENT = str(factories.TEST_CONTENT)
pytestmark = [pytest.mark.store, pytest.mark.usefixtures("swedish")]
NEEDS = "b.connected kräver underlag: en länk eller en notering som svarets kommentar"


@pytest.fixture
def pumps(fvm: Fvm) -> Fvm:
    """Unit h1 whose pumps make b.connected (evidence required) apply."""
    fvm("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("--content", CONTENT, "checklist", "set", "mini", "--unit", "h1", "b.pumps", "ja")
    return fvm


def c(fvm: Fvm, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    return fvm("--content", CONTENT, *args, code=code)


def connected(fvm: Fvm) -> object:
    return fvm.scalar("SELECT value FROM answers WHERE question = 'b.connected'")


def test_set_refuses_an_answer_without_evidence_and_says_how_to_give_it(pumps: Fvm) -> None:
    err = c(pumps, "checklist", "set", "mini", "--unit", "h1", "b.connected", "ja", code=2).stderr
    assert f"--comment: {NEEDS}" in err
    assert "Inget sparades. Ge underlaget med --comment:" in err
    assert (
        'fvm checklist set mini --unit h1 b.connected ja --comment "en länk eller en notering"'
        in err
    )
    assert connected(pumps) is None
    blank = ("checklist", "set", "mini", "--unit", "h1", "b.connected", "ja", "--comment", " ")
    assert NEEDS in c(pumps, *blank, code=2).stderr
    out = c(
        pumps,
        "checklist",
        "set",
        "mini",
        "--unit",
        "h1",
        "b.connected",
        "ja",
        "--comment",
        "Protokoll 12",
    )
    assert "b.connected = Ja" in out.stdout and "underlag" not in out.stderr
    assert connected(pumps) == "yes"


def test_a_csv_row_without_evidence_is_refused_by_its_row(pumps: Fvm, write_csv) -> None:  # type: ignore[no-untyped-def]
    bad = write_csv("unit;question;value;comment\nh1;a.lead;ja;\nh1;b.connected;ja;\n")
    err = c(pumps, "checklist", "import", "mini", str(bad), code=2).stderr
    assert f"rad 3, kolumn comment: {NEEDS}" in err
    assert (
        connected(pumps) is None
        and pumps.scalar("SELECT count(*) FROM answers WHERE question = 'a.lead'") == 0
    )
    good = write_csv("unit;question;value;comment\nh1;b.connected;ja;Protokoll 12\n", "ok.csv")
    c(pumps, "checklist", "import", "mini", str(good))
    assert connected(pumps) == "yes"


def test_an_answer_sheet_without_evidence_is_refused_by_its_comment_cell(
    pumps: Fvm, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "h1.xlsx"
    c(pumps, "checklist", "sheet", "mini", "--unit", "h1", "-o", str(path))
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    row = next(r for r in range(7, ws.max_row + 1) if ws.cell(r, 7).value == "b.connected")
    ws.cell(row, 5).value = "Ja"
    book.save(path)
    err = c(pumps, "checklist", "import", "mini", str(path), code=2).stderr
    assert f"h1.xlsx!F{row}: {NEEDS}" in err
    assert connected(pumps) is None
    ws.cell(row, 6).value = "https://intranat.exempel.se/pumpar"
    book.save(path)
    c(pumps, "checklist", "import", "mini", str(path))
    assert connected(pumps) == "yes"


def test_the_walk_refuses_an_answer_without_evidence_in_the_same_words(
    pumps: Fvm, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = Scripted(
        [Reply(ANSWER, "ja"), (Reply(ANSWER, "ja"), "Protokoll 12"), KeyboardInterrupt]
    )
    monkeypatch.setattr(prompts, "make_asker", lambda lang: script)
    c(pumps, "checklist", "answer", "mini", "--unit", "h1", "--section", "b", code=130)
    assert script.errors == [NEEDS]
    assert connected(pumps) == "yes"


def test_a_bundle_that_brings_an_answer_without_evidence_is_refused(
    pumps: Fvm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A laptop's answer without evidence (given before the rule held there) is refused on
    the shared side, naming its entry; nothing of the bundle is imported."""
    from fvmcli.core.bundle import digest, signature

    monkeypatch.setenv("FVM_BUNDLE_KEY", "delad nyckel")
    laptop = Fvm(f"sqlite:///{tmp_path / 'laptop.sqlite'}")
    laptop("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "b.pumps", "ja")
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "a.lead", "ja")
    comment = ("--comment", "Protokoll 12")
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "b.connected", "ja", *comment)
    bundle = tmp_path / "h1.json"
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(bundle))
    document = json.loads(bundle.read_text("utf-8"))
    # As an older fvm on the laptop stored it: the answer without its evidence.
    for entry in document["history"]:
        if entry["subject"] == "b.connected":
            entry["comment"] = None
    for row in document["answers"]:
        if row["question"] == "b.connected":
            row["comment"] = None
    document["digest"] = digest(document)
    document["signature"] = signature(document, "delad nyckel")
    bundle.write_text(json.dumps(document), "utf-8")
    index = next(i for i, h in enumerate(document["history"]) if h["subject"] == "b.connected")
    before = pumps.scalar("SELECT count(*) FROM history")
    err = c(pumps, "bundle", "import", str(bundle), code=2).stderr
    assert f"history[{index}].comment: {NEEDS}" in err
    assert "Inget importerades. Ge underlaget där svaret gavs" in err
    assert pumps.scalar("SELECT count(*) FROM history") == before
    assert pumps.scalar("SELECT count(*) FROM answers WHERE question = 'a.lead'") == 0
    # The answer given with its evidence comes through.
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(bundle))
    assert "0 i konflikt" in c(pumps, "bundle", "import", str(bundle)).stdout
    assert connected(pumps) == "yes"
