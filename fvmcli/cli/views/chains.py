"""How ``fvm cutover chains`` and ``timeline`` show chains and the twelve-month plan."""

from __future__ import annotations

from typing import Any

from fvmcli.cli.output import Listing, Shown, emit_table, say
from fvmcli.i18n import _
from fvmcli.render.columns import Column
from fvmcli.services.chains import Chains, Timeline


def chains_document(found: Chains) -> dict[str, Any]:
    """Return the JSON document of ``cutover chains`` (``cli.md``)."""
    return {
        "as_of": found.as_of.isoformat(),
        "chains": [
            {
                "unit": chain.unit,
                "item": chain.item.question,
                "due": chain.item.result.due.isoformat() if chain.item.result.due else None,
                "finish": chain.finish.isoformat(),
                "go_live": chain.go_live.isoformat(),
                "links": [
                    {
                        "unit": link.unit,
                        "question": link.question,
                        "owner": link.result.question.owner,
                        "due": link.result.due.isoformat() if link.result.due else None,
                        "finish": link.finish.isoformat(),
                        "duration_days": link.result.question.duration,
                    }
                    for link in chain.links
                ],
            }
            for chain in found.chains
        ],
    }


CHAIN_ROWS = (
    Column("unit", "unit"),
    Column("item", "item", shrink=False),
    Column("due", "due"),
    Column("finish", "finish"),
    Column("go_live", "go-live"),
    Column("days_late", "days after go-live"),
    Column("links", "chain"),
)


def _chain_rows(found: Chains) -> list[dict[str, Any]]:
    return [
        {
            "unit": chain.unit,
            "item": chain.item.question,
            "due": chain.item.result.due,
            "finish": chain.finish,
            "go_live": chain.go_live,
            "days_late": (chain.finish - chain.go_live).days,
            "links": " ← ".join(
                link.question if link.unit == chain.unit else f"{link.unit}: {link.question}"
                for link in chain.links
            ),
        }
        for chain in found.chains
    ]


def chains_view(found: Chains) -> Shown:
    """Return the chains as JSON, CSV (one row per chain) or, for people, each chain with its
    links, owners and dates."""
    rows = _chain_rows(found)

    def printer() -> None:
        if not found.chains:
            say(_("No chain of open items threatens go-live."))
            return
        say(
            _("{count} open items cannot finish before go-live (as of {day}):").format(
                count=len(found.chains), day=found.as_of.isoformat()
            )
        )
        for chain in found.chains:
            say("")
            say(
                _(
                    "{unit} · {item}: finishes {finish} at the earliest, {days} days after go-live "
                    "{go_live}"
                ).format(
                    unit=found.names.get(chain.unit, chain.unit),
                    item=chain.item.result.question.text.get(_lang()),
                    finish=chain.finish.isoformat(),
                    days=(chain.finish - chain.go_live).days,
                    go_live=chain.go_live.isoformat(),
                )
            )
            for link in chain.links:
                due = link.result.due.isoformat() if link.result.due else "–"
                owner = link.result.question.owner
                say(
                    "  ← "
                    + _(
                        "{question} ({unit}), owner {owner}, due {due}, {days} d, finishes {finish}"
                    ).format(
                        question=link.question,
                        unit=link.unit,
                        owner=found.owners.get(owner, owner) if owner else "–",
                        due=due,
                        days=link.result.question.duration,
                        finish=link.finish.isoformat(),
                    )
                )

    return Shown(lambda: chains_document(found), printer, Listing(CHAIN_ROWS, rows))


def _lang() -> str:
    from fvmcli.i18n import language

    return language()


TIMELINE_ROWS = (
    Column("owner", "owner"),
    Column("month", "month"),
    Column("open", "open"),
    Column("done", "done"),
    Column("overdue", "overdue"),
    Column("waiting", "waiting"),
    Column("critical", "on a critical chain"),
)


def timeline_document(plan: Timeline) -> dict[str, Any]:
    """Return the JSON document of ``cutover timeline`` (``cli.md``)."""
    return {
        "phase": plan.phase,
        "go_live": plan.go_live.isoformat(),
        "as_of": plan.as_of.isoformat(),
        "months": plan.months,
        "rows": [
            {"owner": owner, "month": month, **vars(count)} for owner, month, count in plan.rows()
        ],
    }


def timeline_view(plan: Timeline) -> Shown:
    """Return the plan as JSON, CSV (one row per owner and month) or, for people, a table
    with the months as rows and each owner's open (and overdue) items."""
    rows = [{"owner": owner, "month": month, **vars(count)} for owner, month, count in plan.rows()]

    def printer() -> None:
        owners = sorted(
            {owner for owner, _m, _c in plan.rows()}, key=lambda o: (o is None, o or "")
        )
        headings = [_("month"), *(plan.owners.get(o, o) if o else _("no owner") for o in owners)]
        cells = []
        for month in plan.months:
            line = [month]
            for o in owners:
                count = plan.counts.get((o, month))
                if count is None:
                    line.append("")
                    continue
                shown = f"{count.open}/{count.open + count.done}"
                if count.overdue:
                    shown += " " + _("({overdue} overdue)").format(overdue=count.overdue)
                if count.critical:
                    shown += " " + _("{critical}!").format(critical=count.critical)
                line.append(shown)
            cells.append(line)
        emit_table(
            headings,
            cells,
            title=_("Phase {phase}: open of all items due per month, go-live {go_live}").format(
                phase=plan.phase, go_live=plan.go_live.isoformat()
            ),
        )
        if any(count.critical for _o, _m, count in plan.rows()):
            say(
                _(
                    "N! marks N open items on a chain that cannot finish before go-live; "
                    "see fvm cutover chains --phase {phase}."
                ).format(phase=plan.phase)
            )

    return Shown(lambda: timeline_document(plan), printer, Listing(TIMELINE_ROWS, rows))
