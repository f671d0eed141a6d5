"""A real SMTP server on a loopback port (aiosmtpd) that keeps what it is sent, for the
portal's mail tests: they read the delivered messages and follow their links."""

from __future__ import annotations

import email
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

WAIT_S = 30.0
"""The longest a test waits for a letter: a bound on a hang, not a pace (it ends at the letter)."""


class Inbox:
    """What the server received; `refuse` makes it answer the next N deliveries with 451, and
    a `hold` event keeps each delivery waiting (after setting `held`) until it is set."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0
        self.refused = 0
        self.hold: threading.Event | None = None
        self.held = threading.Event()
        self._changed = threading.Condition()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.hold is not None:
            self.held.set()
            self.hold.wait(WAIT_S)  # blocks only this server's own loop
        with self._changed:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused += 1
                self._changed.notify_all()
                return "451 4.3.0 try again later"
            found = email.message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(found, EmailMessage)
            self.messages.append(found)
            self._changed.notify_all()
        return "250 OK"

    def wait_for(self, count: int) -> list[EmailMessage]:
        """The first `count` messages, once that many arrived."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.messages) >= count, WAIT_S)
        assert arrived, f"expected {count} message(s), got {[m['subject'] for m in self.messages]}"
        return self.messages[:count]

    def wait_refused(self, count: int) -> None:
        """Return once `count` deliveries were refused."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.refused >= count, WAIT_S)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to `address` so far."""
        return [m for m in self.messages if m["to"] == address]


def text_of(message: EmailMessage) -> str:
    """The plain-text part."""
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    """The HTML part."""
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage, path: str) -> str:
    """The link in the message's text whose path starts with `path`."""
    found = re.search(rf"https?://\S+?{re.escape(path)}\S*", text_of(message))
    assert found, f"no {path} link in: {text_of(message)}"
    return found.group(0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    """An SMTP server on loopback: its ``smtp://`` URL and its inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}?from=portal@formgen.test", inbox
    finally:
        controller.stop()
