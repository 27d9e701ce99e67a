"""Frozen domain objects that content and records are turned into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property
from typing import NamedTuple

NA = "n/a"  # the stored value of "not applicable"


@dataclass(frozen=True)
class Text:
    """A text a person reads: Swedish always, English optionally."""

    sv: str
    en: str | None = None

    def get(self, lang: str) -> str:
        """Return the text in ``lang``, falling back to Swedish."""
        return self.en if lang == "en" and self.en else self.sv


@dataclass(frozen=True)
class Area:
    id: str
    phase: int
    name: Text


@dataclass(frozen=True)
class Territory:
    """Areas with their phases and the unit types, from ``territory.toml``."""

    areas: dict[str, Area]
    unit_types: dict[str, Text]
    four_eyes: bool = False  # a waiver takes effect when another person approves it

    def phase_of(self, area: str) -> int:
        """Return the phase the area goes live in."""
        return self.areas[area].phase

    def phases(self) -> list[int]:
        """Return the phases in order."""
        return sorted({a.phase for a in self.areas.values()})

    def areas_in(self, phase: int) -> list[str]:
        """Return the ids of the areas of ``phase``."""
        return [a.id for a in self.areas.values() if a.phase == phase]


@dataclass(frozen=True, slots=True)  # a region holds tens of thousands
class Unit:
    id: str
    name: str
    area: str
    type: str
    staff: int | None = None
    municipality: str | None = None
    parent: str | None = None
    email: str | None = None  # a functional mailbox that receives reminders


@dataclass(frozen=True)
class Offset:
    """A T-minus deadline: ``amount`` days, weeks or calendar months before go-live."""

    amount: int
    unit: str  # "d" | "w" | "m"

    def __str__(self) -> str:
        return f"T-{self.amount}{self.unit}"


@dataclass(frozen=True)
class When:
    """Skip logic: the question applies when ``question`` is answered with one of ``values``."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Option:
    id: str
    credit: float
    label: Text


QUESTION_TYPES = ("yes-no", "yes-partial-no", "percent", "number", "date", "choice", "text")
SOURCES = ("training.coverage", "equipment.readiness")
EVIDENCE = ("none", "optional", "required")


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    type: str
    text: Text
    help: Text | None = None
    weight: float = 1.0
    critical: bool = False
    due: Offset = Offset(0, "d")
    owner: str | None = None
    allow_na: bool = False
    evidence: str = "none"
    source: str | None = None
    target: float | None = None
    options: tuple[Option, ...] = ()
    applies_to: tuple[str, ...] | None = None
    when: When | None = None
    revised: int | None = None  # the checklist version in which its meaning last changed
    attest: bool = False  # an answer needs a second person's attestation (resolved at load)
    requires: tuple[str, ...] = ()  # prerequisites in the same unit
    requires_parent: tuple[str, ...] = ()  # prerequisites in the unit's parent unit
    duration: int = 0  # days the activity takes

    def stale(self, version: int | None) -> bool:
        """Return True when an answer given under checklist ``version`` (None: unknown)
        predates the question's last change of meaning."""
        return self.revised is not None and (version is None or version < self.revised)

    @property
    def derived(self) -> bool:
        """Return True when the toolkit, not a person, answers this question."""
        return self.source is not None

    @cached_property
    def scored(self) -> bool:
        """Return True unless the question is informational (never affects the score)."""
        if self.weight == 0 or self.type == "text":
            return False
        return not (self.type == "number" and self.target is None)

    def option(self, option_id: str) -> Option | None:
        """Return the choice option with this id, if any."""
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    weight: float = 1.0


# The status thresholds of a checklist without a ``[scoring]`` table (``scoring.md``).
GREEN_DEFAULT, AMBER_DEFAULT = 0.90, 0.70


@dataclass(frozen=True)
class Checklist:
    id: str
    version: int
    title: Text
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    applies_to: tuple[str, ...] | None = None
    green: float = GREEN_DEFAULT
    amber: float = AMBER_DEFAULT
    stale_after: Offset | None = None  # evidence older than this is old

    def question(self, question_id: str) -> Question | None:
        """Return the question with this id, if any."""
        return self._by_id.get(question_id)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def section(self, section_id: str) -> Section | None:
        """Return the section with this id, if any."""
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass(frozen=True)
class Recommendation:
    """A catalog rule for one unit type: max(min, ⌈per_staff × staff⌉)."""

    per_staff: Fraction = Fraction(0)
    min: int = 0

    def __hash__(self) -> int:
        # Remembered: a Fraction's hash is a modular inverse, and the required quantity of
        # every item of every unit is looked up by its rule (core.equipment).
        try:
            return int(self.__dict__["_hash"])
        except KeyError:
            found = hash((self.per_staff, self.min))
            object.__setattr__(self, "_hash", found)
            return found


@dataclass(frozen=True)
class EquipmentItem:
    id: str
    category: str
    name: Text
    recommend: dict[str, Recommendation] = field(default_factory=dict)
    help: Text | None = None


@dataclass(frozen=True)
class Catalog:
    items: tuple[EquipmentItem, ...]

    @cached_property
    def ids(self) -> frozenset[str]:
        """Return the ids of the catalog's items."""
        return frozenset(i.id for i in self.items)

    def item(self, item_id: str) -> EquipmentItem | None:
        """Return the catalog item with this id, if any."""
        return next((i for i in self.items if i.id == item_id), None)


@dataclass(frozen=True)
class Count:
    """A unit's count of one item: present ≥ configured ≥ tested ≥ 0."""

    present: int = 0
    configured: int = 0
    tested: int = 0


@dataclass(frozen=True)
class Waiver:
    question: str
    reason: str
    until: date
    by: str  # who requested (decided) it
    approved_by: str | None = None  # who approved it (four eyes), None while requested
    rejected: bool = False  # the approver refused it


class NewAnswer(NamedTuple):
    """An answer about to be stored for one unit and question (a named tuple: imports make
    hundreds of thousands)."""

    unit_id: str
    question: str
    value: str
    comment: str | None = None
    by: str | None = None  # None: the acting user
    # When the person says they answered (a sheet's date, a CSV's answered_at): the answer's
    # day. None: now. Its history entry is stamped with the moment it is stored, whatever this.
    at: str | None = None


@dataclass(frozen=True)
class Answer:
    question: str
    value: str
    comment: str | None = None
    by: str | None = None
    at: str | None = None
    version: int | None = None
    attestation: str | None = None  # "attested" | "rejected" by a second person
    attested_by: str | None = None


COURSE_FORMATS = ("classroom", "online", "blended")


@dataclass(frozen=True)
class Module:
    title: Text
    hours: float


@dataclass(frozen=True)
class Course:
    id: str
    title: Text
    summary: Text | None = None
    audience: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    hours: float = 0.0
    format: str = "classroom"
    assessment: bool = False
    modules: tuple[Module, ...] = ()


@dataclass(frozen=True)
class Role:
    id: str
    name: Text
    requires: tuple[str, ...] = ()
    remind: bool = False  # people of this role with an e-mail receive their unit's reminders


@dataclass(frozen=True)
class Curriculum:
    """The courses and the roles with their required courses."""

    courses: dict[str, Course]
    roles: dict[str, Role]
    owners: dict[str, Text] = field(default_factory=dict)  # who owns checklist questions

    def owner_name(self, owner: str, lang: str) -> str:
        """Return a question owner's name: an owner's or role's, else the id as written."""
        if owner in self.owners:
            return self.owners[owner].get(lang)
        role = self.roles.get(owner)
        return role.name.get(lang) if role is not None else owner

    def requires(self) -> dict[str, tuple[str, ...]]:
        """Return role id → required course ids."""
        return {r.id: r.requires for r in self.roles.values()}


@dataclass(frozen=True)
class Person:
    """A participant: only what the work needs. A forgotten person keeps role and unit only."""

    id: str
    name: str | None
    role: str
    unit: str
    email: str | None = None
    forgotten: bool = False
