"""Word is strict where LibreOffice is lenient: property elements must come in schema order.

A document whose `w:pPr`, `w:rPr`, `w:tblPr`, `w:tcPr`, `w:sectPr` or `w:sdtPr` children are
out of the order ECMA-376 gives opens in LibreOffice but makes Word report unreadable
content. Every template and every rendered document is checked here.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

import formgen

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# ECMA-376 Part 1, the sequences of the property elements formgen and its layouts write.
ORDER: dict[str, list[str]] = {
    "pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
        "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
        "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
        "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split(),
    "rPr": (
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
        "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
        "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
    ).split(),
    "tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
    ).split(),
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark".split(),
    "sectPr": (
        "footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType pgNumType cols formProt vAlign "
        "noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings"
    ).split(),
    "sdtPr": "rPr alias tag id lock placeholder temporary showingPlcHdr dataBinding label tabIndex".split(),
    "tblBorders": "top left start bottom right end insideH insideV".split(),
    "tcBorders": "top left start bottom right end insideH insideV tl2br tr2bl".split(),
}


def _disorder(xml: bytes) -> list[str]:
    """Each container whose known children are out of schema order, with the children's order."""
    root = etree.fromstring(xml)
    found = []
    for name, order in ORDER.items():
        rank = {child: i for i, child in enumerate(order)}
        for element in root.iter(W + name):
            known = [c.tag[len(W) :] for c in element if c.tag.startswith(W) and c.tag[len(W) :] in rank]
            if [rank[k] for k in known] != sorted(rank[k] for k in known):
                found.append(f"{name}: {' '.join(known)}")
    return sorted(set(found))


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {
            n: package.read(n) for n in package.namelist() if n.startswith("word/") and n.endswith(".xml")
        }


DOCX_FORMS = [f.id for f in formgen.registry().forms() if f.kind == "docx"]


@pytest.mark.parametrize("form_id", DOCX_FORMS)
def test_blank_and_filled_documents_keep_schema_order(form_id: str) -> None:
    documents = {
        "template": formgen.form(form_id).template.read_bytes(),
        "blank": formgen.render_blank(form_id),
    }
    for n, instance in enumerate(formgen.api.form_data(form_id, formgen.example_data(form_id))):
        documents[f"filled {n}"] = formgen.render_filled(form_id, instance)
    problems = {
        f"{which} {part}": disorder
        for which, content in documents.items()
        for part, xml in _parts(content).items()
        if (disorder := _disorder(xml))
    }
    assert problems == {}


def test_the_check_finds_disorder() -> None:
    xml = f'<w:document xmlns:w="{W[1:-1]}"><w:p><w:pPr><w:jc w:val="left"/><w:pStyle w:val="x"/></w:pPr></w:p></w:document>'
    assert _disorder(xml.encode()) == ["pPr: jc pStyle"]
