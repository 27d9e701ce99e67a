"""Hypercare: each unit's value of each indicator on each day of the weeks after go-live.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hypercare_values",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column(
            "unit_id",
            sa.String(100),
            sa.ForeignKey("units.id", name="fk_hypercare_values_unit_id"),
            nullable=False,
        ),
        sa.Column("indicator", sa.String(100), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("day", "unit_id", "indicator", name="pk_hypercare_values"),
    )
    op.create_index("ix_hypercare_values_unit_id", "hypercare_values", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_hypercare_values_unit_id", "hypercare_values")
    op.drop_table("hypercare_values")
