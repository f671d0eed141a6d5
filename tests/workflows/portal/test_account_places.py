"""An account's unit name and region are changed by an administrator (any applicant's or
bureau's, on the users page) or by a bureau (its own region's applicants, on the accounts page),
never by the applicant itself nor by another region's bureau."""

from __future__ import annotations

from sqlalchemy import select

from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.db import Application, ApplicationEvent, User
from tests.workflows.portal.conftest import CITY, ENTERPRISE, PASSWORD, PROVIDER, Site, example, start
from tests.workflows.portal.test_bureau_prefill import _values
from tests.workflows.portal.test_flow import csrf_of

CODE = "91510107MA62L3R5XE"


def _account(site: Site, name: str) -> User:
    with site.portal.db() as session:
        found = session.scalar(select(User).where(User.name == name))
        assert found is not None
        return found


def _applicant(site: Site, name: str, region: str, unit: str) -> int:
    with site.portal.db() as session:
        user = add_user(session, name, PASSWORD, "applicant", region, unit_name=unit)
        user.credit_code = CODE
        session.commit()
        return user.id


def test_the_administrator_sets_a_bureaus_unit_name_and_region_and_its_profile_follows(site: Site) -> None:
    site.user("admin", "admin")
    site.user("deyang", "bureau", "成都市")  # made in the wrong region, without its unit's name
    admin = site.client("admin")
    bureau = site.client("deyang")
    assert _values(bureau.get(f"/bureau/packets/{CITY}/profile").text)["bureau.name"] == ""
    page = admin.get("/admin/users").text
    deyang = _account(site, "deyang").id
    assert f'action="/admin/users/{deyang}/place"' in page and "修改deyang的单位和地区" in page

    wrong = admin.post(
        f"/admin/users/{deyang}/place",
        data={"csrf": csrf_of(page), "unit_name": "德阳市经济和信息化局", "region": "火星市"},
    )
    assert wrong.status_code == 422
    assert "所在地区：“火星市”不在各通知的地区列表中" in wrong.text
    assert (_account(site, "deyang").unit_name, _account(site, "deyang").region) == ("", "成都市")

    done = admin.post(
        f"/admin/users/{deyang}/place",
        data={"csrf": csrf_of(page), "unit_name": "德阳市经济和信息化局", "region": "德阳市"},
    )
    assert done.status_code == 200 and "德阳市经济和信息化局" in done.text
    assert (_account(site, "deyang").unit_name, _account(site, "deyang").region) == (
        "德阳市经济和信息化局",
        "德阳市",
    )
    shown = _values(bureau.get(f"/bureau/packets/{CITY}/profile").text)
    assert (shown["bureau.name"], shown["bureau.city"]) == ("德阳市经济和信息化局", "德阳市")


def test_the_administrator_renames_an_applicant_on_the_users_page_its_credit_code_kept(site: Site) -> None:
    site.user("admin", "admin")
    admin = site.client("admin")
    account = _applicant(site, "shuan", "成都市", "成都蜀安公司")
    page = admin.get("/admin/users").text
    empty = admin.post(
        f"/admin/users/{account}/place", data={"csrf": csrf_of(page), "unit_name": " ", "region": "自贡市"}
    )
    assert empty.status_code == 422 and "单位名称：请填写单位名称" in empty.text
    done = admin.post(
        f"/admin/users/{account}/place",
        data={"csrf": csrf_of(page), "unit_name": "成都蜀安智造技术服务有限公司", "region": "自贡市"},
    )
    assert done.status_code == 200
    user = _account(site, "shuan")
    assert (user.unit_name, user.region, user.credit_code) == ("成都蜀安智造技术服务有限公司", "自贡市", CODE)
    own = admin.post(
        f"/admin/users/{_account(site, 'admin').id}/place",
        data={"csrf": csrf_of(page), "unit_name": "x", "region": "成都市"},
    )
    assert own.status_code == 404  # an administrator's account has no unit nor region


def test_only_an_administrator_uses_the_users_pages_change(site: Site) -> None:
    account = _applicant(site, "shuan", "成都市", "成都蜀安公司")
    site.user("chengdu", "bureau", "成都市")
    for name in ("shuan", "chengdu"):
        client = site.client(name)
        csrf = csrf_of(client.get("/account/password").text)
        refused = client.post(
            f"/admin/users/{account}/place", data={"csrf": csrf, "unit_name": "改名公司", "region": "自贡市"}
        )
        assert refused.status_code == 403, name
    assert (_account(site, "shuan").unit_name, _account(site, "shuan").region) == ("成都蜀安公司", "成都市")


def test_a_bureau_corrects_its_own_applicants_only_and_the_applicant_cannot(site: Site) -> None:
    mine = _applicant(site, "shuan", "成都市", "成都蜀安公司")
    theirs = _applicant(site, "zigong", "自贡市", "自贡示范公司")
    site.user("chengdu", "bureau", "成都市")
    bureau = site.client("chengdu")
    page = bureau.get("/accounts").text
    assert "成都蜀安公司" in page and "自贡示范公司" not in page
    change = {"csrf": csrf_of(page), "unit_name": "改名公司", "credit_code": CODE, "region": "成都市"}
    assert bureau.post(f"/accounts/{theirs}", data=change).status_code == 403
    done = bureau.post(f"/accounts/{mine}", data=change)
    assert done.status_code == 200 and "改名公司" in done.text

    applicant = site.client("shuan")
    csrf = csrf_of(applicant.get("/account/password").text)
    refused = applicant.post(f"/accounts/{mine}", data={**change, "csrf": csrf, "unit_name": "自己改名"})
    assert refused.status_code == 403
    assert applicant.get("/accounts").status_code == 403
    assert (_account(site, "shuan").unit_name, _account(site, "zigong").unit_name) == (
        "改名公司",
        "自贡示范公司",
    )


def test_an_applicant_moved_to_another_region_takes_its_open_applications_with_it(site: Site) -> None:
    """Drafts and returned applications go to the new region's bureau, where the next
    submission goes; what was handed in stays with the bureau that holds it, and an
    application the new region's notices do not serve stays where it is."""
    account = _applicant(site, "shuan", "成都市", "成都蜀安公司")
    for name, region in (("chengdu", "成都市"), ("zigong", "自贡市")):
        site.user(name, "bureau", region)
    applicant, chengdu = site.client("shuan"), site.client("chengdu")
    draft = start(applicant, PROVIDER, example(PROVIDER))
    handed_in = start(applicant, PROVIDER, example(PROVIDER))
    returned = start(applicant, ENTERPRISE, example(ENTERPRISE))
    for application in (handed_in, returned):
        assert applicant.post(f"/api/applications/{application}/submit").status_code == 200
    assert chengdu.post(f"/api/applications/{returned}/return", json={"comment": "请补充"}).status_code == 200

    move = {"unit_name": "成都蜀安公司", "credit_code": CODE, "region": "自贡市"}
    assert chengdu.put(f"/api/accounts/{account}/unit", json=move).status_code == 200

    def regions() -> dict[int, str]:
        with site.portal.db() as session:
            return {a.id: a.region for a in session.scalars(select(Application).order_by(Application.id))}

    assert regions() == {draft: "自贡市", handed_in: "成都市", returned: "自贡市"}
    zigong = site.client("zigong")
    assert [a["id"] for a in zigong.get("/api/applications").json()] == [returned]
    assert [a["id"] for a in chengdu.get("/api/applications").json()] == [handed_in]
    with site.portal.db() as session:
        moves = session.scalars(select(ApplicationEvent).where(ApplicationEvent.kind == "moved")).all()
        assert sorted((e.application_id, e.actor, e.comment) for e in moves) == [
            (draft, "chengdu", "成都市 → 自贡市"),
            (returned, "chengdu", "成都市 → 自贡市"),
        ]

    # No Chongqing bureau could take a Sichuan application: moved there, the account goes,
    # its Sichuan drafts stay with the Sichuan bureau it had.
    admin_move = {**move, "region": "万州区"}
    site.user("admin", "admin")
    assert site.client("admin").put(f"/api/accounts/{account}/unit", json=admin_move).status_code == 200
    assert regions() == {draft: "自贡市", handed_in: "成都市", returned: "自贡市"}
    assert _account(site, "shuan").region == "万州区"
