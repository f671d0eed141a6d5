"""Uploads kept in the database: every app process on one database serves the same files.

Files an older portal kept in its data folder stay there and are still read
(`uploads.read` falls back to them); new uploads go into this table.

Revision ID: 0002_upload_blobs
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_upload_blobs"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table of upload bytes (BLOB on SQLite, BYTEA on PostgreSQL)."""
    op.create_table(
        "upload_blobs",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    """Drop the table of upload bytes."""
    op.drop_table("upload_blobs")
