"""The history as a hash chain (``issue 32``, item 4): every entry carries the hash of the
entry before it and a hash over that and its own canonical content; personal data (old and
new values, free text) is committed through a salted digest, so that erasing it (payload and
salt go, the digest stays) leaves the chain intact."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fvmcli.i18n import N_

GENESIS = "0" * 64
# The fields an entry's hash covers besides the payload digest, in this order; then the
# personal payload, committed through its salted digest.
FIELDS = ("at", "by", "kind", "unit_id", "scope", "subject", "version", "login", "key")
PERSONAL = ("old", "new", "comment")
# The row an entry wrote (``store/record.py``): its table, key and recorded columns, which the
# hash covers when there is one, and its personal columns, committed with the payload.
RECORD = ("tbl", "rowkey", "state", "private")
CHAIN_COLUMNS = (*FIELDS, *PERSONAL, *RECORD)
# What each entry carries of the chain, after its own columns.
LINKS = ("prev", "hash", "payload", "salt")


# One encoder for every canonical text: ``json.dumps`` with these options would make a new
# one per call, which a large import's hundred thousand entries pay for. The values are
# fvm's own rows and lists, never circular: not checking for it changes no text. Only the
# encoder's public API is used (its C accelerator is the standard library's own business).
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False
)


def canonical_text(value: Any) -> str:
    """Return the canonical JSON of ``value`` as text (``canonical`` before its UTF-8
    encoding): what an entry stores of the row it wrote."""
    return _CANONICAL.encode(value)


def canonical(value: Any) -> bytes:
    """Return the canonical JSON of ``value`` (keys sorted, no spaces, UTF-8): what every
    digest of the record is taken over."""
    return canonical_text(value).encode("utf-8")


SALT_BYTES = 16


def new_salt() -> str:
    """Return a fresh random salt for an entry's payload, in hex."""
    return secrets.token_hex(SALT_BYTES)


def payload_digest(
    salt: str,
    old: str | None,
    new: str | None,
    comment: str | None,
    private: str | None = None,
) -> str:
    """Return the salted digest of an entry's personal payload (its row's personal columns
    count only when it has some, so entries from before the record keep their digests)."""
    personal = [old, new, comment] if private is None else [old, new, comment, private]
    return hashlib.sha256(salt.encode("ascii") + canonical(personal)).hexdigest()


def entry_hash(
    prev: str, fields: Sequence[Any], payload: str, written: Sequence[Any] = (None, None, None)
) -> str:
    """Return the hash of an entry: over the previous entry's hash, its ``FIELDS``, the row it
    wrote (table, key and state, when it wrote one) and its payload digest."""
    covered = [*fields, payload] if written[0] is None else [*fields, *written, payload]
    return hashlib.sha256(prev.encode("ascii") + canonical(covered)).hexdigest()


def chained(prev: str, rows: Iterable[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], str]:
    """Return rows of (``FIELDS``…, old, new, comment[, ``RECORD``…]) extended with (prev,
    hash, payload digest, salt), each linked to the one before, and the new head."""
    found: list[tuple[Any, ...]] = []
    n = len(FIELDS)
    rows = list(rows)
    # Every row's salt drawn at once: one read of the system's randomness, not one a row.
    salts = secrets.token_hex(SALT_BYTES * len(rows))
    width = 2 * SALT_BYTES
    for i, row in enumerate(rows):
        salt = salts[i * width : (i + 1) * width]
        written = row[n + 3 : n + 6] or (None, None, None)
        private = row[n + 6] if len(row) > n + 6 else None
        old, new, comment = row[n : n + 3]
        payload = payload_digest(salt, old, new, comment, private)
        digest = entry_hash(prev, row[:n], payload, written)
        found.append((*row, prev, digest, payload, salt))
        prev = digest
    return found, prev


@dataclass(frozen=True)
class Verdict:
    """What a walk of the chain found."""

    entries: int
    head: str
    first_bad: tuple[Any, str] | None  # (entry id, why)
    extends: bool | None  # whether the history still holds the head given (None: none given)

    @property
    def ok(self) -> bool:
        """Return True when no entry is altered, removed or out of order, and the head
        given (if any) is still in the history."""
        return self.first_bad is None and self.extends is not False


ALTERED = N_("altered")
BROKEN = N_("an entry before it was removed, or it was inserted out of order")
UNCHAINED = N_("not chained")


def _altered(
    prev: str,
    digest: str,
    payload: str,
    salt: str | None,
    fields: Sequence[Any],
    personal: Sequence[Any],
    written: Sequence[Any],
) -> bool:
    """Return True when an entry's payload (while it still has its salt) or its fields and
    the row it wrote no longer give the digests it carries."""
    old, new, comment = personal
    if salt is not None and payload_digest(salt, old, new, comment, written[3]) != payload:
        return True
    return entry_hash(prev, fields, payload, written[:3]) != digest


def verify(rows: Iterable[Sequence[Any]], head: str | None = None) -> Verdict:
    """Walk rows of (id, prev, hash, payload digest, salt, ``CHAIN_COLUMNS``…) in id order;
    return the first entry that was altered, removed or inserted out of order, and
    whether ``head`` is still in the chain."""
    expected = GENESIS
    entries = 0
    bad: tuple[Any, str] | None = None
    seen_head = False
    n = len(FIELDS)
    for row in rows:
        entries += 1
        row_id, prev, digest, payload, salt = row[:5]
        fields, personal = row[5 : 5 + n], row[5 + n : 8 + n]
        written = row[8 + n : 12 + n] or (None, None, None, None)
        if bad is None:
            if digest is None or payload is None:
                bad = (row_id, UNCHAINED)
            elif prev != expected:
                bad = (row_id, BROKEN)
            elif _altered(prev, digest, payload, salt, fields, personal, written):
                bad = (row_id, ALTERED)
        if head is not None and digest == head:
            seen_head = True
        expected = digest if digest is not None else expected
    extends = None if head is None else (seen_head or head == GENESIS)
    return Verdict(entries, expected, bad, extends)
