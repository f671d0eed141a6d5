"""Tools for writing DOCX templates in code, to the GB/T 9704-2012 typographic standard.

A notice's template is written by a small layout function (the paper, read top to bottom)
using these helpers, then committed. The helpers own the page setup, the named styles and
the fonts, so every template of every notice looks like one family of 公文 documents.

Template tags (``{{r path }}``, ``{%tr for %}``) are written as text; `write` puts every
tag in a run of its own, which is what the template engine needs to replace it cleanly.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from formgen.document.ooxml import put_in_order
from formgen.document.package import fixed_time, normalize_zip, write_atomic
from formgen.document.wordml import IDENTIFIER_STYLE

# GB/T 9704-2012 §5.2: 天头 37 mm, 订口 28 mm, type area 156 × 225 mm, 22 lines of 28 characters.
TOP_MM, LEFT_MM, AREA_W_MM, AREA_H_MM = 37, 28, 156, 225
# 22 lines must fit the type area: rounding the pitch up (29 pt) leaves room for 21 only.
LINE_PITCH = Twips(int(AREA_H_MM / 22 / 25.4 * 1440))  # 579 twips, 28.95 pt

SONG = "宋体"
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"

# `{% vm %}` stays inside its run: the engine reads it together with the cell's text.
_TAG = re.compile(r"(\{\{[rp] .*?\}\}|\{%[a-z]+ .*?%\})")


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph style: font, size, alignment, indent and line spacing."""

    font: str
    size: float
    align: Literal["left", "center", "right", "justify"] = "justify"
    first_indent_chars: float = 0
    exact_line: bool = True
    space_before: float = 0
    space_after: float = 0
    bold: bool = False
    keep_next: bool = False
    tracking: float = 0
    """Extra space between characters, in points (negative to tighten)."""


# GB/T 9704 §5.2.2: 28 characters a line in the 156 mm type area, so a 3号 (16 pt) character
# advances 442.2 / 28 = 15.79 pt; 0.25 pt less than its size gives exactly 28 a line.
BODY_TRACKING = -0.25

STYLES: dict[str, StyleSpec] = {
    # Flush left, not justified: LibreOffice 7.4 drops a 、or ， that ends a justified CJK line.
    "FormBody": StyleSpec(FANGSONG, 16, align="left", first_indent_chars=2, tracking=BODY_TRACKING),
    "FormPlain": StyleSpec(FANGSONG, 16, align="left"),
    "FormTitle": StyleSpec(XIAOBIAOSONG, 22, align="center", exact_line=False, space_after=16),
    "FormHeading1": StyleSpec(HEITI, 16, first_indent_chars=2, keep_next=True, tracking=BODY_TRACKING),
    "FormHeading2": StyleSpec(KAITI, 16, first_indent_chars=2, keep_next=True, tracking=BODY_TRACKING),
    "FormHeading3": StyleSpec(
        FANGSONG, 16, first_indent_chars=2, keep_next=True, bold=True, tracking=BODY_TRACKING
    ),
    "AnnexLabel": StyleSpec(HEITI, 16, align="left"),
    "SectionTitle": StyleSpec(HEITI, 16, align="left", keep_next=True, space_before=8, space_after=8),
    "CoverLine": StyleSpec(FANGSONG, 16, align="left", exact_line=False, space_after=6),
    "CoverFoot": StyleSpec(KAITI, 16, align="center", exact_line=False, space_after=6),
    "TableText": StyleSpec(FANGSONG, 12, align="left", exact_line=False),
    "TableLabel": StyleSpec(FANGSONG, 12, align="center", exact_line=False),
    "TableHeading": StyleSpec(HEITI, 12, align="left", exact_line=False, keep_next=True),
    "PageNumber": StyleSpec(SONG, 14, align="right", exact_line=False),
}

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def set_fonts(rpr_owner: Any, name: str) -> None:
    """Name `name` for Latin, East Asian and complex script text of a style or run."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _define_style(document: Any, style_id: str, spec: StyleSpec) -> None:
    styles = document.styles
    style = styles[style_id] if style_id in [s.style_id for s in styles] else styles.add_style(style_id, 1)
    style.base_style = styles["Normal"]
    style.quick_style = True
    font = style.font
    font.size = Pt(spec.size)
    font.bold = spec.bold
    set_fonts(style.element, spec.font)
    if spec.tracking:
        tracking = OxmlElement("w:spacing")
        tracking.set(qn("w:val"), str(round(spec.tracking * 20)))  # twentieths of a point
        style.element.get_or_add_rPr().append(tracking)
    fmt = style.paragraph_format
    fmt.alignment = _ALIGN[spec.align]
    fmt.first_line_indent = Pt(spec.size * spec.first_indent_chars) if spec.first_indent_chars else None
    fmt.space_before = Pt(spec.space_before)
    fmt.space_after = Pt(spec.space_after)
    fmt.keep_with_next = spec.keep_next
    fmt.widow_control = True
    if spec.exact_line:
        fmt.line_spacing = Pt(LINE_PITCH.pt)
        fmt.line_spacing_rule = 4  # WD_LINE_SPACING.EXACTLY
    else:
        fmt.line_spacing = 1.0


def _define_identifier_style(document: Any) -> None:
    """The character style of codes, numbers, addresses and dates: the paragraph's font, not
    spell-checked; `formgen.document.fitting` gives it a smaller size in a narrow cell."""
    style = document.styles.add_style(IDENTIFIER_STYLE, WD_STYLE_TYPE.CHARACTER)
    style.quick_style = False
    style.element.get_or_add_rPr().append(OxmlElement("w:noProof"))


def new_document(*, landscape: bool = False) -> Any:
    """Return an empty A4 document with GB/T 9704 margins, formgen's styles and page numbers."""
    document = Document()
    _drop_stale_parts(document)
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    set_fonts(normal.element, FANGSONG)
    lang = normal.element.get_or_add_rPr()
    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:val"), "en-US")
    lang_el.set(qn("w:eastAsia"), "zh-CN")
    lang.append(lang_el)
    # Measured with LibreOffice 7.4: in a justified paragraph it drops a 、 or ， that falls at
    # the end of a line, unless overflowPunct is stated; stated "on" (Word's own default, so
    # Word is unchanged), LibreOffice carries the mark to the next line with the character before.
    overflow = OxmlElement("w:overflowPunct")
    overflow.set(qn("w:val"), "1")
    normal.element.get_or_add_pPr().append(overflow)
    for style_id, spec in STYLES.items():
        _define_style(document, style_id, spec)
    _define_identifier_style(document)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(20), Mm(20)
    else:
        section.top_margin = Mm(TOP_MM)
        section.bottom_margin = Mm(297 - TOP_MM - AREA_H_MM)
        section.left_margin = Mm(LEFT_MM)
        section.right_margin = Mm(210 - LEFT_MM - AREA_W_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))

    document.settings.odd_and_even_pages_header_footer = True
    # The default template's theme fonts are for Japanese; formgen's documents are Chinese.
    for theme_lang in document.settings.element.iter(qn("w:themeFontLang")):
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    _page_number(section.footer.paragraphs[0], "right")
    _page_number(section.even_page_footer.paragraphs[0], "left")
    return document


# Parts of python-docx's default template that describe that template, not formgen's documents:
# Word 2010's copy of the styles (it lists none of formgen's styles, and Word may call the file
# unreadable when the two disagree), a bibliography data store, and a thumbnail of its page.
_STALE_DOCUMENT_RELS = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    RT.CUSTOM_XML,
)
_STALE_PACKAGE_RELS = (RT.THUMBNAIL,)


def _drop_stale_parts(document: Any) -> None:
    """Remove the default template's stale parts; a part no relationship reaches is not saved."""
    for rels, stale in (
        (document.part.rels, _STALE_DOCUMENT_RELS),
        (document.part.package.rels, _STALE_PACKAGE_RELS),
    ):
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype in stale]:
            del rels[r_id]


_STYLE_USES = ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink")
_STYLE_LINKS = ("basedOn", "link", "next")


def drop_unused_styles(document: Any) -> None:
    """Remove the default template's styles that nothing in the document uses.

    python-docx's template defines some 160 styles (six colours of each of its table styles,
    most of them), 350 KB of styles.xml that Word and LibreOffice read on every opening:
    LibreOffice 7.4 converts a form in about a third less time without them. Kept: every style
    a part refers to, every style formgen defines (rendering may apply them to text that had
    none in the template), the defaults, and the styles those are based on or linked to. The
    latent-style table, which only says how Word lists its built-in styles, stays.
    """
    styles = document.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.iterchildren(qn("w:style"))}
    wanted = {
        style_id
        for style_id, style in by_id.items()
        if style.get(qn("w:default")) == "1" or style.get(qn("w:customStyle")) == "1"
    }
    wanted |= set(STYLES) | {IDENTIFIER_STYLE}
    for part in document.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None or element is styles:
            continue
        for name in _STYLE_USES:
            wanted |= {use.get(qn("w:val")) for use in element.iter(qn(f"w:{name}"))}
    kept: set[str] = set()
    todo = [style_id for style_id in wanted if style_id in by_id]
    while todo:
        style_id = todo.pop()
        if style_id in kept:
            continue
        kept.add(style_id)
        for name in _STYLE_LINKS:
            todo += [
                link.get(qn("w:val"))
                for link in by_id[style_id].iterchildren(qn(f"w:{name}"))
                if link.get(qn("w:val")) in by_id
            ]
    for style_id, style in by_id.items():
        if style_id not in kept:
            styles.remove(style)


def _page_number(paragraph: Paragraph, side: Literal["left", "right"]) -> None:
    """GB/T 9704 §7.5: 4号 宋体 Arabic numerals as "— 1 —", one character in from the outer edge."""
    paragraph.style = "PageNumber"
    paragraph.alignment = _ALIGN[side]
    indent = Pt(14)
    if side == "right":
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent
    paragraph.add_run("— ")
    field = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    paragraph._p.append(field)
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))


def tag(path: str) -> str:
    """The template tag of the input at data `path`, for layout text: ``{{r path }}``."""
    return f"{{{{r {path} }}}}"


def box(path: str, option: str) -> str:
    """The template tag of the □ of `option` of the choice at data `path`."""
    return f"{{{{r {path}['{option}'] }}}}"


def write(paragraph: Paragraph, text: str, *, bold: bool = False, underline: bool = False) -> Paragraph:
    """Append `text` to `paragraph`, each template tag in a run of its own."""
    for piece in _TAG.split(text):
        if piece:
            run = paragraph.add_run(piece)
            if bold:
                run.bold = True
            if underline:
                run.underline = True
    return paragraph


def para(container: Any, text: str = "", style: str = "FormBody", **kwargs: Any) -> Paragraph:
    """Add a paragraph in `style` to a document or a table cell."""
    paragraph = container.add_paragraph(style=style)
    return write(paragraph, text, **kwargs)


def end_cover(document: Any) -> None:
    """End the cover: it carries no page number, and numbering starts at 1 after it."""
    cover = document.sections[0]
    cover.different_first_page_header_footer = True
    body = document.add_section(WD_SECTION.NEW_PAGE)
    body.different_first_page_header_footer = False
    restart = parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>')
    # Word reads sectPr children in schema order: pgNumType goes before these.
    later = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:docGrid")
    anchor = next((el for el in body._sectPr if el.tag in {qn(t) for t in later}), None)
    if anchor is None:
        body._sectPr.append(restart)
    else:
        anchor.addprevious(restart)


GuidedSection = tuple[str, str, str | None]
"""(style, the paper's guidance text, the data path of the applicant's paragraphs or None)."""


def guided_sections(document: Any, sections: Sequence[GuidedSection]) -> None:
    """Write each heading or guidance line of the paper, followed where asked by the
    applicant's paragraphs (a ``{{p path }}`` block)."""
    for style, text, path in sections:
        para(document, text, style)
        if path:
            para(document, f"{{{{p {path} }}}}", "FormBody")


def page_break(document: Any) -> None:
    """Start a new page."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


@dataclass(frozen=True)
class Cell:
    """One cell of a table row: its lines of text, column span and vertical merge."""

    text: str | list[str] = ""
    span: int = 1
    merge: Literal["restart", "continue"] | None = None
    style: str = "TableText"
    tabs_mm: tuple[float, ...] = ()
    """Left tab stops, for options aligned in columns within the cell."""


def table(document: Any, widths_mm: list[float], *, borders: bool = True) -> Table:
    """Add a table with fixed column widths (millimetres) to `document`, ruled unless told not."""
    tbl: Table = document.add_table(rows=0, cols=len(widths_mm))
    tbl.autofit = False
    tbl_pr = tbl._tbl.tblPr
    line = "single" if borders else "nil"
    rules = "".join(
        f'<w:{side} w:val="{line}" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    # tblLayout fixed comes with autofit off; formgen.document.ooxml puts these in schema order on save.
    tbl_pr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="center"/>'))
    tbl_pr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{rules}</w:tblBorders>"))
    grid = tbl._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(Mm(width).twips))
    return tbl


def row(
    tbl: Table, *cells: Cell, header: bool = False, min_height_mm: float = 0, can_split: bool = False
) -> list[_Cell]:
    """Append a row of `cells` to `tbl`; spans must add up to the table's column count.

    Rows stay whole on one page unless `can_split` (for cells taller than a page's remainder).
    """
    widths = [int(col.get(qn("w:w"))) for col in tbl._tbl.tblGrid.findall(qn("w:gridCol"))]
    if sum(c.span for c in cells) != len(widths):
        raise ValueError(f"row spans {sum(c.span for c in cells)} columns, table has {len(widths)}")
    tr = OxmlElement("w:tr")
    tr_pr = OxmlElement("w:trPr")
    if not can_split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    if min_height_mm:
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(Mm(min_height_mm).twips))
        height.set(qn("w:hRule"), "atLeast")
        tr_pr.append(height)
    tr.append(tr_pr)
    tbl._tbl.append(tr)
    made: list[_Cell] = []
    column = 0
    for spec in cells:
        width = sum(widths[column : column + spec.span])
        column += spec.span
        parts = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
        if spec.span > 1:
            parts.append(f'<w:gridSpan w:val="{spec.span}"/>')
        if spec.merge == "restart":
            parts.append('<w:vMerge w:val="restart"/>')
        elif spec.merge == "continue":
            parts.append("<w:vMerge/>")
        parts.append('<w:vAlign w:val="center"/>')
        tc = parse_xml(f"<w:tc {nsdecls('w')}><w:tcPr>{''.join(parts)}</w:tcPr><w:p/></w:tc>")
        tr.append(tc)
        cell = _Cell(tc, tbl)
        lines = [spec.text] if isinstance(spec.text, str) else spec.text
        first = cell.paragraphs[0]
        first.style = spec.style
        write(first, lines[0] if lines else "")
        for line in lines[1:]:
            para(cell, line, spec.style)
        for paragraph in cell.paragraphs:
            for stop in spec.tabs_mm:
                paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(stop))
        made.append(cell)
    return made


def save(document: Any, path: Path, *, title: str) -> None:
    """Save `document` to `path` with fixed metadata, byte for byte reproducible."""
    props = document.core_properties
    props.title = title
    props.author = "formgen"
    props.last_modified_by = "formgen"
    props.revision = 1
    props.created = props.modified = fixed_time()
    drop_unused_styles(document)
    put_in_order(document.element)
    put_in_order(document.styles.element)
    buffer = io.BytesIO()
    document.save(buffer)
    write_atomic(
        path, normalize_zip(buffer.getvalue(), rewrite={"docProps/app.xml": lambda _: APP_PROPERTIES})
    )


# The default template's application properties name "Microsoft Macintosh Word" 14 and its
# Normal.dotm, and count one empty page; formgen's documents say only who wrote them.
APP_PROPERTIES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>formgen</Application></Properties>"
)
