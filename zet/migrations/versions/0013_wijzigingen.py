"""change history per field

Per field of a casus or a perspective the old and new value, who changed it and when
(zet.models.wijziging). Existing data start without history: their values are the first.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wijziging",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("casus_id", sa.Integer(), sa.ForeignKey("casus.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("perspectief_id", sa.Integer(),
                  sa.ForeignKey("perspectief.id", ondelete="CASCADE")),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("gebruiker.id")),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("bron", sa.String(20), nullable=False),
        sa.Column("veld", sa.String(60), nullable=False),
        sa.Column("oud", sa.Text(), nullable=False),
        sa.Column("nieuw", sa.Text(), nullable=False))
    op.create_index("ix_wijziging_casus_at", "wijziging", ["casus_id", "at"])
    op.create_index("ix_wijziging_perspectief_at", "wijziging", ["perspectief_id", "at"])


def downgrade() -> None:
    op.drop_table("wijziging")
