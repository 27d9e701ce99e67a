"""Content: the bundled files validate; every problem of a bad file is reported with its path."""

from __future__ import annotations

from pathlib import Path

import pytest

from fvmcli.content.catalog import load_catalog
from fvmcli.content.checklists import checklist_files, load_checklist
from fvmcli.content.courses import load_curriculum
from fvmcli.content.locate import ContentDirs, bundled_root
from fvmcli.content.territory import load_territory
from fvmcli.errors import ContentError, UnknownIdError
from tests.conftest import Fvm


def dirs_with(tmp_path: Path, files: dict[str, str]) -> ContentDirs:
    for name, text in files.items():
        path = tmp_path / "user" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return ContentDirs.with_user([tmp_path / "user"])


def test_bundled_content_validates() -> None:
    dirs = ContentDirs.with_user([])
    territory = load_territory(dirs)
    assert list(territory.areas) == ["sodra", "vastra", "norra", "ostra"]
    assert [territory.phase_of(a) for a in territory.areas] == [1, 2, 3, 3]
    assert territory.areas["ostra"].name.sv == "Östra området"
    assert set(territory.unit_types) == {
        "hospital",
        "primary-care",
        "private",
        "municipal",
        "school-health",
    }
    assert territory.unit_types["municipal"].get("en") == "Municipal health care"
    golive = load_checklist(dirs, "golive", territory)
    assert 40 <= len(golive.questions) <= 70 and 7 <= len(golive.sections) <= 10
    for q in golive.questions:
        assert q.text.sv and q.text.en, q.id
        assert q.owner, q.id
        assert q.help is not None or q.source or q.type == "text" or q.weight, q.id
    sources = {q.source for q in golive.questions if q.source}
    assert sources == {"training.coverage", "equipment.readiness"}
    pumps = golive.question("med.pumps-connected")
    assert pumps is not None and pumps.when is not None and pumps.critical
    catalog = load_catalog(dirs, territory)
    assert {
        "care-client",
        "printer",
        "label-printer",
        "wristband-printer",
        "barcode-scanner",
        "infusion-pump",
        "vital-signs-monitor",
    } <= {i.id for i in catalog.items}
    curriculum = load_curriculum(dirs)
    assert {
        "millennium-intro",
        "millennium-fundament",
        "architecture-concepts",
        "open-link",
    } <= set(curriculum.courses)
    assert curriculum.roles["config-analyst"].requires == (
        "millennium-intro",
        "millennium-fundament",
    )


BAD = """
id = "bad"
version = 1
title = { en = "No Swedish" }
colour = "red"

[[sections]]
id = "s"
title = { sv = "S" }

[[questions]]
id = "q1"
section = "nowhere"
type = "yes-no"
weight = "high"
text = { sv = "Q1" }
due = "90 days"

[[questions]]
id = "q1"
section = "s"
type = "choice"
text = { sv = "dup" }

[[questions]]
id = "q3"
section = "s"
type = "percent"
target = 0
source = "magic"
text = { sv = "Q3" }
when = { question = "q4", in = ["yes"] }

[[questions]]
id = "q4"
section = "s"
type = "choice"
text = { sv = "Q4" }
options = [{ id = "a", credit = 1.5, label = { sv = "A" } }]
"""


def test_every_problem_is_reported_with_file_and_path(tmp_path: Path) -> None:
    dirs = dirs_with(tmp_path, {"checklists/bad.toml": BAD})
    with pytest.raises(ContentError) as caught:
        load_checklist(dirs, "bad", load_territory(dirs))
    message = caught.value.message
    label = str(tmp_path / "user" / "checklists" / "bad.toml")
    assert message.startswith(label)
    for expected in [
        "colour: unknown key",
        "title.sv: a Swedish text is required",
        "questions[0] (q1).weight: expected a number, got a string 'high'",
        "questions[0] (q1).due: expected T-<n>d, T-<n>w or T-<n>m, got '90 days'",
        "questions[1] (q1).options: a choice question needs options",
        "questions[2] (q3).target: a target must be greater than 0",
        "questions[2] (q3).source: unknown source 'magic'",
        "questions[3] (q4).options[0] (a).credit: a credit is between 0 and 1, got 1.5",
        "questions[1] (q1).id: duplicate question id 'q1'",
        "questions[2] (q3).when.question: 'q4' must come before 'q3'",
    ]:
        assert expected in message, expected
    assert "questions[0] (q1).section: no section 'nowhere'" in message


def test_a_broken_question_has_its_references_checked_too(tmp_path: Path) -> None:
    """A question with a bad type is still checked for its section and its `when`: every
    problem of the file is reported at once, each item named by its id and its place."""
    text = (
        'id = "two"\nversion = 1\ntitle = { sv = "Två" }\n'
        '[[sections]]\nid = "s"\ntitle = { sv = "S" }\n'
        '[[questions]]\nid = "q1"\nsection = "s"\ntype = "yes-no"\ntext = { sv = "Q1" }\n'
        '[[questions]]\nid = "q2"\nsection = "nowhere"\ntype = "maybe"\ntext = { sv = "Q2" }\n'
        'when = { question = "q9", in = ["yes"] }\n'
    )
    dirs = dirs_with(tmp_path, {"checklists/two.toml": text})
    with pytest.raises(ContentError) as caught:
        load_checklist(dirs, "two", load_territory(dirs))
    lines = caught.value.message.splitlines()
    assert lines[0].endswith("two.toml: 3 problems")
    assert sorted(line.strip() for line in lines[1:]) == [
        "questions[1] (q2).section: no section 'nowhere'",
        "questions[1] (q2).type: unknown type 'maybe' (allowed: yes-no, yes-partial-no, "
        "percent, number, date, choice, text)",
        "questions[1] (q2).when.question: unknown question 'q9'",
    ]


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    dirs = dirs_with(tmp_path, {"checklists/broken.toml": 'id = "broken"\nversion = \n'})
    with pytest.raises(ContentError, match=r"broken.toml: 1 problem\n  line 2, column 11: "):
        load_checklist(dirs, "broken", load_territory(dirs))


def test_unknown_checklist_names_the_known_ones() -> None:
    dirs = ContentDirs.with_user([])
    with pytest.raises(UnknownIdError, match="known: golive"):
        load_checklist(dirs, "nope", load_territory(dirs))


def test_user_folder_replaces_same_name_and_adds_new(tmp_path: Path) -> None:
    territory = """
[areas]
mitt = { phase = 1, name = { sv = "Mitt" } }
[unit_types]
hospital = { sv = "Sjukhus" }
"""
    extra = (Path(__file__).parent / "content" / "checklists" / "mini.toml").read_text("utf-8")
    extra = extra.replace('id = "mini"', 'id = "extra"')
    dirs = dirs_with(
        tmp_path, {"checklists/territory.toml": territory, "checklists/extra.toml": extra}
    )
    assert list(load_territory(dirs).areas) == ["mitt"]
    files = checklist_files(dirs)
    assert {"golive", "extra"} <= set(files)
    assert files["golive"].label == "checklists/golive.toml"


def test_cli_reports_bad_content_with_exit_2(fvm: Fvm, tmp_path: Path) -> None:
    dirs_with(tmp_path, {"checklists/territory.toml": "[areas]\nx = { phase = 0 }\n"})
    result = fvm("--content", str(tmp_path / "user"), "unit", "list", code=2)
    assert "territory.toml" in result.stderr
    assert "areas.x.name: is required" in result.stderr
    assert "areas.x.phase: a phase is 1 or more, got 0" in result.stderr
    assert "Traceback" not in result.output
    missing = fvm("--content", str(tmp_path / "nope"), "unit", "list", code=2)
    assert "content folder" in missing.stderr


def test_fvm_content_variable_is_read(fvm: Fvm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FVM_CONTENT", str(Path(__file__).parent / "content"))
    fvm.publishes = False  # this test publishes itself
    # On a database the content published in it is in force; FVM_CONTENT is what a plain
    # 'fvm content publish' publishes.
    listed = fvm("checklist", "list")
    assert "mini" not in listed.stdout and "is not used" in listed.stderr
    fvm("content", "publish")
    assert "mini" in fvm("checklist", "list").stdout


def test_source_checkout_finds_the_bundled_folders() -> None:
    root = bundled_root()
    assert (root / "checklists" / "golive.toml").is_file()
    assert (root / "templates" / "checklist.html.j2").is_file()
    assert (root / "courses" / "roles.toml").is_file()


def test_a_when_naming_a_derived_question_is_refused(tmp_path: Path) -> None:
    """Applicability is decided on stored answers alone (``#44``): a ``when`` on a question
    fvm answers from live evidence is refused where the content is read."""
    text = (
        'id = "live"\nversion = 1\ntitle = { sv = "Live" }\n'
        '[[sections]]\nid = "s"\ntitle = { sv = "S" }\n'
        '[[questions]]\nid = "cov"\nsection = "s"\ntype = "percent"\n'
        'source = "training.coverage"\ntext = { sv = "Täckning" }\n'
        '[[questions]]\nid = "q2"\nsection = "s"\ntype = "yes-no"\ntext = { sv = "Q2" }\n'
        'when = { question = "cov", in = ["100"] }\n'
    )
    dirs = dirs_with(tmp_path, {"checklists/live.toml": text})
    with pytest.raises(ContentError) as caught:
        load_checklist(dirs, "live", load_territory(dirs))
    lines = caught.value.message.splitlines()
    assert lines[0].endswith("live.toml: 1 problem")
    assert lines[1].strip() == (
        "questions[1] (q2).when.question: cov is answered by fvm from live evidence "
        "(training.coverage), so no question can depend on it with 'when'; name a question "
        "a person answers"
    )
