"""Make a packet's print file from its rendered documents and the submitter's attachments.

The documents go through warm LibreOffice workers (`convert.service`) with their own page
numbers emptied; `packet_pdf` puts them on A4 in order with the attachments, stamps the
continuous page numbers, adds bookmarks and, for a bureau, a contents page.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from formgen.document.package import write_atomic
from formgen.pdf import convert, packet_docx, packet_pdf
from formgen.pdf.packet_pdf import DEFAULT_OPTIONS, Metadata, Options, Part
from formgen.pdf.rebuild import Rebuilt


@dataclass(frozen=True)
class Document:
    """One rendered document of a packet."""

    title: str
    kind: Literal["docx", "xlsx"]
    data: bytes


@dataclass(frozen=True)
class Attachment:
    """One file the submitter supplies (a PDF or a scan), as `rebuild.rebuild_scan` wrote it
    again: the submitter's own bytes never reach the packet."""

    title: str
    scan: Rebuilt


def _converted(
    converter: convert.Converter | convert.ColdConverter, sources: list[Path], cache: Path | None
) -> list[Path]:
    """The PDF of each source: from `cache` when its bytes were converted before."""
    keys = [hashlib.sha256(source.read_bytes()).hexdigest() for source in sources]
    todo = [
        (source, source.with_suffix(".pdf"))
        for source, key in zip(sources, keys, strict=True)
        if cache is None or not (cache / f"{key}.pdf").is_file()
    ]
    converter.convert_many(todo, bookmarks=True)
    pdfs = []
    for source, key in zip(sources, keys, strict=True):
        pdf = source.with_suffix(".pdf")
        if cache is not None:
            kept = cache / f"{key}.pdf"
            if pdf.is_file():
                write_atomic(kept, pdf.read_bytes())
            else:
                shutil.copyfile(kept, pdf)
        pdfs.append(pdf)
    return pdfs


_number_sheets: dict[int, bytes] = {}
_number_lock = threading.Lock()


def _number_pdf(count: int, folder: Path, converter: convert.Converter | convert.ColdConverter) -> Path:
    """The PDF whose page k shows the number k, for k up to `count`, written into `folder`.

    A number sheet depends on its length alone, so each length is built and converted once per
    process and reused by every later packet: a batch of similar packets then converts one
    document less each (a third of LibreOffice's work for a two-document packet).
    """
    target = folder / f"numbers-{count}.pdf"
    with _number_lock:
        made = _number_sheets.get(count)
    if made is None:
        source = folder / f"numbers-{count}.docx"
        write_atomic(source, packet_docx.number_sheet(count))
        made = converter.convert(source, folder / f"numbers-{count}.made.pdf").read_bytes()
        with _number_lock:
            _number_sheets.setdefault(count, made)
    write_atomic(target, made)
    return target


def build(
    documents: Sequence[Document],
    attachments: Sequence[Attachment],
    target: Path,
    *,
    metadata: Metadata,
    options: Options = DEFAULT_OPTIONS,
    contents: bool = False,
    pdfa: bool = False,
    cache: Path | None = None,
) -> Path:
    """Write the packet to `target` (written whole or not at all) and return it.

    With `cache`, a folder, each document's PDF is kept there under the digest of the bytes
    converted, and taken from there when the same bytes come again: a bureau's second intake
    converts only the documents that changed (rendering is byte-stable, so unchanged data
    gives unchanged bytes).
    """
    with (
        tempfile.TemporaryDirectory(prefix="formgen-packet-") as work,
        convert.service(compress=False) as converter,
    ):
        folder = Path(work)
        sources: list[Path] = []
        covers: list[bool] = []
        for n, document in enumerate(documents, start=1):
            source = folder / f"{n:03d}.{document.kind}"
            if document.kind == "docx":
                prepared = packet_docx.for_packet(document.data)
                write_atomic(source, prepared.data)
                covers.append(prepared.has_cover)
            else:
                write_atomic(source, packet_docx.xlsx_for_packet(document.data))
                covers.append(False)
            sources.append(source)
        pdfs = _converted(converter, sources, cache)
        parts = [
            Part(document.title, pdf, cover=cover)
            for document, pdf, cover in zip(documents, pdfs, covers, strict=True)
        ]
        for n, attachment in enumerate(attachments, start=1):
            path = folder / f"attachment-{n:03d}.{attachment.scan.kind}"
            write_atomic(path, attachment.scan.content)
            parts.append(Part(attachment.title, path))

        def numbers(count: int) -> Path:
            return _number_pdf(count, folder, converter)

        def contents_pages(lines: list[tuple[str, int, int]]) -> Path:
            entries = [packet_docx.Entry(label, first, last) for label, first, last in lines]
            source = folder / "contents.docx"
            write_atomic(source, packet_docx.contents_sheet(metadata.title, metadata.author, entries))
            return converter.convert(source, source.with_suffix(".pdf"))

        assembled = folder / "packet.pdf"
        packet_pdf.assemble(
            parts,
            assembled,
            numbers=numbers,
            metadata=metadata,
            options=options,
            contents=contents_pages if contents else None,
        )
        if pdfa:
            return packet_pdf.to_pdfa(assembled, target, metadata=metadata)
        write_atomic(target, assembled.read_bytes())
        return target
