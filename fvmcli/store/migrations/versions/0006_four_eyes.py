"""Four eyes, decisions and a history that shows tampering: who attested each answer, who
approved each waiver, the gate's proposals, votes and decisions, and the history's hash chain
(every existing entry is linked, in id order).

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("prev", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("payload", sa.String(64), nullable=True))
        batch.add_column(sa.Column("salt", sa.String(32), nullable=True))
    _chain_history()
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("attestation", sa.String(20), nullable=True))
        batch.add_column(sa.Column("attested_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("attested_at", sa.String(40), nullable=True))
    with op.batch_alter_table("waivers") as batch:
        batch.add_column(sa.Column("approval", sa.String(20), nullable=True))
        batch.add_column(sa.Column("approved_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("approved_at", sa.String(40), nullable=True))
    op.create_table(
        "gate_proposals",
        sa.Column("label", sa.String(100), primary_key=True),
        sa.Column("phase", sa.Integer, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("go_live", sa.Date, nullable=True),
        sa.Column("checklist", sa.String(100), nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("proposed_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "gate_votes",
        sa.Column("label", sa.String(100),
                  sa.ForeignKey("gate_proposals.label", name="fk_gate_votes_label"),
                  primary_key=True),
        sa.Column("role", sa.String(100), primary_key=True),
        sa.Column("vote", sa.String(10), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
    )
    op.create_table(
        "gate_decisions",
        sa.Column("label", sa.String(100),
                  sa.ForeignKey("gate_proposals.label", name="fk_gate_decisions_label"),
                  primary_key=True),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("against", sa.Text, nullable=False),
    )


def _chain_history() -> None:
    """Link every entry already in the history, oldest first."""
    from fvmcli.core.history_chain import GENESIS, chained

    conn = op.get_bind()
    history = sa.table(
        "history",
        *(sa.column(n) for n in ("id", "at", "by", "kind", "unit_id", "scope", "subject",
                                 "version", "login", "key", "old", "new", "comment", "prev",
                                 "hash", "payload", "salt")),
    )
    c = history.c
    rows = conn.execute(
        sa.select(c.id, c.at, c.by, c.kind, c.unit_id, c.scope, c.subject, c.version, c.login,
                  c.key, c.old, c.new, c.comment).order_by(c.id)
    ).all()
    head = GENESIS
    for start in range(0, len(rows), 5000):
        part = rows[start : start + 5000]
        linked, head = chained(head, (tuple(r[1:]) for r in part))
        conn.execute(
            history.update().where(c.id == sa.bindparam("row_id")).values(
                prev=sa.bindparam("p"), hash=sa.bindparam("h"), payload=sa.bindparam("d"),
                salt=sa.bindparam("s"),
            ),
            [
                {"row_id": r[0], "p": found[-4], "h": found[-3], "d": found[-2], "s": found[-1]}
                for r, found in zip(part, linked, strict=True)
            ],
        )


def downgrade() -> None:
    op.drop_table("gate_decisions")
    op.drop_table("gate_votes")
    op.drop_table("gate_proposals")
    with op.batch_alter_table("history") as batch:
        for name in ("salt", "payload", "hash", "prev"):
            batch.drop_column(name)
    with op.batch_alter_table("waivers") as batch:
        batch.drop_column("approved_at")
        batch.drop_column("approved_by")
        batch.drop_column("approval")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("attested_at")
        batch.drop_column("attested_by")
        batch.drop_column("attestation")
