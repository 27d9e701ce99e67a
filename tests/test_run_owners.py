"""Who marks a run's tasks on a shared database (issue 46): a login marks the tasks it owns
(a grant of the owner role naming the task's ``owner``) or the tasks of its units; a lead marks
any. PostgreSQL's row-level security holds the same against psql, and against fvm itself when
its own check is passed over. Real logins on the test server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PG_URL
from tests.test_access import Server, refused_by_policy
from tests.test_access import server as server  # the fixture of a shared database with rights
from tests.test_runs import RUNBOOK

pytestmark = [
    pytest.mark.store,
    pytest.mark.skipif(PG_URL is None, reason="rights are PostgreSQL's (FVM_TEST_DB_URL)"),
]


@pytest.fixture
def live(server: Server, tmp_path: Path) -> Server:
    """The test runbook published by the admin; lena (lead) started the live run over phase 2
    (u2, u3 of vastra); rita (a reader) owns the cutover lead's tasks (a, d), anna (answerer
    of u1) the local project lead's (b, per unit)."""
    folder = tmp_path / "content"
    (folder / "runbooks").mkdir(parents=True)
    (folder / "runbooks" / "helg.toml").write_text(RUNBOOK, "utf-8")
    adam = server.fvm("adam")
    adam("content", "publish", str(folder))
    rita, anna = server.logins["rita"], server.logins["anna"]
    said = adam("access", "grant", rita, "--role", "owner", "--owner", "cutover-lead").stdout
    assert f"{rita} is owner for cutover-lead." in said
    adam("access", "grant", anna, "--role", "owner", "--owner", "local-project-lead")
    start = ("run", "start", "helg", "live", "--phase", "2", "--t0", "2026-11-26T12:00")
    server.fvm("lena")(*start)
    return server


def mark(server: Server, name: str, *args: str, code: int = 0) -> str:
    """Run ``fvm run task live …`` as a login; return what it said on stderr."""
    return server.fvm(name)("run", "task", "live", *args, code=code).stderr


def test_an_owner_marks_its_own_tasks_anywhere_and_no_others(live: Server) -> None:
    rita, anna = live.logins["rita"], live.logins["anna"]
    # rita reads everything and answers for no unit: her own phase task, as its owner.
    mark(live, "rita", "a", "start", "--at", "2026-11-26T09:50")
    mark(live, "rita", "a", "done", "--at", "2026-11-26T09:55")
    # anna answers for u1 only, but owns b: she marks it for u3 of another area.
    mark(live, "anna", "b", "start", "--unit", "u3", "--at", "2026-11-26T09:58")
    # Another owner's task: refused, naming its owner and the grant that would allow it.
    refused = mark(live, "rita", "b", "start", "--unit", "u2", code=5)
    assert (
        f"{rita} may not mark b (u2): {rita} is neither its owner (local-project-lead) "
        "nor marks the tasks of u2; nothing was stored"
    ) in " ".join(refused.split())
    assert f"fvm access grant {rita} --role owner --owner local-project-lead" in refused
    # A task nobody owns is marked by the unit's answerer or a lead only.
    assert f"{anna} may not mark run tasks of u2" in mark(
        live, "anna", "c", "start", "--unit", "u2", code=5
    )
    # A phase task of another owner: a lead's.
    refused = mark(live, "anna", "d", "start", "--force", "--reason", "prov", code=5)
    assert f"{anna} is not its owner (cutover-lead)" in " ".join(refused.split())
    # The lead marks any.
    mark(live, "lena", "b", "start", "--unit", "u2", "--at", "2026-11-26T09:59")
    mark(live, "lena", "c", "start", "--unit", "u2", "--at", "2026-11-26T09:59")
    states = {
        (t["task"], t["unit"]): (t["state"], t["actual_start"])
        for t in live.fvm("lena").json("run", "status", "live")["tasks"]
    }
    assert states[("a", None)] == ("done", "2026-11-26T09:50:00+01:00")
    assert states[("b", "u3")] == ("started", "2026-11-26T09:58:00+01:00")
    assert states[("b", "u2")] == ("started", "2026-11-26T09:59:00+01:00")
    assert states[("c", "u3")] == ("waiting", None)
    by = live.owner.scalar(
        "SELECT string_agg(task || '/' || unit_id || '=' || \"by\", ' ' ORDER BY task, unit_id) "
        "FROM run_marks"
    )
    lena = live.logins["lena"]
    assert by == f"a/={rita} b/u2={lena} b/u3={anna} c/u2={lena}"
    assert json.loads(live.owner("history", "verify", "--json").stdout)["ok"]


def test_the_database_refuses_another_owners_task_beside_fvm_and_through_it(
    live: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark(live, "rita", "a", "start", "--at", "2026-11-26T09:50")
    mark(live, "rita", "a", "done", "--at", "2026-11-26T09:55")
    before = live.owner.scalar("SELECT count(*) FROM history")
    # psql: the row of another owner's task (b is local-project-lead's), and of her own (d)
    # without its history entry.
    message = refused_by_policy(
        live,
        "rita",
        "INSERT INTO run_marks VALUES ('live','b','u2','started',NULL,NULL,"
        f"'{live.logins['rita']}',NULL,NULL)",
    )
    assert "row-level security" in message
    message = refused_by_policy(
        live,
        "rita",
        "INSERT INTO run_marks VALUES ('live','d','','started',NULL,NULL,"
        f"'{live.logins['rita']}',NULL,NULL)",
    )
    assert "outside the record" in message
    # fvm with its own check passed over: the database refuses, and fvm says so (exit 5).
    import fvmcli.services.task_owners as owners

    monkeypatch.setattr(owners, "require_mark", lambda *args: None)
    refused = " ".join(mark(live, "rita", "b", "start", "--unit", "u2", code=5).split())
    assert f"{live.logins['rita']} may not do this here: the database refused" in refused
    assert "row-level security" in refused and "nothing was stored" in refused
    # Her own (d, forced past its predecessors): the database agrees.
    mark(live, "rita", "d", "start", "--force", "--reason", "prov", "--at", "2026-11-26T10:00")
    assert live.owner.scalar("SELECT count(*) FROM run_marks") == 2
    assert live.owner.scalar("SELECT count(*) FROM history") == before + 1


def test_owner_grants_are_listed_checked_and_revoked(live: Server) -> None:
    adam = live.fvm("adam")
    rita = live.logins["rita"]
    listed = [g for g in adam.json("access", "list") if g["login"] == rita]
    assert {
        "login": rita,
        "role": "owner",
        "unit": None,
        "area": None,
        "owner": "cutover-lead",
    } in (listed)
    assert {"login": rita, "role": "reader", "unit": None, "area": None} in listed
    assert (
        "--role owner goes with --owner"
        in adam("access", "grant", rita, "--role", "owner", code=2).stderr
    )
    assert (
        "--role owner goes with --owner"
        in adam(
            "access", "grant", rita, "--role", "answerer", "--owner", "it-contact", code=2
        ).stderr
    )
    assert (
        "no owner 'nobody'"
        in adam("access", "grant", rita, "--role", "owner", "--owner", "nobody", code=2).stderr
    )
    adam("access", "revoke", rita, "--role", "owner", "--owner", "cutover-lead")
    assert "is not its owner (cutover-lead)" in " ".join(
        mark(live, "rita", "a", "start", code=5).split()
    )


def test_a_run_started_before_0012_gets_its_owners_and_both_checks_read_them(
    live: Server,
) -> None:
    """A run whose ``owners`` is NULL (started before migration 0012): fvm and the database
    both find its tasks owned by nobody (fvm refuses first, not the server), and migration
    0013 fills the owners from the runbook text the run keeps, for both."""
    from alembic import command

    from fvmcli.store.database import Database
    from tests.test_store import _alembic_config

    database = Database(live.owner.url)
    for statement in (
        "ALTER TABLE runs DISABLE TRIGGER fvm_record",
        "UPDATE runs SET owners = NULL",
        "ALTER TABLE runs ENABLE TRIGGER fvm_record",
    ):
        with database.write() as conn:
            conn.run(statement)
    refused = mark(live, "rita", "a", "start", "--at", "2026-11-26T09:50", code=5)
    assert "the database refused" not in refused
    assert live.owner.scalar("SELECT count(*) FROM run_marks") == 0
    with database.write() as conn:  # the upgrade as its owner runs it
        conn.run("UPDATE alembic_version SET version_num = '0012'")
    config = _alembic_config()
    with database.schema_connection() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    database.dispose()
    owners = json.loads(live.owner.scalar("SELECT owners FROM runs WHERE name = 'live'"))
    assert owners == {"a": "cutover-lead", "b": "local-project-lead", "d": "cutover-lead"}
    mark(live, "rita", "a", "start", "--at", "2026-11-26T09:50")
    assert live.owner.scalar('SELECT "by" FROM run_marks') == live.logins["rita"]
    assert json.loads(live.owner("history", "verify", "--json").stdout)["ok"]
