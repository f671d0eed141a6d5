"""What the browser tests share: the portal served on a loopback port, Debian's Chromium
driven by Playwright, and numbered screenshots of each step (kept, git-ignored, in
test-artifacts/, to be looked at)."""

from __future__ import annotations

import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import BrowserContext, Page, sync_playwright

from tests.workflows.portal.smtp import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "portal"


class _Server(uvicorn.Server):
    """uvicorn's server, telling when it has started (its `started` is a flag, not an event)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


@contextmanager
def serving(app: Any, port: int | None = None) -> Iterator[str]:
    """`app` (an ASGI app) served on loopback `port` (a free one when None) in a thread of this
    process, its lifespan entered; its base URL."""
    port = port or free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    # Started is a known point, however long it takes; a server that fails to start ends its thread.
    while not server.ready.wait(1.0):
        assert thread.is_alive(), "the portal did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)


@contextmanager
def chromium(locale: str = "zh-CN") -> Iterator[BrowserContext]:
    """Chromium from Debian with a fresh profile, speaking `locale`; never a downloaded browser."""
    with tempfile.TemporaryDirectory(prefix="formgen-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, accept_downloads=True, locale=locale
        )
        yield context
        context.close()


class Steps:
    """Screenshots numbered in the order taken, in test-artifacts/portal/`folder` (its old
    screenshots removed first)."""

    def __init__(self, folder: str = "") -> None:
        self.folder = ARTIFACTS / folder
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def shot(self, page: Page, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
