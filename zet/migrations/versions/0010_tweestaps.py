"""two-factor login

Per account a TOTP secret, when it was confirmed and the last time step used; one-time recovery
codes (hashed) per account.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch rebuild of gebruiker would cascade-delete its gemeente links.
    op.add_column("gebruiker", sa.Column("totp_secret", sa.String(64), nullable=True))
    op.add_column("gebruiker", sa.Column("totp_enabled_at", sa.DateTime(timezone=True),
                                         nullable=True))
    op.add_column("gebruiker", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.create_table(
        "herstelcode",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("gebruiker_id", sa.Integer(),
                  sa.ForeignKey("gebruiker.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_herstelcode_gebruiker_id", "herstelcode", ["gebruiker_id"])


def downgrade() -> None:
    op.drop_index("ix_herstelcode_gebruiker_id", table_name="herstelcode")
    op.drop_table("herstelcode")
    for column in ("totp_last_step", "totp_enabled_at", "totp_secret"):
        op.execute(f"ALTER TABLE gebruiker DROP COLUMN {column}")
