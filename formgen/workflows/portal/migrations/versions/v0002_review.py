"""Submissions with a receipt, the history of each application, and notices' closing dates.

Revision ID: 0002_review
Revises: 0002_upload_blobs (uploads kept in the database come first)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_review"
down_revision = "0002_upload_blobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the receipt columns and the two new tables."""
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("submitted", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("receipt", sa.String(40), nullable=False, server_default=""))
    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "notice_settings",
        sa.Column("notice_id", sa.String(100), primary_key=True),
        sa.Column("closes", sa.Date, nullable=True),
    )


def downgrade() -> None:
    """Drop what `upgrade` added."""
    op.drop_table("notice_settings")
    op.drop_table("application_events")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("receipt")
        batch.drop_column("submitted")
