"""``checklists/gates.toml``: the go/no-go criteria and voting roles, validated as
``content.md`` says."""

from __future__ import annotations

from typing import Any

from fvmcli.content.locate import ContentDirs, ContentFile
from fvmcli.content.tomlfile import Checker, read_toml
from fvmcli.core.gate import KINDS, Criterion, Gate, GateRole
from fvmcli.core.model import Territory, Text
from fvmcli.core.scoring import STATUSES
from fvmcli.errors import ContentError, Problem
from fvmcli.i18n import _

_COMMON = {"id", "text", "kind", "required", "types", "areas"}
# The threshold keys each kind takes (one of those listed is required).
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "units_with_status": ("max_count", "max_share"),
    "mean_score": ("min",),
    "training_coverage": ("min",),
    "equipment_readiness": ("min",),
    "blockers": ("max",),
    "overdue": ("max",),
    "unattested": ("max",),
}
# The range a threshold must lie in.
RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("units_with_status", "max_count"): (0, 10**9),
    ("units_with_status", "max_share"): (0, 1),
    ("mean_score", "min"): (0, 1),
    ("training_coverage", "min"): (0, 100),
    ("equipment_readiness", "min"): (0, 100),
    ("blockers", "max"): (0, 10**9),
    ("overdue", "max"): (0, 10**9),
    ("unattested", "max"): (0, 10**9),
}
INTEGERS = {"max_count", "max"}


def load_gate(dirs: ContentDirs, territory: Territory) -> Gate:
    """Return the validated gate; a missing file is an input error naming it."""
    file = dirs.file("checklists", "gates.toml")
    if file is None:
        raise ContentError("checklists/gates.toml", [Problem("file", _("not found"))])
    return parse_gate(file, read_toml(file), territory)


def _roles(check: Checker, raw: Any) -> tuple[GateRole, ...]:
    found: list[GateRole] = []
    for path, item in check.items(raw, "roles"):
        t = check.table(item, path, {"id", "name", "required"}, {"id", "name"})
        rid = check.get(t, "id", path, check.string, "")
        check.short_id(rid, f"{path}.id")
        if rid in {r.id for r in found}:
            check.add(f"{path}.id", _("duplicate role id {id!r}").format(id=rid))
            continue
        name = check.get(t, "name", path, check.text, Text(rid))
        if rid:
            found.append(GateRole(rid, name, check.get(t, "required", path, check.boolean, True)))
    return tuple(found)


def _threshold(check: Checker, t: dict[str, Any], path: str, kind: str, key: str) -> float | None:
    if key not in t:
        return None
    raw = t[key]
    value = (
        check.integer(raw, f"{path}.{key}")
        if key in INTEGERS
        else check.number(raw, f"{path}.{key}")
    )
    if value is None:
        return None
    low, high = RANGES[(kind, key)]
    if not low <= value <= high:
        check.add(
            f"{path}.{key}",
            _("expected {low}–{high}, got {value}").format(low=low, high=high, value=value),
        )
        return None
    return value


def _criterion(check: Checker, raw: Any, path: str, territory: Territory) -> Criterion | None:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    keys = KIND_KEYS.get(kind, ()) if isinstance(kind, str) else ()
    allowed = _COMMON | set(keys) | ({"status"} if kind == "units_with_status" else set())
    t = check.table(raw, path, allowed, {"id", "text", "kind"})
    cid = check.get(t, "id", path, check.string, "")
    check.short_id(cid, f"{path}.id")
    if isinstance(kind, str) and kind not in KINDS:
        check.add(
            f"{path}.kind",
            _("unknown kind {kind!r} (known: {known})").format(kind=kind, known=", ".join(KINDS)),
        )
        return None
    types = check.get(t, "types", path, check.strings, None)
    for i, found in enumerate(types or ()):
        if found not in territory.unit_types:
            check.add(f"{path}.types[{i}]", _("unknown unit type {t!r}").format(t=found))
    areas = check.get(t, "areas", path, check.strings, None)
    for i, found in enumerate(areas or ()):
        if found not in territory.areas:
            check.add(f"{path}.areas[{i}]", _("unknown area {area!r}").format(area=found))
    none: tuple[str, ...] = ()
    status = check.get(t, "status", path, check.strings, none)
    for i, found in enumerate(status):
        if found not in STATUSES:
            check.add(
                f"{path}.status[{i}]",
                _("unknown status {status!r} (known: {known})").format(
                    status=found, known=", ".join(STATUSES)
                ),
            )
    if kind == "units_with_status" and not status:
        check.add(f"{path}.status", _("name the statuses counted"))
    given = [k for k in keys if k in t]
    if keys and len(given) != 1:
        check.add(
            path,
            _("give exactly one of {keys}").format(keys=", ".join(keys)),
        )
    values = {k: _threshold(check, t, path, str(kind), k) for k in keys}
    text = check.get(t, "text", path, check.text, None)
    if not cid or text is None or not isinstance(kind, str):
        return None
    return Criterion(
        cid,
        text,
        kind,
        check.get(t, "required", path, check.boolean, True),
        types,
        areas,
        status,
        int(count) if (count := values.get("max_count")) is not None else None,
        values.get("max_share"),
        values.get("min"),
        values.get("max"),
    )


def parse_gate(file: ContentFile, data: dict[str, Any], territory: Territory) -> Gate:
    """Return the gate in ``data``; raise ContentError listing every problem."""
    check = Checker(file)
    top = check.table(data, "", {"checklist", "roles", "criteria"}, {"checklist", "criteria"})
    checklist = check.get(top, "checklist", "", check.string, "golive")
    roles = _roles(check, top.get("roles", []))
    criteria: list[Criterion] = []
    for path, raw in check.items(top.get("criteria", []), "criteria"):
        found = _criterion(check, raw, path, territory)
        if found is None:
            continue
        if found.id in {c.id for c in criteria}:
            check.add(f"{path}.id", _("duplicate criterion id {id!r}").format(id=found.id))
            continue
        criteria.append(found)
    check.raise_if_any()
    return Gate(checklist, roles, tuple(criteria))
