"""An account's history keeps each step (sign-up, confirmation, unit, region, address,
password, disabling) with who took it and when, kept in the same transaction as the change;
the account, its region's bureau and the administrators read it, nobody else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formgen.workflows.portal.db import AccountEvent, User
from tests.workflows.portal.conftest import PASSWORD, Site
from tests.workflows.portal.smtp import Inbox, link_in
from tests.workflows.portal.test_flow import csrf_of
from tests.workflows.portal.test_signup import CODE, NEW_PASSWORD, path_of, signed_up


def _rows(page: str) -> list[list[str]]:
    """The history table's rows as a reader sees them: time, 事项, 操作人, 内容."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in body.split("</tr>")[:-1]:
        cells = [cell.split("</td>", 1)[0] for cell in row.split("<td>")[1:]]
        rows.append(cells)
    return rows


def _account_id(site: Site, address: str) -> int:
    with site.portal.db() as session:
        found = session.scalar(select(User.id).where(User.email == address))
        assert found is not None
        return found


def test_every_step_of_an_applicants_account_is_kept_with_who_took_it(
    mail_site: Site, inbox: tuple[str, Inbox]
) -> None:
    address = signed_up(mail_site, inbox[1], mail_site.client())
    account = _account_id(mail_site, address)
    mail_site.user("成都局", "bureau", "成都市")
    mail_site.user("管理员", "admin")
    chengdu, admin = mail_site.client("成都局"), mail_site.client("管理员")

    renamed = {"unit_name": "成都蜀安智造有限公司", "credit_code": CODE, "region": "成都市"}
    assert chengdu.put(f"/api/accounts/{account}/unit", json=renamed).status_code == 200
    unchanged = chengdu.put(f"/api/accounts/{account}/unit", json=renamed)
    assert unchanged.status_code == 200, "saving the same values again is no step"
    moved = admin.put(f"/api/accounts/{account}/unit", json={**renamed, "region": "自贡市"})
    assert moved.status_code == 200
    page = admin.get("/admin/users").text
    for verb in ("disable", "enable"):
        done = admin.post(f"/admin/users/{account}/{verb}", data={"csrf": csrf_of(page)})
        assert done.status_code == 200
    applicant = mail_site.client(address)
    password = applicant.get("/account/password").text
    changed = applicant.post(
        "/account/password", data={"csrf": csrf_of(password), "old": PASSWORD, "new": NEW_PASSWORD}
    )
    assert changed.status_code == 200

    shown = _rows(admin.get(f"/accounts/{account}/history").text)
    assert [row[1:] for row in shown] == [
        ["自行注册", address, f"成都蜀安智造技术服务有限公司，{CODE}，成都市"],
        ["邮箱确认", address, address],
        ["单位名称修改", "成都局", "成都蜀安智造技术服务有限公司 → 成都蜀安智造有限公司"],
        ["所在地区修改", "管理员", "成都市 → 自贡市"],
        ["账户停用", "管理员", ""],
        ["账户启用", "管理员", ""],
        ["密码修改", address, "其他登录已退出"],
    ]
    assert all(row[0].startswith("20") and "年" in row[0] for row in shown), "Beijing time, in Chinese"
    # The JSON API gives the same steps, and the applicant reads its own history.
    steps = admin.get(f"/api/accounts/{account}/history").json()
    assert [s["kind"] for s in steps] == [
        "signed_up",
        "confirmed",
        "unit_name",
        "region",
        "disabled",
        "enabled",
        "password",
    ]
    own = mail_site.client(address, NEW_PASSWORD).get("/account/history")
    assert own.status_code == 200 and [row[1] for row in _rows(own.text)][-1] == "密码修改"


def test_an_address_change_and_a_reset_password_are_in_the_history(
    mail_site: Site, inbox: tuple[str, Inbox]
) -> None:
    address = signed_up(mail_site, inbox[1], mail_site.client())
    account = _account_id(mail_site, address)
    applicant = mail_site.client(address)
    assert (
        applicant.post(
            "/api/account/email", json={"password": PASSWORD, "email": "new@shuan.example.cn"}
        ).status_code
        == 202
    )
    mail_site.outbox.deliver_due()
    (letter,) = inbox[1].to("new@shuan.example.cn")
    assert mail_site.client().get(path_of(link_in(letter, "/email/"))).status_code == 200

    anyone = mail_site.client()
    assert anyone.post("/api/password-reset", json={"email": "new@shuan.example.cn"}).status_code == 202
    mail_site.outbox.deliver_due()
    (reset,) = [m for m in inbox[1].to("new@shuan.example.cn") if "重置密码" in m["subject"]]
    token = link_in(reset, "/reset/").rsplit("/", 1)[1]
    done = anyone.post("/api/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 200

    steps = (
        mail_site.client("new@shuan.example.cn", NEW_PASSWORD).get(f"/api/accounts/{account}/history").json()
    )
    assert [(s["kind"], s["detail"]) for s in steps][2:] == [
        ("email", f"{address} → new@shuan.example.cn"),
        ("reset", "其他登录已退出"),
    ]


def test_an_account_made_by_an_administrator_begins_with_who_made_it(site: Site) -> None:
    site.user("管理员", "admin")  # by the command line's function
    admin = site.client("管理员")
    page = admin.get("/admin/users").text
    made = admin.post(
        "/admin/users",
        data={
            "csrf": csrf_of(page),
            "name": "deyang",
            "password": PASSWORD,
            "role": "bureau",
            "region": "德阳市",
            "unit_name": "德阳市经济和信息化局",
        },
    )
    assert made.status_code == 200
    with site.portal.db() as session:
        events = {
            name: [
                (e.actor, e.kind, e.detail)
                for e in session.scalars(select(AccountEvent).where(AccountEvent.user_id == uid))
            ]
            for uid, name in session.execute(select(User.id, User.name))
        }
    assert events == {
        "管理员": [("命令行", "created", "管理员")],
        "deyang": [("管理员", "created", "主管部门，德阳市，德阳市经济和信息化局")],
    }
    assert 'href="/accounts/' in admin.get("/admin/users").text


@pytest.mark.parametrize("viewer", ["自贡局", "other", "成都局-self"])
def test_nobody_else_reads_an_accounts_history(site: Site, viewer: str) -> None:
    """Another region's bureau and another applicant get 404, as for no account; a bureau
    reads its region's applicants' history but not another bureau's, even of its region."""
    site.user("shuan", "applicant", "成都市")
    site.user("other", "applicant", "成都市")
    site.user("成都局", "bureau", "成都市")
    site.user("成都局2", "bureau", "成都市")
    site.user("自贡局", "bureau", "自贡市")
    with site.portal.db() as session:
        ids = dict((name, uid) for uid, name in session.execute(select(User.id, User.name)))
    if viewer == "成都局-self":
        client = site.client("成都局")
        assert client.get(f"/api/accounts/{ids['shuan']}/history").status_code == 200
        assert client.get(f"/api/accounts/{ids['成都局']}/history").status_code == 200
        refused = [
            client.get(f"/api/accounts/{ids['成都局2']}/history"),
            client.get(f"/accounts/{ids['自贡局']}/history"),
        ]
    else:
        client = site.client(viewer)
        refused = [
            client.get(f"/api/accounts/{ids['shuan']}/history"),
            client.get(f"/accounts/{ids['shuan']}/history"),
        ]
    assert [r.status_code for r in refused] == [404, 404]
    assert "created" not in refused[0].text and "shuan" not in refused[1].text
    assert site.client().get(f"/api/accounts/{ids['shuan']}/history").status_code == 401
