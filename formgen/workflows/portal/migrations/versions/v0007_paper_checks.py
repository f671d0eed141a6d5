"""Paper checks: an application's stamped, scanned paper copy and what checking it found.

Revision ID: 0007_paper_checks
Revises: 0006_notice_drafts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_paper_checks"
down_revision = "0006_notice_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table of paper checks (the scan itself is an upload blob)."""
    op.create_table(
        "paper_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("stored_name", sa.String(100), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("agrees", sa.Boolean, nullable=True),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_paper_checks_application_id", "paper_checks", ["application_id"])


def downgrade() -> None:
    """Drop the table of paper checks."""
    op.drop_index("ix_paper_checks_application_id", "paper_checks")
    op.drop_table("paper_checks")
