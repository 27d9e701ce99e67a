"""The type PostgreSQL reports (``format_type``) for each column of fvm's tables, as the
migrations make them: what a database changed by hand is checked against when it is opened
(``Database.schema_state``), with one query of the catalog and without SQLAlchemy.
``tests/test_db_faults.py`` checks that this table and ``store/schema.py`` agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection

COLUMN_TYPES: dict[str, dict[str, str]] = {
    "access_grants": {
        "id": "integer",
        "login": "character varying(200)",
        "role": "character varying(20)",
        "unit_id": "character varying(100)",
        "area": "character varying(50)",
        "granted_by": "character varying(200)",
        "granted_at": "character varying(40)",
        "gate_role": "character varying(100)",
        "owner": "character varying(100)",
    },
    "answers": {
        "unit_id": "character varying(100)",
        "checklist": "character varying(100)",
        "question": "character varying(200)",
        "value": "text",
        "comment": "text",
        "answered_by": "character varying(200)",
        "answered_at": "character varying(40)",
        "version": "integer",
        "attestation": "character varying(20)",
        "attested_by": "character varying(200)",
        "attested_at": "character varying(40)",
    },
    "content_files": {"version": "integer", "path": "character varying(500)", "data": "bytea"},
    "content_versions": {
        "version": "integer",
        "digest": "character varying(64)",
        "pack": "character varying(100)",
        "by": "character varying(200)",
        "at": "character varying(40)",
        "message": "text",
    },
    "enrolments": {
        "id": "integer",
        "session_id": "character varying(150)",
        "person_id": "character varying(100)",
        "status": "character varying(20)",
        "forced_reason": "text",
        "enrolled_at": "character varying(40)",
        "attended_days": "text",
    },
    "equipment_counts": {
        "unit_id": "character varying(100)",
        "item": "character varying(100)",
        "present": "integer",
        "configured": "integer",
        "tested": "integer",
        "counted_by": "character varying(200)",
        "counted_at": "character varying(40)",
    },
    "equipment_requirements": {
        "unit_id": "character varying(100)",
        "item": "character varying(100)",
        "quantity": "integer",
    },
    "gate_decisions": {
        "label": "character varying(100)",
        "decision": "character varying(20)",
        "by": "character varying(200)",
        "at": "character varying(40)",
        "conditions": "text",
        "reason": "text",
        "against": "text",
    },
    "gate_proposals": {
        "label": "character varying(100)",
        "phase": "integer",
        "as_of": "date",
        "go_live": "date",
        "checklist": "character varying(100)",
        "verdict": "character varying(10)",
        "evidence": "text",
        "digest": "character varying(64)",
        "proposed_by": "character varying(200)",
        "proposed_at": "character varying(40)",
        "content_version": "integer",
        "content_digest": "character varying(64)",
    },
    "gate_votes": {
        "label": "character varying(100)",
        "role": "character varying(100)",
        "vote": "character varying(10)",
        "by": "character varying(200)",
        "at": "character varying(40)",
        "comment": "text",
    },
    "history": {
        "id": "integer",
        "at": "character varying(40)",
        "by": "character varying(200)",
        "kind": "character varying(30)",
        "unit_id": "character varying(100)",
        "scope": "character varying(100)",
        "subject": "character varying(200)",
        "old": "text",
        "new": "text",
        "comment": "text",
        "version": "integer",
        "login": "character varying(200)",
        "key": "character varying(100)",
        "prev": "character varying(64)",
        "hash": "character varying(64)",
        "payload": "character varying(64)",
        "salt": "character varying(32)",
        "tbl": "character varying(40)",
        "rowkey": "text",
        "state": "text",
        "private": "text",
    },
    "hypercare_values": {
        "day": "date",
        "unit_id": "character varying(100)",
        "indicator": "character varying(100)",
        "value": "double precision",
        "comment": "text",
        "by": "character varying(200)",
        "at": "character varying(40)",
    },
    "people": {
        "id": "character varying(100)",
        "name": "character varying(300)",
        "role": "character varying(100)",
        "unit_id": "character varying(100)",
        "email": "character varying(300)",
        "forgotten_at": "character varying(40)",
    },
    "phases": {"phase": "integer", "go_live": "date"},
    "reminders": {
        "id": "integer",
        "unit_id": "character varying(100)",
        "recipient": "character varying(100)",
        "day": "date",
        "digest": "character varying(64)",
        "sent_at": "character varying(40)",
        "sent_by": "character varying(200)",
    },
    "run_marks": {
        "run": "character varying(100)",
        "task": "character varying(100)",
        "unit_id": "character varying(100)",
        "state": "character varying(20)",
        "started_at": "character varying(40)",
        "ended_at": "character varying(40)",
        "by": "character varying(200)",
        "comment": "text",
        "decision": "character varying(100)",
    },
    "runs": {
        "name": "character varying(100)",
        "runbook": "character varying(100)",
        "phase": "integer",
        "area": "character varying(50)",
        "rehearsal": "boolean",
        "t0": "character varying(40)",
        "source": "text",
        "units": "text",
        "durations_from": "character varying(100)",
        "durations": "text",
        "started_by": "character varying(200)",
        "started_at": "character varying(40)",
        "fallback_by": "character varying(200)",
        "fallback_at": "character varying(40)",
        "fallback_reason": "text",
        "owners": "text",
    },
    "sessions": {
        "id": "character varying(150)",
        "course": "character varying(100)",
        "start": "character varying(20)",
        "end": "character varying(20)",
        "capacity": "integer",
        "location": "character varying(300)",
        "trainer": "character varying(300)",
    },
    "snapshot_units": {
        "label": "character varying(100)",
        "unit_id": "character varying(100)",
        "area": "character varying(50)",
        "phase": "integer",
        "type": "character varying(50)",
        "score": "double precision",
        "status": "character varying(20)",
        "completeness": "double precision",
        "blockers": "integer",
        "overdue": "integer",
        "training_coverage": "double precision",
        "equipment_readiness": "double precision",
        "blocker_questions": "text",
    },
    "snapshots": {
        "label": "character varying(100)",
        "checklist": "character varying(100)",
        "as_of": "date",
        "taken_by": "character varying(200)",
        "taken_at": "character varying(40)",
        "content_version": "integer",
    },
    "trusted_keys": {
        "id": "integer",
        "fingerprint": "character varying(100)",
        "public_key": "character varying(200)",
        "unit_id": "character varying(100)",
        "area": "character varying(50)",
        "trusted_by": "character varying(200)",
        "trusted_at": "character varying(40)",
    },
    "units": {
        "id": "character varying(100)",
        "name": "character varying(300)",
        "area": "character varying(50)",
        "type": "character varying(50)",
        "staff": "integer",
        "municipality": "character varying(200)",
        "parent": "character varying(100)",
        "email": "character varying(300)",
    },
    "waivers": {
        "unit_id": "character varying(100)",
        "checklist": "character varying(100)",
        "question": "character varying(200)",
        "reason": "text",
        "until": "date",
        "decided_by": "character varying(200)",
        "decided_at": "character varying(40)",
        "approval": "character varying(20)",
        "approved_by": "character varying(200)",
        "approved_at": "character varying(40)",
    },
}


def retyped(conn: Connection) -> tuple[tuple[str, str, str, str], ...]:
    """Return (table, column, its type, the type fvm made it) for each column of fvm's tables
    on PostgreSQL whose type was changed by hand, read from the catalog in one query."""
    rows = conn.rows(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
        "AND a.attnum > 0 AND NOT a.attisdropped"
    )
    found = []
    for table, column, kind in rows:
        made = COLUMN_TYPES.get(table, {}).get(column)
        if made is not None and kind != made:
            found.append((table, column, kind, made))
    return tuple(sorted(found))


def refuse_retyped(where: str, found: Sequence[tuple[str, str, str, str]]) -> None:
    """Refuse a database whose columns ``retyped`` found (exit 4), naming each column, its
    type and fvm's, and the statement that gives each its type back."""
    if not found:
        return
    columns = "; ".join(
        _("{table}.{column} is {kind}, not {made}").format(
            table=table, column=column, kind=kind, made=made
        )
        for table, column, kind, made in found
    )
    raise EnvironmentProblem(
        _("database {where}: fvm's tables were changed by hand ({columns})").format(
            where=where, columns=columns
        ),
        hint=_("Restore a backup, or have the tables' owner give each column its type back, e.g.:"),
        command=" ".join(
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {made} USING {column}::{made};"
            for table, column, _kind, made in found
        ),
    )
