"""Assessment rounds: frozen per-unit figures under a label.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("label", sa.String(100), primary_key=True),
        sa.Column("checklist", sa.String(100), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("taken_by", sa.String(200), nullable=False),
        sa.Column("taken_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "snapshot_units",
        sa.Column("label", sa.String(100),
                  sa.ForeignKey("snapshots.label", name="fk_snapshot_units_label",
                                ondelete="CASCADE"), primary_key=True),
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
    )


def downgrade() -> None:
    op.drop_table("snapshot_units")
    op.drop_table("snapshots")
