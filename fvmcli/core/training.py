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
    count = required = done = 0
    for role, n in per_role:  # once per unit of a territory: plain loops, no pairs made
        count += n
        required += n * len(courses_of(requires, role))
    for role, course, n in completed:
        if course in courses_of(requires, role):
            done += n
    return Coverage(count, required, done)


def total(coverages: Iterable[Coverage]) -> Coverage:
    """Return the coverage of units taken together: their people, required and completed
    pairs added up (its ``percent`` is the selection's, not a mean of the units')."""
    found = list(coverages)
    return Coverage(
        sum(c.people for c in found),
        sum(c.required for c in found),
        sum(c.completed for c in found),
    )


def courses_of(requires: Mapping[str, tuple[str, ...]], role: str) -> tuple[str, ...]:
    """Return the courses a person of ``role`` must complete: the one reading of ``requires``
    (role id → course ids, ``Curriculum.requires``) that coverage, reminders, the capacity plan
    and the demo share; none for a role that requires nothing or that it does not know."""
    return requires.get(role, ())


def required_of(
    items: Iterable[T], role_of: Callable[[T], str], requires: Mapping[str, tuple[str, ...]]
) -> Iterator[tuple[T, str]]:
    """Return (item, course) for each course the role of each item (a person, a count of a
    role's people) requires (``courses_of``), in the items' order and then the role's."""
    for item in items:
        for course in courses_of(requires, role_of(item)):
            yield item, course
