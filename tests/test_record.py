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
    page = Path(folder).parent / "report.html"
    fvm("--content", folder, "cutover", "report", "--checklist", "mini", "-o", str(page))
    html = page.read_text("utf-8")
    assert "The tables differ from what the history records of this decision" in html


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


def test_verify_live_says_what_changed_since_the_proposal(meeting: tuple[Fvm, str]) -> None:  # noqa: F811
    fvm = _decided(meeting)
    _, folder = meeting
    g = ("--content", folder)
    plain = fvm(*g, "gate", "verify", "m1").stdout
    assert "the evidence frozen at the proposal is unaltered" in plain
    assert "not of today" in plain and "fvm gate verify m1 --live" in plain
    # Since the proposal h1 answered everything: section A 100 %, B half (no training yet),
    # 75 %: amber where it was red. h2 is new.
    for question, value in (
        ("a.lead", "ja"),
        ("a.staff", "ja"),
        ("a.pct", "80"),
        ("b.pumps", "ja"),
    ):
        fvm(*g, "checklist", "set", "mini", "--unit", "h1", question, value)
    fvm(*g, "checklist", "set", "mini", "--unit", "h1", "b.connected", "ja", "--comment", "P 12")
    fvm("unit", "add", "h2", "--name", "Avd 2", "--area", "sodra", "--type", "hospital")
    then = json.loads(fvm(*g, "gate", "show", "m1", "--json").stdout)
    live = json.loads(fvm(*g, "gate", "verify", "m1", "--live", "--json").stdout)
    assert live["ok"] and live["altered"] == []
    since = live["since"]
    assert since["units_added"] == ["h2"] and since["units_gone"] == []
    frozen = json.loads(str(fvm.scalar("SELECT evidence FROM gate_proposals")))
    assert [u["status"] for u in frozen["units"]] == ["red"]
    assert since["units_changed"] == [{"unit": "h1", "then": "red", "now": "amber"}]
    assert since["verdict"]["then"] == then["verdict"]
    text = fvm(*g, "gate", "verify", "m1", "--live").stdout
    assert "since then, as of" in text.lower() and "1 unit changed status: h1" in text


def test_an_archive_round_trips_as_json_and_pdf_and_names_what_was_altered(
    meeting: tuple[Fvm, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    fvm = _decided(meeting)
    _, folder = meeting
    g = ("--content", folder)
    target = tmp_path / "m1.json"
    fvm(*g, "gate", "export", "m1", "-o", str(target))
    archive = json.loads(target.read_text("utf-8"))
    assert archive["format"] == "fvm-gate-archive/1" and archive["label"] == "m1"
    assert archive["decision"]["decision"] == "no-go"
    assert archive["decision"]["reason"] == "Blockerare kvar"
    assert [v["vote"] for v in archive["votes"]] == ["no-go", "no-go"]
    assert archive["chain"][0]["entry"]["tbl"] == "gate_proposals"
    assert archive["chain"][-1]["entry"]["tbl"] == "gate_decisions"
    assert archive["head"] == archive["chain"][-1]["hash"]
    # The content version in force when the proposal was frozen, every file of it (#42).
    version = fvm.json("content", "show")
    assert archive["content"]["version"] == version["version"]
    assert archive["content"]["digest"] == version["digest"]
    assert sorted(archive["content"]["files"]) == version["files"]
    assert {"checklists/gates.toml", "checklists/mini.toml"} <= set(archive["content"]["files"])
    # No database needed: a URL that leads nowhere does not matter.
    checked = json.loads(fvm("gate", "verify", "--archive", str(target), "--json").stdout)
    assert checked["ok"] and checked["decision"] == "no-go" and checked["head"] == archive["head"]

    # An altered byte anywhere is named.
    for change, named in (
        (lambda a: a["votes"][0].update(vote="go"), "votes: chefslakare"),
        (lambda a: a["decision"].update(decision="go"), "decision: differs"),
        (lambda a: a["evidence"]["units"][0].update(status="green"), "evidence: does not match"),
        (lambda a: a["chain"][1]["entry"].update(by="mallory"), "chain[1]"),
        (lambda a: a["chain"].reverse(), "does not follow"),
        (lambda a: a["content"]["files"].update({"checklists/gates.toml": ""}), "content:"),
    ):
        forged = json.loads(target.read_text("utf-8"))
        change(forged)
        bad = tmp_path / "forged.json"
        bad.write_text(json.dumps(forged, ensure_ascii=False), "utf-8")
        found = json.loads(fvm("gate", "verify", "--archive", str(bad), "--json", code=1).stdout)
        assert any(named in p for p in found["problems"]), (named, found["problems"])

    pytest.importorskip("weasyprint", reason="PDF output needs the pdf extra (WeasyPrint)")
    from pypdf import PdfReader

    pdf = tmp_path / "m1.pdf"
    fvm(*g, "gate", "export", "m1", "-o", str(pdf))
    reader = PdfReader(pdf)
    attached = reader.attachments["fvm-gate-archive.json"][0]
    assert json.loads(attached)["digest"] == archive["digest"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp  # PDF/A-3b
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Blockerare kvar" in text and "m1" in text
    assert json.loads(fvm("gate", "verify", "--archive", str(pdf), "--json").stdout)["ok"]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b'{"format": "fvm-gate-archive/1", "label": "m1"', "not JSON"),
        (b'{"format": "something-else"}', "not an fvm gate archive"),
        (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "PDF"),
        (b"\x00\x01\x02", "not JSON"),
    ],
)
def test_what_is_not_an_archive_is_refused_with_exit_2(
    fvm: Fvm, tmp_path: Path, content: bytes, said: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = fvm("gate", "verify", "--archive", str(bad), code=None)
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr + result.stdout
    if said != "not an fvm gate archive":
        assert result.exit_code == 2
    assert said in result.stderr + result.stdout


def test_no_code_but_the_record_writes_a_recorded_table() -> None:
    """Every write of a recorded table goes through store/record.py (the erasure text is the
    one exception: it empties personal columns, and the rows it leaves are restated after)."""
    import re

    from fvmcli.store.record_shapes import SHAPES

    package = Path(__file__).resolve().parents[1] / "fvmcli"
    tables = "|".join(sorted(SHAPES))
    raw = re.compile(rf"(INSERT INTO|UPDATE|DELETE FROM)\s+({tables})\b")
    helper = re.compile(r"conn\.(insert|update|delete|run_many)\(")
    found = []
    for path in package.rglob("*.py"):
        relative = path.relative_to(package).as_posix()
        if relative in ("store/record.py", "store/driver.py") or "migrations" in relative:
            continue
        text = path.read_text("utf-8")
        for match in raw.finditer(text):
            if relative == "store/training.py" and match.group(2) in ("people", "enrolments"):
                continue  # erasure_statements
            found.append(f"{relative}: {match.group(0)}")
        for match in helper.finditer(text):
            if (
                relative == "store/history.py"
                or "_STAGED" in text[match.start() : match.start() + 80]
            ):
                continue  # the history itself; an import's temporary staging table
            found.append(f"{relative}: {match.group(0)}")
    assert found == []


def test_an_entry_edited_into_nonsense_is_named_never_a_crash(fvm: Fvm) -> None:
    fvm("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    _raw(fvm, "UPDATE history SET state = 'not json' WHERE tbl = 'units'")
    found = _verify(fvm, code=1)
    assert found["first_bad"] is not None  # the walk names the altered entry
    assert any(d["table"] == "units" for d in found["state"]["differences"])


@pytest.mark.parametrize("rowkey", ["[1, x", '{"id": "h1"}', '[["h1"]]', '["h1", "h2"]', "7"])
def test_an_entry_whose_key_is_no_key_is_a_named_difference(fvm: Fvm, rowkey: str) -> None:
    """A key edited by hand into no JSON, or JSON of another shape: the replay reads the key
    as its text, so the entry is recorded for a row the table lacks and the table's row is
    not recorded; two differences named, exit 1, never "damaged" (issue 44)."""
    fvm("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("checklist", "set", "golive", "--unit", "h1", "org.steering", "ja")
    _raw(fvm, f"UPDATE history SET rowkey = '{rowkey}' WHERE tbl IN ('units', 'answers')")
    found = _verify(fvm, code=1)
    named = {
        (d["table"], json.dumps(d["key"], sort_keys=True)) for d in found["state"]["differences"]
    }
    assert ("units", json.dumps({"id": rowkey})) in named  # recorded, not in the table
    assert ("units", json.dumps({"id": "h1"})) in named  # in the table, not recorded
    assert (
        "answers",
        json.dumps({"checklist": None, "question": None, "unit_id": rowkey}, sort_keys=True),
    ) in named
    assert (
        "answers",
        json.dumps(
            {"checklist": "golive", "question": "org.steering", "unit_id": "h1"}, sort_keys=True
        ),
    ) in named
