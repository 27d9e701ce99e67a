"""Which known id a mistyped one most likely meant ("menade du vc-hjo?")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.75  # how alike two ids must be (difflib's ratio) to suggest one for the other


def closest(wrong: str, known: Iterable[str]) -> str | None:
    """Return the known id most like ``wrong`` (case aside), or None when none is alike
    enough to be what was meant."""
    by_folded: dict[str, str] = {}
    for candidate in known:
        by_folded.setdefault(candidate.casefold(), candidate)
    found = difflib.get_close_matches(wrong.casefold(), list(by_folded), n=1, cutoff=CUTOFF)
    return by_folded[found[0]] if found else None
