"""Offline bundles: a unit's answers and counts carried between a laptop and the database."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fvmcli.core.bundle import Entry
from fvmcli.core.model import Checklist, Unit
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
    """Return the bundle read from ``document`` when it can be trusted and every entry is one
    fvm could have written for its unit under this content; raise an error naming the file and
    each bad entry (``history[12].new: …``) otherwise."""
    from fvmcli.core.bundle import entry_problems, read_unit, verify
    from fvmcli.core.territory import unit_problems
    from fvmcli.core.values import check_id
    from fvmcli.errors import Problem, ProblemsError

    key = os.environ.get("FVM_BUNDLE_KEY")
    problem = verify(document, key) if isinstance(document, dict) else "not a JSON object"
    if problem:
        raise InputError(f"{file}: refused: {problem}. Nothing was imported.")
    unit, problems = read_unit(document.get("unit"))
    if unit is not None:
        problems += [Problem(f"unit.{f}", m) for f, m in unit_problems(unit, ctx.territory)]
        if not problems:
            try:
                check_id(unit.id, what="unit id")
            except ValueError as exc:
                problems.append(Problem("unit.id", str(exc)))
    history = document.get("history")
    if not isinstance(history, list):
        problems.append(Problem("history", "expected a list of entries"))
    entries: list[Entry] = []
    if unit is not None and not problems:
        assert isinstance(history, list)
        named: set[str] = {
            e["scope"] for e in history if isinstance(e, dict) and type(e.get("scope")) is str
        }
        checklists = {name: _checklist(ctx, name) for name in named}
        latest = ctx.clock.latest()
        for index, raw in enumerate(history):
            entry, found = entry_problems(index, raw, unit, checklists, ctx.catalog, latest)
            problems += found
            if entry is not None:
                entries.append(entry)
    if problems:
        shown = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            shown.append(Problem("…", f"and {len(problems) - MAX_LISTED} more problems"))
        raise ProblemsError(
            f"{file}: refused", shown, hint="Nothing was imported. Export the bundle again."
        )
    assert unit is not None
    return CheckedBundle(file, unit, entries)


MAX_LISTED = 50


def _checklist(ctx: Context, checklist_id: str) -> Checklist | None:
    """Return the checklist, or None when this content has no such checklist."""
    from fvmcli.errors import UnknownIdError

    try:
        return ctx.checklist(checklist_id)
    except UnknownIdError:
        return None


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
