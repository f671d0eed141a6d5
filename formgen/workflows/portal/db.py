"""The portal's tables (SQLAlchemy 2) and the engine that reaches them.

SQLite in the data folder by default; PostgreSQL for several app processes on one database.
The schema is made by the Alembic migrations shipped in `migrations/`, run at start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Boolean,
    ForeignKey,
    LargeBinary,
    String,
    Table,
    Text,
    Update,
    bindparam,
    create_engine,
    event,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from formgen.workflows.portal import group_commit, sqlite_writes

STATUSES = ("draft", "submitted", "returned", "accepted")
"""An application's life: filled (draft), handed in, sent back with a comment, accepted."""
STATUS_LABELS = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "accepted": "已受理"}
ROLES = ("applicant", "bureau", "admin")
EDITABLE = ("draft", "returned")
"""An application still with its applicant: it may change, and goes to its region's bureau."""


def now() -> dt.datetime:
    """The time in UTC, without a zone, as the tables keep it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """The portal's tables."""


UNIT_NAME_MAX = 200
"""The longest 单位名称 an account holds, as the sign-up form and `formgen users add` check it."""


class User(Base):
    """An account: an applicant, a bureau's staff (of one region) or an administrator."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(100), default="")
    created: Mapped[dt.datetime] = mapped_column(default=now)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    """Set by an administrator: the account cannot sign in, and its sessions are ended."""
    email: Mapped[str | None] = mapped_column(String(254), unique=True, default=None)
    """Where the portal writes to the account (lower case); None for accounts made without one."""
    unit_name: Mapped[str] = mapped_column(String(UNIT_NAME_MAX), default="")
    """单位名称 of a signed-up applicant; only its bureau or an admin changes it."""
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    """统一社会信用代码 of a signed-up applicant."""
    confirmed: Mapped[bool] = mapped_column(default=True)
    """False from sign-up until the e-mailed link is followed: until then it cannot sign in."""
    pending_email: Mapped[str] = mapped_column(String(254), default="")
    """A new address the account asked for, taken once the link sent to it is followed."""


class WebSession(Base):
    """A signed-in (or about to sign in) browser: the cookie holds a random token, this table
    only its SHA-256, so a copy of the database signs nobody in."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(200))
    """The client's address and browser, as the admin sees them."""
    created: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    last_seen: Mapped[dt.datetime] = mapped_column(default=now, index=True)


class AccountToken(Base):
    """A link's secret for confirming an e-mail address or resetting a password.

    Only its SHA-256 digest is kept, so a copy of the database opens no account; a token
    works until `expires` and once (`used` is set by the first use).
    """

    __tablename__ = "account_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires: Mapped[dt.datetime] = mapped_column()
    used: Mapped[dt.datetime | None] = mapped_column(default=None)
    created: Mapped[dt.datetime] = mapped_column(default=now)


class ResetRequest(Base):
    """An address someone asked a password reset for, handled by the mail sender.

    The request only records the address, whether an account has it or not, so the answer
    (and its time) cannot tell the two apart.
    """

    __tablename__ = "reset_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    handled: Mapped[bool] = mapped_column(default=False, index=True)


class Mail(Base):
    """One message in the outbox: queued in the transaction of the action it tells about.

    `status`: queued (waiting, or waiting to retry at `next_try`), sending (claimed by a
    sender), sent, failed (retries used up), or logged (no SMTP server is configured: the
    admin's mail log shows it instead).
    """

    __tablename__ = "mail_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_try: Mapped[dt.datetime] = mapped_column(default=now)
    error: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(default=now)
    sent: Mapped[dt.datetime | None] = mapped_column(default=None)


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
    created: Mapped[dt.datetime] = mapped_column(default=now)
    updated: Mapped[dt.datetime] = mapped_column(default=now)
    submitted: Mapped[dt.datetime | None] = mapped_column(default=None)
    """When it was last handed in (UTC)."""
    receipt: Mapped[str] = mapped_column(String(40), default="")
    """The receipt number of the last submission, as the applicant's receipt shows it."""

    @property
    def data(self) -> dict[str, Any]:
        """The draft's data, as the form last sent it."""
        loaded = json.loads(self.data_json)
        return loaded if isinstance(loaded, dict) else {}


class Stale(Exception):
    """The application changed since the version a save was made from (another tab or process)."""


def save_application(session: Session, application: Application, version: int, **values: Any) -> int:
    """Write `values` into `application` if it is still at `version`; return the new version.

    The check and the write are one conditional UPDATE (``... WHERE id = ? AND version = ?``),
    so of several saves made from one version, in threads or in other processes, exactly one
    matches a row and the others raise `Stale`: no acknowledged save is overwritten unseen.
    The session's copy of `application` then holds what was stored, set from the values
    written rather than read back: the row matched `version`, so it is `values` at version
    + 1, and every save spares a query. What else the session holds (a letter about the
    change) is committed with it, or rolled back with it; a save with nothing else (a
    draft's) is committed together with the other saves waiting on an SQLite engine
    (`group_commit`).
    """
    written = {**values, "version": version + 1, "updated": now()}
    group = group_commit.group_of(session.get_bind())
    if group is not None and group.may_take(session):
        table = Application.__table__
        assert isinstance(table, Table)
        stored = group.execute(group_commit.RowUpdate(table, application.id, version, written))
    else:
        statement = _conditional_update(tuple(sorted(written)))
        params = {"row": application.id, "was": version, **{f"new_{k}": v for k, v in written.items()}}
        stored = session.execute(statement, params).rowcount  # type: ignore[attr-defined]
    if stored != 1:
        session.rollback()
        raise Stale
    session.commit()
    for key, value in written.items():
        set_committed_value(application, key, value)
    return version + 1


@functools.cache
def _conditional_update(columns: tuple[str, ...]) -> Update:
    """``UPDATE applications SET <columns> WHERE id = :row AND version = :was``, built once for
    each set of columns. Every draft save runs it: a statement built anew is keyed for
    SQLAlchemy's cache on every run, and an ORM one goes through the ORM's bulk machinery,
    together twice the statement's own cost (measured: 0.74 ms against 0.37 ms a save on a
    2-core machine). The table's, not the mapped class's: nothing in the session is
    synchronised by it (`save_application` sets the saved values itself)."""
    table = Application.__table__
    assert isinstance(table, Table)
    return (
        update(table)
        .where(table.c.id == bindparam("row"), table.c.version == bindparam("was"))
        .values({column: bindparam(f"new_{column}") for column in columns})
    )


def touch_application(session: Session, application: Application) -> int:
    """Raise `application`'s version for a change beside its data (an upload added or removed),
    atomically, so a page that read the old version cannot save over it; return the new one."""
    session.execute(
        update(Application)
        .where(Application.id == application.id)
        .values(version=Application.version + 1, updated=now())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(application)
    return application.version


class ApplicationEvent(Base):
    """One step of an application's history: submitted, returned (with its comment), accepted.

    The application itself holds only the current comment; this keeps every earlier one."""

    __tablename__ = "application_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=now)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")


class AccountEvent(Base):
    """One step of an account's history: made, signed up, confirmed, its unit, region, address
    or password changed, disabled or enabled; `detail` says from what to what.

    The account's row holds only what is true now; this keeps who changed it and when."""

    __tablename__ = "account_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=now)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")


class NoticeSetting(Base):
    """The portal's own settings of a notice: the day after which nothing more is submitted."""

    __tablename__ = "notice_settings"
    notice_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    closes: Mapped[dt.date | None] = mapped_column(default=None)


class Attachment(Base):
    """An uploaded scan: stored under a name the server made, never the uploader's."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column()
    created: Mapped[dt.datetime] = mapped_column(default=now)


class BureauProfile(Base):
    """What a bureau says about itself on its packet (推荐单位, 联系人, 联系电话)."""

    __tablename__ = "bureau_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(100))
    packet_id: Mapped[str] = mapped_column(String(100))
    data_json: Mapped[str] = mapped_column(Text, default="{}")


class LoginAttempt(Base):
    """A sign-in attempt from one client address, for the limits shared by every app process
    (kept while it fails; a good sign-in clears its account's attempts from that address)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    client: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[dt.datetime] = mapped_column(default=now, index=True)


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


SQLITE_CONNECTIONS = 64
"""Pooled connections of an SQLite engine: more than the threads that use the database at once
(anyio's 40 and the portal's own). Threads queued for a pooled connection are not served in
order: one could wait for seconds while others hand the connections back and forth."""


def make_engine(url: str, *, tuned: bool | None = None) -> Engine:
    """An engine for `url`; SQLite waits for a writer instead of failing at once.

    An SQLite engine is `tuned` (default: unless FORMGEN_SQLITE_UNTUNED=1, the old way, kept to
    compare with in `bench/bench_portal.py --compare-sqlite`) for many threads saving at once:
    its writers in this process take turns in the order they came (`sqlite_writes`) instead
    of polling SQLite's lock, every thread gets a connection without queueing for the pool, and
    draft saves waiting at once are committed together (`group_commit`; not with
    FORMGEN_SQLITE_COMMIT_EACH=1, each its own commit, kept to compare with).
    Every commit still reaches the disk before it is answered (``synchronous=FULL``, SQLite's
    default): a receipt number shown to an applicant must survive a power cut. ``NORMAL``
    would write the log at checkpoints only and let the last moments' commits be lost.
    """
    if url.startswith("sqlite"):
        if tuned is None:
            tuned = os.environ.get("FORMGEN_SQLITE_UNTUNED") != "1"
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": 30}
        pooling: dict[str, Any] = {}
        if tuned:
            turns = sqlite_writes.WriteTurns(_writers_lock(url))
            connect_args["factory"] = sqlite_writes.connection_class(turns)
            pooling = {"pool_size": SQLITE_CONNECTIONS, "max_overflow": 0}
        engine = create_engine(url, connect_args=connect_args, **pooling)
        if tuned:
            sqlite_writes.queue_writes(engine)
            if os.environ.get("FORMGEN_SQLITE_COMMIT_EACH") != "1":
                group_commit.group_writes(engine, turns)

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            sqlite_writes.into_wal(connection, seconds=connect_args["timeout"])
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _writers_lock(url: str) -> sqlite_writes.ProcessLock | None:
    """The lock the processes writing to the SQLite file of `url` share, a file beside it
    (``portal.sqlite3-writers``, as SQLite keeps ``-wal`` and ``-shm``); None in memory."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return sqlite_writes.ProcessLock(Path(path).with_name(Path(path).name + "-writers"))


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic, from the package's `migrations/`).

    Several app processes may start at once: on PostgreSQL the migration's first statement
    waits for an advisory lock (`migrations/env.py`); on a tuned SQLite file the whole
    migration holds the writers' turn, so one process makes the tables and the others then
    find them made. SQLite runs Alembic's table-making outside a transaction, so a lock taken
    by its first statement would come too late."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    turns = sqlite_writes.turns_of(engine) if engine.dialect.name == "sqlite" else None
    with turns.held() if turns is not None else contextlib.nullcontext(), engine.begin() as connection:
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


DRAFT_STATUSES = {"draft": "待审核", "published": "已发布"}


class NoticeDraft(Base):
    """A notice an administrator brings in: its package as drafted and reviewed, kept whole in
    the database (a ZIP of the package's files) so every app process serves the same one."""

    __tablename__ = "notice_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[str] = mapped_column(String(63), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    regions_json: Mapped[str] = mapped_column(Text, default="[]")
    """The regions whose applicants may apply, once published."""
    review_json: Mapped[str] = mapped_column(Text, default="{}")
    """The administrator's corrections by published file (`formgen.drafting.review.FormReview`)."""
    problems_json: Mapped[str] = mapped_column(Text, default="[]")
    """What `check_package` found in the package as last saved."""
    package: Mapped[bytes] = mapped_column(LargeBinary)
    sha: Mapped[str] = mapped_column(String(64))
    """The package's digest: a process holding another loads it again."""
    created: Mapped[dt.datetime] = mapped_column(default=now)
    updated: Mapped[dt.datetime] = mapped_column(default=now)


class NoticeDraftSource(Base):
    """A published file of a draft, as drafted (a .doc or .wps already converted to OOXML)."""

    __tablename__ = "notice_draft_sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("notice_drafts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class NoticeDraftPage(Base):
    """One page of a drafted form's blank, as a picture for the review page."""

    __tablename__ = "notice_draft_pages"
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("notice_drafts.id"), index=True)
    form: Mapped[str] = mapped_column(String(63))
    number: Mapped[int] = mapped_column()
    png: Mapped[bytes] = mapped_column(LargeBinary)
