"""The history is the record, and the rules live with the data: each history entry may carry
the row it wrote (its table, key and recorded columns, the personal ones apart so that erasure
can remove them; every row already in a recorded table enters the chain as a "baseline" entry,
named as recorded before this revision), and the database keeps the published content packs (each version's files),
which snapshots and gate proposals name.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("tbl", sa.String(40), nullable=True))
        batch.add_column(sa.Column("rowkey", sa.Text, nullable=True))
        batch.add_column(sa.Column("state", sa.Text, nullable=True))
        batch.add_column(sa.Column("private", sa.Text, nullable=True))
    op.create_index("ix_history_tbl_rowkey", "history", ["tbl", "rowkey", "id"])
    op.create_table(
        "content_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("pack", sa.String(100), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
    )
    op.create_table(
        "content_files",
        sa.Column(
            "version",
            sa.Integer,
            sa.ForeignKey("content_versions.version", name="fk_content_files_version"),
            primary_key=True,
        ),
        sa.Column("path", sa.String(500), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("content_version", sa.Integer, nullable=True))
    with op.batch_alter_table("gate_proposals") as batch:
        batch.add_column(sa.Column("content_version", sa.Integer, nullable=True))
        batch.add_column(sa.Column("content_digest", sa.String(64), nullable=True))
    _baseline()


def _baseline() -> None:
    """Append a baseline entry for every row of every recorded table (none in a new
    database), on the migration's own connection and transaction."""
    from fvmcli.clock import now_iso
    from fvmcli.store.driver import Connection
    from fvmcli.store.record import baseline

    bind = op.get_bind()
    backend = "postgresql" if bind.dialect.name == "postgresql" else "sqlite"
    baseline(Connection(bind.connection.dbapi_connection, backend), at=now_iso())


def downgrade() -> None:
    with op.batch_alter_table("gate_proposals") as batch:
        batch.drop_column("content_digest")
        batch.drop_column("content_version")
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("content_version")
    op.drop_table("content_files")
    op.drop_table("content_versions")
    op.drop_index("ix_history_tbl_rowkey", "history")
    with op.batch_alter_table("history") as batch:
        batch.drop_column("private")
        batch.drop_column("state")
        batch.drop_column("rowkey")
        batch.drop_column("tbl")
