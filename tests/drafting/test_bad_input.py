"""`formgen draft` refuses what it must not read, with a reason in Chinese and English, writes
nothing, and exits 1 (2 for a file it cannot open at all); other formats go through LibreOffice."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from formgen.cli import app
from tests.data.test_untrusted import _with_part
from tests.drafting import small_forms

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
)


def _no_blank() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于做好2024年度项目申报工作的通知")
    document.add_paragraph("各有关单位：请按要求做好申报工作。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _no_table() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "说明"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _macro() -> bytes:
    form = small_forms.label_beside().content
    types = zipfile.ZipFile(io.BytesIO(form)).read("[Content_Types].xml")
    types = types.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    return _with_part(form, "[Content_Types].xml", types, extra={"word/vbaProject.bin": b"\0" * 64})


ENCRYPTED = OLE + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512

CASES = {
    "encrypted": ("locked.docx", ENCRYPTED, "加密", "encrypted"),
    "encrypted .doc": ("locked.doc", ENCRYPTED, "加密", "encrypted"),
    "macro-enabled": ("macro.docx", _macro(), "含宏", "macro-enabled"),
    "a PDF named .docx": ("form.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF", "extension"),
    "a text file": ("form.txt", "单位名称：____".encode(), "不受理", "not accepted"),
    "not RTF": ("form.rtf", b"PK\x03\x04 not rtf", "不符", "extension"),
    "external entity": (
        "hostile.docx",
        _with_part(small_forms.label_beside().content, "word/document.xml", XXE),
        "DTD",
        "hostile",
    ),
    "nothing to fill": ("notice.docx", _no_blank(), "没有找到可填写之处", "no place to fill"),
    "a sheet with no table": ("table.xlsx", _no_table(), "没有带表头的表格", "no table"),
}


@pytest.mark.parametrize("case", CASES)
def test_refused_with_a_reason_and_nothing_written(case: str, tmp_path: Path) -> None:
    name, content, zh, en = CASES[case]
    good = tmp_path / "good.docx"
    good.write_bytes(small_forms.label_beside().content)
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "package"
    result = CliRunner().invoke(app, ["draft", str(good), str(bad), "--out", str(out)])
    output = " ".join(result.output.split())
    assert result.exit_code == 1, output
    assert zh in output and en in output and name in output
    assert "Traceback" not in output and "internal error" not in output
    assert not out.exists()


def test_a_missing_file_is_wrong_usage(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["draft", str(tmp_path / "none.docx"), "--out", str(tmp_path / "p")])
    assert result.exit_code == 2, result.output
    assert "无法打开" in result.output and not (tmp_path / "p").exists()


def test_a_bad_notice_id_is_wrong_usage(tmp_path: Path) -> None:
    form = tmp_path / "form.docx"
    form.write_bytes(small_forms.label_beside().content)
    result = CliRunner().invoke(app, ["draft", str(form), "--out", str(tmp_path / "p"), "--id", "Bad Id"])
    assert result.exit_code == 2, result.output
    assert "notice id" in " ".join(result.output.split())


RTF = (
    r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0 SimSun;}}\f0 "
    r"\u30003?\u35831?\u21333?\u20301?\uc1\u65306? \ul __________\ulnone\par"
    "\n"
    r"\u32852?\u31995?\u30005?\u35805?\u65306?__________\par}"
).encode("ascii")
"""申请单位：__________ and 联系电话：__________ in RTF, as an older office system writes it."""


@pytest.mark.pdf
def test_other_formats_are_converted_by_libreoffice_first(tmp_path: Path) -> None:
    form = tmp_path / "申请表.rtf"
    form.write_bytes(RTF)
    out = tmp_path / "package"
    result = CliRunner().invoke(app, ["draft", str(form), "--out", str(out), "--id", "rtf-test"])
    assert result.exit_code == 0, result.output
    spec = (out / "forms" / "form1.yaml").read_text(encoding="utf-8")
    assert "申请单位" in spec and "type: phone" in spec
    assert "由LibreOffice从.rtf转换" in (out / "draft-report.md").read_text(encoding="utf-8")


@pytest.mark.pdf
def test_a_damaged_binary_document_drafts_nothing(tmp_path: Path) -> None:
    """LibreOffice opens a damaged Word 97 file as an empty one: nothing to fill, nothing written."""
    form = tmp_path / "broken.doc"
    form.write_bytes(OLE + b"\xff" * 2048)
    result = CliRunner().invoke(app, ["draft", str(form), "--out", str(tmp_path / "p")])
    assert result.exit_code == 1, result.output
    assert "没有找到可填写之处" in result.output
    assert not (tmp_path / "p").exists()
