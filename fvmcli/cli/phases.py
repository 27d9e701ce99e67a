"""``fvm phase``: rollout phases (etapper) and their go-live dates."""

from __future__ import annotations

from typing import Any

import typer

from fvmcli.cli.env import get_env, resolve_user
from fvmcli.cli.output import emit_json, emit_table, say
from fvmcli.errors import InputError

app = typer.Typer(help="Rollout phases (etapper) and go-live dates.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """List the phases with their areas, go-live dates and unit counts.

    Example: fvm phase list --json
    """
    from fvmcli.store.units import go_live_dates, units_per_area

    env = get_env(ctx)
    territory = env.territory
    with env.db.read() as conn:
        dates = go_live_dates(conn)
        per_area = units_per_area(conn)
    rows: list[dict[str, Any]] = [
        {
            "phase": phase,
            "go_live": dates.get(phase),
            "areas": territory.areas_in(phase),
            "units": sum(per_area.get(a, 0) for a in territory.areas_in(phase)),
        }
        for phase in territory.phases()
    ]
    if as_json:
        emit_json(rows)
        return
    emit_table(
        ["phase", "go-live", "areas", "units"],
        [
            [
                r["phase"],
                r["go_live"] or "not set",
                ", ".join(territory.areas[a].name.get(env.lang) for a in r["areas"]),
                r["units"],
            ]
            for r in rows
        ],
        title="Phases",
    )


@app.command("set")
def set_(
    ctx: typer.Context,
    phase: int = typer.Argument(..., help="Phase number (1, 2, 3)."),
    go_live: str = typer.Option(..., "--go-live", metavar="YYYY-MM-DD", help="Go-live date."),
    by: str | None = typer.Option(None, "--by", help="Who makes the change (env FVM_USER)."),
) -> None:
    """Set a phase's go-live date; every deadline of its units follows.

    Example: fvm phase set 1 --go-live 2027-04-15
    """
    from fvmcli.clock import now_iso
    from fvmcli.core.values import parse_date
    from fvmcli.store.units import set_go_live

    env = get_env(ctx)
    if phase not in env.territory.phases():
        known = ", ".join(map(str, env.territory.phases()))
        raise InputError(f"unknown phase {phase} (known: {known})")
    try:
        day = parse_date(go_live)
    except ValueError as exc:
        raise InputError(f"--go-live: {exc}") from exc
    with env.db.write() as conn:
        old = set_go_live(conn, phase, day, by=resolve_user(by), at=now_iso())
    was = f" (was {old.isoformat()})" if old and old != day else ""
    say(f"Phase {phase} goes live on {day.isoformat()}{was}.")
