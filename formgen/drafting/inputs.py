"""A published form as formgen drafts it: a .docx or .xlsx, others converted by LibreOffice first.

Offices publish Word 97 (.doc), WPS (.wps, .et), RTF, ODF, HTML and old Excel (.xls) files,
and sometimes a Word 97 file named .docx. Each is checked by its content (never by its name
alone, `formgen.data.untrusted`): encrypted and macro-enabled files are refused, a file of
another kind is refused, and a binary or foreign format goes through LibreOffice
(`formgen.pdf.convert`, the one place that starts it) to .docx or .xlsx, then is checked again.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from formgen.data import untrusted
from formgen.data.textfile import UnreadableFileError
from formgen.pdf import convert

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_CONVERTED = {
    ".doc": "docx",
    ".wps": "docx",
    ".rtf": "docx",
    ".odt": "docx",
    ".html": "docx",
    ".htm": "docx",
}
EXCEL_CONVERTED = {".xls": "xlsx", ".et": "xlsx", ".ods": "xlsx"}
ACCEPTED = (".docx", ".xlsx", *WORD_CONVERTED, *EXCEL_CONVERTED)


class UnreadableFormError(UnreadableFileError):
    """A form file that cannot be opened at all (missing, or LibreOffice cannot read it)."""

    def __init__(self, name: str, zh: str, en: str) -> None:
        self.name, self.zh, self.en = name, zh, en
        super().__init__(f"{name}: {zh} / {en}")


@dataclass
class Opened:
    """A form ready to draft: its kind, its OOXML bytes and what was done to get them."""

    name: str
    kind: str
    content: bytes
    notes: list[str] = field(default_factory=list)


def open_form(path: Path) -> Opened:
    """Read `path` as an untrusted published form, converting it when it is not OOXML."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in ACCEPTED:
        raise untrusted.RefusedFileError(
            name,
            "不受理此类文件（应为.docx/.doc/.wps/.rtf/.odt/.html或.xlsx/.xls/.et）",
            "file type not accepted (expected .docx, .doc, .wps, .rtf, .odt, .html, .xlsx, .xls or .et)",
        )
    try:
        content = untrusted.read_file(path)
    except OSError as exc:
        raise UnreadableFormError(
            name, f"无法打开文件（{exc.strerror}）", f"cannot open the file ({exc.strerror})"
        ) from None
    if content.startswith(_OLE):
        if "EncryptionInfo".encode("utf-16-le") in content:
            raise untrusted.RefusedFileError(
                name,
                "文件已加密，请去除密码后重新保存",
                "the file is encrypted: remove the password and save it again",
            )
        target = EXCEL_CONVERTED.get(suffix) or ("xlsx" if suffix == ".xlsx" else "docx")
        note = (
            ""
            if suffix in WORD_CONVERTED or suffix in EXCEL_CONVERTED
            else (
                f"文件名为{suffix}，实为旧版二进制文档，已经转换 / named {suffix} but an old binary document: converted"
            )
        )
        return _converted(path, content, target, note)
    if suffix in (".docx", ".xlsx"):
        kind = untrusted.inspect(content, name)
        return Opened(name, kind, content)
    _check_foreign(name, suffix, content)
    return _converted(path, content, WORD_CONVERTED.get(suffix) or EXCEL_CONVERTED[suffix], "")


def _check_foreign(name: str, suffix: str, content: bytes) -> None:
    """Refuse a file whose content is not the format its name says (checked before LibreOffice)."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    fits = {
        ".rtf": head.startswith(b"{\\rtf"),
        ".html": b"<html" in head or b"<!doctype html" in head or b"<table" in head,
        ".htm": b"<html" in head or b"<!doctype html" in head or b"<table" in head,
        ".odt": content.startswith(b"PK") and b"opendocument.text" in content[:200],
        ".ods": content.startswith(b"PK") and b"opendocument.spreadsheet" in content[:200],
    }.get(suffix, False)
    if not fits:
        raise untrusted.RefusedFileError(
            name, f"文件内容与扩展名{suffix}不符", f"the content is not what the extension {suffix} says"
        )
    if suffix in (".odt", ".ods"):
        untrusted.SafePackage(content, name)


def _converted(path: Path, content: bytes, target: str, note: str) -> Opened:
    """The form saved by LibreOffice as `target` ("docx", "xlsx"), then checked as untrusted."""
    source_suffix = path.suffix.lower()
    if source_suffix in (".docx", ".xlsx"):
        source_suffix = ".doc" if target == "docx" else ".xls"
    with tempfile.TemporaryDirectory(prefix="formgen-draft-") as work:
        source = Path(work) / f"form{source_suffix}"
        source.write_bytes(content)
        try:
            made = convert.convert_cold([source], Path(work) / "out", to=target, timeout=120)
        except convert.ConversionError as exc:
            raise UnreadableFormError(
                path.name, f"LibreOffice无法打开此文件（{exc}）", f"LibreOffice cannot open the file ({exc})"
            ) from None
        converted = made[0].read_bytes()
    kind = untrusted.inspect(converted, f"form.{target}")
    notes = (
        [note]
        if note
        else [f"由LibreOffice从{path.suffix}转换 / converted from {path.suffix} by LibreOffice"]
    )
    return Opened(path.name, kind, converted, notes)
