"""``fvm init``, ``fvm info`` and ``fvm demo``."""

from __future__ import annotations

from typing import Any

import typer

from fvmcli import __version__
from fvmcli.cli.env import get_env, resolve_user
from fvmcli.cli.output import emit_json, emit_table, say


def init(ctx: typer.Context) -> None:
    """Create the database, or upgrade it to this version's schema. Safe to run again.

    Example: fvm --db postgresql://fvm@dbhost/fvm init
    """
    from fvmcli.store.database import display_url

    env = get_env(ctx)
    state = env.db.schema_state()
    say(f"Database ready: {display_url(env.url)} (schema {state.current}).")


def info(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Show the database, its schema version, the content folders and what is stored.

    Example: fvm info --json
    """
    from fvmcli.store.database import display_url
    from fvmcli.store.units import table_counts

    env = get_env(ctx)
    state = env.db.schema_state()
    with env.db.read() as conn:
        counts = table_counts(conn)
    data: dict[str, Any] = {
        "version": __version__,
        "database": {
            "url": display_url(env.url),
            "backend": env.db.backend,
            "schema": state.current,
            "head": state.head,
        },
        "content": [str(p) for p in env.content.roots],
        "lang": env.lang,
        "user": resolve_user(None),
        "counts": counts,
    }
    if as_json:
        emit_json(data)
        return
    rows: list[list[Any]] = [
        ["fvm", __version__],
        ["database", display_url(env.url)],
        ["backend", env.db.backend],
        ["schema", f"{state.current} (this program: {state.head})"],
        *[["content", str(p)] for p in env.content.roots],
        ["language", env.lang],
        ["user", data["user"]],
        *[[f"rows: {k}", v] for k, v in counts.items()],
    ]
    emit_table(["", ""], rows, title="fvm info")


def demo(
    ctx: typer.Context,
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="YYYY-MM-DD",
        help="The day the demo is seen from (default: today).",
    ),
) -> None:
    """Build a demo territory modelled on Västra Götaland in a database of its own, and show it.

    The demo never touches your real database: it uses demo.sqlite in the user data folder
    (or --db), and resets it first, so two runs give the same result.

    Example: fvm demo --as-of 2026-11-26
    """
    from fvmcli.cli.env import default_db_url
    from fvmcli.clock import today
    from fvmcli.core.values import parse_date
    from fvmcli.demo import DEMO_USER, build_demo
    from fvmcli.errors import ConflictError, InputError
    from fvmcli.store.database import Database, display_url, normalise_url
    from fvmcli.store.units import holds_foreign_units

    env = get_env(ctx)
    try:
        day = parse_date(as_of) if as_of else today()
    except ValueError as exc:
        raise InputError(f"--as-of: {exc}") from exc
    env.url = normalise_url(env.db_option or default_db_url("demo.sqlite"))
    database = Database(env.url)
    if database.schema_state().current is not None:
        with database.read() as conn:
            if holds_foreign_units(conn, DEMO_USER):
                raise ConflictError(
                    f"{display_url(env.url)} holds units the demo did not make; the demo resets "
                    "its database and would destroy them.",
                    hint="Run the demo without --db (it uses demo.sqlite in the user data "
                    "folder) or give it an empty database.",
                )
    database.reset()
    env.db = database
    from fvmcli.cli import cutover
    from fvmcli.cli.env import data_dir
    from fvmcli.cli.writing import write_bytes
    from fvmcli.render import report

    def snapshot(label: str, as_of: Any) -> None:
        cutover.snapshot(ctx, label, "golive", as_of.isoformat(), by="cutover-lead")

    summary = build_demo(env, day, snapshot)
    say(f"Demo database: {display_url(env.url)}", style="bold")
    say(summary)
    from fvmcli.cli.phases import list_ as phase_list

    phase_list(ctx, as_json=False)
    cutover.status(ctx, "golive", None, None, None, day.isoformat(), False, None)
    pic = cutover.picture(env, "golive", None, None, None, day.isoformat())
    trend = cutover.trend_data(env, "golive", None, None, None)
    target = data_dir() / "demo-report.html"
    write_bytes(report.html(env.content.template_dirs(), pic, trend).encode("utf-8"), target)
    say(
        f"The cutover report is in {target} (open it in a browser, or print it to PDF).",
        style="bold",
    )
    say(f"Look closer: fvm --db {display_url(env.url)} checklist score golive --unit sas-boras-med")


def register(app: typer.Typer) -> None:
    """Add the top-level commands to ``app``."""
    app.command("init")(init)
    app.command("info")(info)
    app.command("demo")(demo)
