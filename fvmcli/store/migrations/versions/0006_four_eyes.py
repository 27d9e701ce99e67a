"""Four eyes and decisions: who attested each answer, who approved each waiver, and the gate's
proposals, votes and decisions.

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


def downgrade() -> None:
    op.drop_table("gate_decisions")
    op.drop_table("gate_votes")
    op.drop_table("gate_proposals")
    with op.batch_alter_table("waivers") as batch:
        batch.drop_column("approved_at")
        batch.drop_column("approved_by")
        batch.drop_column("approval")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("attested_at")
        batch.drop_column("attested_by")
        batch.drop_column("attestation")
