"""Account events: an account's history (made, confirmed, unit, region, address, password,
disabled), each existing account starting with the step that made it.

Revision ID: 0008_account_events
Revises: 0007_paper_checks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_account_events"
down_revision = "0007_paper_checks"
branch_labels = None
depends_on = None

BEFORE = "本记录开始前已有的账户 / the account existed before its history was kept"


def upgrade() -> None:
    """Create the table of account events; an account made before it gets one `created` event
    at the time it was made, so no history starts blank."""
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_account_events_user_id", "account_events", ["user_id"])
    op.execute(
        sa.text(
            "INSERT INTO account_events (user_id, at, actor, kind, detail) "
            "SELECT id, created, '', 'created', :detail FROM users"
        ).bindparams(detail=BEFORE)
    )


def downgrade() -> None:
    """Drop the table of account events."""
    op.drop_index("ix_account_events_user_id", "account_events")
    op.drop_table("account_events")
