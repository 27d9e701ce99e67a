"""The go/no-go gate (``scoring.md``, "Gate"): criteria from ``gates.toml`` evaluated over a
phase's units, the verdict, and the digest that binds a decision to its evidence."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fvmcli.core.equipment import percent_of
from fvmcli.core.model import Text
from fvmcli.core.training import Coverage, total
from fvmcli.errors import InputError
from fvmcli.i18n import _

KINDS = (
    "units_with_status",
    "mean_score",
    "training_coverage",
    "equipment_readiness",
    "blockers",
    "overdue",
    "unattested",
)
VOTES = ("go", "no-go", "abstain")
DECISIONS = ("go", "conditional", "no-go")
# The Swedish words a vote or a decision may be given in (``cli.md``, turn 5); what is stored
# and what JSON shows is the id.
VOTE_WORDS = {"ja": "go", "nej": "no-go", "avstår": "abstain"}
DECISION_WORDS = {"ja": "go", "villkorat": "conditional", "nej": "no-go"}


def choice_id(value: str, ids: Sequence[str], words: dict[str, str]) -> str | None:
    """Return the id a vote or a decision is given as (its id, or its Swedish word, case
    aside), or None for neither."""
    given = value.strip().casefold()
    if given in ids:
        return given
    return words.get(given)


def parse_choice(value: str, ids: Sequence[str], words: dict[str, str], lang: str) -> str:
    """Return the id of a vote or a decision given as its id or its Swedish word; refused (2)
    naming the words of the user's language."""
    found = choice_id(value, ids, words)
    if found is None:
        known = list(words) if lang == "sv" else list(ids)
        raise InputError(
            _("expected one of {known}, got {value!r}").format(known=", ".join(known), value=value)
        )
    return found


def failing_required(criteria: Iterable[dict[str, Any]]) -> list[str]:
    """Return the ids of the required criteria that are not met, in the order given, of
    criteria as evidence writes them (``id``, ``required``, ``met``): what a decision goes
    against, and what makes an archived verdict a no-go."""
    listed = [c for c in criteria if isinstance(c, dict)]  # edited by hand: read defensively
    return [str(c.get("id")) for c in listed if c.get("required") and not c.get("met")]


def frozen_results(evidence: str) -> list[dict[str, Any]]:
    """Return each criterion's result as a proposal's stored evidence froze it, failed
    required first (as ``gate evaluate`` lists them); none when it is not readable."""
    try:
        found = json.loads(evidence).get("criteria") or []
    except (ValueError, AttributeError):
        return []
    listed = [c for c in found if isinstance(c, dict)]
    return sorted(listed, key=lambda c: (bool(c.get("met")), not c.get("required")))


@dataclass(frozen=True)
class GateRole:
    """A voting role of the gate meeting."""

    id: str
    name: Text
    required: bool = True


def threshold_of(
    max_count: int | None, max_share: float | None, minimum: float | None, maximum: float | None
) -> float:
    """Return the threshold a criterion's figure is held against: the first limit it sets of
    a count, a share, a minimum and a maximum (0 with none); a gate's and hypercare's alike."""
    for found in (max_count, max_share, minimum, maximum):
        if found is not None:
            return float(found)
    return 0.0


@dataclass(frozen=True)
class Criterion:
    """One go/no-go criterion: its kind's figure over the selected units against a threshold
    (``max_count``/``max_share`` for units of a status, ``min`` or ``max`` for the rest)."""

    id: str
    text: Text
    kind: str
    required: bool = True
    types: tuple[str, ...] | None = None
    areas: tuple[str, ...] | None = None
    status: tuple[str, ...] = ()
    max_count: int | None = None
    max_share: float | None = None
    min: float | None = None
    max: float | None = None

    @property
    def threshold(self) -> float:
        """Return the threshold the figure is held against (``threshold_of``)."""
        return threshold_of(self.max_count, self.max_share, self.min, self.max)

    @property
    def percent_scale(self) -> float | None:
        """Return what the figure and threshold are multiplied by to read as a percentage:
        100 for a share 0…1 (``max_share``, the mean score), 1 for a percentage already
        (training, equipment), None for a count."""
        return scale_of(self.kind, self.max_share is not None)


def scale_of(kind: str, share: bool) -> float | None:
    """Return the percentage scale of a criterion of ``kind`` (``share``: it has a
    ``max_share``): 100, 1, or None for a count (``Criterion.percent_scale``)."""
    if kind == "mean_score" or (kind == "units_with_status" and share):
        return 100.0
    if kind in ("training_coverage", "equipment_readiness"):
        return 1.0
    return None


@dataclass(frozen=True)
class Gate:
    """The gate of ``gates.toml``: the checklist units are scored on, roles and criteria."""

    checklist: str
    roles: tuple[GateRole, ...]
    criteria: tuple[Criterion, ...]

    def role(self, role_id: str) -> GateRole | None:
        """Return the voting role with this id, if any."""
        return next((r for r in self.roles if r.id == role_id), None)

    def criterion_names(self, ids: Iterable[str], lang: str) -> list[str]:
        """Return criteria by their text in ``lang`` (an id the gate does not have, as it is)."""
        texts = {c.id: c.text.get(lang) for c in self.criteria}
        return [texts.get(i, i) for i in ids]


@dataclass(frozen=True, slots=True)
class GateUnit:
    """What the gate reads of one unit (its row of ``cutover status`` and its evidence)."""

    unit: str
    area: str
    type: str
    status: str
    score: float
    blockers: int
    overdue: int
    unattested: int
    coverage: Coverage  # the unit's training coverage, as ``cutover status`` counts it
    equipment: tuple[int, int]  # (ready, required): ``core.equipment.percent_of``'s parts
    rank: tuple[Any, ...]  # the unit's place worst first (``core.cutover.row_rank``)


@dataclass(frozen=True)
class CriterionResult:
    """A criterion on one day: its figure, whether it is met, and the units behind a
    failure, worst first."""

    criterion: Criterion
    value: float | None
    met: bool
    units: tuple[str, ...]
    selected: int | None = None  # the units the criterion looked at (not in the evidence)

    def as_dict(self) -> dict[str, Any]:
        """Return the result as ``gate evaluate --json`` shows it."""
        c = self.criterion
        return {
            "id": c.id,
            "kind": c.kind,
            "required": c.required,
            "met": self.met,
            "value": self.value,
            "threshold": c.threshold,
            "units": list(self.units),
        }


def selected(criterion: Criterion, units: Iterable[GateUnit]) -> list[GateUnit]:
    """Return the units a criterion looks at: narrowed by its types and areas."""
    return [
        u
        for u in units
        if (criterion.types is None or u.type in criterion.types)
        and (criterion.areas is None or u.area in criterion.areas)
    ]


def _worst_first(units: Iterable[GateUnit]) -> tuple[str, ...]:
    return tuple(u.unit for u in sorted(units, key=lambda u: u.rank))


def evaluate(criterion: Criterion, units: Sequence[GateUnit]) -> CriterionResult:  # noqa: C901 (a branch per kind)
    """Return the criterion's figure over its selected units, whether it is met, and the
    units that count towards a failure (for the thresholds of a minimum: those below it)."""
    chosen = selected(criterion, units)
    kind = criterion.kind
    value: float | None
    if kind == "units_with_status":
        behind = [u for u in chosen if u.status in criterion.status]
        if criterion.max_share is not None:
            value = len(behind) / len(chosen) if chosen else 0.0
            met = not chosen or value <= criterion.max_share
        else:
            value = float(len(behind))
            met = not chosen or value <= (criterion.max_count or 0)
    elif kind == "mean_score":
        value = sum(u.score for u in chosen) / len(chosen) if chosen else None
        met = value is not None and value >= (criterion.min or 0.0)
        behind = [u for u in chosen if u.score < (criterion.min or 0.0)]
    elif kind in ("training_coverage", "equipment_readiness"):
        # Each unit's percentage is its own figure's (``Coverage.percent``, ``percent_of``);
        # the criterion's is the same rule over the selection's parts added up.
        if kind == "training_coverage":
            value = total(u.coverage for u in chosen).percent
            of_unit = {u.unit: u.coverage.percent for u in chosen}
        else:
            parts = [u.equipment for u in chosen]
            value = percent_of((sum(r for r, _ in parts), sum(n for _, n in parts)))
            of_unit = {u.unit: percent_of(u.equipment) for u in chosen}
        # Nothing to train is no coverage to speak of; nothing to equip is ready.
        met = (kind == "equipment_readiness") if value is None else value >= (criterion.min or 0.0)
        behind = [
            u for u in chosen if (p := of_unit[u.unit]) is not None and p < (criterion.min or 0.0)
        ]
    else:  # blockers, overdue, unattested: a sum against a maximum
        figure = {"blockers": "blockers", "overdue": "overdue", "unattested": "unattested"}[kind]
        behind = [u for u in chosen if getattr(u, figure)]
        value = float(sum(getattr(u, figure) for u in chosen))
        met = value <= (criterion.max or 0.0)
    return CriterionResult(criterion, value, met, () if met else _worst_first(behind), len(chosen))


def verdict(results: Iterable[CriterionResult]) -> str:
    """Return ``go`` when every required criterion is met, else ``no-go``."""
    return "go" if all(r.met for r in results if r.criterion.required) else "no-go"


def worst_first(results: Iterable[CriterionResult]) -> list[CriterionResult]:
    """Return the results failed required first, then failed advisory, then met; each in
    the gate's order."""
    listed = list(results)
    return sorted(
        listed,
        key=lambda r: (r.met, not r.criterion.required, listed.index(r)),
    )


def canonical(evidence: Any) -> bytes:
    """Return the canonical JSON of a proposal's evidence (``scoring.md``): sorted keys, no
    spaces, non-ASCII as itself, in UTF-8."""
    return json.dumps(evidence, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(evidence: Any) -> str:
    """Return the SHA-256 of the evidence's canonical JSON, in hex."""
    return hashlib.sha256(canonical(evidence)).hexdigest()


def part_digests(evidence: dict[str, Any]) -> dict[str, str]:
    """Return a digest of each part of the evidence (every unit, every criterion, and the
    head fields), so that a check can name what was altered."""
    found = {
        f"unit {u.get('unit')}": digest(u) for u in evidence.get("units", []) if isinstance(u, dict)
    }
    found |= {
        f"criterion {c.get('id')}": digest(c)
        for c in evidence.get("criteria", [])
        if isinstance(c, dict)
    }
    head = {k: v for k, v in evidence.items() if k not in ("units", "criteria")}
    found["head"] = digest(head)
    return found
