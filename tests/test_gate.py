"""The go/no-go gate: every criterion kind at, just above and just below its threshold (by
hand), and the meeting from proposal to verify on every backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fvmcli.core.gate import Criterion, GateUnit, digest, evaluate, verdict
from fvmcli.core.model import Text
from fvmcli.core.training import Coverage
from tests.conftest import Fvm


def _unit(uid: str, **given: object) -> GateUnit:
    base: dict[str, object] = {
        "unit": uid,
        "area": "sodra",
        "type": "hospital",
        "status": "green",
        "score": 1.0,
        "blockers": 0,
        "overdue": 0,
        "unattested": 0,
        "rank": (0, 0.0, uid),
    }
    base.update(given)
    # The figures as (completed, required) and (ready, required) pairs, by hand.
    completed, required = base.pop("coverage", (0, 0))  # type: ignore[misc]
    base["coverage"] = Coverage(0, required, completed)
    base.setdefault("equipment", (0, 0))
    return GateUnit(**base)  # type: ignore[arg-type]


def _c(kind: str, **given: object) -> Criterion:
    return Criterion("c", Text("C"), kind, **given)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("criterion", "units", "value", "met", "behind"),
    [
        # 1 of 4 red: share 0.25 against 0.25 (met), 0.2499 (not met); count 1 against 1 / 0.
        (
            _c("units_with_status", status=("red",), max_share=0.25),
            [_unit("a", status="red"), _unit("b"), _unit("c"), _unit("d")],
            0.25,
            True,
            (),
        ),
        (
            _c("units_with_status", status=("red",), max_share=0.2499),
            [_unit("a", status="red"), _unit("b"), _unit("c"), _unit("d")],
            0.25,
            False,
            ("a",),
        ),
        (
            _c("units_with_status", status=("red",), max_count=1),
            [_unit("a", status="red"), _unit("b")],
            1.0,
            True,
            (),
        ),
        (
            _c("units_with_status", status=("red",), max_count=0),
            [_unit("a", status="red"), _unit("b")],
            1.0,
            False,
            ("a",),
        ),
        (
            _c("units_with_status", status=("red",), max_count=0, types=("municipal",)),
            [_unit("a", status="red")],
            0.0,
            True,
            (),
        ),  # no selected unit: met
        # mean of 0.8 and 0.9 is 0.85: min 0.85 met, 0.8501 not, the unit below it behind.
        (
            _c("mean_score", min=0.85),
            [_unit("a", score=0.8), _unit("b", score=0.9)],
            0.85,
            True,
            (),
        ),
        (
            _c("mean_score", min=0.8501),
            [_unit("a", score=0.8), _unit("b", score=0.9)],
            0.85,
            False,
            ("a",),
        ),
        (_c("mean_score", min=0.0), [], None, False, ()),  # no units: not met
        # 9 of 10 pairs: 90 %.
        (
            _c("training_coverage", min=90),
            [
                _unit("a", coverage=(6, 6)),
                _unit("b", coverage=(3, 4)),
            ],
            90.0,
            True,
            (),
        ),
        (
            _c("training_coverage", min=90.01),
            [
                _unit("a", coverage=(6, 6)),
                _unit("b", coverage=(3, 4)),
            ],
            90.0,
            False,
            ("b",),
        ),
        (_c("training_coverage", min=0), [_unit("a")], None, False, ()),  # no pairs
        # 19 of 20 tested: 95 %.
        (
            _c("equipment_readiness", min=95),
            [_unit("a", equipment=(19, 20))],
            95.0,
            True,
            (),
        ),
        (
            _c("equipment_readiness", min=95.5),
            [_unit("a", equipment=(19, 20))],
            95.0,
            False,
            ("a",),
        ),
        (_c("equipment_readiness", min=100), [_unit("a")], None, True, ()),  # nothing required
        (_c("blockers", max=2), [_unit("a", blockers=1), _unit("b", blockers=1)], 2.0, True, ()),
        (
            _c("blockers", max=1),
            [_unit("a", blockers=1), _unit("b", blockers=1)],
            2.0,
            False,
            ("a", "b"),
        ),
        (_c("overdue", max=3), [_unit("a", overdue=3)], 3.0, True, ()),
        (_c("overdue", max=2), [_unit("a", overdue=3)], 3.0, False, ("a",)),
        (_c("unattested", max=0), [_unit("a", unattested=1)], 1.0, False, ("a",)),
        (_c("unattested", max=1), [_unit("a", unattested=1)], 1.0, True, ()),
    ],
)
def test_each_kind_at_and_beside_its_threshold(
    criterion: Criterion, units: list[GateUnit], value: float | None, met: bool, behind: tuple
) -> None:  # type: ignore[type-arg]
    found = evaluate(criterion, units)
    assert found.value == (pytest.approx(value) if value is not None else None)
    assert found.met is met and found.units == behind


def test_an_advisory_criterion_does_not_decide_the_verdict() -> None:
    failing = evaluate(_c("blockers", max=0, required=False), [_unit("a", blockers=1)])
    assert not failing.met and verdict([failing]) == "go"
    assert verdict([evaluate(_c("blockers", max=0), [_unit("a", blockers=1)])]) == "no-go"


def test_the_digest_is_sha256_of_the_canonical_json() -> None:
    import hashlib

    evidence = {"units": [{"name": "Hjo kommun – hemsjukvård"}], "phase": 1}
    text = '{"phase":1,"units":[{"name":"Hjo kommun – hemsjukvård"}]}'
    assert digest(evidence) == hashlib.sha256(text.encode("utf-8")).hexdigest()


GATES = """
checklist = "mini"

[[roles]]
id = "chefslakare"
name = { sv = "Chefläkare", en = "Chief medical officer" }

[[roles]]
id = "mas"
name = { sv = "MAS" }

[[roles]]
id = "extra"
name = { sv = "Extra" }
required = false

[[criteria]]
id = "no-red"
text = { sv = "Ingen enhet är röd", en = "No unit is red" }
kind = "units_with_status"
status = ["red", "not-started"]
max_count = 0

[[criteria]]
id = "score"
text = { sv = "Medelpoäng minst 50 %" }
kind = "mean_score"
min = 0.5
required = false
"""


@pytest.fixture
def meeting(fvm: Fvm, tmp_path: Path) -> tuple[Fvm, str]:
    """A hospital h1 in phase 1 (go-live 2027-01-31), the test checklist mini, and a gate."""
    from tests.test_checklist_cli import CONTENT

    folder = tmp_path / "content"
    (folder / "checklists").mkdir(parents=True)
    (folder / "checklists" / "gates.toml").write_text(GATES, "utf-8")
    for name in ("mini.toml",):
        source = CONTENT / "checklists" / name
        (folder / "checklists" / name).write_text(source.read_text("utf-8"), "utf-8")
    fvm("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("phase", "set", "1", "--go-live", "2027-01-31")
    return fvm, str(folder)


def _g(meeting: tuple[Fvm, str], *args: str, code: int = 0, user: str | None = None):  # type: ignore[no-untyped-def]
    fvm, folder = meeting
    return fvm("--content", folder, "gate", *args, code=code, user=user)


def test_a_gate_meeting_from_evaluate_to_verify(meeting: tuple[Fvm, str]) -> None:
    fvm, folder = meeting
    # Nothing answered: not started, so "no-red" fails (required) and the mean 0 < 0.5
    # (advisory) fails too: no-go, exit 1, the required failure first.
    found = json.loads(_g(meeting, "evaluate", "--phase", "1", "--json", code=1).stdout)
    assert found["verdict"] == "no-go" and found["go_live"] == "2027-01-31"
    assert [(c["id"], c["met"], c["units"]) for c in found["criteria"]] == [
        ("no-red", False, ["h1"]),
        ("score", False, ["h1"]),
    ]
    _g(meeting, "propose", "--phase", "1", "m1")
    assert "exists already" in _g(meeting, "propose", "--phase", "1", "m1", code=3).stderr
    _g(meeting, "vote", "m1", "--role", "chefslakare", "no-go", "--comment", "Ej startad")
    refused = _g(meeting, "decide", "m1", "go", "--reason", "Tidplan", code=3)
    assert "mas" in refused.stderr  # a required role has not voted
    _g(meeting, "vote", "m1", "--role", "mas", "go", user="anna")
    assert "--reason" in _g(meeting, "decide", "m1", "go", code=3).stderr
    assert "--condition" in _g(meeting, "decide", "m1", "conditional", code=2).stderr
    decided = _g(meeting, "decide", "m1", "go", "--reason", "Styrgruppen tar risken").stdout
    head = decided.split("History head for the minutes: ")[1].split()[0]
    assert json.loads(fvm("history", "verify", "--head", head, "--json").stdout)["ok"]
    shown = json.loads(_g(meeting, "show", "m1", "--json").stdout)
    assert shown["verdict"] == "no-go" and len(shown["digest"]) == 64
    assert shown["decision"]["against_criteria"] == ["no-red"]
    assert shown["decision"]["reason"] == "Styrgruppen tar risken"
    assert [(v["role"], v["vote"]) for v in shown["votes"]] == [
        ("chefslakare", "no-go"),
        ("mas", "go"),
    ]
    assert "decided already" in _g(meeting, "decide", "m1", "no-go", code=3).stderr
    assert "votes are closed" in _g(meeting, "vote", "m1", "--role", "mas", "no-go", code=3).stderr
    listed = json.loads(_g(meeting, "list", "--json").stdout)
    assert [(p["label"], p["decision"]) for p in listed] == [("m1", "go")]
    # The report carries the decision, its dissent and digest, and the history's head.
    report = Path(folder).parent / "report.json"
    fvm("--content", folder, "cutover", "report", "--checklist", "mini", "-o", str(report))
    document = json.loads(report.read_text("utf-8"))
    assert [d["label"] for d in document["decisions"]] == ["m1"]
    assert document["decisions"][0]["decision"]["against_criteria"] == ["no-red"]
    assert len(document["history_head"]) == 64
    page = Path(folder).parent / "report.html"
    fvm("--content", folder, "cutover", "report", "--checklist", "mini", "-o", str(page))
    html = page.read_text("utf-8")
    assert "Styrgruppen tar risken" in html and "Chief medical officer no-go (Ej startad)" in html
    import openpyxl

    sheets = Path(folder).parent / "report.xlsx"
    fvm("--content", folder, "cutover", "report", "--checklist", "mini", "-o", str(sheets))
    book = openpyxl.load_workbook(sheets)
    rows = [[c.value for c in r] for r in book["Go-no-go decisions"].iter_rows()]
    assert rows[0][:5] == ["label", "phase", "as_of", "verdict", "decision"]
    assert rows[1][0] == "m1" and rows[1][3:5] == ["no-go", "go"]
    assert rows[1][8:11] == ["Styrgruppen tar risken", "no-red", shown["digest"]]
    votes = [[c.value for c in r][:3] for r in book["Votes"].iter_rows(min_row=2)]
    assert votes == [["m1", "chefslakare", "no-go"], ["m1", "mas", "go"]]

    # The stored evidence is what the digest seals; a hand edit of it is found and named.
    stored = fvm.scalar("SELECT evidence FROM gate_proposals WHERE label = 'm1'")
    assert digest(json.loads(str(stored))) == shown["digest"]
    _g(meeting, "verify", "m1")
    from fvmcli.store.database import Database

    database = Database(fvm.url)
    with database.write() as conn:
        conn.run(
            "UPDATE gate_proposals SET evidence = replace(evidence, "
            '\'"status":"not-started"\', \'"status":"green"\') WHERE label = \'m1\''
        )
    database.dispose()
    out = _g(meeting, "verify", "m1", code=1).stdout
    assert "unit h1" in out and "does not match its digest" in out


def test_a_what_if_date_turns_a_unit_red_and_moves_its_items(meeting: tuple[Fvm, str]) -> None:
    fvm, folder = meeting
    for question, value in [
        ("a.lead", "nej"),
        ("a.staff", "ja"),
        ("a.pct", "80"),
        ("b.pumps", "ja"),
        ("b.connected", "ja"),
    ]:
        evidence = ["--comment", "Protokoll 12"] if question == "b.connected" else []
        fvm(
            "--content",
            folder,
            "checklist",
            "set",
            "mini",
            "--unit",
            "h1",
            question,
            value,
            *evidence,
        )
    # As of 2026-11-26 with go-live 2027-01-31 nothing is due. With go-live 2026-12-20 the
    # critical a.lead (T-30d) falls due on 2026-11-20, unanswered by a yes: a blocker, so h1
    # turns red and is blocked; a.staff (T-2w, 2026-12-06) is not yet due.
    found = json.loads(
        fvm(
            "--content",
            folder,
            "cutover",
            "whatif",
            "--phase",
            "1",
            "--go-live",
            "2026-12-20",
            "--as-of",
            "2026-11-26",
            "--json",
        ).stdout
    )
    assert found["go_live"] == "2027-01-31" and found["what_if"] == "2026-12-20"
    assert found["items"] == {"falling_due": 1, "no_longer_overdue": 0}
    [unit] = found["units"]
    # Red already by its score (no training, no equipment tested), not blocked: one point,
    # so its forecast is unknown; at the earlier date it is blocked.
    assert (unit["unit"], unit["status"], unit["forecast"]) == ("h1", "red", "unknown")
    assert (unit["status_if"], unit["forecast_if"]) == ("red", "blocked")
    assert found["waivers_expiring"] == 0
