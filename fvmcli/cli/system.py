"""``fvm init``, ``fvm info`` and ``fvm demo``."""

from __future__ import annotations

from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.options import JSON
from fvmcli.cli.output import emit_json, emit_table, say
from fvmcli.i18n import N_, _


def init(ctx: typer.Context) -> None:
    """Create the database, or upgrade it to this version's schema. Safe to run again.

    Example: fvm --db postgresql://fvm@dbhost/fvm init
    """
    from fvmcli.services.system import init as init_database

    state = init_database(get_env(ctx, creates=True))
    say(_("Database ready: {url} (schema {schema}).").format(url=state.url, schema=state.schema))


def info(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Show the database, its schema version, the content folders and what is stored.

    Example: fvm info --json
    """
    from fvmcli.services.system import info as database_info

    found = database_info(get_env(ctx))
    db = found.database
    if as_json:
        emit_json(
            {
                "version": found.version,
                "database": {
                    "url": db.url,
                    "backend": db.backend,
                    "schema": db.schema,
                    "head": db.head,
                },
                "content": found.content,
                "lang": found.lang,
                "user": found.user,
                "rights": found.rights,
                "demo": found.demo,
                "counts": found.counts,
            }
        )
        return
    rows: list[list[Any]] = [
        [_("program"), found.version],
        [_("database"), db.url],
        [_("backend"), db.backend],
        [_("schema"), _("{schema} (this program: {head})").format(schema=db.schema, head=db.head)],
        *[[_("content"), p] for p in found.content],
        [_("language"), found.lang],
        [_("user"), found.user],
        [_("rights"), found.rights],
        *(
            [[_("demo database"), _("{demo} (fvm --db {demo} …)").format(demo=found.demo)]]
            if found.demo
            else []
        ),
        *[[_("rows: {k}").format(k=_(TABLE_WORDS.get(k, k))), v] for k, v in found.counts.items()],
    ]
    # The value is what info is for: it shortens, and is never the column that goes.
    emit_table([N_("setting"), N_("value")], rows, title=_("fvm info"), fit=[(0, False), (0, True)])


DEMO_ROWS = 15


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
    from fvmcli.cli.cutover import print_status
    from fvmcli.cli.output import show
    from fvmcli.cli.phases import PHASES
    from fvmcli.cli.writing import write_file
    from fvmcli.render import report
    from fvmcli.services.context import data_dir
    from fvmcli.services.demo import run_demo
    from fvmcli.store.database import display_url

    env = get_env(ctx, creates=True)
    demo_env, built = run_demo(env, as_of)
    say(_("Demo database: {display_url}").format(display_url=display_url(built.url)), style="bold")
    say(built.summary)
    show(PHASES, built.phases, as_json=False, title=_("Phases"))
    # The worst units and the areas: the whole demo fits a screen (fvm cutover status has all).
    print_status(
        built.report.status,
        demo_env.lang,
        limit=DEMO_ROWS,
        by=("area",),
        territory=demo_env.territory,
    )
    target = data_dir() / "demo-report.html"
    html = report.html(demo_env.content.template_dirs(), built.report)
    write_file(target, lambda path: path.write_text(html, encoding="utf-8"))
    say(
        _("The cutover report is in {target} (open it in a browser, or print it to PDF).").format(
            target=target
        ),
        style="bold",
    )
    from fvmcli.store.database import sqlite_path

    where = sqlite_path(built.url) or display_url(built.url)
    say(
        _("Look closer: fvm --db {where} checklist score golive --unit sas-boras-med").format(
            where=where
        )
    )
    say(
        _("To work in the demo data: export FVM_DB={where}   (or add --db {where})").format(
            where=where
        )
    )


# What each table holds, as a person calls it (--json keeps the table names).
TABLE_WORDS = {
    "phases": N_("phases"),
    "units": N_("units"),
    "answers": N_("answers"),
    "waivers": N_("waivers"),
    "equipment_counts": N_("equipment counts"),
    "equipment_requirements": N_("equipment overrides"),
    "history": N_("history entries"),
    "people": N_("people"),
    "sessions": N_("sessions"),
    "enrolments": N_("bookings"),
    "snapshots": N_("assessment rounds"),
    "snapshot_units": N_("units in rounds"),
    "access_grants": N_("grants"),
    "trusted_keys": N_("trusted device keys"),
    "reminders": N_("reminders sent"),
}


def register(app: typer.Typer) -> None:
    """Add the top-level commands to ``app``."""
    app.command("init")(init)
    app.command("info")(info)
    app.command("demo")(demo)
