"""The cut-over itself: runs of a runbook (rehearsals and the live run), each with the runbook
and units it was started with, and the present mark of each of its task instances (every mark
is also a history entry).

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
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
    )
    op.create_table(
        "run_marks",
        sa.Column(
            "run",
            sa.String(100),
            sa.ForeignKey("runs.name", name="fk_run_marks_run"),
            primary_key=True,
        ),
        sa.Column("task", sa.String(100), primary_key=True),
        sa.Column("unit_id", sa.String(100), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=True),
        sa.Column("ended_at", sa.String(40), nullable=True),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("decision", sa.String(100), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("run_marks")
    op.drop_table("runs")
