"""The content controls of a Word document, as a reader of the form meets them, in order.

A blank form and a copy filled by hand hold the same controls in the same order, whatever
the editor did to their XML. Word and WPS keep each control whole with its tag. LibreOffice
7.4 drops every ``w:tag``, wraps each checkbox in a new control that carries only an alias,
drops a date picker's alias, and splits a text control into several sibling controls of the
same alias (the first holding the text). `controls` undoes that: wrappers are skipped, split
pieces become one control again, so both editors' files give one `Control` per input.

`word_fill` plays Word: it fills a blank's controls as Word stores them (the example
applicants of ``make demo``, and the tests).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Literal

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_STEP = re.compile(r"([^.\[\]]+)(?:\[([^\]]*)\])?")
_ROW_TAG = re.compile(r"^([^\[=]+)\[(\d+)\]")
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")

Kind = Literal["text", "date", "checkbox"]


@dataclass
class Control:
    """One input of a form: its tag (empty when an editor dropped it), alias, kind and content."""

    tag: str
    alias: str
    kind: Kind
    text: str
    """The text shown; for a date picker, the date as ISO when the picker stored it."""
    checked: bool = False
    placeholder: bool = False
    """Still showing its grey prompt (Word marks it; LibreOffice does not)."""
    row: Any = None
    """The table row (``w:tr``) the control sits in, if any: rows added by hand are told apart by it."""
    block: bool = False
    """A block-level control (paragraphs of its own), as Word keeps it."""
    after: list[str] = field(default_factory=list)
    """Paragraphs of the control's style that follow the one it fills alone, outside any
    control: where LibreOffice leaves the second and later paragraphs of a block control."""

    @property
    def symbol(self) -> str:
        """What the control is, as a tag-less file still shows it: for aligning with the blank."""
        return {"checkbox": "☐", "date": "<date>"}.get(self.kind, self.alias)


def controls(root: Any) -> list[Control]:
    """Every input control below `root` (a ``w:document``), in document order."""
    found: list[Control] = []
    last_element: Any = None
    for sdt in root.iter(W + "sdt"):
        if _has_inner(sdt):
            continue  # a wrapper LibreOffice added round a checkbox: its inner control counts
        control = _control(sdt)
        previous = found[-1] if found else None
        if (
            previous is not None
            and control.kind == previous.kind == "text"
            and not control.tag
            and control.alias == previous.alias
            and sdt.getprevious() is last_element
        ):
            last_element = sdt  # a piece of the same control, split by LibreOffice
            continue
        found.append(control)
        last_element = sdt
    return found


def _has_inner(sdt: Any) -> bool:
    return any(inner is not sdt for inner in sdt.iter(W + "sdt"))


def _control(sdt: Any) -> Control:
    pr = sdt.find(W + "sdtPr")
    pr = pr if pr is not None else etree.Element(W + "sdtPr")
    tag = _val(pr.find(W + "tag"))
    alias = _val(pr.find(W + "alias"))
    row = next(sdt.iterancestors(W + "tr"), None)
    box = pr.find(W14 + "checkbox")
    if box is not None:
        checked = box.find(W14 + "checked")
        ticked = checked is not None and checked.get(W14 + "val") in ("1", "true")
        return Control(tag, alias, "checkbox", "", checked=ticked, row=row)
    placeholder = pr.find(W + "showingPlcHdr") is not None
    date = pr.find(W + "date")
    text = _text(sdt).strip()
    if date is not None:
        full = date.get(W + "fullDate")
        return Control(
            tag, alias, "date", full[:10] if full else iso_date(text), placeholder=placeholder, row=row
        )
    parent = sdt.getparent()
    block = parent is not None and parent.tag != W + "p"
    after = [] if block else _paragraphs_after(sdt)
    return Control(tag, alias, "text", text, placeholder=placeholder, row=row, block=block, after=after)


def _paragraphs_after(sdt: Any) -> list[str]:
    """The texts of the paragraphs after the one `sdt` fills alone, while they keep its style."""
    paragraph = sdt.getparent()
    if (
        paragraph is None
        or paragraph.tag != W + "p"
        or "".join(
            t.text or "" for t in paragraph.iter(W + "t") if next(t.iterancestors(W + "sdt"), None) is None
        ).strip()
    ):
        return []
    style = _style(paragraph)
    texts = []
    following = paragraph.getnext()
    while (
        following is not None
        and following.tag == W + "p"
        and _style(following) == style
        and next(following.iter(W + "sdt"), None) is None
        and following.find(f"{W}pPr/{W}sectPr") is None
    ):
        texts.append("".join(t.text or "" for t in following.iter(W + "t")))
        following = following.getnext()
    while texts and not texts[-1].strip():
        texts.pop()
    return texts


def _style(paragraph: Any) -> str:
    return _val(paragraph.find(f"{W}pPr/{W}pStyle"))


def iso_date(text: str) -> str:
    """ "2023年4月14日" as "2023-04-14"; other text as it is (validation names what is wrong)."""
    match = _CN_DATE.match(text)
    if not match:
        return text
    try:
        return dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return text


def _val(element: Any) -> str:
    return (element.get(W + "val") or "") if element is not None else ""


def _text(sdt: Any) -> str:
    """The text of a control's content: paragraphs on lines, breaks as newlines."""
    content = sdt.find(W + "sdtContent")
    if content is None:
        return ""
    blocks = content.findall(W + "p") or [content]
    lines = []
    for block in blocks:
        parts = []
        for node in block.iter(W + "t", W + "br", W + "tab"):
            if node.tag == W + "t":
                parts.append(node.text or "")
            else:
                parts.append("\n" if node.tag == W + "br" else "\t")
        lines.append("".join(parts))
    return "\n".join(lines)


def _insert_rows(root: Any, data: Any) -> dict[Any, str]:
    """Add table rows for list items beyond the blank's, as Word's "insert row" does.

    Word copies the last item's rows, tags and all; the returned map says which item each
    copied control is filled from (its tag stays the copied one, as in Word).
    """
    groups: dict[str, dict[int, list[Any]]] = {}
    for sdt in root.iter(W + "sdt"):
        match = _ROW_TAG.match(_val(sdt.find(f"{W}sdtPr/{W}tag")))
        row = next(sdt.iterancestors(W + "tr"), None)
        if match and row is not None:
            rows = groups.setdefault(match.group(1), {}).setdefault(int(match.group(2)), [])
            if row not in rows:
                rows.append(row)
    lookup: dict[Any, str] = {}
    for prefix, by_index in groups.items():
        items = value_at(data, prefix)
        last = max(by_index)
        if not isinstance(items, list) or len(items) <= last + 1:
            continue
        anchor = by_index[last][-1]
        for extra in range(last + 1, len(items)):
            for row in by_index[last]:
                copy = etree.fromstring(etree.tostring(row))
                anchor.addnext(copy)
                anchor = copy
                for sdt in copy.iter(W + "sdt"):
                    tag = _val(sdt.find(f"{W}sdtPr/{W}tag"))
                    lookup[sdt] = tag.replace(f"{prefix}[{last}]", f"{prefix}[{extra}]", 1)
    return lookup


def _type_into(content: Any, value: str) -> None:
    """Replace a control's prompt by `value` as Word stores typing: one paragraph a line in a
    block control, line breaks (``w:br``) in an inline one, and no grey."""
    for props in content.iter(W + "rPr"):
        for colour in props.findall(W + "color"):
            props.remove(colour)  # typed text is not grey
    lines = value.split("\n")
    paragraphs = content.findall(W + "p")
    if paragraphs:
        template = paragraphs[0]
        for extra in paragraphs:
            content.remove(extra)
        for line in lines:
            paragraph = etree.fromstring(etree.tostring(template))
            _set_text(paragraph, line)
            content.append(paragraph)
        return
    _set_text(content, lines[0])
    run = next(content.iter(W + "r"))
    for line in lines[1:]:
        etree.SubElement(run, W + "br")
        etree.SubElement(run, W + "t").text = line


def _set_text(element: Any, text: str) -> None:
    texts = list(element.iter(W + "t"))
    texts[0].text = text
    for extra in texts[1:]:
        extra.getparent().remove(extra)


# -- playing Word ----------------------------------------------------------------------------


def value_at(data: Any, tag: str) -> Any:
    """What a person fills into the control tagged `tag`: text, a date, or True for a tick."""
    path, _, option = tag.partition("=")
    current = data
    for name, index in _STEP.findall(path):
        if not isinstance(current, dict) or name not in current:
            return None
        current = current[name]
        if index:
            if index.isdigit():
                current = current[int(index)] if int(index) < len(current) else None
            else:  # a printed list's item, by its key: the item whose first field is the key
                current = next((item for item in current if index in item.values()), None)
                if current is None:
                    return None
                if tag.endswith(f"[{index}]"):
                    return True
    if option:
        return option == current or (isinstance(current, list) and option in current)
    return current


def word_fill(blank: bytes, data: Any) -> bytes:
    """The blank document with every control filled from `data` as Word stores it.

    Text replaces the prompt and the placeholder mark goes; a date picker gets its
    ``w:fullDate`` and shows 2023年4月14日; a ticked box gets ``w14:checked`` 1 and ☑.
    """
    source = zipfile.ZipFile(io.BytesIO(blank))
    root = etree.fromstring(source.read("word/document.xml"))
    lookup = _insert_rows(root, data)
    for sdt in root.iter(W + "sdt"):
        pr = sdt.find(W + "sdtPr")
        tag = _val(pr.find(W + "tag"))
        value = value_at(data, lookup.get(sdt, tag))
        box = pr.find(W14 + "checkbox")
        if box is not None:
            box.find(W14 + "checked").set(W14 + "val", "1" if value is True else "0")
            for text in sdt.find(W + "sdtContent").iter(W + "t"):
                text.text = "☑" if value is True else "☐"
            continue
        if value in (None, ""):
            continue
        plc = pr.find(W + "showingPlcHdr")
        if plc is not None:
            pr.remove(plc)
        date = pr.find(W + "date")
        if isinstance(value, dt.date) and date is not None:
            date.set(W + "fullDate", f"{value.isoformat()}T00:00:00Z")
            value = f"{value.year}年{value.month}月{value.day}日"
        _type_into(sdt.find(W + "sdtContent"), str(value))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = etree.tostring(root) if name == "word/document.xml" else source.read(name)
            target.writestr(name, content)
    return out.getvalue()
