"""Schema order of WordprocessingML property elements, kept whatever wrote them.

Word refuses ("unreadable content") a document whose property elements are out of the order
ECMA-376 gives, where LibreOffice reads it. Several hands write these elements — python-docx,
formgen's layouts, the template engine (its ``{% vm %}`` appends ``w:vMerge`` after
``w:vAlign``) — so every document is put in order once, just before it is saved.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

# ECMA-376 Part 1 §17: the child sequences of the property containers formgen writes.
SCHEMA_ORDER: dict[str, tuple[str, ...]] = {
    "w:pPr": tuple(
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
        "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
        "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
        "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange".split()
    ),
    "w:rPr": tuple(
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
        "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
        "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath".split()
    ),
    "w:tblPr": tuple(
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription".split()
    ),
    "w:tcPr": tuple(
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark".split()
    ),
    "w:tblBorders": tuple("top left start bottom right end insideH insideV".split()),
    "w:tcBorders": tuple("top left start bottom right end insideH insideV tl2br tr2bl".split()),
}

_RANKS = {
    qn(container): {qn(f"w:{name}"): i for i, name in enumerate(order)}
    for container, order in SCHEMA_ORDER.items()
}


def put_in_order(root: Any) -> None:
    """Sort the children of every property container below `root` into schema order.

    Children the table does not know (extensions) keep their place after the known ones.
    """
    for tag, rank in _RANKS.items():
        for container in root.iter(tag):
            children = list(container)
            ordered = sorted(children, key=lambda child: rank.get(child.tag, len(rank)))
            if ordered != children:
                for child in children:
                    container.remove(child)
                container.extend(ordered)
