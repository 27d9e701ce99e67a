"""What a content change changes (``cli.md``, "content diff"): each item, the units whose
status and the gate criteria whose verdict differ; and the program's own rules changing under
the same content, measured against the statuses recorded with each publication."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fvmcli.content.default import default_checklist
from fvmcli.services.content_force import (
    ContentEffects,
    check_pack,
    folder_dirs,
    local_dirs,
    may_publish,
    read_pack,
    store_pack,
    version_dirs,
    version_of,
)

if TYPE_CHECKING:
    from fvmcli.content.locate import ContentDirs
    from fvmcli.core.packs import Change, StatusChange
    from fvmcli.services.context import Context
    from fvmcli.store.content import RulesMark, Version
    from fvmcli.store.driver import Connection


# ---------------------------------------------------------------------------------------------
# Diff


@dataclass(frozen=True)
class ContentDiff:
    source: tuple[int | None, str]  # (version, digest)
    target: tuple[int | None, str]
    changes: list[Change]
    units: list[StatusChange]
    criteria: list[dict[str, Any]]
    checklist: str | None = None
    as_of: date | None = None
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "from": {"version": self.source[0], "digest": self.source[1]},
            "to": {"version": self.target[0], "digest": self.target[1]},
            "changes": [c.as_json() for c in self.changes],
            "units": [
                {"unit": u.unit, "status": u.status, "status_to": u.status_to} for u in self.units
            ],
            "criteria": self.criteria,
        }


def diff(
    ctx: Context,
    *,
    source: int | None = None,
    target: int | None = None,
    to_dirs: ContentDirs | None = None,
    folder: Path | None = None,
    as_of: str | None = None,
) -> ContentDiff:
    """Return what changes from version ``source`` (default: in force) to version ``target``,
    or to a local pack (``folder``): the items, the units whose status changes and the gate
    criteria whose verdict changes, as of a day (default today)."""
    from fvmcli.services.territory import parse_day
    from fvmcli.store.content import files

    ctx.content  # noqa: B018
    day = parse_day(ctx, as_of)
    with ctx.open().read() as conn:
        before = version_of(conn, source)
        after = version_of(conn, target) if target is not None else None
    before_dirs = version_dirs(ctx, before.version)
    if after is not None:
        after_dirs = version_dirs(ctx, after.version)
        target_id: tuple[int | None, str] = (after.version, after.digest)
    else:
        if to_dirs is None:
            to_dirs = local_dirs(ctx) if folder is None else folder_dirs(folder)
        pack = read_pack(to_dirs)
        check_pack(pack)
        after_dirs = to_dirs
        target_id = (None, pack.digest)
    with ctx.open().read() as conn:
        old_files = files(conn, before.version)
    new_files = read_pack(after_dirs).files
    changes = _changes(before_dirs, after_dirs, old_files, new_files)
    notes: list[str] = []
    units, criteria, checklist = _effects(ctx, before_dirs, after_dirs, day, notes)
    return ContentDiff(
        (before.version, before.digest), target_id, changes, units, criteria, checklist, day, notes
    )


def _parsed(dirs: ContentDirs) -> dict[str, Any]:
    """Return the content's parts as the diff compares them (a part that is missing or does
    not load is left out)."""
    from fvmcli.content.catalog import load_catalog
    from fvmcli.content.checklists import checklist_files, load_checklist
    from fvmcli.content.courses import load_curriculum
    from fvmcli.content.gates import load_gate
    from fvmcli.content.hypercare import load_hypercare
    from fvmcli.content.runbooks import load_runbooks
    from fvmcli.content.territory import load_territory

    found: dict[str, Any] = {}
    territory = load_territory(dirs)
    found["checklists"] = {
        cid: (f"checklists/{cid}.toml", load_checklist(dirs, cid, territory))
        for cid in checklist_files(dirs)
    }
    found["curriculum"] = load_curriculum(dirs)
    found["catalog"] = (
        load_catalog(dirs, territory)
        if dirs.file("checklists", "equipment.toml") is not None
        else None
    )
    found["gate"] = (
        load_gate(dirs, territory) if dirs.file("checklists", "gates.toml") is not None else None
    )
    found["hypercare"] = (
        load_hypercare(dirs) if dirs.file("checklists", "hypercare.toml") is not None else None
    )
    found["runbooks"] = {r.id: r for r in load_runbooks(dirs, territory)}
    return found


def _changes(
    before: ContentDirs,
    after: ContentDirs,
    old_files: dict[str, bytes],
    new_files: dict[str, bytes],
) -> list[Change]:
    from fvmcli.core.packs import Change, checklist_changes, item_changes

    a, b = _parsed(before), _parsed(after)
    found: list[Change] = []
    for cid in sorted(set(a["checklists"]) | set(b["checklists"])):
        old, new = a["checklists"].get(cid), b["checklists"].get(cid)
        label = (new or old)[0]
        found += checklist_changes(label, old[1] if old else None, new[1] if new else None)
    courses = [a["curriculum"].courses, b["curriculum"].courses]
    for cid in sorted(set(courses[0]) | set(courses[1])):
        found += item_changes(
            f"courses/{cid}.toml",
            "course",
            {k: v for k, v in courses[0].items() if k == cid},
            {k: v for k, v in courses[1].items() if k == cid},
        )
    found += item_changes(
        "courses/roles.toml", "role", a["curriculum"].roles, b["curriculum"].roles
    )
    found += item_changes(
        "courses/roles.toml", "role", a["curriculum"].owners, b["curriculum"].owners
    )
    items = [{i.id: i for i in (c.items if c else ())} for c in (a["catalog"], b["catalog"])]
    found += item_changes("checklists/equipment.toml", "item", items[0], items[1])
    gates = [{c.id: c for c in (g.criteria if g else ())} for g in (a["gate"], b["gate"])]
    found += item_changes("checklists/gates.toml", "criterion", gates[0], gates[1])
    care = [
        {i.id: i for i in (h.indicators if h else ())} for h in (a["hypercare"], b["hypercare"])
    ]
    found += item_changes("checklists/hypercare.toml", "indicator", care[0], care[1])
    pauses = [
        {c.id: c for c in (h.criteria if h else ())} for h in (a["hypercare"], b["hypercare"])
    ]
    found += item_changes("checklists/hypercare.toml", "criterion", pauses[0], pauses[1])
    for rid in sorted(set(a["runbooks"]) | set(b["runbooks"])):
        found += item_changes(
            f"runbooks/{rid}.toml",
            "runbook",
            {k: v for k, v in a["runbooks"].items() if k == rid},
            {k: v for k, v in b["runbooks"].items() if k == rid},
        )
    # Files no item above stands for (the territory, templates, pack.toml): named as files.
    covered = {c.file for c in found}
    parsed_kinds = ("checklists/", "courses/", "runbooks/")
    for path in sorted(set(old_files) | set(new_files)):
        if old_files.get(path) == new_files.get(path) or path in covered:
            continue
        if (
            path.startswith(parsed_kinds)
            and path.endswith(".toml")
            and path not in ("checklists/territory.toml",)
        ):
            continue
        change = (
            "added" if path not in old_files else "removed" if path not in new_files else "revised"
        )
        found.append(Change(path, "file", path, change))
    return found


def _effects(
    ctx: Context, before: ContentDirs, after: ContentDirs, day: date, notes: list[str]
) -> tuple[list[StatusChange], list[dict[str, Any]], str | None]:
    """Return the units whose status and the gate criteria whose verdict differ between two
    contents, as of ``day``, for the default checklist of each. A side that cannot score the
    stored units (a unit type it lacks) scores none, and ``notes`` says why."""
    from fvmcli.core.packs import status_changes
    from fvmcli.errors import FvmError

    old_ctx, new_ctx = ctx.under(before), ctx.under(after)
    checklist = default_checklist(after)
    statuses: list[dict[str, str]] = []
    verdicts: list[dict[tuple[int, str], bool]] = []
    for c, d in ((old_ctx, before), (new_ctx, after)):
        try:
            statuses.append(unit_statuses(c, day, default_checklist(d)))
            verdicts.append(_criteria(c, day))
        except FvmError as exc:
            notes.append(exc.message.splitlines()[0])
    if notes:  # one side scores nothing: there is nothing to compare
        return [], [], checklist
    units = status_changes(statuses[0], statuses[1])
    criteria: list[dict[str, Any]] = []
    for key in sorted(set(verdicts[0]) | set(verdicts[1])):
        met, met_to = verdicts[0].get(key), verdicts[1].get(key)
        if met != met_to:
            phase, cid = key
            criteria.append({"id": cid, "phase": phase, "met": met, "met_to": met_to})
    return units, criteria, checklist


def unit_statuses(ctx: Context, day: date, checklist: str | None) -> dict[str, str]:
    """Return each unit's status under the context's content on ``day``."""
    from fvmcli.services.cutover import territory_status

    if checklist is None:
        return {}
    found = territory_status(ctx, checklist_id=checklist, as_of=day, detail=False)
    return {row.unit: row.status for row in found.rows}


def _criteria(ctx: Context, day: date) -> dict[tuple[int, str], bool]:
    """Return (phase, criterion) → met for each phase that has units, when the content has a
    gate; empty otherwise."""
    from fvmcli.services.gate import phase_evaluation

    if ctx.content.file("checklists", "gates.toml") is None:
        return {}
    found: dict[tuple[int, str], bool] = {}
    with ctx.open().read() as conn:
        for phase in ctx.territory.phases():
            evaluation = phase_evaluation(ctx, conn, phase, day)
            if not evaluation.rows:
                continue
            for result in evaluation.results:
                found[(phase, result.criterion.id)] = bool(result.met)
    return found


# ---------------------------------------------------------------------------------------------
# The program's own rules


def baseline(ctx: Context, dirs: ContentDirs) -> dict[str, Any]:
    """Return each unit's status today under ``dirs``: the baseline recorded with a
    publication, against which a later change of the program's rules is measured."""
    from fvmcli.errors import FvmError

    day = ctx.clock.today()
    try:
        statuses = unit_statuses(ctx.under(dirs), day, default_checklist(dirs))
    except FvmError:  # units the content cannot score (a type it lacks): no baseline
        statuses = {}
    return {"as_of": day.isoformat(), "statuses": statuses}


def record_statuses(ctx: Context, conn: Connection, version: int, baseline: dict[str, Any]) -> None:
    """Record the rules fingerprint and the baseline with publication ``version``."""
    from fvmcli.core.packs import RULES
    from fvmcli.store.content import record_rules

    record_rules(
        conn, RULES, RULES, {**baseline, "version": version}, by=ctx.actor(), at=ctx.clock.now()
    )


def rules_changed(ctx: Context, last: RulesMark, dirs: ContentDirs) -> None:
    """Record, once, that this program's rules differ from those last recorded on the
    database: the units whose status they change (those with no recorded change since the
    last record, as of its day, so that only the rules differ) and each unit's status now,
    the next baseline. ``fvm info`` shows the change."""
    from fvmcli.core.packs import RULES, status_changes
    from fvmcli.errors import NotPermitted
    from fvmcli.store.content import record_rules, units_changed_since

    if last.rules == RULES or not may_publish(ctx):
        return
    under = ctx.under(dirs)
    checklist = default_checklist(dirs)
    today = ctx.clock.today()
    changed: list[dict[str, str]] = []
    if last.statuses is not None and last.as_of is not None:
        with ctx.open().read() as conn:
            moved = units_changed_since(conn, last.entry)
        then = unit_statuses(under, last.as_of, checklist)
        base = {u: s for u, s in last.statuses.items() if u not in moved}
        changed = [
            {"unit": c.unit, "status": c.status, "status_to": c.status_to}
            for c in status_changes(base, {u: s for u, s in then.items() if u in base})
        ]
    statuses = unit_statuses(under, today, checklist)
    try:
        with ctx.open().write() as conn:
            record_rules(
                conn,
                last.rules,
                RULES,
                {"as_of": today.isoformat(), "statuses": statuses, "changed": changed},
                by=ctx.actor(),
                at=ctx.clock.now(),
            )
    except NotPermitted:
        return


def rules_changes(ctx: Context) -> list[dict[str, Any]]:
    """Return the recorded changes of the program's rules, newest first, each with the units
    whose status they changed."""
    from fvmcli.store.content import rules_entries

    with ctx.open().read() as conn:
        return rules_entries(conn)


def first_publication(ctx: Context) -> Version | None:
    """Publish the local content as version 1 of a database that has none (a database from
    before content lived in it, or a new one); None when this login may not."""
    from fvmcli.errors import NotPermitted
    from fvmcli.store import content as stored

    if not may_publish(ctx):
        return None
    pack = read_pack(local_dirs(ctx))
    check_pack(pack)
    statuses = baseline(ctx, pack.dirs)
    try:
        with ctx.open().write() as conn:
            if stored.in_force(conn) is None:  # another process may have published meanwhile
                number = store_pack(ctx, conn, pack, None)
                record_statuses(ctx, conn, number, statuses)
            return stored.in_force(conn)
    except NotPermitted:
        return None


# Given to every context the command line and ``open_context`` make (``Context.effects``).
EFFECTS = ContentEffects(first_publication, rules_changed)
