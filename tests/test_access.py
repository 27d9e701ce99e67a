"""Rights on a shared PostgreSQL database, tested with real logins on the test server.

Every login and group role here has a name unique to the run and is dropped after it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, Fvm, _pg_schema_url

pytestmark = [
    pytest.mark.store,
    pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL (FVM_TEST_DB_URL)"),
]
ROLES = ("reader", "answerer", "trainer", "voter", "owner", "content", "lead", "admin")


def drop_groups(conn: sa.Connection, prefix: str) -> None:
    """Drop the group roles ``fvm access init`` made with ``prefix``, and what they own."""
    for role in ROLES:
        name = f"{prefix}{role}"
        if conn.execute(sa.text(f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'")).first():
            conn.execute(sa.text(f'DROP OWNED BY "{name}"'))
            conn.execute(sa.text(f'DROP ROLE "{name}"'))


@dataclass
class Server:
    """A schema on the test server with fvm's tables, rights enforced, and four logins."""

    owner: Fvm  # the superuser that owns the tables
    schema: str
    logins: dict[str, str]  # name → login

    def url(self, name: str) -> str:
        return str(
            sa.make_url(_pg_schema_url(self.schema))
            .set(username=self.logins[name])
            .render_as_string(hide_password=False)
        )

    def fvm(self, name: str) -> Fvm:
        return Fvm(self.url(name))

    def sql(self, name: str, statement: str) -> None:
        """Run raw SQL as a login, as someone beside fvm would with psql."""
        engine = sa.create_engine(self.url(name))
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(statement))
        finally:
            engine.dispose()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    assert PG_URL is not None
    run = uuid.uuid4().hex[:8]
    prefix = f"t{run}_"
    monkeypatch.setenv("FVM_ROLE_PREFIX", prefix)
    monkeypatch.delenv("FVM_USER", raising=False)  # --by is "on behalf of" here
    schema = f"a_{run}"
    logins = {n: f"{n}_{run}" for n in ("anna", "bo", "rita", "lena", "adam")}
    admin = sa.create_engine(_pg_schema_url("public"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        for login in logins.values():
            conn.execute(sa.text(f'CREATE ROLE "{login}" LOGIN'))
    try:
        owner = Fvm(_pg_schema_url(schema))
        for unit, area in (("u1", "sodra"), ("u2", "vastra"), ("u3", "vastra")):
            owner(
                "unit", "add", unit, "--name", f"Avd {unit}", "--area", area, "--type", "hospital"
            )
        owner("person", "add", "p1", "--name", "Gunnel Ödmark", "--role", "nurse", "--unit", "u1")
        # The owner of the tables sets rights up and makes adam the first admin, with fvm.
        out = owner("access", "init", "--admin", logins["adam"]).stdout
        assert "Rights are enforced" in out and f"{logins['adam']} is now an admin" in out
        srv = Server(owner, schema, logins)
        adam = srv.fvm("adam")
        adam("access", "grant", logins["anna"], "--role", "answerer", "--unit", "u1")
        adam("access", "grant", logins["bo"], "--role", "answerer", "--area", "vastra")
        adam("access", "grant", logins["rita"], "--role", "reader")
        adam("access", "grant", logins["lena"], "--role", "lead")
        yield srv
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            for login in logins.values():
                conn.execute(sa.text(f'DROP OWNED BY "{login}"'))
                conn.execute(sa.text(f'DROP ROLE "{login}"'))
            drop_groups(conn, prefix)
        admin.dispose()


def answer(fvm: Fvm, unit: str, value: str = "ja", *, code: int = 0, by: str | None = None):  # type: ignore[no-untyped-def]
    extra = ["--by", by] if by else []
    return fvm(
        "checklist", "set", "golive", "--unit", unit, "org.project-lead", value, *extra, code=code
    )


def refused_by_policy(server: Server, name: str, statement: str) -> str:
    with pytest.raises(sa.exc.ProgrammingError) as caught:
        server.sql(name, statement)
    return str(caught.value.orig)


def test_an_answerer_writes_only_their_units_through_fvm_and_beside_it(server: Server) -> None:
    anna = server.fvm("anna")
    answer(anna, "u1")
    err = answer(anna, "u2", code=5).stderr
    login = server.logins["anna"]
    assert f"{login} may not change answers of u2" in err
    assert f"fvm access grant {login} --role answerer --unit u2" in err
    bo = server.fvm("bo")  # an area grant covers the area's units
    answer(bo, "u2")
    answer(bo, "u3")
    assert "may not change answers of u1" in answer(bo, "u1", code=5).stderr
    message = refused_by_policy(
        server,
        "anna",
        "INSERT INTO answers VALUES ('u2','golive','org.project-lead','yes',NULL,'x',"
        "'2026-11-27T10:00:00+01:00',1)",
    )
    assert "row-level security" in message
    # Counts too, and a waiver is a lead's.
    anna("equipment", "count", "u1", "care-client", "--present", "2")
    err = anna("equipment", "count", "u2", "care-client", "--present", "2", code=5).stderr
    assert "may not change equipment counts of u2" in err
    assert anna(
        "checklist",
        "waive",
        "golive",
        "--unit",
        "u1",
        "org.project-lead",
        "--reason",
        "x",
        "--until",
        "2027-01-01",
        code=5,
    ).stderr
    assert server.owner.scalar("SELECT count(*) FROM answers WHERE unit_id = 'u1'") == 1


def test_history_names_the_login_even_on_behalf_of_someone(server: Server) -> None:
    lena = server.fvm("lena")
    answer(lena, "u1", "nej", by="Karin Berg")
    history = json.loads(lena("checklist", "history", "golive", "--unit", "u1", "--json").stdout)
    (entry,) = history
    assert entry["login"] == server.logins["lena"] and entry["by"] == "Karin Berg"
    assert entry["on_behalf"] == "Karin Berg"
    anna = server.fvm("anna")
    err = answer(anna, "u1", by="Karin Berg", code=5).stderr
    assert "may not act on behalf of Karin Berg" in err
    # A login written by hand into history is replaced by the database's own.
    me = server.logins["anna"]
    server.sql(
        "anna",
        "INSERT INTO history (at, by, kind, unit_id, scope, subject, new, login) VALUES "
        f"('2026-11-27T10:00:00+01:00', '{me}', 'answer', 'u1', 'golive', 'org.x', 'yes', "
        "'someone-else')",
    )
    logins = server.owner.scalar(
        "SELECT string_agg(DISTINCT login, ',') FROM history WHERE subject = 'org.x'"
    )
    assert logins == me


def test_beside_fvm_nobody_records_a_change_as_someone_elses(server: Server) -> None:
    """Through raw SQL an answerer may write their own name as who answered, never another's
    (acting on behalf of someone is a lead's right); a lead may."""
    me = server.logins["anna"]
    for statement in (
        "INSERT INTO history (at, by, kind, unit_id, scope, subject, new) VALUES "
        "('2026-11-27T10:00:00+01:00', 'Karin Berg', 'answer', 'u1', 'golive', 'org.y', 'no')",
        "INSERT INTO answers VALUES ('u1','golive','org.project-lead','yes',NULL,'Karin Berg',"
        "'2026-11-27T10:00:00+01:00',1)",
        "INSERT INTO equipment_counts VALUES ('u1','care-client',1,1,1,'Karin Berg',"
        "'2026-11-27T10:00:00+01:00')",
    ):
        with pytest.raises(sa.exc.DBAPIError) as caught:
            server.sql("anna", statement)
        assert f"{me} may not record a change as made by Karin Berg" in str(caught.value.orig)
    # In one's own name, a row written beside fvm is still refused: it has no history entry.
    for name, statement in (
        (
            "anna",
            "INSERT INTO answers VALUES ('u1','golive','org.project-lead','yes',NULL,"
            f"'{me}','2026-11-27T10:00:00+01:00',1)",
        ),
        ("lena", "UPDATE people SET role = 'doctor' WHERE id = 'p1'"),
    ):
        assert "outside the record" in refused_by_policy(server, name, statement)
    assert server.owner.scalar("SELECT count(*) FROM answers WHERE unit_id = 'u1'") == 0
    assert server.owner.scalar("SELECT count(*) FROM history WHERE subject = 'org.y'") == 0


def test_a_reader_writes_nothing(server: Server) -> None:
    rita = server.fvm("rita")
    assert rita.json("unit", "list")  # reads everything
    reader = server.logins["rita"]
    assert f"{reader} may not change answers of u1" in answer(rita, "u1", code=5).stderr
    err = rita("phase", "set", "1", "--go-live", "2027-04-01", code=5).stderr
    assert f"{reader} may not change phases or assessment rounds" in err
    err = rita(
        "unit", "add", "x9", "--name", "X", "--area", "sodra", "--type", "hospital", code=5
    ).stderr
    assert "may not change the units x9" in err
    assert "permission denied" in refused_by_policy(
        server, "rita", "UPDATE units SET name = 'hacked'"
    )
    assert server.owner.scalar("SELECT count(*) FROM answers") == 0


def test_publishing_content_is_a_right_of_its_own(server: Server, tmp_path: Path) -> None:
    """A lead may not publish content, through fvm or beside it; an admin may, and so may a
    login granted the role content (#42)."""
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(Path(__file__).parent / "content", pack)
    lena, adam = server.fvm("lena"), server.fvm("adam")
    lead = server.logins["lena"]
    err = lena("content", "publish", str(pack), code=5).stderr
    assert f"{lead} may not publish content" in err
    assert f"fvm access grant {lead} --role content" in err
    for statement in (
        "INSERT INTO content_versions VALUES (9, 'x', 'x', 'x', 'x', NULL)",
        "INSERT INTO history (at, by, kind, subject, new) VALUES ('x', "
        f"'{lead}', 'content', '9', 'x')",
    ):
        refused = refused_by_policy(server, "lena", statement)
        assert "permission denied" in refused or "row-level security" in refused
    assert len(lena.json("content", "history")) == 1
    assert "Published content version 2" in adam("content", "publish", str(pack)).stdout
    adam("access", "grant", lead, "--role", "content")
    pack.joinpath("checklists", "mini.toml").write_text(
        pack.joinpath("checklists", "mini.toml")
        .read_text("utf-8")
        .replace("version = 2", "version = 3"),
        "utf-8",
    )
    assert "Published content version 3" in lena("content", "publish", str(pack)).stdout
    assert [v["by"] for v in lena.json("content", "history")][1:] == [
        server.logins["adam"],
        lead,
    ]


def test_an_admin_may_revoke_itself_while_another_admin_remains(server: Server) -> None:
    adam = server.fvm("adam")
    adam("access", "grant", server.logins["lena"], "--role", "admin")
    lena = server.fvm("lena")
    assert "Revoked" in lena("access", "revoke", server.logins["lena"], "--role", "admin").stdout
    held = {g["role"] for g in adam.json("access", "list") if g["login"] == server.logins["lena"]}
    assert held == {"lead"}
    # No longer an admin: granting is refused, by fvm and by the database.
    err = lena("access", "grant", server.logins["bo"], "--role", "reader", code=5).stderr
    assert "may not" in err


def test_revoking_takes_effect_at_once(server: Server) -> None:
    anna = server.fvm("anna")
    answer(anna, "u1")
    adam = server.fvm("adam")
    assert "Revoked 1 grant" in adam("access", "revoke", server.logins["anna"]).stdout
    # With no grant left anna is in no group: the database refuses her even a read.
    err = answer(anna, "u1", "nej", code=5).stderr
    assert f"{server.logins['anna']} may not do this here" in err and "permission denied" in err
    # Beside fvm too.
    assert "permission denied" in refused_by_policy(
        server, "anna", "UPDATE answers SET value = 'no' WHERE unit_id = 'u1'"
    )
    assert server.owner.scalar("SELECT value FROM answers WHERE unit_id = 'u1'") == "yes"


def test_history_is_append_only_and_erasure_is_an_admins(server: Server) -> None:
    lena = server.fvm("lena")
    answer(lena, "u1")
    assert "permission denied" in refused_by_policy(
        server, "lena", "UPDATE history SET by = 'nobody'"
    )
    assert "permission denied" in refused_by_policy(server, "lena", "DELETE FROM history")
    assert "may not erase people" in lena("person", "forget", "p1", "--yes", code=5).stderr
    asked = lena("person", "forget", "p1", code=5)  # told before being asked
    assert "may not erase people" in asked.stderr and "for good?" not in asked.stdout
    assert "permission denied" in refused_by_policy(
        server, "lena", "SELECT fvm_forget('p1', 'now', 'me')"
    )
    server.fvm("adam")("person", "forget", "p1", "--yes")
    names = server.owner.scalar("SELECT count(*) FROM history WHERE new LIKE '%Ödmark%'")
    assert names == 0 and server.owner.json("person", "list")[0]["name"] is None
    # Every login's entries, the stamped logins and the erasure keep the chain whole.
    assert server.owner.json("history", "verify")["ok"]


def test_a_bulk_import_with_one_forbidden_unit_stores_nothing(server: Server, write_csv) -> None:  # type: ignore[no-untyped-def]
    anna = server.fvm("anna")
    path = write_csv(
        "unit;question;value\nu1;org.project-lead;ja\nu2;org.project-lead;ja\n"
        "u3;org.project-lead;nej\n"
    )
    err = anna("checklist", "import", "golive", str(path), code=5).stderr
    assert "u2, u3" in err and "nothing was stored" in err
    assert server.owner.scalar("SELECT count(*) FROM answers") == 0


def test_access_list_and_whoami(server: Server) -> None:
    grants = server.owner.json("access", "list")
    anna = server.logins["anna"]
    assert {"login": anna, "role": "answerer", "unit": "u1", "area": None} in grants
    me = server.fvm("anna").json("access", "whoami")
    assert me["login"] == anna and me["enforced"] is True
    assert me["grants"] == [{"login": anna, "role": "answerer", "unit": "u1", "area": None}]
    assert "enforced by PostgreSQL" in server.owner.json("info")["rights"]
    err = server.fvm("adam")("access", "grant", "no_such_login_x", "--role", "reader", code=2)
    assert "CREATE ROLE no_such_login_x LOGIN" in err.stderr


def test_a_bundle_needs_a_device_trusted_for_its_unit(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = Fvm(f"sqlite:///{tmp_path / 'laptop.sqlite'}")
    laptop("unit", "add", "u1", "--name", "Avd u1", "--area", "sodra", "--type", "hospital")
    monkeypatch.setenv("FVM_DEVICE_KEY", str(tmp_path / "anna.key"))
    laptop("bundle", "keygen")
    answer(laptop, "u1")
    bundle = tmp_path / "u1.json"
    laptop("bundle", "export", "--unit", "u1", "-o", str(bundle))
    anna = server.fvm("anna")
    assert "not trusted" in anna("bundle", "import", str(bundle), code=5).stderr
    # Only a lead trusts a key; an answerer may not.
    public = str(tmp_path / "anna.key.pub")
    err = anna("bundle", "trust", public, "--unit", "u1", code=5).stderr
    assert "may not trust device keys for u1" in err
    server.fvm("lena")("bundle", "trust", public, "--unit", "u1")
    out = anna("bundle", "import", str(bundle)).stdout
    assert "1 added" in out
    history = json.loads(anna("checklist", "history", "golive", "--unit", "u1", "--json").stdout)
    assert history[0]["login"] == server.logins["anna"] and history[0]["key"].startswith("SHA256:")


def test_reminders_are_a_leads_and_the_database_keeps_their_record(server: Server) -> None:
    """Only a lead (or admin) may send reminders and write their record, in fvm and beside it;
    a refused login sends nothing at all."""
    from tests.test_remind import plain, smtp_server

    owner = server.owner
    server.fvm("lena")(
        "unit",
        "add",
        "u9",
        "--name",
        "Avd 9",
        "--area",
        "sodra",
        "--type",
        "hospital",
        "--email",
        "u9@exempel.se",
    )
    with smtp_server() as (box, port):
        smtp = ["remind", "--unit", "u9", *plain(port)]
        anna = server.fvm("anna")
        err = anna(*smtp, code=5).stderr
        assert f"{server.logins['anna']} may not send reminders to u9" in err
        assert box.messages == []
        lena = server.fvm("lena")
        lena(*smtp)
        assert [r for r, _, _ in box.messages] == [["u9@exempel.se"]]
    assert owner.scalar("SELECT count(*) FROM reminders") == 1
    assert (
        owner.scalar("SELECT login FROM history WHERE kind = 'reminder'") == server.logins["lena"]
    )
    message = refused_by_policy(
        server,
        "anna",
        "INSERT INTO reminders (unit_id, recipient, day, digest, sent_at, sent_by) VALUES "
        "('u1', '@unit', '2026-11-27', 'x', '2026-11-27T10:00:00+01:00', 'anna')",
    )
    assert "permission denied" in message or "row-level security" in message


def test_a_lead_sets_up_a_fresh_shared_database_with_fvm_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The whole setup of docs/access.md: CREATE ROLE … LOGIN by the server's administrator,
    then fvm commands only. The lead who runs 'access init' is the first admin and works at
    once; grants follow; and nobody is ever pointed to a command nobody can run."""
    assert PG_URL is not None
    run = uuid.uuid4().hex[:8]
    prefix = f"t{run}_"
    monkeypatch.setenv("FVM_ROLE_PREFIX", prefix)
    monkeypatch.delenv("FVM_USER", raising=False)
    lead, anna, schema = f"lead_{run}", f"anna_{run}", f"s_{run}"
    superuser = sa.create_engine(_pg_schema_url("public"), isolation_level="AUTOCOMMIT")
    with superuser.connect() as conn:  # the database administrator's part, and only that
        conn.execute(sa.text(f'CREATE ROLE "{lead}" LOGIN CREATEROLE'))
        conn.execute(sa.text(f'CREATE ROLE "{anna}" LOGIN'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}" AUTHORIZATION "{lead}"'))

    def as_login(login: str) -> Fvm:
        url = sa.make_url(_pg_schema_url(schema)).set(username=login)
        return Fvm(url.render_as_string(hide_password=False))

    try:
        owner = as_login(lead)
        owner("init")
        out = owner("access", "init").stdout
        assert f"{lead} is now an admin" in out
        assert f"{lead} was already an admin" in owner("access", "init").stdout
        assert owner.json("access", "whoami")["grants"] == [
            {"login": lead, "role": "admin", "unit": None, "area": None}
        ]
        units = tmp_path / "enheter.csv"
        units.write_text(
            "id;name;area;type;staff\nu1;Avd Åby;sodra;hospital;10\nu2;Avd Öby;vastra;hospital;5\n",
            "utf-8",
        )
        owner("unit", "import", str(units))  # works at once, no hand-written SQL
        owner("access", "grant", anna, "--role", "answerer", "--unit", "u1")
        answer(as_login(anna), "u1")
        err = answer(as_login(anna), "u2", code=5).stderr
        assert f"An admin can run:\n  fvm access grant {anna} --role answerer --unit u2\n" in err
        # The last admin cannot revoke themselves (nobody could grant rights after that).
        err = owner("access", "revoke", lead, "--role", "admin", code=3).stderr
        assert f"{lead} is the last admin" in err
        # A database set up before init made an admin has none: a refusal there says who can
        # make one, not a command that nobody can run.
        with superuser.connect() as conn:
            # Only the server's superuser can go around the record (history verify sees it).
            conn.execute(sa.text("SET session_replication_role = replica"))
            conn.execute(sa.text(f"DELETE FROM \"{schema}\".access_grants WHERE role = 'admin'"))
            conn.execute(sa.text("RESET session_replication_role"))
        err = answer(as_login(anna), "u2", code=5).stderr
        assert "fvm access init --admin LOGIN" in err and "No admin exists yet" in err
        assert owner.scalar("SELECT count(*) FROM answers WHERE unit_id = 'u2'") == 0
        # An --admin that is no login is refused, and nothing changes.
        err = owner("access", "init", "--admin", f"nobody_{run}", code=2).stderr
        assert f"no login 'nobody_{run}'" in err
        # A name the server would cut to 63 bytes names no login: refused, nothing stored.
        long_name = lead + "x" * 70
        err = owner("access", "init", "--admin", long_name, code=2).stderr
        assert "at most 63 bytes" in err
        assert owner.scalar(f"SELECT count(*) FROM access_grants WHERE login = '{long_name}'") == 0
        # A login that is not the owner cannot set rights up: refused, not a crash.
        err = as_login(anna)("access", "init", code=5).stderr
        assert f"{anna} cannot set up rights" in err and "owner of fvm's tables" in err
    finally:
        with superuser.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            for login in (anna, lead):
                conn.execute(sa.text(f'DROP OWNED BY "{login}"'))
            drop_groups(conn, prefix)
            for login in (anna, lead):
                conn.execute(sa.text(f'DROP ROLE "{login}"'))
        superuser.dispose()


def test_the_policies_hold_for_history_and_counts_beside_fvm(server: Server) -> None:
    """The rights test written into each policy sees the row's own unit, not the grant's: an
    answerer of u1 may append u1's history and counts, never u2's."""
    me = server.logins["anna"]
    server.sql(
        "anna",
        "INSERT INTO history (at, by, kind, unit_id, scope, subject, new) VALUES "
        f"('2026-11-27T10:00:00+01:00', '{me}', 'answer', 'u1', 'golive', 'org.z', 'yes')",
    )
    for statement in (
        "INSERT INTO history (at, by, kind, unit_id, scope, subject, new) VALUES "
        f"('2026-11-27T10:00:00+01:00', '{me}', 'answer', 'u2', 'golive', 'org.z', 'yes')",
        "INSERT INTO history (at, by, kind, unit_id, scope, subject, new) VALUES "
        f"('2026-11-27T10:00:00+01:00', '{me}', 'waiver', 'u1', 'golive', 'org.z', 'x')",
        f"INSERT INTO equipment_counts VALUES ('u2','care-client',1,1,1,'{me}',"
        "'2026-11-27T10:00:00+01:00')",
    ):
        assert "row-level security" in refused_by_policy(server, "anna", statement)
    assert server.owner.scalar("SELECT count(*) FROM history WHERE subject = 'org.z'") == 1


def test_only_a_voter_granted_a_role_of_the_gate_votes_for_it(server: Server) -> None:
    lena, anna, adam = server.fvm("lena"), server.fvm("anna"), server.fvm("adam")
    lena("phase", "set", "1", "--go-live", "2027-03-01")
    lena("gate", "propose", "--phase", "1", "m1")
    login = server.logins["anna"]
    # Neither an answerer nor the lead votes for the MAS: only the login granted that role.
    err = anna("gate", "vote", "m1", "--role", "mas", "go", code=5).stderr
    assert f"{login} may not vote for the role mas" in err
    assert f"fvm access grant {login} --role voter --gate-role mas" in err
    assert lena("gate", "vote", "m1", "--role", "mas", "go", code=5).stderr
    # A voter's grant names its role of the gate, and only that.
    adam("access", "grant", login, "--role", "voter", code=2)
    adam("access", "grant", login, "--role", "voter", "--gate-role", "nope", code=2)
    adam("access", "grant", login, "--role", "voter", "--gate-role", "mas")
    anna("gate", "vote", "m1", "--role", "mas", "go", "--comment", "Bemanning klar")
    assert "may not vote for the role chefslakare" in (
        anna("gate", "vote", "m1", "--role", "chefslakare", "go", code=5).stderr
    )
    grants = json.loads(adam("access", "list", "--json").stdout)
    voter = {"login": login, "role": "voter", "unit": None, "area": None, "gate_role": "mas"}
    assert voter in grants  # the other grants keep their four keys
    # Beside fvm the database holds the same line: anna cannot vote for the chief physician.
    message = refused_by_policy(
        server,
        "anna",
        "INSERT INTO gate_votes VALUES "
        "('m1','chefslakare','go','x','2026-11-27T10:00:00+01:00',NULL)",
    )
    assert "row-level security" in message
    shown = json.loads(lena("gate", "show", "m1", "--json").stdout)
    assert [(v["role"], v["vote"], v["by"]) for v in shown["votes"]] == [("mas", "go", login)]
    adam("access", "revoke", login, "--role", "voter", "--gate-role", "mas")
    assert anna("gate", "vote", "m1", "--role", "mas", "no-go", code=5).stderr
