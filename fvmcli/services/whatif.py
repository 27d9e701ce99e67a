"""What if a phase went live on another day: every rule evaluated with that date in place of
the phase's go-live, side by side with the real one. Nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fvmcli.core.cutover import row_rank
from fvmcli.core.forecast import UnitNow, forecast
from fvmcli.services.context import Context
from fvmcli.services.gate import GateEvaluation, check_phase, phase_evaluation
from fvmcli.services.territory import parse_day


@dataclass(frozen=True)
class WhatIf:
    """The phase at its real go-live and at the what-if date, and what changes."""

    phase: int
    as_of: date
    real: GateEvaluation
    moved: GateEvaluation
    units: list[dict[str, Any]]  # units whose status or forecast changes, worst first
    falling_due: int
    no_longer_overdue: int
    sessions: dict[str, list[int]]  # course → [sessions to add, at the what-if date]
    waivers_expiring: int
    # The items behind the counts, each {"unit", "question", "due"} (due at the what-if
    # date), and the waivers in force that would end first, each {"unit", "question", "until"}.
    items_falling_due: list[dict[str, Any]] = field(default_factory=list)
    items_no_longer_overdue: list[dict[str, Any]] = field(default_factory=list)
    waivers_expiring_list: list[dict[str, Any]] = field(default_factory=list)
    # unit → why its status is what it is now and at the what-if date (``StatusReason``):
    # what holds back a unit whose forecast is "held".
    reasons: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """Return the JSON document of ``cutover whatif`` (``cli.md``)."""
        return {
            "phase": self.phase,
            "go_live": self.real.go_live.isoformat() if self.real.go_live else None,
            "what_if": self.moved.go_live.isoformat() if self.moved.go_live else None,
            "as_of": self.as_of.isoformat(),
            "units": self.units,
            "items": {
                "falling_due": self.falling_due,
                "no_longer_overdue": self.no_longer_overdue,
            },
            "items_falling_due": self.items_falling_due,
            "items_no_longer_overdue": self.items_no_longer_overdue,
            "sessions_to_add": self.sessions,
            "waivers_expiring": self.waivers_expiring,
            "waivers_expiring_list": self.waivers_expiring_list,
            "criteria": [
                {"id": a.criterion.id, "met": a.met, "met_if": b.met}
                for a, b in zip(self.real.results, self.moved.results, strict=True)
            ],
        }


def what_if(ctx: Context, phase: int, go_live: str, as_of: str | None = None) -> WhatIf:
    """Return phase ``phase`` as it is and as if it went live on ``go_live``: statuses,
    forecasts, items falling due, the training plan, waivers expiring and the gate. A waiver
    counts as expiring when it is in force on the as-of day (``active_waiver``: under four
    eyes, approved by another person and not rejected) and ends before the what-if date."""
    from fvmcli.core.scoring import active_waiver
    from fvmcli.services.plan import course_plan
    from fvmcli.store.reads import waivers_by_unit
    from fvmcli.store.snapshots import unit_rounds

    check_phase(ctx, phase)
    day = parse_day(ctx, as_of)
    moved_to = parse_day(ctx, go_live, "--go-live")
    with ctx.open().read() as conn:
        real = phase_evaluation(ctx, conn, phase, day, detail=True)
        moved = phase_evaluation(ctx, conn, phase, day, go_live=moved_to, detail=True)
        ids = [r.unit for r in real.rows]
        rounds = unit_rounds(conn, real.checklist.id, set(ids))
        waivers = waivers_by_unit(conn, real.checklist.id, ids)
    green = real.checklist.green
    after = {r.unit: r for r in moved.rows}
    changed: list[tuple[Any, dict[str, Any]]] = []
    reasons: dict[str, tuple[Any, Any]] = {}
    for row in real.rows:
        other = after[row.unit]
        points = [(t, s) for t, s, _ in rounds.get(row.unit, [])]
        now = forecast(
            points, day, UnitNow(row.score, row.status, row.blockers), green, real.go_live
        )
        then = forecast(
            points, day, UnitNow(other.score, other.status, other.blockers), green, moved.go_live
        )
        if row.status != other.status or now.forecast != then.forecast:
            reasons[row.unit] = (row.reason, other.reason)
            changed.append(
                (
                    row_rank(other),
                    {
                        "unit": row.unit,
                        "status": row.status,
                        "status_if": other.status,
                        "forecast": now.forecast,
                        "forecast_if": then.forecast,
                    },
                )
            )
    plans = [course_plan(ctx, phase, as_of=day, go_live=g) for g in (real.go_live, moved_to)]
    moved_plan = {c.course: c.total.sessions_to_add for c in plans[1].courses}
    sessions = {
        c.course: [c.total.sessions_to_add, moved_plan.get(c.course, 0)] for c in plans[0].courses
    }
    four_eyes = ctx.territory.four_eyes
    expiring = [
        {"unit": unit, "question": w.question, "until": w.until.isoformat()}
        for unit in ids
        for w in waivers.get(unit, {}).values()
        if active_waiver(w, day, four_eyes) is not None and w.until < moved_to
    ]
    expiring.sort(key=lambda w: (w["until"], w["unit"], w["question"]))
    before = {(u, q) for u, q, _ in real.overdue}
    then_due = {(u, q): due for u, q, due in moved.overdue}
    falling = [
        {"unit": u, "question": q, "due": due.isoformat()}
        for u, q, due in moved.overdue
        if (u, q) not in before
    ]
    lifted = [
        {"unit": u, "question": q, "due": _due(moved, q)}
        for u, q, _ in real.overdue
        if (u, q) not in then_due
    ]
    return WhatIf(
        phase,
        day,
        real,
        moved,
        [found for _, found in sorted(changed, key=lambda pair: pair[0])],
        len(falling),
        len(lifted),
        sessions,
        len(expiring),
        falling,
        lifted,
        expiring,
        reasons,
    )


def _due(found: GateEvaluation, question: str) -> str | None:
    """Return a question's due date with the evaluation's go-live (ISO), None when unknown."""
    from fvmcli.core.deadlines import due_date

    known = found.checklist.question(question)
    day = due_date(found.go_live, known.due) if known is not None else None
    return day.isoformat() if day else None
