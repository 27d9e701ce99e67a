"""Rights: grants per login, trusted device keys, and who was logged in for each change.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("login", sa.String(200), nullable=True))
        batch.add_column(sa.Column("key", sa.String(100), nullable=True))
    op.create_table(
        "access_grants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=True),
        sa.Column("area", sa.String(50), nullable=True),
        sa.Column("granted_by", sa.String(200), nullable=False),
        sa.Column("granted_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_access_grants_login", "access_grants", ["login"])
    op.create_table(
        "trusted_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("fingerprint", sa.String(100), nullable=False),
        sa.Column("public_key", sa.String(200), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=True),
        sa.Column("area", sa.String(50), nullable=True),
        sa.Column("trusted_by", sa.String(200), nullable=False),
        sa.Column("trusted_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_trusted_keys_fingerprint", "trusted_keys", ["fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_trusted_keys_fingerprint", "trusted_keys")
    op.drop_table("trusted_keys")
    op.drop_index("ix_access_grants_login", "access_grants")
    op.drop_table("access_grants")
    with op.batch_alter_table("history") as batch:
        batch.drop_column("key")
        batch.drop_column("login")
