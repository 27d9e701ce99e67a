"""A go/no-go criterion's result as people read it, in the terminal and in the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fvmcli.core.gate import Gate, scale_of
from fvmcli.render.values import number_shown, percent_shown


def figure_text(value: float | None, scale: float | None) -> str:
    """Return a criterion's figure or threshold as people read it: a share as a percentage
    to one decimal (``26,7 %``), a count whole; a dash for none."""
    if value is None:
        return "–"
    if scale is None:
        return number_shown(round(value, 4))
    return percent_shown(value * scale, 1)


def criterion_scale(row: Mapping[str, Any], gate: Gate | None) -> float | None:
    """Return the percentage scale of a criterion's result (``Criterion.percent_scale``),
    from the gate's content when it knows the criterion, else from its kind."""
    known = next((c for c in gate.criteria if c.id == row.get("id")), None) if gate else None
    if known is not None:
        return known.percent_scale
    return scale_of(str(row.get("kind")), False)


def criterion_rows(
    criteria: Sequence[Mapping[str, Any]], gate: Gate | None, lang: str
) -> list[dict[str, Any]]:
    """Return criterion results (``CriterionResult.as_dict``) with their text in ``lang`` and
    the scale their figures are read on."""
    texts = {c.id: c.text.get(lang) for c in gate.criteria} if gate else {}
    return [
        {
            **c,
            "text": texts.get(str(c.get("id")), c.get("id")),
            "scale": criterion_scale(c, gate),
        }
        for c in criteria
    ]
