"""What each kind of submitter of 渝经信节能〔2023〕1号 hands in.

- a platform applicant (the lead of up to 3 units): its 申报书 (附件2) and proofs;
- a 区县 经信部门: the recommendation summary (附件1), derived from its applicants' 申报书,
  then each applicant's 申报书.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from formgen.authoring import AttachmentFile, BatchTable, FormModel, Phone, Text

from .annex1 import RecommendationRow, RecommendationSummary
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


def _district_table(recommender: str, rows: Sequence[BaseModel]) -> RecommendationSummary:
    """A 区县's 附件1 from its applicants' rows. Its 联系人 and 联系电话 are the 区县's own,
    which no applicant's data holds: they are left for the 区县 to write in."""
    own = [RecommendationRow.model_validate(row, from_attributes=True) for row in rows]
    return RecommendationSummary.model_construct(recommender=recommender, contact="", phone="", rows=own)


PLATFORM_TABLES = (
    BatchTable(
        "chongqing-2023-1.annex1",
        RecommendationRow,
        group_of=lambda p: p.application.recommender,
        row_of=lambda p: RecommendationRow.from_application(p.application),
        table_of=_district_table,
    ),
)
"""A batch of applicants: each 区县 (推荐单位)'s 附件1."""
