"""drop empty scores

An element with neither an answer nor a toelichting is not stored (zet.rules.answers
worth_storing); the form always removed such rows, but earlier imports stored them. They carry
nothing, so they are deleted: what is stored is again what an export shows and an import of that
export gives back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM score WHERE score IS NULL AND bijzonder IS NULL "
               "AND (toelichting IS NULL OR toelichting = '')")


def downgrade() -> None:
    pass  # the rows held nothing: there is nothing to put back
