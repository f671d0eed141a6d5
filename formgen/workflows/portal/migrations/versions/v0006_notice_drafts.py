"""Notices an administrator brings in: the published files, the draft package, its pages.

Revision ID: 0006_notice_drafts
Revises: 0005_review
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_notice_drafts"
down_revision = "0005_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the drafts, their published files and the pictures of their blanks."""
    op.create_table(
        "notice_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("notice_id", sa.String(63), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("regions_json", sa.Text, nullable=False, server_default="[]"),
        sa.Column("review_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("problems_json", sa.Text, nullable=False, server_default="[]"),
        sa.Column("package", sa.LargeBinary, nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.create_table(
        "notice_draft_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("notice_drafts.id"), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "notice_draft_pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("notice_drafts.id"), nullable=False, index=True),
        sa.Column("form", sa.String(63), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("png", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    """Drop what `upgrade` made."""
    op.drop_table("notice_draft_pages")
    op.drop_table("notice_draft_sources")
    op.drop_table("notice_drafts")
