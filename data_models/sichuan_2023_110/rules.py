"""The rulebook of 川经信办函〔2023〕110号: every requirement the notice states, with its sentence.

Requirements the notice softens with 原则上 are warnings; the rest are errors.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from formgen.authoring import Finding, Rule

from .annex3 import LEVELLED, Profile, ProviderReport
from .annex4 import Equipment
from .annex5 import EnterpriseApplication
from .packets import CityPacket
from .regions import COUNTIES, split_region

DEADLINE = dt.date(2023, 5, 11)
P = "sichuan-2023-110.provider"
E = "sichuan-2023-110.enterprise"
C = "sichuan-2023-110.city"


def _team_at_least_15(profile: Profile) -> Iterator[Finding]:
    if profile.team_size < 15:
        yield TEAM_SIZE.finding("team_size")


def _experts_at_least_10(profile: Profile) -> Iterator[Finding]:
    if profile.cooperating_experts is None or profile.cooperating_experts < 10:
        yield EXPERTS.finding("cooperating_experts")


def _three_cases(profile: Profile) -> Iterator[Finding]:
    if len(profile.cases) < 3:
        yield CASES.finding("cases")


def _team_within_staff(profile: Profile) -> Iterator[Finding]:
    if profile.team_size > profile.employees:
        yield TEAM_WITHIN_STAFF.finding("team_size")


def _levels_given(profile: Profile) -> Iterator[Finding]:
    for index, item in enumerate(profile.qualifications):
        if item.kind in LEVELLED and not item.detail:
            yield QUALIFICATION_LEVEL.finding("qualifications", index, "detail")


def _above_scale(application: EnterpriseApplication) -> Iterator[Finding]:
    if application.revenue_2022 < 2000:
        yield ABOVE_SCALE.finding("revenue_2022")


def _region_in_sichuan(application: EnterpriseApplication) -> Iterator[Finding]:
    parts = split_region(application.region)
    if parts is None or parts[1] not in COUNTIES[parts[0]]:
        yield ENTERPRISE_REGION.finding("region")


def _unique_codes(city: CityPacket) -> Iterator[Finding]:
    for field, codes in (
        ("providers", [r.profile.credit_code for r in city.providers]),
        ("enterprises", [e.credit_code for e in city.enterprises]),
    ):
        repeated = {code for code, n in Counter(codes).items() if n > 1}
        for index, code in enumerate(codes):
            if code in repeated and codes.index(code) != index:
                if field == "providers":
                    yield UNIQUE_CODES.finding(field, index, "profile", "credit_code")
                else:
                    yield UNIQUE_CODES.finding(field, index, "credit_code")


def _before_deadline(report: ProviderReport) -> Iterator[Finding]:
    if report.pledge.date > DEADLINE:
        yield DEADLINE_RULE.finding("pledge", "date")


SOURCE_CONDITIONS = (
    "申报单位具备涉及服务领域国家规定相应资质。拥有开展技术改造服务的能力和工作团队，固定人员数量原则上不少于15人，"
    "拥有相关领域的合作专家不少于10人。服务商技术改造服务典型案例不少于3家。"
)

TEAM_SIZE = Rule(
    f"{P}.team-size",
    "warning",
    SOURCE_CONDITIONS,
    "固定人员（技术改造服务团队人员数量）原则上不少于15人",
    "the permanent team (技术改造服务团队人员数量) should be at least 15 people",
    Profile,
    _team_at_least_15,
)
EXPERTS = Rule(
    f"{P}.cooperating-experts",
    "warning",
    SOURCE_CONDITIONS,
    "拥有相关领域的合作专家不少于10人（请填写合作专家数量）",
    "at least 10 cooperating experts in the field (give their number)",
    Profile,
    _experts_at_least_10,
)
CASES = Rule(
    f"{P}.typical-cases",
    "error",
    SOURCE_CONDITIONS,
    "服务商技术改造服务典型案例不少于3家",
    "at least 3 typical cases of technical-transformation service",
    Profile,
    _three_cases,
)
TEAM_WITHIN_STAFF = Rule(
    f"{P}.team-within-staff",
    "warning",
    "基本情况表：企业员工总数；技术改造服务团队人员数量",
    "技术改造服务团队人员数量不应超过企业员工总数",
    "the service team cannot be larger than the whole staff",
    Profile,
    _team_within_staff,
)
QUALIFICATION_LEVEL = Rule(
    f"{P}.qualification-level",
    "error",
    "已获资质认证情况：□安全评价机构资质    级 …",
    "勾选的资质如表中印有“级”，须填写其级别",
    "a ticked qualification printed with 级 needs its level",
    Profile,
    _levels_given,
)
ABOVE_SCALE = Rule(
    f"{E}.above-scale",
    "warning",
    "按照属地管理原则，规模以上企业自愿提出申请",
    "申请企业应为规模以上工业企业（2022年营收不低于2000万元）",
    "the enterprise should be above designated size (2022 revenue of at least 2000 万元)",
    EnterpriseApplication,
    _above_scale,
)
ENTERPRISE_REGION = Rule(
    f"{E}.region-in-sichuan",
    "error",
    "按照属地管理原则，规模以上企业自愿提出申请，向市（州）经济和信息化局提交《技术改造综合诊断服务企业申请表》",
    "所在地区须为四川省的市（州）及其区（县、市），如“成都市青白江区”",
    "the region must be a 市（州） of Sichuan and one of its counties, e.g. 成都市青白江区",
    EnterpriseApplication,
    _region_in_sichuan,
)
UNIQUE_CODES = Rule(
    f"{C}.unique-credit-codes",
    "error",
    "市（州）经济和信息化局对申报单位提交资料进行审核",
    "同一汇总表中统一社会信用代码不得重复",
    "no unified social credit code twice in one summary table",
    CityPacket,
    _unique_codes,
)
DEADLINE_RULE = Rule(
    f"{C}.deadline",
    "warning",
    "于2023年5月11日前将推荐汇总表及纸质版申请报告（一式两份）报送至技术改造处",
    "承诺日期晚于2023年5月11日的报送截止日期",
    "the pledge is dated after the 2023-05-11 deadline",
    ProviderReport,
    _before_deadline,
)

# Requirements the models enforce themselves; listed so that the rulebook is whole.
MODEL_RULES = (
    Rule(
        f"{P}.directions",
        "error",
        "每个申报单位可同时申报多个方向。",
        "申报方向至少选择一项，可多选",
        "at least one 申报方向; several allowed",
        ProviderReport,
    ),
    Rule(
        f"{P}.registered-in-sichuan",
        "error",
        "申报单位在省内依法登记注册和纳税、具有独立法人资格，或是央属、省属及其他大型企业集团在川依法纳税的非独立法人。",
        "申报主体资格为两者之一；所在地为四川省的市（州）及该市（州）的区（县、市）",
        "one of the two kinds of legal person; located in a 市（州） of Sichuan and one of its counties",
        Profile,
    ),
    Rule(
        f"{P}.self-assessment-200",
        "error",
        "服务能力自评（不超过200字）",
        "服务能力自评不超过200字",
        "服务能力自评 at most 200 characters",
        ProviderReport,
    ),
    Rule(
        f"{P}.intro-500",
        "error",
        "请表述企业注册成立情况……（500字以内）。",
        "申报单位情况介绍不超过500字",
        "单位情况介绍 at most 500 characters",
        ProviderReport,
    ),
    Rule(
        f"{P}.nature-one",
        "error",
        "单位性质 □国有□民营□三资□其他",
        "单位性质选且仅选一项，选“其他”须注明",
        "exactly one 单位性质; 其他 needs its text",
        Profile,
    ),
    Rule(
        f"{P}.industries",
        "error",
        "主要服务行业（可多选）",
        "主要服务行业至少选一项，选“其他”须注明",
        "at least one 主要服务行业; 其他 needs its text",
        Profile,
    ),
    Rule(
        f"{E}.industry",
        "error",
        "“所属行业”包括钢铁、有色、建材、化工、食品、纺织等，其他行业请遵照国民经济行业分类进行填写。",
        "所属行业为六个重点行业之一或国民经济行业分类（GB/T 4754-2017）大类",
        "所属行业 is a key industry or a GB/T 4754-2017 category",
        EnterpriseApplication,
    ),
    Rule(
        f"{E}.equipment-quantity",
        "error",
        "（二）主要生产设备；编号 供应商名称 设备名称 规格型号 数量",
        "主要生产设备的数量为正整数",
        "equipment quantities are positive whole numbers",
        Equipment,
    ),
    Rule(
        f"{E}.energy-non-negative",
        "error",
        "2022年能源消费量（万吨标准煤/年）",
        "能源消费量不能为负数",
        "energy consumption is not negative",
        EnterpriseApplication,
    ),
)

RULES: tuple[Rule, ...] = (
    *MODEL_RULES,
    TEAM_SIZE,
    EXPERTS,
    CASES,
    TEAM_WITHIN_STAFF,
    QUALIFICATION_LEVEL,
    ABOVE_SCALE,
    ENTERPRISE_REGION,
    UNIQUE_CODES,
    DEADLINE_RULE,
)
