"""``fvm remind``: each unit's reminder digest by e-mail, and the record of who got what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import AS_OF, BY, CHECKLIST_OPTION, JSON, unit_filters
from fvmcli.cli.output import emit_json, progress, say, show, warn
from fvmcli.errors import EnvironmentProblem, InputError
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import Column
from fvmcli.render.values import word

app = typer.Typer(
    help=GROUPS["remind"][1],
    invoke_without_command=True,
)

OUTCOMES = (
    Column("unit", "unit"),
    Column("name", "name"),
    Column("state", "state", word),
    Column("recipients", "recipients", lambda r: ", ".join(r) or "–"),
    Column("blockers", "blockers"),
    Column("overdue", "overdue"),
    Column("due_soon", "due soon"),
    Column("training_gaps", "training"),
    Column("equipment_items", "equipment"),
    Column("refused", "refused", lambda r: "; ".join(r) or ""),
)
STATE_STYLE = {
    "sent": "green",
    "would-send": None,
    "already-sent": "dim",
    "no-recipient": "yellow",
    "refused": "red",
    "not-sent": "red",
}
LOG = (
    Column("day", "day", lambda d: d.isoformat()),
    Column("unit", "unit"),
    Column("recipient", "recipient"),
    Column("name", "name"),
    Column("digest", "digest", lambda d: d[:12]),
    Column("sent_at", "sent at"),
    Column("sent_by", "sent by"),
)


@app.callback(invoke_without_command=True)
@unit_filters(units=True)
def remind(
    ctx: typer.Context,
    filters: Any,
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
    as_json: bool = JSON,
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
    from fvmcli.mail import smtp_settings
    from fvmcli.services.remind import remind as send

    if output is not None and not dry_run:
        raise InputError(_("-o/--output writes messages only with --dry-run"))
    settings = (
        None
        if dry_run
        else smtp_settings(
            smtp_host,
            smtp_port,
            smtp_security,
            sender,
            smtp_user,
            cafile=cafile,
        )
    )
    env = get_env(ctx)
    with progress(_("Reminders (units done)"), steps=None) as step:
        done = send(
            env,
            filters,
            within=within,
            as_of=as_of,
            checklist_id=checklist_id,
            smtp=settings,
            sender=sender or "fvm@localhost",
            resend=resend,
            by=by,
            on_unit=step,
        )
    if output is not None:
        _write_messages(output, done.outcomes)
    rows = [o.as_dict() for o in done.outcomes]
    if as_json:
        emit_json(done.as_json())
    else:
        if rows:
            show(
                OUTCOMES,
                rows,
                as_json=False,
                title=_("Reminders of {day}").format(day=done.day.isoformat())
                + (_(" (dry run: nothing sent)") if done.dry_run else ""),
                styles=[STATE_STYLE[r["state"]] for r in rows],
            )
        say(_summary(done))
    failed = done.failed
    if failed:
        names = ", ".join(o.unit for o in failed)
        why = f" ({done.stopped})" if done.stopped else ""
        raise EnvironmentProblem(
            _("not sent to every recipient{why}: {names}").format(why=why, names=names),
            hint=_("What was sent is recorded; run the same command again to send the rest."),
        )


def _summary(done: Any) -> str:
    """Return the one line that says what the run did."""
    parts = [
        f"{n} {label}"
        for n, label in (
            (done.count("sent"), _("sent")),
            (done.count("would-send"), _("would be sent")),
            (done.count("already-sent"), _("already sent today")),
            (done.count("no-recipient"), _("without a recipient")),
            (done.count("refused"), _("refused")),
            (done.count("not-sent"), _("not sent")),
            (done.quiet, _("with nothing to report")),
        )
        if n
    ]
    return _("Units: {counts}.").format(counts=", ".join(parts) if parts else _("none selected"))


def _write_messages(folder: Path, outcomes: list[Any]) -> None:
    """Write each message of a dry run as FOLDER/UNIT.eml."""
    from fvmcli.cli.writing import atomic_path

    written = 0
    for outcome in outcomes:
        if outcome.message is None:
            continue
        with atomic_path(folder / f"{outcome.unit}.eml") as temporary:
            temporary.write_bytes(outcome.message)
        written += 1
    if written:
        say(
            ngettext(
                "Wrote {written} message to {folder}",
                "Wrote {written} messages to {folder}",
                written,
            ).format(written=written, folder=folder)
        )
    else:
        warn(_("No message to write to {folder}.").format(folder=folder))


@app.command("log")
@unit_filters(units=True)
def log(
    ctx: typer.Context,
    filters: Any,
    since: str | None = typer.Option(None, "--since", metavar="DATE", help="From this day on."),
    as_json: bool = JSON,
) -> None:
    """Who got which digest, newest day first: person ids (with names unless forgotten), or
    '@unit' for a unit's own e-mail. Addresses are not kept.

    Example: fvm remind log --area södra --since 2026-11-01
    """
    from fvmcli.services.remind import sent_log

    records = sent_log(get_env(ctx), filters, since=since)
    show(LOG, records, as_json=as_json, title=_("{count} digests sent").format(count=len(records)))
