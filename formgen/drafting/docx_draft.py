"""One Word form drafted: its places found and named, and its template written."""

from __future__ import annotations

from dataclasses import dataclass

from formgen.data import untrusted
from formgen.drafting import docx_places, docx_template, naming
from formgen.drafting.places import Found
from formgen.drafting.wordgrid import W


@dataclass
class DraftedDocx:
    """The places of a Word form, with paths, and the template holding their tags."""

    found: Found
    template: bytes


def draft(content: bytes, name: str) -> DraftedDocx:
    """Draft the Word form `content` (already `untrusted.inspect`-ed as a DOCX named `name`)."""
    package = untrusted.SafePackage(content, name)
    root = package.xml(docx_template.DOCUMENT_PART)
    body = root.find(f"{W}body")
    if body is None:
        raise untrusted.RefusedFileError(name, "文档没有正文", "the document has no body")
    found = docx_places.find(body)
    naming.assign(found.places)
    docx_template.insert_tags(found.places)
    return DraftedDocx(found, docx_template.write(content, root))
