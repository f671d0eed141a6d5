"""An administrator brings a notice in: upload its Word form, review the draft beside the
paper, correct it, publish it; applicants then apply under it. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

import formgen
from formgen.pdf import convert
from formgen.workflows.portal import notice_drafts
from formgen.workflows.portal.db import NoticeDraft, NoticeDraftSource
from tests import reading
from tests.drafting.small_forms import label_beside, rows_two_level
from tests.drafting.test_bad_input import CASES
from tests.packages import write_published_application, write_published_summary
from tests.workflows.portal.conftest import PASSWORD, Site

FORM = "企业基本信息表.docx"
NOTICE = "demo-import-1"
PUBLICATION = {
    "title": "关于征集示范企业的通知",
    "issuer": "示范省经济和信息化厅",
    "doc_number": "示经信〔2024〕9号",
    "date": "2024-03-15",
    "regions": ["成都市"],
    "closes": "2099-06-30",
}


@pytest.fixture(autouse=True)
def served_nothing_after() -> Iterator[None]:
    """The process serves no published notice once the test's portal is gone."""
    yield
    notice_drafts.forget()


def _admin(site: Site) -> TestClient:
    site.user("admin", "admin")
    return site.client("admin")


def _csrf(client: TestClient) -> str:
    return str(client.headers["X-CSRF-Token"])


def _upload(client: TestClient, *files: tuple[str, bytes], notice_id: str = NOTICE) -> Any:
    return client.post(
        "/admin/drafts",
        data={"csrf": _csrf(client), "notice_id": notice_id},
        files=[("files", (name, content, "application/octet-stream")) for name, content in files],
        follow_redirects=False,
    )


def _draft(site: Site) -> NoticeDraft:
    with site.portal.db() as session:
        found: NoticeDraft | None = session.scalars(select(NoticeDraft)).first()
        assert found is not None
        return found


def _files(site: Site) -> dict[str, bytes]:
    return notice_drafts.unpack(_draft(site).package)


def _fields(site: Site) -> dict[str, dict[str, Any]]:
    spec = yaml.safe_load(_files(site)["forms/form1.yaml"])
    return {f["label"]: f for f in spec["fields"]}


def _tags(site: Site) -> list[str]:
    xml = zipfile.ZipFile(io.BytesIO(_files(site)["templates/form1.docx"])).read("word/document.xml").decode()
    return re.findall(r"\{\{r ([^ }]+) \}\}", xml)


def _alert(page: str) -> str:
    found = re.search(r'class="alert" role="alert">([^<]*)<', page)
    return found.group(1) if found else ""


def _corrections(site: Site) -> dict[str, str]:
    """单位名称 renamed and relabelled, 电子邮箱 made plain text, 邮政编码 the office's."""
    index = {label: n for n, label in enumerate(_fields(site))}
    return {
        f"form1-{index['单位名称']}-path": "企业名称",
        f"form1-{index['单位名称']}-label": "企业名称（全称）",
        f"form1-{index['电子邮箱']}-type": "text",
        f"form1-{index['邮政编码']}-office": "on",
    }


def test_upload_review_correct_publish_apply(site: Site, tmp_path: Path) -> None:
    admin = _admin(site)
    uploaded = _upload(admin, (FORM, label_beside().content))
    assert uploaded.status_code == 303, _alert(uploaded.text)
    review = admin.get(uploaded.headers["location"])
    assert review.status_code == 200
    for label in ("单位名称", "统一社会信用代码", "邮政编码", "法定代表人身份证号"):
        assert f'value="{label}"' in review.text
    assert "材料包检查通过" in review.text and "90%" in review.text
    picture = admin.get(f"/admin/drafts/{_draft(site).id}/pages/form1/1")
    assert picture.headers["content-type"] == "image/png"
    page = Image.open(io.BytesIO(picture.content)).convert("L")
    assert page.height > page.width > 400  # an A4 page, upright
    darkest = page.getextrema()[0]
    assert isinstance(darkest, int) and darkest < 100  # ink on it: the table's lines and labels

    saved = admin.post(
        f"/admin/drafts/{_draft(site).id}/review",
        data={"csrf": _csrf(admin), **_corrections(site)},
        follow_redirects=False,
    )
    assert saved.status_code == 303, _alert(saved.text)
    assert "修改已保存" in _alert(admin.get(saved.headers["location"]).text)
    fields = _fields(site)
    assert "邮政编码" not in fields and "单位名称" not in fields
    assert fields["企业名称（全称）"]["path"] == "企业名称" and fields["企业名称（全称）"]["reviewed"]
    assert fields["电子邮箱"]["type"] == "text" and fields["电子邮箱"]["reviewed"]
    assert not fields["成立日期"].get("reviewed")
    assert "企业名称" in _tags(site) and "邮政编码" not in _tags(site)
    assert notice_drafts.problems(_draft(site)) == []
    again = admin.get(f"/admin/drafts/{_draft(site).id}").text
    assert "已审核" in again and "恢复为申报人填写：表1 第2行 第4格" in again

    published = admin.post(
        f"/admin/drafts/{_draft(site).id}/publish",
        data={"csrf": _csrf(admin), **PUBLICATION},
        follow_redirects=False,
    )
    assert published.status_code == 303, _alert(published.text)
    assert "已发布" in admin.get(published.headers["location"]).text
    notice = formgen.registry().notices[NOTICE]
    assert (notice.title, notice.issuer, notice.doc_number) == (
        PUBLICATION["title"],
        PUBLICATION["issuer"],
        PUBLICATION["doc_number"],
    )

    assert notice.regions == ("成都市",)
    assert "2099-06-30" in admin.get("/admin/notices").text  # the closing date, in the notices' own page

    site.user("mianyang", "applicant", "绵阳市")
    elsewhere = site.client("mianyang")
    assert f"{NOTICE}.applicant" not in {p["id"] for p in elsewhere.get("/api/packets").json()}
    assert PUBLICATION["title"] not in elsewhere.get("/applications").text
    refused = elsewhere.post("/api/applications", json={"packet_id": f"{NOTICE}.applicant"})
    assert refused.status_code == 422

    site.user("chengdu", "applicant", "成都市")
    applicant = site.client("chengdu")
    packets = {p["id"] for p in applicant.get("/api/packets").json()}
    assert f"{NOTICE}.applicant" in packets
    offered = applicant.get("/applications").text
    assert PUBLICATION["title"] in offered and "申报截止日期：2099年06月30日" in offered
    created = applicant.post("/api/applications", json={"packet_id": f"{NOTICE}.applicant"}).json()
    section = applicant.get(f"/applications/{created['id']}/sections/0").text
    assert "企业名称（全称）" in section and "邮政编码" not in section
    data = {
        "form1": {
            "企业名称": "成都示范科技有限公司",
            "统一社会信用代码": "91510107MA62L3R5XE",
            "成立日期": "2019-05-20",
            "电子邮箱": "见附件",
            "法定代表人身份证号": "11010519491231002X",
        }
    }
    put = applicant.put(
        f"/api/applications/{created['id']}/data", json={"data": data, "version": created["version"]}
    )
    assert put.status_code == 200, put.text
    submitted = applicant.post(f"/api/applications/{created['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"

    site.user("chengdu-bureau", "bureau", "成都市")
    bureau = site.client("chengdu-bureau")
    seen = {a["id"]: a for a in bureau.get("/api/applications").json()}
    assert seen[created["id"]]["packet_id"] == f"{NOTICE}.applicant"
    assert "成都示范科技有限公司" in bureau.get("/bureau").text  # the packet's name path, not a guess
    names = re.findall(r'/documents/([^"]+)"', bureau.get(f"/bureau/applications/{created['id']}").text)
    assert names == [f"{NOTICE}.form1.docx"]
    filled = bureau.get(f"/applications/{created['id']}/documents/{names[0]}")
    (tmp_path / names[0]).write_bytes(filled.content)
    text = reading.docx_text(tmp_path / names[0])
    assert "成都示范科技有限公司" in text and "邮政编码" in text and "610041" not in text


def test_a_wrong_correction_names_the_field_and_changes_nothing(site: Site) -> None:
    admin = _admin(site)
    assert _upload(admin, (FORM, label_beside().content)).status_code == 303
    before = _draft(site).sha
    index = list(_fields(site)).index("单位名称")
    refused = admin.post(
        f"/admin/drafts/{_draft(site).id}/review",
        data={"csrf": _csrf(admin), f"form1-{index}-path": "unit name"},
    )
    assert refused.status_code == 422
    message = _alert(refused.text)
    assert "第1项「单位名称」（单位名称）" in message and "数据路径" in message and "a data path" in message
    assert _draft(site).sha == before


def test_publishing_needs_the_notice_metadata_and_regions(site: Site) -> None:
    admin = _admin(site)
    assert _upload(admin, (FORM, label_beside().content)).status_code == 303
    url = f"/admin/drafts/{_draft(site).id}/publish"
    no_number = admin.post(url, data={"csrf": _csrf(admin), **PUBLICATION, "doc_number": ""})
    assert no_number.status_code == 422 and "请填写：文号" in _alert(no_number.text)
    no_region = admin.post(url, data={"csrf": _csrf(admin), **{**PUBLICATION, "regions": []}})
    assert no_region.status_code == 422 and "请选择可以申报的地区" in _alert(no_region.text)
    mars = admin.post(url, data={"csrf": _csrf(admin), **{**PUBLICATION, "regions": ["火星市"]}})
    assert mars.status_code == 422 and "不是通知所列的地区：火星市" in _alert(mars.text)
    bad_date = admin.post(url, data={"csrf": _csrf(admin), **{**PUBLICATION, "closes": "明年"}})
    assert bad_date.status_code == 422 and "申报截止日期应为日期" in _alert(bad_date.text)
    assert _draft(site).status == "draft" and NOTICE not in formgen.registry().notices


REFUSED = {
    **{case: (name, content, zh) for case, (name, content, zh, _) in CASES.items() if case != "a text file"},
    "a program": ("申报表.exe", b"MZ\x90\x00", "只接受Word"),
    "an empty file": ("申报表.docx", b"", "文件为空"),
}
"""`formgen draft`'s refusals (tests/drafting/test_bad_input.py), and the portal's own."""


@pytest.mark.parametrize("case", REFUSED)
def test_bad_uploads_are_refused_with_the_reason_and_nothing_kept(site: Site, case: str) -> None:
    name, content, reason = REFUSED[case]
    admin = _admin(site)
    refused = _upload(admin, (FORM, label_beside().content), (name, content))
    assert refused.status_code == 422
    assert name in _alert(refused.text) and reason in _alert(refused.text)
    with site.portal.db() as session:
        assert session.scalar(select(func.count()).select_from(NoticeDraft)) == 0
        assert session.scalar(select(func.count()).select_from(NoticeDraftSource)) == 0


def test_a_taken_notice_id_is_refused(site: Site) -> None:
    admin = _admin(site)
    assert _upload(admin, (FORM, label_beside().content)).status_code == 303
    again = _upload(admin, (FORM, label_beside().content))
    assert again.status_code == 422 and "通知编号已被使用" in _alert(again.text)
    builtin = _upload(admin, (FORM, label_beside().content), notice_id="sichuan-2023-110")
    assert builtin.status_code == 422 and "通知编号已被使用" in _alert(builtin.text)


def test_applicants_and_bureaus_may_not_bring_notices_in(site: Site) -> None:
    admin = _admin(site)
    assert _upload(admin, (FORM, label_beside().content)).status_code == 303
    draft = _draft(site).id
    site.user("applicant", "applicant", "成都市")
    site.user("bureau", "bureau", "成都市")
    for name in ("applicant", "bureau"):
        client = site.client(name)
        csrf = _csrf(client)
        for path in ("/admin/drafts", f"/admin/drafts/{draft}", f"/admin/drafts/{draft}/pages/form1/1"):
            assert client.get(path, follow_redirects=False).status_code == 403, (name, path)
        assert _upload(client, (FORM, label_beside().content), notice_id="other").status_code == 403
        for action in ("review", "publish"):
            posted = client.post(f"/admin/drafts/{draft}/{action}", data={"csrf": csrf, **PUBLICATION})
            assert posted.status_code == 403, (name, action)
    stranger = site.client()
    for path in ("/admin/drafts", f"/admin/drafts/{draft}", f"/admin/drafts/{draft}/pages/form1/1"):
        answer = stranger.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert _draft(site).status == "draft"
    with site.portal.db() as session:
        assert session.scalar(select(func.count()).select_from(NoticeDraft)) == 1


SECOND_PROCESS = """
import json, sys
from pathlib import Path
from fastapi.testclient import TestClient
from formgen.workflows.portal.app import create_app
app = create_app(Path(sys.argv[1]), sys.argv[2] or None, secure_cookies=False)
client = TestClient(app, base_url="http://127.0.0.1")
login = client.post("/api/login", json={"name": "chengdu", "password": sys.argv[3]})
print(json.dumps([p["id"] for p in client.get("/api/packets").json()]))
"""


def test_another_portal_process_on_the_database_serves_the_published_notice(
    site: Site, tmp_path: Path
) -> None:
    """A second process (its own data folder, the same database) offers the notice."""
    admin = _admin(site)
    assert _upload(admin, (FORM, label_beside().content)).status_code == 303
    published = admin.post(
        f"/admin/drafts/{_draft(site).id}/publish", data={"csrf": _csrf(admin), **PUBLICATION}
    )
    assert published.status_code == 200
    site.user("chengdu", "applicant", "成都市")
    with site.portal.db() as session:
        engine = session.get_bind()
    assert isinstance(engine, Engine)
    database = engine.url.render_as_string(hide_password=False)
    run = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, str(tmp_path / "other"), database, PASSWORD],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"{NOTICE}.applicant" in json.loads(run.stdout.strip().splitlines()[-1])


def test_a_word_97_file_is_converted_by_libreoffice_first(site: Site, tmp_path: Path) -> None:
    """A .doc, as many offices publish, drafts as the .docx it converts to."""
    source = tmp_path / "企业基本信息表.docx"
    source.write_bytes(label_beside().content)
    # Through ODF: LibreOffice 7.4 saving this python-docx table straight to .doc drops the table.
    (odf,) = convert.convert_cold([source], tmp_path / "odt", to="odt")
    (old,) = convert.convert_cold([odf], tmp_path / "doc", to="doc")
    assert old.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    admin = _admin(site)
    uploaded = _upload(admin, ("企业基本信息表.doc", old.read_bytes()))
    assert uploaded.status_code == 303, _alert(uploaded.text)
    assert list(_fields(site)) == [
        "单位名称",
        "统一社会信用代码",
        "成立日期",
        "邮政编码",
        "电子邮箱",
        "法定代表人身份证号",
    ]
    with site.portal.db() as session:
        assert list(session.scalars(select(NoticeDraftSource.name))) == ["企业基本信息表.docx"]


def test_after_its_closing_date_nothing_more_is_started(site: Site) -> None:
    """The closing date chosen on publishing is the portal's own (`/admin/notices` changes it)."""
    admin = _admin(site)
    assert _upload(admin, (FORM, label_beside().content)).status_code == 303
    closed = {**PUBLICATION, "closes": "2020-01-31"}
    published = admin.post(f"/admin/drafts/{_draft(site).id}/publish", data={"csrf": _csrf(admin), **closed})
    assert published.status_code == 200 and "已发布" in published.text
    site.user("chengdu", "applicant", "成都市")
    applicant = site.client("chengdu")
    assert "已截止" in applicant.get("/applications").text
    refused = applicant.post("/api/applications", json={"packet_id": f"{NOTICE}.applicant"})
    assert refused.status_code == 409


def test_a_word_form_and_its_summary_table_make_a_bureau_packet(site: Site, tmp_path: Path) -> None:
    """附件2, an Excel table whose columns are 附件1's labels, is derived from the applications
    the bureau accepts, as for a built-in notice: the bureau never retypes."""
    form, table = tmp_path / "示范项目申报表.docx", tmp_path / "示范项目推荐汇总表.xlsx"
    write_published_application(form)
    write_published_summary(table)
    admin = _admin(site)
    uploaded = _upload(admin, (form.name, form.read_bytes()), (table.name, table.read_bytes()))
    assert uploaded.status_code == 303, _alert(uploaded.text)
    review = admin.get(uploaded.headers["location"]).text
    assert "表格的列" in review and "单位名称" in review
    published = admin.post(
        f"/admin/drafts/{_draft(site).id}/publish", data={"csrf": _csrf(admin), **PUBLICATION}
    )
    assert "已发布" in published.text, _alert(published.text)

    site.user("chengdu", "applicant", "成都市")
    applicant = site.client("chengdu")
    data = json.loads(json.dumps(formgen.example_data(f"{NOTICE}.applicant"), default=str))
    created = applicant.post("/api/applications", json={"packet_id": f"{NOTICE}.applicant"}).json()
    put = applicant.put(
        f"/api/applications/{created['id']}/data", json={"data": data, "version": created["version"]}
    )
    assert put.status_code == 200, put.text
    assert applicant.post(f"/api/applications/{created['id']}/submit").status_code == 200
    site.user("chengdu-bureau", "bureau", "成都市")
    bureau = site.client("chengdu-bureau")
    accepted = bureau.post(f"/api/applications/{created['id']}/accept", json={"comment": ""})
    assert accepted.status_code == 200, accepted.text
    own = {k: v for k, v in formgen.example_data(f"{NOTICE}.bureau").items() if isinstance(v, str)}
    profile = bureau.post(f"/bureau/packets/{NOTICE}.bureau/profile", data={"csrf": _csrf(bureau), **own})
    assert profile.status_code == 200, profile.text
    listing = bureau.get("/bureau").text
    name = data["annex1"]["单位名称"]
    assert name in listing
    link = re.search(rf'href="(/bureau/packets/{NOTICE}\.bureau/tables/[^"]+\.xlsx)"', listing)
    assert link is not None, listing
    made = bureau.get(link.group(1))
    assert made.status_code == 200, made.text
    sheet = load_workbook(io.BytesIO(made.content)).worksheets[0]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert name in cells and data["annex1"]["统一社会信用代码"] in cells


def test_a_word_rows_tables_corrected_column_labels_are_printed_in_its_header(
    site: Site, tmp_path: Path
) -> None:
    """设备名称 relabelled 设备名称及型号 and 购置情况数量（台） 购置情况数量（台套）: the packet's
    PDF prints the new words in the header cells (数量（台套） under the 购置情况 printed above it),
    not the published ones, and the header's font is the published one."""
    admin = _admin(site)
    uploaded = _upload(admin, (FORM, rows_two_level().content))
    assert uploaded.status_code == 303, _alert(uploaded.text)
    blank = admin.get(f"/admin/drafts/{_draft(site).id}/pages/form1/1").content
    corrections = {"form1-c0-label": "设备名称及型号", "form1-c1-label": "购置情况数量（台套）"}
    saved = admin.post(
        f"/admin/drafts/{_draft(site).id}/review",
        data={"csrf": _csrf(admin), **corrections},
        follow_redirects=False,
    )
    assert saved.status_code == 303, _alert(saved.text)
    # The review page's picture of the blank is drawn again: its header reads as corrected.
    assert admin.get(f"/admin/drafts/{_draft(site).id}/pages/form1/1").content != blank
    published = admin.post(
        f"/admin/drafts/{_draft(site).id}/publish",
        data={"csrf": _csrf(admin), **PUBLICATION},
        follow_redirects=False,
    )
    assert published.status_code == 303, _alert(published.text)
    (rows,) = [f for f in _fields(site).values() if f["type"] == "rows"]
    row = dict(zip([c["path"] for c in rows["columns"]], ["数控立式加工中心", "2", "86.5"], strict=True))

    site.user("chengdu", "applicant", "成都市")
    applicant = site.client("chengdu")
    created = applicant.post("/api/applications", json={"packet_id": f"{NOTICE}.applicant"}).json()
    put = applicant.put(
        f"/api/applications/{created['id']}/data",
        json={"data": {"form1": {rows["path"]: [row]}}, "version": created["version"]},
    )
    assert put.status_code == 200, put.text
    made = applicant.get(f"/applications/{created['id']}/packet.pdf")
    assert made.status_code == 200, made.text
    (tmp_path / "packet.pdf").write_bytes(made.content)
    flat = "".join(reading.pdf_text(tmp_path / "packet.pdf").split())
    assert "设备名称及型号" in flat and flat.count("设备名称") == flat.count("设备名称及型号")
    assert "购置情况" in flat and "数量（台套）" in flat and "数量（台）" not in flat
    assert flat.count("购置情况") == 1  # the group is printed once, above its columns
    assert "数控立式加工中心" in flat

    header = re.search(r"<w:tc>(?:(?!</w:tc>).)*设备名称及型号.*?</w:tc>", _template_xml(site), re.S)
    assert header is not None
    published_xml = zipfile.ZipFile(io.BytesIO(rows_two_level().content)).read("word/document.xml").decode()
    was = re.search(r"<w:tc>(?:(?!</w:tc>).)*设备名称.*?</w:tc>", published_xml, re.S)
    assert was is not None
    assert _cell_format(header.group(0)) == _cell_format(was.group(0))


def _template_xml(site: Site) -> str:
    return (
        zipfile.ZipFile(io.BytesIO(_files(site)["templates/form1.docx"])).read("word/document.xml").decode()
    )


def _cell_format(cell: str) -> tuple[list[str], list[str], list[str]]:
    """A header cell's cell, paragraph and run properties, as the XML holds them."""
    return (
        re.findall(r"<w:tcPr>.*?</w:tcPr>", cell, re.S),
        re.findall(r"<w:pPr>.*?</w:pPr>", cell, re.S),
        re.findall(r"<w:rPr>.*?</w:rPr>", cell, re.S),
    )


def test_a_word_rows_tables_columns_are_corrected_as_an_excel_tables_are(site: Site) -> None:
    """主要生产设备's columns: 设备名称 relabelled and renamed, 数量（台） made plain text, 金额
    the office's: the YAML, the template's tags and its empty office cell follow."""
    admin = _admin(site)
    uploaded = _upload(admin, (FORM, rows_two_level().content))
    assert uploaded.status_code == 303, _alert(uploaded.text)
    review = admin.get(uploaded.headers["location"]).text
    for n, label in enumerate(("设备名称", "购置情况数量（台）", "购置情况金额（万元）"), start=1):
        assert re.search(rf'value="{re.escape(label)}" aria-label="第{n}列的标签"', review), label
    (rows,) = [f for f in _fields(site).values() if f["type"] == "rows"]
    assert [c["place"] for c in rows["columns"]] == ["表1 第2行 第2格", "表1 第2行 第3格", "表1 第2行 第4格"]
    corrections = {
        "form1-c0-label": "设备名称及型号",
        "form1-c0-path": "设备",
        "form1-c1-type": "text",
        "form1-c2-office": "on",
    }
    saved = admin.post(
        f"/admin/drafts/{_draft(site).id}/review",
        data={"csrf": _csrf(admin), **corrections},
        follow_redirects=False,
    )
    assert saved.status_code == 303, _alert(saved.text)
    page = admin.get(saved.headers["location"]).text
    assert "修改已保存" in _alert(page)
    assert "恢复为申报人填写：表1 第2行 第4格" in page
    (rows,) = [f for f in _fields(site).values() if f["type"] == "rows"]
    assert [(c["label"], c["path"], c["type"]) for c in rows["columns"]] == [
        ("设备名称及型号", "设备", "text"),
        ("购置情况数量（台）", rows["columns"][1]["path"], "text"),
    ]
    assert page.count('列 <span class="tag">已审核</span>') == 2
    assert _tags(site) == ["item.设备", f"item.{rows['columns'][1]['path']}"]

    # The table itself renamed, then a column corrected again: each correction stands.
    for step in ({"form1-0-label": "主要生产设备清单"}, {"form1-c1-label": "数量"}):
        again = admin.post(
            f"/admin/drafts/{_draft(site).id}/review",
            data={"csrf": _csrf(admin), **step},
            follow_redirects=False,
        )
        assert again.status_code == 303, _alert(again.text)
    (rows,) = [f for f in _fields(site).values() if f["type"] == "rows"]
    assert rows["label"] == "主要生产设备清单"
    assert [c["label"] for c in rows["columns"]] == ["设备名称及型号", "数量"]

    wrong = admin.post(
        f"/admin/drafts/{_draft(site).id}/review",
        data={"csrf": _csrf(admin), "form1-c0-type": "choice"},
        follow_redirects=False,
    )
    assert "第1列「设备名称及型号」（设备）" in _alert(wrong.text) and "下拉选项不能为空" in _alert(
        wrong.text
    )


def test_a_relabelled_field_is_pictured_again_and_a_renamed_one_is_not(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blank shows a field's label (its control's prompt reads 请填写<label>) but not its data
    name: the review page's pictures of the blank are drawn again for a new label, and kept
    as they are when only the data name changed."""
    admin = _admin(site)
    assert _upload(admin, (FORM, label_beside().content)).status_code == 303
    draft = _draft(site).id
    index = {label: n for n, label in enumerate(_fields(site))}
    drawn: list[int] = []
    draw = notice_drafts.blank_pictures

    def counted(files: Any) -> Any:
        drawn.append(1)
        return draw(files)

    monkeypatch.setattr(notice_drafts, "blank_pictures", counted)

    def picture() -> bytes:
        found = admin.get(f"/admin/drafts/{draft}/pages/form1/1")
        assert found.status_code == 200
        return found.content

    def review(change: dict[str, str]) -> None:
        saved = admin.post(
            f"/admin/drafts/{draft}/review", data={"csrf": _csrf(admin), **change}, follow_redirects=False
        )
        assert saved.status_code == 303, _alert(saved.text)

    first = picture()
    review({f"form1-{index['单位名称']}-path": "企业名称"})
    assert (drawn, picture()) == ([], first), "a data name is not on the paper"
    review({f"form1-{index['单位名称']}-label": "企业名称（全称）"})
    assert drawn == [1] and picture() != first, "the prompt 请填写企业名称（全称） is"
