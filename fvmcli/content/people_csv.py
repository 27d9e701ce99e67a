"""The people CSV: id, name, role, unit[, email]."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from pathlib import Path

from fvmcli.content.csvfile import CsvRow, RowProblems, read_csv
from fvmcli.core.limits import MAX_NAME
from fvmcli.core.model import Person, Role
from fvmcli.core.suggest import closest
from fvmcli.core.territory import resolve_name
from fvmcli.core.values import check_id, email_problem
from fvmcli.i18n import _

REQUIRED = ("id", "name", "role", "unit")
OPTIONAL = ("email",)


def person_problems(
    person: Person,
    roles: Mapping[str, Role],
    units: Container[str],
    known_units: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Return (field, message) for every way a person record is not acceptable; a unit that
    does not exist is matched against ``known_units`` for what was meant."""
    problems = []
    try:
        check_id(person.id, what=_("person id"))
    except ValueError as exc:
        problems.append(("id", str(exc)))
    if not (person.name or "").strip():
        problems.append(("name", _("a name is required")))
    elif len(person.name or "") > MAX_NAME:
        problems.append(
            ("name", _("is longer than {MAX_NAME} characters").format(MAX_NAME=MAX_NAME))
        )
    if person.role not in roles:
        problems.append(
            (
                "role",
                _("unknown role {role!r} (known: {roles})").format(
                    role=person.role, roles=", ".join(roles)
                ),
            )
        )
    if person.unit not in units:
        meant = closest(person.unit, known_units)
        missing = _("no unit {unit!r}").format(unit=person.unit)
        if meant:
            missing += " (" + _("did you mean {id}?").format(id=meant) + ")"
        problems.append(("unit", missing))
    if person.email is not None and (bad := email_problem(person.email)):
        problems.append(("email", bad))
    return problems


def parse_people(
    path: Path,
    roles: Mapping[str, Role],
    units: Container[str],
    rows: list[CsvRow] | None = None,
    known_units: Iterable[str] = (),
) -> list[Person]:
    """Return the file's people (its ``rows``, when they were read already); raise
    ImportRowsError naming every bad row and column."""
    if rows is None:
        rows = read_csv(path, REQUIRED, OPTIONAL)
    problems = RowProblems(str(path))
    found: list[Person] = []
    first: dict[str, int] = {}
    names = {r.id: r.name for r in roles.values()}
    for row in rows:
        if problems.missing(row, REQUIRED):
            continue
        role = row.get("role") or ""
        person = Person(
            row.get("id") or "",
            row.get("name"),
            resolve_name(role, names) or role,
            row.get("unit") or "",
            row.get("email"),
        )
        if person.id in first:
            problems.add(
                row,
                "id",
                _("duplicate id {id!r} (first on row {first})").format(
                    id=person.id, first=first[person.id]
                ),
            )
            continue
        first[person.id] = row.line
        bad = person_problems(person, roles, units, known_units)
        for column, message in bad:
            problems.add(row, column, message)
        if not bad:
            found.append(person)
    problems.raise_if_any()
    return found
