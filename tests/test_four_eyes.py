"""Four eyes: attestation of critical answers and approval of waivers, on every backend, with
figures computed by hand from ``scoring.md``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Fvm
from tests.turn4_content import content


@pytest.fixture
def ward(fvm: Fvm, tmp_path: Path) -> tuple[Fvm, str]:
    """A hospital ``p`` and its ward ``w`` in phase 1 (go-live 2027-03-01), and the chain
    checklist (critical questions attested)."""
    fvm("unit", "add", "p", "--name", "Sjukhuset", "--area", "sodra", "--type", "hospital")
    fvm(
        "unit",
        "add",
        "w",
        "--name",
        "Avdelning",
        "--area",
        "sodra",
        "--type",
        "hospital",
        "--parent",
        "p",
        "--email",
        "avd@exempel.se",
    )
    fvm("phase", "set", "1", "--go-live", "2027-03-01")
    return fvm, content(tmp_path)


def _c(ward: tuple[Fvm, str], *args: str, code: int = 0, user: str | None = None):  # type: ignore[no-untyped-def]
    fvm, folder = ward
    return fvm("--content", folder, "checklist", *args, code=code, user=user)


def _score(ward: tuple[Fvm, str], unit: str = "w", as_of: str = "2026-11-26") -> dict:  # type: ignore[type-arg]
    import json

    return json.loads(_c(ward, "score", "chain", "--unit", unit, "--as-of", as_of, "--json").stdout)


def _answer_all(ward: tuple[Fvm, str]) -> None:
    _c(ward, "set", "chain", "--unit", "p", "env", "ja")
    for question in ("env", "train", "ready"):
        _c(ward, "set", "chain", "--unit", "w", question, "ja")


def test_an_unattested_critical_answer_holds_the_unit_amber_until_someone_else_attests(
    ward: tuple[Fvm, str],
) -> None:
    _answer_all(ward)
    before = _score(ward)
    # Every credit is 1 (score 1.0), but train is critical and attested: amber, credit kept.
    assert before["score"] == 1.0 and before["status"] == "amber"
    assert before["reason"]["rule"] == "unattested" and before["reason"]["questions"] == ["train"]
    assert before["unattested"] == 1
    train = next(q for q in before["questions"] if q["id"] == "train")
    assert train["credit"] == 1.0 and train["attest"] and train["unattested"]

    own = _c(ward, "attest", "chain", "--unit", "w", "train", code=3)
    assert "second person" in own.stderr
    assert _score(ward)["status"] == "amber"
    pending = _c(ward, "attest", "chain", "--pending", "--json").stdout
    assert '"question": "train"' in pending and '"unit": "w"' in pending

    _c(ward, "attest", "chain", "--unit", "w", "train", user="anna")
    after = _score(ward)
    assert after["status"] == "green" and after["unattested"] == 0

    # A new answer, even with the same value after another, starts unattested again.
    _c(ward, "set", "chain", "--unit", "w", "train", "nej")
    _c(ward, "set", "chain", "--unit", "w", "train", "ja")
    assert _score(ward)["reason"]["rule"] == "unattested"
    history = _c(ward, "history", "chain", "--unit", "w", "--json").stdout
    assert '"kind": "attestation"' in history


def test_a_rejected_answer_scores_as_unanswered(ward: tuple[Fvm, str]) -> None:
    _answer_all(ward)
    _c(
        ward,
        "attest",
        "chain",
        "--unit",
        "w",
        "train",
        "--reject",
        "--comment",
        "Ej sant",
        user="anna",
    )
    found = _score(ward)
    train = next(q for q in found["questions"] if q["id"] == "train")
    # train gives no credit: score (env 1 + train 0 + ready 1) / 3; amber below green 0.9 →
    # red below amber 0.7? 2/3 = 0.667 < 0.7: red by the score band.
    assert train["rejected"] and train["credit"] == 0.0
    assert found["score"] == pytest.approx(2 / 3)
    assert found["status"] == "red" and found["completeness"] == pytest.approx(2 / 3)
    # ready now waits for train, which it answered: inconsistent.
    assert found["inconsistent"] == 1


def test_evidence_age_is_days_since_the_oldest_credited_answer(ward: tuple[Fvm, str]) -> None:
    # Answers are given at the test clock's moment, 2026-11-26.
    _c(ward, "set", "chain", "--unit", "w", "env", "ja")
    _c(ward, "set", "chain", "--unit", "w", "train", "nej")  # no credit: not evidence
    assert _score(ward, as_of="2026-12-20")["evidence_age_days"] == 24
    assert _score(ward, as_of="2026-12-26")["evidence_old"] is False  # 30 days: not older
    assert _score(ward, as_of="2026-12-27")["evidence_old"] is True  # 31 days
    _c(ward, "set", "chain", "--unit", "p", "env", "nej")
    assert _score(ward, "p", as_of="2026-12-20")["evidence_age_days"] is None


def test_a_waiver_takes_effect_only_once_another_person_approves_it(
    ward: tuple[Fvm, str],
) -> None:
    _c(ward, "set", "chain", "--unit", "w", "env", "ja")
    late = "2027-02-15"  # train (T-30d, 2027-01-30) is overdue and critical: a blocker
    assert _score(ward, as_of=late)["reason"]["rule"] == "blocker"
    _c(
        ward,
        "waive",
        "chain",
        "--unit",
        "w",
        "train",
        "--reason",
        "Beslut",
        "--until",
        "2027-03-31",
    )
    assert _score(ward, as_of=late)["reason"]["rule"] == "blocker"  # requested only
    assert (
        "another person approves it"
        in _c(ward, "approve", "chain", "--unit", "w", "train", code=3).stderr
    )
    _c(ward, "approve", "chain", "--unit", "w", "train", "--reject", user="anna")
    assert _score(ward, as_of=late)["reason"]["rule"] == "blocker"  # rejected: no effect
    _c(ward, "approve", "chain", "--unit", "w", "train", user="bertil")
    approved = _score(ward, as_of=late)
    assert approved["blockers"] == [] and approved["waived"][0]["approved_by"] == "bertil"


def test_the_digest_names_what_awaits_a_second_person_and_what_came_too_early(
    ward: tuple[Fvm, str], tmp_path: Path
) -> None:
    from email import message_from_bytes, policy

    fvm, folder = ward
    _c(ward, "set", "chain", "--unit", "w", "train", "ja")  # env not done: too early
    out = tmp_path / "eml"
    fvm(
        "--content",
        folder,
        "remind",
        "--unit",
        "w",
        "--checklist",
        "chain",
        "--dry-run",
        "-o",
        str(out),
    )
    message = message_from_bytes((out / "w.eml").read_bytes(), policy=policy.default)
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Awaiting a second person's attestation" in text and "[train]" in text
    assert "Answered before a prerequisite is done" in text
    assert "waits for Is the training environment ready?" in text
