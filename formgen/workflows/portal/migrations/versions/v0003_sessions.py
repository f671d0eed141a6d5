"""Server-side sessions, disabled accounts, and sign-in attempts counted per client address.

Revision ID: 0003_sessions
Revises: 0002_upload_blobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_sessions"
down_revision = "0002_upload_blobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the sessions table, `users.disabled` and `login_attempts.client`."""
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False, index=True),
        sa.Column("last_seen", sa.DateTime, nullable=False, index=True),
    )
    op.add_column("users", sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("login_attempts", sa.Column("client", sa.String(100), nullable=False, server_default=""))
    op.create_index("ix_login_attempts_client", "login_attempts", ["client", "at"])


def downgrade() -> None:
    """Drop what `upgrade` added."""
    op.drop_index("ix_login_attempts_client", "login_attempts")
    with op.batch_alter_table("login_attempts") as table:
        table.drop_column("client")
    with op.batch_alter_table("users") as table:
        table.drop_column("disabled")
    op.drop_table("sessions")
