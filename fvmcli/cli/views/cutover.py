"""How ``fvm cutover`` shows the territory: status, blockers, rounds and the forecast."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fvmcli.cli.output import STATUS_STYLE, Listing, Shown, say, show, warn
from fvmcli.core.territory import territory_names
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import BLOCKERS, UNIT_STATUS, Column, fraction, with_names
from fvmcli.render.values import fraction_shown, number_shown, word

SUMMARY = (
    Column("group", ""),
    Column("units", "units"),
    Column("green", "green"),
    Column("amber", "amber"),
    Column("red", "red"),
    Column("not-started", "not started"),
    Column("mean_score", "mean score", fraction),
)


def print_status(
    status: Any,
    lang: str,
    *,
    limit: int | None = None,
    by: tuple[str, ...] = ("area", "type"),
    territory: Any = None,
) -> None:
    """Print the territory's units worst first (the ``limit`` worst, then how many more), then
    the summaries by status and by each of ``by`` (areas and types by their names in ``lang``
    when the ``territory`` is given)."""
    rows = status.rows[:limit] if limit else status.rows
    show(
        with_names(UNIT_STATUS, territory_names(territory, lang)) if territory else UNIT_STATUS,
        rows,
        title=_("Readiness on {lang}, as of {as_of}").format(
            lang=status.checklist.title.get(lang), as_of=status.as_of.isoformat()
        ),
        styles=[STATUS_STYLE[r.status] for r in rows],
    )
    if len(rows) < len(status.rows):
        say(
            _("… and {rows} more units: fvm cutover status lists them all.").format(
                rows=len(status.rows) - len(rows)
            )
        )
    for damaged in getattr(status, "damaged", ()):
        say(
            _("{unit} ({name}): not scored, its answer to {question} is damaged").format(
                unit=damaged.unit.id, name=damaged.unit.name, question=damaged.question
            ),
            "bold red",
        )
    names = territory_names(territory, lang) if territory is not None else {}
    groups = [{"group": _("all"), **status.summary()}]
    for key in by:
        groups += [
            {"group": names.get(key, {}).get(k) or f"{_(key)} {k}", **v}
            for k, v in status.summaries_by(key).items()
        ]
    show(SUMMARY, groups, title=_("Summary"))


def warn_undated(found: Any) -> None:
    """Say, on stderr, which selected phases have no go-live date: without one no item is
    overdue, so "0 blockers" there means "not known yet", not "none"."""
    for phase in found.undated_phases:
        warn(
            _(
                "Phase {phase} has no go-live date: no deadline of its units is known, so none "
                "is overdue yet. Set one with:"
            ).format(phase=phase),
            command=_("fvm phase set {phase} --go-live YYYY-MM-DD").format(phase=phase),
        )


def _points(value: float | None) -> str:
    return "–" if value is None else _("{value:+.0f} pts").format(value=value * 100)


def _round(index: int) -> Callable[[dict[str, Any]], str]:
    """Return the cell maker of one snapshot's score."""

    def cell(row: dict[str, Any]) -> str:
        value = row["scores"][index]
        return fraction_shown(value)

    return cell


MOVED = (
    Column("unit", "unit"),
    Column("name", "name"),
    Column("area", "area"),
    Column("status_from", "from", word),
    Column("status_to", "to", word),
    Column("score_from", "score from", fraction),
    Column("score_to", "score to", fraction),
    Column("change", "change", _points),
)
AREA_MOVED = (
    Column("area", "area"),
    Column("units", "units"),
    Column("mean_from", "mean from", fraction),
    Column("mean_to", "mean to", fraction),
    Column("better", "better"),
    Column("worse", "worse"),
    Column("blockers_from", "blockers from"),
    Column("blockers_to", "blockers to"),
)
BLOCKER_MOVED = (
    Column("name", "unit", shrink=True),
    Column("question", "question"),
    Column("text", "text"),
)


def round_word(label: str) -> str:
    """Return a round's label as shown: ``now`` is the word of the current language."""
    return _("now") if label == "now" else label


def print_diff(found: Any) -> None:
    """Print what moved between the two rounds, one table per part."""
    data = found.as_json()
    span = (
        f"{round_word(found.start.label)} ({found.start.as_of.isoformat()}) → "
        f"{round_word(found.end.label)} ({found.end.as_of.isoformat()})"
    )
    area_names = found.names.get("area", {})

    def named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, "area": area_names.get(r["area"], r["area"])} for r in rows]

    changed = named(data["changed"])
    if changed:
        show(
            MOVED,
            changed,
            title=_("Status changed, {span}: {worse} worse, {better} better").format(
                span=span,
                worse=sum(1 for c in changed if c["direction"] == "worse"),
                better=sum(1 for c in changed if c["direction"] == "better"),
            ),
            styles=["red" if c["direction"] == "worse" else "green" for c in changed],
        )
    else:
        say(_("No unit changed status, {span}.").format(span=span))
    texts = found.texts
    for key, title, style in (
        ("new_blockers", _("New blockers"), "red"),
        ("resolved_blockers", _("Resolved blockers"), "green"),
    ):
        units = found.names.get("unit", {})
        items = [
            {**b, "name": units.get(b["unit"], b["unit"]), "text": texts.get(b["question"], "")}
            for b in data[key]
        ]
        if items:
            show(
                BLOCKER_MOVED,
                items,
                title=f"{title} ({len(items)})",
                styles=[style] * len(items),
            )
    if not data["blockers_known"]:
        say(
            _(
                "Round {label} was taken before fvm kept which questions were "
                "blockers: only their numbers are compared (in the areas below)."
            ).format(label=found.start.label)
        )
    elif not data["new_blockers"] and not data["resolved_blockers"]:
        say(_("No blocker came or went."))
    if data["movements"]:
        show(MOVED, named(data["movements"]), title=_("Largest score movements"))
    areas = [{**v, "area": area_names.get(a, a)} for a, v in data["by_area"].items()]
    show(AREA_MOVED, areas, title=_("By area"))
    for key, words in (("added", _("New since the first round")), ("removed", _("Gone since"))):
        if data[key]:
            say(f"{words}: {', '.join(data[key])}")


FORECAST = (  # in the order of the JSON's keys (``cutover forecast --json``)
    Column("unit", "unit"),
    Column("name", "name", shrink=True),
    Column("area", "area", table=False),
    Column("phase", "phase", table=False),
    Column("score", "score", fraction),
    Column(
        "slope_per_day",
        "pts/week",
        lambda b: ("+" if b > 0 else "") + number_shown(round(b * 700, 1)),
    ),
    Column("forecast", "forecast", word),
    Column("projected", "green on"),
    Column("days_late", "days late"),
    Column("points", "points", table=False),
    Column("go_live", "go-live"),
    Column("blockers", "blockers"),
)
FORECAST_SUMMARY = (  # in ``core.forecast.FORECASTS``' order, worst first
    Column("group", ""),
    Column("blocked", "blocked"),
    Column("late", "late"),
    Column("stalled", "stalled"),
    Column("held", "held back"),
    Column("unknown", "unknown"),
    Column("on-track", "on track"),
    Column("ready", "ready"),
)
FORECAST_STYLE = {
    "blocked": "red",
    "late": "red",
    "stalled": "yellow",
    "held": "yellow",
    "unknown": "blue",
}


def status_view(found: Any, lang: str, territory: Any) -> Shown:
    """Return ``cutover status``: the units worst first and the summaries (its JSON streams
    the units; its CSV is the units)."""
    return Shown(
        lambda: found.as_json(stream=True),
        lambda: print_status(found, lang, territory=territory),
        Listing(UNIT_STATUS, found.rows),
    )


def gate_warning(found: Any, fail_on: str) -> str:
    """Return the line that says why ``--fail-on`` fails the gate."""
    failing = found.failing(fail_on)
    return ngettext(
        "--fail-on {level}: {n} unit is {what}; the gate fails (exit 1).",
        "--fail-on {level}: {n} units are {what}; the gate fails (exit 1).",
        failing,
    ).format(
        level=fail_on,
        n=failing,
        what=word("red") if fail_on == "red" else _("red or amber"),
    )


def blockers_view(found: Any) -> Shown:
    """Return ``cutover blockers``: a table of the items, red for blockers."""
    listing = Listing(
        with_names(BLOCKERS, {"owner": found.owners}),
        found.items,
        title=_(
            "{sum} blockers, {count} overdue critical items, {inconsistent} answered as done "
            "while a prerequisite is not, as of {as_of}"
        ).format(
            sum=found.blockers,
            count=found.late,
            inconsistent=found.inconsistent,
            as_of=found.as_of.isoformat(),
        ),
        styles=["red" if i["blocker"] else "yellow" for i in found.items],
    )
    return Shown(found.as_json, listing.show, listing)


def trend_view(data: dict[str, Any], territory: Any, lang: str) -> Shown:
    """Return ``cutover trend``: the areas (by name), then the units that moved least."""

    def printed() -> None:
        labels = [s["label"] for s in data["snapshots"]]
        if not labels:
            say(_("No snapshots yet. Take one with: fvm cutover snapshot LABEL"))
            return
        names = territory_names(territory, lang)
        rounds = [Column(label, label, cell=_round(i)) for i, label in enumerate(labels)]
        change = Column("change", "change", _points, empty="–")
        area = with_names((Column("area", "area"),), names)[0]
        show((area, *rounds, change), data["areas"], title=_("Areas"))
        stuck = sorted(data["units"], key=lambda u: (u["change"] is None, u["change"] or 0))
        show(
            (Column("unit", "unit"), area, *rounds, change),
            stuck,
            title=_("Units, least movement first"),
        )

    return Shown(lambda: data, printed)


def diff_view(found: Any) -> Shown:
    """Return ``cutover diff``: what moved between the two rounds."""
    return Shown(found.as_json, lambda: print_diff(found))


def forecast_view(found: Any, territory: Any, lang: str) -> Shown:
    """Return ``cutover forecast``: the units worst first, then a summary per phase and area."""
    rows = [u.as_dict() for u in found.units]
    listing = Listing(
        FORECAST,
        rows,
        title=_("Forecast to green ({green}) on {checklist}, as of {as_of}").format(
            green=fraction(found.green), checklist=found.checklist, as_of=found.as_of.isoformat()
        ),
        styles=[FORECAST_STYLE.get(r["forecast"]) for r in rows],
    )

    def printed() -> None:
        listing.show()
        areas = territory_names(territory, lang)["area"]
        groups = [{"group": _("all"), **found.summary()}]
        groups += [
            {"group": _("phase {phase}").format(phase=k), **v}
            for k, v in found.summaries_by("phase").items()
        ]
        groups += [{"group": areas.get(k, k), **v} for k, v in found.summaries_by("area").items()]
        show(FORECAST_SUMMARY, groups, title=_("Summary"))
        if not any(u.found.points > 1 for u in found.units):
            say(_("A forecast needs rounds: take one with fvm cutover snapshot LABEL."))

    return Shown(found.as_json, printed, listing)
