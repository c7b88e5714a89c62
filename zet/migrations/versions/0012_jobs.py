"""background jobs

Large exports and imports run in the background (zet.jobs); this table holds who asked for
each, how far it is and where its download waits.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("gebruiker.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("request_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(200), nullable=False),
        sa.Column("fraction", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("worker", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("attempt_of", sa.Integer()))
    op.create_index("ix_job_user_id", "job", ["user_id"])
    op.create_index("ix_job_request_key", "job", ["request_key"])
    op.create_index("ix_job_user_status", "job", ["user_id", "status"])


def downgrade() -> None:
    op.drop_table("job")
