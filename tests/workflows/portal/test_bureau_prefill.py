"""A bureau's own fields begin with what its account knows: its region in a 市（州） field and
its unit's name in 推荐单位, found by the fields' labels; the bureau may still correct them."""

from __future__ import annotations

import json
from typing import Any

import lxml.html

from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.db import BureauProfile, User
from tests.workflows.portal.conftest import CITY, PASSWORD, Site
from tests.workflows.portal.test_flow import csrf_of

DISTRICT = "chongqing-2023-1.district"


def _bureau(site: Site, name: str, region: str, unit: str) -> Any:
    with site.portal.db() as session:
        add_user(session, name, PASSWORD, "bureau", region, unit_name=unit)
    return site.client(name)


def _values(page: str) -> dict[str, str]:
    """Each input's value and each list's chosen option, by input name, as the page shows them."""
    tree = lxml.html.fromstring(page)
    shown = {i.get("name"): i.get("value") or "" for i in tree.xpath("//main//input[not(@type='hidden')]")}
    for select in tree.xpath("//main//select"):
        chosen = select.xpath("option[@selected]")
        shown[select.get("name")] = (chosen[0].get("value") or chosen[0].text_content()) if chosen else ""
    return shown


def _stored(site: Site, region: str, packet_id: str) -> dict[str, Any]:
    with site.portal.db() as session:
        found = session.query(BureauProfile).filter_by(region=region, packet_id=packet_id).one()
        data: dict[str, Any] = json.loads(found.data_json)
        return data


def test_a_city_bureau_finds_its_city_and_unit_filled_in_and_may_correct_them(site: Site) -> None:
    bureau = _bureau(site, "chengdu", "成都市", "成都市经济和信息化局")
    page = bureau.get(f"/bureau/packets/{CITY}/profile").text
    shown = _values(page)
    assert shown["bureau.city"] == "成都市"
    assert shown["bureau.name"] == "成都市经济和信息化局"
    assert shown["bureau.contact"] == "" and shown["bureau.phone"] == ""
    assert "缺少必填项" not in page
    assert _stored(site, "成都市", CITY)["bureau"] == {"name": "成都市经济和信息化局", "city": "成都市"}

    corrected = {"bureau.name": "成都市经济和信息化局（盖章）", "bureau.city": "德阳市"}
    typed = {"bureau.contact": "张强", "bureau.phone": "028-61881234"}
    saved = bureau.post(f"/bureau/packets/{CITY}/profile", data={"csrf": csrf_of(page), **corrected, **typed})
    assert saved.status_code == 200
    assert {k: v for k, v in _values(saved.text).items() if k in corrected} == corrected
    assert _stored(site, "成都市", CITY)["bureau"]["city"] == "德阳市"
    # The corrections stand: nothing is filled in again over them.
    assert _values(bureau.get(f"/bureau/packets/{CITY}/profile").text)["bureau.city"] == "德阳市"


def test_a_chongqing_district_finds_its_unit_filled_in_and_no_region_where_none_is_asked(site: Site) -> None:
    bureau = _bureau(site, "bishan", "璧山区", "重庆市璧山区经济和信息化委员会")
    shown = _values(bureau.get(f"/bureau/packets/{DISTRICT}/profile").text)
    assert shown == {
        "district.name": "重庆市璧山区经济和信息化委员会",
        "district.contact": "",
        "district.phone": "",
    }


def test_a_region_no_list_takes_and_a_bureau_without_a_unit_leave_the_fields_empty(site: Site) -> None:
    # A 区县 bureau's region is no 市（州）: the 市（州） list is not given a value it does not hold.
    bureau = _bureau(site, "wanzhou", "万州区", "")
    shown = _values(bureau.get(f"/bureau/packets/{CITY}/profile").text)
    assert shown["bureau.city"] == "" and shown["bureau.name"] == ""


def test_the_administrator_gives_a_bureau_its_unit_name(site: Site) -> None:
    site.user("admin", "admin")
    admin = site.client("admin")
    page = admin.get("/admin/users").text
    form = {
        "csrf": csrf_of(page),
        "name": "deyang",
        "password": PASSWORD,
        "role": "bureau",
        "region": "德阳市",
    }
    admin.post("/admin/users", data={**form, "unit_name": "德阳市经济和信息化局"})
    shown = _values(site.client("deyang").get(f"/bureau/packets/{CITY}/profile").text)
    assert shown["bureau.name"] == "德阳市经济和信息化局" and shown["bureau.city"] == "德阳市"


def test_a_profile_begun_before_has_its_empty_fields_filled_when_the_bureau_opens_it(site: Site) -> None:
    """A profile kept by an earlier version (no prefill then): 推荐单位 typed by a person stays,
    the empty 市（州） is filled from the account, the typed 联系人 stays."""
    with site.portal.db() as session:
        session.add(
            BureauProfile(
                region="成都市",
                packet_id=CITY,
                data_json=json.dumps(
                    {"bureau": {"name": "成都市经信局（盖章）", "city": "", "contact": "张强"}}
                ),
            )
        )
        session.commit()
    bureau = _bureau(site, "chengdu", "成都市", "成都市经济和信息化局")
    shown = _values(bureau.get(f"/bureau/packets/{CITY}/profile").text)
    assert (shown["bureau.name"], shown["bureau.city"], shown["bureau.contact"]) == (
        "成都市经信局（盖章）",
        "成都市",
        "张强",
    )
    assert _stored(site, "成都市", CITY)["bureau"] == {
        "name": "成都市经信局（盖章）",
        "city": "成都市",
        "contact": "张强",
    }


def test_a_field_the_bureau_empties_stays_empty_on_the_page_its_save_shows(site: Site) -> None:
    bureau = _bureau(site, "chengdu", "成都市", "成都市经济和信息化局")
    page = bureau.get(f"/bureau/packets/{CITY}/profile").text
    saved = bureau.post(
        f"/bureau/packets/{CITY}/profile",
        data={"csrf": csrf_of(page), "bureau.name": "", "bureau.city": "成都市", "bureau.contact": "张强"},
    )
    assert saved.status_code == 200 and _values(saved.text)["bureau.name"] == ""
    # Opened again later, the empty 推荐单位 is the account's unit once more.
    assert (
        _values(bureau.get(f"/bureau/packets/{CITY}/profile").text)["bureau.name"] == "成都市经济和信息化局"
    )


def test_a_unit_name_given_later_fills_the_profile_begun_without_it(site: Site) -> None:
    bureau = _bureau(site, "deyang", "德阳市", "")
    assert _values(bureau.get(f"/bureau/packets/{CITY}/profile").text)["bureau.name"] == ""
    with site.portal.db() as session:
        session.query(User).filter_by(name="deyang").one().unit_name = "德阳市经济和信息化局"
        session.commit()
    shown = _values(bureau.get(f"/bureau/packets/{CITY}/profile").text)
    assert shown["bureau.name"] == "德阳市经济和信息化局" and shown["bureau.city"] == "德阳市"
