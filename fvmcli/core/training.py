"""Training coverage of a unit (``scoring.md``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Coverage:
    """People registered in a unit, required (person, course) pairs, and completed pairs."""

    people: int
    required: int
    completed: int

    @property
    def percent(self) -> float | None:
        """Return 100 × completed / required; None when no pair is required."""
        return 100.0 * self.completed / self.required if self.required else None


def coverage(
    per_role: Iterable[tuple[str, int]],
    completed: Iterable[tuple[str, str, int]],
    requires: Mapping[str, tuple[str, ...]],
) -> Coverage:
    """Return a unit's coverage from its people counted per role, (role, n), and its people
    counted per role and completed course, (role, course, n): each person of a role needs the
    role's required courses; a completed course counts where the person's role requires it."""
    counted = list(per_role)
    needed = set(required_of(requires, lambda role: role, requires))
    return Coverage(
        sum(n for _, n in counted),
        sum(n for (_, n), _ in required_of(counted, lambda pair: pair[0], requires)),
        sum(n for role, course, n in completed if (role, course) in needed),
    )


def total(coverages: Iterable[Coverage]) -> Coverage:
    """Return the coverage of units taken together: their people, required and completed
    pairs added up (its ``percent`` is the selection's, not a mean of the units')."""
    found = list(coverages)
    return Coverage(
        sum(c.people for c in found),
        sum(c.required for c in found),
        sum(c.completed for c in found),
    )


def required_of(
    items: Iterable[T], role_of: Callable[[T], str], requires: Mapping[str, tuple[str, ...]]
) -> Iterator[tuple[T, str]]:
    """Return (item, course) for each course the role of each item (a person, a count of a
    role's people) requires, in the items' order and then the role's: the one reading of
    ``requires`` that coverage, reminders and the capacity plan share. A role that requires
    nothing, or that ``requires`` does not know, gives no pair."""
    for item in items:
        for course in requires.get(role_of(item), ()):
            yield item, course
