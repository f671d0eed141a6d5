"""重庆市经济和信息化委员会 渝经信节能〔2023〕1号: municipal green-manufacturing service platforms.

This package registers the notice with formgen through the ``formgen.notices`` entry point.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from formgen.registry import Form, Notice

from . import annex2, annex2_layout, notice, notice_layout

_TEMPLATES = files("form_templates") / "chongqing-2023-1"
_EXAMPLES = files(__name__) / "examples"

NOTICE = Notice(
    id="chongqing-2023-1",
    title="关于申报市级重点绿色制造综合服务平台的通知",
    issuer="重庆市经济和信息化委员会",
    doc_number="渝经信节能〔2023〕1号",
    # The seed's 落款 carries no date; the 版记 gives the printing date, 2023年1月31日印发.
    date=dt.date(2023, 1, 31),
    forms=(
        Form(
            id="chongqing-2023-1.notice",
            label="",
            title=notice_layout.TITLE,
            kind="docx",
            model=notice.NoticeText,
            template=_TEMPLATES / "notice.docx",
            example=_EXAMPLES / "notice.yaml",
            layout=notice_layout.build,
        ),
        Form(
            id="chongqing-2023-1.annex2",
            label="附件2",
            title=annex2_layout.TITLE,
            kind="docx",
            model=annex2.PlatformApplication,
            template=_TEMPLATES / "annex2.docx",
            example=_EXAMPLES / "annex2.yaml",
            layout=annex2_layout.build,
        ),
    ),
)
