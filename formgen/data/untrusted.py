"""Opening files that someone else sent: an applicant's form, a bureau's table, an upload.

Every such file is untrusted. Before a byte of it is parsed, `inspect` says what the file
really is by its content (never by its name) and refuses what formgen must not open:

- a file whose content is not what its extension says (a PDF named ``.docx``);
- a ZIP package with too many members, a member that inflates beyond a limit, or one whose
  inflation ratio gives a compression bomb away — checked on the sizes the archive declares,
  and reads are bounded by them, so a member that lies is cut off, never read whole;
- a macro-enabled document (``macroEnabled`` content type, a ``vbaProject.bin``), an
  encrypted one (an OLE container holding ``EncryptionInfo``, or ZIP encryption), an old
  binary ``.doc``/``.xls``.

`SafePackage` then reads members within those limits, and `parse_xml` parses their XML
with no DTD at all: an entity, external or nested, is refused rather than expanded.

Pictures are checked for their size in pixels, files for their size on disk, and a
symbolic link is never followed (`read_file`). The same calls serve `formgen collect`,
`formgen read`, `formgen merge` and a web upload::

    content = untrusted.read_file(path)                    # or the upload's bytes
    kind = untrusted.inspect(content, "report.docx")      # "docx", or RefusedFileError
    root = untrusted.SafePackage(content).xml("word/document.xml")
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:
    from PIL import Image

from formgen.data.textfile import DataFileError

OFFICE = ("docx", "xlsx")
SCANS = ("pdf", "jpg", "png", "tiff")
_EXTENSIONS = {
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".pdf": "pdf",
    ".jpg": "jpg",
    ".jpeg": "jpg",
    ".png": "png",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".docm": "docx",
    ".xlsm": "xlsx",
}
_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class RefusedFileError(DataFileError):
    """An untrusted file formgen will not open, with the reason in Chinese and English."""

    def __init__(self, name: str, zh: str, en: str) -> None:
        self.name = name
        self.zh = zh
        self.en = en
        super().__init__(f"{name}: {zh} / {en}")


@dataclass(frozen=True)
class Limits:
    """What a package may hold. Real forms use a small part of each.

    A filled 申请报告 inflates to about 0.6 MB in 17 members; pasted photos make members of a
    few MB. Deflate reaches about 1000:1 on repeated bytes, text XML 5-30:1.
    """

    members: int = 1000
    member_bytes: int = 64 * 2**20
    total_bytes: int = 192 * 2**20
    ratio: float = 100.0
    """Checked for members above `ratio_floor` bytes: tiny parts compress as they like."""
    ratio_floor: int = 2**20
    xml_bytes: int = 16 * 2**20
    """XML parts cost about ten times their size to parse: a filled form's is under 2 MB."""
    file_bytes: int = 128 * 2**20
    """A whole file: the largest scan of a 营业执照 or 财务报表 is a few tens of MB."""
    pixels: int = 40_000_000
    """A picture's pixels, on each of its frames: an A4 page scanned at 600 dpi has 35 million.
    Decoded at up to 4 bytes a pixel, the largest frame takes 160 MB while it is read."""
    frames: int = 200
    """Pages of a multi-page TIFF: a scanned 财务报表 runs to a few dozen."""
    total_pixels: int = 300_000_000
    """All pages of a picture together: 34 A4 pages at 300 dpi (each is decoded in turn, so
    this bounds the time a picture takes, not the memory)."""


LIMITS = Limits()


def read_file(path: Path, *, limits: Limits = LIMITS) -> bytes:
    """The bytes of an untrusted file: never through a symbolic link, never beyond the limit.

    A link could point anywhere on the machine (another user's files); a huge file would be
    read whole into memory. OSError (missing, no permission) is left to the caller.
    """
    if path.is_symlink():
        raise RefusedFileError(path.name, "符号链接，不予读取", "a symbolic link is not read")
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise RefusedFileError(
            path.name,
            f"文件过大（{size / 2**20:.0f} MB，上限 {limits.file_bytes / 2**20:.0f} MB）",
            f"the file is too large ({size / 2**20:.0f} MB, at most {limits.file_bytes / 2**20:.0f} MB)",
        )
    return path.read_bytes()


def kind_of_name(name: str) -> str | None:
    """The kind of file its extension promises: "docx", "pdf", …, or None if formgen takes none."""
    return _EXTENSIONS.get(PurePath(name).suffix.lower())


def inspect(content: bytes, name: str, *, limits: Limits = LIMITS) -> str:
    """Return what `content` is ("docx", "xlsx", "pdf", "jpg", "png", "tiff"), or refuse it.

    The kind comes from the bytes; the extension of `name` must agree with it.
    """
    expected = kind_of_name(name)
    if expected is None:
        raise RefusedFileError(
            name,
            "不受理此类文件（应为DOCX、XLSX、PDF、JPG、PNG或TIFF）",
            "file type not accepted (expected DOCX, XLSX, PDF, JPG, PNG or TIFF)",
        )
    found = _sniff(content, name, limits)
    if found != expected:
        raise RefusedFileError(
            name,
            f"文件内容是{found.upper()}，与扩展名不符",
            f"the content is {found.upper()}, not what the extension says",
        )
    return found


def _sniff(content: bytes, name: str, limits: Limits) -> str:
    if content.startswith(_OLE):
        if "EncryptionInfo".encode("utf-16-le") in content:
            raise RefusedFileError(
                name,
                "文件已加密，请去除密码后重新保存",
                "the file is encrypted: remove the password and save it again",
            )
        raise RefusedFileError(
            name,
            "旧版Office二进制格式（.doc/.xls），请另存为.docx/.xlsx",
            "an old binary Office file (.doc/.xls): save it as .docx/.xlsx",
        )
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            if kind != "pdf":  # a PDF is parsed for real by formgen.pdf.rebuild, above this layer
                for _frame in image_frames(content, name, limits, load=False):
                    pass
            return kind
    if not content.startswith(b"PK"):
        raise RefusedFileError(name, "无法识别的文件内容", "the content is of no known type")
    package = SafePackage(content, name, limits=limits)
    names = set(package.names)
    types = package.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise RefusedFileError(
            name,
            "含宏的文档，不予受理，请另存为不含宏的.docx/.xlsx",
            "a macro-enabled document is refused: save it as a plain .docx/.xlsx",
        )
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise RefusedFileError(
        name, "ZIP文件，但不是Word或Excel文档", "a ZIP file, but not a Word or Excel document"
    )


_PICTURE_FORMATS = ("PNG", "JPEG", "TIFF")
"""The Pillow decoders an untrusted picture may reach: no other plugin (EPS would start
Ghostscript, and each decoder is attack surface)."""


def image_frames(
    content: bytes, name: str, limits: Limits = LIMITS, *, load: bool = True
) -> Iterator[Image.Image]:
    """Each page of an untrusted picture, decoded (`load`) only once its size is checked.

    Pillow reads a frame's header when it opens the file or seeks to the frame, and decodes
    its pixels only on ``load()``: so every frame is measured against `limits.pixels` before
    a byte of it is decoded, not only the first (a 10×10 TIFF page can hide a 13000×13000
    one behind it). A TIFF's pages are its frames; a PNG or JPEG is its first picture (an
    animated PNG's later frames are not part of a scan). A damaged picture, or one that ends
    early, is refused here, when `load` decodes it.
    """
    from PIL import Image, UnidentifiedImageError  # only pictures need Pillow: `import formgen` stays light

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=_PICTURE_FORMATS) as image:
                frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
                if frames > limits.frames:
                    raise RefusedFileError(
                        name,
                        f"图片页数过多（{frames}页，上限{limits.frames}页）",
                        f"too many pages in the picture ({frames}, at most {limits.frames})",
                    )
                total = 0
                for index in range(frames):
                    image.seek(index)
                    _check_pixels(image.size, name, limits)
                    total += image.width * image.height
                    if total > limits.total_pixels:
                        raise RefusedFileError(
                            name,
                            f"图片各页像素合计过多（超过{limits.total_pixels // 1_000_000}百万）",
                            f"too many pixels in all pages together (over {limits.total_pixels // 1_000_000} million)",
                        )
                    if load:
                        image.load()
                    yield image
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            _check_pixels((limits.pixels, 2), name, limits)
        except UnidentifiedImageError:
            raise RefusedFileError(
                name,
                "图片已损坏，不是可读的PNG、JPEG或TIFF",
                "the picture is damaged: not a readable PNG, JPEG or TIFF",
            ) from None
        except (OSError, ValueError, SyntaxError, EOFError, struct.error, MemoryError) as exc:
            raise RefusedFileError(name, f"图片已损坏（{exc}）", f"the picture is damaged ({exc})") from None


def _check_pixels(size: tuple[int, int], name: str, limits: Limits) -> None:
    width, height = size
    if width * height > limits.pixels:
        raise RefusedFileError(
            name,
            f"图片像素过多（{width}×{height}），疑似解压炸弹",
            f"too many pixels ({width}×{height}): looks like a decompression bomb",
        )


class SafePackage:
    """A ZIP package (DOCX, XLSX) read within `Limits`; refuses a bomb before inflating it."""

    def __init__(self, content: bytes, name: str = "file", *, limits: Limits = LIMITS) -> None:
        self.name = name
        self.limits = limits
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(content))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise RefusedFileError(
                name, f"不是完整的Word/Excel文档（{exc}）", f"not a whole Word/Excel document ({exc})"
            ) from None
        if len(infos) > limits.members:
            raise RefusedFileError(
                name, f"压缩包成员过多（{len(infos)}个）", f"too many members in the package ({len(infos)})"
            )
        total = 0
        for info in infos:
            total += info.file_size
            if info.flag_bits & 0x1:
                raise RefusedFileError(
                    name,
                    "文件已加密，请去除密码后重新保存",
                    "the file is encrypted: remove the password and save it again",
                )
            ratio = info.file_size / max(info.compress_size, 1)
            is_xml = info.filename.endswith((".xml", ".rels"))
            if (
                info.file_size > (limits.xml_bytes if is_xml else limits.member_bytes)
                or total > limits.total_bytes
                or (info.file_size > limits.ratio_floor and ratio > limits.ratio)
            ):
                raise RefusedFileError(
                    name,
                    f"疑似压缩炸弹：{info.filename} 解压后 {info.file_size / 2**20:.0f} MB（压缩比 {ratio:.0f}:1）",
                    f"looks like a compression bomb: {info.filename} inflates to "
                    f"{info.file_size / 2**20:.0f} MB (ratio {ratio:.0f}:1)",
                )
        self.names = [info.filename for info in infos]

    def read(self, member: str) -> bytes:
        """The bytes of `member`, never more than the archive declared for it."""
        try:
            info = self._zip.getinfo(member)
            with self._zip.open(info) as handle:
                data = handle.read(self.limits.member_bytes + 1)
        except KeyError:
            raise RefusedFileError(self.name, f"文档缺少 {member}", f"the document has no {member}") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise RefusedFileError(
                self.name, f"文档已损坏（{exc}）", f"the document is damaged ({exc})"
            ) from None
        if len(data) > self.limits.member_bytes:
            raise RefusedFileError(self.name, f"{member} 过大", f"{member} is too large")
        return data

    def xml(self, member: str) -> Any:
        """The root element of the XML member `member`, parsed by `parse_xml`."""
        return parse_xml(self.read(member), f"{self.name}:{member}")


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


def parse_xml(data: bytes, name: str) -> Any:
    """Parse untrusted XML: no DTD, so no entity of any kind (external, nested) is expanded.

    Office documents never declare a DTD; one that does is refused, not parsed around.
    """
    if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in data[:65536]:
        raise RefusedFileError(
            name,
            "XML含有DTD或实体声明（可能是恶意文件）",
            "the XML declares a DTD or entities (possibly hostile)",
        )
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise RefusedFileError(name, f"XML格式错误（{exc}）", f"malformed XML ({exc})") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise RefusedFileError(
            name, "XML含有DTD（可能是恶意文件）", "the XML declares a DTD (possibly hostile)"
        )
    return root
