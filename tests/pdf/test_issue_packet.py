"""`<notice>.issue`: the notice and all its annexes blank, as the issuing office sent them out."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

import formgen
from tests import reading

NOTICES = list(formgen.registry().notices)


@pytest.mark.parametrize("notice_id", NOTICES)
def test_issue_packet_holds_every_form_blank_and_without_prompts(notice_id: str, tmp_path: Path) -> None:
    packet = formgen.registry().packet(f"{notice_id}.issue")
    forms = formgen.registry().notices[notice_id].forms
    assert packet.form_ids == tuple(f.id for f in forms)
    made = formgen.packet(packet.id, {}, tmp_path)
    reader = PdfReader(made)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [f"{f.label} {f.title}".strip() for f in forms]
    text = reading.pdf_text(made)
    assert "请填写" not in text and "请选择" not in text
    assert (
        reader.metadata is not None and reader.metadata.author == formgen.registry().notices[notice_id].issuer
    )


def test_issue_packet_does_not_claim_its_forms_data() -> None:
    """Data for a form is never taken for the empty data of the issue packet."""
    checked = formgen.check("sichuan-2023-110.annex3", {})
    assert not checked.ok and checked.problems
