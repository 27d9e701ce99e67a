"""Reminders: a unit's e-mail, which blockers a round froze, and every digest sent.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("email", sa.String(300), nullable=True))
    with op.batch_alter_table("snapshot_units") as batch:
        batch.add_column(sa.Column("blocker_questions", sa.Text, nullable=True))
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.String(100), sa.ForeignKey("units.id", name="fk_reminders_unit_id"),
                  nullable=False),
        sa.Column("recipient", sa.String(100), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.String(40), nullable=False),
        sa.Column("sent_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("unit_id", "recipient", "day", name="uq_reminders_unit_recipient_day"),
    )


def downgrade() -> None:
    op.drop_table("reminders")
    with op.batch_alter_table("snapshot_units") as batch:
        batch.drop_column("blocker_questions")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("email")
