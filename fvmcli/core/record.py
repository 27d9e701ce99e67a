"""The record (``scoring.md``, "The record"): the tables hold what the history's chain says.
Each entry that wrote a row carries the row it left; replaying the chain gives, per table and
key, the last row written, and this module compares that with what a table holds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

# What a column recorded by its digest holds in an entry's state: this prefix and the hex.
DIGEST_PREFIX = "sha256:"


@dataclass(frozen=True)
class Shape:
    """What the record keeps of one table: its key columns, every recorded column (the key
    first), the personal columns (kept apart from the state, so that erasure can remove
    them), and the columns recorded by their SHA-256 (large texts and files)."""

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    personal: tuple[str, ...] = ()
    digested: tuple[str, ...] = ()

    @cached_property
    def public(self) -> tuple[str, ...]:
        """Return the recorded columns that are not personal, in order."""
        return tuple(c for c in self.columns if c not in self.personal)


@dataclass(frozen=True)
class Difference:
    """One way a table differs from what the chain says: a column's value (``column``), or a
    whole row the chain has and the table lacks (``stored`` None) or the other way round
    (``chain`` None)."""

    table: str
    key: dict[str, Any]
    column: str | None
    chain: Any
    stored: Any

    def as_json(self) -> dict[str, Any]:
        """Return the difference as ``history verify --json`` lists it."""
        return {
            "table": self.table,
            "key": self.key,
            "column": self.column,
            "chain": self.chain,
            "stored": self.stored,
        }


_PLAIN = (str, int, float, bool)  # kept as they are, whatever else ``plain`` changes


def plain(value: Any) -> Any:
    """Return a stored value as the record keeps it: dates and times as ISO text (SQLite's
    form, whatever the driver returns), exact numbers as floats or ints, bytes as their
    digest."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return DIGEST_PREFIX + hashlib.sha256(bytes(value)).hexdigest()
    return value


def digested(value: Any) -> Any:
    """Return a column recorded by its digest as the record keeps it (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return plain(value)
    return DIGEST_PREFIX + hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def state_of(shape: Shape, row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the row as an entry records it: (its public columns, its personal columns);
    a column the row does not give is None (the table's default)."""
    get = row.get
    if shape.digested:
        public = {
            c: digested(get(c)) if c in shape.digested else plain(get(c)) for c in shape.public
        }
    else:
        # ``plain`` inlined for what it keeps: 100,000 rows would call it a million times.
        public = {
            c: v if v is None or type(v) in _PLAIN else plain(v)
            for c in shape.public
            for v in (get(c),)
        }
    personal = {c: plain(get(c)) for c in shape.personal}
    return public, personal


def key_of(shape: Shape, row: Mapping[str, Any]) -> tuple[Any, ...]:
    """Return a row's key as the record orders it."""
    return tuple([v if type(v) is str else plain(v) for c in shape.key for v in (row[c],)])


@dataclass(frozen=True)
class Replayed:
    """The last entry the chain holds for one row: the row it left (None once deleted), its
    personal columns (None once erased)."""

    key: tuple[Any, ...]
    state: dict[str, Any] | None
    personal: dict[str, Any] | None


def _same(a: Any, b: Any) -> bool:
    # 1 and 1.0 are the same figure (an integer written to a REAL column reads back a float).
    return bool(a == b) and (a is None) == (b is None)


def differences(
    shape: Shape,
    chain: Iterable[Replayed],
    stored: Iterable[Sequence[Any]],
) -> Iterator[Difference]:
    """Yield each difference between the rows the chain leaves (``chain``, sorted by key) and
    the rows a table holds (``stored``: tuples of ``shape.columns``, sorted by key), merging
    the two streams: memory stays flat whatever the size of the table."""
    places = {c: i for i, c in enumerate(shape.columns)}
    key_places = [places[c] for c in shape.key]

    def named(key: tuple[Any, ...]) -> dict[str, Any]:
        return dict(zip(shape.key, key, strict=True))

    chain_rows = iter(chain)
    stored_rows = iter(stored)
    left = next(chain_rows, None)
    right = next(stored_rows, None)
    while left is not None or right is not None:
        right_key = None if right is None else tuple(plain(right[i]) for i in key_places)
        if left is not None and left.state is None:  # deleted: the table must not hold it
            if right_key == left.key:
                assert right is not None
                yield Difference(shape.table, named(left.key), None, None, _row(shape, right))
                right = next(stored_rows, None)
            left = next(chain_rows, None)
            continue
        if right is None or (left is not None and _before(left.key, right_key)):
            assert left is not None
            yield Difference(shape.table, named(left.key), None, left.state, None)
            left = next(chain_rows, None)
            continue
        row = dict(zip(shape.columns, right, strict=True))
        if left is None or _before(right_key, left.key):
            assert right_key is not None
            yield Difference(shape.table, named(right_key), None, None, _row(shape, right))
            right = next(stored_rows, None)
            continue
        public, personal = state_of(shape, row)
        for column, value in public.items():
            recorded = left.state.get(column) if left.state is not None else None
            if not _same(recorded, value):
                yield Difference(shape.table, named(left.key), column, recorded, value)
        if left.personal is not None:  # erased personal data is not compared
            for column, value in personal.items():
                recorded = left.personal.get(column)
                if not _same(recorded, value):
                    yield Difference(shape.table, named(left.key), column, recorded, value)
        left = next(chain_rows, None)
        right = next(stored_rows, None)


def _before(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> bool:
    """Return True when key ``a`` sorts before ``b``; keys of mixed kinds (a value written by
    hand into a key column) compare by their text, so a damaged key is a difference, never a
    crash."""
    try:
        return bool(a < b)  # type: ignore[operator]
    except TypeError:
        return repr(a) < repr(b)


def _row(shape: Shape, values: Sequence[Any]) -> dict[str, Any]:
    public, _personal = state_of(shape, dict(zip(shape.columns, values, strict=True)))
    return public
