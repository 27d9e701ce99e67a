"""Attendance sheets (rosters) of a session: participants, signature column, waitlist."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fvmcli.core.model import Course, Curriculum, Person
from fvmcli.i18n import N_, words_in
from fvmcli.render.spreadsheet import csv_text
from fvmcli.render.values import time_span

LABELS = {
    "title": N_("Attendance sheet"),
    "course": N_("Course"),
    "session": N_("Session"),
    "time": N_("Time"),
    "location": N_("Location"),
    "trainer": N_("Trainer"),
    "name": N_("Name"),
    "unit": N_("Unit"),
    "role": N_("Role"),
    "status": N_("Status"),
    "signature": N_("Signature"),
    "waitlist": N_("Waitlist"),
    "erased": N_("(erased)"),
    "seats": N_("Seats"),
    "person": N_("Id"),
}


def roster_context(
    session: Mapping[str, Any],
    course: Course,
    people: Mapping[str, Person],
    curriculum: Curriculum,
    lang: str,
    units: Mapping[str, str] | None = None,
    days: Sequence[date] = (),
    attended: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Return the template context of a session's roster; ``units`` names the people's units
    (the CSV keeps their ids). A session over several days (``days``) has a signature column
    per day, marked where ``attended`` says the person attended that day."""
    t = words_in(LABELS, lang)
    shown_days = [d.isoformat() for d in days]

    def row(person_id: str) -> dict[str, Any]:
        person = people.get(person_id)
        role = curriculum.roles.get(person.role) if person else None
        return {
            "id": person_id,
            "name": (person.name if person else None) or t["erased"],
            "unit": person.unit if person else "",
            "unit_name": (units or {}).get(person.unit, person.unit) if person else "",
            "status": session["status"][person_id],
            "role": role.name.get(lang) if role else (person.role if person else ""),
            "marks": [d in (attended or {}).get(person_id, ()) for d in shown_days],
        }

    return {
        "lang": lang,
        "t": t,
        "session": {**session, "time": time_span(session["start"], session["end"])},
        "course": course.title.get(lang),
        "days": shown_days,  # empty for a one-day session: one signature column
        "participants": [row(p) for p in session["enrolled"]],
        "waitlist": [row(p) for p in session["waitlist"]],
    }


def roster_csv(context: Mapping[str, Any], *, plain: bool = False) -> str:
    """Return the roster as CSV: seats first, then the waitlist."""
    days = context["days"]
    signs = [f"signature {d}" for d in days] or ["signature"]
    rows = [
        [context["session"]["id"], r["id"], r["name"], r["unit"], r["role"], r["status"]]
        + (["x" if m else "" for m in r["marks"]] or [""] * len(signs))
        for r in context["participants"] + context["waitlist"]
    ]
    header = ["session", "person", "name", "unit", "role", "status", *signs]
    return csv_text(header, rows, plain=plain)
