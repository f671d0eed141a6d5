"""Sign-up and e-mail: users' e-mail (and one awaiting confirmation), unit and credit code,
confirmation; link tokens, reset requests and the mail outbox.

Revision ID: 0004_signup
Revises: 0003_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_signup"
down_revision = "0003_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and tables; accounts made before it stay able to sign in (confirmed)."""
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("email", sa.String(254), nullable=True))
        users.add_column(sa.Column("unit_name", sa.String(200), nullable=False, server_default=""))
        users.add_column(sa.Column("credit_code", sa.String(18), nullable=False, server_default=""))
        users.add_column(sa.Column("confirmed", sa.Boolean, nullable=False, server_default=sa.true()))
        users.add_column(sa.Column("pending_email", sa.String(254), nullable=False, server_default=""))
        users.create_unique_constraint("uq_users_email", ["email"])
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("expires", sa.DateTime, nullable=False),
        sa.Column("used", sa.DateTime, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_table(
        "reset_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("handled", sa.Boolean, nullable=False, index=True),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_try", sa.DateTime, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("sent", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    """Drop the tables and columns."""
    for table in ("mail_outbox", "reset_requests", "account_tokens"):
        op.drop_table(table)
    with op.batch_alter_table("users") as users:
        users.drop_constraint("uq_users_email", type_="unique")
        for column in ("pending_email", "confirmed", "credit_code", "unit_name", "email"):
            users.drop_column(column)
