"""session token per account

Every login cookie carries the account's session token; a logout, password change,
deactivation or "alle sessies beëindigen" gives the account a new one, which ends every session
at once. Existing accounts get a random token (their current cookies stop working: log in again).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a default (no batch rebuild: on SQLite that drops and recreates
    # gebruiker, and with foreign keys on that deletes every user's gemeente links), then a
    # random token per existing account.
    op.add_column("gebruiker", sa.Column("session_token", sa.String(64), nullable=False,
                                         server_default=""))
    gebruiker = sa.table("gebruiker", sa.column("id", sa.Integer),
                         sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(gebruiker.c.id)).all():
        connection.execute(gebruiker.update().where(gebruiker.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(32)))


def downgrade() -> None:
    op.execute("ALTER TABLE gebruiker DROP COLUMN session_token")
