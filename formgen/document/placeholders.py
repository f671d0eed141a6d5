"""Placeholder building blocks: what an emptied content control shows again in Word and WPS.

A content control showing its prompt (``w:showingPlcHdr``) names a building block
(``w:placeholder/w:docPart``). When a person empties the control, Word puts that block's
content back; without one, Word shows its own English "Click or tap here to enter text."
The blocks live in the glossary part (``word/glossary/document.xml``), one ``w:docPart`` per
prompt, written here from the controls of the rendered document itself, so the prompt an
applicant sees first and the one that comes back are the same text.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import nsdecls, qn
from lxml import etree

GLOSSARY_PART = "/word/glossary/document.xml"


def add_glossary(document: Any) -> int:
    """Give `document` (python-docx) one placeholder block per prompt its controls name.

    Returns the number of blocks written; a document without prompting controls gets no part.
    """
    blocks = _blocks(document.element.body)
    if not blocks:
        return 0
    root = etree.fromstring(f"<w:glossaryDocument {nsdecls('w')}><w:docParts/></w:glossaryDocument>")
    doc_parts = root[0]
    for name, body in blocks.items():
        doc_parts.append(_doc_part(name, body))
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = Part(PackURI(GLOSSARY_PART), CT.WML_DOCUMENT_GLOSSARY, blob, document.part.package)
    document.part.relate_to(part, RT.GLOSSARY_DOCUMENT)
    return len(blocks)


def _blocks(body: Any) -> dict[str, list[Any]]:
    """Each placeholder name below `body`, in document order, with the paragraphs it shows."""
    found: dict[str, list[Any]] = {}
    for sdt in body.iter(qn("w:sdt")):
        ref = sdt.find(f"{qn('w:sdtPr')}/{qn('w:placeholder')}/{qn('w:docPart')}")
        content = sdt.find(qn("w:sdtContent"))
        if ref is None or content is None:
            continue
        name = ref.get(qn("w:val"))
        if name in found:
            continue
        shown = [copy.deepcopy(child) for child in content]
        if any(child.tag == qn("w:p") for child in shown):
            # A block control: its paragraphs, without the document's paragraph styles.
            paragraphs = [p for p in shown if p.tag == qn("w:p")]
            for paragraph in paragraphs:
                for properties in paragraph.findall(qn("w:pPr")):
                    paragraph.remove(properties)
        else:
            paragraph = etree.Element(qn("w:p"))
            paragraph.extend(shown)
            paragraphs = [paragraph]
        found[name] = paragraphs
    return found


def _doc_part(name: str, paragraphs: list[Any]) -> Any:
    """One ``w:docPart`` of the placeholder gallery named `name`, showing `paragraphs`."""
    guid = "{" + str(uuid.UUID(hex=name)).upper() + "}"
    part = etree.fromstring(
        f"<w:docPart {nsdecls('w')}><w:docPartPr>"
        f'<w:name w:val="{name}"/>'
        '<w:category><w:name w:val="General"/><w:gallery w:val="placeholder"/></w:category>'
        '<w:types><w:type w:val="bbPlcHdr"/></w:types>'
        '<w:behaviors><w:behavior w:val="content"/></w:behaviors>'
        f'<w:guid w:val="{guid}"/>'
        "</w:docPartPr><w:docPartBody/></w:docPart>"
    )
    part[1].extend(paragraphs)
    return part
