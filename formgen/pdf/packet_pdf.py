"""Assemble a packet's PDFs into one print file. The PDF module that owns pypdf.

A packet is printed and bound by a bureau, so every page is A4 portrait: a landscape page
(a summary table) is turned with its top to the left, as GB/T 9704 has wide tables printed,
and a scan is placed on an A4 page at its own resolution, never enlarged. Pages are numbered
continuously "— N —" on the outer side; N is the page's place in its copy, so a blank page
put in for duplex printing, a cover and the contents page keep their place but show no
number. Each copy starts on an odd page; with duplex, so does each document.

The same inputs give the same bytes: fixed dates, and a document id that is a hash of the
file's own content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    Destination,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
    StreamObject,
    TextStringObject,
)

from formgen.document.package import fixed_time, write_atomic
from formgen.pdf import page_codes, scans, type1
from formgen.pdf.convert import in_background
from formgen.pdf.scans import IMAGE_SUFFIXES

A4_W, A4_H = 595.28, 841.89
_MM = 72 / 25.4
SCAN_BOX_MM = (15.0, 30.0, 15.0, 15.0)
"""Margins (left, bottom, right, top) a scan is fitted into, clear of the page number."""
TURNED_SCALE = 0.95
"""A turned landscape page is shrunk this much, kept to the top, so that its left margin
(now at the bottom) clears the page number."""


class PacketError(RuntimeError):
    """A packet could not be assembled (an attachment cannot be read)."""


@dataclass(frozen=True)
class Part:
    """One document or attachment of a packet, as a PDF (or a scan) to place."""

    title: str
    """Its bookmark, and its line on a contents page."""
    path: Path
    cover: bool = False
    """Its first page is a cover and carries no number."""


@dataclass(frozen=True)
class Metadata:
    """The packet's document information."""

    title: str
    author: str
    subject: str
    language: str = "zh-CN"


@dataclass(frozen=True)
class Options:
    """How the packet is printed."""

    copies: int = 1
    duplex: bool = False
    codes: bool = False
    """A page code (`page_codes`) at the foot of every page: the submission and the page."""


DEFAULT_OPTIONS = Options()


@dataclass
class _Slot:
    """One page of a copy: a part's page, or a blank (part None); `number` shown when set."""

    part: int | None
    page: int = 0
    number: int | None = None


@dataclass
class Layout:
    """Where each part lands in one copy (pages counted from 1)."""

    slots: list[_Slot] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    contents_pages: int = 0

    def ranges(self, counts: Sequence[int]) -> list[tuple[int, int]]:
        """The first and last page of each part."""
        return [(start, start + count - 1) for start, count in zip(self.starts, counts, strict=True)]


def plan(parts: Sequence[Part], counts: Sequence[int], options: Options, contents_pages: int = 0) -> Layout:
    """Lay out one copy: contents pages, then each part, with duplex blanks where needed."""
    layout = Layout(contents_pages=contents_pages)
    slots = layout.slots
    slots += [_Slot(-1, page=n) for n in range(contents_pages)]
    for index, (part, count) in enumerate(zip(parts, counts, strict=True)):
        if options.duplex and len(slots) % 2 == 1:
            slots.append(_Slot(None))
        layout.starts.append(len(slots) + 1)
        for page in range(count):
            place = len(slots) + 1
            numbered = not (part.cover and page == 0)
            slots.append(_Slot(index, page, place if numbered else None))
    if (options.duplex or options.copies > 1) and len(slots) % 2 == 1:
        slots.append(_Slot(None))
    return layout


def read_part(part: Part) -> PdfReader:
    """Open a part: a PDF as it is, a scan as a PDF of its pages at their own size."""
    try:
        if part.path.suffix.lower() in IMAGE_SUFFIXES:
            return PdfReader(io.BytesIO(scans.image_pdf(part.path)))
        return PdfReader(part.path)
    except (OSError, ValueError) as exc:
        raise PacketError(f"无法读取附件 / cannot read {part.path}: {exc}") from None


def _size(page: PageObject) -> tuple[float, float]:
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    return (height, width) if (page.rotation or 0) % 180 else (width, height)


def _is_a4_portrait(width: float, height: float) -> bool:
    return abs(width - A4_W) < 3 and abs(height - A4_H) < 3


def place_on_a4(writer: PdfWriter, page: PageObject, *, scan: bool) -> PageObject:
    """Add `page` to `writer` as an A4 portrait page and return the added page.

    An A4 portrait page goes in as it is; a landscape one is turned top-to-the-left; anything
    else is shrunk to fit (a scan into margins clear of the page number) and centred, never
    enlarged.
    """
    if page.rotation:
        page.transfer_rotation_to_content()
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    if _is_a4_portrait(width, height) and not scan:
        return writer.add_page(page)
    turn = width > height and not scan
    if turn:
        # Landscape: top edge to the page's left, the way GB/T 9704 prints wide tables.
        width, height = height, width
        placed = (
            Transformation().translate(-float(box.left), -float(box.bottom)).rotate(90).translate(width, 0)
        )
    else:
        placed = Transformation().translate(-float(box.left), -float(box.bottom))
    left, bottom, right, top = (m * _MM for m in SCAN_BOX_MM) if scan else (0.0, 0.0, 0.0, 0.0)
    room_w, room_h = A4_W - left - right, A4_H - bottom - top
    scale = min(room_w / width, room_h / height, 1.0)
    if turn:
        scale = min(scale, TURNED_SCALE)
    x = left + (room_w - width * scale) / 2
    y = bottom + (room_h - height * scale) / 2 if not scan and not turn else A4_H - top - height * scale
    matrix = placed.scale(scale, scale).translate(x, y)
    if scan:
        target = writer.add_blank_page(A4_W, A4_H)
        target.merge_transformed_page(page, matrix)
        return target
    # A document's page keeps its own content and resources, drawn through the matrix: no
    # parsing of its content stream (a table's page holds thousands of operators).
    added = writer.add_page(page)
    _wrap_content(writer, added, b"q %s cm\n" % _numbers(matrix.ctm), b"\nQ\n")
    added.mediabox = RectangleObject((0, 0, A4_W, A4_H))
    for name in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
        if name in added:
            del added[NameObject(name)]
    return added


def _numbers(values: Sequence[float]) -> bytes:
    return b" ".join(b"%.6f" % value for value in values)


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream.flate_encode())


def _wrap_content(writer: PdfWriter, page: PageObject, before: bytes, after: bytes) -> None:
    """Put `before` and `after` around `page`'s content, as streams of its own contents array."""
    contents = page.get(NameObject("/Contents"))
    streams: list[Any] = []
    if contents is not None:
        resolved = contents.get_object()
        streams = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([_stream(writer, before), *streams, _stream(writer, after)])


class _Stamps:
    """The number sheet's pages as form XObjects: each page number is drawn on its page by
    one ``Do`` after the page's own content, which is never parsed."""

    def __init__(self, writer: PdfWriter, reader: PdfReader) -> None:
        self.writer = writer
        self.reader = reader
        self.forms: dict[int, IndirectObject] = {}

    def _form(self, number: int) -> IndirectObject:
        if number not in self.forms:
            page = self.reader.pages[number - 1]
            form = DecodedStreamObject()
            contents = page.get_contents()
            form.set_data(contents.get_data() if contents is not None else b"")
            box = page.mediabox
            form.update(
                {
                    NameObject("/Type"): NameObject("/XObject"),
                    NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): ArrayObject(
                        FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)
                    ),
                    NameObject("/Resources"): cast(Any, page["/Resources"]).clone(self.writer),
                }
            )
            self.forms[number] = self.writer._add_object(form.flate_encode())
        return self.forms[number]

    def stamp(self, page: PageObject, number: int) -> None:
        """Draw page `number` of the number sheet over `page`."""
        _draw_after(self.writer, page, f"/FormgenPageNumber{number}", self._form(number))


def _draw_after(writer: PdfWriter, page: PageObject, name: str, form: IndirectObject) -> None:
    """Draw the form XObject `form` over `page`, after its own content, which is never parsed."""
    key = NameObject(name)
    resources = page.get(NameObject("/Resources"))
    resources = DictionaryObject() if resources is None else resources.get_object().clone(writer)
    xobjects = resources.get(NameObject("/XObject"))
    xobjects = DictionaryObject() if xobjects is None else xobjects.get_object().clone(writer)
    xobjects[key] = form
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    _wrap_content(writer, page, b"q\n", b"\nQ\nq %s Do Q\n" % key.encode())


def _code_form(writer: PdfWriter, code: page_codes.PageCode) -> IndirectObject:
    """The page code `code` as a form XObject over an A4 page."""
    drawn = page_codes.drawing(code, A4_W)
    label = StreamObject()
    label._data = drawn.picture
    label.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(drawn.width),
            NameObject("/Height"): NumberObject(drawn.height),
            NameObject("/ImageMask"): BooleanObject(True),
            NameObject("/BitsPerComponent"): NumberObject(1),
            NameObject("/Decode"): ArrayObject([NumberObject(1), NumberObject(0)]),
            NameObject("/Filter"): NameObject("/FlateDecode"),
        }
    )
    form = DecodedStreamObject()
    form.set_data(drawn.operations)
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (0, 0, A4_W, A4_H)),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/XObject"): DictionaryObject(
                        {NameObject("/FormgenCodeLabel"): writer._add_object(label)}
                    )
                }
            ),
        }
    )
    return writer._add_object(form.flate_encode())


def _stamp_codes(writer: PdfWriter) -> None:
    """Draw a page code on every page of `writer` (one copy): its submission is the hash of
    the copy as it is now, without codes, serialised as it would be written (so, for one copy,
    the SHA-256 of the same packet made without codes)."""
    submission = page_codes.submission_code(_serialise(writer))
    count = len(writer.pages)
    for index, page in enumerate(writer.pages):
        code = page_codes.PageCode(submission, index + 1, count)
        _draw_after(writer, page, f"/FormgenPageCode{index + 1}", _code_form(writer, code))


def assemble(
    parts: Sequence[Part],
    target: Path,
    *,
    numbers: Callable[[int], Path],
    metadata: Metadata,
    options: Options = DEFAULT_OPTIONS,
    contents: Callable[[list[tuple[str, int, int]]], Path] | None = None,
) -> Path:
    """Write the packet of `parts` to `target`.

    `numbers(n)` returns a PDF whose page k shows the number k, for k up to n; `contents`,
    when given, returns the contents page(s) as a PDF for (label, first, last) lines.
    """
    if options.copies < 1:
        raise ValueError("copies must be at least 1")
    readers = [read_part(part) for part in parts]
    counts = [len(reader.pages) for reader in readers]
    for part, count in zip(parts, counts, strict=True):
        if count == 0:
            raise PacketError(f"{part.title}: 没有页面 / {part.path.name} has no pages")
    contents_reader: PdfReader | None = None
    layout = plan(parts, counts, options)
    if contents is not None:
        pages = 1
        for _ in range(4):  # the contents' own length moves every page after it
            layout = plan(parts, counts, options, contents_pages=pages)
            lines = [(p.title, a, b) for p, (a, b) in zip(parts, layout.ranges(counts), strict=True)]
            contents_reader = PdfReader(contents(lines))
            if len(contents_reader.pages) == pages:
                break
            pages = len(contents_reader.pages)
        else:
            raise PacketError("目录页数不稳定 / the contents page count does not settle")
    highest = max((slot.number or 0) for slot in layout.slots)
    stamps = PdfReader(numbers(highest)) if highest else None
    if stamps is not None and len(stamps.pages) < highest:
        raise PacketError(f"页码页不足 / the number sheet has {len(stamps.pages)} pages, {highest} needed")

    writer = PdfWriter()
    stamper = _Stamps(writer, stamps) if stamps is not None else None
    placed: dict[tuple[int, int], int] = {}
    for slot in layout.slots:
        if slot.part is None:
            writer.add_blank_page(A4_W, A4_H)
            continue
        if slot.part == -1:
            assert contents_reader is not None
            added = place_on_a4(writer, contents_reader.pages[slot.page], scan=False)
        else:
            scan = parts[slot.part].path.suffix.lower() in IMAGE_SUFFIXES
            added = place_on_a4(writer, readers[slot.part].pages[slot.page], scan=scan)
        placed[(slot.part, slot.page)] = len(writer.pages) - 1
        if slot.number is not None and stamper is not None:
            stamper.stamp(added, slot.number)
    if contents_reader is not None:
        writer.add_outline_item(title="目录", page_number=placed[(-1, 0)])
    for index, (part, reader) in enumerate(zip(parts, readers, strict=True)):
        mark = writer.add_outline_item(title=part.title, page_number=placed[(index, 0)])
        targets = {n: placed[(index, n)] for n in range(counts[index])}
        _copy_outline(writer, reader, reader.outline, mark, targets)
    writer.pdf_header = "%PDF-1.7"
    if options.codes:
        # Hashed as the file it would be without codes: its code is that file's SHA-256.
        _finish(writer, metadata)
        _stamp_codes(writer)
    if options.copies > 1:
        # Each copy from its own reader of the one copy: distinct pages, bookmarks per copy.
        one = io.BytesIO()
        writer.write(one)
        writer = PdfWriter()
        for copy in range(options.copies):
            writer.append(PdfReader(io.BytesIO(one.getvalue())), outline_item=f"第{copy + 1}份")
        writer.pdf_header = "%PDF-1.7"
    _finish(writer, metadata)
    return _write_reproducible(writer, target)


def _copy_outline(
    writer: PdfWriter, reader: PdfReader, items: Sequence[Any], parent: Any, pages: dict[int, int]
) -> None:
    """Copy a part's own bookmarks (its headings) below its bookmark, pointing at its pages."""
    last: Any = None
    for item in items:
        if isinstance(item, list):
            if last is not None:
                _copy_outline(writer, reader, item, last, pages)
            continue
        if not isinstance(item, Destination):
            continue
        number = reader.get_destination_page_number(item)
        if number is None or number not in pages:
            continue
        last = writer.add_outline_item(
            title=str(item.title), page_number=pages[number], parent=parent, fit=Fit.fit()
        )


def _finish(writer: PdfWriter, metadata: Metadata, *, tools: bool = True) -> None:
    """Set the document information; `tools` names formgen as creator and producer (PDF/A
    keeps Ghostscript's, which its XMP repeats)."""
    stamp = fixed_time().strftime("D:%Y%m%d%H%M%SZ")
    info = {
        "/Title": metadata.title,
        "/Author": metadata.author,
        "/Subject": metadata.subject,
        "/CreationDate": stamp,
        "/ModDate": stamp,
    }
    if tools:
        info |= {"/Creator": "formgen", "/Producer": "formgen (LibreOffice, pypdf)"}
    writer.add_metadata(info)
    writer._root_object[NameObject("/Lang")] = TextStringObject(metadata.language)
    writer.page_mode = "/UseOutlines"


def _write_reproducible(writer: PdfWriter, target: Path) -> Path:
    """Write with a document id that is the hash of the content, so equal inputs give equal bytes.

    Written once with a placeholder id of the id's own length, hashed, and the placeholder then
    replaced in place: no offset moves, and the file is not serialised twice.
    """
    write_atomic(target, _serialise(writer))
    return target


def _serialise(writer: PdfWriter) -> bytes:
    """The file `writer` makes, font counters out, streams deflated, its id the content's hash."""
    type1.drop_font_counters(writer)
    _compress_streams(writer)
    writer._ID = ArrayObject([ByteStringObject(_ID_PLACEHOLDER), ByteStringObject(_ID_PLACEHOLDER)])
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    placeholder = b"<" + _ID_PLACEHOLDER.hex().encode() + b">"
    if data.count(placeholder) != 2:
        raise PacketError("文件标识未写出 / the document id was not written where expected")
    digest = b"<" + hashlib.md5(data, usedforsecurity=False).hexdigest().encode() + b">"
    return data.replace(placeholder, digest)


def _compress_streams(writer: PdfWriter) -> None:
    """Deflate every stream that has no filter, but Type 1 font programs.

    A packet's documents come from LibreOffice uncompressed (`convert.Converter` with
    `compress` False) and are compressed here once. A Type 1 program is nearly all encrypted
    bytes, which deflate cannot shrink (`type1`), so it stays as it is.
    """
    for index, obj in enumerate(writer._objects):
        if not isinstance(obj, StreamObject) or "/Filter" in obj or "/Length2" in obj:
            continue
        plain = DecodedStreamObject()  # a parsed content stream keeps its data as operations
        plain.update({key: value for key, value in obj.items() if key != "/Length"})
        plain.set_data(obj.get_data())
        packed = plain.flate_encode()
        packed.indirect_reference = obj.indirect_reference
        writer._objects[index] = packed


_ID_PLACEHOLDER = b"formgen-id-00000"
"""16 bytes, as an MD5 digest."""


# -- PDF/A-2b --------------------------------------------------------------------------------

_PDFA_DEF = """%!
/ICCProfile ({icc}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} <<
  /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {{icc_PDFA}}
  /OutputConditionIdentifier (sRGB) /Info (sRGB IEC61966-2.1)
>> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""


def find_ghostscript() -> str:
    """Return Ghostscript, or raise with what to install."""
    found = shutil.which("gs")
    if not found:
        raise PacketError(
            "未找到Ghostscript / Ghostscript not found: apt-get install ghostscript (make setup)"
        )
    return found


def _srgb_profile() -> Path:
    for candidate in sorted(Path("/usr/share/ghostscript").glob("*/iccprofiles/srgb.icc")) + sorted(
        Path("/usr/share/color/icc").rglob("sRGB*.icc")
    ):
        return candidate
    raise PacketError("未找到sRGB色彩配置 / no sRGB ICC profile found (install ghostscript)")


def to_pdfa(source: Path, target: Path, *, metadata: Metadata, timeout: float = 300.0) -> Path:
    """Rewrite `source` as PDF/A-2b through Ghostscript: fonts embedded, an sRGB output
    intent, XMP identification; then fix its dates and ids so it is reproducible."""
    gs = find_ghostscript()
    with tempfile.TemporaryDirectory(prefix="formgen-pdfa-") as work:
        definition = Path(work) / "PDFA_def.ps"
        icc = _srgb_profile()
        definition.write_text(_PDFA_DEF.format(icc=icc), encoding="ascii")
        made = Path(work) / "pdfa.pdf"
        command = [
            gs,
            "-q",
            "-dPDFA=2",
            "-dBATCH",
            "-dNOPAUSE",
            "-dNOOUTERSAVE",
            "-dPDFACompatibilityPolicy=1",
            "-sColorConversionStrategy=RGB",
            "-sDEVICE=pdfwrite",
            f"--permit-file-read={icc}",
            f"-sOutputFile={made}",
            str(definition),
            str(source),
        ]
        epoch = int(fixed_time().replace(tzinfo=dt.UTC).timestamp())
        env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": str(epoch)}
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, env=env, preexec_fn=in_background
            )
        except subprocess.TimeoutExpired:
            raise PacketError(f"Ghostscript超时 / Ghostscript timed out after {timeout:g} s") from None
        if result.returncode != 0 or not made.is_file():
            raise PacketError(
                f"PDF/A转换失败 / Ghostscript failed: {(result.stderr or result.stdout)[-500:]}"
            )
        writer = PdfWriter(clone_from=PdfReader(made))
        writer.pdf_header = "%PDF-1.7"
        # Ghostscript's rewrite of nested bookmarks misplaces some: copy the packet's own.
        original = PdfReader(source)
        if "/Outlines" in writer._root_object:
            del writer._root_object["/Outlines"]
        pages = dict(enumerate(range(len(writer.pages))))
        _copy_outline(writer, original, original.outline, None, pages)
        _finish(writer, metadata, tools=False)
        _fix_xmp(writer, metadata)
        return _write_reproducible(writer, target)


_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
  xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>{producer}</pdf:Producer>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{when}</xmp:CreateDate>
<xmp:ModifyDate>{when}</xmp:ModifyDate>
<xmp:MetadataDate>{when}</xmp:MetadataDate>
<xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID>
<xmpMM:InstanceID>uuid:{uuid}</xmpMM:InstanceID>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def _fix_xmp(writer: PdfWriter, metadata: Metadata) -> None:
    """Replace Ghostscript's XMP with one that repeats the document information exactly (as
    PDF/A requires), with formgen's fixed time and an id derived from the metadata."""
    info: dict[str, Any] = dict(writer.metadata or {})
    seed = hashlib.sha256(f"{metadata.title}|{metadata.author}|{metadata.subject}".encode()).hexdigest()
    values = {
        "title": metadata.title,
        "author": metadata.author,
        "subject": metadata.subject,
        "language": metadata.language,
        "producer": str(info.get("/Producer", "")),
        "creator": str(info.get("/Creator", "")),
    }
    xmp = _XMP.format(
        **{key: escape(value) for key, value in values.items()},
        when=fixed_time().strftime("%Y-%m-%dT%H:%M:%SZ"),
        uuid=f"{seed[:8]}-{seed[8:12]}-{seed[12:16]}-{seed[16:20]}-{seed[20:32]}",
    )
    stream = DecodedStreamObject()
    stream.set_data(xmp.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
