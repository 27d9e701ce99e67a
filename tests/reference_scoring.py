"""An independent reference of ``scoring.md``'s readiness rules, written from the text alone
for the tests: plain, slow and obvious. The product's scorer (``core.scoring``) must agree
with it on every checklist and unit (``test_scorer_reference.py``)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

NA = "n/a"


def due_of(go_live: date | None, n: int, unit: str) -> date | None:
    """go-live − T-<n><unit>; months are calendar months, clamped to the month's end."""
    if go_live is None:
        return None
    if unit == "d":
        return go_live - timedelta(days=n)
    if unit == "w":
        return go_live - timedelta(days=7 * n)
    months = go_live.year * 12 + go_live.month - 1 - n
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(go_live.day, calendar.monthrange(year, month)[1]))


@dataclass
class Ref:
    score: float
    status: str
    completeness: float
    blockers: list[str]
    overdue: list[str]
    short: list[str]
    unattested: list[str]
    inconsistent: list[str]
    oldest: date | None  # the day of the oldest answer behind the score (evidence age)


def informational(q) -> bool:  # type: ignore[no-untyped-def]
    if q.weight == 0 or q.type == "text":
        return True
    return q.type == "number" and q.target is None


def answer_credit(q, value, due):  # type: ignore[no-untyped-def]
    """The table "Credit of one answer"."""
    if value is None:
        return 0.0
    if q.type == "yes-no":
        return 1.0 if value == "yes" else 0.0
    if q.type == "yes-partial-no":
        return {"yes": 1.0, "partial": 0.5, "no": 0.0}[value]
    if q.type in ("percent", "number"):
        return min(float(value) / (q.target if q.target else 100.0), 1.0)
    if q.type == "date":
        return 1.0 if due is None or date.fromisoformat(value) <= due else 0.0
    if q.type == "choice":
        return next((o.credit for o in q.options if o.id == value), 0.0)
    raise AssertionError(q.type)


def reference_score(  # type: ignore[no-untyped-def]  # noqa: C901, PLR0912, PLR0915
    checklist,
    unit_type,
    go_live,
    answers,
    waivers,
    evidence,
    as_of,
    stale=(),
    *,
    attestations=None,
    answered_on=None,
    parent_open=None,
    four_eyes=False,
) -> Ref:
    """Score one unit by the rules of ``scoring.md``, question by question: attestation,
    waiver approval, evidence age and prerequisites ("added turn 4") included."""
    attestations = attestations or {}
    answered_on = answered_on or {}
    live = {
        "training.coverage": evidence.training_coverage,
        "equipment.readiness": evidence.equipment_readiness,
    }
    applicable = []
    visible: dict[str, str] = {}
    for q in checklist.questions:
        types = q.applies_to if q.applies_to is not None else checklist.applies_to
        if types is not None and unit_type not in types:
            continue
        if q.when is not None:
            if q.when.question not in [a.id for a in applicable]:
                continue
            if visible.get(q.when.question, answers.get(q.when.question)) not in q.when.values:
                continue
        applicable.append(q)
        if q.source is not None and live[q.source] is not None:
            v = live[q.source]
            visible[q.id] = (
                str(int(round(v, 6))) if round(v, 6) == int(round(v, 6)) else repr(round(v, 6))
            )
    rows = []
    for q in applicable:
        due = due_of(go_live, q.due.amount, q.due.unit) if q.due is not None else go_live
        waiver = waivers.get(q.id)
        active = waiver is not None and as_of <= waiver.until
        if active and four_eyes:  # "Waiver approval": another person approved it
            active = (
                waiver.approved_by is not None
                and waiver.approved_by != waiver.by
                and not waiver.rejected
            )
        person = False
        if q.source is not None:
            v = live[q.source]
            if v is None:
                na = q.source == "equipment.readiness"
                answered = na
                c = None if na else 0.0
            else:
                na = False
                answered = True
                c = min(v / (q.target or 100.0), 1.0)
        else:
            value = answers.get(q.id)
            if q.id in stale and value is not None:
                value = None
            if attestations.get(q.id) == "rejected":  # a rejected answer is no answer
                value = None
            na = value == NA
            answered = value is not None
            person = value is not None
            c = None if na or informational(q) else answer_credit(q, value, due)
        if informational(q):
            c = None
        rows.append((q, due, c, na, answered or active, person, active))
    applied = {q.id for q in applicable}
    # "Prerequisites": done when not applicable, n/a, actively waived or full credit (and,
    # this project's reading, an informational question a person answered).
    done = {
        q.id
        for q, due, c, na, _, person, active in rows
        if na or active or c == 1 or (c is None and person)
    }

    def open_here(p: str) -> bool:
        return p in applied and p not in done

    unattested = [
        q.id
        for q, due, c, na, _, person, active in rows
        if q.attest and person and not active and attestations.get(q.id) != "attested"
    ]
    inconsistent = []
    for q, _due, c, _na, _, person, _active in rows:
        waits = [p for p in q.requires if open_here(p)]
        if parent_open is not None:
            waits += [p for p in q.requires_parent if p in parent_open]
        if waits and person and c is not None and c > 0:
            inconsistent.append(q.id)
    days = [
        answered_on[q.id][:10]
        for q, due, c, na, _, person, active in rows
        if person and c is not None and c > 0 and q.id in answered_on
    ]
    oldest = date.fromisoformat(min(days)) if days else None
    scored = [r for r in rows if not informational(r[0])]
    overdue = [
        q.id
        for q, due, c, *_ in rows
        if c is not None and c < 1 and due is not None and due <= as_of
    ]
    blockers = [
        q.id
        for q, due, c, na, _, _, active in scored
        if q.critical and q.id in overdue and not active
    ]
    short = [
        q.id
        for q, due, c, na, _, _, active in scored
        if q.critical and not active and c is not None and c < 1
    ]
    parts = []
    for section in checklist.sections:
        counted = [
            (q.weight, c)
            for q, due, c, na, _, _, active in scored
            if q.section == section.id and not na and not active and c is not None
        ]
        total = sum(w for w, _ in counted)
        if total:
            parts.append((section.weight, sum(w * c for w, c in counted) / total))
    weights = sum(w for w, _ in parts)
    score = sum(w * s for w, s in parts) / weights if weights else 0.0
    completeness = sum(1 for r in scored if r[4]) / len(scored) if scored else 1.0
    if blockers:
        status = "red"
    elif not any(r[5] for r in scored):
        status = "not-started"
    elif score < checklist.amber:
        status = "red"
    elif score < checklist.green or short or unattested or inconsistent:
        status = "amber"
    else:
        status = "green"
    return Ref(
        score, status, completeness, blockers, overdue, short, unattested, inconsistent, oldest
    )
