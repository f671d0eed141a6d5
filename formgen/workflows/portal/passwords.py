"""Passwords: the strength every new password needs, and resetting a forgotten one by an
e-mailed link.

A reset request only records the address asked about; the mail sender turns it into a link
for the account that has the address, if any. So the answer to the request, and the work done
before it, are the same whether an account has the address or not, and cannot tell anyone
which addresses are registered.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from formgen.model.problems import Problem
from formgen.workflows.portal import account_log, tokens
from formgen.workflows.portal.db import AccountToken, ResetRequest, User, now
from formgen.workflows.portal.letters import letter
from formgen.workflows.portal.outbox import Outbox
from formgen.workflows.portal.security import hash_password
from formgen.workflows.portal.sessions import end_sessions

MIN_LENGTH = 10
RESET_MAILS_PER_HOUR = 3
"""Reset letters one address gets in an hour at most, however often someone asks."""
LABEL = "密码"


def password_problem(password: str, *personal: str) -> Problem | None:
    """Why `password` is too weak, or None: at least `MIN_LENGTH` characters of at least two
    kinds (letters, digits, others), and not the account's own e-mail or name within it."""
    kinds = {
        "letter" if unicodedata.category(c).startswith("L") else "digit" if c.isdigit() else "other"
        for c in password
    }
    if len(password) < MIN_LENGTH or len(kinds) < 2:
        return _problem(
            f"密码至少{MIN_LENGTH}个字符，且含字母、数字、符号中的至少两类",
            f"a password has at least {MIN_LENGTH} characters of at least two kinds "
            "(letters, digits, symbols)",
        )
    lowered = password.lower()
    for word in personal:
        part = word.split("@", 1)[0].strip().lower()
        if len(part) >= 4 and part in lowered:
            return _problem("密码不能包含邮箱或用户名", "a password must not contain the e-mail or user name")
    return None


def _problem(zh: str, en: str) -> Problem:
    return Problem("error", "password", LABEL, zh, en, "account.password")


def normal_email(address: str) -> str:
    """An address as accounts store it: trimmed, lower case."""
    return address.strip().lower()


def request_reset(session: Session, outbox: Outbox, address: str) -> None:
    """Record that someone asked to reset the password of `address`; the sender does the rest."""
    session.add(ResetRequest(email=normal_email(address)[:254]))
    session.commit()
    outbox.wake()


def handle_reset_requests(session: Session, outbox: Outbox) -> None:
    """The sender's chore: a reset letter for each requested address an account has (at most
    `RESET_MAILS_PER_HOUR` an hour to one address), nothing for the others."""
    for request in session.scalars(select(ResetRequest).where(ResetRequest.handled.is_(False))):
        request.handled = True
        user = session.scalar(select(User).where(User.email == request.email))
        if user is not None and user.email and _recent_resets(session, user) < RESET_MAILS_PER_HOUR:
            token = tokens.issue(session, user, "reset", tokens.RESET_FOR)
            outbox.queue(
                session,
                user.email,
                letter(
                    "reset",
                    email=user.email,
                    minutes=int(tokens.RESET_FOR.total_seconds() // 60),
                    link=outbox.link(f"/reset/{token}"),
                ),
            )
        session.commit()


def _recent_resets(session: Session, user: User) -> int:
    since = now() - dt.timedelta(hours=1)
    found = session.scalar(
        select(func.count())
        .select_from(AccountToken)
        .where(
            AccountToken.user_id == user.id, AccountToken.purpose == "reset", AccountToken.created >= since
        )
    )
    return found or 0


def reset_password(session: Session, token: str, password: str) -> User | Problem:
    """Set a new password with a reset link's token and end every session of the account.

    A weak password is refused before the token is used, so the link still works for a
    better one; an unknown, used or expired token is refused.
    """
    user = tokens.holder(session, token, "reset")
    if user is None:
        return _expired()
    weak = password_problem(password, user.email or "", user.name)
    if weak is not None:
        return weak
    if tokens.redeem(session, token, "reset") is None:
        return _expired()
    session.execute(
        update(User).where(User.id == user.id).values(password_hash=hash_password(password), confirmed=True)
    )
    account_log.record(session, user, user.name, "reset", "其他登录已退出")
    end_sessions(session, user.id)
    session.commit()
    return user


def _expired() -> Problem:
    return Problem(
        "error",
        "token",
        "重置链接",
        "链接无效、已使用或已过期，请重新申请重置密码",
        "the link is unknown, used or expired; ask for a new one",
        "account.token",
    )
