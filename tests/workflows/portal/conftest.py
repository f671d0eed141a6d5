"""The portal in-process, over SQLite and over the real PostgreSQL that set-up starts.

Every test that takes `portal` runs twice: once on a fresh SQLite file, once on a fresh
schema of the database at FORMGEN_TEST_DATABASE_URL (`make test` and `.ci/run` export it
from `scripts/setup-postgres.sh`). A missing PostgreSQL fails the run rather than skipping.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext

import formgen
from formgen.data import cells
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.app import create_app
from formgen.workflows.portal.db import UploadBlob, database_url
from formgen.workflows.portal.outbox import Outbox
from formgen.workflows.portal.web import Portal
from tests.workflows.portal.browsing import chromium, serving
from tests.workflows.portal.smtp import Inbox, smtp_server

PASSWORD = "correct horse battery"
PROVIDER = "sichuan-2023-110.provider"
ENTERPRISE = "sichuan-2023-110.enterprise"
CITY = "sichuan-2023-110.city"
SCAN = (
    Path(formgen.__file__).parents[1]
    / "data_models/sichuan_2023_110/examples/attachments/business-licence.png"
)
"""A real scan (the example provider's 营业执照), for uploads."""


def postgres_url() -> str:
    """The test database; its absence is a failure of set-up, never a reason to skip."""
    url = os.environ.get("FORMGEN_TEST_DATABASE_URL")
    if not url:
        pytest.fail(
            'FORMGEN_TEST_DATABASE_URL is not set: run `eval "$(scripts/setup-postgres.sh)"` '
            "(make test and .ci/run do it)"
        )
    return url


def fresh_postgres() -> str:
    """The test database with an empty public schema."""
    url = postgres_url()
    engine = sqlalchemy.create_engine(database_url(url, Path()))
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE"))
        connection.execute(sqlalchemy.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@dataclass
class Site:
    """A running portal and the accounts made for a test."""

    app: FastAPI
    data_dir: Path

    @property
    def portal(self) -> Portal:
        found: Portal = self.app.state.portal
        return found

    @property
    def outbox(self) -> Outbox:
        """Where the portal's letters go; `deliver_due()` sends what is due, in the test's thread."""
        found: Outbox = self.app.state.outbox
        return found

    def user(self, name: str, role: str, region: str = "", email: str = "") -> None:
        with self.portal.db() as session:
            add_user(session, name, PASSWORD, role, region, email)

    def client(self, name: str | None = None, password: str = PASSWORD) -> TestClient:
        """A browser-like client, signed in as `name` through the JSON API (CSRF header set)."""
        client = TestClient(self.app, base_url="http://127.0.0.1")
        if name is not None:
            response = client.post("/api/login", json={"name": name, "password": password})
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf"]
        return client


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    """A fresh portal over SQLite, then over PostgreSQL (no PDF workers: tests that make PDFs
    enter the app's lifespan themselves)."""
    database = None if request.param == "sqlite" else fresh_postgres()
    app = create_app(tmp_path / "data", database, secure_cookies=False)
    yield Site(app, tmp_path / "data")
    with app.state.portal.db() as session:
        session.get_bind().dispose()


@pytest.fixture
def inbox() -> Iterator[tuple[str, Inbox]]:
    """A real SMTP server on a loopback port: its URL and what it received."""
    with smtp_server() as found:
        yield found


@pytest.fixture(params=["sqlite", "postgresql"])
def mail_site(request: pytest.FixtureRequest, tmp_path: Path, inbox: tuple[str, Inbox]) -> Iterator[Site]:
    """`site` whose mail goes to `inbox`'s server; its sender runs when a test enters the
    app's lifespan (``with site.client() as client``) or calls ``outbox.deliver_due()``."""
    database = None if request.param == "sqlite" else fresh_postgres()
    app = create_app(
        tmp_path / "data", database, secure_cookies=False, smtp=inbox[0], public_url="http://127.0.0.1"
    )
    yield Site(app, tmp_path / "data")
    with app.state.portal.db() as session:
        session.get_bind().dispose()


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    """An empty folder where a hook run in a worker process writes what it saw there, a file
    per fact (its process, its priority, the job), for the test to read afterwards."""
    folder = tmp_path / "facts"
    folder.mkdir()
    return folder


@contextlib.contextmanager
def working_site(tmp_path: Path) -> Iterator[Site]:
    """A fresh portal over SQLite with its worker processes running (one PDF process with its
    LibreOffice, the paper checker's), as a served portal has them: its lifespan entered."""
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    with TestClient(app, base_url="http://127.0.0.1"):
        yield Site(app, tmp_path / "data")


def example(packet_id: str) -> dict[str, Any]:
    """A packet's shipped example as the portal stores data: JSON, without attachment files."""
    data: dict[str, Any] = json.loads(json.dumps(formgen.example_data(packet_id), default=str))
    data.pop("attachments", None)
    return data


def start(client: TestClient, packet_id: str, data: dict[str, Any] | None = None) -> int:
    """A new application of `packet_id`, its data saved when given; its id."""
    created = client.post("/api/applications", json={"packet_id": packet_id, "another": True})
    assert created.status_code == 201, created.text
    body = created.json()
    if data is not None:
        saved = client.put(
            f"/api/applications/{body['id']}/data", json={"data": data, "version": body["version"]}
        )
        assert saved.status_code == 200, saved.text
    return int(body["id"])


def table_cells(content: bytes) -> list[str]:
    """Every cell of a downloaded workbook as text, sheet by sheet, row by row."""
    book = cells.open_workbook(content)
    return [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row]


def stored_uploads(site: Site) -> dict[str, bytes]:
    """Every upload the portal keeps (in its database), by stored name."""
    with site.portal.db() as session:
        return {blob.name: bytes(blob.content) for blob in session.scalars(sqlalchemy.select(UploadBlob))}


# The portal served on loopback and Debian's Chromium, for the browser tests.


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The portal on a loopback port, with one warm LibreOffice worker; and the app."""
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    with serving(app) as base:
        yield base, app


@pytest.fixture
def browser() -> Iterator[BrowserContext]:
    """Chromium from Debian with a fresh profile; never a downloaded browser."""
    with chromium() as context:
        yield context
