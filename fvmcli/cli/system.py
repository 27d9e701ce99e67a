"""``fvm init``, ``fvm info`` and ``fvm demo``."""

from __future__ import annotations

from pathlib import Path

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.options import output_options
from fvmcli.cli.output import Output, command_line, say
from fvmcli.i18n import _


def init(
    ctx: typer.Context,
    content: Path | None = typer.Option(
        None,
        "--content",
        metavar="DIR",
        help="The pack a new database publishes as content version 1 (default: --content "
        "before the command, FVM_CONTENT, else the bundled pack).",
    ),
) -> None:
    """Create the database, or upgrade it to this version's schema. Safe to run again. A new
    database publishes its content as version 1.

    Example: fvm --db postgresql://fvm@dbhost/fvm init --content ./pack
    """
    from fvmcli.services.system import init as init_database

    env = get_env(ctx, creates=True)
    if content is not None:
        env.content_dirs = [content]
    state = init_database(env, content=True)
    say(_("Database ready: {url} (schema {schema}).").format(url=state.url, schema=state.schema))
    if state.content is not None:
        say(
            _("Content in force: version {version} of pack {pack} ({digest}).").format(
                version=state.content[0], pack=state.content[2], digest=state.content[1][:12]
            )
        )


@output_options()
def info(ctx: typer.Context, out: Output) -> None:
    """Show the database, its schema version, the content folders and what is stored.

    Example: fvm info --json
    """
    from fvmcli.cli.views.system import info_view
    from fvmcli.services.system import info as database_info

    out.emit(info_view(database_info(get_env(ctx))))


DEMO_ROWS = 15


def demo(
    ctx: typer.Context,
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="YYYY-MM-DD",
        help="The day the demo is seen from (default: today).",
    ),
    reset: bool = typer.Option(
        False,
        "--reset",
        help="Build the demo afresh even when its database holds changes made in it.",
    ),
) -> None:
    """Build the bundled pack's demo territory in a database of its own, and show it.

    The demo never touches your real database: it uses demo.sqlite in the user data folder
    (or --db), and resets it first, so two runs give the same result.

    Example: fvm demo --as-of 2026-11-26

    Example: fvm demo --reset
    """
    from fvmcli.cli.output import show
    from fvmcli.cli.phases import PHASES
    from fvmcli.cli.views.cutover import print_status
    from fvmcli.cli.writing import write_file
    from fvmcli.render import report
    from fvmcli.services.context import data_dir
    from fvmcli.services.demo import run_demo
    from fvmcli.store.database import display_url

    env = get_env(ctx, creates=True)
    demo_env, built = run_demo(env, as_of, reset=reset)
    say(_("Demo database: {display_url}").format(display_url=display_url(built.url)), style="bold")
    say(built.summary)
    show(PHASES, built.phases, title=_("Phases"))
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
    say(_("Look closer at a unit:"))
    command_line(f"fvm --db {where} checklist score golive --unit sas-boras-med")
    say(_("To work in the demo data (or add --db to each command):"))
    command_line(f"export FVM_DB={where}")


def register(app: typer.Typer) -> None:
    """Add the top-level commands to ``app``."""
    app.command("init")(init)
    app.command("info")(info)
    app.command("demo")(demo)
