"""The parts of a 公文 (GB/T 9704-2012) that every notice has, for layout code to call in order.

A notice's layout reads like the paper, top to bottom::

    doc = new_document()
    doc_number(doc, "川经信办函〔2023〕110号", align="right")
    title(doc, "四川省经济和信息化厅办公室", "关于……的通知")
    addressee(doc, "各市（州）经济和信息化局，有关单位：")
    prose(doc, BODY)                      # the body, in the small markup below
    attachments(doc, ["……指南", "……汇总表"])
    signature(doc, "四川省经济和信息化厅办公室", "2023年4月14日")
    imprint(doc, "重庆市经济和信息化委员会办公室", "2023年1月31日印发")   # 版记, when printed

An annex starts with `annex_title` ("附件1" top left, then its title), and its text is `prose`.

`prose` reads one paragraph per line. A line is body text (3号 仿宋, indented two characters)
unless it starts with a heading mark: ``# `` a level-1 heading (黑体, 一、), ``## `` level 2
(楷体, （一）), ``### `` level 3 (仿宋 bold, 1.). A heading line may continue as body text
after ``|``: ``## （一）加强组织协调。|各市（州）要……`` sets the lead in 楷体 and the rest in
仿宋, in one paragraph, as 公文 write such paragraphs. Template tags pass through
(``{{p overview }}`` on a line of its own is a block of the applicant's paragraphs).

These helpers use only the styles of `formgen.document.docx_layout`, with paragraph-level indents where
GB/T 9704 asks for them, so a notice and its annexes stay one family of documents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, Pt
from docx.text.paragraph import Paragraph

from formgen.document.docx_layout import (
    HEITI,
    KAITI,
    STYLES,
    Cell,
    new_document,
    para,
    row,
    save,
    set_fonts,
    table,
    write,
)

BODY_PT = STYLES["FormBody"].size
"""One character of body text (3号), the unit GB/T 9704 measures indents in."""

IMPRINT_PT = 14
"""版记 text: 4号 仿宋."""

IMPRINT_ROW_MM = 10
"""One row of the 版记: a line of 4号 text with room above and below, between its rules."""

IMPRINT_SLACK_MM = 0.5
"""What the 版记 leaves free at the foot of the type area, so rounding never pushes it over."""

IMPRINT_END_PT = 1
"""The height of the document's closing paragraph, after the 版记."""

_HEADINGS = {"# ": ("FormHeading1", HEITI), "## ": ("FormHeading2", KAITI), "### ": ("FormHeading3", "")}


def width(text: str) -> float:
    """The width of `text` in characters of body text, as Word and LibreOffice set it.

    CJK and full-width characters count 1, others ½, and each change between the two adds
    ¼: the space both programs put between Chinese and Western digits (2023年4月14日).
    """
    wide = [unicodedata.east_asian_width(ch) in "WF" for ch in text]
    changes = sum(1 for a, b in pairwise(wide) if a != b)
    return sum(1 if w else 0.5 for w in wide) + changes / 4


def _chars(n: float) -> Any:
    return Pt(BODY_PT * n)


def doc_number(document: Any, text: str, *, align: Literal["center", "right"] = "center") -> Paragraph:
    """发文字号 (川经信办函〔2023〕110号): centred, or at the right edge as 信函格式 puts it (§10.1)."""
    paragraph = para(document, text, "FormPlain")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.RIGHT
    para(document, "", "FormPlain")
    return paragraph


def title(document: Any, *lines: str) -> Paragraph:
    """标题: 2号 小标宋, centred, broken into `lines` as the paper breaks it, one blank line after."""
    paragraph = para(document, lines[0], "FormTitle")
    for line in lines[1:]:
        paragraph.runs[-1].add_break(WD_BREAK.LINE)
        write(paragraph, line)
    fmt = paragraph.paragraph_format
    fmt.keep_together = fmt.keep_with_next = True
    fmt.space_after = Pt(0)
    para(document, "", "FormPlain").paragraph_format.keep_with_next = True
    return paragraph


def addressee(document: Any, text: str) -> Paragraph:
    """主送机关: flush left under the title (§7.3.2), ending with a full-width colon."""
    return para(document, text, "FormPlain")


def prose(document: Any, text: str) -> list[Paragraph]:
    """Add the paragraphs of `text`, one per non-empty line, headings marked as the module says."""
    made = []
    for line in (raw.strip() for raw in text.strip().splitlines()):
        if line:
            paragraph = _prose_line(document, line)
            # LibreOffice 7.4 drops a justified line's hanging punctuation (a 、 or ， past the
            # right edge is not drawn at all); set flush left, CJK lines still end flush.
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            made.append(paragraph)
    return made


def _prose_line(document: Any, line: str) -> Paragraph:
    mark = next((m for m in sorted(_HEADINGS, key=len, reverse=True) if line.startswith(m)), None)
    if mark is None:
        return para(document, line, "FormBody")
    style, font = _HEADINGS[mark]
    lead, _, rest = line[len(mark) :].partition("|")
    if not rest:
        return para(document, lead, style)
    # A run-in heading: the paragraph is body text, only its lead takes the heading's face.
    paragraph = para(document, "", "FormBody")
    run = paragraph.add_run(lead)
    if font:
        set_fonts(run._r, font)
    else:
        run.bold = True
    return write(paragraph, rest)


def attachments(document: Any, titles: Sequence[str]) -> list[Paragraph]:
    """附件说明 (§7.3.4): a blank line, then 附件：1.… with later items and wrapped lines aligned.

    "附件" stands two characters in; each item's number lines up under "1.", and a title
    that wraps continues under its own first character.
    """
    para(document, "", "FormPlain")
    made = []
    label = "附件："
    for number, name in enumerate(titles, start=1):
        prefix = f"{number}."
        hang = width(prefix) + (width(label) if number == 1 else 0)
        text = (label if number == 1 else "") + prefix + name
        paragraph = para(document, text, "FormPlain")
        fmt = paragraph.paragraph_format
        fmt.left_indent = _chars(2 + width(label) + width(prefix))
        fmt.first_line_indent = -_chars(hang)
        made.append(paragraph)
    return made


def signature(document: Any, issuer: str, date_text: str, *, space_lines: int = 2) -> list[Paragraph]:
    """发文机关署名 and 成文日期 (§7.3.5.1): the date four characters in from the right, the issuer
    centred over it, after `space_lines` blank lines left for the seal."""
    for _ in range(space_lines):
        para(document, "", "FormPlain")
    date_indent = 4.0
    issuer_indent = max(0.0, date_indent + (width(date_text) - width(issuer)) / 2)
    made = []
    for text, indent in ((issuer, issuer_indent), (date_text, date_indent)):
        paragraph = para(document, text, "FormPlain")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = _chars(indent)
        made.append(paragraph)
    made[0].paragraph_format.keep_with_next = True
    return made


def annex_title(document: Any, label: str, *lines: str) -> None:
    """The head of an annex: its label (附件1) top left in 3号 黑体, then its title."""
    para(document, label, "AnnexLabel").paragraph_format.keep_with_next = True
    title(document, *lines)


def imprint(document: Any, office: str, date_text: str, *, copies_to: str = "") -> None:
    """版记 (§7.4): 印发机关 and 印发日期 (and 抄送 when given) in 4号 仿宋 between rules.

    印发机关 stands one character in from the left, 印发日期 one in from the right. The first
    and last rules are thick (0.35 mm), the one between 抄送 and 印发 thin (0.25 mm).

    GB/T 9704 puts the 版记 on the last page of the bound document, the back of its last
    leaf, so on an even page, with its last rule on the foot of the type area. So the 版记
    starts a section of its own that begins on the next even page (the "even page" section
    break of Word and LibreOffice), and an empty line of exact height above it takes the
    room between the top of the type area and the 版记, whose rows have exact heights too.
    When the text ends on an odd page, the 版记 stands on its back; when it ends on an even
    page, an empty odd page comes between, as the standard's §7.5 foresees (版记页前有空白页),
    though both then keep their page numbers, which §7.5 would leave off. (An even last page
    with room at its foot would take the 版记 itself; no notice here ends so.)
    """
    section = document.add_section(WD_SECTION.EVEN_PAGE)
    restart = section._sectPr.find(qn("w:pgNumType"))
    if restart is not None:  # the page numbers run on: a cover's restart at 1 is not repeated
        section._sectPr.remove(restart)
    rows = 2 if copies_to else 1
    _spacer(
        document,
        Length(_area_height(document) - Mm(rows * IMPRINT_ROW_MM + IMPRINT_SLACK_MM) - Pt(IMPRINT_END_PT)),
    )
    area = _area_width(document).mm
    # The date takes what it needs (its text, the two one-character indents, and two characters
    # for the cell's padding and wide digits); the office gets the rest, so a long name stays whole.
    date_mm = min(area / 2, Pt(IMPRINT_PT * (width(date_text) + 4)).mm)
    ruled = table(document, [area - date_mm, date_mm], borders=False)
    _rule(ruled._tbl.tblPr, "top", thick=True)
    _rule(ruled._tbl.tblPr, "bottom", thick=True)
    if copies_to:
        (cell,) = row(
            ruled, Cell(f"抄送：{copies_to}", span=2, style="FormPlain"), min_height_mm=IMPRINT_ROW_MM
        )
        _rule(cell._tc.get_or_add_tcPr(), "bottom", thick=False)
    _, right = row(
        ruled,
        Cell(office, style="FormPlain"),
        Cell(date_text, style="FormPlain"),
        min_height_mm=IMPRINT_ROW_MM,
    )
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for cell in ruled._cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Pt(IMPRINT_PT)
            for run in paragraph.runs:
                run.font.size = Pt(IMPRINT_PT)
    for tr in ruled._tbl.tr_lst:
        height = tr.get_or_add_trPr().find(qn("w:trHeight"))
        height.set(qn("w:hRule"), "exact")
    for cell in ruled._cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    # A document never ends on a table: Word adds a paragraph after it, which a table reaching
    # the foot of the page would push onto a page of its own. This one is given, and tiny.
    _spacer(document, Pt(IMPRINT_END_PT))


def _spacer(document: Any, height: Length) -> None:
    """An empty paragraph exactly `height` tall, off the line grid, with no space around it."""
    spacer = document.add_paragraph(style="FormPlain")
    fmt = spacer.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = height
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer._p.get_or_add_pPr().append(parse_xml(f'<w:snapToGrid {nsdecls("w")} w:val="0"/>'))


def _area_height(document: Any) -> Length:
    """The height of the type area of the document's last section."""
    section = document.sections[-1]
    return Length(section.page_height - section.top_margin - section.bottom_margin)


def _area_width(document: Any) -> Length:
    """The width of the type area of the document's last section."""
    section = document.sections[-1]
    return Length(section.page_width - section.left_margin - section.right_margin)


def _rule(owner: Any, side: Literal["top", "bottom"], *, thick: bool) -> None:
    """Draw the `side` border of a table (`tblPr`) or a cell (`tcPr`): 0.35 mm thick or 0.25 mm thin."""
    container_tag = "w:tblBorders" if owner.tag == qn("w:tblPr") else "w:tcBorders"
    borders = owner.find(qn(container_tag))
    if borders is None:
        borders = parse_xml(f"<{container_tag} {nsdecls('w')}/>")
        # Schema order in tcPr: tcW, gridSpan, vMerge, tcBorders, …, vAlign.
        valign = owner.find(qn("w:vAlign"))
        if valign is None:
            owner.append(borders)
        else:
            valign.addprevious(borders)
    edge = borders.find(qn(f"w:{side}"))
    if edge is None:
        edge = parse_xml(f"<w:{side} {nsdecls('w')}/>")
        borders.append(edge)
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), "8" if thick else "6")  # eighths of a point: 1 pt ≈ 0.35 mm, ¾ pt ≈ 0.25 mm
    edge.set(qn("w:space"), "0")
    edge.set(qn("w:color"), "000000")


@dataclass(frozen=True)
class NoticeText:
    """The whole text of a notice as issued, in the order a 公文 prints it."""

    doc_number: str
    title_lines: tuple[str, ...]
    addressee: str
    body: str
    """In `prose`'s markup."""
    attachments: tuple[str, ...]
    issuer: str
    date: str
    imprint: tuple[str, str] | None = None
    """(印发机关, 印发日期) of the 版记, where the notice prints one."""

    @property
    def title(self) -> str:
        """The title on one line."""
        return "".join(self.title_lines)


def write_notice(text: NoticeText, path: Path) -> None:
    """Write a notice as issued to `path`: 文号, title, 主送, body, 附件, 落款 and date, 版记."""
    document = new_document()
    doc_number(document, text.doc_number, align="right")
    title(document, *text.title_lines)
    addressee(document, text.addressee)
    prose(document, text.body)
    attachments(document, text.attachments)
    signature(document, text.issuer, text.date)
    if text.imprint:
        imprint(document, *text.imprint)
    save(document, path, title=text.title)
