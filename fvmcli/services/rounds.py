"""Assessment rounds: snapshots of the territory's figures, their trend, and what moved."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fvmcli.core.cutover import RoundDiff, RoundRow
from fvmcli.core.model import Checklist
from fvmcli.errors import InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.cutover import TerritoryStatus, blocker_questions, territory_status
from fvmcli.services.territory import UnitFilter, require_right, select


@dataclass(frozen=True)
class Snapshot:
    label: str
    units: int
    as_of: date
    replaced: bool


def snapshot(
    ctx: Context,
    label: str,
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
    replace: bool = False,
    by: str | None = None,
) -> Snapshot:
    """Freeze every unit's figures as of a day under ``label`` (an assessment round). A label
    already taken is a conflict unless ``replace``: a round is not overwritten by mistake."""
    from fvmcli.core.values import check_id
    from fvmcli.errors import ConflictError
    from fvmcli.store.snapshots import save_snapshot, snapshot_exists

    try:
        check_id(label, what="label")
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    status = territory_status(ctx, checklist_id=checklist_id, as_of=as_of)
    blocking = blocker_questions(status)
    rows = [
        {
            "unit_id": r.unit,
            "area": r.area,
            "phase": r.phase,
            "type": r.type,
            "score": r.score,
            "status": r.status,
            "completeness": r.completeness,
            "blockers": r.blockers,
            "overdue": r.overdue,
            "training_coverage": r.training_coverage,
            "equipment_readiness": r.equipment_readiness,
            "blocker_questions": json.dumps(sorted(blocking.get(r.unit, ())), ensure_ascii=False),
        }
        for r in status.rows
    ]
    with ctx.open().write() as conn:
        require_right(ctx, conn, "territory")
        if not replace and snapshot_exists(conn, label):
            raise ConflictError(
                _("a snapshot {label!r} exists already").format(label=label),
                hint=_("Take it under another label, or add --replace to overwrite it."),
            )
        replaced = save_snapshot(
            conn,
            label,
            status.checklist.id,
            status.as_of,
            rows,
            by=ctx.actor(by),
            at=ctx.clock.now(),
            content_version=ctx.content_version[0] if ctx.content_version else None,
        )
    return Snapshot(label, len(rows), status.as_of, replaced)


def trend(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    selected: Collection[str] | None = None,
) -> dict[str, Any]:
    """Return each selected unit's and each area's score across snapshots, oldest first;
    ``selected`` gives the ids ``chosen`` selects when the caller has them already (a
    report's status), so that the units are not read again."""
    from fvmcli.core.cutover import trend as trend_of
    from fvmcli.store.snapshots import list_snapshots, snapshot_rows

    with ctx.open().read() as conn:
        ids = (
            set(selected)
            if selected is not None
            else {u.id for u in select(ctx, conn, chosen).units}
        )
        taken = list_snapshots(conn, ctx.checklist(checklist_id).id)
        rows = [r for r in snapshot_rows(conn, [s["label"] for s in taken]) if r["unit_id"] in ids]
    return trend_of(taken, rows)


@dataclass(frozen=True)
class RoundSide:
    label: str  # a snapshot label, or "now"
    as_of: date


@dataclass(frozen=True)
class Diff:
    """What moved between two assessment rounds, for ``cutover diff`` and ``report --since``."""

    checklist: Checklist
    start: RoundSide
    end: RoundSide
    moved: RoundDiff
    texts: dict[str, str]  # question id → its text in the user's language
    # What a person reads instead of ids: unit id → name, area id → name.
    names: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Return the ``cutover diff --json`` document (see ``docs/decisions.md``)."""
        m = self.moved

        def pairs(found: list[tuple[str, str]]) -> list[dict[str, str]]:
            return [{"unit": u, "question": q} for u, q in found]

        return {
            "checklist": self.checklist.id,
            "from": {"label": self.start.label, "as_of": self.start.as_of.isoformat()},
            "to": {"label": self.end.label, "as_of": self.end.as_of.isoformat()},
            "changed": [
                {**c.as_dict(), "direction": "worse" if c.steps < 0 else "better"}
                for c in m.changed
            ],
            "new_blockers": pairs(m.new_blockers),
            "resolved_blockers": pairs(m.resolved_blockers),
            "blockers_known": m.blockers_known,
            "movements": [c.as_dict() for c in m.movements],
            "by_area": m.by_area,
            "added": m.added,
            "removed": m.removed,
        }


NOW = "now"


def diff(
    ctx: Context,
    start: str,
    end: str = NOW,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    top: int = 10,
    current: TerritoryStatus | None = None,
) -> Diff:
    """Return what moved from round ``start`` (a snapshot label) to round ``end`` (a label, or
    ``now``: the figures of today, or of ``current`` when the caller has them), over the
    selected units."""
    from fvmcli.core.cutover import round_diff
    from fvmcli.store.snapshots import list_snapshots, snapshot_rows

    checklist = ctx.checklist(checklist_id)
    if top < 1:
        raise InputError(_("--top: expected a whole number from 1, got {top}").format(top=top))
    with ctx.open().read() as conn:
        units = select(ctx, conn, chosen).units
        taken = {s["label"]: s for s in list_snapshots(conn, checklist.id)}
        labels = [label for label in (start, end) if label != NOW]
        for label in labels:
            if label not in taken:
                known = ", ".join(taken) or _("none yet")
                raise UnknownIdError(
                    _("no snapshot {label!r} of checklist {id} (taken: {known})").format(
                        label=label, id=checklist.id, known=known
                    ),
                    hint=_(
                        "Take one with 'fvm cutover snapshot LABEL'; 'fvm cutover trend' lists "
                        "the rounds."
                    ),
                )
        frozen = snapshot_rows(conn, labels)
    names = {u.id: u.name for u in units}
    keep = None if chosen.everything else set(names)
    now_rows: list[RoundRow] = []
    day = ctx.clock.today()
    if NOW in (start, end):
        status = current or territory_status(ctx, chosen, checklist_id=checklist.id)
        day = status.as_of
        blocking = blocker_questions(status)
        now_rows = [
            RoundRow(
                r.unit,
                r.name,
                r.area,
                r.status,
                r.score,
                r.blockers,
                frozenset(blocking.get(r.unit, ())),
            )
            for r in status.rows
        ]

    def side(label: str) -> tuple[RoundSide, list[RoundRow]]:
        if label == NOW:
            return RoundSide(NOW, day), now_rows
        rows = [
            RoundRow(
                r["unit_id"],
                names.get(r["unit_id"], r["unit_id"]),
                r["area"],
                r["status"],
                r["score"],
                r["blockers"],
                _frozen_questions(r["blocker_questions"]),
            )
            for r in frozen
            if r["label"] == label and (keep is None or r["unit_id"] in keep)
        ]
        _check_frozen(label, rows)
        return RoundSide(label, taken[label]["as_of"]), rows

    from fvmcli.core.territory import territory_names

    (first, before), (last, after) = side(start), side(end)
    return Diff(
        checklist,
        first,
        last,
        round_diff(before, after, top),
        {q.id: q.text.get(ctx.lang) for q in checklist.questions},
        {
            "unit": {r.unit: r.name for r in [*before, *after]},
            "area": territory_names(ctx.territory, ctx.lang)["area"],
        },
    )


def _check_frozen(label: str, rows: list[RoundRow]) -> None:
    """Refuse a round whose stored figures no program of ours could have written (a status
    outside the four, a score outside 0…1): the database has been changed by hand or damaged."""
    from fvmcli.core.scoring import STATUSES
    from fvmcli.errors import EnvironmentProblem

    for row in rows:
        score_ok = isinstance(row.score, int | float) and 0 <= row.score <= 1
        if row.status not in STATUSES or not score_ok:
            raise EnvironmentProblem(
                _(
                    "snapshot {label!r} holds figures fvm cannot have written for unit "
                    "{unit!r} (status {status!r}, score {score!r})"
                ).format(label=label, unit=row.unit, status=row.status, score=row.score),
                hint=_(
                    "The database was changed by hand or is damaged; take the round again "
                    "with 'fvm cutover snapshot LABEL --replace' if its day can be "
                    "recomputed."
                ),
            )


def _frozen_questions(text: str | None) -> frozenset[str] | None:
    """Return the blocker questions a snapshot row recorded; None when it recorded none or
    the record is not a list of ids (a round from before they were kept, or a damaged one)."""
    if text is None:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, list) or not all(isinstance(q, str) for q in found):
        return None
    return frozenset(found)
