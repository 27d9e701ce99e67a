"""Training histories: a person's bookings, attendance and results; a session's changes."""

from __future__ import annotations

from typing import Any

from fvmcli.i18n import N_, _
from fvmcli.services.context import Context

# A session's fields as people call them, in what a change of it changed.
FIELDS = {
    "course": N_("course"),
    "start": N_("start"),
    "end": N_("end"),
    "capacity": N_("capacity"),
    "location": N_("location"),
    "trainer": N_("trainer"),
}


def _said(note: str | None) -> str | None:
    """Return a booking's stored comment as people read it: the notes fvm writes itself
    (kept in English in the history, as written) in the user's language; a person's own
    reason as it was given."""
    if note is None:
        return None
    if note == "promoted from the waitlist":
        return _("promoted from the waitlist")
    if note.startswith("moved to "):
        return _("its waitlist place moved to {session}").format(session=note[len("moved to ") :])
    if note.startswith("day "):
        days, _sep, reason = note[len("day ") :].partition("; ")
        shown = _("attended {days}").format(days=days)
        return f"{shown}; {reason}" if reason else shown
    return note


def _changed(old: str | None, new: str | None) -> str:
    """Return what a change of a session changed, as ``field: before → after`` (``start:
    2027-01-19T09:00 → 2027-01-25T10:00``); empty for a session added."""
    import json

    if not old or not new:
        return ""
    before, after = json.loads(old), json.loads(new)
    return "; ".join(
        f"{_(FIELDS.get(key, key))}: {before.get(key) or '–'} → {after.get(key) or '–'}"
        for key in after
        if before.get(key) != after.get(key)
    )


def training_history(
    ctx: Context, *, person_id: str | None = None, session_id: str | None = None
) -> list[dict[str, Any]]:
    """Return the training history of a person (every booking, attendance and result, with
    its session and course) or of a session (its changes and every booking), oldest first."""
    from fvmcli.services.training.people import require_person
    from fvmcli.services.training.sessions import require_session
    from fvmcli.store.training import training_history as stored

    with ctx.open().read() as conn:
        if person_id is not None:
            require_person(conn, person_id)
        else:
            require_session(conn, session_id or "")
        rows = stored(conn, person=person_id, session=session_id)
    found = []
    for at, by, kind, session, person, old, new, note, course in rows:
        comment = _said(note)
        previous: str | None = old
        status: str | None = new
        if kind == "session":
            previous, status = None, "added" if old is None else "changed"
            comment = _changed(old, new) or note
        found.append(
            {
                "at": at,
                "session": session,
                "course": course,
                "person": person if kind == "enrolment" else None,
                "previous": previous,
                "status": status,
                "comment": comment,
                "by": by,
            }
        )
    return found
