"""Reports: the go/no-go report and the command centre's watch frame.

They gather the territory status (``services/cutover.py``), its forecast, its rounds, the
gate's decisions and hypercare; living here, above all of those, they make no import circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from fvmcli.core.cutover import UnitRow
from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.cutover import TerritoryStatus, territory_status
from fvmcli.services.territory import UnitFilter

if TYPE_CHECKING:
    from fvmcli.services.rounds import Diff


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
    status has unit rows only (for the CSV and JSON reports, which show nothing else). Every
    part is read in one read transaction."""
    # One snapshot for the whole report: its figures, trend, forecast, decisions and the
    # history head it prints are of one moment, whatever another login commits meanwhile.
    with ctx.open().snapshot():
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
            trend(ctx, chosen, checklist_id=checklist_id, selected=[r.unit for r in status.rows]),
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
