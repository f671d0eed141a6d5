"""User text is data, never template code: it prints exactly as given."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import formgen
from tests import reading

ANNEX3 = "sichuan-2023-110.annex3"
TRICKY = {
    "profile.unit_name": "{{ x }}成都{% if %}公司",
    "profile.address": "<b>&amp;</b> \"quoted\" 'single' {_{ %_}",
    "profile.legal_representative": "李😀𠀀",
    "recommender": "{{r profile.unit_name }}",
}


def _set(data: dict[str, Any], path: str, value: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[part]
    data[last] = value


def test_template_syntax_and_xml_specials_print_literally(
    annex3_example: dict[str, Any], tmp_path: Path
) -> None:
    data = copy.deepcopy(annex3_example)
    for path, value in TRICKY.items():
        _set(data, path, value)
    data["body"]["intro"] = "第一段 {{ body }} <w:p>\n第二段 {%p endfor %} &lt;"
    data["profile"]["products"][0]["name"] = "{%tr endfor %}"
    (docx,) = formgen.fill(ANNEX3, data, tmp_path)
    text = reading.docx_text(docx)
    for value in TRICKY.values():
        assert value in text
    assert "第一段 {{ body }} <w:p>" in text.split("\n")
    assert "第二段 {%p endfor %} &lt;" in text.split("\n")
    assert "{%tr endfor %}" in text
