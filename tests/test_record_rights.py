"""Plain SQL cannot go around the record on a shared database (issue 51): with rights set up,
PostgreSQL refuses, at commit, any change of a recorded table that does not come with its
history entry, and refuses an attestation or approval by the one who gave the answer or asked
for the waiver, whoever the login and whatever the client. Real logins on the test server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PG_URL, Fvm
from tests.test_access import Server, answer, refused_by_policy, server  # noqa: F401

pytestmark = pytest.mark.store
needs_server = pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL (FVM_TEST_DB_URL)")

# What each login tries beside fvm, on each recorded table it may otherwise write.
ATTEMPTS = [
    (
        "anna",
        "INSERT INTO answers VALUES ('u1','golive','org.super-users','yes',NULL,'{me}','x',1)",
    ),
    ("anna", "UPDATE answers SET value = 'yes' WHERE unit_id = 'u1'"),
    ("anna", "DELETE FROM answers WHERE unit_id = 'u1'"),
    ("anna", "INSERT INTO equipment_counts VALUES ('u1','pc',1,1,1,'{me}','x')"),
    ("anna", "UPDATE equipment_counts SET tested = 9, configured = 9, present = 9"),
    ("lena", "UPDATE units SET area = 'norra' WHERE id = 'u1'"),
    ("lena", "INSERT INTO phases VALUES (3, '2027-10-01')"),
    ("lena", "UPDATE people SET unit_id = 'u2' WHERE id = 'p1'"),
    ("lena", "DELETE FROM waivers"),
    ("lena", "UPDATE waivers SET until = '2030-01-01'"),
    ("lena", "INSERT INTO snapshots VALUES ('T-1','golive','2026-12-01','{me}','x',NULL)"),
    ("rita", "UPDATE enrolments SET status = 'completed'"),
    (
        "rita",
        "INSERT INTO sessions VALUES ('s9','millennium-intro','2027-01-12T09:00',NULL,5,NULL,NULL)",
    ),
    ("rita", "UPDATE people SET role = 'doctor'"),
    ("adam", "DELETE FROM access_grants WHERE role = 'lead'"),
    (
        "adam",
        "INSERT INTO access_grants (login, role, granted_by, granted_at) "
        "VALUES ('{me}','lead','{me}','x')",
    ),
]


@pytest.fixture
def answered(server: Server) -> Server:  # noqa: F811
    """anna answered two critical questions no through fvm; lena waived a third; rita, a
    trainer, booked p1 on a session."""
    anna = server.fvm("anna")
    answer(anna, "u1", "nej")
    anna("checklist", "set", "golive", "--unit", "u1", "org.steering", "nej")
    anna("equipment", "count", "u1", "care-client", "--present", "2")
    server.fvm("lena")(
        "checklist",
        "waive",
        "golive",
        "--unit",
        "u1",
        "org.staffing-plan",
        "--reason",
        "Styrgrupp",
        "--until",
        "2027-01-15",
    )
    adam = server.fvm("adam")
    adam("access", "revoke", server.logins["rita"], "--role", "reader")
    adam("access", "grant", server.logins["rita"], "--role", "trainer")
    rita = server.fvm("rita")
    rita("session", "add", "millennium-intro", "--start", "2027-01-11T09:00", "--capacity", "5")
    rita("session", "enroll", "millennium-intro-2027-01-11", "p1")
    return server


@needs_server
@pytest.mark.parametrize(("name", "statement"), ATTEMPTS)
def test_a_recorded_table_written_beside_fvm_is_refused(
    answered: Server, name: str, statement: str
) -> None:
    before = answered.owner.scalar("SELECT count(*) FROM history")
    message = refused_by_policy(answered, name, statement.format(me=answered.logins[name]))
    assert "outside the record" in message or "row-level security" in message
    assert answered.owner.scalar("SELECT count(*) FROM history") == before
    assert json.loads(answered.owner("history", "verify", "--json").stdout)["ok"]


@needs_server
def test_forging_four_eyes_in_sql_is_refused_and_never_counted(answered: Server) -> None:
    me = answered.logins["anna"]
    # The attack of the issue: her own answers made "yes" and "attested by a colleague".
    message = refused_by_policy(
        answered,
        "anna",
        "UPDATE answers SET value='yes', attestation='attested', attested_by='kollega', "
        "attested_at=now()::text WHERE unit_id='u1' AND question IN "
        "('org.project-lead','org.steering')",
    )
    assert "permission denied" in message
    # An attestation alone, in her own name, of her own answer: refused as it is written.
    message = refused_by_policy(
        answered,
        "anna",
        f"UPDATE answers SET attestation='attested', attested_by='{me}' WHERE unit_id='u1'",
    )
    assert f"{me} may not give attestation" in message  # an answerer may not attest at all
    # A lead, who may attest, may not attest what she answered herself.
    lead = answered.logins["lena"]
    answered.fvm("lena")("checklist", "set", "golive", "--unit", "u1", "org.super-users", "ja")
    message = refused_by_policy(
        answered,
        "lena",
        f"UPDATE answers SET attestation='attested', attested_by='{lead}' "
        "WHERE unit_id='u1' AND question = 'org.super-users'",
    )
    assert f"{lead} may not give attestation on what {lead} gave" in message
    # In another's name (without the right to act for others): refused.
    message = refused_by_policy(
        answered,
        "anna",
        "UPDATE answers SET attestation='attested', attested_by='kollega' WHERE unit_id='u1'",
    )
    assert "may not" in message
    # A waiver approved by the lead who asked for it: refused.
    message = refused_by_policy(
        answered,
        "lena",
        f"UPDATE waivers SET approval='approved', approved_by='{lead}' WHERE unit_id='u1'",
    )
    assert f"{lead} may not give approval on what {lead} gave" in message
    assert answered.owner.scalar("SELECT count(*) FROM answers WHERE attestation IS NOT NULL") == 0
    score = json.loads(
        answered.fvm("anna")("checklist", "score", "golive", "--unit", "u1", "--json").stdout
    )
    assert score["unattested"] == 0 or all(
        not q.get("attested") for q in score.get("questions", []) if q.get("attest")
    )


@needs_server
def test_through_fvm_the_same_writes_are_recorded(answered: Server) -> None:
    """What fvm writes passes the database's check: the row and its entry together."""
    lena = answered.fvm("lena")
    answer(lena, "u1", "ja", by=None)
    lena("phase", "set", "3", "--go-live", "2027-10-01")
    lena("access", "grant", answered.logins["rita"], "--role", "answerer", "--unit", "u2", code=5)
    adam = answered.fvm("adam")
    adam("access", "grant", answered.logins["rita"], "--role", "answerer", "--unit", "u2")
    adam("access", "revoke", answered.logins["rita"], "--role", "answerer")
    found = json.loads(adam("history", "verify", "--json").stdout)
    assert found["ok"] and found["state"]["count"] == 0


@needs_server
def test_access_check_names_a_table_left_open(answered: Server) -> None:
    owner = answered.owner
    assert json.loads(owner("access", "check", "--json").stdout) == {
        "enforced": True,
        "ok": True,
        "gaps": [],
    }
    from fvmcli.store.database import Database

    database = Database(owner.url)
    with database.write() as conn:  # the owner switches the check off, as only it can
        conn.run("ALTER TABLE answers DISABLE TRIGGER fvm_record")
        conn.run("ALTER TABLE waivers DISABLE TRIGGER fvm_four_eyes")
    database.dispose()
    found = owner("access", "check", code=1).stdout
    assert "answers: a change is not refused when it comes without its history entry" in found
    assert "waivers: an attestation or approval by its own giver is not refused" in found
    owner("access", "init")  # sets it up again
    assert json.loads(owner("access", "check", "--json").stdout)["ok"]


def test_access_check_on_a_personal_file_says_what_it_cannot_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import Fvm

    fvm = Fvm(f"sqlite:///{tmp_path / 'fvm.sqlite'}")
    fvm("init")
    said = fvm("access", "check").stdout
    assert "cannot stop anyone who has the file" in said and "fvm history verify" in said


# The same attempt by other roads (issue 51: "through fvm, raw SQL and a second connection
# inside one transaction gives the same result").
QUESTION = "unit_id = 'u1' AND checklist = 'golive' AND question = 'org.project-lead'"
ROWKEY = '["u1","golive","org.project-lead"]'
# A history entry written by hand that carries the answers row as it now is: what fvm writes,
# without the hash (nobody can stop a login from writing one it computed; it is recorded).
HAND_ENTRY = (
    'INSERT INTO history (at, "by", kind, unit_id, scope, subject, tbl, rowkey, state, login, '
    "key) SELECT '2026-11-20T10:00:00+01:00', '{by}', '{kind}', unit_id, checklist, question, "
    f"'answers', '{ROWKEY}', to_jsonb(a)::text, 'kollega', {{key}} FROM answers a WHERE {QUESTION}"
)


def connect(srv: Server, name: str):  # type: ignore[no-untyped-def]
    """Return a psycopg connection of a login, in a transaction of its own (psql's)."""
    import psycopg
    import sqlalchemy as sa

    url = sa.make_url(srv.url(name)).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False))


def refused(conn, *statements: str) -> str:  # type: ignore[no-untyped-def]
    """Run ``statements`` in the connection's transaction and commit; return the refusal."""
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    conn.rollback()
    return str(caught.value)


def entry(by: str, kind: str = "answer", key: str | None = None) -> str:
    return HAND_ENTRY.format(by=by, kind=kind, key="NULL" if key is None else f"'{key}'")


@needs_server
def test_an_entry_of_another_transaction_or_connection_records_nothing(answered: Server) -> None:
    me = answered.logins["anna"]
    change = f"UPDATE answers SET value = 'yes' WHERE {QUESTION}"
    before = answered.owner.scalar("SELECT count(*) FROM history")
    # One connection: the change alone is refused at commit.
    one = connect(answered, "anna")
    assert "outside the record" in refused(one, change)
    # An entry committed beforehand (by the same login, another transaction) covers nothing.
    one.execute(
        change.replace("UPDATE answers SET value = 'yes'", "UPDATE answers SET value = 'no'")
    )
    with connect(answered, "anna") as other:
        other.execute(
            entry(me).replace("to_jsonb(a)::text", '(to_jsonb(a) || \'{"value": "yes"}\')::text')
        )
    one.rollback()
    assert "outside the record" in refused(one, change)
    # An entry on a second connection, not committed yet, covers the first one's change no more.
    second = connect(answered, "anna")
    second.execute(
        entry(me).replace("to_jsonb(a)::text", '(to_jsonb(a) || \'{"value": "yes"}\')::text')
    )
    assert "outside the record" in refused(one, change)
    second.rollback()
    one.close()
    second.close()
    assert answered.owner.scalar(f"SELECT value FROM answers WHERE {QUESTION}") == "no"
    # What the login wrote beside fvm is in the history under its own login, and the history's
    # check names it (an entry outside the chain, a state the table does not hold).
    forged = answered.owner.scalar(
        "SELECT string_agg(login, ',') FROM history WHERE login = 'kollega' OR "
        f"(tbl = 'answers' AND rowkey = '{ROWKEY}' AND hash IS NULL)"
    )
    assert forged == me
    assert answered.owner.scalar("SELECT count(*) FROM history") == before + 1
    found = json.loads(answered.owner("history", "verify", "--json", code=1).stdout)
    assert not found["ok"] and found["state"]["count"] == 1


@needs_server
def test_a_change_with_an_entry_written_by_hand_is_recorded_under_the_login(
    answered: Server,
) -> None:
    me = answered.logins["anna"]
    # Two statements in one transaction, as fvm does: the change and its entry. In another's
    # name it is refused (anna may not act on behalf of others) ...
    one = connect(answered, "anna")
    change = f"UPDATE answers SET value = 'yes', answered_by = 'kollega' WHERE {QUESTION}"
    assert f"{me} may not record a change as made by kollega" in refused(
        one, change, entry("kollega")
    )
    # ... in her own, it is taken: the change is hers to make, and the entry names her login
    # whatever it said, exactly as fvm's own entry would.
    one.execute(f"UPDATE answers SET value = 'yes', answered_by = '{me}' WHERE {QUESTION}")
    one.execute(entry(me))
    one.commit()
    one.close()
    assert (
        answered.owner.scalar(
            f"SELECT login || '/' || \"by\" FROM history WHERE rowkey = '{ROWKEY}' "
            "ORDER BY id DESC LIMIT 1"
        )
        == f"{me}/{me}"
    )
    # The entry fvm did not write is named by the history's check: its hash is missing.
    assert not json.loads(answered.owner("history", "verify", "--json", code=1).stdout)["ok"]


@needs_server
def test_an_attestation_never_outlives_the_answer_it_was_given_on(answered: Server) -> None:
    """The attack of the issue on an answer already attested: anna changes her answer by
    hand, with its entry, and leaves the colleague's attestation in place."""
    me, lead = answered.logins["anna"], answered.logins["lena"]
    answered.fvm("lena")("checklist", "attest", "golive", "--unit", "u1", "org.project-lead")
    assert answered.owner.scalar(f"SELECT attested_by FROM answers WHERE {QUESTION}") == lead
    one = connect(answered, "anna")
    message = refused(
        one,
        f"UPDATE answers SET value = 'yes', answered_at = 'x' WHERE {QUESTION}",
        entry(me),
    )
    assert f"{me} may not give attestation together with what it is given on" in message
    one.close()
    assert answered.owner.scalar(f"SELECT value FROM answers WHERE {QUESTION}") == "no"
    # Through fvm the new answer starts unattested, as it must.
    answer(answered.fvm("anna"), "u1", "ja")
    assert answered.owner.scalar(f"SELECT attestation FROM answers WHERE {QUESTION}") is None


@needs_server
def test_a_device_named_by_hand_does_not_make_ones_own_answer_anothers(
    answered: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lead answers, then claims by hand that a trusted device gave the answer (or an
    attestation): the database cannot check a device's signature, so the lead stays one who
    gave it, and may not attest it, by fvm or by hand."""
    lead = answered.logins["lena"]
    lena = answered.fvm("lena")
    answer(lena, "u1", "ja")
    monkeypatch.setenv("FVM_DEVICE_KEY", str(tmp_path / "device.key"))
    Fvm(f"sqlite:///{tmp_path / 'laptop.sqlite'}")("bundle", "keygen")
    lena("bundle", "trust", str(tmp_path / "device.key.pub"), "--unit", "u1")
    key = answered.owner.scalar("SELECT fingerprint FROM trusted_keys")
    one = connect(answered, "lena")
    one.execute(entry("kollega", key=str(key)))  # "kollega answered this on a trusted device"
    one.commit()
    refusal = lena("checklist", "attest", "golive", "--unit", "u1", "org.project-lead", code=5)
    assert f"{lead} gave the answer to org.project-lead" in refusal.stderr
    message = refused(
        one,
        f"UPDATE answers SET attestation = 'attested', attested_by = '{lead}', "
        f"attested_at = 'x' WHERE {QUESTION}",
    )
    assert f"{lead} may not give attestation on what kollega, {lead} gave" in message
    # The device's attestation, by hand: "kollega2 attested it on the device".
    word = (
        entry("kollega2", "attestation", str(key))
        .replace("to_jsonb(a)::text", "NULL")
        .replace("'answers', '" + ROWKEY + "'", "NULL, NULL")
    )
    message = refused(
        one,
        word,
        "UPDATE answers SET attestation = 'attested', attested_by = 'kollega2', "
        f"attested_at = 'x' WHERE {QUESTION}",
    )
    assert f"{lead}" in message and "may not give attestation on what" in message
    one.close()
    assert answered.owner.scalar("SELECT count(*) FROM answers WHERE attestation IS NOT NULL") == 0


@needs_server
def test_an_upgrade_that_adds_a_recorded_column_keeps_the_record_taking_changes(
    answered: Server,
) -> None:
    """Migration 0012 adds ``access_grants.owner``: the record's check made before it names
    the old columns and would refuse every grant; the migration makes it name them anew."""
    from fvmcli.store.database import Database
    from fvmcli.store.record_rights import refresh_record

    database = Database(answered.owner.url)
    with database.write() as conn:  # the check as 'fvm access init' left it before 0012
        conn.run("DROP TRIGGER fvm_record ON access_grants")
        conn.run(
            "CREATE CONSTRAINT TRIGGER fvm_record AFTER INSERT OR UPDATE OR DELETE ON "
            "access_grants DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
            "fvm_require_entry('{id}', '{id,login,role,unit_id,area,granted_by,granted_at,"
            "gate_role}', '{}')"
        )
    adam = answered.fvm("adam")
    rita = answered.logins["rita"]
    assert "outside the record" in adam("access", "grant", rita, "--role", "content", code=5).stderr
    with database.write() as conn:
        refresh_record(conn)
    database.dispose()
    adam("access", "grant", rita, "--role", "content")
    assert json.loads(answered.owner("history", "verify", "--json").stdout)["ok"]


@needs_server
def test_a_column_added_beside_the_record_changes_nothing(answered: Server) -> None:
    """A later migration that adds a column the record does not keep, by plain ALTER TABLE
    and without making the check anew: fvm's writes still pass, forged ones are still refused."""
    from fvmcli.store.database import Database

    database = Database(answered.owner.url)
    with database.write() as conn:
        conn.run("ALTER TABLE answers ADD COLUMN note text")
        conn.run("ALTER TABLE phases ADD COLUMN note text DEFAULT 'x'")
    database.dispose()
    lena = answered.fvm("lena")
    answer(lena, "u1", "ja", by=None)
    lena("phase", "set", "3", "--go-live", "2027-10-01")
    assert answered.owner.scalar("SELECT count(*) FROM phases WHERE phase = 3") == 1
    message = refused_by_policy(answered, "anna", "UPDATE answers SET value = 'yes'")
    assert "outside the record" in message
    message = refused_by_policy(answered, "lena", "UPDATE phases SET note = 'y'")
    assert "outside the record" in message
    assert json.loads(answered.owner("history", "verify", "--json").stdout)["ok"]
