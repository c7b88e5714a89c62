"""verbeteracties

What a gemeente agrees to do about the werkzame elementen (title, description, elements, level,
owner, what is needed, start, deadline, evaluation moment, status), with dated progress notes.
One action per title within a gemeente (a key column as for the other names).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verbeteractie",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("gemeente_id", sa.Integer(), sa.ForeignKey("gemeente.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("onderzoek_id", sa.Integer(),
                  sa.ForeignKey("onderzoek.id", ondelete="SET NULL"), nullable=True),
        sa.Column("titel", sa.String(length=200), nullable=False),
        sa.Column("titel_key", sa.String(length=200), nullable=False),
        sa.Column("omschrijving", sa.Text(), nullable=True),
        sa.Column("elementen", sa.JSON(), nullable=False),
        sa.Column("niveau", sa.String(length=20), nullable=True),
        sa.Column("eigenaar", sa.String(length=200), nullable=True),
        sa.Column("nodig", sa.Text(), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("evaluatie", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_verbeteractie_gemeente_id", "verbeteractie", ["gemeente_id"])
    op.create_index("ix_verbeteractie_onderzoek_id", "verbeteractie", ["onderzoek_id"])
    op.create_index("uq_verbeteractie_gemeente_titel_key", "verbeteractie",
                    ["gemeente_id", "titel_key"], unique=True)
    op.create_table(
        "voortgang",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("verbeteractie_id", sa.Integer(),
                  sa.ForeignKey("verbeteractie.id", ondelete="CASCADE"), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_voortgang_verbeteractie_id", "voortgang", ["verbeteractie_id"])


def downgrade() -> None:
    op.drop_table("voortgang")
    op.drop_table("verbeteractie")
