"""An author's review applied by a re-draft: corrected paths reach the template's tags, types
and labels the YAML, office-only places get no field and no control, and the package is clean."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from lxml import etree

from formgen.document.package_load import check_package
from formgen.drafting import notice_draft, package_writer
from formgen.drafting.review import FormReview, adjuster
from formgen.drafting.wordgrid import W
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


def _header_table() -> bytes:
    """主要设备: 序号, 设备名称 (bold 黑体 四号, centred) with a plain note （型号规格） after it,
    and 金额（万元）, over three empty rows."""
    document = docx.Document()
    document.add_paragraph("主要设备")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    table.cell(0, 0).text = "序号"
    table.cell(0, 2).text = "金额（万元）"
    paragraph = table.cell(0, 1).paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    words = paragraph.add_run("设备名称")
    words.bold, words.font.size, words.font.name = True, Pt(14), "黑体"
    paragraph.add_run("（型号规格）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cell(template: bytes, holding: str) -> Any:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(template)).read("word/document.xml"))
    return next(tc for tc in root.iter(f"{W}tc") if holding in "".join(tc.itertext()))  # the header, first


def _runs(tc: Any) -> list[tuple[str, bytes]]:
    """Each run of a cell: its text and its formatting as the XML holds it."""
    return [
        (
            "".join(run.itertext()),
            etree.tostring(props) if (props := run.find(f"{W}rPr")) is not None else b"",
        )
        for run in tc.iter(f"{W}r")
    ]


def test_a_relabelled_columns_header_cell_prints_the_new_words_in_the_published_format(
    tmp_path: Path,
) -> None:
    """设备名称 becomes 设备名称及型号 in its header cell: the same bold 黑体 四号 run, still
    centred, the note （型号规格） after it as published; 金额（万元）'s cell is untouched."""
    source = tmp_path / "主要设备.docx"
    source.write_bytes(_header_table())
    first = package_writer.contents(notice_draft.draft_notice([source], "demo-header"))
    (rows,) = [f for f in _fields(first) if f["type"] == "rows"]
    name = next(c for c in rows["columns"] if c["label"] == "设备名称")
    relabelled = FieldSpec.model_validate({**name, "label": "设备名称及型号", "reviewed": True})
    review = FormReview(columns=[relabelled])

    again = package_writer.contents(
        notice_draft.draft_notice([source], "demo-header", adjust=adjuster({source.name: review}))
    )

    before = _cell(first["templates/form1.docx"], "设备名称")
    after = _cell(again["templates/form1.docx"], "设备名称及型号")
    assert [text for text, _ in _runs(after)] == ["设备名称及型号", "（型号规格）"]
    assert [props for _, props in _runs(after)] == [props for _, props in _runs(before)]
    assert b"<w:b/>" in _runs(after)[0][1] and b'w:val="28"' in _runs(after)[0][1]
    assert etree.tostring(after.find(f"{W}p/{W}pPr")) == etree.tostring(before.find(f"{W}p/{W}pPr"))
    assert etree.tostring(_cell(again["templates/form1.docx"], "金额")) == etree.tostring(
        _cell(first["templates/form1.docx"], "金额")
    )
    assert check_package(_write(again, tmp_path / "package")) == []


def test_a_spaced_out_header_is_relabelled_whole_in_its_first_runs_format(tmp_path: Path) -> None:
    """设  备  名  称, spaced out on two lines as short headers often are: the words are not one
    piece of its text, so the cell gets the corrected label alone, in its first run's format."""
    document = docx.Document()
    document.add_paragraph("主要设备")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    table.cell(0, 0).text = "序号"
    table.cell(0, 2).text = "金额（万元）"
    cell = table.cell(0, 1)
    first = cell.paragraphs[0].add_run("设  备")
    first.bold = True
    cell.add_paragraph().add_run("名  称")
    source = tmp_path / "主要设备.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    source.write_bytes(buffer.getvalue())
    drafted = package_writer.contents(notice_draft.draft_notice([source], "demo-spaced"))
    (rows,) = [f for f in _fields(drafted) if f["type"] == "rows"]
    name = next(c for c in rows["columns"] if c["label"] == "设备名称")
    review = FormReview(columns=[FieldSpec.model_validate({**name, "label": "设备型号", "reviewed": True})])

    again = package_writer.contents(
        notice_draft.draft_notice([source], "demo-spaced", adjust=adjuster({source.name: review}))
    )

    after = _cell(again["templates/form1.docx"], "设备型号")
    assert [text for text, _ in _runs(after)] == ["设备型号"]
    assert b"<w:b/>" in _runs(after)[0][1]
    assert len(after.findall(f"{W}p")) == 1
