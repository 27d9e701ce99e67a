"""``fvm bundle``: hand a unit's answers between an offline laptop and the shared database."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env, resolve_user
from fvmcli.cli.output import emit_table, say
from fvmcli.errors import InputError

app = typer.Typer(
    help="Offline bundles: export a unit's answers, import them elsewhere.", no_args_is_help=True
)


@app.command("export")
def export(
    ctx: typer.Context,
    unit_id: str = typer.Option(..., "--unit", metavar="U", help="The unit to export."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File (default: <unit>.fvm-bundle.json)."
    ),
    by: str | None = typer.Option(None, "--by", help="Who exports (env FVM_USER)."),
) -> None:
    """Write one readable JSON bundle: the unit, its answers with full history, its waivers and
    equipment counts, with a SHA-256 digest (and an HMAC signature when FVM_BUNDLE_KEY is set).

    Example: fvm bundle export --unit vc-hjo -o vc-hjo.json
    """
    from fvmcli import __version__
    from fvmcli.cli.readiness import require_unit
    from fvmcli.cli.writing import write_bytes
    from fvmcli.clock import now_iso
    from fvmcli.core.bundle import FORMAT, VERSION, digest, signature
    from fvmcli.store.bundles import current_state, unit_entries

    env = get_env(ctx)
    with env.db.read() as conn:
        unit = require_unit(conn, unit_id)
        state = current_state(conn, unit.id)
        entries = unit_entries(conn, unit.id)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "fvm": __version__,
        "exported_at": now_iso(),
        "exported_by": resolve_user(by),
        "unit": asdict(unit),
        **state,
        "history": [asdict(e) for e in entries],
    }
    document["digest"] = digest(document)
    key = os.environ.get("FVM_BUNDLE_KEY")
    if key:
        document["signature"] = signature(document, key)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    write_bytes(text.encode("utf-8"), output or Path(f"{unit.id}.fvm-bundle.json"))


@app.command("import")
def import_(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Bundles to import."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Verify and report; store nothing."),
) -> None:
    """Verify bundles and merge their history: entries not yet present are added and the newest
    entry of each question or item becomes its current value. Importing twice changes nothing.

    Example: fvm bundle import vc-hjo.json
    """
    from fvmcli.cli.writing import read_json
    from fvmcli.clock import now_iso
    from fvmcli.core.bundle import Entry, plan_merge, verify
    from fvmcli.core.model import Unit
    from fvmcli.store.bundles import add_entries, apply_newest, unit_entries
    from fvmcli.store.units import get_unit, upsert_units

    env = get_env(ctx)
    key = os.environ.get("FVM_BUNDLE_KEY")
    documents = []
    for file in files:
        document = read_json(file)
        problem = verify(document, key) if isinstance(document, dict) else "not a JSON object"
        if problem:
            raise InputError(f"{file}: refused: {problem}. Nothing was imported.")
        try:
            unit = Unit(**document["unit"])
            entries = [Entry(**e) for e in document["history"]]
        except (KeyError, TypeError) as exc:
            raise InputError(
                f"{file}: refused: malformed bundle ({exc}). Nothing was imported."
            ) from exc
        if unit.area not in env.territory.areas or unit.type not in env.territory.unit_types:
            raise InputError(f"{file}: unit {unit.id} has an area or type this territory lacks")
        documents.append((file, unit, entries))
    report = []
    with env.db.write(dry_run=dry_run) as conn:
        for file, unit, entries in documents:
            if get_unit(conn, unit.id) is None:
                upsert_units(conn, [unit], by=resolve_user(None), at=now_iso())
            plan = plan_merge(unit_entries(conn, unit.id), entries)
            add_entries(conn, unit.id, plan.added)
            changed = apply_newest(conn, unit.id, plan.newest)
            report.append((file, unit.id, len(plan.added), plan.unchanged, plan.conflicts, changed))
    verb = "Would import" if dry_run else "Imported"
    for file, unit_id, added, unchanged, conflicts, changed in report:
        say(
            f"{verb} {file} ({unit_id}): {added} added, {unchanged} unchanged, "
            f"{len(conflicts)} conflicting; {changed} current values changed."
        )
        if conflicts:
            emit_table(
                ["kind", "checklist", "subject", "here", "bundle", "kept (newest)"],
                [
                    [c["kind"], c["checklist"], c["subject"], c["local"], c["bundle"], c["kept"]]
                    for c in conflicts
                ],
                title="Conflicts",
            )
