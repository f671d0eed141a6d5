"""附件3 四川省技术改造综合服务商申请报告: the service provider's application report.

Field titles are the form's own labels, so the model can be held against the printed
form and error messages name fields as the form does.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

from pydantic import Field, model_validator

from formgen.authoring import (
    BlankRows,
    Count,
    CreditCode,
    Email,
    FormModel,
    KeyedBy,
    LongText,
    MaxChars,
    Mobile,
    Money,
    Phone,
    Prompt,
    Text,
)

from .regions import COUNTIES, SichuanCity, region_in_address


class Direction(enum.StrEnum):
    """申报方向: the five kinds of service provider (附件1 一、征集方向)."""

    SAFETY = "安全诊断服务商"
    ENVIRONMENT = "环保诊断服务商"
    ENERGY = "节能诊断服务商"
    INTELLIGENT = "智能制造诊断服务商"
    PUBLIC = "企业公共服务商"


class Nature(enum.StrEnum):
    """单位性质."""

    STATE = "国有"
    PRIVATE = "民营"
    FOREIGN = "三资"
    OTHER = "其他"


class Size(enum.StrEnum):
    """单位划型（大型、中型、小型）."""

    LARGE = "大型"
    MEDIUM = "中型"
    SMALL = "小型"


class Industry(enum.StrEnum):
    """主要服务行业（可多选）, in the form's order."""

    NONFERROUS = "有色金属"
    ENERGY_CHEMICAL = "能源化工"
    FOOD = "饮料食品"
    LIGHT_TEXTILE = "轻工纺织"
    ELECTRONICS = "电子信息"
    EQUIPMENT = "装备制造"
    STEEL = "钢铁"
    BUILDING_MATERIALS = "建材"
    OTHER = "其他"


class QualificationKind(enum.StrEnum):
    """已获资质认证情况: every □ item of the form, in its order."""

    SAFETY_ASSESSMENT = "安全评价机构资质"
    GREEN_MANUFACTURING = "绿色制造体系评价第三方评价机构资格"
    ENGINEERING_CONSULTING = "工程咨询单位资信"
    ENGINEERING_DESIGN = "工程设计资质"
    COST_CONSULTING = "工程造价咨询企业资质"
    MANAGEMENT_CONSULTING = "企业咨询管理服务企业"
    SERVICE_MANUFACTURING = "省级及以上服务型制造示范平台"
    SME_PUBLIC_SERVICE = "省级及以上中小企业公共服务示范平台"
    NATIONAL_SERVICE_PLATFORM = "国家级制造型企业特色化服务平台"
    CNAS = "中国合格评定国家认可委员会实验室认可（CNAS）"
    CMA = "检验检测机构资质认定（CMA）"
    CMMI = "软件能力成熟度集成模型（CMMI）"
    ELECTRONIC_CONTRACTING = "电子与智能化工程专业承包资质"
    SYSTEM_INTEGRATION = "计算机信息系统集成企业资质"
    ISO20000 = "信息技术服务管理体系（ISO20000）"
    ITSS_ASSESSMENT = "信息系统建设和服务能力评估"
    INNOVATION_CENTER = "省级制造业创新中心"
    TWO_INTEGRATION = "两化融合管理体系认证"
    CLASSIFIED_INTEGRATION = "涉密信息系统集成"
    OTHER = "其他"


# Items the form prints with "级" after them: their level is asked for.
LEVELLED = frozenset(
    {
        QualificationKind.SAFETY_ASSESSMENT,
        QualificationKind.ENGINEERING_CONSULTING,
        QualificationKind.ENGINEERING_DESIGN,
        QualificationKind.COST_CONSULTING,
        QualificationKind.MANAGEMENT_CONSULTING,
        QualificationKind.CMMI,
        QualificationKind.ELECTRONIC_CONTRACTING,
        QualificationKind.SYSTEM_INTEGRATION,
        QualificationKind.ITSS_ASSESSMENT,
        QualificationKind.CLASSIFIED_INTEGRATION,
    }
)
DETAIL_SUFFIXES = tuple((kind.value, "级") for kind in QualificationKind if kind in LEVELLED)
"""What the paper prints after the detail of a levelled item: ``乙`` + ``级``."""


class Registration(enum.StrEnum):
    """Who may apply (附件1 二（一）): which of the two kinds of legal person the provider is."""

    INDEPENDENT = "在省内依法登记注册和纳税、具有独立法人资格"
    BRANCH = "央属、省属及其他大型企业集团在川依法纳税的非独立法人"


class Region(FormModel):
    """所在地: the 市（州） and 区（县、市） where the provider is registered (附件2's columns)."""

    city: SichuanCity = Field(title="市（州）")
    county: Text = Field(title="区（县、市）")

    @model_validator(mode="after")
    def _county_of_city(self) -> Region:
        if self.county not in COUNTIES[self.city]:
            raise ValueError(
                f"{self.county}不是{self.city.value}的区（县、市） / {self.county} is not a county of {self.city.value}"
            )
        return self


class Contact(FormModel):
    """联系人 row pair of 基本情况表."""

    name: Text = Field(title="姓名")
    position: Text = Field(title="职务")
    phone: Phone | None = Field(default=None, title="电话")
    mobile: Mobile = Field(title="手机")
    email: Email = Field(title="电子邮箱")


class YearAmounts(FormModel):
    """营业收入（万元） for 2021 and 2022."""

    y2021: Money = Field(title="2021年")
    y2022: Money = Field(title="2022年")


class YearCounts(FormModel):
    """技术改造服务企业数量 for 2021 and 2022."""

    y2021: Count = Field(title="2021年")
    y2022: Count = Field(title="2022年")


class Product(FormModel):
    """One row of 所选申报方向提供的主要服务或产品."""

    name: Text = Field(title="主要服务或产品名称")
    function: Text = Field(title="主要功能，适用行业或场景")


class Case(FormModel):
    """主要案例: 案例一、案例二…"""

    name: Text = Field(title="名称")
    direction: Direction = Field(title="方向")
    effect: LongText = Field(title="实施效果")


class Qualification(FormModel):
    """One ticked item of 已获资质认证情况."""

    kind: QualificationKind = Field(title="资质名称")
    detail: Annotated[Text | None, Prompt("级别")] = Field(
        default=None,
        title="级别或说明",
        description="印有“级”的项目填写等级（如“甲”“乙”“一”）；绿色制造评价资格填写“国家级”或“省级”；“其他”填写资质名称",
    )

    @model_validator(mode="after")
    def _detail_where_asked(self) -> Qualification:
        # The paper prints 级 after the level: a typed "乙级" would print "乙级级".
        if self.kind in LEVELLED and self.detail and self.detail.endswith("级") and len(self.detail) > 1:
            self.detail = self.detail.removesuffix("级")
        if self.kind is QualificationKind.OTHER and not self.detail:
            raise ValueError("勾选“其他”资质时须写明名称 / a ticked 其他 needs its name in detail")
        if self.kind is QualificationKind.GREEN_MANUFACTURING and self.detail not in (None, "国家级", "省级"):
            raise ValueError("绿色制造评价资格应写“国家级”或“省级” / detail must be 国家级 or 省级")
        return self


class Profile(FormModel):
    """一、基本情况表."""

    unit_name: Text = Field(title="单位名称")
    legal_representative: Text = Field(title="法定代表人")
    credit_code: CreditCode = Field(title="社会信用代码")
    nature: Nature = Field(title="单位性质")
    nature_other: Text | None = Field(default=None, title="其他单位性质")
    established: dt.date = Field(title="注册成立时间")
    address: Text = Field(title="注册地址")
    region: Region = Field(title="所在地", description="填入附件2汇总表，不印在本申请报告上")
    registration: Registration = Field(
        title="申报主体资格", description="见附件1第二部分（一），不印在本申请报告上"
    )
    registered_capital: Money = Field(title="注册资金（万元）")
    size: Size = Field(title="单位划型（大型、中型、小型）")
    contact: Contact = Field(title="联系人")
    employees: Count = Field(title="企业员工总数")
    team_size: Count = Field(title="技术改造服务团队人员数量")
    cooperating_experts: Count | None = Field(
        default=None,
        title="合作专家数量",
        description="附件1第二部分（四）：拥有相关领域的合作专家不少于10人。申请报告中没有此栏，仅供审核",
    )
    revenue: YearAmounts = Field(title="营业收入（万元）")
    served_enterprises: YearCounts = Field(title="技术改造服务企业数量")
    industries: list[Industry] = Field(title="主要服务行业（可多选）", min_length=1)
    industries_other: Text | None = Field(default=None, title="其他服务行业")
    products: Annotated[list[Product], BlankRows(6)] = Field(
        title="所选申报方向提供的主要服务或产品", min_length=1
    )
    cases: Annotated[list[Case], BlankRows(2)] = Field(title="主要案例", min_length=1)
    qualifications: Annotated[list[Qualification], KeyedBy("kind", DETAIL_SUFFIXES)] = Field(
        default_factory=list, title="已获资质认证情况"
    )

    @model_validator(mode="after")
    def _other_needs_text(self) -> Profile:
        if self.nature is Nature.OTHER and not self.nature_other:
            raise ValueError("单位性质选“其他”时须注明 / 单位性质 其他 needs nature_other")
        if Industry.OTHER in self.industries and not self.industries_other:
            raise ValueError("主要服务行业选“其他”时须注明 / 主要服务行业 其他 needs industries_other")
        kinds = [q.kind for q in self.qualifications]
        if len(kinds) != len(set(kinds)):
            raise ValueError("已获资质认证情况有重复项 / a qualification is listed twice")
        return self


class Pledge(FormModel):
    """申报单位真实性承诺: signed by the legal representative, sealed, dated."""

    date: Annotated[dt.date, Prompt("2023年   月   日")] = Field(title="承诺日期")


class Body(FormModel):
    """二、申请报告正文."""

    intro: Annotated[LongText, MaxChars(500)] = Field(title="申报单位情况介绍")
    services: LongText = Field(title="主要服务或产品介绍")
    advantages: LongText = Field(title="核心竞争优势")
    indicators: LongText = Field(title="主要服务或产品的技术指标")
    scenarios: LongText = Field(title="适用行业和场景，以及市场占比分析")
    case_studies: LongText = Field(title="案例实施数量及代表性案例简介")
    leaders: LongText = Field(title="主要负责人及核心团队成员主要履历")
    team: LongText = Field(title="单位技术或服务团队情况")
    attachments: Annotated[list[Attachment], BlankRows(3)] = Field(default_factory=list, title="其他附件材料")


class Attachment(FormModel):
    """One attachment the report lists under （四）其他附件材料."""

    title: Text = Field(title="附件名称")


Body.model_rebuild()


class ProviderReport(FormModel):
    """附件3 四川省技术改造综合服务商申请报告."""

    directions: list[Direction] = Field(title="申报方向", min_length=1)
    recommender: Text = Field(title="推荐单位", description="申报单位所在地的市（州）经济和信息化局")
    self_assessment: Annotated[LongText, MaxChars(200)] = Field(
        title="服务能力自评（不超过200字）", description="填入附件2汇总表，不印在本申请报告上"
    )
    profile: Profile = Field(title="基本情况表")
    pledge: Pledge = Field(title="申报单位真实性承诺")
    body: Body = Field(title="申请报告正文")

    @model_validator(mode="after")
    def _directions_once(self) -> ProviderReport:
        if len(self.directions) != len(set(self.directions)):
            raise ValueError("申报方向有重复 / a 申报方向 is listed twice")
        return self


def from_paper(data: dict[str, Any]) -> dict[str, Any]:
    """Complete a report read back from paper: 所在地 is not printed, the 注册地址 says it."""
    profile = data.get("profile")
    if not isinstance(profile, dict) or profile.get("region") or not profile.get("address"):
        return data
    found = region_in_address(str(profile["address"]))
    if found is not None:
        profile["region"] = {"city": found[0].value, "county": found[1]}
    return data
