"""Reading the tables fvm prints back into rows, by their headings."""

from __future__ import annotations

import re

_RULE = re.compile(r"^[─ ]*─[─ ]*$")


def tables(text: str) -> list[list[dict[str, str]]]:
    """Return every table in ``text`` as rows keyed by heading. A table is a heading line, a
    rule of ─ runs (one per column), and its rows until a blank or unruled line."""
    lines = text.splitlines()
    found: list[list[dict[str, str]]] = []
    for i, line in enumerate(lines):
        if i == 0 or not _RULE.match(line):
            continue
        spans = [m.span() for m in re.finditer(r"─+", line)]
        # A cell may run past its rule only in the last column.
        spans[-1] = (spans[-1][0], 10_000)
        names = [lines[i - 1][a:b].strip() for a, b in spans]
        rows = []
        for row in lines[i + 1 :]:
            if not row.strip() or _RULE.match(row):
                break
            rows.append({n: row[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)})
        found.append(rows)
    return found
