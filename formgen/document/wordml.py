"""WordprocessingML snippets: text runs, content controls and checkboxes.

Everything user-supplied passes through `escape_text`, so data is always data: XML
specials are escaped, and braces become character references so that no later pass of
the template engine can read ``{{`` or ``{%`` in user text as template syntax.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from xml.sax.saxutils import quoteattr

GREY = "808080"
# Word's own checkbox controls use MS Gothic for ☐ and ☑; formgen's fontconfig maps it to
# DejaVu Sans, which has both glyphs, when LibreOffice makes the PDF.
BOX_FONT = "MS Gothic"
CHECKED = "☑"
UNCHECKED = "☐"

_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "%": "&#37;"}


def escape_text(text: str) -> str:
    """Escape `text` for a `<w:t>` element, braces and percent signs included."""
    return "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text)


def _attr(value: str) -> str:
    """Quote an attribute value, braces escaped as in `escape_text`."""
    return quoteattr(value).replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")


def run(text: str, *, rpr: str = "") -> str:
    """Return one run holding `text`; line breaks and tabs become `<w:br/>` and `<w:tab/>`."""
    parts: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if chunk:
                parts.append(f'<w:t xml:space="preserve">{escape_text(chunk)}</w:t>')
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f"<w:r>{props}{''.join(parts)}</w:r>"


IDENTIFIER_STYLE = "Identifier"
"""The character style of codes, numbers, addresses and dates (`formgen.document.fitting`)."""


def identifier_run(text: str) -> str:
    """Return one run holding `text` in the identifier style."""
    return run(text, rpr=f'<w:rStyle w:val="{IDENTIFIER_STYLE}"/>') if text else run(text)


def box_run(checked: bool) -> str:
    """Return a run showing ☑ or ☐ in the checkbox font."""
    fonts = f'<w:rFonts w:ascii="{BOX_FONT}" w:eastAsia="{BOX_FONT}" w:hAnsi="{BOX_FONT}" w:hint="eastAsia"/>'
    return run(CHECKED if checked else UNCHECKED, rpr=fonts)


def paragraph(inner: str, style: str) -> str:
    """Return a paragraph in `style` around `inner` runs."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{inner}</w:p>'


def paragraphs(text: str, style: str) -> str:
    """Return one paragraph per non-empty line of `text`."""
    lines = [line.strip() for line in text.split("\n")]
    return "".join(paragraph(run(line), style) for line in lines if line)


def placeholder_name(prompt: str) -> str:
    """The name of the placeholder building block that shows `prompt`: the same prompt, the same name.

    Word and WPS show a control's building block again when a person empties the control;
    `formgen.document.placeholders` writes one block per name into the glossary part.
    """
    return uuid.uuid5(uuid.NAMESPACE_URL, f"formgen:placeholder:{prompt}").hex.upper()


def _sdt_pr(tag: str, alias: str, sdt_id: int, kind: str, *, prompt: str | None, style: str = "") -> str:
    # Word's order: rPr, alias, tag, id, placeholder, showingPlcHdr, then the control's kind.
    # The rPr is what Word gives the text a person types in place of the prompt.
    shown = (
        f'<w:placeholder><w:docPart w:val="{placeholder_name(prompt)}"/></w:placeholder><w:showingPlcHdr/>'
        if prompt is not None
        else ""
    )
    typed = f'<w:rPr><w:rStyle w:val="{style}"/></w:rPr>' if style else ""
    return (
        f"<w:sdtPr>{typed}<w:alias w:val={_attr(alias)}/><w:tag w:val={_attr(tag)}/>"
        f'<w:id w:val="{sdt_id}"/>{shown}{kind}</w:sdtPr>'
    )


def _prompt_run(prompt: str) -> str:
    return run(prompt, rpr=f'<w:color w:val="{GREY}"/>')


def text_control(
    tag: str, alias: str, prompt: str, sdt_id: int, *, multiline: bool = False, style: str = ""
) -> str:
    """Return an inline plain-text content control showing a grey `prompt`; what is typed in
    takes the character `style` if one is given."""
    kind = '<w:text w:multiLine="1"/>' if multiline else "<w:text/>"
    pr = _sdt_pr(tag, alias, sdt_id, kind, prompt=prompt, style=style)
    return f"<w:sdt>{pr}<w:sdtContent>{_prompt_run(prompt)}</w:sdtContent></w:sdt>"


def date_control(tag: str, alias: str, prompt: str, sdt_id: int, *, style: str = "") -> str:
    """Return an inline date-picker content control that writes dates as 2023年4月14日."""
    kind = (
        '<w:date><w:dateFormat w:val="yyyy年M月d日"/><w:lid w:val="zh-CN"/>'
        '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
    )
    pr = _sdt_pr(tag, alias, sdt_id, kind, prompt=prompt, style=style)
    return f"<w:sdt>{pr}<w:sdtContent>{_prompt_run(prompt)}</w:sdtContent></w:sdt>"


def checkbox_control(tag: str, alias: str, sdt_id: int, *, checked: bool = False) -> str:
    """Return a checkbox content control, clickable in Word and WPS."""
    kind = (
        f'<w14:checkbox><w14:checked w14:val="{int(checked)}"/>'
        f'<w14:checkedState w14:val="2611" w14:font="{BOX_FONT}"/>'
        f'<w14:uncheckedState w14:val="2610" w14:font="{BOX_FONT}"/></w14:checkbox>'
    )
    pr = _sdt_pr(tag, alias, sdt_id, kind, prompt=None)
    return f"<w:sdt>{pr}<w:sdtContent>{box_run(checked)}</w:sdtContent></w:sdt>"


def block_control(tag: str, alias: str, prompt: str, sdt_id: int, style: str) -> str:
    """Return a block-level rich-text control: the applicant may type several paragraphs."""
    pr = _sdt_pr(tag, alias, sdt_id, "", prompt=prompt)
    body = paragraph(_prompt_run(prompt), style)
    return f"<w:sdt>{pr}<w:sdtContent>{body}</w:sdtContent></w:sdt>"


def join(parts: Iterable[str]) -> str:
    """Concatenate XML fragments."""
    return "".join(parts)
