"""The command-centre view of ``fvm cutover watch``: status counts, a bar per area or phase,
blockers and the latest changes, laid out for the terminal it runs in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from fvmcli.cli.output import STATUS_STYLE, printable
from fvmcli.core.scoring import STATUSES
from fvmcli.core.territory import alphabetical
from fvmcli.i18n import N_, _
from fvmcli.render.values import fraction_shown, in_local, local_time, word

TEXT_WIDTH = 48  # of a question's text in a line of the view
# What each kind of history entry is called in the list of changes.
KIND_WORDS = {
    "answer": N_("answer"),
    "waiver": N_("waiver"),
    "attestation": N_("attestation"),
    "approval": N_("approval"),
    "count": N_("count"),
    "requirement": N_("equipment override"),
    "unit": N_("unit"),
    "phase": N_("phase"),
    "snapshot": N_("assessment round"),
    "session": N_("session"),
    "enrolment": N_("booking"),
    "person": N_("person"),
    "grant": N_("grant"),
    "trust": N_("trusted key"),
    "reminder": N_("reminder"),
    "gate-proposal": N_("go/no-go proposal"),
    "gate-vote": N_("go/no-go vote"),
    "gate-decision": N_("go/no-go decision"),
    "run-start": N_("cut-over run started"),
    "run-mark": N_("cut-over task"),
    "run-fallback": N_("cut-over fallback"),
}


def _time(at: str, today: str) -> str:
    """Return a change's time as people read it: ``09:15:03``, with the date when not today."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return printable(at)
    local = in_local(moment)  # as history shows it
    return f"{local:%H:%M:%S}" if local.date().isoformat() == today else local_time(at) or at


def _value_word(value: str) -> str:
    """Return a stored value as a word of the current language (``yes`` → ``ja``)."""
    from fvmcli.i18n import language, words_in
    from fvmcli.render.checklist_sheet import LABELS

    answers = words_in(LABELS, language())
    if value in ("yes", "no", "partial", "n/a"):
        return answers[value].lower()
    return word(value)


def _bar(counts: dict[str, Any], width: int) -> Text:
    """Return one group's bar: a block per status, as wide as its share of the units."""
    total = counts["units"] or 1
    bar = Text()
    used = 0
    for status in STATUSES:
        cells = round(width * counts[status] / total)
        cells = min(cells, width - used)
        used += cells
        bar.append("█" * cells, style=STATUS_STYLE[status])
    return bar


def _short(text: str, width: int = TEXT_WIDTH) -> str:
    """Return ``text`` cut to ``width`` characters with … when longer."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _change_line(change: Any, today: str, names: dict[str, dict[str, str]]) -> str:
    """Return one history entry as a person reads it: when, who, what kind of change, on
    which unit and question (by name and text), to which value."""
    kind = _(KIND_WORDS[change.kind]) if change.kind in KIND_WORDS else change.kind
    subject = change.subject or ""
    if change.kind in ("answer", "waiver", "attestation", "approval"):
        subject = _short(names.get("question", {}).get(subject, subject))
    parts = [
        _time(change.at, today),
        change.by,
        kind,
        names.get("unit", {}).get(change.unit_id or "", change.unit_id or ""),
        subject,
    ]
    if change.new is not None and change.kind in ("answer", "waiver", "phase", "attestation"):
        parts.append(f"→ {_value_word(change.new)}")
    return printable("  ".join(p for p in parts if p))


def render_frame(frame: Any, width: int, height: int, every: float) -> RenderableType:
    """Return the whole screen for one frame, fitted to ``width`` × ``height``."""
    status = frame.status
    summary = status.summary()
    today = _time(frame.taken_at, "")[:10]  # the day in Stockholm, as every time is shown
    head = Text()
    head.append(_("fvm cutover watch · {id} · ").format(id=status.checklist.id), style="bold")
    head.append(
        _("{time} · {summary} units").format(
            time=_time(frame.taken_at, today), summary=summary["units"]
        )
    )
    head.append(_(" · every {every:g} s · Ctrl-C ends").format(every=every), style="dim")
    counts = Text()
    for s in STATUSES:
        counts.append(f" {word(s)} {summary[s]} ", style=f"bold reverse {STATUS_STYLE[s]}")
        counts.append(" ")
    counts.append(_("mean {summary}").format(summary=fraction_shown(summary["mean_score"])))

    names = frame.names
    area_names = names.get("area", {})
    named = {
        (area_names.get(g, g) if frame.by == "area" else g): counts
        for g, counts in status.summaries_by(frame.by).items()
    }
    groups = dict(sorted(named.items(), key=lambda i: alphabetical(str(i[0]))))
    label_width = max([len(str(g)) for g in groups] + [5]) + 1
    bar_width = max(10, min(60, width - label_width - 40))
    bars = Table.grid(padding=(0, 1))
    for name, g in groups.items():
        bars.add_row(
            Text(_("phase {n}").format(n=name) if frame.by == "phase" else printable(str(name))),
            _bar(g, bar_width),
            Text(
                _("{g:>4} red {g2:>4} amber {g3:>4} not started {g4:>4} green").format(
                    g=g["red"], g2=g["amber"], g3=g["not-started"], g4=g["green"]
                )
            ),
        )

    # What is left of the screen goes to blockers and changes, half each.
    fixed = 6 + len(groups)
    room = max(2, (height - fixed) // 2 - 2)
    blockers = [b for b in status.blockers if b.blocker]
    block = Table(
        title=Text(_("Blockers ({count})").format(count=len(blockers)), style="bold"),
        title_justify="left",
        show_header=False,
        box=None,
        pad_edge=False,
    )
    questions, owners = names.get("question", {}), names.get("owner", {})
    for b in blockers[:room]:
        block.add_row(
            Text(printable(b.name), style="red"),
            Text(printable(_short(questions.get(b.question, b.question)))),
            Text(_("{days_overdue} d").format(days_overdue=b.days_overdue)),
            Text(printable(owners.get(b.owner, b.owner) if b.owner else "")),
        )
    if len(blockers) > room:
        block.add_row(Text(_("… and {room} more").format(room=len(blockers) - room), style="dim"))
    recent = Table(
        title=Text(_("Latest changes"), style="bold"),
        title_justify="left",
        show_header=False,
        box=None,
        pad_edge=False,
    )
    for change in frame.changes[:room]:
        recent.add_row(Text(_change_line(change, today, names), overflow="ellipsis"))
    if not frame.changes:
        recent.add_row(Text(_("none yet"), style="dim"))
    return Group(head, counts, Text(""), bars, Text(""), block, Text(""), recent)


def run(
    fetch: Callable[[], Any],
    every: float,
    count: int,
    render: Callable[[Any, int, int, float], RenderableType] = render_frame,
) -> None:
    """Show frames from ``fetch`` every ``every`` seconds until Ctrl-C (or ``count`` frames),
    live on a terminal and one after another elsewhere."""
    import time

    from rich.live import Live

    from fvmcli.cli.output import stdout

    console = stdout()
    shown = 0
    try:
        if not console.is_terminal:
            while True:
                size = console.size
                console.print(render(fetch(), size.width, 10_000, every))
                shown += 1
                if count and shown >= count:
                    return
                time.sleep(every)
        with Live(console=console, auto_refresh=False, screen=False, transient=False) as live:
            while True:
                size = console.size
                live.update(render(fetch(), size.width, size.height, every), refresh=True)
                shown += 1
                if count and shown >= count:
                    return
                time.sleep(every)
    except KeyboardInterrupt:
        return
