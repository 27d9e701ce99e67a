"""``checklists/hypercare.toml``: the indicators each unit reports in the weeks after go-live,
the pause criteria and how many days hypercare lasts, validated as ``content.md`` says."""

from __future__ import annotations

from typing import Any

from fvmcli.content.locate import ContentDirs, ContentFile
from fvmcli.content.tomlfile import Checker, read_toml
from fvmcli.core.hypercare import (
    KINDS,
    STATES,
    UNIT_KINDS,
    WORSE,
    Hypercare,
    HypercareCriterion,
    Indicator,
)
from fvmcli.errors import ContentError, Problem
from fvmcli.i18n import _

MAX_DAYS = 366
_COMMON = {"id", "text", "kind", "required"}
# The keys each kind takes beside the common ones, and the thresholds (give exactly one).
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "units_in_state": ("state",),
    "indicator_total": ("indicator",),
    "indicator_mean": ("indicator",),
}
THRESHOLDS: dict[str, tuple[str, ...]] = {
    "units_in_state": ("max_count", "max_share"),
    "indicator_total": ("max",),
    "indicator_mean": ("min", "max"),
}


def load_hypercare(dirs: ContentDirs) -> Hypercare:
    """Return the validated hypercare file; a missing file is an input error naming it."""
    file = dirs.file("checklists", "hypercare.toml")
    if file is None:
        raise ContentError("checklists/hypercare.toml", [Problem("file", _("not found"))])
    return parse_hypercare(file, read_toml(file))


def _one(check: Checker, kind: str, values: dict[str, Any], path: str, key: str) -> float | None:
    """Return a threshold of an indicator: a count is whole and ≥ 0, a percent 0–100."""
    if key not in values:
        return None
    raw = values[key]
    found = (
        check.integer(raw, f"{path}.{key}")
        if kind == "count"
        else check.number(raw, f"{path}.{key}")
    )
    if found is None:
        return None
    high = 100 if kind == "percent" else 10**6
    if not 0 <= found <= high:
        check.add(
            f"{path}.{key}",
            _("expected {low}–{high}, got {value}").format(low=0, high=high, value=f"{found:g}"),
        )
        return None
    return float(found)


def _indicator(check: Checker, raw: Any, path: str) -> Indicator | None:
    keys = {"id", "name", "unit", "worse", "alert", "pause"}
    t = check.table(raw, path, keys, keys)
    iid = check.get(t, "id", path, check.string, "")
    check.short_id(iid, f"{path}.id")
    name = check.get(t, "name", path, check.text, None)
    unit = check.get(t, "unit", path, check.string, "")
    worse = check.get(t, "worse", path, check.string, "")
    for key, value, known in (("unit", unit, UNIT_KINDS), ("worse", worse, WORSE)):
        if value and value not in known:
            check.add(
                f"{path}.{key}",
                _("expected one of {known}, got {value!r}").format(
                    known=", ".join(known), value=value
                ),
            )
    alert = _one(check, unit, t, path, "alert")
    pause = _one(check, unit, t, path, "pause")
    # The pause range lies beyond the alert range: at or past it on the worse side.
    if (
        alert is not None
        and pause is not None
        and worse in WORSE
        and ((pause < alert) if worse == "higher" else (pause > alert))
    ):
        check.add(
            f"{path}.pause",
            _(
                "the pause value {pause:g} must be at least as bad as the alert value {alert:g}"
            ).format(pause=pause, alert=alert),
        )
        return None
    if not iid or name is None or unit not in UNIT_KINDS or worse not in WORSE:
        return None
    if alert is None or pause is None:
        return None
    return Indicator(iid, name, unit, worse, alert, pause)


def _criterion(
    check: Checker, raw: Any, path: str, indicators: dict[str, Indicator], known: set[str]
) -> HypercareCriterion | None:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    keys = KIND_KEYS.get(kind, ()) if isinstance(kind, str) else ()
    limits = THRESHOLDS.get(kind, ()) if isinstance(kind, str) else ()
    t = check.table(raw, path, _COMMON | set(keys) | set(limits), {"id", "text", "kind", *keys})
    cid = check.get(t, "id", path, check.string, "")
    check.short_id(cid, f"{path}.id")
    text = check.get(t, "text", path, check.text, None)
    if isinstance(kind, str) and kind not in KINDS:
        check.add(
            f"{path}.kind",
            _("unknown kind {kind!r} (known: {known})").format(kind=kind, known=", ".join(KINDS)),
        )
        return None
    none: tuple[str, ...] = ()
    states = check.get(t, "state", path, check.strings, none)
    for i, found in enumerate(states):
        if found not in STATES:
            check.add(
                f"{path}.state[{i}]",
                _("unknown state {state!r} (known: {known})").format(
                    state=found, known=", ".join(STATES)
                ),
            )
    if kind == "units_in_state" and "state" in t and not states:
        check.add(f"{path}.state", _("name the states counted"))
    indicator = check.get(t, "indicator", path, check.string, None)
    if indicator is not None and indicator not in indicators:
        if indicator not in known:  # a broken indicator is named where it is defined
            check.add(
                f"{path}.indicator",
                _("unknown indicator {indicator!r} (known: {known})").format(
                    indicator=indicator, known=", ".join(sorted(known))
                ),
            )
        indicator = None
    elif (
        indicator is not None
        and kind == "indicator_total"
        and indicators[indicator].unit == "percent"
    ):
        check.add(
            f"{path}.indicator",
            _("a total of percentages means nothing; use indicator_mean for {indicator!r}").format(
                indicator=indicator
            ),
        )
    given = [k for k in limits if k in t]
    if limits and len(given) != 1:
        check.add(path, _("give exactly one of {keys}").format(keys=", ".join(limits)))
    values: dict[str, float | None] = {}
    for key in given:
        if key == "max_count":
            found_int = check.integer(t[key], f"{path}.{key}")
            values[key] = None if found_int is None else float(found_int)
        else:
            values[key] = check.number(t[key], f"{path}.{key}")
        value = values[key]
        high = 1 if key == "max_share" else 10**6
        if value is not None and not 0 <= value <= high:
            check.add(
                f"{path}.{key}",
                _("expected {low}–{high}, got {value}").format(
                    low=0, high=high, value=f"{value:g}"
                ),
            )
            values[key] = None
    if not cid or text is None or not isinstance(kind, str) or len(given) != 1:
        return None
    if values.get(given[0]) is None or (kind != "units_in_state" and indicator is None):
        return None
    if kind == "units_in_state" and not states:
        return None
    count = values.get("max_count")
    return HypercareCriterion(
        cid,
        text,
        kind,
        check.get(t, "required", path, check.boolean, True),
        states,
        indicator,
        int(count) if count is not None else None,
        values.get("max_share"),
        values.get("min"),
        values.get("max"),
    )


def parse_hypercare(file: ContentFile, data: dict[str, Any]) -> Hypercare:
    """Return the hypercare settings in ``data``; raise ContentError listing every problem,
    each named by its path in the file."""
    check = Checker(file)
    top = check.table(data, "", {"days", "indicators", "criteria"}, {"days", "indicators"})
    days = check.get(top, "days", "", check.integer, 0)
    if "days" in top and not 1 <= days <= MAX_DAYS:
        check.add(
            "days", _("expected {low}–{high}, got {value}").format(low=1, high=MAX_DAYS, value=days)
        )
    indicators: dict[str, Indicator] = {}
    named: set[str] = set()
    for path, raw in check.items(top.get("indicators", []), "indicators"):
        iid = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(iid, str) and iid in named:
            check.add(f"{path}.id", _("duplicate indicator id {id!r}").format(id=iid))
            continue
        if isinstance(iid, str):
            named.add(iid)
        found = _indicator(check, raw, path)
        if found is not None:
            indicators[found.id] = found
    if "indicators" in top and isinstance(top["indicators"], list) and not top["indicators"]:
        check.add("indicators", _("name at least one indicator"))
    criteria: list[HypercareCriterion] = []
    for path, raw in check.items(top.get("criteria", []), "criteria"):
        crit = _criterion(check, raw, path, indicators, named)
        if crit is None:
            continue
        if crit.id in {c.id for c in criteria}:
            check.add(f"{path}.id", _("duplicate criterion id {id!r}").format(id=crit.id))
            continue
        criteria.append(crit)
    check.raise_if_any()
    return Hypercare(days, tuple(indicators.values()), tuple(criteria))
