"""data version

One row whose value changes in the same transaction as every write to casus data, so the
analysis caches no longer count tables on every request (zet.data_version).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_versie",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("versie", sa.String(32), nullable=False))
    op.bulk_insert(table, [{"id": 1, "versie": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("data_versie")
