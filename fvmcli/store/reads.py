"""The reads of the whole territory, as SQL text run by the driver: units, go-live dates,
answers, waivers, equipment counts and training coverage.

Each read takes a ``Reader`` (``store/driver.py``) or a SQLAlchemy connection, so a command
that only reads runs them without SQLAlchemy and a command that writes runs the very same text
in its own transaction. The columns each read names are declared once here, beside the text;
``tests/test_reads.py`` checks them against the tables of ``store/schema.py`` and runs every
read through both kinds of connection.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from fvmcli.core.enrolment import COMPLETED
from fvmcli.core.model import Count, Unit, Waiver
from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _
from fvmcli.store.driver import Connection, as_date, in_list, narrowed

# The columns each read names, in the order it reads them (checked against the schema).
COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("id", "name", "area", "type", "staff", "municipality", "parent", "email"),
    "phases": ("phase", "go_live"),
    "answers": (
        "unit_id",
        "checklist",
        "question",
        "value",
        "version",
        "answered_at",
        "attestation",
    ),
    "waivers": (
        "unit_id",
        "checklist",
        "question",
        "reason",
        "until",
        "decided_by",
        "approved_by",
        "approval",
    ),
    "equipment_counts": ("unit_id", "item", "present", "configured", "tested"),
    "equipment_requirements": ("unit_id", "item", "quantity"),
    "people": ("id", "role", "unit_id"),
    "enrolments": ("session_id", "person_id", "status"),
    "sessions": ("id", "course"),
}

_UNITS = ", ".join(COLUMNS["units"])
# Rows of one unit's answers as JSON are about a kilobyte: fetched fewer at a time.
ANSWER_BATCH = 200


@dataclass(frozen=True)
class Scope:
    """The units a territory-wide read covers: every unit (nothing set), or those with one of
    ``ids``, in one of ``areas``, of ``unit_type``. Every read of a scope streams in the
    database's order of unit ids, so the streams of one scope can be walked side by side."""

    ids: tuple[str, ...] | None = None
    areas: tuple[str, ...] | None = None
    unit_type: str | None = None

    def units_where(self, mark: str) -> tuple[str, list[Any], set[str] | None]:
        """Return the condition on ``units`` with its parameters (marked ``mark``, the
        driver's marker), and the ids the caller must still keep (None: the database filters
        them all)."""
        where, params, keep = in_list("id", self.ids, mark)
        if self.areas is not None:
            more, chosen, _ = in_list("area", self.areas, mark)
            where, params = where + more, params + chosen
        if self.unit_type is not None:
            where, params = where + f" AND type = {mark}", [*params, self.unit_type]
        return where, params, keep

    def kept(self) -> set[str] | None:
        """Return the named ids the database does not filter by (None: it filters all)."""
        return narrowed(self.ids)[1]

    def member_where(self, column: str, mark: str) -> tuple[str, list[Any]]:
        """Return the condition that ``column`` names a unit of the scope, with parameters
        (marked ``mark``)."""
        where, params, _ = self.units_where(mark)
        if not where:
            return "", []
        return f" AND {column} IN (SELECT id FROM units WHERE 1 = 1{where})", params


EVERY_UNIT = Scope()


def scope_units(conn: Connection, scope: Scope = EVERY_UNIT) -> Iterator[Unit]:
    """Yield the scope's units in the database's order of ids, streaming. Past
    ``driver.MAX_IN`` named ids the database does not filter by id, here or in the other
    streams of the scope: the caller skips the units not named (``Scope.kept``), so that
    the streams stay side by side."""
    where, params, _ = scope.units_where(conn.mark)
    for row in conn.rows(
        f"SELECT {_UNITS} FROM units WHERE 1 = 1{where} ORDER BY id", params, stream=True
    ):
        yield _unit_of(row)


def _unit_of(row: Sequence[Any]) -> Unit:
    """Return the unit of a row of the ``units`` columns in COLUMNS' order."""
    unit_id, name, area, unit_type, staff, municipality, parent, email = row
    if staff is not None and (not isinstance(staff, int) or isinstance(staff, bool)):
        raise EnvironmentProblem(
            _(
                "the database holds {value!r} in units.staff of {unit}, where a number belongs"
            ).format(value=str(staff)[:40], unit=unit_id),
            hint=_("Correct it with 'fvm unit import', or restore a backup copy."),
        )
    return Unit(
        unit_id,
        name,
        sys.intern(area),  # a few values shared by thousands of units
        sys.intern(unit_type),
        staff,
        sys.intern(municipality) if municipality else municipality,
        parent,
        email,
    )


def get_unit(conn: Connection, unit_id: str) -> Unit | None:
    """Return the unit, or None."""
    row = conn.first(f"SELECT {_UNITS} FROM units WHERE id = {conn.mark}", (unit_id,))
    return _unit_of(row) if row else None


def list_units(
    conn: Connection,
    *,
    ids: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
    unit_type: str | None = None,
    parent: str | None = None,
) -> list[Unit]:
    """Return the units matching every given filter, ordered by area then id."""
    mark = conn.mark
    where, params, keep = in_list("id", ids, mark)
    if areas is not None:
        more, chosen, _ = in_list("area", list(areas), mark)
        where, params = where + more, params + chosen
    if unit_type is not None:
        where, params = where + f" AND type = {mark}", [*params, unit_type]
    if parent is not None:
        where, params = where + f" AND parent = {mark}", [*params, parent]
    rows = conn.rows(f"SELECT {_UNITS} FROM units WHERE 1 = 1{where} ORDER BY area, id", params)
    return [_unit_of(r) for r in rows if keep is None or r[0] in keep]


def unit_ids_in_order(conn: Connection) -> Iterator[str]:
    """Yield every unit id in the database's own order of ids (the order answers stream in),
    streaming."""
    for (unit_id,) in conn.rows("SELECT id FROM units ORDER BY id", stream=True):
        yield unit_id


def go_live_dates(conn: Connection) -> dict[int, date]:
    """Return phase → go-live date for the phases that have one."""
    rows = conn.rows("SELECT phase, go_live FROM phases WHERE go_live IS NOT NULL")
    return {phase: as_date(day, "phases.go_live") for phase, day in rows}


def waivers_by_unit(
    conn: Connection, checklist: str, unit_ids: Iterable[str] | None = None
) -> dict[str, dict[str, Waiver]]:
    """Return unit → question → waiver (with its approval) for many units in one query."""
    where, params, keep = in_list("unit_id", _listed(unit_ids), conn.mark)
    rows = conn.rows(
        "SELECT unit_id, question, reason, until, decided_by, approved_by, approval "
        f"FROM waivers WHERE checklist = {conn.mark}{where}",
        [checklist, *params],
    )
    found: dict[str, dict[str, Waiver]] = defaultdict(dict)
    for unit_id, question, reason, until, by, approved_by, approval in rows:
        if keep is None or unit_id in keep:
            found[unit_id][question] = Waiver(
                question,
                reason,
                as_date(until, "waivers.until"),
                by,
                approved_by if approval == "approved" else None,
                approval == "rejected",
            )
    return found


class UnitAnswers(NamedTuple):
    """One unit's answers on a checklist as the scorer reads them: question → value, → the
    day it was given (ISO), and → its attestation ("attested" or "rejected") where it has one."""

    values: dict[str, str]
    days: dict[str, str]
    attestations: dict[str, str]


NO_ANSWERS = UnitAnswers({}, {}, {})


def stream_answers_by_unit(
    conn: Connection, checklist: str, scope: Scope = EVERY_UNIT
) -> Iterator[tuple[str, UnitAnswers]]:
    """Yield (unit, its answers) for every unit of the scope with answers, in unit id order,
    as a stream so that memory does not grow with the territory. The database makes each
    unit's values, days and attestations into JSON objects (one row per unit instead of one
    per answer, which is most of the cost of reading them); a SQLite built without JSON
    functions is read row by row."""
    mark = conn.mark
    where, params = scope.member_where("unit_id", mark)
    if conn.backend == "postgresql":
        pair = "json_object_agg({0}, {1})::text"
        day = "substr(answered_at, 1, 10)"
        attested = (
            "COALESCE(json_object_agg(question, attestation) "
            "FILTER (WHERE attestation IS NOT NULL)::text, '{}')"
        )
    elif _sqlite_has_json(conn):
        pair = "json_group_object({0}, {1})"
        day = "substr(answered_at, 1, 10)"
        attested = "json_group_object(question, attestation) FILTER (WHERE attestation IS NOT NULL)"
    else:
        rows = conn.rows(
            "SELECT unit_id, question, value, answered_at, attestation FROM answers "
            f"WHERE checklist = {mark}{where} ORDER BY unit_id",
            [checklist, *params],
            stream=True,
        )
        for unit_id, group in groupby(rows, key=itemgetter(0)):
            found = UnitAnswers({}, {}, {})
            for _, question, value, at, attestation in group:
                found.values[question] = value
                found.days[question] = at[:10]
                if attestation is not None:
                    found.attestations[question] = attestation
            yield unit_id, found
        return
    # The decoder's own scanner: each value is one JSON object, as the database wrote it.
    scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
    values, days = pair.format("question", "value"), pair.format("question", day)
    for unit_id, found, on, states in conn.rows(
        f"SELECT unit_id, {values}, {days}, {attested} FROM answers "
        f"WHERE checklist = {mark}{where} GROUP BY unit_id ORDER BY unit_id",
        [checklist, *params],
        stream=True,
        size=ANSWER_BATCH,
    ):
        yield (
            unit_id,
            UnitAnswers(
                scan(found, 0)[0], scan(on, 0)[0], scan(states, 0)[0] if states != "{}" else {}
            ),
        )


def parents_of(conn: Connection, scope: Scope = EVERY_UNIT) -> list[str]:
    """Return the ids of the units that are the parent of a unit of the scope, in id order."""
    where, params, keep = scope.units_where(conn.mark)
    rows = conn.rows(
        f"SELECT DISTINCT parent, id FROM units WHERE parent IS NOT NULL{where}", params
    )
    return sorted({parent for parent, unit_id in rows if keep is None or unit_id in keep})


def _sqlite_has_json(conn: Connection) -> bool:
    """Return True when this SQLite has its JSON functions (built in since 3.38)."""
    import sqlite3

    try:
        conn.first("SELECT json_group_object('a', 'b')")
    except sqlite3.OperationalError:
        return False
    return True


def counts_by_unit(
    conn: Connection, unit_ids: Iterable[str] | None = None
) -> dict[str, dict[str, Count]]:
    """Return unit → item → count, in one query (all units when None)."""
    found: dict[str, dict[str, Count]] = defaultdict(dict)
    for unit_id, counts in counts_in_unit_order(conn, unit_ids):
        found[unit_id] = counts
    return found


def counts_in_unit_order(
    conn: Connection, unit_ids: Iterable[str] | None = None, scope: Scope = EVERY_UNIT
) -> Iterator[tuple[str, dict[str, Count]]]:
    """Yield (unit, item → count) for every unit with counts (of ``unit_ids`` when given, of
    the scope), in unit id order, streaming."""
    where, params, keep = in_list("unit_id", _listed(unit_ids), conn.mark)
    more, chosen = scope.member_where("unit_id", conn.mark)
    where, params = where + more, params + chosen
    rows = conn.rows(
        "SELECT unit_id, item, present, configured, tested FROM equipment_counts "
        f"WHERE 1 = 1{where} ORDER BY unit_id",
        params,
        stream=True,
    )
    shared = _SHARED_COUNTS
    if len(shared) > 65536:
        shared.clear()
    for unit_id, group in groupby(rows, key=itemgetter(0)):
        if keep is None or unit_id in keep:
            found: dict[str, Count] = {}
            for _, item, present, configured, tested in group:
                key = (present, configured, tested)
                count = shared.get(key)
                if count is None:
                    count = shared[key] = Count(present, configured, tested)
                found[item] = count
            yield unit_id, found


# A Count is frozen, and a territory's counts take few distinct values (small numbers): one
# object per value serves every unit that has it, instead of one made per row.
_SHARED_COUNTS: dict[tuple[Any, ...], Count] = {}


def overrides_by_unit(
    conn: Connection, unit_ids: Iterable[str] | None = None
) -> dict[str, dict[str, int]]:
    """Return unit → item → overridden required quantity, in one query."""
    where, params, keep = in_list("unit_id", _listed(unit_ids), conn.mark)
    rows = conn.rows(
        f"SELECT unit_id, item, quantity FROM equipment_requirements WHERE 1 = 1{where}",
        params,
    )
    return _by_unit(rows, keep)


def coverage_counts(
    conn: Connection, unit_ids: Iterable[str] | None
) -> dict[str, tuple[list[tuple[str, int]], list[tuple[str, str, int]]]]:
    """Return unit → (people per role, people per role and completed course), counted by the
    database whatever the number of people (every unit with people; None reads every unit):
    the two streams below, for a selection."""
    scope = Scope(tuple(unit_ids) if unit_ids is not None else None)
    keep = scope.kept()
    completed = dict(completions_in_unit_order(conn, scope))
    return {
        unit_id: (per_role, completed.get(unit_id, []))
        for unit_id, per_role in people_in_unit_order(conn, scope)
        if keep is None or unit_id in keep
    }


def versions_in_unit_order(
    conn: Connection, checklist: str, questions: Iterable[str], scope: Scope = EVERY_UNIT
) -> Iterator[tuple[str, dict[str, int | None]]]:
    """Yield (unit, question → the version it was answered under) for the units of the scope
    that answered any of ``questions``, in unit id order, streaming."""
    chosen = sorted(set(questions))
    if not chosen:
        return
    mark = conn.mark
    where, params = scope.member_where("unit_id", mark)
    rows = conn.rows(
        f"SELECT unit_id, question, version FROM answers WHERE checklist = {mark} "
        f"AND question IN ({conn.marks(len(chosen))}){where} ORDER BY unit_id",
        [checklist, *chosen, *params],
        stream=True,
    )
    for unit_id, group in groupby(rows, key=itemgetter(0)):
        yield unit_id, {question: version for _, question, version in group}


def people_in_unit_order(
    conn: Connection, scope: Scope = EVERY_UNIT
) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """Yield (unit, [(role, people)]) for every unit of the scope with people, in unit id
    order, streaming: what ``core.training.coverage`` needs of a unit's people."""
    where, params = scope.member_where("p.unit_id", conn.mark)
    rows = conn.rows(
        f"SELECT p.unit_id, p.role, count(*) FROM people p WHERE 1 = 1{where} "
        "GROUP BY p.unit_id, p.role ORDER BY p.unit_id",
        params,
        stream=True,
    )
    for unit_id, group in groupby(rows, key=itemgetter(0)):
        yield unit_id, [(role, n) for _, role, n in group]


def completed(status: str) -> str:
    """Return the SQL test that the enrolment status ``status`` (a column) says its course was
    completed: the one test of every query that counts completions."""
    return f"{status} = '{COMPLETED}'"


def completions_in_unit_order(
    conn: Connection, scope: Scope = EVERY_UNIT
) -> Iterator[tuple[str, list[tuple[str, str, int]]]]:
    """Yield (unit, [(role, course, people who completed it)]) for every unit of the scope
    where someone completed a course, in unit id order, streaming; each person counts once
    per course. Which of these pairs count is ``core.training.coverage``'s to say."""
    where, params = scope.member_where("p.unit_id", conn.mark)
    rows = conn.rows(
        # People first, in unit order (CROSS JOIN fixes SQLite's join order; PostgreSQL plans
        # it as any join): the groups then come in index order.
        "SELECT p.unit_id, p.role, s.course, count(DISTINCT p.id) FROM people p "
        "CROSS JOIN enrolments e CROSS JOIN sessions s "
        "WHERE e.person_id = p.id AND s.id = e.session_id "
        f"AND {completed('e.status')}{where} "
        "GROUP BY p.unit_id, p.role, s.course ORDER BY p.unit_id",
        params,
        stream=True,
    )
    for unit_id, group in groupby(rows, key=itemgetter(0)):
        yield unit_id, [(role, course, n) for _, role, course, n in group]


def failures_by_unit(conn: Connection, unit_ids: Iterable[str] | None) -> dict[str, int]:
    """Return unit → failed assessment attempts of its people (every unit with one)."""
    where, params, keep = in_list("p.unit_id", _listed(unit_ids), conn.mark)
    rows = conn.rows(
        "SELECT p.unit_id, count(*) FROM people p CROSS JOIN enrolments e "
        f"WHERE e.person_id = p.id AND e.status = 'failed'{where} GROUP BY p.unit_id",
        params,
    )
    return {unit_id: n for unit_id, n in rows if keep is None or unit_id in keep}


def _by_unit(rows: Iterable[tuple[Any, ...]], keep: set[str] | None) -> dict[str, dict[str, Any]]:
    """Return unit → key → value of (unit, key, value) rows, of the units in ``keep`` when
    given."""
    found: dict[str, dict[str, Any]] = defaultdict(dict)
    for unit_id, key, value in rows:
        if keep is None or unit_id in keep:
            found[unit_id][key] = value
    return found


def _listed(values: Iterable[str] | None) -> list[str] | None:
    """Return ``values`` as a list (None stays None: every row)."""
    return None if values is None else list(values)
