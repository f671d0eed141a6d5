"""The notice 川经信办函〔2023〕110号 itself: static text, nothing to fill.

Every form accepts data and can be filled, static ones too (DESIGN: "their data is empty"),
so the notice has a model: one without fields.
"""

from __future__ import annotations

from formgen.authoring import FormModel


class NoticeText(FormModel):
    """关于组织开展工业企业技术改造综合服务工作的通知: no fields; any key is an error."""
