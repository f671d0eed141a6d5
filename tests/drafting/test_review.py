"""An author's review applied by a re-draft: corrected paths reach the template's tags, types
and labels the YAML, office-only places get no field and no control, and the package is clean."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import yaml

from formgen.document.package_load import check_package
from formgen.drafting import notice_draft, package_writer
from formgen.drafting.review import FormReview, adjuster
from formgen.model.package_spec import FieldSpec
from tests.drafting.small_forms import label_beside


def _write(files: dict[str, bytes], folder: Path) -> Path:
    for relative, content in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    return folder


def _tags(template: bytes) -> list[str]:
    xml = zipfile.ZipFile(io.BytesIO(template)).read("word/document.xml").decode()
    return re.findall(r"\{\{r ([^ }]+) \}\}", xml)


def _fields(files: dict[str, bytes]) -> list[dict[str, Any]]:
    spec: dict[str, Any] = yaml.safe_load(files["forms/form1.yaml"])
    return list(spec["fields"])


def test_review_reaches_template_yaml_and_example(tmp_path: Path) -> None:
    source = tmp_path / "企业基本信息表.docx"
    source.write_bytes(label_beside().content)
    first = package_writer.contents(notice_draft.draft_notice([source], "demo-review"))
    drafted = {f["label"]: f for f in _fields(first)}
    assert drafted["邮政编码"]["type"] == "postcode"
    corrected = FieldSpec.model_validate(
        {**drafted["单位名称"], "path": "unit_name", "label": "企业名称", "reviewed": True}
    )
    retyped = FieldSpec.model_validate({**drafted["电子邮箱"], "type": "text", "reviewed": True})
    review = FormReview([corrected, retyped], office=[drafted["邮政编码"]["place"]])

    again = package_writer.contents(
        notice_draft.draft_notice([source], "demo-review", adjust=adjuster({source.name: review}))
    )

    fields = {f["label"]: f for f in _fields(again)}
    assert "邮政编码" not in fields and "单位名称" not in fields
    assert fields["企业名称"]["path"] == "unit_name" and fields["企业名称"]["reviewed"] is True
    assert fields["电子邮箱"]["type"] == "text" and fields["电子邮箱"]["reviewed"] is True
    assert "reviewed" not in fields["成立日期"]
    assert _tags(again["templates/form1.docx"]) == [
        "unit_name",
        "统一社会信用代码",
        "成立日期",
        "电子邮箱",
        "法定代表人身份证号",
    ]
    assert yaml.safe_load(again["examples/form1.yaml"])["unit_name"] == "示例企业名称"
    assert "name: form1.unit_name" in again["notice.yaml"].decode()
    assert check_package(_write(again, tmp_path / "package")) == []


def test_a_reviewed_path_taken_moves_the_drafted_field_aside(tmp_path: Path) -> None:
    """merge_reviewed's rule: the author's path wins, the draft's field gets ``_2``."""
    source = tmp_path / "企业基本信息表.docx"
    source.write_bytes(label_beside().content)
    drafted = {f["label"]: f for f in _fields(package_writer.contents(notice_draft.draft_notice([source])))}
    taking = FieldSpec.model_validate({**drafted["单位名称"], "path": "成立日期", "reviewed": True})
    again = package_writer.contents(
        notice_draft.draft_notice([source], None, adjust=adjuster({source.name: FormReview([taking])}))
    )
    paths = {f["label"]: f["path"] for f in _fields(again)}
    assert paths["单位名称"] == "成立日期" and paths["成立日期"] == "成立日期_2"
    assert check_package(_write(again, tmp_path / "package")) == []
