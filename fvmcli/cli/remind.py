"""``fvm remind``: each unit's reminder digest by e-mail, and the record of who got what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import AS_OF, BY, CHECKLIST_OPTION, output_options, unit_filters
from fvmcli.cli.output import Listing, Output, progress
from fvmcli.i18n import _
from fvmcli.render.columns import Column
from fvmcli.render.values import local_time

app = typer.Typer(
    help=GROUPS["remind"][1],
    invoke_without_command=True,
)

LOG = (
    Column("day", "day", lambda d: d.isoformat()),
    Column("unit", "unit"),
    Column("recipient", "recipient"),
    Column("name", "name"),
    Column("digest", "digest", lambda d: d[:12]),
    Column("sent_at", "sent at", lambda at: local_time(at) or ""),
    Column("sent_by", "sent by"),
)


@app.callback(invoke_without_command=True)
@unit_filters(units=True)
@output_options()
def remind(
    ctx: typer.Context,
    filters: Any,
    out: Output,
    within: int = typer.Option(
        14, "--within", metavar="DAYS", help="Also remind of items due within this many days."
    ),
    checklist_id: str = CHECKLIST_OPTION,
    as_of: str | None = AS_OF,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Send nothing and store nothing; with -o write .eml files."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", metavar="FOLDER", help="With --dry-run: write UNIT.eml files here."
    ),
    resend: bool = typer.Option(
        False, "--resend", help="Send again to recipients who already had today's digest."
    ),
    smtp_host: str | None = typer.Option(
        None, "--smtp-host", envvar="FVM_SMTP_HOST", help="SMTP server."
    ),
    smtp_port: int | None = typer.Option(
        None,
        "--smtp-port",
        envvar="FVM_SMTP_PORT",
        help="SMTP port (587 for starttls, 465 for tls, 25 for none).",
    ),
    smtp_security: str = typer.Option(
        "starttls",
        "--smtp-security",
        envvar="FVM_SMTP_SECURITY",
        metavar="starttls|tls|none",
        help="How the connection is encrypted.",
    ),
    smtp_user: str | None = typer.Option(
        None,
        "--smtp-user",
        envvar="FVM_SMTP_USER",
        help="Login; the password is read from FVM_SMTP_PASSWORD only.",
    ),
    sender: str | None = typer.Option(
        None, "--from", envvar="FVM_SMTP_FROM", help="The From address."
    ),
    cafile: str | None = typer.Option(
        None,
        "--smtp-cafile",
        envvar="FVM_SMTP_CAFILE",
        metavar="FILE",
        help="Certificate authorities to trust for the server (PEM), if not the system's.",
    ),
    smtp_deadline: str | None = typer.Option(
        None,
        "--smtp-deadline",
        envvar="FVM_SMTP_DEADLINE",
        metavar="SECONDS",
        help="Give up on the SMTP server when connecting, or sending one message, takes longer "
        "than this many seconds (1–3600, default 120); what it took by then stays recorded.",
    ),
    by: str | None = BY,
) -> None:
    """Send each selected unit one digest: overdue items, items due soon, open blockers and
    waivers running out, who still lacks which course (with coming sessions that have free
    seats), and the equipment still to procure, configure or test.

    It goes to the unit's people whose role has remind = true in roles.toml, and to the unit's
    own e-mail. A unit with nothing to report gets nothing; a unit with no recipient is listed.
    Each digest sent is recorded: a re-run the same day sends nothing new unless --resend, and
    after a failure halfway the next run sends the rest.

    Examples:
      fvm remind --area södra --dry-run -o påminnelser/
      FVM_SMTP_PASSWORD=… fvm remind --phase 1 --smtp-host smtp.vgregion.se --smtp-user fvm
      fvm remind log --since 2026-11-01
    """
    if ctx.invoked_subcommand is not None:
        return
    from fvmcli.cli.views.remind import reminders_view
    from fvmcli.cli.writing import write_messages
    from fvmcli.errors import InputError
    from fvmcli.services.remind import SmtpOptions, run_reminders

    if output is not None and not dry_run:
        raise InputError(_("-o/--output writes messages only with --dry-run"))
    smtp = SmtpOptions(
        smtp_host, smtp_port, smtp_security, smtp_user, sender, cafile, smtp_deadline
    )
    with progress(_("Reminders (units done)"), steps=None) as step:
        done = run_reminders(
            get_env(ctx),
            filters,
            within=within,
            as_of=as_of,
            checklist_id=checklist_id,
            dry_run=dry_run,
            smtp=smtp,
            resend=resend,
            by=by,
            on_unit=step,
        )
    written: list[Path] = []
    if output is not None:
        messages = [(o.unit, o.message) for o in done.outcomes if o.message is not None]
        written = write_messages(messages, output)
    out.emit(reminders_view(done, output, written))
    done.raise_if_failed()


@app.command("log")
@unit_filters(units=True)
@output_options(csv=True)
def log(
    ctx: typer.Context,
    filters: Any,
    out: Output,
    since: str | None = typer.Option(None, "--since", metavar="DATE", help="From this day on."),
) -> None:
    """Who got which digest, newest day first: person ids (with names unless forgotten), or
    '@unit' for a unit's own e-mail. Addresses are not kept.

    Example: fvm remind log --area södra --since 2026-11-01
    """
    from fvmcli.services.remind import sent_log

    records = sent_log(get_env(ctx), filters, since=since)
    out.emit(Listing(LOG, records, title=_("{count} digests sent").format(count=len(records))))
