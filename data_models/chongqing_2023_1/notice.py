"""The notice 渝经信节能〔2023〕1号 itself: static text, nothing to fill.

Every form accepts data and can be filled, static ones too (DESIGN: "their data is empty"),
so the notice has a model: one without fields.
"""

from __future__ import annotations

from formgen.authoring import FormModel


class NoticeText(FormModel):
    """关于申报市级重点绿色制造综合服务平台的通知: no fields; any key is an error."""
