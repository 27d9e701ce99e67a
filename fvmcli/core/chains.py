"""Critical chains and the twelve-month plan (``scoring.md``, "Critical chains").

An open item's earliest finish as of D is D plus the durations of its open prerequisite
chain and its own; a parent unit's prerequisite finishes in the parent unit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from fvmcli.core.scoring import QuestionResult


@dataclass(frozen=True, slots=True)
class Link:
    """One open item of a chain: where it is, when it is due and when it can finish."""

    unit: str
    result: QuestionResult
    finish: date

    @property
    def question(self) -> str:
        """Return the item's question id."""
        return self.result.question.id


@dataclass(frozen=True, slots=True)
class Chain:
    """An open item that cannot finish before go-live, with its chain of open prerequisites
    (the item first)."""

    unit: str
    go_live: date
    links: tuple[Link, ...]

    @property
    def item(self) -> Link:
        """Return the item the chain ends in."""
        return self.links[0]

    @property
    def finish(self) -> date:
        """Return the item's earliest finish."""
        return self.links[0].finish


@dataclass
class OpenItems:
    """A unit's open items (applicable, not done) with their earliest finishes as of a day;
    ``parent`` is the parent unit's, for prerequisites in the parent."""

    unit: str
    as_of: date
    items: dict[str, QuestionResult]
    order: dict[str, int]
    parent: OpenItems | None = None
    _finish: dict[str, date] = field(default_factory=dict)

    @classmethod
    def of(
        cls, unit: str, results: Iterable[QuestionResult], as_of: date, parent: OpenItems | None
    ) -> OpenItems:
        """Return the open items of a unit's question results (a detailed score)."""
        listed = list(results)
        return cls(
            unit,
            as_of,
            {r.question.id: r for r in listed if not r.done},
            {r.question.id: i for i, r in enumerate(listed)},
            parent,
        )

    def prerequisites(self, qid: str) -> list[tuple[OpenItems, str]]:
        """Return the open prerequisites of open item ``qid``, in checklist order (the unit's
        own before its parent's at the same place)."""
        question = self.items[qid].question
        found = [(self, p) for p in question.requires if p in self.items]
        parent = self.parent
        if parent is not None:
            found += [(parent, p) for p in question.requires_parent if p in parent.items]
        return sorted(found, key=lambda pair: (pair[0].order.get(pair[1], 0), pair[0] is not self))

    def finish(self, qid: str) -> date:
        """Return open item ``qid``'s earliest finish: max(D, its open prerequisites'
        finishes) + its duration."""
        found = self._finish.get(qid)
        if found is None:
            start = self.as_of
            for owner, p in self.prerequisites(qid):
                start = max(start, owner.finish(p))
            found = self._finish[qid] = start + timedelta(days=self.items[qid].question.duration)
        return found

    def chain(self, qid: str) -> list[Link]:
        """Return ``qid`` followed by the chain of its open prerequisite with the latest
        finish (ties: the first in checklist order)."""
        links = [Link(self.unit, self.items[qid], self.finish(qid))]
        latest: tuple[OpenItems, str] | None = None
        for owner, p in self.prerequisites(qid):
            if latest is None or owner.finish(p) > latest[0].finish(latest[1]):
                latest = (owner, p)
        if latest is not None:
            links += latest[0].chain(latest[1])
        return links

    def cannot_make_date(self, qid: str) -> bool:
        """Return True when the open item's earliest finish is after its due date."""
        due = self.items[qid].due
        return due is not None and self.finish(qid) > due

    def threats(self, go_live: date | None) -> list[Chain]:
        """Return the chains of the unit's open items that finish after ``go_live``."""
        if go_live is None:
            return []
        return [
            Chain(self.unit, go_live, tuple(self.chain(qid)))
            for qid in self.items
            if self.finish(qid) > go_live
        ]


def longest_first(chains: Iterable[Chain]) -> list[Chain]:
    """Return the chains, the latest finish first, then the most links, then by unit and
    item."""
    return sorted(
        chains, key=lambda c: (-c.finish.toordinal(), -len(c.links), c.unit, c.item.question)
    )


# ------------------------------------------------------------------ the twelve-month plan


def plan_months(go_live: date) -> list[str]:
    """Return the months ``YYYY-MM`` from twelve months before go-live to go-live's month."""
    first = go_live.year * 12 + go_live.month - 1 - 12
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, first + 13)]


@dataclass
class MonthCount:
    """What falls due in one month for one owner."""

    open: int = 0
    done: int = 0
    overdue: int = 0
    waiting: int = 0
    critical: int = 0  # open items on a chain that threatens go-live


def count_items(
    counts: dict[tuple[str | None, str], MonthCount],
    results: Iterable[QuestionResult],
    months: list[str],
    owner: str | None = None,
    critical: Collection[str] = (),
) -> None:
    """Add a unit's applicable items to ``counts`` by (owner, month of the due date); an item
    due before the first month counts in the first, one without a due date is left out. With
    ``owner`` only that owner's items count; ``critical`` names the unit's items on a chain
    that threatens go-live."""
    first, last = months[0], months[-1]
    for r in results:
        if r.due is None:
            continue
        who = r.question.owner
        if owner is not None and who != owner:
            continue
        month = max(first, min(last, r.due.isoformat()[:7]))
        found = counts.setdefault((who, month), MonthCount())
        if r.done:
            found.done += 1
        else:
            found.open += 1
        found.overdue += r.overdue
        found.waiting += bool(r.waiting_for)
        found.critical += r.question.id in critical


def critical_items(items: OpenItems, go_live: date) -> set[str]:
    """Return the unit's open items that are links of a chain threatening ``go_live``: the
    items that finish after it and the prerequisites in the unit that hold them there."""
    return {
        link.question
        for chain in items.threats(go_live)
        for link in chain.links
        if link.unit == items.unit
    }
