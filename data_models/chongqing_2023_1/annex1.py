"""附件1 市级重点绿色制造综合服务平台推荐汇总表: one row per applicant, derived from its 申报书."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import Field

from formgen.authoring import BlankRows, FormModel, Mobile, Phone, Text

from .annex2 import PlatformApplication


class RecommendationRow(FormModel):
    """One applicant: 申报单位名称, 联系人, 手机 — read off its 申报书's 申报联系人."""

    unit_name: Text = Field(title="申报单位名称")
    contact: Text = Field(title="联系人")
    mobile: Mobile = Field(title="手机")

    @classmethod
    def from_application(cls, application: PlatformApplication) -> RecommendationRow:
        """The row of the applicant whose 申报书 is `application`."""
        unit = application.unit
        return cls(unit_name=unit.unit_name, contact=unit.contact.name, mobile=unit.contact.mobile)


class RecommendationSummary(FormModel):
    """附件1: a 区县 经信部门's recommended applicants."""

    recommender: Text = Field(title="推荐单位（盖章）")
    contact: Text = Field(title="联系人")
    phone: Phone = Field(title="联系电话")
    rows: Annotated[list[RecommendationRow], BlankRows(8)] = Field(title="申报单位", min_length=1)

    @classmethod
    def of(
        cls, recommender: str, contact: str, phone: str, applications: Iterable[PlatformApplication]
    ) -> RecommendationSummary:
        """The summary of `applications`, in their order."""
        rows = [RecommendationRow.from_application(a) for a in applications]
        return cls(recommender=recommender, contact=contact, phone=phone, rows=rows)
