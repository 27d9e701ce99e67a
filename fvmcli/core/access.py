"""Who may change what: roles, the actions each allows, and scopes of units and areas."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fvmcli.i18n import N_

ROLES = ("reader", "answerer", "trainer", "voter", "owner", "content", "lead", "admin")
ROLE_MEANING = {
    "reader": N_("reads everything, changes nothing"),
    "answerer": N_("answers, comments and equipment counts for their units"),
    "trainer": N_("courses, sessions, people, enrolment and attendance"),
    "voter": N_("votes on a go/no-go for the one role of the gate named in the grant"),
    "owner": N_("marks the tasks of a run whose owner the grant names (fvm run task)"),
    "content": N_("publishes content: checklists, courses, gates (fvm content publish)"),
    "lead": N_(
        "all of the above everywhere, plus waivers, overrides, phases, units, snapshots "
        "and reminders"
    ),
    "admin": N_("everything, plus grants and erasure"),
}
# Actions, and the roles that allow each. Scoped roles allow an action only on the units and
# areas of their grants; a grant without unit or area covers every unit.
ACTIONS = {
    "answer": ("answerer", "lead", "admin"),
    "count": ("answerer", "lead", "admin"),
    "report": ("answerer", "lead", "admin"),  # hypercare values of their units
    "waive": ("lead", "admin"),
    "attest": ("lead", "admin"),
    "decide": ("lead", "admin"),
    "vote": ("voter",),  # for the gate role its grant names (``may_vote``)
    "require": ("lead", "admin"),
    "territory": ("lead", "admin"),
    "train": ("trainer", "lead", "admin"),
    "trust": ("lead", "admin"),
    "behalf": ("lead", "admin"),
    "remind": ("lead", "admin"),
    "mark": ("answerer", "lead", "admin"),  # a run's task instances (``fvm run task``)
    "run": ("lead", "admin"),  # start a run, fall back
    "grant": ("admin",),
    "erase": ("admin",),
    "publish": ("content", "admin"),
}
ACTION_WORDS = {
    "answer": N_("change answers of"),
    "count": N_("change equipment counts of"),
    "report": N_("record hypercare values of"),
    "waive": N_("waive questions of"),
    "attest": N_("attest answers of"),
    "decide": N_("propose or decide a go/no-go"),
    "vote": N_("vote on a go/no-go"),
    "require": N_("override equipment of"),
    "territory": N_("change the units"),
    "train": N_("change training records"),
    "trust": N_("trust device keys for"),
    "behalf": N_("act on behalf of others"),
    "remind": N_("send reminders to"),
    "mark": N_("mark run tasks of"),
    "run": N_("start a run or fall back"),
    "grant": N_("grant rights"),
    "erase": N_("erase people"),
    "publish": N_("publish content"),
}
# What an action is called where it concerns no unit (``fvm phase set``, a snapshot).
ACTION_WORDS_WITHOUT_UNITS = {
    "territory": N_("change phases or assessment rounds"),
    "mark": N_("mark a run's tasks that are not of one unit"),
}
# The role a grant should give for each action, in the hint of a refusal.
GRANTABLE = {
    "answer": "answerer",
    "count": "answerer",
    "report": "answerer",
    "waive": "lead",
    "attest": "lead",
    "decide": "lead",
    "vote": "voter",
    "require": "lead",
    "territory": "lead",
    "train": "trainer",
    "trust": "lead",
    "behalf": "lead",
    "remind": "lead",
    "mark": "answerer",
    "run": "lead",
    "grant": "admin",
    "erase": "admin",
    "publish": "content",
}
# The action each kind of history entry needs, for the history table's policy.
KIND_ACTION = {
    "answer": "answer",
    "count": "count",
    "requirement": "require",
    "waiver": "waive",
    "attestation": "attest",
    "approval": "waive",
    "gate-proposal": "decide",
    "gate-vote": "vote",
    "gate-decision": "decide",
    "unit": "territory",
    "phase": "territory",
    "snapshot": "territory",
    "snapshot-unit": "territory",
    "session": "train",
    "enrolment": "train",
    "person": "train",
    "grant": "grant",
    "trust": "trust",
    "reminder": "remind",
    "hypercare": "report",
    "run-start": "run",
    "run-fallback": "run",
    "run-mark": "mark",
    # What a bundle's merge made of a row of its unit (answers, waivers, counts).
    "merge": "answer",
    "content": "publish",
    "content-rules": "publish",
}


@dataclass(frozen=True)
class Grant:
    """One right of a login: a role, on one unit, one area, or everywhere."""

    login: str
    role: str
    unit: str | None = None
    area: str | None = None
    gate_role: str | None = None  # a voter's role of the gate (``gates.toml``)
    owner: str | None = None  # an owner's runbook owner (``owner`` of a runbook's tasks)


# A grant's scope: the fields that narrow it, each matched with the same field of the target (a
# unit and its area). A grant with none of them covers every unit. The one description of scope:
# ``covers`` reads it here, and the database's policies are generated from it
# (``store/access.scope_sql``); ``tests/test_one_home.py`` runs both on the same grants.
SCOPE_FIELDS = ("unit", "area")


def covers(grant: Grant, target: dict[str, str | None]) -> bool:
    """Return True when ``grant``'s scope covers ``target`` (field of ``SCOPE_FIELDS`` → its
    value, None when unknown): the grant is everywhere, or one of its fields equals the
    target's."""
    scope = [(getattr(grant, field), target.get(field)) for field in SCOPE_FIELDS]
    if all(narrowed is None for narrowed, _ in scope):
        return True
    return any(value is not None and narrowed == value for narrowed, value in scope)


def allows(grants: Iterable[Grant], action: str, unit: str | None, area: str | None) -> bool:
    """Return True when one of ``grants`` allows ``action`` on the unit in ``area``: a grant
    everywhere, on that unit, or on that area. With ``unit`` and ``area`` None only a grant
    everywhere allows it; with only ``area``, a grant on that area does too."""
    roles = ACTIONS[action]
    target = {"unit": unit, "area": area}
    return any(grant.role in roles and covers(grant, target) for grant in grants)


def may_vote(grants: Iterable[Grant], gate_role: str) -> bool:
    """Return True when one of ``grants`` lets its login vote for ``gate_role``: a voter grant
    that names it. Nobody else votes for a role, leads and admins included: a vote is the word
    of the person who holds that role in the programme."""
    return any(g.role in ACTIONS["vote"] and g.gate_role == gate_role for g in grants)


def owns(grants: Iterable[Grant], owner: str | None) -> bool:
    """Return True when one of ``grants`` lets its login mark the run tasks of ``owner`` (a
    runbook task's ``owner``): a grant of the owner role that names it. It allows nothing else,
    and a task without an owner is nobody's."""
    return owner is not None and any(g.role == "owner" and g.owner == owner for g in grants)


def task_owners(runbook_text: str) -> dict[str, str]:
    """Return task id → its ``owner`` of a runbook's TOML text as a run keeps it (validated
    when the run started): what ``runs.owners`` holds, read by both fvm's check of a mark and
    the database's row-level security. A task without an owner is left out."""
    import tomllib

    tasks = tomllib.loads(runbook_text).get("tasks", [])
    return {
        t["id"]: t["owner"]
        for t in tasks
        if isinstance(t, dict) and isinstance(t.get("id"), str) and isinstance(t.get("owner"), str)
    }
