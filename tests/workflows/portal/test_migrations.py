"""The portal's Alembic revisions form one line, and bring a database to the newest schema both
from nothing and from an older portal's schema, on SQLite and on PostgreSQL: the tables the
models declare are the tables the migrations make, and rows written under the old schema stay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from formgen.workflows.portal import db
from formgen.workflows.portal.security import hash_password
from tests.workflows.portal.conftest import fresh_postgres

MIGRATIONS = Path(db.__file__).parent / "migrations"
UPLOADS = "0002_upload_blobs"
"""The newest revision before sessions and sign-up: a database of a portal of that time."""


def _config(connection: sqlalchemy.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database."""
    url = None if request.param == "sqlite" else fresh_postgres()
    found = db.make_engine(db.database_url(url, tmp_path))
    yield found
    found.dispose()


def test_the_revisions_form_one_line() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    assert script.get_heads() == ["0008_account_events"]
    line = [revision.revision for revision in script.walk_revisions()]
    assert line == [
        "0008_account_events",
        "0007_paper_checks",
        "0006_notice_drafts",
        "0005_review",
        "0004_signup",
        "0003_sessions",
        "0002_upload_blobs",
        "0001",
    ]
    assert [path.name for path in sorted((MIGRATIONS / "versions").glob("v*.py"))] == [
        "v0001_portal.py",
        "v0002_upload_blobs.py",
        "v0003_sessions.py",
        "v0004_signup.py",
        "v0005_review.py",
        "v0006_notice_drafts.py",
        "v0007_paper_checks.py",
        "v0008_account_events.py",
    ]


def test_an_empty_database_gets_every_table_the_models_declare(engine: Engine) -> None:
    db.migrate(engine)
    inspector = sqlalchemy.inspect(engine)
    made = set(inspector.get_table_names()) - {"alembic_version"}
    assert made == set(db.Base.metadata.tables)
    for name, table in db.Base.metadata.tables.items():
        assert {c["name"] for c in inspector.get_columns(name)} == set(table.columns.keys()), name
    with engine.connect() as connection:
        assert (
            connection.scalar(sqlalchemy.text("SELECT version_num FROM alembic_version"))
            == "0008_account_events"
        )


def test_a_database_of_the_uploads_portal_is_brought_up_with_its_rows(engine: Engine) -> None:
    with engine.begin() as connection:
        command.upgrade(_config(connection), UPLOADS)
    with engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO users (name, password_hash, role, region, created) "
                "VALUES ('蜀安公司', :hash, 'applicant', '成都市', CURRENT_TIMESTAMP)"
            ),
            {"hash": hash_password("correct horse battery")},
        )
        connection.execute(
            sqlalchemy.text("INSERT INTO upload_blobs (name, content) VALUES ('a.png', :content)"),
            {"content": b"\x89PNG"},
        )
    db.migrate(engine)
    with engine.connect() as connection:
        user = connection.execute(
            sqlalchemy.text("SELECT name, disabled, confirmed, email, unit_name FROM users")
        ).one()
        blob = connection.scalar(sqlalchemy.text("SELECT content FROM upload_blobs WHERE name = 'a.png'"))
        head = connection.scalar(sqlalchemy.text("SELECT version_num FROM alembic_version"))
        history = connection.execute(
            sqlalchemy.text(
                "SELECT e.kind, e.at = u.created FROM account_events e JOIN users u ON u.id = e.user_id"
            )
        ).all()
    # An account made before sign-up can still sign in: not disabled, counted as confirmed.
    assert tuple(user) == ("蜀安公司", False, True, None, "")
    assert bytes(blob) == b"\x89PNG"
    assert head == "0008_account_events"
    # Its history begins when it was made, not blank.
    assert [tuple(row) for row in history] == [("created", True)]
    # And back down the line to the uploads portal's schema, then up again.
    with engine.begin() as connection:
        command.downgrade(_config(connection), UPLOADS)
    assert "sessions" not in sqlalchemy.inspect(engine).get_table_names()
    db.migrate(engine)
    assert "sessions" in sqlalchemy.inspect(engine).get_table_names()
