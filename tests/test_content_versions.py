"""Content in the database: versions and their digests, publishing, the diff, local content
that changes nothing, and the program's own rules changing (#42)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from fvmcli.content.locate import bundled_root
from tests.conftest import Fvm

pytestmark = pytest.mark.store

TWO = """id = "two"
version = 1
title = { sv = "Två frågor", en = "Two questions" }

[[sections]]
id = "s"
title = { sv = "Avsnitt" }

[[questions]]
id = "q1"
section = "s"
type = "yes-no"
weight = WEIGHT
text = { sv = "Fråga ett" }

[[questions]]
id = "q2"
section = "s"
type = "yes-no"
text = { sv = "Fråga två" }
"""

TERRITORY = """[areas]
a = { phase = 1, name = { sv = "Område A", en = "Area A" } }

[unit_types]
ward = { sv = "Avdelning", en = "Ward" }
"""

GATES = """checklist = "two"

[[roles]]
id = "chair"
name = { sv = "Ordförande", en = "Chair" }

[[criteria]]
id = "few-red"
text = { sv = "Högst en enhet röd", en = "At most one unit red" }
kind = "units_with_status"
status = ["red"]
max_count = 1
"""


def make_pack(root: Path, weight: int = 1) -> Path:
    """Write a pack of its own with the checklist ``two`` (q1 of this weight) and a gate."""
    (root / "checklists").mkdir(parents=True, exist_ok=True)
    (root / "courses").mkdir(exist_ok=True)
    (root / "pack.toml").write_text('id = "tva"\n', "utf-8")
    (root / "checklists" / "territory.toml").write_text(TERRITORY, "utf-8")
    (root / "checklists" / "two.toml").write_text(TWO.replace("WEIGHT", str(weight)), "utf-8")
    (root / "checklists" / "gates.toml").write_text(GATES, "utf-8")
    return root


def by_the_rule(root: Path, paths: list[str]) -> str:
    """Return the digest of ``scoring.md`` computed here by hand over these files."""
    lines = [f"{p}\t{hashlib.sha256((root / p).read_bytes()).hexdigest()}" for p in sorted(paths)]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def history_count(fvm: Fvm) -> int:
    return int(fvm.scalar("SELECT COUNT(*) FROM history"))  # type: ignore[call-overload]


def test_init_publishes_the_bundled_pack_as_version_1_with_its_digest(fvm: Fvm) -> None:
    shown = fvm.json("content", "show")
    root = bundled_root()
    files = sorted(
        p.relative_to(root).as_posix()
        for folder in ("checklists", "courses", "runbooks")
        for p in (root / folder).glob("*.toml")
    )
    assert shown["version"] == 1 and shown["pack"] == "fvm" and shown["by"] == "tester"
    assert shown["files"] == files
    assert shown["digest"] == by_the_rule(root, files)
    assert shown["message"] is None
    assert [v["version"] for v in fvm.json("content", "history")] == [1]


def test_publishing_identical_content_stores_nothing_and_says_so(fvm: Fvm) -> None:
    before = history_count(fvm)
    out = fvm("content", "publish").stdout
    assert "identical" in out and "nothing was stored" in out
    assert history_count(fvm) == before
    assert len(fvm.json("content", "history")) == 1


def test_a_weight_changed_names_the_question_units_and_criterion_by_hand(
    fvm: Fvm, tmp_path: Path
) -> None:
    """q1 and q2 weigh 1 each: u1 (q1 yes, q2 no) scores 1/2, red below 0.7; u2 (q1 no,
    q2 yes) 1/2, red. With q1 weighing 3: u1 scores 3/4 = 0.75, amber; u2 1/4, still red. The
    gate allows one red unit: not met before (2 red), met after (1)."""
    pack = make_pack(tmp_path / "v1")
    fvm("content", "publish", str(pack), "--message", "our own pack")
    for unit in ("u1", "u2"):
        fvm("unit", "add", unit, "--name", f"Avd {unit}", "--area", "a", "--type", "ward")
    fvm("phase", "set", "1", "--go-live", "2027-03-01")
    fvm("checklist", "set", "two", "--unit", "u1", "q1", "ja")
    fvm("checklist", "set", "two", "--unit", "u1", "q2", "nej")
    fvm("checklist", "set", "two", "--unit", "u2", "q1", "nej")
    fvm("checklist", "set", "two", "--unit", "u2", "q2", "ja")
    heavier = make_pack(tmp_path / "v2", weight=3)
    found = fvm.json("content", "diff", str(heavier))
    assert found["from"] == {"version": 2, "digest": fvm.json("content", "show")["digest"]}
    assert found["to"]["version"] is None
    assert found["changes"] == [
        {
            "file": "checklists/two.toml",
            "what": "question",
            "id": "q1",
            "change": "revised",
            "fields": ["weight"],
        }
    ]
    assert found["units"] == [{"unit": "u1", "status": "red", "status_to": "amber"}]
    assert found["criteria"] == [{"id": "few-red", "phase": 1, "met": False, "met_to": True}]
    text = fvm("content", "diff", str(heavier)).stdout
    assert "question q1 revised (weight)" in text and "u1: red → amber" in text
    # A dry run shows the same and stores nothing.
    before = history_count(fvm)
    dry = fvm("content", "publish", str(heavier), "--dry-run").stdout
    assert "u1: red → amber" in dry and "nothing was published" in dry
    assert history_count(fvm) == before and len(fvm.json("content", "history")) == 2
    fvm("content", "publish", str(heavier))
    rows = fvm.json("cutover", "status")["units"]
    assert {r["unit"]: r["status"] for r in rows} == {"u1": "amber", "u2": "red"}
    # Between versions, the same diff.
    again = fvm.json("content", "diff", "--from", "2", "--to", "3")
    assert again["units"] == found["units"] and again["changes"] == found["changes"]


def test_local_content_on_a_database_changes_nothing_but_one_notice(
    db_url: str, tmp_path: Path
) -> None:
    fvm = Fvm(db_url)
    fvm.publishes = False
    fvm("init", "--content", str(make_pack(tmp_path / "v1")))
    fvm("unit", "add", "u1", "--name", "Avd 1", "--area", "a", "--type", "ward")
    fvm("checklist", "set", "two", "--unit", "u1", "q1", "ja")
    fvm("checklist", "set", "two", "--unit", "u1", "q2", "nej")
    other = make_pack(tmp_path / "v2", weight=3)
    plain = fvm("cutover", "status", "--json")
    local = fvm("--content", str(other), "cutover", "status", "--json")
    assert json.loads(plain.stdout) == json.loads(local.stdout)
    v1 = fvm.json("content", "show")["digest"]
    from fvmcli.core.packs import content_digest

    v2 = content_digest(
        {p.relative_to(other).as_posix(): p.read_bytes() for p in other.rglob("*") if p.is_file()}
    )
    err = local.stderr
    assert err.count("is not used") == 1
    assert v1[:12] in err and v2[:12] in err
    assert f"fvm content diff {other}" in err
    assert "is not used" not in plain.stderr


def test_a_pack_that_does_not_validate_is_refused_whole(fvm: Fvm, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "bad")
    (pack / "checklists" / "two.toml").write_text(
        TWO.replace("WEIGHT", '"heavy"').replace('type = "yes-no"', 'type = "maybe"', 1), "utf-8"
    )
    (pack / "checklists" / "gates.toml").write_text(
        GATES.replace("max_count = 1", "max_count = -1")
    )
    before = history_count(fvm)
    err = fvm("content", "publish", str(pack), code=2).stderr
    assert "checklists/two.toml: questions[0] (q1).weight" in err
    assert "checklists/two.toml: questions[0] (q1).type" in err
    assert "checklists/gates.toml: criteria[0] (few-red).max_count" in err
    assert "Nothing was published" in err
    assert history_count(fvm) == before and len(fvm.json("content", "history")) == 1


def test_too_many_files_or_too_large_a_file_is_refused(
    fvm: Fvm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fvmcli.content import pack as packs

    pack = make_pack(tmp_path / "big")
    monkeypatch.setattr(packs, "MAX_FILES", 3)
    err = fvm("content", "publish", str(pack), code=2).stderr
    assert "more than 3 files" in err
    monkeypatch.setattr(packs, "MAX_FILES", 2_000)
    monkeypatch.setattr(packs, "MAX_FILE_BYTES", 100)
    err = fvm("content", "publish", str(pack), code=2).stderr
    assert "checklists/" in err and "more than a content file may hold" in err
    assert len(fvm.json("content", "history")) == 1


def test_a_database_from_before_publishes_the_content_it_is_opened_with(
    db_url: str, tmp_path: Path
) -> None:
    from fvmcli.store.database import Database

    database = Database(db_url)
    database.ensure_schema()  # a database with the schema and no content published yet
    database.dispose()
    fvm = Fvm(db_url)
    fvm.publishes = False
    pack = make_pack(tmp_path / "old")
    fvm("--content", str(pack), "unit", "list")
    shown = fvm.json("content", "show")
    assert shown["version"] == 1 and shown["pack"] == "tva"
    assert "checklists/two.toml" in shown["files"]
    # From then on the database's content is in force, without --content.
    assert fvm.json("checklist", "show", "two")["id"] == "two"


def test_a_bare_context_reads_and_the_effects_handed_to_it_publish(
    db_url: str, tmp_path: Path
) -> None:
    # The context reads the content in force without scoring (#44); publishing the local
    # content where none is, with each unit's status, is the effects' that its maker hands in.
    from fvmcli.core.model import Unit
    from fvmcli.services import open_context
    from fvmcli.services.context import Context
    from fvmcli.services.territory import save_units
    from fvmcli.store import content as stored

    pack = make_pack(tmp_path / "p")
    bare = Context(db_url=db_url, content_dirs=[pack])
    try:
        save_units(bare, [Unit("u1", "Avd 1", "a", "ward", 10)], by="test")
        assert bare.content.pack == "tva" and bare.content_version is None
        with bare.open().read() as conn:  # as a login that may not publish: nothing stored
            assert stored.in_force(conn) is None and stored.last_rules(conn) is None
    finally:
        bare.close()
    ctx = open_context(db_url, content=[pack])
    try:
        assert ctx.content.pack == "tva" and ctx.content_version is not None
        assert ctx.content_version[0] == 1
        with ctx.open().read() as conn:
            mark = stored.last_rules(conn)
        # The baseline scored u1 under version 1: no answer yet, so not started.
        assert mark is not None and mark.statuses == {"u1": "not-started"}
        assert mark.as_of is not None and mark.as_of.isoformat() == "2026-11-26"
    finally:
        ctx.close()


def test_export_writes_a_version_back_as_a_pack(fvm: Fvm, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "v1")
    fvm("content", "publish", str(pack))
    out = tmp_path / "exported"
    said = fvm("content", "export", "-o", str(out)).stdout
    assert "Content version 2: 4 files" in said
    # Each file written whole (cli/writing.py): the four, and no temporary file left beside.
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "checklists/gates.toml",
        "checklists/territory.toml",
        "checklists/two.toml",
        "pack.toml",
    ]
    assert (out / "checklists" / "two.toml").read_bytes() == (
        pack / "checklists" / "two.toml"
    ).read_bytes()
    assert fvm.json("content", "diff", str(out))["changes"] == []
    assert "identical" in fvm("content", "publish", str(out)).stdout
    again = fvm("content", "export", "-o", str(out), code=2).stderr
    assert "new or empty folder" in again
    fvm("content", "export", "--version", "1", "-o", str(tmp_path / "first"))
    assert (tmp_path / "first" / "checklists" / "golive.toml").is_file()
    assert "no content version 9" in fvm("content", "show", "--version", "9", code=2).stderr


def test_snapshots_and_proposals_record_the_content_version(fvm: Fvm, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "v1")
    fvm("content", "publish", str(pack))
    fvm("unit", "add", "u1", "--name", "Avd 1", "--area", "a", "--type", "ward")
    fvm("phase", "set", "1", "--go-live", "2027-03-01")
    fvm("cutover", "snapshot", "R1")
    fvm("gate", "propose", "--phase", "1", "G1")
    digest = fvm.json("content", "show")["digest"]
    assert fvm.scalar("SELECT content_version FROM snapshots WHERE label = 'R1'") == 2
    assert fvm.scalar("SELECT content_version FROM gate_proposals WHERE label = 'G1'") == 2
    assert fvm.scalar("SELECT content_digest FROM gate_proposals WHERE label = 'G1'") == digest


def test_a_change_of_the_programs_rules_is_recorded_with_the_units_it_changed(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fvmcli.core import packs, scoring

    monkeypatch.setattr(packs, "RULES", "rules/a")
    fvm = Fvm(db_url)
    fvm("init", "--content", str(make_pack(tmp_path / "v1")))
    for unit in ("u1", "u2", "u3"):
        fvm("unit", "add", unit, "--name", f"Avd {unit}", "--area", "a", "--type", "ward")
    fvm("content", "publish", str(make_pack(tmp_path / "v2", weight=2)))  # the baseline
    fvm("checklist", "set", "two", "--unit", "u1", "q1", "ja")  # after the baseline
    info = fvm.json("info")
    assert info["rules"] == {"rules": "rules/a", "changes": []}
    # A new release: a unit nobody has started on is red.
    monkeypatch.setattr(packs, "RULES", "rules/b")
    plain = scoring.status_reason

    def stricter(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = plain(*args, **kwargs)
        return found if found.status != "not-started" else scoring.StatusReason("red", "blocker")

    monkeypatch.setattr(scoring, "status_reason", stricter)
    info = fvm.json("info")
    (change,) = info["rules"]["changes"]
    assert (change["from"], change["to"]) == ("rules/a", "rules/b")
    # u2 and u3 were not started at the baseline and are red under the new rules; u1 had an
    # answer recorded since the baseline, so its change is not the rules' alone.
    assert change["changed"] == [
        {"unit": "u2", "status": "not-started", "status_to": "red"},
        {"unit": "u3", "status": "not-started", "status_to": "red"},
    ]
    shown = fvm("info").stdout
    assert "rules/a → rules/b" in shown and "u2 (not started → red)" in shown
    # Recorded once.
    fvm("info")
    assert len(fvm.json("info")["rules"]["changes"]) == 1


def test_gate_verify_live_evaluates_under_the_proposals_version(fvm: Fvm, tmp_path: Path) -> None:
    """Frozen under version 2 (q1 weighs 1: u1 red); version 3 makes u1 amber. Evaluated
    again, the proposal's own version shows no unit changed."""
    fvm("content", "publish", str(make_pack(tmp_path / "v1")))
    for unit in ("u1", "u2"):
        fvm("unit", "add", unit, "--name", f"Avd {unit}", "--area", "a", "--type", "ward")
    fvm("phase", "set", "1", "--go-live", "2027-03-01")
    fvm("checklist", "set", "two", "--unit", "u1", "q1", "ja")
    fvm("checklist", "set", "two", "--unit", "u1", "q2", "nej")
    fvm("gate", "propose", "--phase", "1", "G1")
    fvm("content", "publish", str(make_pack(tmp_path / "v2", weight=3)))
    assert {r["unit"]: r["status"] for r in fvm.json("cutover", "status")["units"]}["u1"] == (
        "amber"
    )
    live = fvm("gate", "verify", "G1", "--live", "--json", code=None)
    assert live.exit_code == 0, live.stdout + live.stderr
    assert json.loads(live.stdout)["since"]["units_changed"] == []
