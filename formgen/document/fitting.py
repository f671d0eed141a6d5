"""Identifiers whole on one line: a code, number, address or date in a narrow table cell is set
a size smaller rather than broken.

A reviewer checks a 统一社会信用代码 against a licence character by character, so it must not
print as ``91510107MA62L3R5`` / ``XE``. Runs in the identifier style (`wordml.identifier_run`)
are measured against their cell's width, and given the largest of the Chinese type sizes
(the paragraph's own, then 五号, 小五, 六号) at which they fit. The measure is deliberately
generous (a Latin character is taken as 0.62 of the size; the CJK faces' Latin is 0.5 to 0.6),
so the text fits whatever free face prints it; a value too long even at 六号 keeps 六号.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from lxml import etree

from formgen.document.wordml import IDENTIFIER_STYLE

SMALLER_SIZES = (10.5, 9.0, 7.5)
"""五号, 小五, 六号, in points."""
LATIN_EM = 0.62
CJK_START = 0x2E80
CELL_MARGINS_PT = 2 * 5.4 + 2
"""The cells' left and right margins (0.19 cm each, the tables' default) and a point each side."""


def text_width(text: str, size: float) -> float:
    """A generous estimate of the width of `text` set at `size` points, in points."""
    return sum(size if ord(ch) >= CJK_START else size * LATIN_EM for ch in text)


_IN_IDENTIFIER_STYLE = etree.XPath(
    ".//w:r[w:rPr/w:rStyle/@w:val=$style] | .//w:sdtPr[w:rPr/w:rStyle/@w:val=$style]",
    namespaces={"w": nsmap["w"]},
)
"""Identifier runs and the properties of identifier controls, in document order."""


def fit_identifiers(document: Any, samples: Mapping[str, str] | None = None) -> int:
    """Set a smaller size on each identifier run too wide for its cell; return how many.

    A blank form's identifier controls are sized by `samples` (tag to the longest value likely),
    through the run properties Word gives what a person types in place of the prompt. Only the
    identifiers are visited (one XPath query), not every run of every cell: a tenth of a form's
    rendering time before.
    """
    found = _IN_IDENTIFIER_STYLE(document.element.body, style=IDENTIFIER_STYLE)
    if not found:
        return 0
    sizes = _style_sizes(document)
    samples = samples or {}
    changed = 0
    for owner in found:
        paragraph = next(owner.iterancestors(qn("w:p")), None)
        cell = None if paragraph is None else next(paragraph.iterancestors(qn("w:tc")), None)
        width = None if cell is None else cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
        if paragraph is None or width is None or width.get(qn("w:type")) != "dxa":
            continue
        room = int(width.get(qn("w:w"))) / 20 - CELL_MARGINS_PT
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        size = sizes.get(None if style is None else style.get(qn("w:val")), sizes[None])
        if owner.tag == qn("w:r"):
            text = "".join(t.text or "" for t in owner.iter(qn("w:t")))
            changed += _fit(owner.find(qn("w:rPr")), text, size, room)
            continue
        tag = owner.find(qn("w:tag"))
        sample = None if tag is None else samples.get(tag.get(qn("w:val")))
        if sample:
            changed += _fit(owner.find(qn("w:rPr")), sample, size, room)
    return changed


def _style_sizes(document: Any) -> dict[str | None, float]:
    """Each paragraph style's own size in points; None for the default paragraph style's."""
    sizes: dict[str | None, float] = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        size = style.find(f"{qn('w:rPr')}/{qn('w:sz')}")
        if style.get(qn("w:type")) != "paragraph" or size is None:
            continue
        points = int(size.get(qn("w:val"))) / 2
        sizes[style.get(qn("w:styleId"))] = points
        if style.get(qn("w:default")) in ("1", "true"):
            sizes[None] = points
    if None not in sizes and "Normal" in sizes:
        sizes[None] = sizes["Normal"]
    if None not in sizes:
        # A published document's styles may name no size at all: the document defaults hold it,
        # and without those Word sets 10 pt.
        default = document.styles.element.find(
            f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}"
        )
        sizes[None] = int(default.get(qn("w:val"))) / 2 if default is not None else 10.0
    return sizes


def _fit(rpr: Any, text: str, size: float, room: float) -> int:
    """Give the run properties `rpr` the largest size at which `text` fits `room`, if `size` is too large."""
    if not text or text_width(text, size) <= room:
        return 0
    smaller = next((s for s in SMALLER_SIZES if s < size and text_width(text, s) <= room), SMALLER_SIZES[-1])
    for name in ("w:sz", "w:szCs"):
        element = OxmlElement(name)
        element.set(qn("w:val"), str(round(smaller * 2)))  # half-points
        rpr.append(element)
    return 1
