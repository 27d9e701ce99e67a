"""Offline bundles: a unit's answers and counts carried between a laptop and the database."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fvmcli.core.bundle import Entry
from fvmcli.core.model import Unit
from fvmcli.errors import InputError
from fvmcli.services.context import Context
from fvmcli.services.territory import require_unit


def export_bundle(ctx: Context, unit_id: str, *, by: str | None = None) -> dict[str, Any]:
    """Return the unit's bundle: the unit, its current answers, waivers and counts, their full
    history, and a SHA-256 digest (with an HMAC signature when FVM_BUNDLE_KEY is set)."""
    from fvmcli import __version__
    from fvmcli.core.bundle import FORMAT, VERSION, digest, signature
    from fvmcli.store.bundles import current_state, unit_entries

    with ctx.db.read() as conn:
        unit = require_unit(conn, unit_id)
        state = current_state(conn, unit.id)
        entries = unit_entries(conn, unit.id)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "fvm": __version__,
        "exported_at": ctx.clock.now(),
        "exported_by": ctx.actor(by),
        "unit": asdict(unit),
        **state,
        "history": [asdict(e) for e in entries],
    }
    document["digest"] = digest(document)
    key = os.environ.get("FVM_BUNDLE_KEY")
    if key:
        document["signature"] = signature(document, key)
    return document


@dataclass(frozen=True)
class CheckedBundle:
    """A bundle whose digest (and signature) hold, read into a unit and its entries."""

    file: Path
    unit: Unit
    entries: list[Entry]


def check_bundle(ctx: Context, file: Path, document: Any) -> CheckedBundle:
    """Return the bundle read from ``document``; raise InputError naming the file and what
    is wrong when it cannot be trusted or does not fit this territory."""
    from fvmcli.core.bundle import verify

    key = os.environ.get("FVM_BUNDLE_KEY")
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
    if unit.area not in ctx.territory.areas or unit.type not in ctx.territory.unit_types:
        raise InputError(f"{file}: unit {unit.id} has an area or type this territory lacks")
    return CheckedBundle(file, unit, entries)


@dataclass(frozen=True)
class BundleImported:
    """What one bundle's merge added and changed, and the topics both sides changed."""

    file: Path
    unit: str
    added: int
    unchanged: int
    conflicts: list[dict[str, Any]]
    changed: int


def import_bundles(
    ctx: Context, documents: list[tuple[Path, Any]], *, dry_run: bool = False
) -> list[BundleImported]:
    """Verify every bundle, then merge their histories in one transaction: entries not yet
    present are added and the newest entry of each topic becomes its current value. Nothing is
    stored when any bundle is refused; importing twice changes nothing."""
    from fvmcli.core.bundle import plan_merge
    from fvmcli.store.bundles import add_entries, apply_newest, unit_entries
    from fvmcli.store.units import get_unit, upsert_units

    checked = [check_bundle(ctx, file, document) for file, document in documents]
    report = []
    with ctx.db.write(dry_run=dry_run) as conn:
        for bundle in checked:
            unit = bundle.unit
            if get_unit(conn, unit.id) is None:
                upsert_units(conn, [unit], by=ctx.actor(), at=ctx.clock.now())
            plan = plan_merge(unit_entries(conn, unit.id), bundle.entries)
            add_entries(conn, unit.id, plan.added)
            changed = apply_newest(conn, unit.id, plan.newest)
            report.append(
                BundleImported(
                    bundle.file, unit.id, len(plan.added), plan.unchanged, plan.conflicts, changed
                )
            )
    return report


def import_bundle_files(
    ctx: Context, files: list[Path], *, dry_run: bool = False
) -> list[BundleImported]:
    """Read bundle files and import them (see :func:`import_bundles`)."""
    from fvmcli.content.jsonfile import read_json

    return import_bundles(ctx, [(f, read_json(f)) for f in files], dry_run=dry_run)
