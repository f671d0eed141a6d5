"""Every registered notice's forms are served from their models, with no code per notice:
each section of each packet a submitter applies with renders, labels bound to inputs, and the
shipped example saved through the API shows in its inputs and breaks no rule."""

from __future__ import annotations

import formgen
from formgen.data import paths
from formgen.workflows.portal import forms
from formgen.workflows.portal.documents import applicant_packets
from tests.workflows.portal.conftest import Site, example, start
from tests.workflows.portal.test_pages import parse


def test_every_section_of_every_applicant_packet_renders_with_the_example(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    site.user("b", "applicant", "璧山区")
    clients = {
        n.id: site.client("a" if "成都市" in n.regions else "b") for n in formgen.registry().notices.values()
    }
    packets = [p for n in formgen.registry().notices.values() for p in applicant_packets(n)]
    assert {p.id for p in packets} == {
        "sichuan-2023-110.provider",
        "sichuan-2023-110.enterprise",
        "chongqing-2023-1.platform",
    }
    for packet in packets:
        data = example(packet.id)
        client = clients[formgen.registry().notice_of(packet.id).id]  # an applicant of its region
        application = start(client, packet.id, data)
        errors = [
            p
            for p in client.get(f"/api/applications/{application}").json()["problems"]
            if p["severity"] == "error"
        ]
        assert errors == [], (packet.id, errors)
        for index, section in enumerate(forms.sections(packet.model)):
            response = client.get(f"/applications/{application}/sections/{index}")
            assert response.status_code == 200, (packet.id, section.path)
            page = parse(response.text)
            assert section.label in "".join(page.text)
            unlabelled = [i.get("name") for i in page.inputs if i.get("id") not in page.label_for]
            assert unlabelled == [], (packet.id, section.path, unlabelled)
            first = _first_text(paths.value_at(data, section.path))
            if first is not None:
                assert first in response.text, (packet.id, section.path, first)


def _first_text(value: object) -> str | None:
    """The first short single-line text in the data (what an input shows as typed)."""
    if isinstance(value, str) and "\n" not in value and "&" not in value and "<" not in value:
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _first_text(item)
            if found is not None:
                return found
    return None
