"""The cells of the report's long tables (units, blockers, training coverage), made one row
at a time as the template reads them (``Cells``): a region's report never holds them all."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from fvmcli.render.templates import OwnCodeFailed, TemplateLimit
from fvmcli.render.values import percent_text, waiver_text, word


class Cells(Sequence[tuple[Any, ...]]):
    """The cells of ``items``' rows, each made by ``make`` when it is read: a sequence a
    template iterates, slices (``unit_cells[:limit]``) and counts as it would a list."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], tuple[Any, ...]]) -> None:
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> Cells: ...
    def __getitem__(self, index: int | slice) -> tuple[Any, ...] | Cells:
        if isinstance(index, slice):
            return Cells(self._items[index], self._make)
        return self._made(self._items[index])

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return map(self._made, self._items)

    def _made(self, item: Any) -> tuple[Any, ...]:
        """Return ``make(item)``; its failure is fvm's bug, so it is raised as
        OwnCodeFailed, which the template's own errors never are."""
        try:
            return self._make(item)
        except TemplateLimit:
            raise  # the time limit ran out while fvm's code ran: still the template's limit
        except Exception as exc:
            raise OwnCodeFailed(exc) from exc


def unit_cells(r: Any, names: dict[str, dict[str, str]] | None = None) -> tuple[Any, ...]:
    """Return a unit's cells in the report's table of units (areas and types by name)."""
    reason = r.reason
    known = names or {}
    return (
        r.name,
        r.unit,
        f"{known.get('area', {}).get(r.area, r.area)} ({r.phase})",
        known.get("type", {}).get(r.type, r.type),
        r.status,
        reason_text(reason),
        percent_text(r.score * 100),
        percent_text(r.completeness * 100),
        r.blockers,
        r.overdue,
        percent_text(r.training_coverage),
        percent_text(r.equipment_readiness),
    )


def blocker_cells(
    b: Any, texts: dict[str, str], owners: dict[str, str] | None = None
) -> tuple[Any, ...]:
    """Return a blocker's cells in the report's table of blockers (owners by name)."""
    waiver = b.waiver
    return (
        b.name,
        b.unit,
        texts[b.question],
        b.question,
        ", ".join(b.waiting_for),
        b.due.isoformat() if b.due else "",
        b.days_overdue,
        "overdue" if b.blocker else "",  # a CSS class
        (owners or {}).get(b.owner, b.owner) if b.owner else "",
        waiver_text(waiver),
    )


def coverage_cells(c: Any, names: dict[str, str] | None = None) -> tuple[Any, ...]:
    """Return a unit's cells in the report's table of training coverage."""
    area = (names or {}).get(c.area, c.area)
    return (c.name, c.unit, area, c.people, c.required, c.completed, percent_text(c.coverage, 1))


def old_cells(r: Any, names: dict[str, str]) -> tuple[Any, ...]:
    """Return a unit's cells in the report's table of old evidence (units by name)."""
    return (names.get(r.unit, r.name), r.unit, r.evidence_age_days)


def behind_cells(u: Any) -> tuple[Any, ...]:
    """Return a unit's cells in the forecast's table of units not green by go-live."""
    found = u.found
    return (
        u.name,
        u.unit,
        u.phase,
        word(found.forecast),
        percent_text(found.score * 100),
        found.projected,
        u.go_live,
        found.days_late,
        u.blockers,
    )


def reason_text(reason: Any) -> str | None:
    """Return why a unit has its status in a few words: the rule and the questions behind it
    (``blocker: cut.plan``), or the score band (``score-below-green``)."""
    if reason is None:
        return None
    rule = word(reason.rule)
    if reason.pairs:
        return f"{rule}: {', '.join(f'{q} ← {p}' for q, p in reason.pairs)}"
    return f"{rule}: {', '.join(reason.questions)}" if reason.questions else rule
