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
    per_role: Iterable[tuple[str, int]],
    completed: Iterable[tuple[str, str, int]],
    requires: Mapping[str, tuple[str, ...]],
) -> Coverage:
    """Return a unit's coverage from its people counted per role, (role, n), and its people
    counted per role and completed course, (role, course, n): each person of a role needs the
    role's required courses; a completed course counts where the person's role requires it."""
    count = required = done = 0
    for role, n in per_role:
        count += n
        required += n * len(requires.get(role, ()))
    for role, course, n in completed:
        if course in requires.get(role, ()):
            done += n
    return Coverage(count, required, done)
