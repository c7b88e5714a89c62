"""casus findings

The casus findings written while consolidating: knelpunten and wat gaat goed per casus, a
short synthesis per casus and werkzaam element, and for every quote who said it, whether it
illustrates a knelpunt or a succesfactor and whether a report may quote it. Existing quotes get
as speaker whoever was interviewed (a parent or representative for the inwoner) or their
perspective, and stay unquotable until a researcher says otherwise.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("casus", sa.Column("knelpunten", sa.Text(), nullable=True))
    op.add_column("casus", sa.Column("wat_gaat_goed", sa.Text(), nullable=True))
    op.add_column("casus", sa.Column("synthese", sa.JSON(), nullable=True))
    op.add_column("citaat", sa.Column("spreker", sa.String(length=20), server_default="",
                                      nullable=False))
    op.add_column("citaat", sa.Column("soort", sa.String(length=20), nullable=True))
    op.add_column("citaat", sa.Column("citeerbaar", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute("UPDATE citaat SET spreker = (SELECT CASE WHEN p.soort = 'inwoner' AND "
               "p.geinterviewde IN ('ouder', 'vertegenwoordiger') THEN p.geinterviewde "
               "ELSE p.soort END FROM perspectief p WHERE p.id = citaat.perspectief_id)")


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35 and later, PostgreSQL): a batch rebuild would drop and
    # recreate casus, and with foreign keys on that deletes every perspective with it.
    for table, column in (("citaat", "citeerbaar"), ("citaat", "soort"), ("citaat", "spreker"),
                          ("casus", "synthese"), ("casus", "wat_gaat_goed"),
                          ("casus", "knelpunten")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
