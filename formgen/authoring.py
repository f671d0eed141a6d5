"""What a notice may use of the engine: the one public surface for notice authors.

A notice (`data_models/<notice>/`) imports from here and nowhere else in formgen, so the engine
can change inside without touching a notice; an import-linter contract in ``make test`` holds
every notice to it. The names come in the order a notice is written:

- model: the field types its pydantic models are made of, and `TableRow` for rows kept in a
  spreadsheet; `reader_length` counts characters as its rules count them;
- rules: `Rule` and its `Finding`;
- layout: the GB/T 9704 DOCX tools (`new_document`, `para`, `table`, `tag`, `box`, ...), the 公文
  parts every notice has (`write_notice`, `prose`, `annex_title`), spreadsheet forms
  (`SheetSpec`, `Column`, `build_sheet`), and `convert_cold` for example scans made as PDF;
- registration: `Notice`, `NoticeFiles` (forms from a package's resources), or `Form` one by
  one; `Packet`, `PacketPart`.

See docs/adding-a-notice.md.
"""

from __future__ import annotations

from formgen.data.tabular import TableRow
from formgen.document.docx_layout import (
    Cell,
    GuidedSection,
    box,
    end_cover,
    guided_sections,
    new_document,
    page_break,
    para,
    row,
    save,
    table,
    tag,
)
from formgen.document.gongwen import NoticeText, annex_title, prose, write_notice
from formgen.document.xlsx_layout import Column, HeaderField, SheetSpec
from formgen.document.xlsx_layout import build as build_sheet
from formgen.model.fields import (
    Area,
    AttachmentFile,
    BlankRows,
    Count,
    CreditCode,
    Email,
    FormModel,
    IdCard,
    KeyedBy,
    LongText,
    MaxChars,
    Mobile,
    Money,
    OrgOrCreditCode,
    Percent,
    Phone,
    Postcode,
    Prompt,
    Quantity,
    Text,
    Yuan,
)
from formgen.model.registry import BatchTable, Form, Notice, NoticeFiles, Packet, PacketPart
from formgen.model.rules import Finding, Rule
from formgen.model.textcount import reader_length
from formgen.pdf.convert import convert_cold

__all__ = [
    "Area",
    "AttachmentFile",
    "BatchTable",
    "BlankRows",
    "Cell",
    "Column",
    "Count",
    "CreditCode",
    "Email",
    "Finding",
    "Form",
    "FormModel",
    "GuidedSection",
    "HeaderField",
    "IdCard",
    "KeyedBy",
    "LongText",
    "MaxChars",
    "Mobile",
    "Money",
    "Notice",
    "NoticeFiles",
    "NoticeText",
    "OrgOrCreditCode",
    "Packet",
    "PacketPart",
    "Percent",
    "Phone",
    "Postcode",
    "Prompt",
    "Quantity",
    "Rule",
    "SheetSpec",
    "TableRow",
    "Text",
    "Yuan",
    "annex_title",
    "box",
    "build_sheet",
    "convert_cold",
    "end_cover",
    "guided_sections",
    "new_document",
    "page_break",
    "para",
    "prose",
    "reader_length",
    "row",
    "save",
    "table",
    "tag",
    "write_notice",
]
