"""The command centre's view of a run (``fvm run watch``): the slip and expected finish, late
instances, what is running, who owns what is next, and the latest marks."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from fvmcli.cli.output import printable
from fvmcli.cli.views.runs import _state, _when
from fvmcli.core.runs import ENDED, STATES, waiting_for
from fvmcli.i18n import _


def _name(row: Any) -> str:
    return row.item.task.id if row.item.unit is None else f"{row.item.task.id} ({row.item.unit})"


def _section(title: str, lines: list[list[str]], room: int, style: str | None = None) -> Group:
    """Return a heading with its count and up to ``room`` lines under it."""
    table = Table.grid(padding=(0, 2))
    for line in lines[:room]:
        table.add_row(*(Text(printable(cell), style=style or "") for cell in line))
    if len(lines) > room:
        table.add_row(Text(_("… and {count} more").format(count=len(lines) - room), style="dim"))
    if not lines:
        table.add_row(Text(_("none"), style="dim"))
    return Group(Text(f"{title} ({len(lines)})", style="bold"), table)


def _change_line(change: Any) -> str:
    try:
        new = json.loads(change.new or "{}")
    except ValueError:
        new = {}
    state = new.get("state", "") if isinstance(new, dict) else ""
    where = f" ({change.unit_id})" if change.unit_id else ""
    return f"{_when(change.at)}  {change.by}  {change.subject}{where} → {_state(state)}"


def render_frame(frame: Any, width: int, height: int, every: float) -> RenderableType:
    """Return the whole screen for one frame of a run."""
    state = frame.state
    s = state.status
    owners = state.owners
    head = Text()
    head.append(_("fvm run watch · {run} · ").format(run=state.run.name), style="bold")
    head.append(_when(frame.taken_at) or "")
    head.append(_(" · every {every:g} s · Ctrl-C ends").format(every=every), style="dim")
    figures = Text()
    figures.append(
        _("T0 {t0} · planned finish {planned} · expected finish {expected} · ").format(
            t0=_when(s.t0), planned=_when(s.planned_finish), expected=_when(s.expected_finish)
        )
    )
    slip = s.slip_minutes
    figures.append(
        _("slip {slip} min").format(slip=slip), style="bold red" if slip > 0 else "bold green"
    )
    counts = Text()
    for name in STATES:
        n = sum(1 for r in s.rows if r.mark.state == name)
        counts.append(f" {_state(name)} {n} ", style="reverse")
        counts.append(" ")
    if state.run.fallback_at:
        counts.append(_("FALLEN BACK"), style="bold reverse red")

    def owner(row: Any) -> str:
        return owners.get(row.item.task.owner or "", row.item.task.owner or "–")

    late = sorted(
        (r for r in s.rows if r.late and r.mark.state not in ENDED), key=lambda r: r.expected
    )
    running = [r for r in s.rows if r.mark.state == "started"]
    marks = state.loaded.marks
    ready = sorted(
        (
            r
            for r in s.rows
            if r.mark.state in ("waiting", "blocked") and not waiting_for(r.item, marks)
        ),
        key=lambda r: r.planned.start,
    )
    room = max(2, (height - 12) // 4)
    sections = [
        _section(
            _("Late"),
            [
                [_name(r), owner(r), _("expected {when}").format(when=_when(r.expected))]
                for r in late
            ],
            room,
            "red",
        ),
        _section(
            _("Running"),
            [
                [_name(r), owner(r), _("started {when}").format(when=_when(r.mark.started))]
                for r in running
            ],
            room,
        ),
        _section(
            _("Next (predecessors done)"),
            [
                [_name(r), owner(r), _("planned {when}").format(when=_when(r.planned.start))]
                for r in ready
            ],
            room,
        ),
        _section(_("Latest marks"), [[_change_line(c)] for c in frame.changes], room, "dim"),
    ]
    parts: list[RenderableType] = [head, figures, counts, Text("")]
    for section in sections:
        parts += [section, Text("")]
    return Group(*parts)
