"""Hypercare, the weeks after go-live: each unit's daily values recorded one by one or from
the daily export of an incident or staffing system, each unit's state on a day, the pause
criteria and their verdict, and the same day after day since go-live."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.core.hypercare import (
    HypercareResult,
    UnitState,
    day_number,
    day_problem,
    evaluate_all,
    last_day,
    parse_value,
    state_counts,
    state_rank,
    unit_state,
    verdict,
)
from fvmcli.core.values import check_text
from fvmcli.errors import InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import (
    check_phase,
    parse_day,
    require_right,
    require_unit,
    selection_areas,
)

if TYPE_CHECKING:
    from fvmcli.services.proposals import Proposed
    from fvmcli.store.driver import Connection


@dataclass(frozen=True)
class RecordedValue:
    """A value recorded: the unit, indicator, day and value, and what became of the record
    (``added``, ``changed`` or ``unchanged``)."""

    unit: str
    indicator: str
    day: date
    value: float
    outcome: str


def _go_live(conn: Connection, ctx: Context, area: str) -> date | None:
    from fvmcli.store.reads import go_live_dates

    return go_live_dates(conn).get(ctx.territory.phase_of(area))


def record_value(
    ctx: Context,
    unit_id: str,
    indicator_id: str,
    value: str,
    *,
    day: str | None = None,
    comment: str | None = None,
    by: str | None = None,
) -> RecordedValue:
    """Record a unit's value of an indicator on a day of hypercare (default today); a later
    value for the same day replaces it, the history keeping both."""
    from fvmcli.store.hypercare import HypercareValue, put_values

    hypercare = ctx.hypercare
    indicator = hypercare.indicator(indicator_id)
    if indicator is None:
        raise UnknownIdError(
            _("unknown indicator {indicator!r} (known: {known})").format(
                indicator=indicator_id, known=", ".join(i.id for i in hypercare.indicators)
            )
        )
    try:
        number = parse_value(indicator, value)
        note = check_text(comment.strip() if comment else None, "--comment") or None
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    when = parse_day(ctx, day, "--day")
    with ctx.open().write() as conn:
        unit = require_unit(conn, unit_id)
        require_right(ctx, conn, "report", [unit])
        why = day_problem(when, _go_live(conn, ctx, unit.area), hypercare.days, ctx.clock.today())
        if why is not None:
            raise InputError(f"--day: {why}")
        done = put_values(
            conn,
            [HypercareValue(unit.id, indicator.id, when, number, note)],
            by=ctx.actor(by),
            at=ctx.clock.now(),
        )
    outcome = "added" if done.added else "changed" if done.changed else "unchanged"
    return RecordedValue(unit.id, indicator.id, when, number, outcome)


@dataclass(frozen=True)
class ValuesImported:
    """What an import stored (or would store, in a dry run)."""

    values: int
    added: int
    changed: int
    unchanged: int
    units: int
    dry_run: bool


def import_values(
    ctx: Context,
    file: Path,
    *,
    dry_run: bool = False,
    by: str | None = None,
    encoding: str | None = None,
) -> ValuesImported:
    """Store the values of a CSV or XLSX file (unit, indicator, day, value[, comment]; Swedish
    headings too) in one transaction; nothing is stored if any row is bad, and every bad row
    is named."""
    from fvmcli.content.csvfile import reading
    from fvmcli.content.hypercare_file import parse_values, read_rows
    from fvmcli.store.hypercare import put_values
    from fvmcli.store.reads import go_live_dates, list_units

    hypercare = ctx.hypercare
    with reading(encoding):
        rows = read_rows(file)
        named = sorted({r.get("unit") or "" for r in rows})
        with ctx.open().write(dry_run=dry_run) as conn:
            units = list_units(conn, ids=named)
            dates = go_live_dates(conn)
            go_live_of = {u.id: dates.get(ctx.territory.phase_of(u.area)) for u in units}
            found = parse_values(rows, str(file), hypercare, go_live_of, ctx.clock.today())
            require_right(ctx, conn, "report", units)
            del rows
            done = put_values(conn, found, by=ctx.actor(by), at=ctx.clock.now())
    return ValuesImported(
        len(found), done.added, done.changed, done.unchanged, len({v[0] for v in found}), dry_run
    )


@dataclass(frozen=True)
class HypercareDay:
    """A phase's units on one day of hypercare: each unit's state (worst first), every
    criterion's result and the verdict."""

    phase: int
    go_live: date
    day: date
    units: list[UnitState]
    results: list[HypercareResult]

    @property
    def day_number(self) -> int:
        """Return the day's number: 0 on go-live day."""
        return day_number(self.go_live, self.day)

    @property
    def verdict(self) -> str:
        """Return ``continue`` when every required criterion is met, else ``pause``."""
        return verdict(self.results)

    def counts(self) -> dict[str, int]:
        """Return how many units are in each state."""
        return state_counts(self.units)

    def document(self) -> dict[str, Any]:
        """Return the JSON document of ``hypercare status`` (``cli.md``)."""
        return {
            "phase": self.phase,
            "day": self.day.isoformat(),
            "day_number": self.day_number,
            "verdict": self.verdict,
            "units": [u.as_dict() for u in self.units],
            "criteria": [r.as_dict() for r in self.results],
        }

    def evidence(self) -> dict[str, Any]:
        """Return the evidence a hypercare proposal freezes (``scoring.md``, "Hypercare"):
        the units' states and values and the criteria's results of the day, by id."""
        return {
            "kind": "hypercare",
            "phase": self.phase,
            "as_of": self.day.isoformat(),
            "day_number": self.day_number,
            "go_live": self.go_live.isoformat(),
            "units": [u.as_dict() for u in sorted(self.units, key=lambda u: u.unit)],
            "criteria": [
                r.as_dict() | {"kind": r.criterion.kind, "required": r.criterion.required}
                for r in sorted(self.results, key=lambda r: r.criterion.id)
            ],
        }


def _scope(ctx: Context, phase: int, area: str | None) -> Any:
    from fvmcli.store.reads import Scope

    check_phase(ctx, phase)
    areas = selection_areas(ctx, area, phase) or []
    if area is not None and not areas:
        raise InputError(_("--area {area} is not in phase {phase}").format(area=area, phase=phase))
    return Scope(areas=tuple(areas))


def _phase_go_live(ctx: Context, conn: Connection, phase: int) -> date:
    from fvmcli.store.reads import go_live_dates

    found = go_live_dates(conn).get(phase)
    if found is None:
        raise InputError(
            _("phase {phase} has no go-live date, so it has no hypercare").format(phase=phase),
            hint=_("Set it with:"),
            command=f"fvm phase set {phase} --go-live YYYY-MM-DD",
        )
    return found


def _day_in(ctx: Context, go_live: date, text: str | None) -> date:
    """Return the day ``--day`` names, by default today or, after hypercare, its last day;
    a day outside hypercare is refused."""
    days = ctx.hypercare.days
    end = last_day(go_live, days)
    day = parse_day(ctx, text, "--day") if text is not None else min(ctx.clock.today(), end)
    if not go_live <= day <= end:
        raise InputError(
            _("--day: {day} is outside hypercare ({first} – {last})").format(
                day=day.isoformat(), first=go_live.isoformat(), last=end.isoformat()
            )
        )
    return day


def evaluate_day(
    ctx: Context, conn: Connection, scope: Any, phase: int, go_live: date, day: date
) -> HypercareDay:
    """Return the units' states and the criteria on ``day`` over the scope's units."""
    from fvmcli.store.hypercare import day_values

    hypercare = ctx.hypercare
    states = [unit_state(hypercare, u, a, v) for u, a, v in day_values(conn, day, scope)]
    results = evaluate_all(hypercare, states)
    states.sort(key=state_rank)
    return HypercareDay(phase, go_live, day, states, results)


def phase_day(
    ctx: Context, conn: Connection, phase: int, day: str | None, area: str | None = None
) -> HypercareDay:
    """Return phase ``phase`` on a day of hypercare (``day``: default today), in ``conn``."""
    scope = _scope(ctx, phase, area)
    go_live = _phase_go_live(ctx, conn, phase)
    return evaluate_day(ctx, conn, scope, phase, go_live, _day_in(ctx, go_live, day))


def hypercare_status(
    ctx: Context, phase: int, *, day: str | None = None, area: str | None = None
) -> HypercareDay:
    """Return each unit's state on a day of phase ``phase``'s hypercare (default today), the
    criteria and the verdict."""
    ctx.hypercare  # noqa: B018 (a pack without hypercare says so before the database opens)
    with ctx.open().read() as conn:
        return phase_day(ctx, conn, phase, day, area)


def propose_hypercare(ctx: Context, phase: int, label: str, day: str | None) -> Proposed:
    """Freeze a day of phase ``phase``'s hypercare (default today) as a continue/pause
    proposal named ``label``: its units' states and values and the criteria, sealed with the
    gate's digest; refused (3) when the label is taken."""
    from fvmcli.core.hypercare import PROPOSAL_KIND
    from fvmcli.services.proposals import check_label, seal, vacant

    check_phase(ctx, phase)
    label = check_label(label)
    ctx.hypercare  # noqa: B018 (a pack without hypercare says so before the database opens)
    with ctx.open().write() as conn:
        vacant(ctx, conn, label)
        found = phase_day(ctx, conn, phase, day)
        return seal(ctx, conn, label, found, found.day, PROPOSAL_KIND)


@dataclass(frozen=True)
class TrendDay:
    """One day of the trend: units in each state, each criterion's result, the verdict."""

    day: date
    day_number: int
    counts: dict[str, int]
    results: list[HypercareResult]
    verdict: str

    def as_dict(self) -> dict[str, Any]:
        """Return the day as ``hypercare trend --json`` shows it."""
        return {
            "day": self.day.isoformat(),
            "day_number": self.day_number,
            "verdict": self.verdict,
            "states": self.counts,
            "criteria": [
                {"id": r.criterion.id, "met": r.met, "value": r.value} for r in self.results
            ],
        }


@dataclass(frozen=True)
class HypercareTrend:
    """Day by day since go-live, to today or the end of hypercare."""

    phase: int
    go_live: date
    days: list[TrendDay]

    def document(self) -> dict[str, Any]:
        """Return the JSON document of ``hypercare trend``."""
        return {
            "phase": self.phase,
            "go_live": self.go_live.isoformat(),
            "days": [d.as_dict() for d in self.days],
        }


def trend_days(
    ctx: Context, conn: Connection, phase: int, scope: Any, go_live: date
) -> Iterator[TrendDay]:
    """Yield each day of hypercare from go-live day to today (or its last day), one day's
    values in memory at a time."""
    end = min(ctx.clock.today(), last_day(go_live, ctx.hypercare.days))
    day = go_live
    while day <= end:
        found = evaluate_day(ctx, conn, scope, phase, go_live, day)
        # A day keeps its figures, not the units behind them: memory flat in the days.
        results = [replace(r, units=()) for r in found.results]
        yield TrendDay(day, found.day_number, found.counts(), results, found.verdict)
        day += timedelta(days=1)


def hypercare_trend(ctx: Context, phase: int, *, area: str | None = None) -> HypercareTrend:
    """Return phase ``phase`` day by day since go-live: units in each state, each criterion
    and the verdict."""
    ctx.hypercare  # noqa: B018
    scope = _scope(ctx, phase, area)
    with ctx.open().read() as conn:
        go_live = _phase_go_live(ctx, conn, phase)
        return HypercareTrend(phase, go_live, list(trend_days(ctx, conn, phase, scope, go_live)))
