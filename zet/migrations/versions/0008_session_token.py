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
    with op.batch_alter_table("gebruiker") as batch:
        batch.add_column(sa.Column("session_token", sa.String(64), nullable=True))
    gebruiker = sa.table("gebruiker", sa.column("id", sa.Integer),
                         sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(gebruiker.c.id)).all():
        connection.execute(gebruiker.update().where(gebruiker.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table("gebruiker") as batch:
        batch.alter_column("session_token", existing_type=sa.String(64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("gebruiker") as batch:
        batch.drop_column("session_token")
