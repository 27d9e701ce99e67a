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
CHAIN_COLUMNS = (*FIELDS, *PERSONAL)
# What each entry carries of the chain, after its own columns.
LINKS = ("prev", "hash", "payload", "salt")


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def new_salt() -> str:
    """Return a fresh random salt for an entry's payload, in hex."""
    return secrets.token_hex(16)


def payload_digest(salt: str, old: str | None, new: str | None, comment: str | None) -> str:
    """Return the salted digest of an entry's personal payload."""
    return hashlib.sha256(salt.encode("ascii") + _canonical([old, new, comment])).hexdigest()


def entry_hash(prev: str, fields: Sequence[Any], payload: str) -> str:
    """Return the hash of an entry: over the previous entry's hash, its ``FIELDS`` and its
    payload digest."""
    return hashlib.sha256(prev.encode("ascii") + _canonical([*fields, payload])).hexdigest()


def chained(prev: str, rows: Iterable[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], str]:
    """Return rows of (``FIELDS``…, old, new, comment) extended with (prev, hash, payload
    digest, salt), each linked to the one before, and the new head."""
    found: list[tuple[Any, ...]] = []
    n = len(FIELDS)
    for row in rows:
        salt = new_salt()
        payload = payload_digest(salt, *row[n : n + 3])
        digest = entry_hash(prev, row[:n], payload)
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
) -> bool:
    """Return True when an entry's payload (while it still has its salt) or its fields no
    longer give the digests it carries."""
    if salt is not None and payload_digest(salt, *personal) != payload:
        return True
    return entry_hash(prev, fields, payload) != digest


def verify(rows: Iterable[Sequence[Any]], head: str | None = None) -> Verdict:
    """Walk rows of (id, prev, hash, payload digest, salt, ``FIELDS``…, old, new, comment) in
    id order; return the first entry that was altered, removed or inserted out of order, and
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
        if bad is None:
            if digest is None or payload is None:
                bad = (row_id, UNCHAINED)
            elif prev != expected:
                bad = (row_id, BROKEN)
            elif _altered(prev, digest, payload, salt, fields, personal):
                bad = (row_id, ALTERED)
        if head is not None and digest == head:
            seen_head = True
        expected = digest if digest is not None else expected
    extends = None if head is None else (seen_head or head == GENESIS)
    return Verdict(entries, expected, bad, extends)
