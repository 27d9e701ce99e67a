"""Tables, as SQLAlchemy Core metadata. Change them only together with a migration."""

from __future__ import annotations

import sqlalchemy as sa

from fvmcli.store.revisions import HEAD as HEAD
from fvmcli.store.revisions import REVISIONS as REVISIONS

metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
    }
)

phases = sa.Table(
    "phases",
    metadata,
    sa.Column("phase", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("go_live", sa.Date, nullable=True),
)

units = sa.Table(
    "units",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("area", sa.String(50), nullable=False, index=True),
    sa.Column("type", sa.String(50), nullable=False, index=True),
    sa.Column("staff", sa.Integer, nullable=True),
    sa.Column("municipality", sa.String(200), nullable=True),
    sa.Column("parent", sa.String(100), sa.ForeignKey("units.id"), nullable=True),
    sa.Column("email", sa.String(300), nullable=True),  # a functional mailbox for reminders
)

answers = sa.Table(
    "answers",
    metadata,
    sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id"), primary_key=True),
    sa.Column("checklist", sa.String(100), primary_key=True),
    sa.Column("question", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("answered_by", sa.String(200), nullable=False),
    sa.Column("answered_at", sa.String(40), nullable=False),
    sa.Column("version", sa.Integer, nullable=True),
    # A second person's word on the answer: "attested" or "rejected" (cleared by a new answer).
    sa.Column("attestation", sa.String(20), nullable=True),
    sa.Column("attested_by", sa.String(200), nullable=True),
    sa.Column("attested_at", sa.String(40), nullable=True),
)

waivers = sa.Table(
    "waivers",
    metadata,
    sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id"), primary_key=True),
    sa.Column("checklist", sa.String(100), primary_key=True),
    sa.Column("question", sa.String(200), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("until", sa.Date, nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("decided_at", sa.String(40), nullable=False),
    # Under four eyes: "approved" or "rejected" by another person; None while requested.
    sa.Column("approval", sa.String(20), nullable=True),
    sa.Column("approved_by", sa.String(200), nullable=True),
    sa.Column("approved_at", sa.String(40), nullable=True),
)

equipment_counts = sa.Table(
    "equipment_counts",
    metadata,
    sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id"), primary_key=True),
    sa.Column("item", sa.String(100), primary_key=True),
    sa.Column("present", sa.Integer, nullable=False),
    sa.Column("configured", sa.Integer, nullable=False),
    sa.Column("tested", sa.Integer, nullable=False),
    sa.Column("counted_by", sa.String(200), nullable=False),
    sa.Column("counted_at", sa.String(40), nullable=False),
    sa.CheckConstraint("present >= configured AND configured >= tested AND tested >= 0", "order"),
)

equipment_requirements = sa.Table(
    "equipment_requirements",
    metadata,
    sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id"), primary_key=True),
    sa.Column("item", sa.String(100), primary_key=True),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.CheckConstraint("quantity >= 0", "nonnegative"),
)

# Append-only: every change to answers, waivers, counts, requirements, units and phases.
history = sa.Table(
    "history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("unit_id", sa.String(100), nullable=True),
    sa.Column("scope", sa.String(100), nullable=True),
    sa.Column("subject", sa.String(200), nullable=True),
    sa.Column("old", sa.Text, nullable=True),
    sa.Column("new", sa.Text, nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=True),
    # Who was logged in: the authenticated login on PostgreSQL (set by the database itself
    # once rights are configured), the user's login name on SQLite. ``by`` differs from it
    # when someone acted on behalf of another person.
    sa.Column("login", sa.String(200), nullable=True),
    # The fingerprint of the device key that signed the bundle an entry came in.
    sa.Column("key", sa.String(100), nullable=True),
    # The hash chain (core.history_chain): the previous entry's hash, this entry's, the salted
    # digest of its personal payload (old, new, comment), and the salt (gone once erased).
    sa.Column("prev", sa.String(64), nullable=True),
    sa.Column("hash", sa.String(64), nullable=True),
    sa.Column("payload", sa.String(64), nullable=True),
    sa.Column("salt", sa.String(32), nullable=True),
    # The row an entry wrote (``store/record.py``): its table, its key (canonical JSON), its
    # recorded columns (canonical JSON; None for a delete) and, apart, its personal columns,
    # which erasure removes with the salt.
    sa.Column("tbl", sa.String(40), nullable=True),
    sa.Column("rowkey", sa.Text, nullable=True),
    sa.Column("state", sa.Text, nullable=True),
    sa.Column("private", sa.Text, nullable=True),
    sa.Index("ix_history_unit_scope_subject", "unit_id", "scope", "subject"),
    sa.Index("ix_history_tbl_rowkey", "tbl", "rowkey", "id"),
)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(300), nullable=True),  # null once forgotten
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id"), nullable=False, index=True),
    sa.Column("email", sa.String(300), nullable=True),
    sa.Column("forgotten_at", sa.String(40), nullable=True),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(150), primary_key=True),
    sa.Column("course", sa.String(100), nullable=False, index=True),
    sa.Column("start", sa.String(20), nullable=False),  # local ISO datetime, 2026-12-14T09:00
    sa.Column("end", sa.String(20), nullable=True),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("location", sa.String(300), nullable=True),
    sa.Column("trainer", sa.String(300), nullable=True),
    sa.CheckConstraint("capacity >= 0", "capacity"),
)

# The id orders enrolments: the waitlist is served in the order people joined it.
enrolments = sa.Table(
    "enrolments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.String(150), sa.ForeignKey("sessions.id"), nullable=False),
    sa.Column("person_id", sa.String(100), sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("forced_reason", sa.Text, nullable=True),
    sa.Column("enrolled_at", sa.String(40), nullable=False),
    # the days attended of a session over several days: ISO dates, comma-separated (0010)
    sa.Column("attended_days", sa.Text, nullable=True),
    sa.UniqueConstraint("session_id", "person_id", name="uq_enrolments_session_person"),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("label", sa.String(100), primary_key=True),
    sa.Column("checklist", sa.String(100), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("taken_by", sa.String(200), nullable=False),
    sa.Column("taken_at", sa.String(40), nullable=False),
    sa.Column("content_version", sa.Integer, nullable=True),
)

snapshot_units = sa.Table(
    "snapshot_units",
    metadata,
    sa.Column(
        "label",
        sa.String(100),
        sa.ForeignKey("snapshots.label", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("unit_id", sa.String(100), primary_key=True),
    sa.Column("area", sa.String(50), nullable=False),
    sa.Column("phase", sa.Integer, nullable=False),
    sa.Column("type", sa.String(50), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("completeness", sa.Float, nullable=False),
    sa.Column("blockers", sa.Integer, nullable=False),
    sa.Column("overdue", sa.Integer, nullable=False),
    sa.Column("training_coverage", sa.Float, nullable=True),
    sa.Column("equipment_readiness", sa.Float, nullable=True),
    # JSON list of the questions that were blockers (None in rounds taken before 0005).
    sa.Column("blocker_questions", sa.Text, nullable=True),
)

# Who may change what: a login's role, scoped to a unit or an area (neither: everywhere).
access_grants = sa.Table(
    "access_grants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(200), nullable=False, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("unit_id", sa.String(100), nullable=True),
    sa.Column("area", sa.String(50), nullable=True),
    sa.Column("granted_by", sa.String(200), nullable=False),
    sa.Column("granted_at", sa.String(40), nullable=False),
    # For the voter role: the role of gates.toml its login may vote for.
    sa.Column("gate_role", sa.String(100), nullable=True),
    # For the owner role: the runbook owner (a task's ``owner``) whose tasks its login marks.
    sa.Column("owner", sa.String(100), nullable=True),
)

# Device keys a lead trusts to sign bundles, per unit or area.
trusted_keys = sa.Table(
    "trusted_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fingerprint", sa.String(100), nullable=False, index=True),
    sa.Column("public_key", sa.String(200), nullable=False),
    sa.Column("unit_id", sa.String(100), nullable=True),
    sa.Column("area", sa.String(50), nullable=True),
    sa.Column("trusted_by", sa.String(200), nullable=False),
    sa.Column("trusted_at", sa.String(40), nullable=False),
)

# Every reminder digest sent: one row per unit, recipient and day, so a re-run sends nothing
# twice. A recipient is a person id, or "@unit" for the unit's own mailbox; no address is kept.
reminders = sa.Table(
    "reminders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id"), nullable=False),
    sa.Column("recipient", sa.String(100), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("sent_at", sa.String(40), nullable=False),
    sa.Column("sent_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("unit_id", "recipient", "day", name="uq_reminders_unit_recipient_day"),
)

# A go/no-go proposal: the evidence frozen as canonical JSON, and its SHA-256.
gate_proposals = sa.Table(
    "gate_proposals",
    metadata,
    sa.Column("label", sa.String(100), primary_key=True),
    sa.Column("phase", sa.Integer, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("go_live", sa.Date, nullable=True),
    sa.Column("checklist", sa.String(100), nullable=False),
    sa.Column("verdict", sa.String(10), nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("proposed_by", sa.String(200), nullable=False),
    sa.Column("proposed_at", sa.String(40), nullable=False),
    # The content version in force when the evidence was frozen, and its digest.
    sa.Column("content_version", sa.Integer, nullable=True),
    sa.Column("content_digest", sa.String(64), nullable=True),
)

# One vote per voting role of ``gates.toml``; a later vote replaces it until the decision.
gate_votes = sa.Table(
    "gate_votes",
    metadata,
    sa.Column("label", sa.String(100), sa.ForeignKey("gate_proposals.label"), primary_key=True),
    sa.Column("role", sa.String(100), primary_key=True),
    sa.Column("vote", sa.String(10), nullable=False),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
)

# The decision on a proposal, final: conditions and the criteria it went against as JSON lists.
gate_decisions = sa.Table(
    "gate_decisions",
    metadata,
    sa.Column("label", sa.String(100), sa.ForeignKey("gate_proposals.label"), primary_key=True),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("conditions", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("against", sa.Text, nullable=False),
)

# The content packs published in the database (``scoring.md``, "Content versions"): the latest
# version is the one in force.
content_versions = sa.Table(
    "content_versions",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("pack", sa.String(100), nullable=False),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("message", sa.Text, nullable=True),
)

# Each version's files, as published (bytes).
content_files = sa.Table(
    "content_files",
    metadata,
    sa.Column(
        "version",
        sa.Integer,
        sa.ForeignKey("content_versions.version"),
        primary_key=True,
    ),
    sa.Column("path", sa.String(500), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# Hypercare (``scoring.md``, "Hypercare"): a unit's value of an indicator on a day; the primary
# key leads with the day, so that one day's values are one range of it.
hypercare_values = sa.Table(
    "hypercare_values",
    metadata,
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id"), nullable=False, index=True),
    sa.Column("indicator", sa.String(100), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.PrimaryKeyConstraint("day", "unit_id", "indicator"),
)

# The cut-over (``scoring.md``, "Runs"): a run keeps the runbook's text and the units it was
# started with, so that a runbook edited mid-weekend does not change a run under way.
runs = sa.Table(
    "runs",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("runbook", sa.String(100), nullable=False),
    sa.Column("phase", sa.Integer, nullable=False),
    sa.Column("area", sa.String(50), nullable=True),
    sa.Column("rehearsal", sa.Boolean, nullable=False),
    sa.Column("t0", sa.String(40), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("units", sa.Text, nullable=False),
    sa.Column("durations_from", sa.String(100), nullable=True),
    sa.Column("durations", sa.Text, nullable=True),
    sa.Column("started_by", sa.String(200), nullable=False),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("fallback_by", sa.String(200), nullable=True),
    sa.Column("fallback_at", sa.String(40), nullable=True),
    sa.Column("fallback_reason", sa.Text, nullable=True),
    # Task → its owner (JSON), from the runbook as started: what row-level security reads to
    # let a login mark the tasks it owns.
    sa.Column("owners", sa.Text, nullable=True),
)

# The present mark of each instance ('' as the unit of a phase task); history keeps them all.
run_marks = sa.Table(
    "run_marks",
    metadata,
    sa.Column("run", sa.String(100), sa.ForeignKey("runs.name"), primary_key=True),
    sa.Column("task", sa.String(100), primary_key=True),
    sa.Column("unit_id", sa.String(100), primary_key=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("started_at", sa.String(40), nullable=True),
    sa.Column("ended_at", sa.String(40), nullable=True),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("decision", sa.String(100), nullable=True),
)
