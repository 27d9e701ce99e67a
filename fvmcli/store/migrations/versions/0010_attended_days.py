"""Attendance per day of a session held over several days: the days a person attended (ISO
dates, comma-separated, in order), so a course completes when every day is attended.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrolments") as batch:
        batch.add_column(sa.Column("attended_days", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrolments") as batch:
        batch.drop_column("attended_days")
