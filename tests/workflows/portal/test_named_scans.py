"""The upload page ties the report's 其他附件材料 to the scans, and shows a refused upload as an error.

The page is read as a browser would parse it (lxml.html): which names are listed, which are
uploaded and link to their scan, and the refusal's place and class beside the upload form.
"""

from __future__ import annotations

import lxml.html
from fastapi.testclient import TestClient

import formgen
from formgen.workflows.portal import forms
from tests.workflows.portal.conftest import PROVIDER, SCAN, Site, example, start


def _upload_page(site: Site) -> tuple[TestClient, int, str]:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    index = next(
        n for n, s in enumerate(forms.sections(formgen.registry().packet(PROVIDER).model)) if s.attachments
    )
    return client, report, f"/applications/{report}/sections/{index}"


def test_each_listed_attachment_shows_its_upload_or_that_it_is_missing(site: Site) -> None:
    client, report, page = _upload_page(site)
    listed = example(PROVIDER)["report"]["body"]["attachments"]
    html = lxml.html.fromstring(client.get(page).text)
    items = html.xpath('//ul[@class="named-scans"]/li')
    assert [i.text.strip() for i in items] == [a["title"] for a in listed]
    assert all(i.xpath('.//span[@class="scan-missing"]/text()') == ["未上传"] for i in items)
    first = listed[0]["title"]
    ask = items[0].xpath(".//a")[0].get("href")
    prefilled = lxml.html.fromstring(client.get(page + ask.split("#")[0]).text)
    assert prefilled.xpath('//input[@id="upload-title"]/@value') == [first]
    assert first in prefilled.xpath('//datalist[@id="named-titles"]/option/@value')

    uploaded = client.post(
        f"/applications/{report}/attachments",
        data={"csrf": client.headers["X-CSRF-Token"], "title": " " + first + " "},
        files={"file": ("licence.png", SCAN.read_bytes())},
    )
    assert uploaded.status_code == 200
    html = lxml.html.fromstring(uploaded.text)
    found = html.xpath('//ul[@class="named-scans"]/li')[0].xpath('.//a[@class="scan-found"]')
    assert [a.text for a in found] == ["已上传"]
    assert client.get(found[0].get("href")).content[:8] == b"\x89PNG\r\n\x1a\n"
    rest = html.xpath('//ul[@class="named-scans"]/li')[1:]
    assert all(i.xpath('.//span[@class="scan-missing"]') for i in rest)


def test_a_refused_upload_is_shown_as_an_error_beside_the_form(site: Site) -> None:
    client, report, _ = _upload_page(site)
    refused = client.post(
        f"/applications/{report}/attachments",
        data={"csrf": client.headers["X-CSRF-Token"], "title": "营业执照（副本）"},
        files={"file": ("licence.png", b"<html>not a scan</html>")},
    )
    assert refused.status_code == 422
    html = lxml.html.fromstring(refused.text)
    error = html.xpath('//form[@id="upload-form"]//p[@role="alert"]')
    assert len(error) == 1 and error[0].get("class") == "problem error upload-refused"
    message = error[0].text_content()
    assert message.startswith("上传未成功：") and "PDF、JPG、PNG或TIFF" in message
    assert " / " not in message and "only" not in message  # Chinese only
    assert html.xpath('//input[@id="upload-title"]/@value') == ["营业执照（副本）"]  # nothing typed is lost
    assert html.xpath('//input[@id="upload-file"]/@aria-invalid') == ["true"]
