"""The schema's migrations this program knows (``store/migrations``), without SQLAlchemy: a
command checks the database's revision against them before it decides whether it needs
Alembic at all."""

# Every revision this program knows, oldest first; the last is the head it writes.
REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
)
HEAD = REVISIONS[-1]

# The tables of the head revision, as ``store/schema.py`` declares them (a test holds the two
# together): what ``fvm info`` counts.
TABLES = (
    "phases",
    "units",
    "answers",
    "waivers",
    "equipment_counts",
    "equipment_requirements",
    "history",
    "people",
    "sessions",
    "enrolments",
    "snapshots",
    "snapshot_units",
    "access_grants",
    "trusted_keys",
    "reminders",
    "gate_proposals",
    "gate_votes",
    "gate_decisions",
    "content_versions",
    "content_files",
    "hypercare_values",
    "runs",
    "run_marks",
)
