"""eindanalyse

The closing session of an onderzoek with the gemeente (date, participants per discipline, a
summary; several per onderzoek, one per date), and per werkzaam element its priority, the
computed and the agreed oordeel, the reason, a conclusion and the supporting casussen and quotes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eindanalyse",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("onderzoek_id", sa.Integer(),
                  sa.ForeignKey("onderzoek.id", ondelete="CASCADE"), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("deelnemers", sa.JSON(), nullable=False),
        sa.Column("samenvatting", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_eindanalyse_onderzoek_id", "eindanalyse", ["onderzoek_id"])
    op.create_index("uq_eindanalyse_onderzoek_datum", "eindanalyse", ["onderzoek_id", "datum"],
                    unique=True)
    op.create_table(
        "eindanalyse_element",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("eindanalyse_id", sa.Integer(),
                  sa.ForeignKey("eindanalyse.id", ondelete="CASCADE"), nullable=False),
        sa.Column("element_code", sa.String(length=20), nullable=False),
        sa.Column("prioriteit", sa.Integer(), nullable=True),
        sa.Column("berekend", sa.String(length=20), nullable=True),
        sa.Column("oordeel", sa.String(length=20), nullable=True),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("conclusie", sa.Text(), nullable=True),
        sa.Column("casussen", sa.JSON(), nullable=False),
        sa.Column("citaten", sa.JSON(), nullable=False),
    )
    op.create_index("ix_eindanalyse_element_eindanalyse_id", "eindanalyse_element",
                    ["eindanalyse_id"])
    op.create_index("uq_eindanalyse_element", "eindanalyse_element",
                    ["eindanalyse_id", "element_code"], unique=True)


def downgrade() -> None:
    op.drop_table("eindanalyse_element")
    op.drop_table("eindanalyse")
