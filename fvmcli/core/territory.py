"""Rules for units and phases in a territory."""

from __future__ import annotations

from fvmcli.core.limits import MAX_COUNT, MAX_NAME
from fvmcli.core.model import Territory, Text, Unit
from fvmcli.core.values import check_id, email_problem
from fvmcli.i18n import _


def fold(text: str) -> str:
    """Return ``text`` as it is compared with names: any case, å/ä/ö as a/a/o, trimmed."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def resolve_name(text: str, choices: dict[str, Text]) -> str | None:
    """Return the id ``text`` names: the id itself or its name in either language, in any
    case and with or without å, ä, ö (``södra``, ``Södra området``, ``sodra``); else None."""
    if text in choices:
        return text
    key = fold(text)
    for choice_id, name in choices.items():
        if key in {fold(choice_id), fold(name.sv), fold(name.en or name.sv)}:
            return choice_id
    return None


def area_names(territory: Territory) -> dict[str, Text]:
    """Return area id → its name, for ``resolve_name``."""
    return {a.id: a.name for a in territory.areas.values()}


# Swedish alphabetical order: å, ä and ö come after z (in Unicode they come before, and ä
# before å).
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"})


def alphabetical(name: str) -> str:
    """Return the key that sorts names as a Swedish reader expects: case aside, å, ä, ö last."""
    return name.casefold().translate(_SWEDISH_ORDER)


def territory_names(territory: Territory, lang: str) -> dict[str, dict[str, str]]:
    """Return ``{"area": id → name, "type": id → name}`` in ``lang``: how areas and unit types
    are shown to a person (ids stay in JSON and CSV)."""
    return {
        "area": {a.id: a.name.get(lang) for a in territory.areas.values()},
        "type": {t: name.get(lang) for t, name in territory.unit_types.items()},
    }


def parent_cycle(links: dict[str, str], start: str) -> list[str]:
    """Return the ids around a cycle of parents met from ``start`` (first repeated last), or
    [] when following parents from ``start`` ends."""
    seen: list[str] = []
    current: str | None = start
    while current is not None:
        if current in seen:
            return seen[seen.index(current) :] + [current]
        seen.append(current)
        current = links.get(current)
    return []


def unit_problems(unit: Unit, territory: Territory) -> list[tuple[str, str]]:
    """Return (field, message) for every way ``unit`` does not fit the territory."""
    problems: list[tuple[str, str]] = []
    for field in ("id", "name", "area", "type"):
        if not isinstance(getattr(unit, field), str):
            problems.append((field, _("expected text")))
    for field in ("municipality", "parent"):
        if getattr(unit, field) is not None and not isinstance(getattr(unit, field), str):
            problems.append((field, _("expected text or nothing")))
    if problems:
        return problems
    if not unit.name.strip():
        problems.append(("name", _("a name is required")))
    if unit.area not in territory.areas:
        problems.append(
            (
                "area",
                _("unknown area {area!r} (known: {areas})").format(
                    area=unit.area, areas=", ".join(territory.areas)
                ),
            )
        )
    if unit.type not in territory.unit_types:
        known = ", ".join(territory.unit_types)
        problems.append(
            (
                "type",
                _("unknown unit type {type!r} (known: {known})").format(
                    type=unit.type, known=known
                ),
            )
        )
    if unit.staff is not None and not (
        isinstance(unit.staff, int)
        and not isinstance(unit.staff, bool)
        and 0 <= unit.staff <= MAX_COUNT
    ):
        problems.append(
            (
                "staff",
                _("staff is a whole number from 0 to {MAX_COUNT}").format(MAX_COUNT=MAX_COUNT),
            )
        )
    for field, value in (("name", unit.name), ("municipality", unit.municipality)):
        if value is not None and len(value) > MAX_NAME:
            problems.append(
                (field, _("is longer than {MAX_NAME} characters").format(MAX_NAME=MAX_NAME))
            )
    if unit.email is not None and (bad := email_problem(unit.email)):
        problems.append(("email", bad))
    return problems + _parent_problems(unit)


def _parent_problems(unit: Unit) -> list[tuple[str, str]]:
    """Return why the unit's parent cannot be one: not an id, or the unit itself."""
    if unit.parent is None:
        return []
    try:
        check_id(unit.parent, what="parent")
    except ValueError as exc:
        return [("parent", str(exc))]
    if unit.parent == unit.id:
        return [("parent", _("a unit cannot be its own parent"))]
    return []
