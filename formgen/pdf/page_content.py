"""An untrusted PDF rewritten to its pages' content only: what prints, and nothing that acts.

A scan sent as PDF may carry more than its pages: JavaScript (``/OpenAction``, ``/AA``),
``/Launch`` and ``/URI`` links, annotations, embedded files, form fields, outlines. Copying
its pages into a packet would carry all of that to every reader of the packet. So the file
is not copied: a new PDF is written with, for each page, one form XObject holding the page's
content stream(s) and the resources they draw with (fonts, images, XObjects, colour spaces,
graphics states, patterns, shadings), and the page's boxes and rotation. Nothing else of the
original reaches the new file: objects are copied one by one from the page's resources,
and a dictionary that is an action, an annotation, a file specification or a page of the
original is left out wherever it hangs.

The parse is pypdf's, strict; whatever it cannot read, or beyond `RebuildLimits`, is refused
with a reason (`RefusedFileError`), never a traceback.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from formgen.data.untrusted import LIMITS, Limits, RefusedFileError


@dataclass(frozen=True)
class RebuildLimits:
    """What one PDF scan may hold. A scanned licence is a page or two of one image each."""

    pages: int = 500
    content_bytes: int = 32 * 2**20
    """A page's content, decoded: a scan's is a few bytes, a drawing's a few MB."""
    objects: int = 200_000
    depth: int = 64


REBUILD_LIMITS = RebuildLimits()

_RESOURCES = ("/Font", "/XObject", "/ExtGState", "/ColorSpace", "/Pattern", "/Shading", "/Properties")
"""The kinds of resources a content stream draws with; anything else in /Resources is dropped."""
_DROPPED_KEYS = frozenset(
    {
        "/A", "/AA", "/OpenAction", "/JS", "/JavaScript", "/Launch", "/URI", "/Annots", "/Parent",
        "/P", "/EmbeddedFiles", "/EF", "/AcroForm", "/Outlines", "/Names", "/Dests", "/Threads",
        "/B", "/Metadata", "/PieceInfo", "/StructParent", "/StructParents", "/Length",
        "/Ref", "/OPI", "/AF",
    }
)  # fmt: skip
"""Entries never copied: actions, links, the ways back to the original's page tree, and
references to files outside it (a reference XObject's ``/Ref``, ``/OPI``, ``/AF``)."""
_DROPPED_TYPES = frozenset(
    {"/Page", "/Pages", "/Catalog", "/Annot", "/Action", "/Filespec", "/EmbeddedFile", "/Outlines"}
)
_ACTIONS = frozenset(
    {
        "/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
        "/Rendition", "/Sound", "/Movie", "/ResetForm", "/Hide", "/Named", "/SetOCGState",
    }
)  # fmt: skip


class _Copier:
    """Copies objects of the original into `writer`, each once, leaving out what acts."""

    def __init__(self, writer: PdfWriter, name: str, limits: Limits, rebuild: RebuildLimits) -> None:
        self.writer = writer
        self.name = name
        self.limits = limits
        self.rebuild = rebuild
        self.memo: dict[tuple[int, int], PdfObject] = {}

    def copy(self, value: Any, depth: int = 0) -> PdfObject:
        """`value` as an object of the new file: an indirect one copied once, what acts dropped."""
        if depth > self.rebuild.depth or len(self.memo) > self.rebuild.objects:
            raise RefusedFileError(
                self.name, "PDF结构过深或对象过多", "the PDF is nested too deep or too large"
            )
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key not in self.memo:
                target = value.get_object()
                if _acts(target):
                    return NullObject()
                if not isinstance(target, (DictionaryObject, ArrayObject)):
                    return self.copy(target, depth + 1)
                shell = _empty_like(target)
                self.memo[key] = self.writer._add_object(shell)
                self._fill(shell, target, depth)
            return self.memo[key]
        if _acts(value):
            return NullObject()
        if isinstance(value, (DictionaryObject, ArrayObject)):
            shell = _empty_like(value)
            self._fill(shell, value, depth)
            return shell
        return value if isinstance(value, PdfObject) else NullObject()

    def _fill(self, shell: Any, source: Any, depth: int) -> None:
        """Copy `source`'s items into `shell`, and a stream's data as it is encoded."""
        if isinstance(source, ArrayObject):
            shell.extend(self.copy(item, depth + 1) for item in source)
            return
        if source.get("/Subtype") == "/Image":
            self._check_image(source)
        for key, item in source.items():
            if key in _DROPPED_KEYS or _acts(item.get_object() if isinstance(item, IndirectObject) else item):
                continue
            shell[NameObject(key)] = self.copy(item, depth + 1)
        if isinstance(source, StreamObject):
            shell._data = source._data  # still encoded, under the filters its entries name

    def _check_image(self, image: DictionaryObject) -> None:
        width, height = image.get("/Width", 0), image.get("/Height", 0)
        if not isinstance(width, int) or not isinstance(height, int) or width * height > self.limits.pixels:
            raise RefusedFileError(
                self.name,
                f"PDF中的图片像素过多（{width}×{height}）",
                f"an image in the PDF has too many pixels ({width}×{height})",
            )


def _empty_like(value: DictionaryObject | ArrayObject) -> DictionaryObject | ArrayObject:
    if isinstance(value, StreamObject):
        return StreamObject()
    return DictionaryObject() if isinstance(value, DictionaryObject) else ArrayObject()


def _acts(value: Any) -> bool:
    """Whether `value` is an action, a link, an annotation, a file or a page of the original."""
    if not isinstance(value, DictionaryObject):
        return False
    return value.get("/Type") in _DROPPED_TYPES or value.get("/S") in _ACTIONS


def page_content_pdf(
    content: bytes,
    name: str,
    *,
    limits: Limits = LIMITS,
    rebuild: RebuildLimits = REBUILD_LIMITS,
) -> bytes:
    """A new PDF holding only the pages' content of the PDF `content`; `RefusedFileError` if
    it does not parse (strictly), is encrypted, or is beyond the limits."""
    try:
        return _rewrite(content, name, limits, rebuild)
    except RefusedFileError:
        raise
    except RecursionError:
        raise RefusedFileError(name, "PDF结构过深", "the PDF is nested too deep") from None
    except Exception as exc:  # pypdf raises many kinds on hostile input: each is a refusal
        raise RefusedFileError(
            name, f"PDF已损坏，无法读取（{exc}）", f"the PDF is damaged and cannot be read ({exc})"
        ) from None


def _rewrite(content: bytes, name: str, limits: Limits, rebuild: RebuildLimits) -> bytes:
    reader = PdfReader(io.BytesIO(content), strict=True)
    if reader.is_encrypted:
        raise RefusedFileError(
            name,
            "PDF已加密，请去除密码后重新保存",
            "the PDF is encrypted: remove the password and save it again",
        )
    count = len(reader.pages)
    if not 0 < count <= rebuild.pages:
        raise RefusedFileError(
            name,
            f"PDF页数不符（{count}页，应为1至{rebuild.pages}页）",
            f"the PDF has {count} pages (1 to {rebuild.pages} are accepted)",
        )
    writer = PdfWriter()
    copier = _Copier(writer, name, limits, rebuild)
    for number, page in enumerate(reader.pages, start=1):
        drawing = _page_content(page, number, name, rebuild)
        box = [float(v) for v in page.mediabox]
        resources = page.get("/Resources")
        kept = DictionaryObject()
        if isinstance(resources, (DictionaryObject, IndirectObject)):
            resolved = resources.get_object()
            if isinstance(resolved, DictionaryObject):
                for kind in _RESOURCES:
                    if kind in resolved:
                        kept[NameObject(kind)] = copier.copy(resolved[kind])
        form = StreamObject()
        form._data = zlib.compress(drawing)
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(v) for v in box),
                NameObject("/Resources"): kept,
                NameObject("/Filter"): NameObject("/FlateDecode"),
            }
        )
        added = writer.add_blank_page(box[2] - box[0], box[3] - box[1])
        added[NameObject("/MediaBox")] = ArrayObject(FloatObject(v) for v in box)
        if "/CropBox" in page:
            added[NameObject("/CropBox")] = ArrayObject(FloatObject(float(v)) for v in page.cropbox)
        if page.rotation % 90 == 0 and page.rotation % 360:
            added[NameObject("/Rotate")] = NumberObject(page.rotation % 360)
        added[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/Page"): writer._add_object(form)})}
        )
        drawn = StreamObject()
        drawn._data = b"q /Page Do Q"
        added[NameObject("/Contents")] = writer._add_object(drawn)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_content(page: Any, number: int, name: str, rebuild: RebuildLimits) -> bytes:
    """The page's content streams, decoded and joined, within `rebuild.content_bytes`."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    resolved = contents.get_object()
    streams = list(resolved) if isinstance(resolved, ArrayObject) else [resolved]
    parts: list[bytes] = []
    total = 0
    for stream in streams:
        stream = stream.get_object()
        if not isinstance(stream, StreamObject):
            raise RefusedFileError(name, f"第{number}页内容已损坏", f"page {number}'s content is damaged")
        data = stream.get_data()
        total += len(data)
        if total > rebuild.content_bytes:
            raise RefusedFileError(
                name,
                f"第{number}页内容过大（超过{rebuild.content_bytes // 2**20} MB）",
                f"page {number}'s content is too large (over {rebuild.content_bytes // 2**20} MB)",
            )
        parts.append(data)
    return b"\n".join(parts)
