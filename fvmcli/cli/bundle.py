"""``fvm bundle``: hand a unit's answers between an offline laptop and the shared database."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import BY, DRY_RUN
from fvmcli.cli.output import say, show
from fvmcli.errors import ExitCode
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import Column

app = typer.Typer(help=GROUPS["bundle"][1], no_args_is_help=True)

CONFLICTS = (
    Column("kind", "kind"),
    Column("checklist", "checklist"),
    Column("subject", "subject"),
    Column("local", "here"),
    Column("bundle", "bundle"),
    Column("kept", "kept (here)"),
)


@app.command("export")
def export(
    ctx: typer.Context,
    unit_id: str = typer.Option(..., "--unit", metavar="U", help="The unit to export."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File (default: <unit>.fvm-bundle.json)."
    ),
    key: Path | None = typer.Option(
        None,
        "--key",
        metavar="KEYFILE",
        help="The device key to sign with (default: device.key in the user data folder).",
    ),
    by: str | None = BY,
) -> None:
    """Write one readable JSON bundle: the unit, its answers with full history, its waivers and
    equipment counts, signed with this device's key (see 'fvm bundle keygen').

    Example: fvm bundle export --unit clinic-12 -o clinic-12.json
    """
    from fvmcli.cli.output import warn
    from fvmcli.cli.writing import write_bytes
    from fvmcli.services.bundles import export_bundle

    done = export_bundle(get_env(ctx), unit_id, key=key, by=by)
    text = json.dumps(done.document, ensure_ascii=False, indent=2) + "\n"
    target = output or Path(f"{done.document['unit']['id']}.fvm-bundle.json")
    write_bytes(text.encode("utf-8"), target)
    if done.fingerprint:
        say(_("Signed with the device key {fingerprint}.").format(fingerprint=done.fingerprint))
    elif done.legacy:
        warn(
            _(
                "Signed with the shared FVM_BUNDLE_KEY (legacy): anyone with it can "
                "sign for any unit."
            )
        )
    else:
        warn(
            _(
                "Not signed: a database refuses unsigned bundles. Make a device key "
                "with 'fvm bundle keygen' and have a lead trust it ('fvm bundle "
                "trust')."
            )
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Bundles to import."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Verify bundles and merge their history: entries not yet present are added and the newest
    entry of each question or item becomes its current value. Importing twice changes nothing.

    Example: fvm bundle import clinic-12.json
    """
    from fvmcli.cli.output import warn
    from fvmcli.services.bundles import import_bundle_files

    verb = _("Would import") if dry_run else _("Imported")
    conflicting = 0
    for done in import_bundle_files(get_env(ctx, creates=True), files, dry_run=dry_run):
        conflicting += len(done.conflicts)
        say(
            _(
                "{verb} {file} ({unit}): {added} added, {unchanged} unchanged, {count} "
                "conflicting; {changed} current values changed."
            ).format(
                verb=verb,
                file=done.file,
                unit=done.unit,
                added=done.added,
                unchanged=done.unchanged,
                count=len(done.conflicts),
                changed=done.changed,
            )
        )
        if done.legacy:
            warn(
                _(
                    "{file} is signed with the shared FVM_BUNDLE_KEY (legacy mode): "
                    "whoever has that key can sign for any unit. Move to device keys (fvm "
                    "bundle keygen)."
                ).format(file=done.file)
            )
        else:
            say(_("Signed by the device key {fingerprint}.").format(fingerprint=done.fingerprint))
        if done.conflicts:
            show(CONFLICTS, done.conflicts, title=_("Conflicts"))
    if conflicting:
        # The rest is merged; a script learns that part of a stale bundle was not taken.
        warn(
            _(
                "{count} values were changed on both sides without either seeing the "
                "other's change; the bundle's values were not taken (the values here stay). "
                "Choose each with fvm checklist set (or fvm equipment count), then export "
                "again."
            ).format(count=conflicting)
        )
        raise typer.Exit(ExitCode.CONFLICT)


@app.command("keygen")
def keygen(
    output: Path | None = typer.Option(
        None, "-o", "--output", metavar="KEYFILE", help="Default: device.key in the data folder."
    ),
) -> None:
    """Make this device's signing key pair (Ed25519) for bundles; show its fingerprint.

    The private key stays on the device (readable by you only); give KEYFILE.pub to a lead,
    who trusts it for your units with 'fvm bundle trust'.

    Example: fvm bundle keygen
    """
    from fvmcli.services.bundles import keygen as make_key

    made = make_key(output)
    say(
        _("Made the device key {private} and its public key {public}.").format(
            private=made.private, public=made.public
        )
    )
    say(
        _("Fingerprint: {fingerprint} (compare it when a lead trusts the key).").format(
            fingerprint=made.fingerprint
        )
    )


@app.command("trust")
def trust(
    ctx: typer.Context,
    public: Path = typer.Argument(..., metavar="KEY.pub", help="A device's public key file."),
    units: list[str] = typer.Option([], "--unit", metavar="U", help="A unit it may sign for."),
    areas: list[str] = typer.Option([], "--area", metavar="A", help="An area it may sign for."),
) -> None:
    """Trust a device's key to sign bundles of these units or areas (leads).

    Example: fvm bundle trust anna-laptop.key.pub --unit clinic-12
    """
    from fvmcli.services.bundles import trust as trust_key

    done = trust_key(get_env(ctx), public, units=units, areas=areas)
    from fvmcli.render.values import scope_text

    scope = scope_text(units, areas)
    say(
        ngettext(
            "Trusted {fingerprint} for {scope} ({added} new).",
            "Trusted {fingerprint} for {scope} ({added} new ones).",
            done.added,
        ).format(fingerprint=done.fingerprint, scope=scope, added=done.added)
    )
