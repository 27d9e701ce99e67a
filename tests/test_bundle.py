"""Offline bundles: verified, merged by history, newest wins, a double import is a no-op."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fvmcli.core.bundle import Entry
from fvmcli.core.merge import plan_merge
from tests.conftest import Fvm
from tests.factories import FROZEN

CONTENT = str(Path(__file__).parent / "content")


def e(at: str, new: str, by: str = "a", subject: str = "q") -> Entry:
    return Entry("answer", "c", subject, None, new, None, by, at, 1)


def test_merge_decides_by_what_each_side_knew_never_by_the_times() -> None:
    """The history's order and what each side had seen decide; the times entries carry do
    not (a sheet's date once stamped answers at midnight, before the morning's work)."""
    q = ("answer", "c", "q")
    common = e("2026-11-01T10:00:00+01:00", "no")
    mine = e("2026-11-02T10:00:00+01:00", "partial", "lead")
    # Stamped earlier than ``mine``, but given by a side that had seen ``mine``: it is newer.
    after_mine = e("2026-11-02T00:00", "yes", "offline")
    plan = plan_merge([common, mine], [common, mine, after_mine])
    assert plan.added == [after_mine] and plan.unchanged == 2 and plan.conflicts == []
    assert plan.current[q] == after_mine and plan.adopted == [q]
    # Stamped later, but the bundle's side had not seen what this side has since: nothing
    # of this side's goes back.
    stale = e("2026-11-09T10:00:00+01:00", "no", "offline")
    newer_here = e("2026-11-03T10:00:00+01:00", "yes", "lead")
    plan = plan_merge([common, stale, newer_here], [common, stale])
    assert plan.current[q] == newer_here and plan.adopted == [] and plan.conflicts == []
    # Two changes neither side had seen: a conflict, reported; this side's value stays.
    theirs = e("2026-11-03T09:00:00+00:00", "yes", "offline")
    plan = plan_merge([common, mine], [common, theirs])
    assert plan.added == [theirs] and plan.current[q] == mine and plan.adopted == []
    assert plan.conflicts == [
        {
            "kind": "answer",
            "checklist": "c",
            "subject": "q",
            "local": "partial",
            "bundle": "yes",
            "kept": "partial",
        }
    ]
    # The same value reached on both sides is no conflict.
    same = e("2026-11-03T09:00:00+00:00", "partial", "offline")
    assert plan_merge([common, mine], [common, same]).conflicts == []
    # A side that merged the conflict and kept its own value says so in its rows (its
    # state): the other side then takes that value, since that side had seen both.
    kept_there = plan_merge(
        [common, mine], [common, theirs, mine], incoming_state={q: ("yes", None)}
    )
    assert kept_there.current[q] == theirs and kept_there.conflicts == []
    # Both sides have seen both and still differ: reported again, until a person chooses.
    standing = plan_merge(
        [common, mine, theirs],
        [common, theirs, mine],
        {q: ("partial", None)},
        {q: ("yes", None)},
    )
    assert standing.current[q] == mine and len(standing.conflicts) == 1
    assert plan_merge([common], [common]).added == []
    # Given without seeing each other, but one before the question changed meaning (version
    # 1 of a question revised in 2) and one after: the answer to the question as it now
    # means is kept or taken, and nothing is reported.
    before_change = Entry("answer", "c", "q", None, "yes", None, "offline", "2026-11-03T09:00", 1)
    after_change = Entry("answer", "c", "q", None, "no", None, "lead", "2026-11-02T09:00", 2)
    revised = lambda e: (e.version or 0) < 2  # noqa: E731
    kept = plan_merge([common, after_change], [common, before_change], stale=revised)
    assert kept.current[q] == after_change and kept.conflicts == []
    taken = plan_merge([common, before_change], [common, after_change], stale=revised)
    assert taken.current[q] == after_change and taken.conflicts == [] and taken.adopted == [q]


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
    c(shared, "unit", "list")  # the test's content in force on the shared database first
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


def test_a_person_sees_the_conflict_and_a_later_sheet_wins_whatever_its_date(  # type: ignore[no-untyped-def]
    two, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swedish
) -> None:
    """Issue 48: a laptop's dated answer sheet merged into the shared database. The laptop's
    answer, given after it had learned the shared one, wins although its sheet's date (and
    its clock) say earlier; two answers neither side had seen are a conflict, shown."""
    from openpyxl import load_workbook

    from fvmcli.core.sheet_layout import ANSWER, FILLED_ON, FIRST_ROW, QID

    laptop, shared = two
    shared_key = tmp_path / "shared.key"
    shared("bundle", "keygen", "-o", str(shared_key))
    laptop("bundle", "trust", str(shared_key) + ".pub", "--unit", "h1")
    c(shared, "checklist", "set", "mini", "--unit", "h1", "a.pct", "85")
    from_shared = tmp_path / "shared.json"
    c(shared, "bundle", "export", "--unit", "h1", "--key", str(shared_key), "-o", str(from_shared))
    c(laptop, "bundle", "import", str(from_shared))
    # The laptop's clock is three minutes slow; its sheet says the person answered on the 20th.
    monkeypatch.setenv("FVM_NOW", (FROZEN - timedelta(minutes=3)).isoformat())
    sheet = tmp_path / "h1.xlsx"
    c(laptop, "checklist", "sheet", "mini", "--unit", "h1", "-o", str(sheet))
    book = load_workbook(sheet)
    ws = book.worksheets[0]
    ws.cell(FILLED_ON[0] + 1, FILLED_ON[1] + 1).value = datetime(2026, 11, 20)
    row = next(r for r in ws.iter_rows(min_row=FIRST_ROW + 1) if r[QID].value == "a.pct")
    row[ANSWER].value = 0.875  # typed "87,5" in its percent cell: Excel stores the fraction
    book.save(sheet)
    c(laptop, "checklist", "import", "mini", str(sheet))
    monkeypatch.setenv("FVM_NOW", FROZEN.isoformat())
    from_laptop = tmp_path / "laptop.json"
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(from_laptop))
    out = c(shared, "bundle", "import", str(from_laptop)).stdout
    assert "1 tillagda, 1 oförändrade, 0 i konflikt; 1 aktuella värden ändrades." in out
    score = json.loads(c(shared, "checklist", "score", "mini", "--unit", "h1", "--json").stdout)
    assert next(q for q in score["questions"] if q["id"] == "a.pct")["value"] == 87.5
    history = json.loads(c(shared, "checklist", "history", "mini", "--unit", "h1", "--json").stdout)
    assert [h["value"] for h in history] == ["85", "87.5"]
    assert all(datetime.fromisoformat(h["at"]).tzinfo is not None for h in history)
    # Now both change a.lead without seeing the other's change: a conflict, shown, and the
    # shared value stays until a person chooses.
    c(laptop, "checklist", "set", "mini", "--unit", "h1", "a.lead", "ja")
    c(shared, "checklist", "set", "mini", "--unit", "h1", "a.lead", "nej")
    c(laptop, "bundle", "export", "--unit", "h1", "-o", str(from_laptop))
    result = c(shared, "bundle", "import", str(from_laptop), code=3)
    assert "1 i konflikt" in result.stdout and "behållet (här)" in result.stdout
    assert "ändrades på båda sidor utan att någon sida sett den andras ändring" in result.stderr
    assert "fvm checklist set" in result.stderr
    score = json.loads(c(shared, "checklist", "score", "mini", "--unit", "h1", "--json").stdout)
    assert next(q for q in score["questions"] if q["id"] == "a.lead")["value"] == "no"
