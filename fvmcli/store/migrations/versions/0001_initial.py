"""Territory, answers, waivers, equipment and history.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(100)
WHO = sa.String(200)
WHEN = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "phases",
        sa.Column("phase", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("go_live", sa.Date, nullable=True),
    )
    op.create_table(
        "units",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("area", sa.String(50), nullable=False),
        sa.Column("type", sa.String(50), nullable=False),
        sa.Column("staff", sa.Integer, nullable=True),
        sa.Column("municipality", sa.String(200), nullable=True),
        sa.Column("parent", ID, sa.ForeignKey("units.id", name="fk_units_parent"), nullable=True),
    )
    op.create_index("ix_units_area", "units", ["area"])
    op.create_index("ix_units_type", "units", ["type"])
    op.create_table(
        "answers",
        sa.Column("unit_id", ID, sa.ForeignKey("units.id", name="fk_answers_unit_id"),
                  primary_key=True),
        sa.Column("checklist", sa.String(100), primary_key=True),
        sa.Column("question", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("answered_by", WHO, nullable=False),
        sa.Column("answered_at", WHEN, nullable=False),
        sa.Column("version", sa.Integer, nullable=True),
    )
    op.create_table(
        "waivers",
        sa.Column("unit_id", ID, sa.ForeignKey("units.id", name="fk_waivers_unit_id"),
                  primary_key=True),
        sa.Column("checklist", sa.String(100), primary_key=True),
        sa.Column("question", sa.String(200), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("decided_by", WHO, nullable=False),
        sa.Column("decided_at", WHEN, nullable=False),
    )
    op.create_table(
        "equipment_counts",
        sa.Column("unit_id", ID, sa.ForeignKey("units.id", name="fk_equipment_counts_unit_id"),
                  primary_key=True),
        sa.Column("item", sa.String(100), primary_key=True),
        sa.Column("present", sa.Integer, nullable=False),
        sa.Column("configured", sa.Integer, nullable=False),
        sa.Column("tested", sa.Integer, nullable=False),
        sa.Column("counted_by", WHO, nullable=False),
        sa.Column("counted_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "present >= configured AND configured >= tested AND tested >= 0",
            name="ck_equipment_counts_order",
        ),
    )
    op.create_table(
        "equipment_requirements",
        sa.Column("unit_id", ID,
                  sa.ForeignKey("units.id", name="fk_equipment_requirements_unit_id"),
                  primary_key=True),
        sa.Column("item", sa.String(100), primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.CheckConstraint("quantity >= 0", name="ck_equipment_requirements_nonnegative"),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("by", WHO, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("unit_id", ID, nullable=True),
        sa.Column("scope", sa.String(100), nullable=True),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("old", sa.Text, nullable=True),
        sa.Column("new", sa.Text, nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
    )
    op.create_index("ix_history_unit_scope_subject", "history", ["unit_id", "scope", "subject"])


def downgrade() -> None:
    for table in ("history", "equipment_requirements", "equipment_counts", "waivers", "answers",
                  "units", "phases"):
        op.drop_table(table)
