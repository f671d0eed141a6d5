"""四川省经济和信息化厅办公室 川经信办函〔2023〕110号: technical-transformation comprehensive service.

This package registers the notice with formgen through the ``formgen.notices`` entry point.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from formgen.registry import Form, Notice

from . import annex3, annex3_layout

_TEMPLATES = files("form_templates") / "sichuan-2023-110"
_EXAMPLES = files(__name__) / "examples"

NOTICE = Notice(
    id="sichuan-2023-110",
    title="关于组织开展工业企业技术改造综合服务工作的通知",
    issuer="四川省经济和信息化厅办公室",
    doc_number="川经信办函〔2023〕110号",
    date=dt.date(2023, 4, 14),
    forms=(
        Form(
            id="sichuan-2023-110.annex3",
            label="附件3",
            title=annex3_layout.TITLE,
            kind="docx",
            model=annex3.ProviderReport,
            template=_TEMPLATES / "annex3.docx",
            example=_EXAMPLES / "annex3.yaml",
            layout=annex3_layout.build,
        ),
    ),
)
