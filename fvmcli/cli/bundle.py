"""``fvm bundle``: hand a unit's answers between an offline laptop and the shared database."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.options import BY, DRY_RUN
from fvmcli.cli.output import say, show
from fvmcli.render.columns import Column

app = typer.Typer(
    help="Offline bundles: export a unit's answers, import them elsewhere.", no_args_is_help=True
)

CONFLICTS = (
    Column("kind", "kind"),
    Column("checklist", "checklist"),
    Column("subject", "subject"),
    Column("local", "here"),
    Column("bundle", "bundle"),
    Column("kept", "kept (newest)"),
)


@app.command("export")
def export(
    ctx: typer.Context,
    unit_id: str = typer.Option(..., "--unit", metavar="U", help="The unit to export."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File (default: <unit>.fvm-bundle.json)."
    ),
    by: str | None = BY,
) -> None:
    """Write one readable JSON bundle: the unit, its answers with full history, its waivers and
    equipment counts, with a SHA-256 digest (and an HMAC signature when FVM_BUNDLE_KEY is set).

    Example: fvm bundle export --unit vc-hjo -o vc-hjo.json
    """
    from fvmcli.cli.writing import write_bytes
    from fvmcli.services.bundles import export_bundle

    document = export_bundle(get_env(ctx), unit_id, by=by)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    write_bytes(text.encode("utf-8"), output or Path(f"{document['unit']['id']}.fvm-bundle.json"))


@app.command("import")
def import_(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Bundles to import."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Verify bundles and merge their history: entries not yet present are added and the newest
    entry of each question or item becomes its current value. Importing twice changes nothing.

    Example: fvm bundle import vc-hjo.json
    """
    from fvmcli.services.bundles import import_bundle_files

    verb = "Would import" if dry_run else "Imported"
    for done in import_bundle_files(get_env(ctx), files, dry_run=dry_run):
        say(
            f"{verb} {done.file} ({done.unit}): {done.added} added, {done.unchanged} unchanged, "
            f"{len(done.conflicts)} conflicting; {done.changed} current values changed."
        )
        if done.conflicts:
            show(CONFLICTS, done.conflicts, as_json=False, title="Conflicts")
