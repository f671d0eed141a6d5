"""Putting a tag into a paragraph's text without touching the rest of it.

A paragraph's text is spread over runs (``w:r``), each with its own formatting. To replace
characters ``start..end`` by a tag, the runs are split at both ends, the runs in between
removed, and one run carrying the tag put in their place with the formatting of the first
removed one. Everything outside the range keeps its runs and formatting as published.
"""

from __future__ import annotations

import copy
from typing import Any

from formgen.drafting.wordgrid import W

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def pieces(paragraph: Any) -> list[tuple[Any, int]]:
    """Each text-bearing node of `paragraph` (``w:t``, ``w:tab``, ``w:br`` in runs) and its length,
    in the order `wordgrid.paragraph_text` reads them."""
    found = []
    for node in paragraph.iter(W + "t", W + "tab", W + "br"):
        if next(node.iterancestors(W + "p"), None) is not paragraph:
            continue  # a text box's own paragraph
        if node.tag == W + "t":
            found.append((node, len(node.text or "")))
        elif node.tag == W + "br" or (node.getparent() is not None and node.getparent().tag == W + "r"):
            found.append((node, 1))
    return found


def underlined(paragraph: Any) -> list[bool]:
    """For each character of the paragraph's text, whether its run is underlined."""
    marks: list[bool] = []
    for node, length in pieces(paragraph):
        run = node.getparent()
        u = run.find(f"{W}rPr/{W}u") if run is not None else None
        marks.extend([u is not None and u.get(W + "val") not in ("none", None, "0")] * length)
    return marks


def _split(paragraph: Any, offset: int) -> None:
    """Make `offset` fall on a run boundary."""
    position = 0
    for node, length in pieces(paragraph):
        if position < offset < position + length and node.tag == W + "t":
            run = node.getparent()
            if run is None or run.tag != W + "r":
                return
            k = offset - position
            text = node.text or ""
            tail = copy.deepcopy(run)
            index = list(run).index(node)
            for extra in list(run)[index + 1 :]:
                run.remove(extra)
            node.text = text[:k]
            node.set(XML_SPACE, "preserve")
            for early in [c for c in list(tail)[:index] if c.tag != W + "rPr"]:
                tail.remove(early)
            tail_t = next(c for c in tail if c.tag == W + "t")
            tail_t.text = text[k:]
            tail_t.set(XML_SPACE, "preserve")
            run.addnext(tail)
            return
        position += length


def replace(paragraph: Any, start: int, end: int, tag: str, *, block: bool = False) -> None:
    """Replace characters `start`..`end` of `paragraph`'s text by a run holding `tag`.

    With `block` the paragraph keeps only the tag (``{{p }}`` must have its paragraph alone).
    """
    if block:
        for run in [r for r in paragraph if r.tag in (W + "r", W + "hyperlink", W + "sdt")]:
            paragraph.remove(run)
        paragraph.append(_run(None, tag))
        return
    _split(paragraph, end)
    _split(paragraph, start)
    position = 0
    emptied: list[Any] = []
    before: Any = None
    for node, length in pieces(paragraph):
        run = node.getparent()
        if start < end and start <= position and position + length <= end and length:
            emptied.append(run)
            run.remove(node)
        elif before is None and position >= end:
            before = run
        position += length
    new = _run(emptied[0] if emptied else before, tag)
    if emptied:
        emptied[0].addprevious(new)
    elif before is not None:
        before.addprevious(new)
    else:
        paragraph.append(new)
    for run in emptied:
        if run.getparent() is not None and all(c.tag == W + "rPr" for c in run):
            run.getparent().remove(run)


def _run(model: Any, tag: str) -> Any:
    """A run holding `tag`, formatted as `model` (a ``w:r``) when given."""
    from lxml import etree

    run = etree.Element(W + "r")
    if model is not None:
        props = model.find(W + "rPr")
        if props is not None:
            run.append(copy.deepcopy(props))
    text = etree.SubElement(run, W + "t")
    text.text = tag
    text.set(XML_SPACE, "preserve")
    return run
