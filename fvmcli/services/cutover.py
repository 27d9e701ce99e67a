"""Cutover: the territory picture, the go/no-go gate, blockers, rounds and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from fvmcli.core.cutover import BlockerItem, UnitRow
from fvmcli.core.equipment import ItemTotal
from fvmcli.core.model import Checklist
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, parse_day

if TYPE_CHECKING:
    from fvmcli.services.rounds import Diff


@dataclass(frozen=True)
class CoverageRow:
    unit: str
    name: str
    area: str
    people: int
    required: int
    completed: int
    coverage: float | None


@dataclass(frozen=True)
class TerritoryStatus:
    """The territory as of a day: units worst first, their blockers (one order, longest overdue
    first), training coverage, equipment needs, and whether the ``--fail-on`` gate failed."""

    checklist: Checklist
    as_of: date
    rows: Sequence[UnitRow]  # worst first
    blockers: list[BlockerItem] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    needs: list[ItemTotal] = field(default_factory=list)
    gate_failed: bool = False
    undated_phases: list[int] = field(default_factory=list)  # selected, with no go-live yet

    @cached_property
    def _summaries(self) -> dict[str, Any]:
        """Return the summary of all rows and per area, type and phase, made in one pass."""
        from fvmcli.core.cutover import summaries_by, summary

        return {
            "all": summary(self.rows),
            **{key: summaries_by(self.rows, key) for key in ("area", "type", "phase")},
        }

    def summary(self) -> dict[str, Any]:
        """Return the number of units per status and the mean score."""
        found: dict[str, Any] = self._summaries["all"]
        return found

    def failing(self, fail_on: str) -> int:
        """Return how many units fail the ``--fail-on`` gate."""
        from fvmcli.core.cutover import gate_count

        return gate_count((r.status for r in self.rows), fail_on)

    def summaries_by(self, key: str) -> dict[str, dict[str, Any]]:
        """Return a summary per area, type or phase."""
        found: dict[str, dict[str, Any]] = self._summaries[key]
        return found

    def as_json(self, *, stream: bool = False) -> dict[str, Any]:
        """Return the ``cutover status --json`` document of ``cli.md``; with ``stream`` its
        units come as an iterator, each made as it is written (a region's worth of unit
        objects never exists at once)."""
        units = (r.as_dict() for r in self.rows)
        return {
            "as_of": self.as_of.isoformat(),
            "checklist": self.checklist.id,
            "units": units if stream else list(units),
            "summary": self.summary(),
            "by_area": self.summaries_by("area"),
            "by_type": self.summaries_by("type"),
            "by_phase": self.summaries_by("phase"),
        }


def territory_status(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
    fail_on: str | None = None,
    detail: bool = True,
) -> TerritoryStatus:
    """Return every selected unit's readiness, worst first, with a fixed number of queries
    whatever the number of units; ``fail_on`` (red or amber) sets ``gate_failed``. Without
    ``detail`` only the unit rows are made (no blockers, coverage or needs).

    Units are scored by the one scorer (``core.scoring.score_unit``) as their records stream
    past unit by unit; only each unit's row is kept."""
    from fvmcli.core.cutover import (
        blocker_order,
        gate_failed,
        row_rank,
        summary_blockers,
        summary_row,
    )
    from fvmcli.core.equipment import needs_list, needs_start
    from fvmcli.core.model import Unit
    from fvmcli.services.readiness import territory_summaries
    from fvmcli.services.territory import (
        check_fit,
        check_type,
        refuse_unknown,
        selection_areas,
    )
    from fvmcli.store.reads import Scope, go_live_dates

    try:
        gate_failed([], fail_on)
    except ValueError as exc:
        raise InputError(_("--fail-on: {exc}").format(exc=exc)) from exc
    checklist = ctx.checklist(checklist_id)
    day = as_of if isinstance(as_of, date) else parse_day(ctx, as_of)
    areas = selection_areas(ctx, chosen.area, chosen.phase)
    scope = Scope(
        tuple(chosen.unit_ids) or None,
        tuple(areas) if areas is not None else None,
        check_type(ctx, chosen.unit_type),
    )
    phase_of = ctx.territory.phase_of
    rows: list[UnitRow] = []
    blockers: list[BlockerItem] = []
    coverage: list[CoverageRow] = []
    needs = needs_start(ctx.catalog) if detail else None
    misfits: list[Unit] = []
    seen: set[str] = set()
    phases: set[int] = set()
    with ctx.open().read() as conn:
        dated = go_live_dates(conn)
        for unit, summary, figures in territory_summaries(
            ctx, conn, checklist, scope, day, needs=needs, misfits=misfits
        ):
            c = figures.coverage
            phase = phase_of(unit.area)
            phases.add(phase)
            if scope.ids:
                seen.add(unit.id)
            rows.append(summary_row(unit, phase, summary, c.percent, figures.readiness))
            if detail:
                blockers += summary_blockers(unit, summary, day)
                coverage.append(
                    CoverageRow(
                        unit.id, unit.name, unit.area, c.people, c.required, c.completed, c.percent
                    )
                )
        check_fit(ctx, misfits)
        if scope.ids and len(seen) < len(set(scope.ids)):
            refuse_unknown(conn, set(scope.ids) - seen)
    rows.sort(key=row_rank)
    coverage.sort(key=lambda r: (r.area, r.unit))  # the order of ``unit list``
    return TerritoryStatus(
        checklist,
        day,
        rows,
        sorted(blockers, key=blocker_order),
        coverage,
        needs_list(ctx.catalog, needs) if needs is not None else [],
        gate_failed((r.status for r in rows), fail_on),
        sorted(phases - set(dated)),
    )


@dataclass(frozen=True)
class BlockerList:
    """The territory's blockers and overdue critical items, longest overdue first, then its
    inconsistent items, each with its question's text in the user's language and the
    prerequisites it waits for (``cutover blockers``)."""

    as_of: date
    checklist: str
    items: list[dict[str, Any]]
    undated_phases: list[int]
    late: int = 0  # the items that are overdue critical items (blockers or waived)
    owners: dict[str, str] = field(default_factory=dict)  # owner id → name

    @property
    def blockers(self) -> int:
        """Return how many of the items are blockers (overdue, critical, not waived)."""
        return sum(1 for i in self.items if i["blocker"])

    @property
    def inconsistent(self) -> int:
        """Return how many of the items are answered as done while a prerequisite is not."""
        return sum(1 for i in self.items if i["inconsistent"])

    def as_json(self) -> dict[str, Any]:
        """Return the ``cutover blockers --json`` document of ``cli.md``."""
        from fvmcli.render.columns import BLOCKERS, data_rows

        return {
            "as_of": self.as_of.isoformat(),
            "checklist": self.checklist,
            "items": data_rows(BLOCKERS, self.items),
        }


def territory_blockers(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
) -> BlockerList:
    """Return the selected units' blockers and overdue critical items with their texts."""
    from dataclasses import asdict

    found = territory_status(ctx, chosen, checklist_id=checklist_id, as_of=as_of)
    texts = {q.id: q.text.get(ctx.lang) for q in found.checklist.questions}
    items = [{**asdict(b), "text": texts[b.question]} for b in found.blockers]
    late = sum(1 for b in found.blockers if b.late)
    from fvmcli.services.chains import owner_names

    return BlockerList(
        found.as_of, found.checklist.id, items, found.undated_phases, late, owner_names(ctx)
    )


def blocker_questions(status: TerritoryStatus) -> dict[str, set[str]]:
    """Return unit → the questions that are blockers (overdue, critical, not waived)."""
    found: dict[str, set[str]] = {}
    for item in status.blockers:
        if item.blocker:
            found.setdefault(item.unit, set()).add(item.question)
    return found


@dataclass(frozen=True)
class Report:
    """What the go/no-go report shows, in the user's language."""

    status: TerritoryStatus
    trend: dict[str, Any]
    lang: str
    title: str
    texts: dict[str, str]
    since: Diff | None = None  # what moved since an earlier round (``--since``)
    forecast: Any = None  # a ``services.forecast.TerritoryForecast`` (HTML, PDF and XLSX)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # area/type id → name
    history_head: str | None = None  # the history's head when the report was made
    decisions: list[dict[str, Any]] = field(default_factory=list)  # ``gate show`` documents
    role_names: dict[str, str] = field(default_factory=dict)  # voting role id → name
    gate: Any = None  # the ``core.gate.Gate`` of the content (None without one)
    run: dict[str, Any] | None = None  # a cut-over run (``--run``): ``run_status.run_report``
    # Each selected phase in hypercare: its ``hypercare trend`` document and criterion texts.
    hypercare: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Return the JSON report: the ``cutover status --json`` document, and with
        ``--since`` what moved (the ``cutover diff --json`` document) as ``since``; the
        history's head and the go/no-go decisions of the selection's phases are added."""
        data = self.status.as_json()
        if self.since is not None:
            data["since"] = self.since.as_json()
        data["history_head"] = self.history_head
        data["decisions"] = self.decisions
        if self.run is not None:
            data["run"] = self.run["status"]
        if self.hypercare:
            data["hypercare"] = [h["trend"] for h in self.hypercare]
        return data

    def old_evidence(self) -> list[UnitRow]:
        """Return the units whose evidence is older than the checklist allows, oldest first."""
        from fvmcli.core.results import evidence_is_old

        status = self.status
        after = status.checklist.stale_after
        old = [r for r in status.rows if evidence_is_old(r.evidence_age_days, status.as_of, after)]
        return sorted(old, key=lambda r: (-(r.evidence_age_days or 0), r.unit))


def report(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    checklist_id: str = "golive",
    as_of: str | date | None = None,
    since: str | None = None,
    detail: bool = True,
    run: str | None = None,
) -> Report:
    """Return the report's content: the territory status, its trend, question texts, and with
    ``since`` what moved from that round to this report's figures. Without ``detail`` the
    status has unit rows only (for the CSV and JSON reports, which show nothing else)."""
    status = territory_status(
        ctx, chosen, checklist_id=checklist_id, as_of=as_of, detail=detail or since is not None
    )
    from fvmcli.core.territory import territory_names
    from fvmcli.services.forecast import territory_forecast
    from fvmcli.services.rounds import NOW, diff, trend

    lang = ctx.lang
    ahead = (
        territory_forecast(ctx, chosen, checklist_id=checklist_id, status=status)
        if detail
        else None
    )
    moved = (
        diff(ctx, since, NOW, chosen, checklist_id=checklist_id, current=status)
        if since is not None
        else None
    )
    from fvmcli.services.chains import owner_names
    from fvmcli.services.gate import decisions_of
    from fvmcli.services.history import history_head

    phases = {r.phase for r in status.rows}
    gate = _gate(ctx)
    return Report(
        status,
        trend(ctx, chosen, checklist_id=checklist_id),
        lang,
        status.checklist.title.get(lang),
        {q.id: q.text.get(lang) for q in status.checklist.questions},
        moved,
        ahead,
        {
            **territory_names(ctx.territory, lang),
            "owner": owner_names(ctx),
            "item": {i.id: i.name.get(lang) for i in ctx.catalog.items},
        },
        history_head(ctx),
        decisions_of(ctx, phases),
        {r.id: r.name.get(lang) for r in gate.roles} if gate else {},
        gate,
        run_report(ctx, run) if run is not None else None,
        _hypercare(ctx, phases, status.as_of),
    )


def run_report(ctx: Context, name: str) -> dict[str, Any]:
    """Return a cut-over run as the report shows it (``services.run_status.run_report``)."""
    from fvmcli.services.run_status import run_report as of_run

    return of_run(ctx, name)


def _hypercare(ctx: Context, phases: set[int], day: date) -> list[dict[str, Any]]:
    """Return, for each phase whose hypercare has begun by ``day``, its trend document and
    the texts of its criteria; none when the content has no hypercare file."""
    if ctx.content.file("checklists", "hypercare.toml") is None:
        return []
    from fvmcli.services.hypercare import hypercare_trend
    from fvmcli.store.reads import go_live_dates

    with ctx.open().read() as conn:
        dates = go_live_dates(conn)
    texts = {c.id: c.text.get(ctx.lang) for c in ctx.hypercare.criteria}
    return [
        {"trend": hypercare_trend(ctx, phase).document(), "texts": texts}
        for phase in sorted(phases)
        if phase in dates and dates[phase] <= day
    ]


def _gate(ctx: Context) -> Any:
    """Return the content's gate; None when the content has no gate."""
    from fvmcli.errors import ContentError

    try:
        return ctx.gate
    except ContentError:
        return None


@dataclass(frozen=True)
class WatchFrame:
    """One refresh of the command-centre view: the territory now and its latest changes."""

    status: TerritoryStatus
    by: str  # area or phase
    changes: list[Any]  # store.history.Change, newest first
    taken_at: str
    # What a person reads instead of ids: area id → name, unit id → name, owner id → name,
    # question id → its text, in the user's language.
    names: dict[str, dict[str, str]] = field(default_factory=dict)


def watch_frame(
    ctx: Context,
    chosen: UnitFilter = UnitFilter(),
    *,
    by: str = "area",
    checklist_id: str = "golive",
    changes: int = 10,
) -> WatchFrame:
    """Return the territory's status and the ``changes`` newest changes of the selected units
    (all changes when nothing narrows the selection), read fresh from the database."""
    from fvmcli.store.history import latest

    if by not in ("area", "phase"):
        raise InputError(_("--by: expected area or phase, got {by!r}").format(by=by))
    status = territory_status(ctx, chosen, checklist_id=checklist_id)
    ids = None if chosen.everything else [r.unit for r in status.rows]
    from fvmcli.core.territory import territory_names
    from fvmcli.services.chains import owner_names

    with ctx.open().read() as conn:
        recent = latest(conn, max(0, changes), ids) if changes > 0 else []
    lang = ctx.lang
    names = {
        "area": territory_names(ctx.territory, lang)["area"],
        "unit": {r.unit: r.name for r in status.rows},
        "owner": owner_names(ctx),
        "question": {q.id: q.text.get(lang) for q in status.checklist.questions},
    }
    return WatchFrame(status, by, recent, ctx.clock.now(), names)
