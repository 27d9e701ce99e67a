"""The record enforced by PostgreSQL itself (issue 51): a change of a recorded table is refused
at commit unless its history entry comes with it, and four eyes are refused when one person
gives both; ``record_gaps`` says what is left open. Set up by ``fvm access init``."""

from __future__ import annotations

from fvmcli.store.driver import Connection


def enforce_record(conn: Connection, s: str) -> None:
    """Create the triggers that keep the record in schema ``s`` (a quoted name)."""
    _record_triggers(conn, s)
    _four_eyes_triggers(conn, s)


def _record_triggers(conn: Connection, s: str) -> None:
    """Make the database refuse, at commit, a change of a recorded table that does not come
    with its entry in the history (written in the same transaction, carrying the row as it
    is): plain SQL cannot go around the record, whoever the login. Only the tables' owner can
    switch this off, and ``history verify`` finds what it then changes."""
    from fvmcli.store.record import SHAPES, exists

    conn.run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_require_entry() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        "DECLARE row jsonb; keys text[] := TG_ARGV[0]::text[]; "
        "recorded text[] := TG_ARGV[1]::text[]; digested text[] := TG_ARGV[2]::text[]; "
        "c text; parts text[] := '{}'; k text; st jsonb; v jsonb; "
        "BEGIN "
        "IF TG_OP = 'DELETE' THEN row := to_jsonb(OLD); ELSE row := to_jsonb(NEW); END IF; "
        "FOREACH c IN ARRAY keys LOOP parts := parts || (row -> c)::text; END LOOP; "
        "k := '[' || array_to_string(parts, ',') || ']'; "
        # The row as its entry carries it: only the columns its shape records (in one step,
        # not a column at a time), those recorded by digest hashed. A column a migration adds
        # beside the record is not among them, so it changes nothing here.
        "IF TG_OP <> 'DELETE' THEN st := coalesce((SELECT jsonb_object_agg(e.key, e.value) "
        "FROM jsonb_each(row) e WHERE e.key = ANY (recorded)), '{}'::jsonb); "
        "FOREACH c IN ARRAY digested LOOP v := row -> c; "
        "IF jsonb_typeof(v) = 'string' THEN "
        "st := jsonb_set(st, ARRAY[c], to_jsonb('sha256:' || encode(sha256(CASE WHEN "
        "left(v #>> '{}', 2) = '\\x' THEN decode(substr(v #>> '{}', 3), 'hex') "
        "ELSE convert_to(v #>> '{}', 'UTF8') END), 'hex'))); END IF; END LOOP; END IF; "
        # The table's name is of type name, whose collation is "C": as text of the default
        # collation, the probe uses the index (tbl, rowkey, id) instead of reading all of it.
        "IF EXISTS (SELECT 1 FROM history h "
        'WHERE h.tbl = (TG_TABLE_NAME::text COLLATE "default") AND h.rowkey = k '
        "AND h.xmin = pg_current_xact_id()::xid AND ((TG_OP = 'DELETE' AND h.state IS NULL) "
        "OR (TG_OP <> 'DELETE' AND h.state::jsonb = st))) THEN RETURN NULL; END IF; "
        "RAISE EXCEPTION 'permission denied: % may not change % % outside the record: a change "
        "is made with fvm, which writes its history entry with it', session_user, TG_TABLE_NAME, "
        "k USING ERRCODE = 'insufficient_privilege'; "
        "END $$"
    )
    for shape in SHAPES.values():
        if exists(conn, shape.table):
            _record_trigger(conn, s, shape.table)


def _record_trigger(conn: Connection, s: str, table: str) -> None:
    """(Re)create ``fvm_record`` on ``table``, naming the columns its shape records now."""
    from fvmcli.store.record import SHAPES

    shape = SHAPES[table]
    # The columns the shape records now: a migration that adds a recorded column calls
    # ``refresh_record``; one that adds any other column needs nothing.
    arguments = ", ".join(
        "'{" + ",".join(names) + "}'" for names in (shape.key, shape.public, shape.digested)
    )
    conn.run(f"DROP TRIGGER IF EXISTS fvm_record ON {s}.{table}")
    conn.run(
        f"CREATE CONSTRAINT TRIGGER fvm_record AFTER INSERT OR UPDATE OR DELETE "
        f"ON {s}.{table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        f"EXECUTE FUNCTION {s}.fvm_require_entry({arguments})"
    )


def refresh_record(conn: Connection) -> None:
    """Where ``fvm access init`` set the record's check up, make it anew as this program
    writes entries (its function and every table's trigger, naming the columns the shapes
    record now): a migration that adds a recorded column calls this, since an entry carries
    the new column and a check that left it out would refuse every change."""
    from psycopg import sql

    if conn.scalar("SELECT to_regprocedure('fvm_require_entry()')") is None:
        return
    s = sql.Identifier(str(conn.scalar("SELECT current_schema()"))).as_string(conn.dbapi)
    _record_triggers(conn, s)


# What a second person's word is made of, per table: the column of the word, the column naming
# who gave it, the history kind whose entry gave the row's own value, the columns a word may not
# change with, the right it needs, and the column naming who gave the row's own value. (The
# word's own history kind is the table's ``store.answers.SECOND_PERSON`` kind.)
_SECOND_WORD = {
    "answers": (
        "attestation",
        "attested_by",
        "answer",
        ("value", "comment", "answered_by"),
        "attest",
        "answered_by",
    ),
    "waivers": (
        "approval",
        "approved_by",
        "waiver",
        ("reason", "until", "decided_by"),
        "waive",
        "decided_by",
    ),
}


def _four_eyes_triggers(conn: Connection, s: str) -> None:
    """Make the database refuse, as it is written, an attestation or approval given by one
    who gave the answer or asked for the waiver (the login that wrote its entry, the person a
    device or "on behalf of" names), given with the answer itself or kept while the answer
    changes, given in another login's name without the right to act on behalf of others, or
    given without the right to attest: four eyes hold against plain SQL too."""
    from fvmcli.store.answers import SECOND_PERSON

    conn.run(
        f"CREATE OR REPLACE FUNCTION {s}.fvm_four_eyes() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ "
        "DECLARE word text := TG_ARGV[0]; named text := TG_ARGV[1]; given_kind text := TG_ARGV[2]; "
        "own text[] := TG_ARGV[3]::text[]; allowed text := TG_ARGV[4]; said text := TG_ARGV[5]; "
        "giver_column text := TG_ARGV[6]; "
        "new_row jsonb := to_jsonb(NEW); old_row jsonb := '{}'::jsonb; givers text[]; "
        "given_now boolean := false; kept boolean; c text; "
        "BEGIN "
        "IF new_row ->> word IS NULL THEN RETURN NEW; END IF; "
        "IF TG_OP = 'UPDATE' THEN old_row := to_jsonb(OLD); "
        "IF (new_row -> word) IS NOT DISTINCT FROM (old_row -> word) "
        "AND (new_row -> named) IS NOT DISTINCT FROM (old_row -> named) THEN "
        # A word kept stands only while what it was given on stays as it was: an answer
        # changed under its attestation is a word given now, and checked as one.
        "kept := true; FOREACH c IN ARRAY own LOOP "
        "IF (new_row -> c) IS DISTINCT FROM (old_row -> c) THEN kept := false; END IF; "
        "END LOOP; IF kept THEN RETURN NEW; END IF; END IF; END IF; "
        # Who gave what the word is given on: the login that wrote its latest entry, the
        # person a device's entry names (the database cannot check a device's signature, so
        # the login that brought it counts too), and the person the row names.
        "SELECT ARRAY[h.login, CASE WHEN h.key IS NOT NULL THEN h.by END], "
        "h.xmin = pg_current_xact_id()::xid INTO givers, given_now FROM history h "
        "WHERE h.unit_id = NEW.unit_id AND h.scope = NEW.checklist AND h.subject = NEW.question "
        "AND h.kind = given_kind ORDER BY h.id DESC LIMIT 1; "
        "givers := ARRAY(SELECT DISTINCT g FROM unnest(coalesce(givers, '{}') "
        "|| ARRAY[old_row ->> giver_column, new_row ->> giver_column]) g "
        "WHERE g IS NOT NULL ORDER BY g); "
        # A word that came in a trusted device's bundle, merged in this transaction: the device
        # vouches for who gave it; it still may not be one who gave the answer, nor brought in
        # by one who gave it before (a device's word on one's own answer).
        "IF EXISTS (SELECT 1 FROM history w WHERE w.unit_id = NEW.unit_id "
        "AND w.scope = NEW.checklist AND w.subject = NEW.question AND w.kind = said "
        "AND w.xmin = pg_current_xact_id()::xid AND w.by = new_row ->> named "
        "AND fvm_key_vouches(w.key, w.unit_id)) THEN "
        "IF new_row ->> named = ANY (givers) OR (NOT coalesce(given_now, false) "
        "AND session_user::text = ANY (givers)) THEN RAISE EXCEPTION "
        "'permission denied: % may not give % on what % gave', new_row ->> named, word, "
        "array_to_string(givers, ', ') USING ERRCODE = 'insufficient_privilege'; END IF; "
        "RETURN NEW; END IF; "
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
        "FOREACH c IN ARRAY ARRAY[session_user::text, new_row ->> named] LOOP "
        "IF c = ANY (givers) THEN RAISE EXCEPTION "
        "'permission denied: % may not give % on what % gave', c, word, "
        "array_to_string(givers, ', ') USING ERRCODE = 'insufficient_privilege'; END IF; "
        "END LOOP; "
        "RETURN NEW; END $$"
    )
    said = {table: kind for kind, (table, *_rest) in SECOND_PERSON.items()}
    for table, (word, named, kind, own, allowed, giver) in _SECOND_WORD.items():
        arguments = f"'{word}', '{named}', '{kind}', '{{{','.join(own)}}}', '{allowed}'"
        arguments += f", '{said[table]}', '{giver}'"
        conn.run(f"DROP TRIGGER IF EXISTS fvm_four_eyes ON {s}.{table}")
        # A row without the word (every plain answer of an import) is not even looked at.
        conn.run(
            f"CREATE TRIGGER fvm_four_eyes BEFORE INSERT OR UPDATE ON {s}.{table} "
            f'FOR EACH ROW WHEN (NEW."{word}" IS NOT NULL) '
            f"EXECUTE FUNCTION {s}.fvm_four_eyes({arguments})"
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
