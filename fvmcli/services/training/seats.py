"""Seats: filling a session's free seats from its waitlist.

Both a change of a session (``sessions``) and a cancellation (``enrolment``) promote, so the
step lives below both of them, and neither imports the other for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


def promote(conn: Connection, session: dict[str, Any], *, by: str, at: str) -> list[str]:
    """Fill free seats from the waitlist in order; return who was promoted."""
    from fvmcli.core.enrolment import WAITLISTED, seats_held, to_promote
    from fvmcli.store.training import list_people as stored_people
    from fvmcli.store.training import session_enrolments, set_enrolment

    current = session_enrolments(conn, session["id"])
    waitlist = [p for p, s in current if s == WAITLISTED]
    promoted = to_promote(session["capacity"], seats_held(s for _, s in current), waitlist)
    people = {p.id: p for p in stored_people(conn, ids=promoted)} if promoted else {}
    for person_id in promoted:
        set_enrolment(
            conn,
            session["id"],
            people[person_id],
            "enrolled",
            by=by,
            at=at,
            note="promoted from the waitlist",
            known=(WAITLISTED,),
        )
    return promoted
