"""Marking the tasks one owns (issue 46): a grant of the owner role names the runbook owner
(``owner`` of a runbook's tasks) whose tasks its login may mark, and a run keeps the owner of
each of its tasks beside the runbook's text, where the database's row-level security reads it.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_grants") as batch:
        batch.add_column(sa.Column("owner", sa.String(100), nullable=True))
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("owners", sa.Text, nullable=True))
    _refresh_record()


def _refresh_record() -> None:
    """Where the database keeps the record (``fvm access init`` ran), make its check anew, so
    that grants and runs, with their new columns, are taken at once."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from fvmcli.store.driver import Connection
    from fvmcli.store.record_rights import refresh_record

    refresh_record(Connection(bind.connection.dbapi_connection, "postgresql"))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("owners")
    with op.batch_alter_table("access_grants") as batch:
        batch.drop_column("owner")
