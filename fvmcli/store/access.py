"""Rights in the database: grants, trusted device keys, and on PostgreSQL the group roles,
privileges and row-level security policies that enforce them for every client, psql included.
"""

from __future__ import annotations

from collections.abc import Iterable

from fvmcli.core.access import ACTIONS, KIND_ACTION, ROLES, Grant
from fvmcli.store import record
from fvmcli.store.driver import Connection
from fvmcli.store.history import Change


def groups() -> dict[str, str]:
    """Return role → the PostgreSQL group role that carries it: ``fvm_reader`` and so on, or
    with FVM_ROLE_PREFIX another prefix (a server that hosts several fvm databases, tests)."""
    import os
    import re

    prefix = os.environ.get("FVM_ROLE_PREFIX", "fvm_")
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", prefix):
        prefix = "fvm_"
    return {role: f"{prefix}{role}" for role in ROLES}


# Table → (action, the column naming the unit, or None).
TABLE_ACTION = {
    "answers": ("answer", "unit_id"),
    "equipment_counts": ("count", "unit_id"),
    "equipment_requirements": ("require", "unit_id"),
    "waivers": ("waive", "unit_id"),
    "units": ("territory", "id"),
    "phases": ("territory", None),
    "snapshots": ("territory", None),
    "snapshot_units": ("territory", None),
    "people": ("train", None),
    "sessions": ("train", None),
    "enrolments": ("train", None),
    "access_grants": ("grant", None),
    "trusted_keys": ("trust", "unit_id"),
    "reminders": ("remind", "unit_id"),
    "gate_proposals": ("decide", None),
    "gate_votes": ("vote", None),
    "gate_decisions": ("decide", None),
    "hypercare_values": ("report", "unit_id"),
    "runs": ("run", None),
    "run_marks": ("mark", "unit_id"),  # '' for a phase task: only a grant everywhere
    # Publishing the rules in force is an admin's (``fvm content publish``).
    "content_versions": ("grant", None),
    "content_files": ("grant", None),
}


def session_login(conn: Connection) -> str:
    """Return the login the database authenticated this connection as."""
    return str(conn.scalar("SELECT session_user"))


def rights_configured(conn: Connection) -> bool:
    """Return True when the database enforces rights (PostgreSQL after ``fvm access init``)."""
    if conn.backend != "postgresql":
        return False
    return bool(
        conn.scalar(
            "SELECT c.relrowsecurity FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'answers' AND n.nspname = current_schema()"
        )
    )


def login_exists(conn: Connection, login: str) -> bool:
    """Return True when the server has a login role of this name."""
    sql = f"SELECT 1 FROM pg_roles WHERE rolname = {conn.mark} AND rolcanlogin"
    return conn.first(sql, (login,)) is not None


_GRANT = ("login", "role", "unit_id", "area", "gate_role")


def grants_of(conn: Connection, login: str | None = None) -> list[Grant]:
    """Return the grants of one login (or of all), ordered by login, role and scope."""
    where, params = ("", []) if login is None else (f" WHERE login = {conn.mark}", [login])
    sql = (
        f"SELECT {', '.join(_GRANT)} FROM access_grants{where} ORDER BY login, role, unit_id, area"
    )
    return [Grant(*row) for row in conn.rows(sql, params)]


def has_admin(conn: Connection) -> bool:
    """Return True when some login holds the admin role."""
    return conn.first("SELECT login FROM access_grants WHERE role = 'admin' LIMIT 1") is not None


def add_grants(conn: Connection, grants: Iterable[Grant], *, by: str, at: str) -> int:
    """Store the grants not stored yet; return how many were added."""
    wanted = list(grants)
    have = {g for login in {g.login for g in wanted} for g in grants_of(conn, login)}
    added = [g for g in dict.fromkeys(wanted) if g not in have]
    for g in added:
        row = dict(zip(_GRANT, (g.login, g.role, g.unit, g.area, g.gate_role), strict=True))
        scope = g.unit or g.area
        change = Change(at, by, "grant", g.unit, g.login, g.role, None, scope, g.gate_role)
        record.insert_one(
            conn, "access_grants", {**row, "granted_by": by, "granted_at": at}, change
        )
    return len(added)


def remove_grants(
    conn: Connection,
    login: str,
    *,
    role: str | None = None,
    units: list[str] | None = None,
    areas: list[str] | None = None,
    gate_role: str | None = None,
    by: str,
    at: str,
) -> int:
    """Delete a login's grants (of one role, on these units or areas, or a voter's for one
    role of the gate); return how many. Each removal is an entry of the history."""
    sql = f"SELECT id, role, unit_id, area FROM access_grants WHERE login = {conn.mark}"
    params: list[str] = [login]
    for column, value in (("role", role), ("gate_role", gate_role)):
        if value is not None:
            sql += f" AND {column} = {conn.mark}"
            params.append(value)
    if units or areas:
        scopes = [
            f"{column} IN ({conn.marks(len(values))})"
            for column, values in (("unit_id", units or []), ("area", areas or []))
            if values
        ]
        sql += f" AND ({' OR '.join(scopes)})"
        params += [*(units or []), *(areas or [])]
    removed = 0
    for grant_id, grant_role, unit, area in list(conn.rows(sql, params)):
        change = Change(at, by, "grant", unit, login, grant_role, unit or area)
        removed += record.delete(conn, "access_grants", {"id": grant_id}, change)
    return removed


def set_group(conn: Connection, login: str, role: str, member: bool) -> None:
    """Make ``login`` a member of the role's group role, or no longer one, through the
    database's own function (it checks the admin right and holds the power to grant)."""
    conn.run(
        f"SELECT fvm_set_group({conn.mark}, {conn.mark}, {conn.mark})",
        (login, groups()[role], member),
    )


def _name(conn: Connection, name: str) -> str:
    """Return a PostgreSQL name (a role, a schema) quoted by the driver, for DDL."""
    from psycopg import sql

    return sql.Identifier(name).as_string(conn.dbapi)


def make_member(conn: Connection, login: str, role: str) -> None:
    """Make ``login`` a member of the role's group role directly: for the owner of the tables
    in ``fvm access init``, who made the group roles and so may grant them."""
    conn.run(f"GRANT {_name(conn, groups()[role])} TO {_name(conn, login)}")


def trust_key(
    conn: Connection,
    fingerprint: str,
    public_key: str,
    scopes: list[tuple[str | None, str | None]],
    *,
    by: str,
    at: str,
) -> int:
    """Trust a device key for (unit, area) scopes it is not trusted for yet; return how many."""
    have = set(trusted_scopes(conn, fingerprint))
    added = [(unit, area) for unit, area in dict.fromkeys(scopes) if (unit, area) not in have]
    for unit, area in added:
        row = {"fingerprint": fingerprint, "public_key": public_key, "unit_id": unit}
        row |= {"area": area, "trusted_by": by, "trusted_at": at}
        change = Change(at, by, "trust", unit, None, fingerprint, None, unit or area)
        record.insert_one(conn, "trusted_keys", row, change)
    return len(added)


def trusted_scopes(conn: Connection, fingerprint: str) -> list[tuple[str | None, str | None]]:
    """Return the (unit, area) scopes a key is trusted for."""
    sql = f"SELECT unit_id, area FROM trusted_keys WHERE fingerprint = {conn.mark}"
    return [(u, a) for u, a in conn.rows(sql, (fingerprint,))]


def _roles_case() -> str:
    lines = [
        f"WHEN '{action}' THEN ARRAY[{', '.join(repr(r) for r in roles)}]"
        for action, roles in ACTIONS.items()
    ]
    return "CASE action " + " ".join(lines) + " ELSE ARRAY[]::text[] END"


def _may(schema: str, action: str, unit: str) -> str:
    """Return the SQL test that the authenticated login holds a role allowing ``action`` (an
    SQL expression) on ``unit`` (one, or NULL for rights everywhere): the body of ``fvm_may``,
    and the row-level security policies themselves. In a policy the test is stored parsed, so
    no caller's search_path can change what it means, and it runs without a function call per
    row (a SECURITY DEFINER function with its own search_path costs a switch of user and
    settings for every row of a large import)."""
    roles = _roles_case().replace("CASE action ", f"CASE {action} ", 1)
    return (
        f"EXISTS (SELECT 1 FROM {schema}.access_grants g WHERE g.login = session_user "
        f"AND g.role = ANY ({roles}) "
        f"AND ((g.unit_id IS NULL AND g.area IS NULL) OR g.unit_id = {unit} "
        f"OR g.area = (SELECT u.area FROM {schema}.units u WHERE u.id = {unit})))"
    )


def _kind_case() -> str:
    lines = [f"WHEN '{kind}' THEN '{action}'" for kind, action in KIND_ACTION.items()]
    return "CASE kind " + " ".join(lines) + " ELSE 'admin-only' END"


def setup_rights(conn: Connection) -> None:
    """Create the group roles, privileges, functions and row-level security policies that
    enforce rights on PostgreSQL. Safe to run again (after an upgrade adds tables, too)."""
    from fvmcli.store.training import erasure_statements

    s = _name(conn, str(conn.scalar("SELECT current_schema()")))
    run = conn.run  # plain statements: no parameters, so '%' stays itself
    group_of = groups()
    for group in group_of.values():
        run(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"'{group}') THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"
        )
    writers = [group_of[r] for r in ROLES if r != "reader"]
    for group in writers:
        run(f"GRANT {group_of['reader']} TO {group}")
    everyone = ", ".join(group_of.values())
    run(f"GRANT USAGE ON SCHEMA {s} TO {everyone}")
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM PUBLIC")
    run(f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {group_of['reader']}")
    # Anyone who can connect may see the schema version and who holds which right, so that
    # 'fvm access whoami' can tell a login without grants what it lacks.
    run(f"GRANT USAGE ON SCHEMA {s} TO PUBLIC")
    run(f"GRANT SELECT ON {s}.alembic_version, {s}.access_grants TO PUBLIC")
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {', '.join(writers)}")
    for table, (action, _) in TABLE_ACTION.items():
        allowed = ", ".join(group_of[r] for r in ACTIONS[action])
        run(f"GRANT INSERT, UPDATE, DELETE ON {s}.{table} TO {allowed}")
    run(f"GRANT INSERT ON {s}.history TO {', '.join(writers)}")
    run(f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.history FROM PUBLIC, {everyone}")
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_may(action text, unit text) RETURNS boolean "
        f"LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        f"SELECT {_may(s, 'action', 'unit')} $$"
    )
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_kind_action(kind text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE AS $$ SELECT {_kind_case()} $$"
    )
    for table, (action, column) in TABLE_ACTION.items():
        # The row's column by its table's name: inside the test's subqueries a bare name would
        # be the grant's own column (access_grants has unit_id and id too).
        unit = f'{s}.{table}."{column}"' if column else "NULL"
        # The test reads units and access_grants: on those two tables a policy may not hold
        # it (it would read the table it guards), so it is the function, which reads them as
        # their owner.
        may = (
            f"{s}.fvm_may({action!r}, {unit})"
            if table in ("units", "access_grants")
            else _may(s, repr(action), unit)
        )
        if table == "gate_votes":  # a vote for one role: a voter grant naming that role
            may = (
                f"EXISTS (SELECT 1 FROM {s}.access_grants g WHERE g.login = session_user "
                f"AND g.role = {ACTIONS['vote'][0]!r} AND g.gate_role = {s}.gate_votes.role)"
            )
        run(f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY")
        run(f"DROP POLICY IF EXISTS fvm_read ON {s}.{table}")
        run(f"CREATE POLICY fvm_read ON {s}.{table} FOR SELECT USING (true)")
        run(f"DROP POLICY IF EXISTS fvm_write ON {s}.{table}")
        run(f"CREATE POLICY fvm_write ON {s}.{table} FOR ALL USING ({may}) WITH CHECK ({may})")
    run(f"ALTER TABLE {s}.history ENABLE ROW LEVEL SECURITY")
    run(f"DROP POLICY IF EXISTS fvm_read ON {s}.history")
    run(f"CREATE POLICY fvm_read ON {s}.history FOR SELECT USING (true)")
    run(f"DROP POLICY IF EXISTS fvm_append ON {s}.history")
    run(
        f"CREATE POLICY fvm_append ON {s}.history FOR INSERT "
        f"WITH CHECK ({_may(s, f'{s}.fvm_kind_action({s}.history.kind)', f'{s}.history.unit_id')})"
    )
    # The login of every change is the database's, whatever a client sends.
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_stamp_login() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN NEW.login := session_user; RETURN NEW; END $$"
    )
    run(f"DROP TRIGGER IF EXISTS fvm_stamp_login ON {s}.history")
    run(
        f"CREATE TRIGGER fvm_stamp_login BEFORE INSERT ON {s}.history "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.fvm_stamp_login()"
    )
    # Whom a change is recorded as made by: the login itself, unless the login may act on
    # behalf of others, or the entry came signed by a device key trusted for its unit (a
    # bundle) and the answer written with it names the same person. Checked at commit, when
    # an answer and its history entry are both written.
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_key_vouches(key text, unit text) RETURNS boolean "
        f"LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        "SELECT key IS NOT NULL AND EXISTS (SELECT 1 FROM trusted_keys t WHERE "
        "t.fingerprint = key AND (t.unit_id = unit "
        "OR t.area = (SELECT u.area FROM units u WHERE u.id = unit))) $$"
    )
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_check_by() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        "DECLARE row jsonb := to_jsonb(NEW); named text := row ->> TG_ARGV[0]; "
        "BEGIN "
        "IF named IS NOT DISTINCT FROM session_user::text OR fvm_may('behalf', NULL) "
        "THEN RETURN NULL; END IF; "
        "IF TG_TABLE_NAME = 'history' AND fvm_key_vouches(row ->> 'key', row ->> 'unit_id') "
        "THEN RETURN NULL; END IF; "
        "IF TG_TABLE_NAME = 'answers' AND EXISTS (SELECT 1 FROM history h WHERE "
        "h.kind = 'answer' AND h.unit_id = row ->> 'unit_id' AND h.scope = row ->> 'checklist' "
        "AND h.subject = row ->> 'question' AND h.by = named "
        "AND fvm_key_vouches(h.key, h.unit_id)) THEN RETURN NULL; END IF; "
        "RAISE EXCEPTION 'permission denied: % may not record a change as made by %', "
        "session_user, named USING ERRCODE = 'insufficient_privilege'; "
        "END $$"
    )
    for table, column in (
        ("history", "by"),
        ("answers", "answered_by"),
        ("equipment_counts", "counted_by"),
        ("hypercare_values", "by"),
    ):
        run(f"DROP TRIGGER IF EXISTS fvm_check_by ON {s}.{table}")
        # A change recorded as made by the login itself needs no check: the condition is
        # tested as the row is written, so such rows never join the queue checked at commit.
        run(
            f"CREATE CONSTRAINT TRIGGER fvm_check_by AFTER INSERT OR UPDATE ON {s}.{table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f'WHEN (NEW."{column}" IS DISTINCT FROM session_user::text) '
            f"EXECUTE FUNCTION {s}.fvm_check_by('{column}')"
        )
    # Erasure is the one rewrite of history, and only this function does it, for admins.
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_forget(person text, at text, actor text) "
        f"RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        "BEGIN "
        "IF NOT fvm_may('erase', NULL) THEN "
        "RAISE EXCEPTION 'permission denied: only an admin may erase people' "
        "USING ERRCODE = 'insufficient_privilege'; END IF; "
        + "".join(f"{statement}; " for statement in erasure_statements("plpgsql"))
        + "END $$"
    )
    # Membership of the group roles is given and taken only here, for admins.
    names = ", ".join(f"'{g}'" for g in group_of.values())
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_set_group(login text, grp text, member boolean) "
        f"RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        "BEGIN "
        # Anyone may leave a group (giving up one's own right is always safe); only an
        # admin may put a login in one, or take another login out.
        "IF NOT fvm_may('grant', NULL) AND NOT (NOT member AND login = session_user::text) "
        "THEN RAISE EXCEPTION 'permission denied: only an admin may grant rights' "
        "USING ERRCODE = 'insufficient_privilege'; END IF; "
        f"IF grp NOT IN ({names}) THEN RAISE EXCEPTION 'not an fvm group: %', grp; END IF; "
        "IF member THEN EXECUTE format('GRANT %I TO %I', grp, login); "
        "ELSE EXECUTE format('REVOKE %I FROM %I', grp, login); END IF; "
        "END $$"
    )
    run(f"REVOKE ALL ON FUNCTION {s}.fvm_set_group(text, text, boolean) FROM PUBLIC")
    run(f"GRANT EXECUTE ON FUNCTION {s}.fvm_set_group(text, text, boolean) TO {everyone}")
    run(f"REVOKE ALL ON FUNCTION {s}.fvm_forget(text, text, text) FROM PUBLIC")
    run(f"GRANT EXECUTE ON FUNCTION {s}.fvm_forget(text, text, text) TO {group_of['admin']}")
    _record_triggers(conn, s)
    _four_eyes_triggers(conn, s)


def forget_in_database(conn: Connection, person: str, *, at: str, by: str) -> None:
    """Erase a person through the database's own erasure function (rights configured), and
    record it as a link of the history's chain."""
    from fvmcli.store.training import record_erasure

    conn.run(f"SELECT fvm_forget({conn.mark}, {conn.mark}, {conn.mark})", (person, at, by))
    record_erasure(conn, person, by=by, at=at)


def _record_triggers(conn: Connection, s: str) -> None:
    """Make the database refuse, at commit, a change of a recorded table that does not come
    with its entry in the history (written in the same transaction, carrying the row as it
    is): plain SQL cannot go around the record, whoever the login. Only the tables' owner can
    switch this off, and ``history verify`` finds what it then changes."""
    from fvmcli.store.record import SHAPES, exists

    run = conn.run
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_require_entry() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        "DECLARE row jsonb; keys text[] := TG_ARGV[0]::text[]; "
        "public text[] := TG_ARGV[1]::text[]; digested text[] := TG_ARGV[2]::text[]; "
        "c text; parts text[] := '{}'; k text; st jsonb := '{}'::jsonb; v jsonb; "
        "BEGIN "
        "IF TG_OP = 'DELETE' THEN row := to_jsonb(OLD); ELSE row := to_jsonb(NEW); END IF; "
        "FOREACH c IN ARRAY keys LOOP parts := parts || (row -> c)::text; END LOOP; "
        "k := '[' || array_to_string(parts, ',') || ']'; "
        "IF TG_OP <> 'DELETE' THEN "
        "FOREACH c IN ARRAY public LOOP v := row -> c; "
        "IF c = ANY (digested) AND jsonb_typeof(v) = 'string' THEN "
        "v := to_jsonb('sha256:' || encode(sha256(CASE WHEN left(v #>> '{}', 2) = '\\x' "
        "THEN decode(substr(v #>> '{}', 3), 'hex') ELSE convert_to(v #>> '{}', 'UTF8') END), "
        "'hex')); END IF; "
        "st := st || jsonb_build_object(c, v); END LOOP; END IF; "
        "IF EXISTS (SELECT 1 FROM history h WHERE h.tbl = TG_TABLE_NAME AND h.rowkey = k "
        "AND h.xmin = pg_current_xact_id()::xid AND ((TG_OP = 'DELETE' AND h.state IS NULL) "
        "OR (TG_OP <> 'DELETE' AND h.state::jsonb = st))) THEN RETURN NULL; END IF; "
        "RAISE EXCEPTION 'permission denied: % may not change % % outside the record: a change "
        "is made with fvm, which writes its history entry with it', session_user, TG_TABLE_NAME, "
        "k USING ERRCODE = 'insufficient_privilege'; "
        "END $$"
    )
    for shape in SHAPES.values():
        if not exists(conn, shape.table):
            continue
        arguments = ", ".join(
            "'{" + ",".join(columns) + "}'" for columns in (shape.key, shape.public, shape.digested)
        )
        run(f"DROP TRIGGER IF EXISTS fvm_record ON {s}.{shape.table}")
        run(
            f"CREATE CONSTRAINT TRIGGER fvm_record AFTER INSERT OR UPDATE OR DELETE "
            f"ON {s}.{shape.table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION {s}.fvm_require_entry({arguments})"
        )


# What a second person's word is made of, per table: the column of the word, the column naming
# who gave it, the history kind whose entry gave the row's own value, the columns a word may not
# change with, and the right it needs. (The word's own history kind is the table's
# ``store.answers.SECOND_PERSON`` kind.)
_SECOND_WORD = {
    "answers": (
        "attestation",
        "attested_by",
        "answer",
        ("value", "comment", "answered_by"),
        "attest",
    ),
    "waivers": ("approval", "approved_by", "waiver", ("reason", "until", "decided_by"), "waive"),
}


def _four_eyes_triggers(conn: Connection, s: str) -> None:
    """Make the database refuse, as it is written, an attestation or approval given by the
    login that gave the answer or asked for the waiver, given with the answer itself, given in
    another login's name without the right to act on behalf of others, or given without the
    right to attest: four eyes hold against plain SQL too."""
    from fvmcli.store.answers import SECOND_PERSON

    run = conn.run
    run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_four_eyes() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        "DECLARE word text := TG_ARGV[0]; named text := TG_ARGV[1]; given_kind text := TG_ARGV[2]; "
        "own text[] := TG_ARGV[3]::text[]; allowed text := TG_ARGV[4]; said text := TG_ARGV[5]; "
        "new_row jsonb := to_jsonb(NEW); old_row jsonb; giver text; c text; "
        "BEGIN "
        "IF new_row ->> word IS NULL THEN RETURN NEW; END IF; "
        "IF TG_OP = 'UPDATE' THEN old_row := to_jsonb(OLD); "
        "IF (new_row -> word) IS NOT DISTINCT FROM (old_row -> word) "
        "AND (new_row -> named) IS NOT DISTINCT FROM (old_row -> named) THEN RETURN NEW; END IF; "
        "END IF; "
        "SELECT CASE WHEN h.key IS NULL THEN h.login ELSE h.by END INTO giver FROM history h "
        "WHERE h.unit_id = NEW.unit_id AND h.scope = NEW.checklist AND h.subject = NEW.question "
        "AND h.kind = given_kind ORDER BY h.id DESC LIMIT 1; "
        # A word that came in a trusted device's bundle, merged in this transaction: the device
        # vouches for who gave it; it still may not be the answer's own giver.
        "IF EXISTS (SELECT 1 FROM history w WHERE w.unit_id = NEW.unit_id "
        "AND w.scope = NEW.checklist AND w.subject = NEW.question AND w.kind = said "
        "AND w.xmin = pg_current_xact_id()::xid AND w.by = new_row ->> named "
        "AND fvm_key_vouches(w.key, w.unit_id)) THEN "
        "IF giver IS NOT DISTINCT FROM new_row ->> named THEN RAISE EXCEPTION "
        "'permission denied: % may not give % on what % gave', new_row ->> named, word, giver "
        "USING ERRCODE = 'insufficient_privilege'; END IF; RETURN NEW; END IF; "
        "IF TG_OP = 'INSERT' THEN RAISE EXCEPTION 'permission denied: % may not give % "
        "together with what it is given on', session_user, word "
        "USING ERRCODE = 'insufficient_privilege'; END IF; "
        "FOREACH c IN ARRAY own LOOP "
        "IF (new_row -> c) IS DISTINCT FROM (old_row -> c) THEN RAISE EXCEPTION "
        "'permission denied: % may not give % together with what it is given on', "
        "session_user, word USING ERRCODE = 'insufficient_privilege'; END IF; END LOOP; "
        "IF NOT fvm_may(allowed, NEW.unit_id) THEN RAISE EXCEPTION "
        "'permission denied: % may not give % on %', session_user, word, NEW.unit_id "
        "USING ERRCODE = 'insufficient_privilege'; END IF; "
        "IF new_row ->> named IS DISTINCT FROM session_user::text "
        "AND NOT fvm_may('behalf', NULL) THEN RAISE EXCEPTION "
        "'permission denied: % may not record a change as made by %', session_user, "
        "new_row ->> named USING ERRCODE = 'insufficient_privilege'; END IF; "
        "IF giver IS NOT DISTINCT FROM session_user::text THEN RAISE EXCEPTION "
        "'permission denied: % may not give % on what % gave', session_user, word, giver "
        "USING ERRCODE = 'insufficient_privilege'; END IF; "
        "RETURN NEW; END $$"
    )
    said = {table: kind for kind, (table, *_rest) in SECOND_PERSON.items()}
    for table, (word, named, kind, own, allowed) in _SECOND_WORD.items():
        arguments = f"'{word}', '{named}', '{kind}', '{{{','.join(own)}}}', '{allowed}'"
        arguments += f", '{said[table]}'"
        run(f"DROP TRIGGER IF EXISTS fvm_four_eyes ON {s}.{table}")
        run(
            f"CREATE TRIGGER fvm_four_eyes BEFORE INSERT OR UPDATE ON {s}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.fvm_four_eyes({arguments})"
        )


def record_gaps(conn: Connection) -> list[tuple[str, str]]:
    """Return (table, what is missing) for each recorded table that a login could change
    beside the record: without row-level security, without the check that a change comes
    with its history entry, or (answers, waivers) without the four-eyes check; and any
    write privilege left to every login (PUBLIC). Empty: plain SQL cannot go around it."""
    from fvmcli.store.record import SHAPES, exists

    gaps: list[tuple[str, str]] = []
    for table in SHAPES:
        if not exists(conn, table):
            continue
        found = conn.first(
            "SELECT c.relrowsecurity, "
            "EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid "
            "AND t.tgname = 'fvm_record' AND t.tgenabled <> 'D'), "
            "EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid "
            "AND t.tgname = 'fvm_four_eyes' AND t.tgenabled <> 'D'), "
            "has_table_privilege('public', c.oid, 'INSERT, UPDATE, DELETE') "
            "FROM pg_class c WHERE c.oid = to_regclass(" + conn.mark + ")",
            (table,),
        )
        if found is None:
            continue
        secured, recorded, four_eyes, public = found
        if not secured:
            gaps.append((table, "row-level security"))
        if not recorded:
            gaps.append((table, "record"))
        if table in _SECOND_WORD and not four_eyes:
            gaps.append((table, "four-eyes"))
        if public:
            gaps.append((table, "public"))
    return gaps
