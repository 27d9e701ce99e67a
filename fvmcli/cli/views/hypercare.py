"""How ``fvm hypercare`` shows a day of a phase (units, criteria, verdict) and the trend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any, overload

from fvmcli.cli.output import Listing, Shown, say, show
from fvmcli.core.gate import Criterion, Gate
from fvmcli.core.hypercare import STATES, Hypercare
from fvmcli.i18n import _
from fvmcli.render.columns import Column
from fvmcli.render.values import number_shown, word
from fvmcli.services.hypercare import HypercareDay, HypercareTrend

CRITERIA = (
    Column("id", "id", table=False),
    Column("text", "criterion", shrink=True),
    Column("required", "required", lambda r: _("yes") if r else _("advisory")),
    Column("met", "met", lambda m: _("yes") if m else _("NO")),
    Column("value", "value", lambda v: number_shown(round(v, 4))),
    Column("threshold", "threshold", lambda v: number_shown(v)),
    Column(
        "units", "units behind a failure", lambda u: ", ".join(u[:8]) + (" …" if len(u) > 8 else "")
    ),
)
STYLE = {"pause": "bold red", "alert": "yellow", "missing": "magenta", "ok": None}


def _unit_columns(hypercare: Hypercare, lang: str) -> tuple[Column, ...]:
    """Return the columns of the units: state, then one per indicator, then those beyond."""
    return (
        Column("unit", "unit"),
        Column("area", "area", table=False),
        Column("state", "state", word),
        *(
            Column(i.id, i.name.get(lang), lambda v: number_shown(v), shrink=True)
            for i in hypercare.indicators
        ),
        Column("beyond", "beyond a threshold", lambda b: ", ".join(b), table=False),
    )


def _unit_rows(found: HypercareDay) -> list[dict[str, Any]]:
    """Return a row per unit (its values as columns), with its area."""
    rows = []
    for u in found.units:
        d = u.as_dict()
        rows.append(
            {
                "unit": d["unit"],
                "area": u.area,
                "state": d["state"],
                **d["values"],
                "beyond": ";".join(d["beyond"]),
            }
        )
    return rows


class _Rows(Sequence[dict[str, Any]]):
    """The units' rows, made when a table or ``--csv`` first reads them (``--json`` never)."""

    def __init__(self, found: HypercareDay) -> None:
        self.found = found

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        return _unit_rows(self.found)

    def __len__(self) -> int:
        return len(self.found.units)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | Sequence[dict[str, Any]]:
        return self.rows[i]


def status_view(found: HypercareDay, hypercare: Hypercare, lang: str) -> Shown:
    """Return the day: the verdict, units in each state, the criteria, the units not ok."""
    units = _unit_columns(hypercare, lang)
    rows = _Rows(found)
    texts = {c.id: c.text.get(lang) for c in hypercare.criteria}
    criteria = [
        {**r.as_dict(), "text": texts.get(r.criterion.id), "required": r.criterion.required}
        for r in found.results
    ]

    def printer() -> None:
        say(
            _("Phase {phase}, hypercare day {number} ({day}): {verdict}").format(
                phase=found.phase,
                number=found.day_number,
                day=found.day.isoformat(),
                verdict=word(found.verdict).upper(),
            ),
            "bold red" if found.verdict == "pause" else "bold green",
        )
        counts = found.counts()
        say(", ".join(f"{word(s)}: {counts[s]}" for s in STATES))
        show(
            CRITERIA,
            criteria,
            title=_("Pause criteria"),
            styles=[
                None if r["met"] else ("bold red" if r["required"] else "yellow") for r in criteria
            ],
        )
        shown = [r for r in rows if r["state"] != "ok"]
        if shown:
            show(
                units,
                shown,
                title=_("Units not ok, worst first"),
                styles=[STYLE[r["state"]] for r in shown],
            )
        else:
            say(_("Every unit is ok."))

    return Shown(found.document, printer, Listing(units, rows))


TREND = (
    Column("day", "day"),
    Column("day_number", "day no."),
    *(Column(s, s, table=True) for s in STATES),
    Column("verdict", "verdict", word),
    Column("failing", "criteria not met"),
)


def trend_view(found: HypercareTrend) -> Shown:
    """Return the days since go-live, a line each."""
    rows = [
        {
            "day": d.day.isoformat(),
            "day_number": d.day_number,
            **d.counts,
            "verdict": d.verdict,
            "failing": ", ".join(r.criterion.id for r in d.results if not r.met) or None,
        }
        for d in found.days
    ]
    columns = tuple(Column(c.key, word(c.key), c.fmt) if c.key in STATES else c for c in TREND)

    def printer() -> None:
        show(
            columns,
            rows,
            title=_("Phase {phase}: hypercare since go-live {go_live}").format(
                phase=found.phase, go_live=found.go_live.isoformat()
            ),
            styles=["bold red" if r["verdict"] == "pause" else None for r in rows],
        )

    return Shown(found.document, printer, Listing(columns, rows))


def hypercare_gate(gate: Gate, hypercare: Hypercare) -> Gate:
    """Return ``gate`` (its voting roles) with the criteria of ``hypercare.toml``: what
    ``gate show`` reads a hypercare proposal's criteria by (their texts, and a share of units
    as a percentage, as the gate's ``units_with_status`` reads)."""
    return Gate(
        gate.checklist,
        gate.roles,
        tuple(
            Criterion(
                c.id,
                c.text,
                "units_with_status" if c.kind == "units_in_state" else c.kind,
                c.required,
                max_count=c.max_count,
                max_share=c.max_share,
                min=c.min,
                max=c.max,
            )
            for c in hypercare.criteria
        ),
    )
