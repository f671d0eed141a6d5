"""What each kind of submitter of 川经信办函〔2023〕110号 hands in.

- a service provider: its 申请报告 (附件3);
- an enterprise asking for diagnosis: the materials of 附件4 and its 附件5 row;
- a 市（州） bureau: the providers' summary (附件2) and the enterprises' table (附件5), both
  derived from the submitters' own data, then each provider's 申请报告.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from formgen.authoring import AttachmentFile, BatchTable, FormModel, Mobile, Phone, Text

from .annex2 import ProviderRow, ProviderSummary
from .annex3 import ProviderReport
from .annex4 import DiagnosisMaterials, Enterprise, Materials
from .annex5 import EnterpriseApplication, EnterpriseTable
from .regions import SichuanCity, split_region

PROVINCE = "四川省"
UNKNOWN_CITY = "未注明市（州）"


class ProviderPacket(FormModel):
    """A service provider's packet."""

    report: ProviderReport = Field(title="四川省技术改造综合服务商申请报告")
    attachments: list[AttachmentFile] = Field(
        default_factory=list, title="证明材料", description="营业执照、资质证书等扫描件（PDF或图片）"
    )


class EnterprisePacket(FormModel):
    """An enterprise asking for diagnosis: its 附件5 row and the 附件4 materials.

    Who the enterprise is is written once, in the row; the materials take it from there.
    """

    application: EnterpriseApplication = Field(title="技术改造综合诊断服务企业申请表")
    materials: Materials = Field(title="诊断企业需提供的材料")

    def diagnosis_materials(self) -> DiagnosisMaterials:
        """附件4's materials, headed by the enterprise named in its row."""
        who = Enterprise(unit_name=self.application.unit_name, credit_code=self.application.credit_code)
        return DiagnosisMaterials(**dict(self.materials), enterprise=who)

    def enterprise_table(self) -> EnterpriseTable:
        """附件5 with the enterprise's one row."""
        return EnterpriseTable.of([self.application])


class Bureau(FormModel):
    """The 市（州）经济和信息化局 that recommends its providers and enterprises."""

    name: Text = Field(title="推荐单位")
    city: SichuanCity = Field(title="市（州）")
    contact: Text = Field(title="联系人")
    phone: Phone | Mobile = Field(title="联系电话")


class CityPacket(FormModel):
    """A 市（州） bureau's packet: its providers' reports and its enterprises' applications.

    The two kinds stand on their own: a 市（州） that recommends providers only sends 附件2 and
    the reports, one with enterprises only sends 附件5."""

    bureau: Bureau = Field(title="推荐单位")
    providers: list[ProviderReport] = Field(default_factory=list, title="服务商申请报告")
    enterprises: list[EnterpriseApplication] = Field(default_factory=list, title="诊断企业申请")

    @model_validator(mode="after")
    def _something_to_send(self) -> CityPacket:
        if not self.providers and not self.enterprises:
            raise ValueError(
                "至少需要一份服务商申请报告或一家诊断企业申请 / needs at least one provider or one enterprise"
            )
        return self

    def provider_summary(self) -> list[ProviderSummary]:
        """附件2, one row per provider; none without providers."""
        return [ProviderSummary.from_reports(self.providers)] if self.providers else []

    def enterprise_table(self) -> list[EnterpriseTable]:
        """附件5, one row per enterprise; none without enterprises."""
        return [EnterpriseTable.of(self.enterprises)] if self.enterprises else []


def _enterprise_city(packet: EnterprisePacket) -> str:
    """The 市（州） at the start of the enterprise's 所在地区."""
    split = split_region(packet.application.region)
    return split[0].value if split else UNKNOWN_CITY


PROVIDER_TABLES = (
    BatchTable(
        "sichuan-2023-110.annex2",
        ProviderRow,
        group_of=lambda p: p.report.profile.region.city.value,
        row_of=lambda p: ProviderRow.from_report(p.report),
        table_of=lambda _city, rows: ProviderSummary(rows=list(rows)),
        overall=PROVINCE,
    ),
)
"""A batch of providers: each 市（州）'s 附件2 and the province's."""

ENTERPRISE_TABLES = (
    BatchTable(
        "sichuan-2023-110.annex5",
        EnterpriseApplication,
        group_of=_enterprise_city,
        row_of=lambda p: p.application,
        table_of=lambda _city, rows: EnterpriseTable(rows=list(rows)),
        overall=PROVINCE,
    ),
)
"""A batch of enterprises: each 市（州）'s 附件5 and the province's."""
