"""Training: people, sessions and enrolments.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id", name="fk_people_unit_id"),
                  nullable=False),
        sa.Column("email", sa.String(300), nullable=True),
        sa.Column("forgotten_at", sa.String(40), nullable=True),
    )
    op.create_index("ix_people_unit_id", "people", ["unit_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(150), primary_key=True),
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("start", sa.String(20), nullable=False),
        sa.Column("end", sa.String(20), nullable=True),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("location", sa.String(300), nullable=True),
        sa.Column("trainer", sa.String(300), nullable=True),
        sa.CheckConstraint("capacity >= 0", name="ck_sessions_capacity"),
    )
    op.create_index("ix_sessions_course", "sessions", ["course"])
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(150),
                  sa.ForeignKey("sessions.id", name="fk_enrolments_session_id"), nullable=False),
        sa.Column("person_id", sa.String(100),
                  sa.ForeignKey("people.id", name="fk_enrolments_person_id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("forced_reason", sa.Text, nullable=True),
        sa.Column("enrolled_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("session_id", "person_id", name="uq_enrolments_session_person"),
    )
    op.create_index("ix_enrolments_person_id", "enrolments", ["person_id"])


def downgrade() -> None:
    for table in ("enrolments", "sessions", "people"):
        op.drop_table(table)
