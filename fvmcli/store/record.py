"""The recorded tables and the one way their rows are written (``scoring.md``, "The record").

Every write of a recorded fact goes through ``insert``, ``update`` or ``delete`` here: each
writes the rows and appends, in the same transaction, one history entry per row carrying the
row it left (its table, its key and its recorded columns; the personal ones apart, so that
erasure can remove them). ``history verify`` replays those entries and compares them with the
tables (``replayed`` and ``stored`` stream both sides in the same order). ``SHAPES`` is the
one registry: verification, erasure and the baseline of an upgraded database all read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from operator import attrgetter
from typing import Any

from fvmcli.core.history_chain import canonical, canonical_text
from fvmcli.core.record import Replayed, Shape, key_of, plain, state_of
from fvmcli.store.driver import Connection, quoted
from fvmcli.store.history import HEAD_COLUMNS, Change, append
from fvmcli.store.record_shapes import DATE_KEYS, NUMERIC_KEYS, SHAPES

_HEAD = attrgetter(*HEAD_COLUMNS)  # a change's fields up to its version, in one call


def _entry(
    conn: Connection, shape: Shape, row: Mapping[str, Any], change: Change
) -> tuple[Any, ...]:
    """Return the history entry (``ENTRY_COLUMNS``) of ``change`` that wrote ``row``."""
    return _written(shape, row, (*_HEAD(change), change.login or conn.login, change.key))


def _written(shape: Shape, row: Mapping[str, Any], head: tuple[Any, ...]) -> tuple[Any, ...]:
    """Return the history entry that wrote ``row``: ``head`` (``ENTRY_COLUMNS`` up to the
    device key) and the row it left."""
    public, personal = state_of(shape, row)
    return (
        *head,
        shape.table,
        canonical_text(key_of(shape, row)),
        canonical_text(public),
        canonical_text(personal) if shape.personal else None,
    )


# Where one row's entry belongs and what it says (unit_id, scope, subject, old, new,
# comment): a batch of thousands shares one Change and gives each row only these.
Place = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


def _entries(
    conn: Connection,
    shape: Shape,
    rows: Sequence[Mapping[str, Any]],
    change: Change | Sequence[Change],
    places: Sequence[Place] | None,
    who: Sequence[str] | None = None,
) -> list[tuple[Any, ...]]:
    """Return the entry of each row: ``change`` for all (at ``places``, one per row, when
    given, and made by ``who``, one per row, when given), or one change per row."""
    if places is None:
        if who is not None:
            raise ValueError("who made each row's change goes with its place")
        changes = _changes(change, len(rows))
        return [_entry(conn, shape, r, c) for r, c in zip(rows, changes, strict=True)]
    if not isinstance(change, Change) or len(places) != len(rows):
        raise ValueError("one change and one place per row")
    at, kind = change.at, change.kind
    tail = (change.version, change.login or conn.login, change.key)
    bys = who if who is not None else [change.by] * len(rows)
    return [
        _written(shape, r, (at, b, kind, *p, *tail))
        for r, p, b in zip(rows, places, bys, strict=True)
    ]


def _removal(conn: Connection, shape: Shape, key: Sequence[Any], change: Change) -> tuple[Any, ...]:
    """Return the history entry of ``change`` that removed the row with ``key``."""
    return (
        *_HEAD(change),
        change.login or conn.login,
        change.key,
        shape.table,
        canonical([plain(v) for v in key]).decode("utf-8"),
        None,
        None,
    )


def _changes(change: Change | Sequence[Change], count: int) -> Sequence[Change]:
    if isinstance(change, Change):
        return [change] * count
    if len(change) != count:
        raise ValueError("one change per row")
    return change


def insert(
    conn: Connection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    change: Change | Sequence[Change],
    places: Sequence[Place] | None = None,
) -> None:
    """Insert rows (mappings of column to value; a recorded column left out is None) and
    append the entry of each: ``change`` for all (at ``places``, one per row, when given),
    or one change per row."""
    if not rows:
        return
    entries = _entries(conn, SHAPES[table], rows, change, places)
    columns = list(rows[0])
    conn.insert(table, columns, [[r[c] for c in columns] for r in rows])
    append(conn, entries)


def upsert(
    conn: Connection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    change: Change | Sequence[Change],
    places: Sequence[Place] | None = None,
    who: Sequence[str] | None = None,
) -> None:
    """Insert rows, each replacing the row of the same key (every recorded column given), in
    one batch, and append the entry of each: ``change`` for all (at ``places``, one per row,
    when given, made by ``who``, one per row, when given: else by ``change.by``), or one
    change per row."""
    if not rows:
        return
    shape = SHAPES[table]
    entries = _entries(conn, shape, rows, change, places, who)
    columns = list(shape.columns)
    names = ", ".join(map(quoted, columns))
    keys = ", ".join(map(quoted, shape.key))
    sets = ", ".join(f"{quoted(c)} = excluded.{quoted(c)}" for c in columns if c not in shape.key)
    conn.run_many(
        f"INSERT INTO {table} ({names}) VALUES ({conn.marks(len(columns))}) "
        f"ON CONFLICT ({keys}) DO UPDATE SET {sets}",
        [[r.get(c) for c in columns] for r in rows],
    )
    append(conn, entries)


def insert_new(conn: Connection, table: str, row: Mapping[str, Any], change: Change) -> bool:
    """Insert one row unless a row of its key is there already (another writer's), and then
    append its entry; return False, writing nothing, when it was there."""
    shape = SHAPES[table]
    names = ", ".join(map(quoted, row))
    keys = ", ".join(map(quoted, shape.key))
    found = conn.first(
        f"INSERT INTO {table} ({names}) VALUES ({conn.marks(len(row))}) "
        f"ON CONFLICT ({keys}) DO NOTHING RETURNING {keys}",
        list(row.values()),
    )
    if found is None:
        return False
    append(conn, [_entry(conn, shape, row, change)])
    return True


def insert_one(conn: Connection, table: str, row: Mapping[str, Any], change: Change) -> int:
    """Insert one row into a table whose key is the id the database gives (grants, trusted
    keys) and append its entry; return that id."""
    shape = SHAPES[table]
    names = ", ".join(map(quoted, row))
    found = conn.first(
        f"INSERT INTO {table} ({names}) VALUES ({conn.marks(len(row))}) RETURNING id",
        list(row.values()),
    )
    assert found is not None
    append(conn, [_entry(conn, shape, {**row, "id": found[0]}, change)])
    return int(found[0])


def update(
    conn: Connection,
    table: str,
    where: Mapping[str, Any],
    values: Mapping[str, Any],
    change: Change,
) -> int:
    """Set ``values`` in the rows whose columns equal ``where`` and append an entry for each
    with the row it left (read back as the database stored it); return how many rows."""
    shape = SHAPES[table]
    sets = ", ".join(f"{quoted(name)} = {conn.mark}" for name in values)
    test = " AND ".join(f"{quoted(name)} = {conn.mark}" for name in where)
    columns = ", ".join(map(quoted, shape.columns))
    written = list(
        conn.rows(
            f"UPDATE {table} SET {sets} WHERE {test} RETURNING {columns}",
            [*values.values(), *where.values()],
        )
    )
    append(
        conn,
        [_entry(conn, shape, dict(zip(shape.columns, r, strict=True)), change) for r in written],
    )
    return len(written)


def delete(conn: Connection, table: str, where: Mapping[str, Any], change: Change) -> int:
    """Delete the rows whose columns equal ``where`` (never every row) and append an entry
    for each removal; return how many rows. The entries go first, while the rows (an admin's
    own grant, say) still give the right to write them."""
    if not where:
        raise ValueError(f"a delete from {table} names no rows")
    shape = SHAPES[table]
    test = " AND ".join(f"{quoted(name)} = {conn.mark}" for name in where)
    keys = ", ".join(map(quoted, shape.key))
    going = list(conn.rows(f"SELECT {keys} FROM {table} WHERE {test}", list(where.values())))
    append(conn, [_removal(conn, shape, key, change) for key in going])
    if going:
        conn.run(f"DELETE FROM {table} WHERE {test}", list(where.values()))
    return len(going)


def restate(conn: Connection, table: str, where: Mapping[str, Any], change: Change) -> int:
    """Append an entry with the row as it is now for each row whose columns equal ``where``
    (every row when empty): after the database's own erasure function changed them, and for
    the facts of an upgraded database that entered no chain before. Return how many."""
    shape = SHAPES[table]
    test = " AND ".join(f"{quoted(name)} = {conn.mark}" for name in where) or "1 = 1"
    # An upgrade's baseline runs at a revision that may not have every column yet: a column
    # a later revision adds is None (as that revision leaves it) in the row recorded here.
    present = [c for c in shape.columns if c in _columns(conn, table)]
    order = ", ".join(map(quoted, shape.key))
    rows = conn.rows(
        f"SELECT {', '.join(map(quoted, present))} FROM {table} WHERE {test} ORDER BY {order}",
        list(where.values()),
        stream=True,
    )
    count = 0
    batch: list[tuple[Any, ...]] = []
    for values in rows:
        row = dict(zip(present, values, strict=True))
        placed = change
        if change.kind == BASELINE:
            placed = replace(change, **_placement(table, row))
        batch.append(_entry(conn, shape, row, placed))
        count += 1
        if len(batch) >= 5000:
            append(conn, batch)
            batch = []
    append(conn, batch)
    return count


# The kind of the entries an upgrade appends for the facts recorded before the record.
BASELINE = "baseline"


def _placement(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """Return where a baseline entry of ``row`` belongs (unit, scope, subject), as the entries
    fvm writes for that table place it, so that erasure and `checklist history` find it."""
    if table in ("answers", "waivers"):
        return {"unit_id": row["unit_id"], "scope": row["checklist"], "subject": row["question"]}
    if table in ("equipment_counts", "equipment_requirements"):
        return {"unit_id": row["unit_id"], "subject": row["item"]}
    if table == "units":
        return {"unit_id": row["id"]}
    if table == "people":
        return {"subject": row["id"]}
    if table == "enrolments":
        return {"scope": row["session_id"], "subject": row["person_id"]}
    if table == "gate_votes":
        return {"scope": row["label"], "subject": row["role"]}
    if table in ("gate_proposals", "gate_decisions"):
        return {"scope": "gate", "subject": row["label"]}
    return {"scope": table}


def baseline(conn: Connection, *, at: str) -> int:
    """Append an entry for every row of every recorded table, named as recorded before the
    record (kind ``baseline``): what an upgraded database held enters the chain once, at its
    first open after the upgrade. Return how many entries."""
    change = Change(at, "fvm", BASELINE, comment="recorded before the history was the record")
    # A table a later revision creates is empty when it comes: only those there now count.
    return sum(restate(conn, table, {}, change) for table in SHAPES if exists(conn, table))


def _columns(conn: Connection, table: str) -> set[str]:
    """Return the names of the table's columns as the database has them now."""
    if conn.backend == "postgresql":
        rows = conn.rows(
            "SELECT column_name FROM information_schema.columns "
            f"WHERE table_schema = current_schema() AND table_name = {conn.mark}",
            (table,),
        )
        return {name for (name,) in rows}
    return {row[1] for row in conn.rows(f"PRAGMA table_info({quoted(table)})")}


def exists(conn: Connection, table: str) -> bool:
    """Return True when the database (the schema in use) has the table."""
    if conn.backend == "postgresql":
        return conn.scalar(f"SELECT to_regclass({conn.mark}) IS NOT NULL", (table,)) is True
    found = conn.scalar(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = {conn.mark}",
        (table,),
    )
    return bool(found)


def _key_order(conn: Connection, table: str, column: str, expression: str) -> str:
    """Return the SQL that orders by one key column as Python orders its values: numbers as
    numbers, text by code point (PostgreSQL's "C" collation; SQLite's own)."""
    if conn.backend != "postgresql":
        return expression
    if (table, column) in NUMERIC_KEYS and not expression.startswith("("):
        return f"({expression})::bigint"
    if (table, column) in NUMERIC_KEYS:  # an entry's key edited into no integer sorts last
        return f"CASE WHEN {expression} ~ '^-?[0-9]{{1,18}}$' THEN {expression}::bigint END"
    if (table, column) in DATE_KEYS and not expression.startswith("("):
        return expression
    return f'({expression}) COLLATE "C"'


def replayed(conn: Connection, table: str) -> Iterator[Replayed]:
    """Yield the last entry the chain holds for each row of ``table``, sorted by key."""
    shape = SHAPES[table]
    # A key edited by hand into no JSON array is read as no key (it sorts first on SQLite,
    # last on PostgreSQL) rather than stop the query; ``entry_key`` names it.
    if conn.backend == "postgresql":
        valid = f"h.rowkey ~ '{JSON_ARRAY}'"
        parts = [
            f"(CASE WHEN {valid} THEN h.rowkey::jsonb ->> {i} END)" for i in range(len(shape.key))
        ]
    else:
        parts = [
            f"(CASE WHEN json_valid(h.rowkey) THEN json_extract(h.rowkey, '$[{i}]') END)"
            for i in range(len(shape.key))
        ]
    order = ", ".join(_key_order(conn, table, c, p) for c, p in zip(shape.key, parts, strict=True))
    sql = (
        "SELECT h.rowkey, h.state, h.private, h.salt FROM history h JOIN "
        f"(SELECT max(id) AS id FROM history WHERE tbl = {conn.mark} GROUP BY rowkey) last "
        f"ON h.id = last.id ORDER BY {order}"
    )
    for rowkey, state, private, salt in conn.rows(sql, (table,), stream=True):
        yield Replayed(
            entry_key(rowkey, len(shape.key)),
            None if state is None else parsed(state, {}),
            None if private is None or salt is None else parsed(private, {}),
        )


def stored(conn: Connection, table: str) -> Iterator[tuple[Any, ...]]:
    """Yield the rows ``table`` holds (its recorded columns), sorted by key as ``replayed``."""
    shape = SHAPES[table]
    columns = ", ".join(map(quoted, shape.columns))
    order = ", ".join(_key_order(conn, table, c, quoted(c)) for c in shape.key)
    yield from conn.rows(f"SELECT {columns} FROM {table} ORDER BY {order}", stream=True)


def recorded(
    conn: Connection, table: str, *, scope: str | None = None, subject: str | None = None
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Return key → the row the chain leaves (public and personal columns, the personal ones
    None once erased) for the entries of ``table`` placed at ``scope`` and ``subject`` (any,
    when None): what a command shows of a decision, a vote or a proposal, whatever the
    table holds."""
    sql = f"SELECT rowkey, state, private FROM history WHERE tbl = {conn.mark}"
    params: list[Any] = [table]
    for column, value in (("scope", scope), ("subject", subject)):
        if value is not None:
            sql += f" AND {column} = {conn.mark}"
            params.append(value)
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rowkey, state, private in conn.rows(sql + " ORDER BY id", params):
        key = entry_key(rowkey, len(SHAPES[table].key))
        if state is None:
            found.pop(key, None)
        else:
            found[key] = {**parsed(state, {}), **(parsed(private, {}) if private else {})}
    return found


def table_rows(conn: Connection, table: str, where: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Return the rows of ``table`` whose columns equal ``where`` (its recorded columns),
    sorted by key as ``replayed`` sorts them."""
    shape = SHAPES[table]
    columns = ", ".join(map(quoted, shape.columns))
    test = " AND ".join(f"{quoted(name)} = {conn.mark}" for name in where) or "1 = 1"
    order = ", ".join(_key_order(conn, table, c, quoted(c)) for c in shape.key)
    return list(
        conn.rows(
            f"SELECT {columns} FROM {table} WHERE {test} ORDER BY {order}", list(where.values())
        )
    )


def as_replayed(rows: Mapping[tuple[Any, ...], Mapping[str, Any]], table: str) -> list[Replayed]:
    """Return rows the chain leaves (``recorded``) as ``core.record.differences`` reads
    them, sorted by key."""
    shape = SHAPES[table]
    return [
        Replayed(
            key,
            {c: row.get(c) for c in shape.public},
            {c: row.get(c) for c in shape.personal} if shape.personal else None,
        )
        for key, row in sorted(rows.items())
    ]


def parsed(text: str, damaged: Any) -> Any:
    """Return an entry's JSON (a key, a row), or ``damaged`` where it is no JSON of that kind:
    an entry edited by hand, which the walk of the chain names; the replay then names the
    rows it leaves as differences instead of stopping."""
    try:
        found = json.loads(text)
    except (TypeError, ValueError):
        return damaged
    return found if isinstance(found, type(damaged)) else damaged


# A JSON array of scalars, as fvm writes a key: PostgreSQL 15 has no test of JSON that does
# not raise, so a key is cast to jsonb only when it has this form.
_SCALAR = (
    r'("([^"\\\x00-\x1f]|\\(["\\/bfnrt]|u[0-9a-fA-F]{4}))*"'
    r"|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|null|true|false)"
)
JSON_ARRAY = rf"^\[\s*({_SCALAR}\s*(,\s*{_SCALAR}\s*)*)?\]$"


def entry_key(text: str, size: int) -> tuple[Any, ...]:
    """Return an entry's key: its JSON array of ``size`` scalars, or, for a key edited by hand
    into anything else, the text itself (padded with None to ``size``), so that the replay
    names it as a difference instead of stopping."""
    found = parsed(text, [])
    scalars = (str, int, float, bool, type(None))
    if len(found) == size and all(isinstance(v, scalars) for v in found):
        return tuple(found)
    return (text, *([None] * (size - 1)))
