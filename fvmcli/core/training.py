"""Training coverage of a unit (``scoring.md``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


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
    people: Iterable[tuple[str, str]],
    requires: Mapping[str, tuple[str, ...]],
    completed: set[tuple[str, str]],
) -> Coverage:
    """Return the coverage of (person, role) pairs given each role's required courses and the
    (person, course) pairs completed."""
    count = required = done = 0
    for person, role in people:
        count += 1
        for course in requires.get(role, ()):
            required += 1
            done += (person, course) in completed
    return Coverage(count, required, done)
