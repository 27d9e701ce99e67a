"""Rights in the database: grants, trusted device keys, and on PostgreSQL the group roles,
privileges and row-level security policies that enforce them for every client, psql included.
"""

from __future__ import annotations

from collections.abc import Iterable

from fvmcli.core.access import ACTIONS, KIND_ACTION, ROLES, SCOPE_FIELDS, Grant
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
    # Publishing the rules in force: an admin's, or a login granted the role content.
    "content_versions": ("publish", None),
    "content_files": ("publish", None),
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


_GRANT = ("login", "role", "unit_id", "area", "gate_role", "owner")


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
        row = dict(
            zip(_GRANT, (g.login, g.role, g.unit, g.area, g.gate_role, g.owner), strict=True)
        )
        scope = g.unit or g.area or g.owner
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
    owners: list[str] | None = None,
    by: str,
    at: str,
) -> int:
    """Delete a login's grants (of one role, on these units or areas, a voter's for one role
    of the gate, or an owner's of these runbook owners); return how many. Each removal is an
    entry of the history."""
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
    if owners:
        sql += f" AND owner IN ({conn.marks(len(owners))})"
        params += owners
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
    area = f"(SELECT u.area FROM {schema}.units u WHERE u.id = {unit})"
    return (
        f"EXISTS (SELECT 1 FROM {schema}.access_grants g WHERE g.login = session_user "
        f"AND g.role = ANY ({roles}) AND {scope_sql('g', {'unit': unit, 'area': area})})"
    )


# The column of ``access_grants`` that holds each field of a grant's scope.
SCOPE_COLUMNS = {"unit": "unit_id", "area": "area"}


def scope_sql(grant: str, target: dict[str, str]) -> str:
    """Return the SQL test that the grant row ``grant`` (an alias of ``access_grants``) covers
    ``target`` (field → SQL expression): ``core.access.covers`` written from the same
    ``SCOPE_FIELDS``, so the policies and the Python check cannot say two things."""
    everywhere = " AND ".join(f"{grant}.{SCOPE_COLUMNS[f]} IS NULL" for f in SCOPE_FIELDS)
    matches = " OR ".join(f"{grant}.{SCOPE_COLUMNS[f]} = {target[f]}" for f in SCOPE_FIELDS)
    return f"(({everywhere}) OR {matches})"


def _owns(schema: str, run: str, task: str) -> str:
    """Return the SQL test that the authenticated login holds an owner grant naming the owner
    of ``task`` in ``run`` (SQL expressions), as the run keeps its tasks' owners (``runs.owners``,
    from the runbook it was started with): ``core.access.owns`` in the database."""
    return (
        f"EXISTS (SELECT 1 FROM {schema}.access_grants g JOIN {schema}.runs r ON r.name = {run} "
        f"WHERE g.login = session_user AND g.role = 'owner' "
        f"AND g.owner = (r.owners::jsonb ->> {task}))"
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
    # An owner marks the tasks it owns, whatever their unit: the policy below says which.
    run(f"GRANT INSERT, UPDATE ON {s}.run_marks TO {group_of['owner']}")
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
        if table == "run_marks":  # or a task the login owns (an owner grant naming its owner)
            may = f"({may} OR {_owns(s, f'{s}.run_marks.run', f'{s}.run_marks.task')})"
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
        f"WITH CHECK ({_may(s, f'{s}.fvm_kind_action({s}.history.kind)', f'{s}.history.unit_id')} "
        f"OR ({s}.history.kind = 'run-mark' "
        f"AND {_owns(s, f'{s}.history.scope', f'{s}.history.subject')}))"
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
    from fvmcli.store.record_rights import enforce_record

    enforce_record(conn, s)


def forget_in_database(conn: Connection, person: str, *, at: str, by: str) -> None:
    """Erase a person through the database's own erasure function (rights configured), and
    record it as a link of the history's chain."""
    from fvmcli.store.training import record_erasure

    conn.run(f"SELECT fvm_forget({conn.mark}, {conn.mark}, {conn.mark})", (person, at, by))
    record_erasure(conn, person, by=by, at=at)
