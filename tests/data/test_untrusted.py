"""Hostile and wrong files get a clear refusal (exit 1), never an internal error.

Every fixture is made here: entities (external, nested), compression bombs (one really
inflating to 300 MB, one whose header claims 2 GB), macros, encryption, another notice's
form, a file that is not what its extension says.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from formgen.data import untrusted

ANNEX3 = "sichuan-2023-110.annex3"


def _with_part(blank: bytes, name: str, content: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """`blank` with the member `name` replaced by `content` (and `extra` members added)."""
    source = zipfile.ZipFile(io.BytesIO(blank))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.namelist():
            target.writestr(member, content if member == name else source.read(member))
        for member, data in (extra or {}).items():
            target.writestr(member, data)
    return out.getvalue()


def _read(tmp_path: Path, name: str, content: bytes, form_id: str = ANNEX3) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["read", form_id, str(path)])
    return result.exit_code, " ".join(result.output.split())


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" if i > 1 else "&lol;" for _ in range(10))}">'.encode()
        for i in range(1, 10)
    )
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(("case", "xml"), [("external entity", XXE), ("billion laughs", LAUGHS)])
def test_entities_are_refused_not_expanded(case: str, xml: bytes, tmp_path: Path) -> None:
    content = _with_part(formgen.render_blank(ANNEX3), "word/document.xml", xml)
    code, output = _read(tmp_path, "hostile.docx", content)
    assert code == 1, output
    assert "DTD" in output and "internal error" not in output
    assert "root:" not in output  # /etc/passwd was not read into anything


def _bomb(size: int) -> bytes:
    """A DOCX whose document.xml really inflates to `size` bytes, written in chunks."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * 2**20
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def _claiming(size: int) -> bytes:
    """A small DOCX whose headers say document.xml inflates to `size` bytes."""
    content = bytearray(_with_part(formgen.render_blank(ANNEX3), "word/document.xml", b"<w:document/>"))
    name = b"word/document.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := content.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if content[name_at : name_at + len(name)] == name:
                content[start + offset : start + offset + 4] = struct.pack("<I", size)
            start += 4
    return bytes(content)


def test_a_zip_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    content = _bomb(300 * 2**20)
    assert len(content) < 2 * 2**20
    code, output = _read(tmp_path, "bomb.docx", content)
    assert code == 1, output
    assert "压缩炸弹" in output and "compression bomb" in output


def test_a_file_claiming_2_gb_is_refused_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "claims.docx"
    path.write_bytes(_claiming(2**31 - 1))
    # The child reports its own peak from /proc (VmHWM, this program's memory alone): its
    # getrusage would carry the forking test process's size across exec, and RUSAGE_CHILDREN
    # here is the largest of every earlier child (LibreOffice workers among them).
    script = (
        "import atexit, pathlib, sys; from formgen.cli import app; "
        "atexit.register(lambda: print([line for line in pathlib.Path('/proc/self/status')"
        ".read_text().splitlines() if line.startswith('VmHWM')][0], file=sys.stderr)); "
        f"sys.argv = ['formgen', 'read', '{ANNEX3}', {str(path)!r}]; app()"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    peak_mb = int(result.stderr.rsplit("VmHWM:", 1)[1].split()[0]) / 1024
    assert result.returncode == 1, result.stderr
    assert "compression bomb" in result.stderr + result.stdout
    assert peak_mb < 300


def test_macros_and_encryption_are_refused(tmp_path: Path) -> None:
    blank = formgen.render_blank(ANNEX3)
    types = zipfile.ZipFile(io.BytesIO(blank)).read("[Content_Types].xml")
    macro_types = types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    macro = _with_part(blank, "[Content_Types].xml", macro_types, extra={"word/vbaProject.bin": b"\0" * 64})
    code, output = _read(tmp_path, "macro.docx", macro)
    assert code == 1 and "含宏" in output and "macro-enabled" in output
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
    )
    code, output = _read(tmp_path, "locked.docx", ole)
    assert code == 1 and "加密" in output and "encrypted" in output


def test_files_that_are_not_what_they_say_are_refused(tmp_path: Path) -> None:
    code, output = _read(tmp_path, "report.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert code == 1 and "PDF" in output and "extension" in output
    workbook = formgen.render_blank("sichuan-2023-110.annex5")
    code, output = _read(tmp_path, "report.docx", workbook)
    assert code == 1 and "XLSX" in output
    assert untrusted.inspect(workbook, "table.xlsx") == "xlsx"


def test_another_notices_form_is_refused(tmp_path: Path) -> None:
    code, output = _read(tmp_path, "other.docx", formgen.render_blank("chongqing-2023-1.annex2"))
    assert code == 1, output
    assert "this is not sichuan-2023-110.annex3" in output
    code, output = _read(
        tmp_path, "other.xlsx", formgen.render_blank("sichuan-2023-110.annex2"), "sichuan-2023-110.annex5"
    )
    assert code == 1 and "its inputs are not this form's" in output


def test_an_internal_error_log_is_private_and_new_each_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(formgen.api, "render_blank", broken)
    logs: list[Path] = []
    for _ in range(2):
        result = CliRunner().invoke(app, ["blank", ANNEX3, "--out", str(tmp_path)])
        assert result.exit_code == 3
        (word,) = [w for w in result.output.split() if w.endswith(".log.")]
        logs.append(Path(word.rstrip(".")))
    assert logs[0] != logs[1]
    for log in logs:
        assert log.parent == tmp_path / "state" / "formgen"
        assert log.stat().st_mode & 0o777 == 0o600
        assert "boom" in log.read_text(encoding="utf-8")


def test_a_member_that_inflates_beyond_its_header_is_cut_off(tmp_path: Path) -> None:
    """A header claiming 1 KB for 20 MB: reading stops at the claim, the file is refused."""
    big = b"<w:document>" + b" " * (20 * 2**20) + b"</w:document>"
    content = bytearray(_with_part(formgen.render_blank(ANNEX3), "word/document.xml", big))
    name = b"word/document.xml"
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := content.find(signature, start)) >= 0:
            if content[start + name_at : start + name_at + len(name)] == name:
                content[start + offset : start + offset + 4] = struct.pack("<I", 1024)
            start += 4
    code, output = _read(tmp_path, "lying.docx", bytes(content))
    assert code == 1, output
    assert "damaged" in output or "malformed" in output


def test_links_huge_files_and_picture_bombs_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.docx"
    secret.write_bytes(formgen.render_blank(ANNEX3))
    link = tmp_path / "link.docx"
    link.symlink_to(secret)
    result = CliRunner().invoke(app, ["read", ANNEX3, str(link)])
    assert result.exit_code == 1 and "symbolic link" in result.output
    with pytest.raises(untrusted.RefusedFileError, match="too large"):
        untrusted.read_file(secret, limits=untrusted.Limits(file_bytes=1000))
    from PIL import Image

    picture = io.BytesIO()
    Image.new("1", (10_000, 9_000)).save(picture, "PNG")
    with pytest.raises(untrusted.RefusedFileError, match="too many pixels"):
        untrusted.inspect(picture.getvalue(), "licence.png")
    with pytest.raises(untrusted.RefusedFileError, match="damaged"):
        untrusted.inspect(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "licence.png")


def test_every_frame_of_a_scan_is_checked_before_it_is_decoded() -> None:
    """A multi-page TIFF whose first page is small and a later one a bomb is refused by that
    page's number; so is a scan of more pages than the limit; good frames come back decoded."""
    from PIL import Image

    def tiff(*sizes: tuple[int, int]) -> bytes:
        first, *rest = [Image.new("L", size, 255) for size in sizes]
        out = io.BytesIO()
        first.save(out, "TIFF", save_all=True, append_images=rest, compression="tiff_deflate")
        return out.getvalue()

    # the generator seeks one picture from frame to frame: each is read as it comes
    sizes = [frame.size for frame in untrusted.image_frames(tiff((120, 170), (170, 120)), "scan.tiff")]
    assert sizes == [(120, 170), (170, 120)]
    seen: list[tuple[int, int]] = []
    limits = untrusted.Limits(pixels=50_000)
    with pytest.raises(untrusted.RefusedFileError, match=r"too many pixels \(400×400\)"):
        for frame in untrusted.image_frames(tiff((100, 100), (400, 400)), "scan.tiff", limits):
            seen.append(frame.size)
    assert seen == [(100, 100)]
    with pytest.raises(untrusted.RefusedFileError, match="too many pages"):
        list(untrusted.image_frames(tiff(*[(50, 50)] * 4), "scan.tiff", untrusted.Limits(frames=3)))
