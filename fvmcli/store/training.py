"""People, sessions and enrolments: what training coverage reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fvmcli.store.schema import enrolments, people, sessions


def people_by_unit(
    conn: Connection, unit_ids: Iterable[str] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Return unit → [(person id, role)] in one query."""
    query = sa.select(people.c.unit_id, people.c.id, people.c.role).order_by(people.c.id)
    if unit_ids is not None:
        query = query.where(people.c.unit_id.in_(list(unit_ids)))
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for unit_id, person, role in conn.execute(query):
        found[unit_id].append((person, role))
    return found


def completed_pairs(
    conn: Connection, unit_ids: Iterable[str] | None = None
) -> set[tuple[str, str]]:
    """Return the (person, course) pairs with a completed enrolment, in one query."""
    query = (
        sa.select(enrolments.c.person_id, sessions.c.course)
        .join(sessions, sessions.c.id == enrolments.c.session_id)
        .where(enrolments.c.status == "completed")
        .distinct()
    )
    if unit_ids is not None:
        query = query.join(people, people.c.id == enrolments.c.person_id).where(
            people.c.unit_id.in_(list(unit_ids))
        )
    return {(p, c) for p, c in conn.execute(query)}
