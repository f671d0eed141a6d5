"""Alembic's environment: the portal passes the connection in; nothing is read from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from formgen.workflows.portal.db import Base

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Several app processes may start at once: one migrates, the others wait for it.
    connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
