"""Hypercare, the weeks after go-live (``scoring.md``, "Hypercare"): day numbers, each unit's
state on a day from its indicators, the pause criteria over a phase's units, and the verdict."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from fvmcli.core.gate import threshold_of
from fvmcli.core.model import Text
from fvmcli.i18n import _

UNIT_KINDS = ("count", "percent")  # what an indicator's values are
WORSE = ("higher", "lower")  # which way an indicator is worse
STATES = ("pause", "alert", "missing", "ok")  # a unit's states, worst first
KINDS = ("units_in_state", "indicator_total", "indicator_mean")
VERDICTS = ("continue", "pause")
DECISIONS = ("continue", "conditional", "pause")
# A hypercare decision in Swedish words (``cli.md``), as ``core.gate.DECISION_WORDS``.
DECISION_WORDS = {"fortsätt": "continue", "villkorat": "conditional", "pausa": "pause"}
# The kind a proposal's checklist column names when it is a hypercare proposal.
PROPOSAL_KIND = "hypercare"


def decision_choices(hypercare: bool) -> tuple[tuple[str, ...], dict[str, str], str]:
    """Return the decisions a proposal takes, their Swedish words, and the one that stops
    (needs no reason against failed criteria): continue, conditional or pause for a hypercare
    proposal, the gate's go, conditional or no-go for the rest."""
    from fvmcli.core.gate import DECISION_WORDS as GATE_WORDS
    from fvmcli.core.gate import DECISIONS as GATE_DECISIONS

    if hypercare:
        return DECISIONS, DECISION_WORDS, "pause"
    return GATE_DECISIONS, GATE_WORDS, "no-go"


@dataclass(frozen=True)
class Indicator:
    """A figure each unit reports every day of hypercare, and the values at or beyond which
    (≥ where higher is worse, ≤ where lower is) it puts the unit in alert and in the pause
    range (``unit_state``)."""

    id: str
    name: Text
    unit: str  # count | percent
    worse: str  # higher | lower
    alert: float
    pause: float


@dataclass(frozen=True)
class HypercareCriterion:
    """A pause criterion over a phase's units on one day: units in some states (``max_count``
    or ``max_share``), an indicator's total (``max``) or its mean (``min`` or ``max``)."""

    id: str
    text: Text
    kind: str
    required: bool = True
    states: tuple[str, ...] = ()
    indicator: str | None = None
    max_count: int | None = None
    max_share: float | None = None
    min: float | None = None
    max: float | None = None

    @property
    def threshold(self) -> float:
        """Return the threshold the figure is held against (``threshold_of``)."""
        return threshold_of(self.max_count, self.max_share, self.min, self.max)


@dataclass(frozen=True)
class Hypercare:
    """``checklists/hypercare.toml``: how many days hypercare lasts, the indicators and the
    pause criteria."""

    days: int
    indicators: tuple[Indicator, ...]
    criteria: tuple[HypercareCriterion, ...]

    def indicator(self, indicator_id: str) -> Indicator | None:
        """Return the indicator with this id, if any."""
        return next((i for i in self.indicators if i.id == indicator_id), None)

    @cached_property
    def limits(self) -> tuple[tuple[str, bool, float, float], ...]:
        """Return (id, higher is worse, alert, pause) of each indicator, in the file's order:
        what a unit's state is read from, thousands of times a day."""
        return tuple((i.id, i.worse == "higher", i.alert, i.pause) for i in self.indicators)


def day_number(go_live: date, day: date) -> int:
    """Return the hypercare day number of ``day``: 0 on go-live day."""
    return (day - go_live).days


def in_hypercare(go_live: date, day: date, days: int) -> bool:
    """Return True when ``day`` is day 0 … ``days`` − 1 of hypercare."""
    return 0 <= day_number(go_live, day) < days


def last_day(go_live: date, days: int) -> date:
    """Return the last day of hypercare."""
    return go_live + timedelta(days=days - 1)


@dataclass(frozen=True, slots=True)
class UnitState:
    """A unit's state on a day, its value of each indicator (None: not reported), and the
    indicators beyond their alert or pause value."""

    unit: str
    area: str
    state: str
    values: dict[str, float | None]
    beyond: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return the unit as ``hypercare status --json`` shows it."""
        return {
            "unit": self.unit,
            "state": self.state,
            # A whole value as an int (a count of 3 is 3, not 3.0).
            "values": {
                k: int(v) if v is not None and v % 1 == 0 else v for k, v in self.values.items()
            },
            "beyond": list(self.beyond),
        }


def unit_state(
    hypercare: Hypercare, unit: str, area: str, values: Mapping[str, float]
) -> UnitState:
    """Return the unit's state from its values of one day: ``pause`` when any indicator is
    beyond its pause value, else ``alert`` when any is beyond its alert value, else
    ``missing`` when an indicator has no value, else ``ok``. Missing data is never ok."""
    shown: dict[str, float | None] = {}
    beyond: list[str] = []
    pause = alert = missing = False
    for iid, higher, at_alert, at_pause in hypercare.limits:
        value = values.get(iid)
        shown[iid] = value
        if value is None:
            missing = True
        elif value >= at_pause if higher else value <= at_pause:
            beyond.append(iid)
            pause = True
        elif value >= at_alert if higher else value <= at_alert:
            beyond.append(iid)
            alert = True
    state = "pause" if pause else "alert" if alert else "missing" if missing else "ok"
    return UnitState(unit, area, state, shown, tuple(beyond))


def state_rank(state: UnitState) -> tuple[int, str]:
    """Return a unit's place worst first: by state, then by id."""
    return (STATES.index(state.state), state.unit)


@dataclass(frozen=True)
class HypercareResult:
    """A criterion on one day: its figure, whether it is met, and the units behind a
    failure, worst first."""

    criterion: HypercareCriterion
    value: float | None
    met: bool
    units: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return the result as ``hypercare status --json`` shows it (``cli.md``)."""
        return {
            "id": self.criterion.id,
            "met": self.met,
            "value": self.value,
            "threshold": self.criterion.threshold,
            "units": list(self.units),
        }


def evaluate(
    criterion: HypercareCriterion, states: Sequence[UnitState], hypercare: Hypercare
) -> HypercareResult:
    """Return the criterion's figure over the units' states of one day, whether it is met,
    and the units that count towards a failure, worst first."""
    value: float | None
    if criterion.kind == "units_in_state":
        behind = [s for s in states if s.state in criterion.states]
        if criterion.max_share is not None:
            value = len(behind) / len(states) if states else 0.0
            met = value <= criterion.max_share
        else:
            value = float(len(behind))
            met = value <= (criterion.max_count or 0)
        if met:
            return HypercareResult(criterion, value, met, ())
        return HypercareResult(
            criterion, value, met, tuple(s.unit for s in sorted(behind, key=state_rank))
        )
    iid = criterion.indicator or ""
    valued = [(v, s.unit) for s in states if (v := s.values.get(iid)) is not None]
    total = sum(v for v, _ in valued)
    if criterion.kind == "indicator_total":
        value = float(total)
        met = value <= (criterion.max or 0.0)
        counts = lambda v: v != 0  # noqa: E731 (the units behind a total: those with some)
    else:  # indicator_mean over the units with a value; none: not met
        value = total / len(valued) if valued else None
        limit = criterion.min if criterion.min is not None else (criterion.max or 0.0)
        if criterion.min is not None:
            met = value is not None and value >= limit
            counts = lambda v: v < limit  # noqa: E731
        else:
            met = value is not None and value <= limit
            counts = lambda v: v > limit  # noqa: E731
    if met:
        return HypercareResult(criterion, value, met, ())
    # Worst first: the largest values of an indicator where higher is worse.
    indicator = hypercare.indicator(iid)
    sign = -1 if indicator is None or indicator.worse == "higher" else 1
    worst = sorted((sign * v, unit) for v, unit in valued if counts(v))
    return HypercareResult(criterion, value, met, tuple(unit for _, unit in worst))


def evaluate_all(hypercare: Hypercare, states: Sequence[UnitState]) -> list[HypercareResult]:
    """Return every criterion's result on one day, in the file's order."""
    return [evaluate(c, states, hypercare) for c in hypercare.criteria]


def verdict(results: Iterable[HypercareResult]) -> str:
    """Return ``continue`` when every required criterion is met, else ``pause``."""
    return "continue" if all(r.met for r in results if r.criterion.required) else "pause"


def state_counts(states: Iterable[UnitState]) -> dict[str, int]:
    """Return how many units are in each state, every state named."""
    counts = dict.fromkeys(STATES, 0)
    for s in states:
        counts[s.state] += 1
    return counts


def parse_value(indicator: Indicator, text: str) -> float:
    """Return the value ``text`` gives for ``indicator``: a count is a whole number 0 or
    more, a percent a number from 0 to 100 (a decimal comma is fine); else ValueError."""
    from fvmcli.core.values import parse_count, parse_number

    if indicator.unit == "count":
        return float(parse_count(text, name=indicator.id))
    value = parse_number(text)
    if not 0 <= value <= 100:
        raise ValueError(
            _("{name} is a percent from 0 to 100, got {text!r}").format(
                name=indicator.id, text=text.strip()
            )
        )
    return value


def day_problem(day: date, go_live: date | None, days: int, today: date) -> str | None:
    """Return why no value can be recorded for ``day`` (None: it can): the phase has no
    go-live date, the day lies outside hypercare, or it has not come yet."""
    if go_live is None:
        return _("the unit's phase has no go-live date, so it has no hypercare")
    if not in_hypercare(go_live, day, days):
        return _("{day} is outside hypercare ({first} – {last})").format(
            day=day.isoformat(),
            first=go_live.isoformat(),
            last=last_day(go_live, days).isoformat(),
        )
    if day > today:
        return _("{day} has not come yet (today is {today})").format(
            day=day.isoformat(), today=today.isoformat()
        )
    return None
