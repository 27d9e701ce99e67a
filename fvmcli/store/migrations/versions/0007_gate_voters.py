"""Voting rights per role of the go/no-go: a grant of the voter role names the gate role
(``gates.toml``) its login may vote for.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_grants") as batch:
        batch.add_column(sa.Column("gate_role", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("access_grants") as batch:
        batch.drop_column("gate_role")
