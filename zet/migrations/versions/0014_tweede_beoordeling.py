"""double rating

A perspective can be rated a second time, independently (zet.models.beoordeling); the first
rater may be named by a pseudonymous code. Existing perspectives keep their one rating.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD and DROP COLUMN in place: a batch rebuild on SQLite would cascade-delete the rows
    # under each perspective.
    op.add_column("perspectief", sa.Column("beoordelaar", sa.String(40)))
    op.create_table(
        "tweede_beoordeling",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("perspectief_id", sa.Integer(),
                  sa.ForeignKey("perspectief.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("beoordelaar", sa.String(40), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("gebruiker.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("instrument_version", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False))
    op.create_table(
        "tweede_score",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("beoordeling_id", sa.Integer(),
                  sa.ForeignKey("tweede_beoordeling.id", ondelete="CASCADE"), nullable=False),
        sa.Column("element_code", sa.String(20), nullable=False),
        sa.Column("score", sa.Integer()),
        sa.Column("bijzonder", sa.String(20)),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.UniqueConstraint("beoordeling_id", "element_code", name="uq_tweede_score_element"),
        sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)",
                           name="ck_tweede_score_range"),
        sa.CheckConstraint("bijzonder IS NULL OR bijzonder IN ('nvt', 'onbekend')",
                           name="ck_tweede_score_bijzonder"),
        sa.CheckConstraint("score IS NULL OR bijzonder IS NULL",
                           name="ck_tweede_score_een_antwoord"))
    op.create_index("ix_tweede_score_beoordeling_id", "tweede_score", ["beoordeling_id"])


def downgrade() -> None:
    op.drop_table("tweede_score")
    op.drop_table("tweede_beoordeling")
    op.execute("ALTER TABLE perspectief DROP COLUMN beoordelaar")
