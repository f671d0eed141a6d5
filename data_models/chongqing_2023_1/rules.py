"""The rulebook of 渝经信节能〔2023〕1号: every requirement the notice states, with its sentence.

Requirements the notice softens with 原则上 are warnings; the rest are errors.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from formgen.authoring import Finding, Rule, reader_length

from .annex2 import PlatformApplication, Report, ServiceTarget, Unit
from .packets import DistrictPacket

DEADLINE = dt.date(2023, 2, 17)
BODY_LIMIT = 6000
A = "chongqing-2023-1.platform"
D = "chongqing-2023-1.district"

SOURCE_TARGETS = "技术要求：到2025年，平台应达到以下4种以上服务目标（前2种中至少有1种）。"
FIRST_TWO = {ServiceTarget.SMART_ENERGY, ServiceTarget.INTEGRATED_SOLUTIONS}


def _registered_in_chongqing(unit: Unit) -> Iterator[Finding]:
    if not unit.address.startswith("重庆"):
        yield REGISTERED.finding("address")


def _four_targets(application: PlatformApplication) -> Iterator[Finding]:
    if len(application.platform.targets) < 4:
        yield FOUR_TARGETS.finding("platform", "targets")


def _one_of_first_two(application: PlatformApplication) -> Iterator[Finding]:
    if not FIRST_TWO & set(application.platform.targets):
        yield FIRST_TWO_RULE.finding("platform", "targets")


def _body_length(report: Report) -> Iterator[Finding]:
    total = sum(reader_length(getattr(report, name) or "") for name in type(report).model_fields)
    if total > BODY_LIMIT:
        yield Finding(
            (),
            f"申报书正文原则上不超过{BODY_LIMIT}字，现有{total}字",
            f"the body should not exceed {BODY_LIMIT} characters; it has {total}",
        )


def _unique_codes(district: DistrictPacket) -> Iterator[Finding]:
    codes = [a.unit.code for a in district.applicants]
    seen = Counter[str]()
    for index, code in enumerate(codes):
        seen[code] += 1
        if seen[code] > 1:
            yield UNIQUE_CODES.finding("applicants", index, "unit", "code")


def _before_deadline(application: PlatformApplication) -> Iterator[Finding]:
    if application.applied_on > DEADLINE:
        yield DEADLINE_RULE.finding("applied_on")


REGISTERED = Rule(
    f"{A}.registered-in-chongqing",
    "error",
    "（一）在重庆市依法登记注册、具有独立法人资格。",
    "申报单位须在重庆市依法登记注册（单位地址在重庆市）",
    "the applicant is registered in Chongqing (its address is in 重庆市)",
    Unit,
    _registered_in_chongqing,
)
FOUR_TARGETS = Rule(
    f"{A}.four-targets",
    "error",
    SOURCE_TARGETS,
    "平台应达到4种以上服务目标",
    "the platform commits to at least 4 of the 6 service targets",
    PlatformApplication,
    _four_targets,
)
FIRST_TWO_RULE = Rule(
    f"{A}.first-two-targets",
    "error",
    SOURCE_TARGETS,
    "服务目标中（一）智慧能源优化管控服务、（二）系统集成绿色化解决方案供应至少有1种",
    "at least one of targets (一) and (二)",
    PlatformApplication,
    _one_of_first_two,
)
BODY = Rule(
    f"{A}.body-6000",
    "warning",
    "注：任务书篇幅不宜过长，原则上不超过6000字，重点讲述目标及计划部分。",
    "申报书正文原则上不超过6000字",
    "the body should not exceed 6000 characters",
    Report,
    _body_length,
)
UNIQUE_CODES = Rule(
    f"{D}.unique-codes",
    "error",
    "各区县完成材料初审后于2月17日前统一报市经济信息委。",
    "同一推荐汇总表中申报单位的组织机构代码/三证合一码不得重复",
    "no applicant's code twice in one summary",
    DistrictPacket,
    _unique_codes,
)
DEADLINE_RULE = Rule(
    f"{D}.deadline",
    "warning",
    "各区县完成材料初审后于2月17日前统一报市经济信息委。",
    "申报日期晚于2023年2月17日的报送截止日期",
    "the application is dated after the 2023-02-17 deadline",
    PlatformApplication,
    _before_deadline,
)

# Requirements the models enforce themselves; listed so that the rulebook is whole.
MODEL_RULES = (
    Rule(
        f"{A}.consortium",
        "error",
        "（三）鼓励申报主体整合资源，由不超过3家（含3家）相关领域单位形成能力互补、资源共享的联合体，以1家牵头单位名义申报。",
        "联合体以1家牵头单位申报，含牵头单位不超过3家",
        "one lead unit; at most 3 units in all",
        PlatformApplication,
    ),
    Rule(
        f"{A}.intro-500",
        "error",
        "申报单位简介……（本部分内容不超过500字）",
        "申报单位简介不超过500字",
        "申报单位简介 at most 500 characters",
        PlatformApplication,
    ),
    Rule(
        f"{A}.summary-1000",
        "error",
        "平台任务概述：包括平台任务简介，2025年预期将达到的绩效等情况（不超过1000字）",
        "平台任务概述不超过1000字",
        "平台任务概述 at most 1000 characters",
        PlatformApplication,
    ),
    Rule(
        f"{A}.nature-one",
        "error",
        "单位性质 □国有企业  □民营企业  □外资企业  □事业单位 其他（请注明）",
        "单位性质选且仅选一项，选“其他”须注明",
        "exactly one 单位性质; 其他 needs its text",
        Unit,
    ),
    Rule(
        f"{A}.listed-yes-no",
        "error",
        "是否上市公司 □否 □是",
        "是否上市公司须选“是”或“否”",
        "是否上市公司 is yes or no",
        Unit,
    ),
    Rule(
        f"{A}.kpi-values",
        "error",
        "申报单位重点绩效指标填报表：阶段目标、总目标",
        "绩效指标不能为负数；数量指标的总目标为各阶段之和",
        "KPI values are not negative; a count's 总目标 is the sum of its stages",
        PlatformApplication,
    ),
    Rule(
        f"{A}.org-code",
        "error",
        "组织机构代码/三证合一码",
        "应为18位统一社会信用代码，或带GB 11714校验码的9位组织机构代码",
        "an 18-character credit code, or a 9-character organisation code with its GB 11714 check character",
        Unit,
    ),
)

RULES: tuple[Rule, ...] = (
    *MODEL_RULES,
    REGISTERED,
    FOUR_TARGETS,
    FIRST_TWO_RULE,
    BODY,
    UNIQUE_CODES,
    DEADLINE_RULE,
)
