"""附件1 四川省技术改造综合服务商征集和管理指南: static text, nothing to fill.

Like the notice, the guide is a form without fields, so that `example` and `fill` work for
it as for every form (DESIGN: static forms' data is empty).
"""

from __future__ import annotations

from formgen.authoring import FormModel


class ProviderGuide(FormModel):
    """四川省技术改造综合服务商征集和管理指南: no fields; any key is an error."""
