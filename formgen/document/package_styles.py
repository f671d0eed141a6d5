"""A published Word template made ready for formgen's filled values: the styles they name.

Kept apart from `package_templates`, which also handles workbooks: a Word document is saved
here by python-docx, and every workbook goes through `formgen.data.cells`.
"""

from __future__ import annotations

import io

import docx
from docx.enum.style import WD_STYLE_TYPE

from formgen.document.context import BODY_STYLE
from formgen.document.wordml import IDENTIFIER_STYLE


def prepare_word(content: bytes) -> bytes:
    """The published document with the two styles formgen's filled values name, where it lacks them.

    A value written as paragraphs names the paragraph style ``FormBody`` and an identifier the
    character style ``Identifier``. A publisher's document has neither, and LibreOffice lays a
    table cell whose paragraph names a missing style out of its table. Both are added as the
    document's own Normal text, so a filled value looks like the publisher's paper.
    """
    document = docx.Document(io.BytesIO(content))
    names = {style.name for style in document.styles}
    if BODY_STYLE not in names:
        body = document.styles.add_style(BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        body.base_style = document.styles["Normal"]
    if IDENTIFIER_STYLE not in names:
        document.styles.add_style(IDENTIFIER_STYLE, WD_STYLE_TYPE.CHARACTER)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
