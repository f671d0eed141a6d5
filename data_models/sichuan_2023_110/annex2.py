"""附件2 四川省技术改造综合服务商汇总表: one row per provider, derived from its 申请报告.

A 市（州） bureau never types a row: `ProviderRow.from_report` reads it off the provider's
附件3 data, so the table and the reports cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import Field

from formgen.authoring import BlankRows, Count, FormModel, LongText, MaxChars, Money, Text

from .annex3 import Direction, Industry, ProviderReport
from .regions import SichuanCity


class ProviderRow(FormModel):
    """One provider's row of the summary table."""

    unit_name: Text = Field(title="服务商名称")
    city: SichuanCity = Field(title="市（州）")
    county: Text = Field(title="区（县、市）")
    directions: list[Direction] = Field(title="申报方向", min_length=1)
    revenue_2022: Money = Field(title="营业收入（万元）2022年")
    served_2021: Count = Field(title="技术改造服务企业数量（户）2021年")
    served_2022: Count = Field(title="技术改造服务企业数量（户）2022年")
    team_size: Count = Field(title="技术改造服务团队人员数量")
    industries: list[Industry | Text] = Field(
        title="主要服务行业",
        min_length=1,
        description="申请报告勾选的行业；勾选“其他”的，为其注明的行业名称",
    )
    self_assessment: Annotated[LongText, MaxChars(200)] = Field(title="服务能力自评（不超过200字）")
    contact: Text = Field(title="联系人及电话")

    @classmethod
    def from_report(cls, report: ProviderReport) -> ProviderRow:
        """The row of the provider whose 申请报告 is `report`."""
        profile = report.profile
        contact = profile.contact
        phones = " ".join(p for p in (contact.phone, contact.mobile) if p)
        return cls(
            unit_name=profile.unit_name,
            city=profile.region.city,
            county=profile.region.county,
            directions=report.directions,
            revenue_2022=profile.revenue.y2022,
            served_2021=profile.served_enterprises.y2021,
            served_2022=profile.served_enterprises.y2022,
            team_size=profile.team_size,
            industries=_industries(profile.industries, profile.industries_other),
            self_assessment=report.self_assessment,
            contact=f"{contact.name} {phones}",
        )


def _industries(ticked: list[Industry], other: str | None) -> list[Industry | str]:
    """The industries as the table prints them: a ticked 其他 as the name the provider wrote
    beside it (医药制造), which the table has no other place for."""
    return [other.strip() if i is Industry.OTHER and other and other.strip() else i for i in ticked]


class ProviderSummary(FormModel):
    """附件2: the providers a 市（州） recommends."""

    rows: Annotated[list[ProviderRow], BlankRows(15)] = Field(title="服务商", min_length=1)

    @classmethod
    def from_reports(cls, reports: Iterable[ProviderReport]) -> ProviderSummary:
        """The summary table of `reports`, in their order."""
        return cls(rows=[ProviderRow.from_report(r) for r in reports])
