"""The secrets in e-mailed links: random, kept only as a digest, time-limited, single use."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from formgen.workflows.portal.db import AccountToken, User, now

CONFIRM_FOR = dt.timedelta(hours=48)
"""How long a sign-up's confirmation link works."""
RESET_FOR = dt.timedelta(minutes=60)
"""How long a password-reset link works."""


def _digest(token: str) -> str:
    # 256 random bits need no slow hash: SHA-256 alone cannot be reversed or guessed.
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, user: User, purpose: str, valid_for: dt.timedelta) -> str:
    """A new token for `user` and `purpose` (added to `session`); earlier unused ones of the
    same purpose stop working, so only the newest link opens anything."""
    moment = now()
    session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used.is_(None))
        .values(used=moment)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(user_id=user.id, purpose=purpose, digest=_digest(token), expires=moment + valid_for)
    )
    return token


def holder(session: Session, token: str, purpose: str) -> User | None:
    """The account a still-valid `token` belongs to, without using the token up."""
    found = session.scalar(
        select(AccountToken).where(
            AccountToken.digest == _digest(token),
            AccountToken.purpose == purpose,
            AccountToken.used.is_(None),
            AccountToken.expires > now(),
        )
    )
    return session.get(User, found.user_id) if found else None


def redeem(session: Session, token: str, purpose: str) -> User | None:
    """Use `token` up and return its account; None when it is unknown, used or expired.

    One conditional UPDATE marks it used, so of two uses at once only one finds it; the caller
    commits it together with what the token allowed.
    """
    user = holder(session, token, purpose)
    if user is None:
        return None
    moment = now()
    done: Any = session.execute(
        update(AccountToken)
        .where(
            AccountToken.digest == _digest(token),
            AccountToken.used.is_(None),
            AccountToken.expires > moment,
        )
        .values(used=moment)
        .execution_options(synchronize_session=False)
    )
    return user if done.rowcount == 1 else None
