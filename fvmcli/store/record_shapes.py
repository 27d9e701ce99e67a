"""The one registry of the recorded tables (``scoring.md``, "The record"): each table's key,
its recorded columns, the personal ones and the ones recorded by digest. Writing
(``store/record.py``), verification, erasure and the baseline of an upgrade all read it."""

from __future__ import annotations

from fvmcli.core.record import Shape

SHAPES: dict[str, Shape] = {
    s.table: s
    for s in (
        Shape("phases", ("phase",), ("phase", "go_live")),
        Shape(
            "units",
            ("id",),
            ("id", "name", "area", "type", "staff", "municipality", "parent", "email"),
        ),
        Shape(
            "answers",
            ("unit_id", "checklist", "question"),
            (
                "unit_id",
                "checklist",
                "question",
                "value",
                "comment",
                "answered_by",
                "answered_at",
                "version",
                "attestation",
                "attested_by",
                "attested_at",
            ),
        ),
        Shape(
            "waivers",
            ("unit_id", "checklist", "question"),
            (
                "unit_id",
                "checklist",
                "question",
                "reason",
                "until",
                "decided_by",
                "decided_at",
                "approval",
                "approved_by",
                "approved_at",
            ),
        ),
        Shape(
            "equipment_counts",
            ("unit_id", "item"),
            ("unit_id", "item", "present", "configured", "tested", "counted_by", "counted_at"),
        ),
        Shape("equipment_requirements", ("unit_id", "item"), ("unit_id", "item", "quantity")),
        Shape(
            "people",
            ("id",),
            ("id", "name", "role", "unit_id", "email", "forgotten_at"),
            personal=("name", "email"),
        ),
        Shape(
            "sessions",
            ("id",),
            ("id", "course", "start", "end", "capacity", "location", "trainer"),
        ),
        # The id only orders the waitlist; a place is a person's in a session.
        Shape(
            "enrolments",
            ("session_id", "person_id"),
            ("session_id", "person_id", "status", "forced_reason", "enrolled_at", "attended_days"),
            personal=("forced_reason",),
        ),
        Shape(
            "snapshots",
            ("label",),
            ("label", "checklist", "as_of", "taken_by", "taken_at", "content_version"),
        ),
        Shape(
            "snapshot_units",
            ("label", "unit_id"),
            (
                "label",
                "unit_id",
                "area",
                "phase",
                "type",
                "score",
                "status",
                "completeness",
                "blockers",
                "overdue",
                "training_coverage",
                "equipment_readiness",
                "blocker_questions",
            ),
        ),
        Shape(
            "access_grants",
            ("id",),
            (
                "id",
                "login",
                "role",
                "unit_id",
                "area",
                "granted_by",
                "granted_at",
                "gate_role",
                "owner",
            ),
        ),
        Shape(
            "trusted_keys",
            ("id",),
            ("id", "fingerprint", "public_key", "unit_id", "area", "trusted_by", "trusted_at"),
        ),
        Shape(
            "reminders",
            ("unit_id", "recipient", "day"),
            ("unit_id", "recipient", "day", "digest", "sent_at", "sent_by"),
        ),
        Shape(
            "gate_proposals",
            ("label",),
            (
                "label",
                "phase",
                "as_of",
                "go_live",
                "checklist",
                "verdict",
                "evidence",
                "digest",
                "proposed_by",
                "proposed_at",
                "content_version",
                "content_digest",
            ),
            digested=("evidence",),
        ),
        Shape(
            "gate_votes",
            ("label", "role"),
            ("label", "role", "vote", "by", "at", "comment"),
        ),
        Shape(
            "gate_decisions",
            ("label",),
            ("label", "decision", "by", "at", "conditions", "reason", "against"),
        ),
        Shape(
            "hypercare_values",
            ("day", "unit_id", "indicator"),
            ("day", "unit_id", "indicator", "value", "comment", "by", "at"),
        ),
        Shape(
            "runs",
            ("name",),
            (
                "name",
                "runbook",
                "phase",
                "area",
                "rehearsal",
                "t0",
                "source",
                "units",
                "durations_from",
                "durations",
                "started_by",
                "started_at",
                "fallback_by",
                "fallback_at",
                "fallback_reason",
                "owners",
            ),
            digested=("source", "units", "durations"),
        ),
        Shape(
            "run_marks",
            ("run", "task", "unit_id"),
            (
                "run",
                "task",
                "unit_id",
                "state",
                "started_at",
                "ended_at",
                "by",
                "comment",
                "decision",
            ),
        ),
        Shape(
            "content_versions",
            ("version",),
            ("version", "digest", "pack", "by", "at", "message"),
        ),
        Shape(
            "content_files",
            ("version", "path"),
            ("version", "path", "data"),
            digested=("data",),
        ),
    )
}

# Key columns that hold numbers (ordered as numbers, not as text) and dates.
NUMERIC_KEYS = {("phases", "phase"), ("access_grants", "id"), ("trusted_keys", "id")} | {
    ("content_versions", "version"),
    ("content_files", "version"),
}
DATE_KEYS = {("reminders", "day"), ("hypercare_values", "day")}
