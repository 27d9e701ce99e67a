"""Planning ahead for cutover leads: will each unit be green by go-live at its present pace?"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from fvmcli.core.forecast import Forecast
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter


@dataclass(frozen=True, slots=True)  # one a unit, kept for the whole territory
class UnitForecast:
    """One unit's forecast, with what a lead reads beside it."""

    unit: str
    name: str
    area: str
    phase: int
    blockers: int
    go_live: date | None
    found: Forecast

    def as_dict(self) -> dict[str, Any]:
        """Return the unit as ``cutover forecast --json`` shows it."""
        f = self.found
        return {
            "unit": self.unit,
            "name": self.name,
            "area": self.area,
            "phase": self.phase,
            "score": f.score,
            "slope_per_day": f.slope_per_day,
            "forecast": f.forecast,
            "projected": f.projected.isoformat() if f.projected else None,
            "days_late": f.days_late,
            "points": f.points,
            "go_live": self.go_live.isoformat() if self.go_live else None,
            "blockers": self.blockers,
        }


@dataclass(frozen=True)
class PhaseChart:
    """What the report draws of a phase for the steering group: the share of its units that
    were green in each round and are green now, and the share forecast to be green by
    go-live (ready or on track), never a mean that hides the late units."""

    phase: int
    go_live: date | None
    points: list[tuple[date, float]]  # (day, share of the phase's units green then), by day
    by_go_live: float | None  # share ready or on track now; None without a go-live


@dataclass(frozen=True)
class TerritoryForecast:
    """Every selected unit's forecast, worst first, with counts per phase and area."""

    as_of: date
    checklist: str
    green: float
    units: list[UnitForecast]
    charts: list[PhaseChart]

    def summary(self) -> dict[str, int]:
        """Return the number of units per forecast."""
        from fvmcli.core.forecast import counts

        return counts(u.found for u in self.units)

    def summaries_by(self, key: str) -> dict[str, dict[str, int]]:
        """Return the number of units per forecast in each phase or area."""
        from fvmcli.core.forecast import counts

        groups: dict[str, list[Forecast]] = defaultdict(list)
        for u in self.units:
            groups[str(getattr(u, key))].append(u.found)
        return {k: counts(v) for k, v in sorted(groups.items())}

    def as_json(self) -> dict[str, Any]:
        """Return the ``cutover forecast --json`` document of ``cli.md``."""
        return {
            "as_of": self.as_of.isoformat(),
            "checklist": self.checklist,
            "green": self.green,
            "units": [u.as_dict() for u in self.units],
            "summary": self.summary(),
            "by_phase": self.summaries_by("phase"),
            "by_area": self.summaries_by("area"),
        }


def territory_forecast(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
    status: Any = None,
) -> TerritoryForecast:
    """Return the forecast of every selected unit as of a day (default today), from its
    scores in the stored rounds of the checklist and its score now, worst first. ``status``
    is the selection's ``TerritoryStatus`` when the caller has it already (the report)."""
    from fvmcli.core.forecast import ON_TRACK, READY, UnitNow, forecast, worst_first_key
    from fvmcli.services.cutover import territory_status
    from fvmcli.store.reads import go_live_dates
    from fvmcli.store.snapshots import unit_rounds

    with ctx.open().snapshot():  # the scores now and the rounds of one moment
        if status is None:
            status = territory_status(
                ctx, chosen, checklist_id=checklist_id, as_of=as_of, detail=False
            )
        checklist, day = status.checklist, status.as_of
        chosen_ids = {r.unit for r in status.rows}
        with ctx.open().read() as conn:
            rounds = unit_rounds(conn, checklist.id, chosen_ids)
            go_live = go_live_dates(conn)
    round_green: dict[tuple[int, date], list[bool]] = defaultdict(list)
    for r in status.rows:  # a round's share green per phase, over the units of the phase now
        for when, _, was in rounds.get(r.unit, []):
            round_green[(r.phase, when)].append(was == "green")
    units = [
        UnitForecast(
            r.unit,
            r.name,
            r.area,
            r.phase,
            r.blockers,
            go_live.get(r.phase),
            forecast(
                [(t, s) for t, s, _ in rounds.get(r.unit, [])],
                day,
                UnitNow(r.score, r.status, r.blockers),
                checklist.green,
                go_live.get(r.phase),
            ),
        )
        for r in status.rows
    ]
    units.sort(key=lambda u: (*worst_first_key(u.found), u.unit))
    charts = []
    for phase in sorted({r.phase for r in status.rows}):
        shares = {w: sum(g) / len(g) for (p, w), g in round_green.items() if p == phase}
        now = [r.status == "green" for r in status.rows if r.phase == phase]
        shares[day] = sum(now) / len(now)  # the phase now, as the units' points end now
        ahead = [u.found.forecast in (READY, ON_TRACK) for u in units if u.phase == phase]
        charts.append(
            PhaseChart(
                phase,
                go_live.get(phase),
                sorted(shares.items()),
                sum(ahead) / len(ahead) if go_live.get(phase) else None,
            )
        )
    return TerritoryForecast(day, checklist.id, checklist.green, units, charts)
