"""The history is the record (``scoring.md``, "The record"): a fact changed, added or removed in
a table behind fvm's back, as the table's owner can, is named by ``history verify`` (table,
key, column, the chain's value and the stored one), and ``gate show`` shows what the chain
records, never the forged value; on every backend."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fvmcli.core.record import Replayed, Shape, differences
from fvmcli.store.database import Database
from tests.conftest import Fvm
from tests.test_gate import meeting  # noqa: F401  (the fixture)


def _raw(fvm: Fvm, *statements: str) -> None:
    """Run SQL as the table's owner, as someone editing the file or the server would."""
    database = Database(fvm.url)
    with database.write() as conn:
        for statement in statements:
            conn.run(statement)
    database.dispose()


def _verify(fvm: Fvm, code: int = 0) -> dict[str, Any]:
    return json.loads(fvm("history", "verify", "--json", code=code).stdout)


def _decided(meeting: tuple[Fvm, str]) -> Fvm:  # noqa: F811
    """The meeting of test_gate: two roles vote no-go, the lead decides no-go; h1 has answers,
    a waiver, an attestation, a person and an enrolment."""
    fvm, folder = meeting
    mini = Path(folder) / "checklists" / "mini.toml"
    mini.write_text(mini.read_text("utf-8") + '\n[scoring]\nattest = "critical"\n', "utf-8")
    g = ("--content", folder)
    fvm(*g, "checklist", "set", "mini", "--unit", "h1", "a.lead", "nej")
    fvm(*g, "checklist", "set", "mini", "--unit", "h1", "a.staff", "delvis")
    fvm(*g, "checklist", "attest", "mini", "--unit", "h1", "a.lead", user="anna")
    waive = (*g, "checklist", "waive", "mini", "--unit", "h1", "a.staff", "--reason", "Styrgrupp")
    fvm(*waive, "--until", "2027-01-10")
    fvm(*waive, "--until", "2027-01-15")
    fvm("person", "add", "p1", "--name", "Åsa Öberg", "--role", "nurse", "--unit", "h1")
    fvm("session", "add", "millennium-intro", "--start", "2027-01-11T09:00", "--capacity", "5")
    fvm("session", "enroll", "millennium-intro-2027-01-11", "p1")
    fvm(*g, "gate", "propose", "--phase", "1", "m1")
    fvm(*g, "gate", "vote", "m1", "--role", "chefslakare", "no-go")
    fvm(*g, "gate", "vote", "m1", "--role", "mas", "no-go", user="anna")
    fvm(*g, "gate", "decide", "m1", "no-go", "--reason", "Blockerare kvar")
    return fvm


def test_a_clean_record_verifies_and_says_so(meeting: tuple[Fvm, str]) -> None:  # noqa: F811
    fvm = _decided(meeting)
    found = _verify(fvm)
    assert found["ok"] and found["state"] == {"ok": True, "count": 0, "differences": []}
    assert "Every recorded table holds what the history says." in fvm("history", "verify").stdout


FORGERIES = [
    (
        "UPDATE gate_decisions SET decision = 'go' WHERE label = 'm1'",
        ("gate_decisions", {"label": "m1"}, "decision", "no-go", "go"),
    ),
    (
        "UPDATE gate_votes SET vote = 'go' WHERE role = 'mas'",
        ("gate_votes", {"label": "m1", "role": "mas"}, "vote", "no-go", "go"),
    ),
    (
        "UPDATE answers SET value = 'yes' WHERE question = 'a.lead'",
        (
            "answers",
            {"unit_id": "h1", "checklist": "mini", "question": "a.lead"},
            "value",
            "no",
            "yes",
        ),
    ),
    (
        "UPDATE answers SET attested_by = 'kollega' WHERE question = 'a.lead'",
        (
            "answers",
            {"unit_id": "h1", "checklist": "mini", "question": "a.lead"},
            "attested_by",
            "anna",
            "kollega",
        ),
    ),
    (
        "UPDATE waivers SET until = '2027-12-31' WHERE question = 'a.staff'",
        (
            "waivers",
            {"unit_id": "h1", "checklist": "mini", "question": "a.staff"},
            "until",
            "2027-01-15",
            "2027-12-31",
        ),
    ),
    (
        "UPDATE enrolments SET status = 'completed' WHERE person_id = 'p1'",
        (
            "enrolments",
            {"session_id": "millennium-intro-2027-01-11", "person_id": "p1"},
            "status",
            "enrolled",
            "completed",
        ),
    ),
    (
        "UPDATE units SET area = 'norra' WHERE id = 'h1'",
        ("units", {"id": "h1"}, "area", "sodra", "norra"),
    ),
    (
        "UPDATE people SET unit_id = 'h2' WHERE id = 'p1'",
        ("people", {"id": "p1"}, "unit_id", "h1", "h2"),
    ),
    (
        "UPDATE people SET name = 'Bo Ek' WHERE id = 'p1'",
        ("people", {"id": "p1"}, "name", "Åsa Öberg", "Bo Ek"),
    ),
]


@pytest.mark.parametrize(
    ("sql", "expected"), FORGERIES, ids=[f[1][0] + "." + f[1][2] for f in FORGERIES]
)
def test_a_fact_forged_in_sql_is_named_by_history_verify(
    meeting: tuple[Fvm, str],  # noqa: F811
    sql: str,
    expected: tuple[str, dict[str, str], str, str, str],
) -> None:
    fvm = _decided(meeting)
    if "h2" in sql:
        fvm("unit", "add", "h2", "--name", "Avd 2", "--area", "sodra", "--type", "hospital")
    _raw(fvm, sql)
    found = _verify(fvm, code=1)
    table, key, column, chain, stored = expected
    assert found["first_bad"] is None  # the chain itself is whole: the table was changed
    assert found["state"]["differences"] == [
        {"table": table, "key": key, "column": column, "chain": chain, "stored": stored}
    ]
    text = fvm("history", "verify", code=1).stdout
    assert f"{table}, " in text and f"column {column}: the history says" in text


def test_gate_show_shows_what_the_chain_records_never_the_forged_decision(
    meeting: tuple[Fvm, str],  # noqa: F811
) -> None:
    fvm = _decided(meeting)
    _, folder = meeting
    _raw(
        fvm,
        "UPDATE gate_decisions SET decision = 'go' WHERE label = 'm1'",
        "UPDATE gate_votes SET vote = 'go'",
    )
    shown = json.loads(fvm("--content", folder, "gate", "show", "m1", "--json", code=1).stdout)
    assert shown["decision"]["decision"] == "no-go"
    assert {v["vote"] for v in shown["votes"]} == {"no-go"}
    assert shown["record"]["ok"] is False and len(shown["record"]["differences"]) == 3
    text = fvm("--content", folder, "gate", "show", "m1", code=1).stdout
    assert "The tables differ from what the history records of m1" in text
    assert "Decision: no-go" in text and "Decision: go " not in text
    listed = json.loads(fvm("--content", folder, "gate", "list", "--json").stdout)
    assert [(p["decision"], p["record_ok"]) for p in listed] == [("no-go", False)]
    verified = fvm("--content", folder, "gate", "verify", "m1", code=1).stdout
    assert "gate_decisions" in verified


def test_rows_added_or_removed_outside_fvm_are_named(fvm: Fvm) -> None:
    fvm("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("checklist", "set", "golive", "--unit", "h1", "org.project-lead", "ja")
    _raw(
        fvm,
        "DELETE FROM answers WHERE unit_id = 'h1'",
        "INSERT INTO units (id, name, area, type) VALUES ('x9', 'Smuggel', 'sodra', 'hospital')",
    )
    found = _verify(fvm, code=1)["state"]["differences"]
    assert {"table": "answers", "column": None, "stored": None} | {
        "key": {"unit_id": "h1", "checklist": "golive", "question": "org.project-lead"}
    } in [{k: d[k] for k in ("table", "column", "stored", "key")} for d in found]
    added = next(d for d in found if d["table"] == "units")
    assert added["key"] == {"id": "x9"} and added["chain"] is None
    assert added["stored"]["name"] == "Smuggel"


def test_erasure_is_recorded_and_still_verifies(fvm: Fvm) -> None:
    fvm("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("person", "add", "p1", "--name", "Åsa Öberg", "--role", "nurse", "--unit", "h1")
    fvm("session", "add", "millennium-intro", "--start", "2027-01-11T09:00", "--capacity", "5")
    fvm("session", "enroll", "millennium-intro-2027-01-11", "p1")
    fvm("person", "forget", "p1", "--yes")
    assert _verify(fvm)["ok"]
    # No entry that keeps its salt (readable personal data) holds the name any more.
    database = Database(fvm.url)
    with database.read() as conn:
        kept = list(conn.rows("SELECT old, new, private FROM history WHERE salt IS NOT NULL"))
    database.dispose()
    assert kept and not any("Åsa" in json.dumps(row, ensure_ascii=False) for row in kept)
    # Putting the name back by hand is a difference like any other.
    _raw(fvm, "UPDATE people SET name = 'Åsa Öberg' WHERE id = 'p1'")
    found = _verify(fvm, code=1)["state"]["differences"]
    assert found == [
        {
            "table": "people",
            "key": {"id": "p1"},
            "column": "name",
            "chain": None,
            "stored": "Åsa Öberg",
        }
    ]


SHAPE = Shape("t", ("k",), ("k", "v", "who"), personal=("who",))


def test_the_comparison_merges_two_sorted_streams_by_hand() -> None:
    chain = [
        Replayed(("a",), {"k": "a", "v": 1}, {"who": "x"}),
        Replayed(("b",), None, None),  # deleted
        Replayed(("c",), {"k": "c", "v": 3}, None),  # erased: personal columns not compared
        Replayed(("d",), {"k": "d", "v": 4}, {"who": None}),
    ]
    stored = [("a", 1.0, "x"), ("b", 2, None), ("c", 3, "anyone"), ("e", 5, None)]
    found = [d.as_json() for d in differences(SHAPE, chain, stored)]
    assert found == [
        {
            "table": "t",
            "key": {"k": "b"},
            "column": None,
            "chain": None,
            "stored": {"k": "b", "v": 2},
        },
        {
            "table": "t",
            "key": {"k": "d"},
            "column": None,
            "chain": {"k": "d", "v": 4},
            "stored": None,
        },
        {
            "table": "t",
            "key": {"k": "e"},
            "column": None,
            "chain": None,
            "stored": {"k": "e", "v": 5},
        },
    ]
