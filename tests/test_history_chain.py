"""The history as a hash chain: erasure keeps it whole; an entry changed, deleted or moved by
hand (SQLite file or the table's owner on PostgreSQL) is found and named."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from fvmcli.core.history_chain import GENESIS, chained, verify
from fvmcli.store.database import Database
from tests.conftest import Fvm


def _verify(fvm: Fvm, *args: str, code: int = 0) -> dict:  # type: ignore[type-arg]
    return json.loads(fvm("history", "verify", "--json", *args, code=code).stdout)


def _raw(fvm: Fvm, sql: str) -> None:
    database = Database(fvm.url)
    with database.write() as conn:
        conn.run(sql)
    database.dispose()


def _some_history(fvm: Fvm) -> None:
    fvm("unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital")
    fvm("checklist", "set", "golive", "--unit", "h1", "org.project-lead", "ja")
    fvm("checklist", "set", "golive", "--unit", "h1", "org.steering", "delvis")
    fvm("person", "add", "p1", "--name", "Anna Andersson", "--role", "nurse", "--unit", "h1")


def test_a_clean_history_verifies_and_extends_an_earlier_head(fvm: Fvm) -> None:
    _some_history(fvm)
    first = _verify(fvm)
    assert first["ok"] and first["entries"] >= 4 and first["first_bad"] is None
    fvm("checklist", "set", "golive", "--unit", "h1", "org.steering", "ja")
    later = _verify(fvm, "--head", first["head"])
    assert later["ok"] and later["head"] != first["head"]
    assert _verify(fvm, "--head", "ab" * 32, code=1)["ok"] is False  # never a head here
    info = json.loads(fvm("info", "--json").stdout)
    assert info["history_head"] == later["head"]


def test_erasing_a_person_keeps_the_chain_whole(fvm: Fvm) -> None:
    _some_history(fvm)
    fvm("person", "forget", "p1", "--yes")
    assert _verify(fvm)["ok"]
    stored = fvm.scalar(
        "SELECT new FROM history WHERE kind = 'person' AND subject = 'p1' ORDER BY id LIMIT 1"
    )
    assert "Anna" not in str(stored)
    assert fvm.scalar("SELECT count(*) FROM history WHERE subject = 'p1' AND salt IS NOT NULL") == 1
    # only the entry that says "forgotten" (no personal data) keeps its salt


def test_a_changed_row_is_named(fvm: Fvm) -> None:
    _some_history(fvm)
    target = fvm.scalar("SELECT id FROM history WHERE subject = 'org.steering'")
    _raw(fvm, f"UPDATE history SET new = 'yes' WHERE id = {target}")
    found = _verify(fvm, code=1)
    assert found["first_bad"] == {"id": target, "why": "altered"}
    fvm("history", "verify", code=1)


def test_a_deleted_row_is_found_at_the_next(fvm: Fvm) -> None:
    _some_history(fvm)
    ids = [int(str(i)) for i in _ids(fvm)]
    _raw(fvm, f"DELETE FROM history WHERE id = {ids[1]}")
    found = _verify(fvm, code=1)
    assert found["first_bad"]["id"] == ids[2] and "removed" in found["first_bad"]["why"]


def test_a_deleted_last_row_is_found_by_the_head(fvm: Fvm) -> None:
    _some_history(fvm)
    head = _verify(fvm)["head"]
    last = max(int(str(i)) for i in _ids(fvm))
    _raw(fvm, f"DELETE FROM history WHERE id = {last}")
    found = _verify(fvm, "--head", head, code=1)
    assert found["first_bad"] is None and found["ok"] is False


def test_reordered_rows_are_found(fvm: Fvm) -> None:
    _some_history(fvm)
    a, b = [int(str(i)) for i in _ids(fvm)][1:3]
    _raw(fvm, f"UPDATE history SET id = -1 WHERE id = {a}")
    _raw(fvm, f"UPDATE history SET id = {a} WHERE id = {b}")
    _raw(fvm, f"UPDATE history SET id = {b} WHERE id = -1")
    assert _verify(fvm, code=1)["first_bad"]["id"] == a


def _ids(fvm: Fvm) -> list[object]:
    database = Database(fvm.url)
    with database.read() as conn:
        found = [r[0] for r in conn.rows("SELECT id FROM history ORDER BY id")]
    database.dispose()
    return found


def test_an_upgrade_links_the_history_already_there(tmp_path: Path) -> None:
    from tests.test_store import _alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    database = Database(url)
    config = _alembic_config()
    with database.schema_connection() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
        for n in range(3):
            conn.execute(
                sa.text(
                    "INSERT INTO history (at, by, kind, subject, new) "
                    f"VALUES ('2026-01-0{n + 1}', 'anna', 'phase', '1', 'x{n}')"
                )
            )
        command.upgrade(config, "head")
    with database.schema_connection() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id, prev, hash, payload, salt, at, by, kind, unit_id, scope, subject, "
                "version, login, key, old, new, comment FROM history ORDER BY id"
            )
        ).all()
    database.dispose()
    found = verify(rows)
    assert found.ok and found.entries == 3 and rows[0].prev == GENESIS


def test_the_chain_by_hand() -> None:
    fields = ("2026-11-26T10:00", "anna", "answer", "u1", "golive", "q", 1, "anna", None)
    rows, head = chained(GENESIS, [(*fields, None, "yes", None)])
    (*_, prev, digest, payload, salt) = rows[0]
    assert prev == GENESIS and head == digest
    walked = [(1, prev, digest, payload, salt, *fields, None, "yes", None)]
    assert verify(walked).ok
    assert verify([(1, prev, digest, payload, salt, *fields, None, "no", None)]).first_bad == (
        1,
        "altered",
    )
    # Erased: payload changed and salt gone, the digest kept: still whole.
    assert verify([(1, prev, digest, payload, None, *fields, None, None, None)]).ok


def test_a_database_of_the_oldest_releases_opens_with_everything_intact(tmp_path: Path) -> None:
    """Made by the second migration (units, answers, history, people, sessions, enrolments),
    opened by this release: every record is there, and its history is one whole chain."""
    from tests.test_store import _alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    database = Database(url)
    config = _alembic_config()
    statements = [
        "INSERT INTO units (id, name, area, type, staff) VALUES ('u1', 'Äldre enhet', 'sodra', "
        "'hospital', 12)",
        "INSERT INTO answers VALUES ('u1', 'golive', 'org.project-lead', 'yes', 'Från 2026', "
        "'anna', '2026-11-26T10:00:00+01:00', 1)",
        "INSERT INTO history (at, by, kind, unit_id, scope, subject, old, new, comment, version) "
        "VALUES ('2026-11-26T10:00:00+01:00', 'anna', 'answer', 'u1', 'golive', "
        "'org.project-lead', NULL, 'yes', 'Från 2026', 1)",
        "INSERT INTO people VALUES ('p1', 'Åsa Öberg', 'nurse', 'u1', 'asa@exempel.se', NULL)",
        "INSERT INTO sessions VALUES ('s1', 'millennium-intro', '2027-01-11T09:00', "
        "'2027-01-11T12:00', 12, 'Borås', NULL)",
        "INSERT INTO enrolments (session_id, person_id, status, enrolled_at) VALUES ('s1', 'p1', "
        "'enrolled', '2026-11-26T10:00:00+01:00')",
    ]
    with database.schema_connection() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        for statement in statements:
            conn.execute(sa.text(statement))
    database.dispose()
    fvm = Fvm(url)
    assert fvm.json("unit", "list")[0]["name"] == "Äldre enhet"
    history = fvm.json("checklist", "history", "golive", "--unit", "u1")
    assert [(h["value"], h["comment"]) for h in history] == [("yes", "Från 2026")]
    assert fvm.json("person", "list")[0]["name"] == "Åsa Öberg"
    assert fvm.json("session", "show", "s1")["enrolled"] == ["p1"]
    # The old entry, and each fact of the old tables entering the chain once, at the upgrade
    # (a unit, an answer, a person, a session, an enrolment), named as such; and its first open
    # published the content it was opened with as version 1 (#42): the version, its files
    # and its rules baseline.
    assert fvm.json("content", "show")["version"] == 1
    assert fvm.scalar("SELECT count(*) FROM history WHERE kind = 'baseline'") == 5
    files = fvm.scalar("SELECT count(*) FROM content_files")
    assert _verify(fvm)["ok"] and _verify(fvm)["entries"] == 6 + 2 + files


def test_the_canonical_text_is_the_standard_encoders() -> None:
    """The encoder made once gives the bytes ``json.dumps`` gives with the canonical options
    (the chain's hashes are taken over them), for every kind of value a row holds."""
    from hypothesis import given
    from hypothesis import strategies as st

    from fvmcli.core.history_chain import canonical

    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )

    @given(values)
    def same(value: object) -> None:
        expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert canonical(value) == expected.encode("utf-8")

    same()
    assert canonical({"b": [1.5, None], "a": "å"}) == '{"a":"å","b":[1.5,null]}'.encode()
