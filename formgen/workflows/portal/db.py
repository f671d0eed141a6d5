"""The portal's tables (SQLAlchemy 2) and the engine that reaches them.

SQLite in the data folder by default; PostgreSQL for several app processes on one database.
The schema is made by the Alembic migrations shipped in `migrations/`, run at start.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import ForeignKey, LargeBinary, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

STATUSES = ("draft", "submitted", "returned", "accepted")
"""An application's life: filled (draft), handed in, sent back with a comment, accepted."""
STATUS_LABELS = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "accepted": "已受理"}
ROLES = ("applicant", "bureau", "admin")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """The portal's tables."""


class User(Base):
    """An account: an applicant, a bureau's staff (of one region) or an administrator."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(100), default="")
    created: Mapped[dt.datetime] = mapped_column(default=_now)


class Application(Base):
    """One applicant's packet for one notice: its data as typed so far, and where it stands."""

    __tablename__ = "applications"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    packet_id: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    data_json: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(default=1)
    """Raised by every save: a save from an older version (another tab) is refused, not merged."""
    comment: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(default=_now)
    updated: Mapped[dt.datetime] = mapped_column(default=_now)

    @property
    def data(self) -> dict[str, Any]:
        """The draft's data, as the form last sent it."""
        loaded = json.loads(self.data_json)
        return loaded if isinstance(loaded, dict) else {}


class Attachment(Base):
    """An uploaded scan: stored under a name the server made, never the uploader's."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column()
    created: Mapped[dt.datetime] = mapped_column(default=_now)


class BureauProfile(Base):
    """What a bureau says about itself on its packet (推荐单位, 联系人, 联系电话)."""

    __tablename__ = "bureau_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(100))
    packet_id: Mapped[str] = mapped_column(String(100))
    data_json: Mapped[str] = mapped_column(Text, default="{}")


class LoginAttempt(Base):
    """A failed sign-in, for the rate limit shared by every app process."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=_now, index=True)


class Setting(Base):
    """Values every app process shares: the session-signing secret."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def database_url(url: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL: SQLite in `data_dir` by default; ``postgresql://`` uses psycopg 3."""
    if not url:
        return f"sqlite:///{(data_dir / 'portal.sqlite3').resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite waits for a writer instead of failing at once."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic, from the package's `migrations/`)."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(data_dir: Path, url: str | None) -> Engine:
    """The portal's database, migrated to the newest schema (SQLite in `data_dir` by default)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url(url, data_dir))
    migrate(engine)
    return engine


class UploadBlob(Base):
    """An upload's bytes (as formgen rebuilt them), in the database every app process shares."""

    __tablename__ = "upload_blobs"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    """The attachment's `stored_name`."""
    content: Mapped[bytes] = mapped_column(LargeBinary)
