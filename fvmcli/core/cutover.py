"""Readiness across the territory: unit rows, summaries, blockers and trends."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.core.model import Question, Unit, Waiver
from fvmcli.core.scoring import STATUSES, SUMMARY_KEYS, StatusReason, UnitScore
from fvmcli.i18n import _


@dataclass(frozen=True, slots=True)  # a territory holds tens of thousands, all at once
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
    unattested: int = 0  # answers awaiting a second person's attestation
    inconsistent: int = 0  # questions answered while a prerequisite is not done
    evidence_age_days: int | None = None  # days since the oldest answer behind the score
    reason: StatusReason | None = None  # why the status: the rule and questions behind it

    def as_dict(self) -> dict[str, Any]:
        """Return the row as ``cutover status --json`` shows it."""
        found = {name: getattr(self, name) for name in self.__slots__}
        found["reason"] = self.reason.as_dict() if self.reason else None
        return found


def summary_row(
    unit: Unit, phase: int, summary: UnitScore, training: float | None, equipment: float | None
) -> UnitRow:
    """Return the unit's row from its score and live evidence."""
    return UnitRow(
        unit.id,
        unit.name,
        unit.area,
        phase,
        unit.type,
        summary.score,
        summary.status,
        summary.completeness,
        summary.blocker_count,
        summary.overdue_count,
        training,
        equipment,
        summary.unattested_count,
        summary.inconsistent_count,
        summary.evidence_age_days,
        summary.reason,
    )


_RANK = {status: rank for rank, status in enumerate(STATUSES)}


def row_rank(row: UnitRow) -> tuple[int, float, str]:
    """Return the sort key that orders rows red, amber, not-started, green, then by score,
    then by id."""
    return (_RANK[row.status], row.score, row.unit)


def summary(rows: Sequence[UnitRow]) -> dict[str, Any]:
    """Return the number of units per status and the mean score (0 with no units)."""
    return summary_of([(r.status, r.score) for r in rows])


def summary_of(rows: Sequence[tuple[str, float]]) -> dict[str, Any]:
    """Return ``summary`` of rows given as (status, score)."""
    counts: dict[str, Any] = {"units": len(rows)}
    for status in SUMMARY_KEYS:
        counts[status] = sum(1 for r in rows if r[0] == status)
    counts["mean_score"] = sum(r[1] for r in rows) / len(rows) if rows else 0.0
    return counts


def summaries_by(rows: Sequence[UnitRow], key: str) -> dict[str, dict[str, Any]]:
    """Return a summary per value of ``key`` (area, type or phase), in first-seen order."""
    groups: dict[str, list[UnitRow]] = {}
    for row in rows:
        groups.setdefault(str(getattr(row, key)), []).append(row)
    return {k: summary(v) for k, v in groups.items()}


@dataclass(frozen=True, slots=True)  # a region's report holds a hundred thousand and more
class BlockerItem:
    unit: str
    name: str
    question: str
    due: date | None
    days_overdue: int
    owner: str | None
    blocker: bool
    waiver: dict[str, Any] | None
    waiting_for: tuple[str, ...]  # its prerequisites that are not done (a parent's as "^id")
    inconsistent: bool  # answered as done while a prerequisite is not

    @property
    def late(self) -> bool:
        """Return True for a blocker or an overdue critical item (waived or not)."""
        return self.days_overdue > 0


def summary_blockers(unit: Unit, summary: UnitScore, as_of: date) -> list[BlockerItem]:
    """Return the unit's blockers and overdue critical items (each with the waiver that covers
    it and the prerequisites it waits for), then its inconsistent items, from its score."""
    waits = {w.question.id: w for w in summary.waiting}
    late = {question.id for question, _due, _waiver in summary.late_critical}

    def item(question: Question, due: date | None, waiver: Waiver | None) -> BlockerItem:
        waiting = waits.get(question.id)
        return BlockerItem(
            unit.id,
            unit.name,
            question.id,
            due,
            max((as_of - due).days, 0) if due else 0,
            question.owner,
            question.id in late and waiver is None,
            {
                "reason": waiver.reason,
                "until": waiver.until.isoformat(),
                "by": waiver.by,
                "approved_by": waiver.approved_by,
            }
            if waiver
            else None,
            waiting.waiting_for if waiting else (),
            bool(waiting and waiting.inconsistent),
        )

    found = [item(question, due, waiver) for question, due, waiver in summary.late_critical]
    found += [
        item(w.question, w.due, None)
        for w in summary.waiting
        if w.inconsistent and w.question.id not in late
    ]
    return found


def blocker_order(item: BlockerItem) -> tuple[int, str, str]:
    """Return the one sort key of blocker lists: longest overdue first, then unit, question."""
    return (-item.days_overdue, item.unit, item.question)


GATES = {"red": frozenset({"red"}), "amber": frozenset({"red", "amber"})}


def gate_count(statuses: Iterable[str], fail_on: str) -> int:
    """Return how many of ``statuses`` fail the ``--fail-on`` gate (red, or red or amber)."""
    return sum(1 for s in statuses if s in GATES.get(fail_on, ()))


def gate_failed(statuses: Iterable[str], fail_on: str | None) -> bool:
    """Return True when ``--fail-on`` fails: a unit is red (``red``), or red or amber
    (``amber``). Without a gate nothing fails. An unknown gate is a ValueError."""
    if fail_on is None:
        return False
    if fail_on not in GATES:
        raise ValueError(_("expected red or amber, got {fail_on!r}").format(fail_on=fail_on))
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


# ---------------------------------------------------------------- what moved between two rounds


@dataclass(frozen=True)
class RoundRow:
    """A unit's figures in one round (a snapshot, or now). ``blocker_questions`` is None when
    the round did not record which questions were blockers (rounds taken before fvm 0.5)."""

    unit: str
    name: str
    area: str
    status: str
    score: float
    blockers: int
    blocker_questions: frozenset[str] | None


@dataclass(frozen=True)
class Movement:
    """A unit present in both rounds: its status and score before and after."""

    unit: str
    name: str
    area: str
    status_from: str
    status_to: str
    score_from: float
    score_to: float

    @property
    def change(self) -> float:
        return self.score_to - self.score_from

    @property
    def steps(self) -> int:
        """Return how many places the status moved on the scale red, amber, not-started,
        green: negative when it got worse."""
        return STATUSES.index(self.status_to) - STATUSES.index(self.status_from)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "area": self.area,
            "status_from": self.status_from,
            "status_to": self.status_to,
            "score_from": self.score_from,
            "score_to": self.score_to,
            "change": self.change,
        }


@dataclass(frozen=True)
class RoundDiff:
    changed: list[Movement]  # status changed, worse first
    movements: list[Movement]  # largest score movements, either way
    new_blockers: list[tuple[str, str]]  # (unit, question)
    resolved_blockers: list[tuple[str, str]]
    blockers_known: bool  # False: a round did not record which questions were blockers
    by_area: dict[str, dict[str, Any]]
    added: list[str]  # units only in the later round
    removed: list[str]  # units only in the earlier round


def round_diff(before: Sequence[RoundRow], after: Sequence[RoundRow], top: int = 10) -> RoundDiff:
    """Return what moved from one round to the next: status changes (worse first, the larger
    fall first), new and resolved blockers, the ``top`` largest score movements, and a summary
    per area (units, mean score before and after, units better and worse, blockers)."""
    old = {r.unit: r for r in before}
    new = {r.unit: r for r in after}
    both = [
        Movement(n.unit, n.name, n.area, old[u].status, n.status, old[u].score, n.score)
        for u, n in new.items()
        if u in old
    ]
    changed = sorted(
        (m for m in both if m.steps),
        key=lambda m: (m.steps > 0, -abs(m.steps), -abs(m.change), m.unit),
    )
    movements = sorted(
        (m for m in both if abs(m.change) > 1e-9), key=lambda m: (-abs(m.change), m.unit)
    )[:top]
    known = all(r.blocker_questions is not None for r in (*before, *after))
    new_blockers: list[tuple[str, str]] = []
    resolved: list[tuple[str, str]] = []
    if known:
        for unit in sorted(set(old) | set(new)):
            was = old[unit].blocker_questions if unit in old else frozenset()
            now = new[unit].blocker_questions if unit in new else frozenset()
            new_blockers += [(unit, q) for q in sorted((now or frozenset()) - (was or frozenset()))]
            resolved += [(unit, q) for q in sorted((was or frozenset()) - (now or frozenset()))]
    by_area: dict[str, dict[str, Any]] = {}
    for area in dict.fromkeys([*(r.area for r in after), *(r.area for r in before)]):
        was_rows = [r for r in before if r.area == area]
        now_rows = [r for r in after if r.area == area]
        moved = [m for m in both if m.area == area]
        by_area[area] = {
            "units": len(now_rows),
            "mean_from": _mean([r.score for r in was_rows]),
            "mean_to": _mean([r.score for r in now_rows]),
            "worse": sum(1 for m in moved if m.steps < 0),
            "better": sum(1 for m in moved if m.steps > 0),
            "blockers_from": sum(r.blockers for r in was_rows),
            "blockers_to": sum(r.blockers for r in now_rows),
        }
    return RoundDiff(
        changed,
        movements,
        new_blockers,
        resolved,
        known,
        by_area,
        sorted(set(new) - set(old)),
        sorted(set(old) - set(new)),
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
