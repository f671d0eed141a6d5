"""What each kind of submitter of 渝经信节能〔2023〕1号 hands in.

- a platform applicant (the lead of up to 3 units): its 申报书 (附件2) and proofs;
- a 区县 经信部门: the recommendation summary (附件1), derived from its applicants' 申报书,
  then each applicant's 申报书.
"""

from __future__ import annotations

from pydantic import Field

from formgen.authoring import AttachmentFile, FormModel, Phone, Text

from .annex1 import RecommendationSummary
from .annex2 import PlatformApplication


class PlatformPacket(FormModel):
    """A platform applicant's packet."""

    application: PlatformApplication = Field(title="市级绿色制造综合服务平台申报书")
    attachments: list[AttachmentFile] = Field(
        default_factory=list,
        title="证明材料",
        description="营业执照、财务报表、荣誉证书等扫描件（PDF或图片）",
    )


class District(FormModel):
    """The 区县 经信部门 that recommends its applicants."""

    name: Text = Field(title="推荐单位")
    contact: Text = Field(title="联系人")
    phone: Phone = Field(title="联系电话")


class DistrictPacket(FormModel):
    """A 区县's packet: its applicants' 申报书."""

    district: District = Field(title="推荐单位")
    applicants: list[PlatformApplication] = Field(title="申报单位", min_length=1)

    def summary(self) -> RecommendationSummary:
        """附件1, one row per applicant."""
        d = self.district
        return RecommendationSummary.of(d.name, d.contact, d.phone, self.applicants)
