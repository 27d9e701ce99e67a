"""Offline bundles: verified, merged by history, newest wins, a double import is a no-op."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from fvmcli.core.bundle import Entry, plan_merge
from tests.conftest import Fvm
from tests.factories import FROZEN

CONTENT = str(Path(__file__).parent / "content")


def e(at: str, new: str, by: str = "a", subject: str = "q") -> Entry:
    return Entry("answer", "c", subject, None, new, None, by, at, 1)


def test_merge_plan_newest_wins_and_conflicts_are_reported() -> None:
    common = e("2026-11-01T10:00:00+01:00", "no")
    mine = e("2026-11-02T10:00:00+01:00", "partial", "lead")
    theirs = e("2026-11-03T09:00:00+00:00", "yes", "offline")
    plan = plan_merge([common, mine], [common, theirs])
    assert plan.added == [theirs] and plan.unchanged == 1
    assert plan.newest[("answer", "c", "q")] == theirs
    assert plan.conflicts == [
        {
            "kind": "answer",
            "checklist": "c",
            "subject": "q",
            "local": "partial",
            "bundle": "yes",
            "kept": "yes",
        }
    ]
    older = e("2026-11-01T12:00:00+01:00", "yes", "offline")
    assert plan_merge([common, mine], [common, older]).newest[("answer", "c", "q")] == mine
    assert plan_merge([common], [common]).added == []


@pytest.fixture
def two(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Fvm, Fvm]:
    """An offline laptop (SQLite) with its device key, and the shared database (each backend)
    where a lead trusts that key for unit h1."""
    laptop = Fvm(f"sqlite:///{tmp_path / 'laptop.sqlite'}")
    shared = Fvm(db_url)
    for side in (laptop, shared):
        side("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
        side("unit", "add", "h2", "--name", "Avd 2", "--area", "vastra", "--type", "hospital")
    monkeypatch.setenv("FVM_DEVICE_KEY", str(tmp_path / "laptop.key"))
    made = laptop("bundle", "keygen").stdout
    assert "Fingerprint: SHA256:" in made
    shared("bundle", "trust", str(tmp_path / "laptop.key.pub"), "--unit", "h1")
    return laptop, shared


def c(side: Fvm, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    return side("--content", CONTENT, *args, code=code)


def test_export_import_round_trip_and_double_import(two, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    laptop, shared = two
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "a.lead", "nej", "--by", "anna")
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "a.lead", "ja", "--by", "anna")
    c(
        laptop,
        "checklist",
        "waive",
        "mini",
        "--unit",
        "h1",
        "a.staff",
        "--reason",
        "Centralt",
        "--until",
        "2027-02-01",
    )
    c(laptop, "equipment", "count", "h1", "pc", "--present", "3", "--configured", "2")
    bundle = tmp_path / "h1.json"
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(bundle))
    document = json.loads(bundle.read_text("utf-8"))
    assert document["digest"].startswith("sha256:") and document["unit"]["id"] == "h1"
    assert len(document["history"]) == 4
    out = c(shared, "bundle", "import", str(bundle)).stdout
    assert "4 added, 0 unchanged, 0 conflicting" in out
    history = json.loads(c(shared, "checklist", "history", "mini", "--unit", "h1", "--json").stdout)
    assert [(h["value"], h["by"]) for h in history if h["question"] == "a.lead"] == [
        ("no", "anna"),
        ("yes", "anna"),
    ]
    assert {h["key"] for h in history} == {out.split("device key ")[1].split(".")[0].strip()}
    assert all(h["login"] for h in history)
    score = json.loads(c(shared, "checklist", "score", "mini", "--unit", "h1", "--json").stdout)
    assert next(q for q in score["questions"] if q["id"] == "a.lead")["value"] == "yes"
    # A waiver from a laptop arrives as a request: someone on the shared side approves it.
    assert score["waived"] == []
    shared(
        "--content",
        CONTENT,
        "checklist",
        "approve",
        "mini",
        "--unit",
        "h1",
        "a.staff",
        user="bertil",
    )
    score = json.loads(c(shared, "checklist", "score", "mini", "--unit", "h1", "--json").stdout)
    assert score["waived"][0]["question"] == "a.staff"
    assert score["waived"][0]["approved_by"] == "bertil"
    pc = json.loads(c(shared, "equipment", "show", "h1", "--json").stdout)["items"][0]
    assert (pc["present"], pc["configured"]) == (3, 2)
    rows = shared.scalar("SELECT count(*) FROM history")
    again = c(shared, "bundle", "import", str(bundle)).stdout
    assert "0 added, 4 unchanged, 0 conflicting; 0 current values changed" in again
    assert shared.scalar("SELECT count(*) FROM history") == rows


def test_newer_local_answer_is_kept_and_the_conflict_reported(  # type: ignore[no-untyped-def]
    two, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, shared = two
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "a.lead", "nej")
    bundle = tmp_path / "h1.json"
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(bundle))
    # The shared side answers a minute later on the test's clock.
    monkeypatch.setenv("FVM_NOW", (FROZEN + timedelta(minutes=1)).isoformat())
    c(shared, "checklist", "set", "mini", "--unit", "h1", "a.lead", "ja")
    out = c(shared, "bundle", "import", str(bundle), code=3).stdout  # a stale bundle: 3
    assert "1 added, 0 unchanged, 1 conflicting" in out
    score = json.loads(c(shared, "checklist", "score", "mini", "--unit", "h1", "--json").stdout)
    assert next(q for q in score["questions"] if q["id"] == "a.lead")["value"] == "yes"


def test_tampered_and_unsigned_bundles_are_refused(two, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    laptop, shared = two
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "a.lead", "nej")
    bundle = tmp_path / "h1.json"
    monkeypatch.setenv("FVM_DEVICE_KEY", str(tmp_path / "none.key"))  # no device key: legacy
    monkeypatch.setenv("FVM_BUNDLE_KEY", "hemlig nyckel")
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(bundle))
    assert json.loads(bundle.read_text("utf-8"))["signature"].startswith("hmac-sha256:")
    assert "legacy mode" in c(shared, "bundle", "import", str(bundle), "--dry-run").stderr
    tampered = tmp_path / "t.json"
    tampered.write_text(bundle.read_text("utf-8").replace('"no"', '"yes"'), encoding="utf-8")
    err = c(shared, "bundle", "import", str(tampered), code=2).stderr
    assert "digest does not match" in err and "Nothing was imported" in err
    monkeypatch.setenv("FVM_BUNDLE_KEY", "fel nyckel")
    assert "signature does not match" in c(shared, "bundle", "import", str(bundle), code=2).stderr
    monkeypatch.delenv("FVM_BUNDLE_KEY")
    assert "set FVM_BUNDLE_KEY" in c(shared, "bundle", "import", str(bundle), code=2).stderr
    assert "no such file" in c(shared, "bundle", "import", str(tmp_path / "x.json"), code=2).stderr
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert (
        "not valid JSON" in c(shared, "bundle", "import", str(tmp_path / "bad.json"), code=2).stderr
    )
    assert shared.scalar("SELECT count(*) FROM answers") == 0


def test_only_a_device_trusted_for_the_unit_may_sign_its_bundle(  # type: ignore[no-untyped-def]
    two, tmp_path: Path, monkeypatch
) -> None:
    laptop, shared = two
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "a.lead", "nej")
    c(laptop, "checklist", "set", "mini", "--unit", "h2", "a.lead", "nej")
    signed = tmp_path / "h1.json"
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(signed))
    unsigned = tmp_path / "unsigned.json"
    monkeypatch.setenv("FVM_DEVICE_KEY", str(tmp_path / "none.key"))
    assert "Not signed" in c(laptop, "bundle", "export", "--unit", "h1", "-o", str(unsigned)).stderr
    assert "it is not signed" in c(shared, "bundle", "import", str(unsigned), code=2).stderr
    # Another device's key, never trusted: the bundle is re-keyed by someone else.
    other = tmp_path / "other.key"
    laptop("bundle", "keygen", "-o", str(other))
    rekeyed = tmp_path / "rekeyed.json"
    c(laptop, "bundle", "export", "--unit", "h1", "--key", str(other), "-o", str(rekeyed))
    err = c(shared, "bundle", "import", str(rekeyed), code=5).stderr
    assert "not trusted for any unit" in err and "fvm bundle trust" in err
    # The trusted key, but for another unit.
    monkeypatch.setenv("FVM_DEVICE_KEY", str(tmp_path / "laptop.key"))
    wrong_unit = tmp_path / "h2.json"
    c(laptop, "bundle", "export", "--unit", "h2", "-o", str(wrong_unit))
    assert (
        "not trusted for this unit (h2)"
        in c(shared, "bundle", "import", str(wrong_unit), code=5).stderr
    )
    # A forged signature: the content changed and the digest recomputed, the signature kept.
    from fvmcli.core.bundle import digest

    document = json.loads(signed.read_text("utf-8"))
    document["history"][0]["new"] = "yes"
    document["digest"] = digest(document)
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document), "utf-8")
    assert "signature does not match" in c(shared, "bundle", "import", str(forged), code=2).stderr
    assert shared.scalar("SELECT count(*) FROM answers") == 0
    assert "1 added" in c(shared, "bundle", "import", str(signed)).stdout


def test_keygen_refuses_a_path_that_names_no_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from fvmcli.cli.app import app

    runner = CliRunner()
    a_file = tmp_path / "afile"
    a_file.write_text("x", "utf-8")
    for output, words in (
        ("", "is no file name for a key"),
        (str(tmp_path), "is no file name for a key"),
        (str(a_file / "laptop.key"), "is a file, so"),
    ):
        result = runner.invoke(app, ["bundle", "keygen", "-o", output])
        assert result.exit_code == 2, (output, result.output)
        assert words in result.stderr
    assert a_file.read_text("utf-8") == "x" and sorted(tmp_path.iterdir()) == [
        tmp_path / "afile",
        tmp_path / "home",
    ]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.replace('"format":', '"format": "x", "format":', 1), "given twice"),
        (lambda t: t.replace('"version": 1', '"version": NaN', 1), "NaN is no number"),
        (lambda t: t.replace('"version": 1', '"version": Infinity', 1), "Infinity is no number"),
    ],
)
def test_a_bundle_with_a_key_twice_or_a_number_that_is_none_is_refused(  # type: ignore[no-untyped-def]
    two, tmp_path: Path, change, words: str
) -> None:
    laptop, shared = two
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "a.lead", "nej")
    bundle = tmp_path / "h1.json"
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(bundle))
    text = bundle.read_text("utf-8")
    changed = change(text)
    assert changed != text
    bundle.write_text(changed, "utf-8")
    before = shared.scalar("SELECT count(*) FROM history")
    err = c(shared, "bundle", "import", str(bundle), code=2).stderr
    assert words in err and "h1.json" in err
    assert shared.scalar("SELECT count(*) FROM history") == before


def test_attestations_and_approvals_travel_with_the_bundle_and_four_eyes_holds(  # type: ignore[no-untyped-def]
    two, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fvmcli.core.bundle import canonical, digest
    from fvmcli.core.signing import sign
    from tests.turn4_content import content

    laptop, shared = two
    folder = content(tmp_path)

    def k(side: Fvm, *args: str, code: int = 0, user: str | None = None):  # type: ignore[no-untyped-def]
        return side("--content", folder, "checklist", *args, code=code, user=user)

    def b(side: Fvm, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
        return side("--content", folder, *args, code=code)

    # On the laptop: anna answers the critical "train" and asks for a waiver of "env"; bertil
    # attests the answer and approves the waiver.
    k(laptop, "set", "chain", "--unit", "h1", "env", "ja", user="anna")
    k(laptop, "set", "chain", "--unit", "h1", "train", "ja", user="anna")
    k(laptop, "attest", "chain", "--unit", "h1", "train", user="bertil")
    k(laptop, "set", "chain", "--unit", "h1", "ready", "nej", user="anna")
    waive = ("waive", "chain", "--unit", "h1", "ready", "--reason", "Central", "--until")
    k(laptop, *waive, "2027-06-30", user="anna")
    k(laptop, "approve", "chain", "--unit", "h1", "ready", user="bertil")
    bundle = tmp_path / "h1.json"
    shared_score = ("score", "chain", "--unit", "h1", "--json")
    laptop_score = json.loads(k(laptop, *shared_score).stdout)
    assert laptop_score["unattested"] == 0 and laptop_score["waived"][0]["approved_by"] == "bertil"
    b(laptop, "bundle", "export", "--unit", "h1", "-o", str(bundle))
    document = json.loads(bundle.read_text("utf-8"))
    kinds = [h["kind"] for h in document["history"]]
    assert kinds.count("attestation") == 1 and kinds.count("approval") == 1
    out = b(shared, "bundle", "import", str(bundle)).stdout
    assert "6 added, 0 unchanged, 0 conflicting" in out
    score = json.loads(k(shared, *shared_score).stdout)
    # The same figures on both sides: attested, approved by the second person.
    assert (score["score"], score["status"], score["unattested"]) == (
        laptop_score["score"],
        laptop_score["status"],
        0,
    )
    train = next(q for q in score["questions"] if q["id"] == "train")
    assert not train["unattested"]
    assert score["waived"][0]["approved_by"] == "bertil"
    assert b(shared, "bundle", "import", str(bundle)).stdout.count("0 added, 6 unchanged") == 1

    # A bundle in which anna attests her own answer is refused, even when signed by a trusted
    # device: four eyes holds whichever way an entry comes.
    forged = json.loads(bundle.read_text("utf-8"))
    for entry in forged["history"]:
        if entry["kind"] == "attestation":
            entry["by"] = "Anna"
    forged.pop("signature")
    forged["digest"] = digest(forged)
    key = (tmp_path / "laptop.key").read_bytes()
    forged["signature"] = sign(key, canonical(forged))[1]
    (tmp_path / "forged.json").write_text(json.dumps(forged), "utf-8")
    rows = shared.scalar("SELECT count(*) FROM history")
    err = b(shared, "bundle", "import", str(tmp_path / "forged.json"), code=2).stderr
    index = next(i for i, h in enumerate(forged["history"]) if h["kind"] == "attestation")
    assert f"history[{index}].by" in err and "Anna" in err
    assert shared.scalar("SELECT count(*) FROM history") == rows
