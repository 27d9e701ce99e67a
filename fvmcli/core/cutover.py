"""Readiness across the territory: unit rows, summaries, blockers and trends."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.core.model import Unit
from fvmcli.core.scoring import STATUSES, UnitScore


@dataclass(frozen=True)
class UnitRow:
    """One unit's line in the territory picture (the shape of ``cutover status --json``)."""

    unit: str
    name: str
    area: str
    phase: int
    type: str
    score: float
    status: str
    completeness: float
    blockers: int
    overdue: int
    training_coverage: float | None
    equipment_readiness: float | None
    reason: dict[str, Any] | None = None  # why the status: the rule and questions behind it

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def unit_row(
    unit: Unit, phase: int, score: UnitScore, training: float | None, equipment: float | None
) -> UnitRow:
    """Return the unit's row from its score and live evidence."""
    return UnitRow(
        unit.id,
        unit.name,
        unit.area,
        phase,
        unit.type,
        score.score,
        score.status,
        score.completeness,
        len(score.blockers),
        len(score.overdue),
        training,
        equipment,
        score.reason.as_dict() if score.reason else None,
    )


def worst_first(rows: Iterable[UnitRow]) -> list[UnitRow]:
    """Return rows ordered red, amber, not-started, green, then by score, then by id."""
    return sorted(rows, key=lambda r: (STATUSES.index(r.status), r.score, r.unit))


def summary(rows: Sequence[UnitRow]) -> dict[str, Any]:
    """Return the number of units per status and the mean score (0 with no units)."""
    counts: dict[str, Any] = {"units": len(rows)}
    for status in ("green", "amber", "red", "not-started"):
        counts[status] = sum(1 for r in rows if r.status == status)
    counts["mean_score"] = sum(r.score for r in rows) / len(rows) if rows else 0.0
    return counts


def summaries_by(rows: Sequence[UnitRow], key: str) -> dict[str, dict[str, Any]]:
    """Return a summary per value of ``key`` (area, type or phase), in first-seen order."""
    groups: dict[str, list[UnitRow]] = {}
    for row in rows:
        groups.setdefault(str(getattr(row, key)), []).append(row)
    return {k: summary(v) for k, v in groups.items()}


@dataclass(frozen=True)
class BlockerItem:
    unit: str
    name: str
    question: str
    due: date | None
    days_overdue: int
    owner: str | None
    blocker: bool
    waiver: dict[str, Any] | None


def blocker_items(unit: Unit, score: UnitScore) -> list[BlockerItem]:
    """Return the unit's blockers and overdue critical items, with any waiver covering them."""
    items = []
    for r in score.questions:
        if not (r.blocker or (r.overdue and r.question.critical)):
            continue
        waiver = r.waiver
        items.append(
            BlockerItem(
                unit.id,
                unit.name,
                r.question.id,
                r.due,
                (score.as_of - r.due).days if r.due else 0,
                r.question.owner,
                r.blocker,
                {"reason": waiver.reason, "until": waiver.until.isoformat(), "by": waiver.by}
                if waiver
                else None,
            )
        )
    return items


def blocker_order(item: BlockerItem) -> tuple[int, str, str]:
    """Return the one sort key of blocker lists: longest overdue first, then unit, question."""
    return (-item.days_overdue, item.unit, item.question)


GATES = {"red": frozenset({"red"}), "amber": frozenset({"red", "amber"})}


def gate_failed(statuses: Iterable[str], fail_on: str | None) -> bool:
    """Return True when ``--fail-on`` fails: a unit is red (``red``), or red or amber
    (``amber``). Without a gate nothing fails. An unknown gate is a ValueError."""
    if fail_on is None:
        return False
    if fail_on not in GATES:
        raise ValueError(f"expected red or amber, got {fail_on!r}")
    failing = GATES[fail_on]
    return any(s in failing for s in statuses)


def trend(snapshots: Sequence[dict[str, Any]], rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Return each unit's and each area's scores across snapshots (oldest first).

    A unit missing from a snapshot has None there; ``change`` is last minus first known score.
    """
    labels = [s["label"] for s in snapshots]
    units: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = units.setdefault(
            row["unit_id"],
            {"unit": row["unit_id"], "area": row["area"], "scores": {}, "statuses": {}},
        )
        entry["scores"][row["label"]] = row["score"]
        entry["statuses"][row["label"]] = row["status"]
    unit_list = []
    for entry in sorted(units.values(), key=lambda e: e["unit"]):
        scores = [entry["scores"].get(label) for label in labels]
        known = [s for s in scores if s is not None]
        unit_list.append(
            {
                "unit": entry["unit"],
                "area": entry["area"],
                "scores": scores,
                "statuses": [entry["statuses"].get(label) for label in labels],
                "change": known[-1] - known[0] if len(known) > 1 else None,
            }
        )
    areas: dict[str, list[list[float]]] = {}
    for entry in unit_list:
        series = areas.setdefault(entry["area"], [[] for _ in labels])
        for i, score in enumerate(entry["scores"]):
            if score is not None:
                series[i].append(score)
    area_list = []
    for area, series in areas.items():
        means = [sum(s) / len(s) if s else None for s in series]
        known = [m for m in means if m is not None]
        area_list.append(
            {
                "area": area,
                "scores": means,
                "change": known[-1] - known[0] if len(known) > 1 else None,
            }
        )
    return {
        "snapshots": [{"label": s["label"], "as_of": s["as_of"].isoformat()} for s in snapshots],
        "units": unit_list,
        "areas": area_list,
    }
