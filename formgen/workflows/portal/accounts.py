"""Accounts: signing in (limited) and out, changing one's password, and the administrator's
page of users, where an account is added or disabled and an applicant's or bureau's unit name
and region are changed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from formgen.model.checks import check_email
from formgen.workflows.portal import account_log, notices, units
from formgen.workflows.portal.db import ROLES, UNIT_NAME_MAX, User, open_database
from formgen.workflows.portal.passwords import normal_email, password_problem
from formgen.workflows.portal.security import (
    clear_attempts,
    count_attempt,
    csrf_token,
    hash_password,
    password_matches_user,
)
from formgen.workflows.portal.sessions import end_sessions, signed_in
from formgen.workflows.portal.web import (
    client_of,
    form_values,
    portal,
    render,
    require_csrf,
    require_user,
)

router = APIRouter(include_in_schema=False)
HOME = {"applicant": "/applications", "bureau": "/bureau", "admin": "/admin/users"}


class LoginRefused(Exception):
    """Wrong name or password (401), or too many failures (429); the message says which."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def add_user(
    session: Session,
    name: str,
    password: str,
    role: str,
    region: str = "",
    email: str = "",
    unit_name: str = "",
    *,
    actor: str = account_log.COMMAND_LINE,
) -> User:
    """Make an account; applicants and bureaus belong to a region (成都市, 万州区…). With an
    `email`, the portal writes to it (receipts, decisions) and it signs in by it too. A
    bureau's `unit_name` (成都市经济和信息化局) begins its 推荐单位 fields. Its history begins
    with `actor` (the administrator, or the command line) making it."""
    name = name.strip()
    address = normal_email(email) or None
    if role not in ROLES:
        raise ValueError(f"角色应为 {'/'.join(ROLES)} / role must be one of {', '.join(ROLES)}")
    if not name or len(name) > 100:
        raise ValueError("用户名应为1至100个字符 / a user name has 1 to 100 characters")
    weak = password_problem(password, name, email)
    if weak is not None:
        raise ValueError(f"{weak.message_zh} / {weak.message_en}")
    if address is not None:
        check_email(address)
    if role in ("applicant", "bureau") and not region.strip():
        raise ValueError("申请人和主管部门须有所在地区（--region） / applicants and bureaus need a --region")
    notices.check_region(role, region)
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise ValueError(f"用户已存在 / the user exists: {name}")
    if address is not None and session.scalar(select(User).where(User.email == address)) is not None:
        raise ValueError(f"该邮箱已被其他账户使用 / another account has this e-mail: {address}")
    if len(unit_name.strip()) > UNIT_NAME_MAX:
        raise ValueError(
            f"单位名称最多{UNIT_NAME_MAX}个字符 / a unit name has at most {UNIT_NAME_MAX} characters"
        )
    user = User(
        name=name,
        password_hash=hash_password(password),
        role=role,
        region=region.strip(),
        email=address,
        unit_name=unit_name.strip(),
    )
    session.add(user)
    session.flush()
    made = [account_log.ROLE_LABELS[role], user.region, user.unit_name, user.email or ""]
    account_log.record(session, user, actor, "created", "，".join(v for v in made if v))
    session.commit()
    return user


def add_account(
    data_dir: Path,
    database: str | None,
    name: str,
    password: str,
    role: str,
    region: str,
    email: str = "",
    unit_name: str = "",
) -> User:
    """`add_user` on the portal's database (`formgen users add`)."""
    engine = open_database(data_dir, database)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return add_user(session, name, password, role, region, email, unit_name)
    finally:
        engine.dispose()


def sign_in(session: Session, name: str, password: str, client: str) -> User:
    """The user whose name (or e-mail) and password these are, signing in from `client`;
    `LoginRefused` otherwise, also for a signed-up account whose e-mail is not yet confirmed.

    Too many attempts of `name` from `client`, or from `client` at all, are refused before any
    password is checked. An unknown name, a disabled account and a wrong password get the
    same answer after the same argon2 work.
    """
    if not count_attempt(session, name, client):
        raise LoginRefused(
            429, "登录失败次数过多，请15分钟后再试 / too many failed sign-ins; try again in 15 minutes"
        )
    user = session.scalar(select(User).where(or_(User.name == name, User.email == normal_email(name))))
    usable = user if user is not None and not user.disabled else None
    matched = password_matches_user(usable.password_hash if usable else None, password)
    if usable is None or not matched:
        raise LoginRefused(401, "用户名或密码错误 / wrong user name or password")
    clear_attempts(session, name, client)
    if not usable.confirmed:
        raise LoginRefused(
            403,
            "邮箱尚未确认：请打开注册后收到的邮件中的链接 / the e-mail is not confirmed yet: "
            "follow the link in the letter sent at sign-up",
        )
    return usable


def start_session(request: Request, user: User) -> str:
    """Begin a fresh session for `user` under a new token; return its CSRF token."""
    request.session.clear()
    request.session["uid"] = user.id
    return csrf_token(request.session)


def change_password(session: Session, user: User, old: str, new: str) -> None:
    """Set `user`'s password after checking the old one, and end every session of the user
    (the caller starts a fresh one for the browser that made the change)."""
    if not password_matches_user(user.password_hash, old):
        raise ValueError("原密码不正确 / the current password is wrong")
    weak = password_problem(new, user.name, user.email or "")
    if weak is not None:
        raise ValueError(f"{weak.message_zh} / {weak.message_en}")
    user.password_hash = hash_password(new)
    end_sessions(session, user.id)
    account_log.record(session, user, user.name, "password", "其他登录已退出")
    session.commit()


def set_disabled(session: Session, admin: User, user_id: int, disabled: bool) -> None:
    """Disable an account (its sessions end at once, it cannot sign in) or enable it again."""
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(404, "找不到该用户 / no such user")
    if user.id == admin.id:
        raise HTTPException(409, "不能停用自己的账户 / you cannot disable your own account")
    if user.disabled != disabled:
        account_log.record(session, user, admin.name, "disabled" if disabled else "enabled")
    user.disabled = disabled
    if disabled:
        end_sessions(session, user.id)
    session.commit()


@router.get("/")
def home(request: Request) -> Response:
    """Each role's own start page; the sign-in page when signed out."""
    with portal(request).db() as session:
        user = signed_in(request, session)
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
                return sign_in(session, name.strip(), password, client_of(request))
            except LoginRefused as exc:
                return exc

    outcome = await run_in_threadpool(work)
    if isinstance(outcome, LoginRefused):
        return render(request, "login.html", outcome.status, user=None, message=str(outcome))
    start_session(request, outcome)
    return RedirectResponse(HOME[outcome.role], status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out: the session ends on the server, in every app process."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/admin/users")
def users_page(request: Request, message: str = "") -> Response:
    """Every account, each applicant's and bureau's unit name and region editable, and a form
    to add one."""
    with portal(request).db() as session:
        user = require_user(request, session, "admin")
        return _users(request, session, user, message=message)


def _users(
    request: Request,
    session: Session,
    admin: User,
    code: int = 200,
    *,
    message: str = "",
    failed: int = 0,
    problems: dict[str, str] | None = None,
) -> Response:
    """The users page; `failed` the account whose change was refused, `problems` by field."""
    users = list(session.scalars(select(User).order_by(User.id)))
    return render(
        request,
        "users.html",
        code,
        user=admin,
        users=users,
        roles=ROLES,
        message=message,
        regions=units.regions(),
        labels=units.LABELS,
        failed=failed,
        problems=problems or {},
    )


@router.post("/admin/users")
async def add_user_page(request: Request) -> Response:
    """Add an account from the administrator's form."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))

    def work() -> Response:
        with portal(request).db() as session:
            admin = require_user(request, session, "admin")
            try:
                name, password, role, region, unit = (
                    form.get(k) or "" for k in ("name", "password", "role", "region", "unit_name")
                )
                add_user(session, name, password, role, region, unit_name=unit, actor=admin.name)
            except ValueError as exc:
                return _users(request, session, admin, 422, message=str(exc))
            return RedirectResponse("/admin/users", status_code=303)

    return await run_in_threadpool(work)


@router.post("/admin/users/{user_id}/place")
async def place_page(request: Request, user_id: int) -> Response:
    """The administrator changes an applicant's or a bureau's unit name and region; the page
    again with the problems beside that account's fields when a value is wrong."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    values = {k: form.get(k) or "" for k in ("unit_name", "region")}

    def work() -> Response:
        with portal(request).db() as session:
            admin = require_user(request, session, "admin")
            done = units.change_place(session, admin, user_id, values)
            if not isinstance(done, list):
                return RedirectResponse("/admin/users", status_code=303)
            problems = {p.path: p.message_zh for p in done}
            return _users(request, session, admin, 422, failed=user_id, problems=problems)

    return await run_in_threadpool(work)


@router.get("/account/password")
def password_page(request: Request) -> Response:
    """The form to change one's password."""
    with portal(request).db() as session:
        user = require_user(request, session)
        return render(request, "password.html", user=user, message="")


@router.post("/account/password")
async def password_post(request: Request) -> Response:
    """Change one's password; every other session of the account ends."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session)
            try:
                change_password(session, user, form.get("old") or "", form.get("new") or "")
            except ValueError as exc:
                return render(request, "password.html", 422, user=user, message=str(exc))
            start_session(request, user)
            return render(
                request,
                "password.html",
                user=user,
                message="密码已修改，其他登录已退出 / password changed; other sessions ended",
            )

    return await run_in_threadpool(work)


@router.post("/admin/users/{user_id}/{verb}")
async def disable_user_page(request: Request, user_id: int, verb: str) -> Response:
    """The administrator disables an account (停用) or enables it again (启用)."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    if verb not in ("disable", "enable"):
        raise HTTPException(404, "未知操作 / unknown action")

    def work() -> None:
        with portal(request).db() as session:
            admin = require_user(request, session, "admin")
            set_disabled(session, admin, user_id, verb == "disable")

    await run_in_threadpool(work)
    return RedirectResponse("/admin/users", status_code=303)
