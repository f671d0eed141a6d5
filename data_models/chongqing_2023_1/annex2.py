"""附件2 市级绿色制造综合服务平台申报书: the platform applicant's whole application.

Field titles are the form's own labels. The applicant may be a consortium (推荐条件（三）:
不超过3家（含3家）单位, 以1家牵头单位名义申报): the 申报表 describes the lead unit, and the
members follow it in rows of their own. Only the basic rules are here; the notice's
full rulebook is a later issue.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from pydantic import Field, computed_field, model_validator

from formgen.authoring import (
    BlankRows,
    Count,
    Email,
    FormModel,
    LongText,
    MaxChars,
    Mobile,
    Money,
    OrgOrCreditCode,
    Phone,
    Prompt,
    Quantity,
    Text,
)

MAX_UNITS = 3
"""推荐条件（三）: a consortium of at most 3 units, the lead included."""


class Nature(enum.StrEnum):
    """单位性质: the four □ of the form, and 其他（请注明）, which the form prints without a box."""

    STATE = "国有企业"
    PRIVATE = "民营企业"
    FOREIGN = "外资企业"
    INSTITUTION = "事业单位"
    OTHER = "其他"


class YesNo(enum.StrEnum):
    """是否上市公司: □否 □是."""

    NO = "否"
    YES = "是"


class ServiceTarget(enum.StrEnum):
    """The six service targets of 三、服务要求 技术要求, in the notice's order."""

    SMART_ENERGY = "智慧能源优化管控服务"
    INTEGRATED_SOLUTIONS = "系统集成绿色化解决方案供应"
    ENERGY_SUPPLY = "优化能源供给"
    DIAGNOSIS = "绿色生产水平诊断评估"
    PROJECT_SUPPORT = "市级绿色项目支持"
    PROMOTION = "绿色技术产品推广"


class Contact(FormModel):
    """申报联系人: 姓名, 手机, 邮箱, 传真."""

    name: Text = Field(title="姓名")
    mobile: Mobile = Field(title="手机")
    email: Email = Field(title="邮箱")
    fax: Phone | None = Field(default=None, title="传真")


class Unit(FormModel):
    """一、单位情况（提供证明材料）: the lead unit, in whose name the consortium applies."""

    unit_name: Text = Field(title="单位名称", description="全称（如实填写）")
    contact: Contact = Field(title="申报联系人")
    legal_representative: Text = Field(title="法定代表人")
    registered_capital: Money = Field(title="注册资本（万元）")
    address: Text = Field(title="单位地址")
    code: OrgOrCreditCode = Field(title="组织机构代码/三证合一码")
    nature: Nature = Field(title="单位性质")
    nature_other: Text | None = Field(default=None, title="其他（请注明）")
    listed: YesNo = Field(title="是否上市公司")
    revenue: Money = Field(title="整体业务收入（万元）", description="指上一个财年（提供证明材料）")
    employees: Count = Field(title="单位人数")

    @model_validator(mode="after")
    def _other_needs_text(self) -> Unit:
        if (self.nature is Nature.OTHER) != bool(self.nature_other):
            raise ValueError(
                "单位性质为“其他”时须注明，且仅此时注明 / nature_other is given exactly when nature is 其他"
            )
        return self


class Member(FormModel):
    """A member unit of the consortium (联合体单位), beside the lead."""

    unit_name: Text = Field(title="单位名称")
    code: OrgOrCreditCode = Field(title="组织机构代码/三证合一码")
    legal_representative: Text = Field(title="法定代表人")
    role: Text = Field(title="承担任务")


class Platform(FormModel):
    """二、平台任务基本信息."""

    name: Text = Field(title="平台名称", description="印在“2023年市级绿色制造综合服务平台”之后的名称")
    summary: Annotated[LongText, MaxChars(1000)] = Field(title="平台任务概述")
    targets: list[ServiceTarget] = Field(
        title="服务目标", description="技术要求：平台承诺到2025年达到的服务目标"
    )


STAGES = ("2023年3月—2023年11月", "2023年11月—2024年11月", "2024年11月—2025年11月")
"""阶段目标: the three stages of 任务实施（2023年3月—2025年11月）."""


class CountTarget(FormModel):
    """A count indicator (服务数量, 场次): its 总目标 is the sum of its stages."""

    stage1: Annotated[Count, Prompt("数量")] = Field(title=STAGES[0])
    stage2: Annotated[Count, Prompt("数量")] = Field(title=STAGES[1])
    stage3: Annotated[Count, Prompt("数量")] = Field(title=STAGES[2])

    @computed_field(title="总目标")  # type: ignore[prop-decorator]
    @property
    def total(self) -> Annotated[int, Prompt("各阶段之和")]:
        """总目标: the stages added up, never typed."""
        return self.stage1 + self.stage2 + self.stage3


class MeasuredTarget(FormModel):
    """An indicator measured in a unit (新增光伏装机容量（兆瓦）): summed, or a level with its own 总目标."""

    measure: Text = Field(title="指标名称及单位")
    stage1: Annotated[Quantity, Prompt("数值")] = Field(title=STAGES[0])
    stage2: Annotated[Quantity, Prompt("数值")] = Field(title=STAGES[1])
    stage3: Annotated[Quantity, Prompt("数值")] = Field(title=STAGES[2])
    summed: bool = Field(
        default=True,
        title="总目标为各阶段之和",
        description="数量和增量指标勾选，总目标由各阶段相加；比率、水平类指标不勾选，另填总目标",
    )
    target: Quantity | None = Field(
        default=None, title="总目标", description="仅在总目标不是各阶段之和时填写"
    )

    @model_validator(mode="after")
    def _target_given_once(self) -> MeasuredTarget:
        if self.summed and self.target is not None:
            raise ValueError("总目标为各阶段之和，不另填 / a summed indicator's 总目标 is not typed")
        if not self.summed and self.target is None:
            raise ValueError("非累计指标须填总目标 / an indicator that is not summed needs its target")
        return self

    @computed_field(title="总目标")  # type: ignore[prop-decorator]
    @property
    def total(self) -> Annotated[Quantity | None, Prompt("总目标")]:
        """总目标: the stages added up, or the level given."""
        return self.stage1 + self.stage2 + self.stage3 if self.summed else self.target


class Kpis(FormModel):
    """申报单位重点绩效指标填报表: the five named indicators and 其他指标."""

    diagnosis: CountTarget = Field(title="开展企业绿色化水平诊断评估等服务数量")
    energy_platform: CountTarget = Field(title="区域能源管控平台接入企业数量")
    solutions: CountTarget = Field(title="绿色化解决方案提供数量")
    energy_supply: MeasuredTarget = Field(title="优化能源供给成果指标")
    events: CountTarget = Field(title="开展技术推广等公益性活动场次")
    others: Annotated[list[MeasuredTarget], BlankRows(2)] = Field(default_factory=list, title="其他指标")


class Report(FormModel):
    """市级绿色制造综合服务平台申报书: the body, one field per heading of the form."""

    intro: LongText = Field(title="任务介绍", description="平台任务简介")
    existing: LongText = Field(title="现有基础")
    progress: LongText = Field(title="相关进展")
    district_support: LongText = Field(title="区县支持情况")
    goals: LongText = Field(title="2025年预期目标")
    schedule: LongText = Field(title="任务实施计划")
    organisation: LongText = Field(title="组织保障机制")
    risks: LongText = Field(title="潜在问题及应对举措")
    other: LongText | None = Field(default=None, title="其他相关事项说明")


class Attachment(FormModel):
    """One proof the applicant binds in after the 申报书."""

    title: Text = Field(title="材料名称")


class Proofs(FormModel):
    """申报单位相关证明材料 1 to 3."""

    legal: Annotated[list[Attachment], BlankRows(2)] = Field(
        default_factory=list, title="申报单位法人主体、财务情况等证明材料"
    )
    strength: Annotated[list[Attachment], BlankRows(2)] = Field(
        default_factory=list, title="申报单位综合实力证明材料"
    )
    honours: Annotated[list[Attachment], BlankRows(2)] = Field(
        default_factory=list, title="申报单位相关荣誉证明材料"
    )


class Pledge(FormModel):
    """承诺书: contact, phone, and the date written in Chinese numerals."""

    contact: Text = Field(title="联系人")
    phone: Phone = Field(title="联系电话")
    date: Annotated[dt.date, Prompt("二〇二三年    月    日")] = Field(title="承诺日期")


class PlatformApplication(FormModel):
    """附件2 市级绿色制造综合服务平台申报书."""

    recommender: Text = Field(title="推荐单位", description="推荐申报单位的区县经信部门")
    applied_on: Annotated[dt.date, Prompt("    年    月    日")] = Field(title="申报日期")
    unit: Unit = Field(title="单位情况")
    members: Annotated[list[Member], BlankRows(MAX_UNITS - 1)] = Field(
        default_factory=list, title="联合体单位", description="牵头单位以外的联合体成员单位"
    )
    intro: Annotated[LongText, MaxChars(500)] = Field(title="申报单位简介")
    platform: Platform = Field(title="平台任务基本信息")
    kpis: Kpis = Field(title="申报单位重点绩效指标填报表")
    report: Report = Field(title="申报书")
    proofs: Proofs = Field(title="申报单位相关证明材料")
    pledge: Pledge = Field(title="承诺书")

    @model_validator(mode="after")
    def _consortium(self) -> PlatformApplication:
        if 1 + len(self.members) > MAX_UNITS:
            raise ValueError(
                f"联合体不超过{MAX_UNITS}家（含{MAX_UNITS}家）单位，现有{1 + len(self.members)}家"
                f" / a consortium has at most {MAX_UNITS} units, lead included"
            )
        names = [self.unit.unit_name, *(m.unit_name for m in self.members)]
        if len(names) != len(set(names)):
            raise ValueError("联合体单位重复 / a unit appears twice in the consortium")
        if len(self.platform.targets) != len(set(self.platform.targets)):
            raise ValueError("服务目标有重复 / a service target is listed twice")
        return self
