"""How ``fvm info`` and ``fvm unit show`` show one thing: a setting or field per row."""

from __future__ import annotations

from typing import Any

from fvmcli.cli.output import Shown, emit_table, say, show
from fvmcli.core.access import ROLE_MEANING
from fvmcli.i18n import N_, _
from fvmcli.render.columns import Column, data_rows

GRANTS = (
    Column("login", "login"),
    Column("role", "role"),
    Column("unit", "unit"),
    Column("area", "area"),
    Column("gate_role", "gate role"),
    Column("owner", "task owner"),
    Column("may", "may", cell=lambda g: _(ROLE_MEANING.get(g.role, "")), data=False),
)


def grants_view(found: Any) -> Shown:
    """Return ``access list``: a table of the grants; in JSON (``grant_rows``) a voter's grant
    adds the role of the gate it votes for (``gate_role``), an owner's grant the task owner it
    marks for (``owner``), the other grants keep the four keys they had."""
    from fvmcli.cli.output import Listing

    listing = Listing(GRANTS, found, title=_("{count} grants").format(count=len(found)))

    return Shown(lambda: grant_rows(found), listing.show, listing)


def grant_rows(grants: Any) -> list[dict[str, Any]]:
    """Return the grants as JSON objects: login, role, unit and area, for a voter the role of
    the gate it votes for (``gate_role``), for an owner the task owner it marks for
    (``owner``)."""
    rows = data_rows(GRANTS, grants)
    extra = ("gate_role", "owner")
    return [{k: v for k, v in r.items() if k not in extra or v is not None} for r in rows]


# What each table holds, as a person calls it (--json keeps the table names).
TABLE_WORDS = {
    "phases": N_("phases with a go-live date"),  # a phase has a row once its date is set
    "units": N_("units"),
    "answers": N_("answers"),
    "waivers": N_("waivers"),
    "equipment_counts": N_("equipment counts"),
    "equipment_requirements": N_("equipment overrides"),
    "history": N_("history entries"),
    "people": N_("people"),
    "sessions": N_("sessions"),
    "enrolments": N_("bookings"),
    "snapshots": N_("assessment rounds"),
    "snapshot_units": N_("units in rounds"),
    "access_grants": N_("grants"),
    "trusted_keys": N_("trusted device keys"),
    "reminders": N_("reminders sent"),
    "gate_proposals": N_("go/no-go proposals"),
    "gate_votes": N_("go/no-go votes"),
    "gate_decisions": N_("go/no-go decisions"),
}


def info_view(found: Any) -> Shown:
    """Return ``fvm info``: the program, the database, the content and what is stored."""

    def printed() -> None:
        db = found.database
        rows: list[list[Any]] = [
            [_("program"), found.version],
            [_("database"), db.url],
            [_("backend"), db.backend],
            [
                _("schema"),
                _("{schema} (this program: {head})").format(schema=db.schema, head=db.head),
            ],
            *(
                [
                    [
                        _("content"),
                        _("version {version} of pack {pack} ({digest})").format(
                            version=found.content_version["version"],
                            pack=found.content_version["pack"],
                            digest=found.content_version["digest"][:12],
                        ),
                    ]
                ]
                if found.content_version
                else [[_("content"), p] for p in found.content]
            ),
            *_rules_rows(found.rules),
            [_("language"), found.lang],
            [_("user"), found.user],
            [_("rights"), found.rights],
            [_("history head"), found.history_head or _("no history yet")],
            *(
                [[_("demo database"), _("{demo} (fvm --db {demo} …)").format(demo=found.demo)]]
                if found.demo
                else []
            ),
            *[
                [_("rows: {k}").format(k=_(TABLE_WORDS.get(k, k))), v]
                for k, v in found.counts.items()
            ],
        ]
        # The value is what info is for: it is never cut (a path is copied from here), and
        # never the column that goes.
        whole = [(0, False, None), (0, False, None)]
        emit_table([N_("setting"), N_("value")], rows, title=_("fvm info"), fit=whole)

    return Shown(found.as_json, printed)


def _rules_rows(rules: dict[str, Any] | None) -> list[list[Any]]:
    """Return the rows that say when the program's own rules last changed on this database,
    and which units' statuses that changed (the newest change only)."""
    from fvmcli.render.values import word

    if not rules or not rules["changes"]:
        return []
    last = rules["changes"][0]
    changed = last["changed"]
    text = _("changed at {at} ({old} → {new}): ").format(
        at=last["at"], old=last["from"], new=last["to"]
    ) + (
        ", ".join(f"{c['unit']} ({word(c['status'])} → {word(c['status_to'])})" for c in changed)
        if changed
        else _("no unit's status changed")
    )
    return [[_("program rules"), text]]


def unit_detail_view(detail: Any) -> Shown:
    """Return ``unit show``: the unit's fields, area and type by name too."""
    unit = detail.unit

    def printed() -> None:
        emit_table(
            [N_("field"), N_("value")],
            [
                [_("id"), unit.id],
                [_("name"), unit.name],
                [_("area"), f"{unit.area} ({detail.area_name})"],
                [_("phase"), unit.phase],
                [_("go-live"), detail.go_live or _("not set")],
                [_("type"), f"{unit.type} ({detail.type_name})"],
                [_("staff"), unit.staff],
                [_("municipality"), unit.municipality],
                [_("parent"), unit.parent],
                [_("sub-units"), ", ".join(detail.children) or None],
            ],
            title=unit.name,
        )

    return Shown(detail.as_json, printed)


def whoami_view(state: Any) -> Shown:
    """Return ``access whoami``: the login, whether rights are enforced, and its grants."""

    def printed() -> None:
        say(_("You are {login} on {backend}.").format(login=state.login, backend=state.backend))
        if not state.enforced:
            say(
                _(
                    "Rights are not enforced on this database: anyone who can connect may "
                    "change anything."
                )
            )
            return
        if not state.grants:
            say(_("You have no grant: you may read nothing and change nothing."))
        show(GRANTS, state.grants, title=_("Your grants"))

    return Shown(
        lambda: {
            "login": state.login,
            "backend": state.backend,
            "enforced": state.enforced,
            "grants": grant_rows(state.grants),
        },
        printed,
    )
