"""Accounts: signing in and out (rate-limited), and the administrator's page of users."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from formgen.workflows.portal import notices
from formgen.workflows.portal.db import ROLES, User, open_database
from formgen.workflows.portal.security import (
    clear_failures,
    csrf_token,
    hash_password,
    password_matches,
    record_failure,
    too_many_attempts,
)
from formgen.workflows.portal.web import form_values, portal, render, require_csrf, require_user, user_of

router = APIRouter(include_in_schema=False)
HOME = {"applicant": "/applications", "bureau": "/bureau", "admin": "/admin/users"}


class LoginRefused(Exception):
    """Wrong name or password (401), or too many failures (429); the message says which."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def add_user(session: Session, name: str, password: str, role: str, region: str = "") -> User:
    """Make an account; applicants and bureaus belong to a region (成都市, 万州区…)."""
    name = name.strip()
    if role not in ROLES:
        raise ValueError(f"角色应为 {'/'.join(ROLES)} / role must be one of {', '.join(ROLES)}")
    if not name or len(name) > 100:
        raise ValueError("用户名应为1至100个字符 / a user name has 1 to 100 characters")
    if len(password) < 8:
        raise ValueError("密码至少8个字符 / a password has at least 8 characters")
    if role in ("applicant", "bureau") and not region.strip():
        raise ValueError("申请人和主管部门须有所在地区（--region） / applicants and bureaus need a --region")
    notices.check_region(role, region)
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise ValueError(f"用户已存在 / the user exists: {name}")
    user = User(name=name, password_hash=hash_password(password), role=role, region=region.strip())
    session.add(user)
    session.commit()
    return user


def add_account(
    data_dir: Path, database: str | None, name: str, password: str, role: str, region: str
) -> User:
    """`add_user` on the portal's database (`formgen users add`)."""
    engine = open_database(data_dir, database)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return add_user(session, name, password, role, region)
    finally:
        engine.dispose()


def sign_in(session: Session, name: str, password: str) -> User:
    """The user whose name and password these are; `LoginRefused` otherwise."""
    if too_many_attempts(session, name):
        raise LoginRefused(
            429, "登录失败次数过多，请15分钟后再试 / too many failed sign-ins; try again in 15 minutes"
        )
    user = session.scalar(select(User).where(User.name == name))
    if user is None or not password_matches(user.password_hash, password):
        record_failure(session, name)
        raise LoginRefused(401, "用户名或密码错误 / wrong user name or password")
    clear_failures(session, name)
    return user


def start_session(request: Request, user: User) -> str:
    """Begin a fresh signed session for `user`; return its CSRF token."""
    request.session.clear()
    request.session["uid"] = user.id
    return csrf_token(request.session)


@router.get("/")
def home(request: Request) -> Response:
    """Each role's own start page; the sign-in page when signed out."""
    with portal(request).db() as session:
        user = user_of(request, session)
    return RedirectResponse(HOME[user.role] if user else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request) -> Response:
    """The sign-in form."""
    return render(request, "login.html", user=None, message="")


@router.post("/login")
async def login_post(request: Request) -> Response:
    """Sign in from the form; CSRF-checked like every form."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    name, password = form.get("name"), form.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        raise HTTPException(422, "请填写用户名和密码 / give a name and a password")

    def work() -> User | LoginRefused:
        with portal(request).db() as session:
            try:
                return sign_in(session, name.strip(), password)
            except LoginRefused as exc:
                return exc

    outcome = await run_in_threadpool(work)
    if isinstance(outcome, LoginRefused):
        return render(request, "login.html", outcome.status, user=None, message=str(outcome))
    start_session(request, outcome)
    return RedirectResponse(HOME[outcome.role], status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/admin/users")
def users_page(request: Request, message: str = "") -> Response:
    """Every account, and a form to add one."""
    with portal(request).db() as session:
        user = require_user(request, session, "admin")
        users = list(session.scalars(select(User).order_by(User.id)))
        return render(request, "users.html", user=user, users=users, roles=ROLES, message=message)


@router.post("/admin/users")
async def add_user_page(request: Request) -> Response:
    """Add an account from the administrator's form."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))

    def work() -> Response:
        with portal(request).db() as session:
            admin = require_user(request, session, "admin")
            try:
                add_user(session, *(form.get(k) or "" for k in ("name", "password", "role", "region")))
            except ValueError as exc:
                users = list(session.scalars(select(User).order_by(User.id)))
                return render(
                    request, "users.html", 422, user=admin, users=users, roles=ROLES, message=str(exc)
                )
            return RedirectResponse("/admin/users", status_code=303)

    return await run_in_threadpool(work)
