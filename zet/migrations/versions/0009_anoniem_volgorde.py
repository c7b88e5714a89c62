"""random order of the anonymous labels

Anonymised output named gemeenten Gemeente A, B, ... in the alphabetical order of their real
names, so anyone who knew which gemeenten took part could map the labels back. Every gemeente
now draws a random number once; the labels follow that order.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch rebuild: on SQLite that would cascade-delete every casus).
    op.add_column("gemeente", sa.Column("anoniem_volgorde", sa.BigInteger(), nullable=False,
                                        server_default="0"))
    gemeente = sa.table("gemeente", sa.column("id", sa.Integer),
                        sa.column("anoniem_volgorde", sa.BigInteger))
    connection = op.get_bind()
    for (gemeente_id,) in connection.execute(sa.select(gemeente.c.id)).all():
        connection.execute(gemeente.update().where(gemeente.c.id == gemeente_id)
                           .values(anoniem_volgorde=secrets.randbelow(2**62)))


def downgrade() -> None:
    op.execute("ALTER TABLE gemeente DROP COLUMN anoniem_volgorde")
