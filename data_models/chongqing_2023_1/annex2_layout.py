"""The paper of 附件2, top to bottom: writes form_templates/chongqing-2023-1/annex2.docx.

Cover, 申报表, 重点绩效指标填报表, 申报书 body, 证明材料 and 承诺书 follow the seed's order;
every label and line of guidance is the seed's own text. Two additions the seed does not
print, placed where the form speaks of them: rows for the consortium's member units
(申报单位简介 asks about 牵头单位及联合体单位) just before 申报单位简介, and the six service
targets of 技术要求 as □ items in 平台任务基本信息.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.shared import Mm

from formgen.authoring import (
    Cell,
    GuidedSection,
    box,
    end_cover,
    guided_sections,
    new_document,
    page_break,
    para,
    row,
    save,
    table,
    tag,
)

from .annex2 import STAGES, Nature, ServiceTarget, YesNo

TITLE = "市级绿色制造综合服务平台申报书"
PLATFORM_PREFIX = "2023年市级绿色制造综合服务平台"
TARGETS_NOTE = "到2025年，平台应达到以下4种以上服务目标（前2种中至少有1种）："
INTRO_GUIDANCE = (
    "包括牵头单位及联合体单位成立时间、发展历程、主营业务、技术实力、相关工作业绩等基本情况，"
    "以及所获专利、标准、知识产权、所获竞赛类奖励荣誉等情况（需提供证明材料附后）（本部分内容不超过500字）。"
)
SUMMARY_GUIDANCE = "包括平台任务简介，2025年预期将达到的绩效等情况（不超过1000字）"

# The 申报书 body: (style, text, the field whose paragraphs follow, or None).
BODY: tuple[GuidedSection, ...] = (
    ("FormHeading1", "一、任务介绍", None),
    ("FormBody", "平台任务简介。", "report.intro"),
    ("FormHeading1", "二、申报基础", None),
    ("FormHeading2", "（一）现有基础。", None),
    (
        "FormBody",
        "申报主体行业地位、科研资质、技术基础、知识产权、创新能力、人才与团队实力、主要优势等。",
        "report.existing",
    ),
    ("FormHeading2", "（二）相关进展。", None),
    (
        "FormBody",
        "申报主体与任务相关工作情况，包括人员配置、工作开展、平台建设、资金投入情况等。",
        "report.progress",
    ),
    ("FormHeading2", "（三）区县支持情况。", None),
    (
        "FormBody",
        "所在区县在平台建设、运营、服务等方面拟给予的相应支持政策、措施等。",
        "report.district_support",
    ),
    ("FormHeading1", "三、重点目标及计划", None),
    ("FormHeading2", "（一）2025年预期目标。", None),
    ("FormBody", "任务总体目标。", "report.goals"),
    ("FormHeading2", "（二）任务实施计划。", None),
    ("FormBody", "时间进度、阶段性任务、细化目标等。", "report.schedule"),
    ("FormHeading2", "（三）组织保障机制。", None),
    ("FormBody", "团队、组织方式、协调机制等。", "report.organisation"),
    ("FormHeading2", "（四）潜在问题及应对举措。", "report.risks"),
    ("FormHeading1", "四、其他相关事项说明", "report.other"),
    ("FormBody", "注：任务书篇幅不宜过长，原则上不超过6000字，重点讲述目标及计划部分。", None),
)

PROOFS = (
    ("proofs.legal", "1.申报单位法人主体、财务情况等证明材料。"),
    (
        "proofs.strength",
        "2.申报单位综合实力证明材料。（办公场地、软硬件设施、人员、专利、标准、相关工作业绩等）",
    ),
    (
        "proofs.honours",
        "3.申报单位相关荣誉证明材料。（高新技术企业、企业技术中心、重点实验室、比赛奖励等相关证明材料）",
    ),
)

PLEDGE_TEXT = (
    "根据《重庆市经济和信息化委员会关于申报市级重点绿色制造综合服务平台的通知》要求，"
    "我单位提交了市级重点绿色制造综合服务平台申报材料。",
    "现就有关情况承诺如下：",
    "1. 我单位对所报送的全部资料真实性负责，所报送的服务符合国家有关法律法规及相关产业政策要求。",
    "2. 相关材料中的文字和图片已经由我单位审核，确认无误。",
    "我单位对违反上述承诺导致的后果承担全部法律责任。",
    "我单位将根据申报通知要求，增强大局意识，切实承担主体责任，在平台任务实施期间认真组织、重点推进、"
    "加强保障，全力完成重点任务，力求在2025年取得达到或超过预期目标。",
)


def _cover(doc: Any) -> None:
    para(doc, "附件2", "AnnexLabel")
    for _ in range(4):
        para(doc, "", "FormPlain")
    para(doc, TITLE, "FormTitle")
    for _ in range(6):
        para(doc, "", "FormPlain")
    cover = table(doc, [34, 76, 46], borders=False)
    for label, value in (("申报单位：", "unit.unit_name"), ("推荐单位：", "recommender")):
        row(
            cover,
            Cell(label, style="CoverLine"),
            Cell(tag(value), style="CoverLine"),
            Cell("（加盖单位公章）", style="CoverLine"),
            min_height_mm=14,
        )
    row(
        cover,
        Cell("申报日期：", style="CoverLine"),
        Cell(tag("applied_on"), span=2, style="CoverLine"),
        min_height_mm=14,
    )
    end_cover(doc)


def _label(text: str | list[str], **kwargs: Any) -> Cell:
    return Cell(text, style="TableLabel", **kwargs)


def _unit_rows(t: Any) -> None:
    u = "unit"
    row(t, Cell("一、单位情况（提供证明材料）", span=5, style="TableHeading"), min_height_mm=9)
    row(t, _label(["单位名称", "全称（如实填写）"]), Cell(tag(f"{u}.unit_name"), span=4), min_height_mm=12)
    c = f"{u}.contact"
    row(
        t,
        _label("申报联系人", merge="restart"),
        _label("姓名"),
        Cell(tag(f"{c}.name")),
        _label("手机"),
        Cell(tag(f"{c}.mobile")),
        min_height_mm=10,
    )
    row(
        t,
        Cell(merge="continue"),
        _label("邮箱"),
        Cell(tag(f"{c}.email")),
        _label("传真"),
        Cell(tag(f"{c}.fax")),
        min_height_mm=10,
    )
    row(
        t,
        _label("法定代表人"),
        Cell(tag(f"{u}.legal_representative"), span=2),
        _label(["注册资本", "（万元）"]),
        Cell(tag(f"{u}.registered_capital")),
        min_height_mm=10,
    )
    row(t, _label("单位地址"), Cell(tag(f"{u}.address"), span=4), min_height_mm=10)
    row(t, _label("组织机构代码/三证合一码"), Cell(tag(f"{u}.code"), span=4), min_height_mm=10)
    natures = [n.value for n in Nature if n is not Nature.OTHER]
    row(
        t,
        _label("单位性质"),
        Cell(
            [
                "  ".join(f"{box(f'{u}.nature', n)}{n}" for n in natures),
                f"其他（请注明）：{tag(f'{u}.nature_other')}",
            ],
            span=4,
        ),
    )
    row(
        t,
        _label("是否上市公司"),
        Cell("    ".join(f"{box(f'{u}.listed', o.value)}{o.value}" for o in YesNo), span=4),
        min_height_mm=10,
    )
    row(
        t,
        _label(["整体业务收入", "（万元）"]),
        Cell(f"指上一个财年{tag(f'{u}.revenue')}（提供证明材料）", span=2),
        _label("单位人数"),
        Cell(tag(f"{u}.employees")),
        min_height_mm=12,
    )


def _member_rows(t: Any) -> None:
    """Each member of the consortium in three rows: name; legal representative and code; task."""
    row(t, Cell("{%tr for item in members %}", span=5))
    row(
        t,
        _label("联合体单位{{ item.ordinal }}", merge="restart"),
        _label("单位名称"),
        Cell(tag("item.unit_name"), span=3),
        min_height_mm=10,
    )
    row(
        t,
        Cell(merge="continue"),
        _label("法定代表人"),
        Cell(tag("item.legal_representative")),
        _label("组织机构代码/三证合一码"),
        Cell(tag("item.code")),
        min_height_mm=12,
    )
    row(t, Cell(merge="continue"), _label("承担任务"), Cell(tag("item.role"), span=3), min_height_mm=10)
    row(t, Cell("{%tr endfor %}", span=5))


def _platform_rows(t: Any) -> None:
    row(
        t,
        _label("申报单位简介"),
        Cell([INTRO_GUIDANCE, tag("intro.inline")], span=4),
        min_height_mm=60,
        can_split=True,
    )
    row(t, Cell("二、平台任务基本信息", span=5, style="TableHeading"), min_height_mm=9)
    row(
        t,
        _label("平台名称"),
        Cell(f"{PLATFORM_PREFIX}——{tag('platform.name')}", span=4),
        min_height_mm=12,
    )
    row(
        t,
        _label("平台任务概述"),
        Cell([SUMMARY_GUIDANCE, tag("platform.summary.inline")], span=4),
        min_height_mm=80,
        can_split=True,
    )
    ordinals = "一二三四五六"
    row(
        t,
        _label("服务目标"),
        Cell(
            [
                TARGETS_NOTE,
                *(
                    f"{box('platform.targets', target.value)}（{ordinals[i]}）{target.value}"
                    for i, target in enumerate(ServiceTarget)
                ),
            ],
            span=4,
        ),
    )


def _application_table(doc: Any) -> None:
    para(doc, "市级绿色制造综合服务平台申报表", "FormTitle")
    # Column 3 holds the e-mail address, column 5 the phone numbers and codes: wide enough for
    # each to print whole on one line (`formgen.document.fitting` sets a long one a size smaller).
    t = table(doc, [26, 14, 60, 22, 34])
    _unit_rows(t)
    _member_rows(t)
    _platform_rows(t)


def _stage_cells(path: str) -> list[Cell]:
    return [Cell(tag(f"{path}.stage{n}"), style="TableLabel") for n in (1, 2, 3)] + [
        Cell(tag(f"{path}.total"), style="TableLabel")
    ]


def _kpi_table(doc: Any) -> None:
    para(doc, "申报单位重点绩效指标填报表", "FormTitle")
    t = table(doc, [18, 40, 27, 27, 27, 17])
    row(
        t,
        _label("参考指标", span=2, merge="restart"),
        _label("阶段目标", span=3),
        _label("总目标", merge="restart"),
        header=True,
        min_height_mm=9,
    )
    row(
        t,
        Cell(span=2, merge="continue"),
        *(_label(stage) for stage in STAGES),
        Cell(merge="continue"),
        header=True,
        min_height_mm=14,
    )

    def named(path: str, label: str | list[str]) -> None:
        row(t, Cell(label, span=2), *_stage_cells(path), min_height_mm=13)

    named("kpis.diagnosis", "开展企业绿色化水平诊断评估等服务数量")
    named("kpis.energy_platform", "区域能源管控平台接入企业数量")
    named("kpis.solutions", "绿色化解决方案提供数量")
    named("kpis.energy_supply", ["优化能源供给成果指标：", tag("kpis.energy_supply.measure")])
    named("kpis.events", "开展技术推广等公益性活动场次")
    row(t, Cell("{%tr for item in kpis.others %}", span=6))
    row(t, Cell("其他指标…{% vm %}"), Cell(tag("item.measure")), *_stage_cells("item"), min_height_mm=13)
    row(t, Cell("{%tr endfor %}", span=6))


def _body(doc: Any) -> None:
    para(doc, TITLE, "FormTitle")
    guided_sections(doc, BODY)


def _attachments(doc: Any, path: str) -> None:
    para(doc, f"{{%p for item in {path} %}}", "FormBody")
    para(doc, "（{{ item.number }}）" + tag("item.title"), "FormBody")
    para(doc, "{%p endfor %}", "FormBody")


def _proofs(doc: Any) -> None:
    para(doc, "申报单位相关证明材料", "FormTitle")
    for path, text in PROOFS:
        para(doc, text, "FormBody")
        _attachments(doc, path)


def _pledge(doc: Any) -> None:
    para(doc, "承诺书", "FormTitle")
    for line in PLEDGE_TEXT:
        para(doc, line, "FormBody")
    para(doc, f"联 系 人：{tag('pledge.contact')}", "FormBody")
    para(doc, f"联系电话：{tag('pledge.phone')}", "FormBody")
    # The signature block stays together, with a line's room for the seal above the date.
    for text in ("", "法定代表人：（签字）", "", "（单位盖章）", tag("pledge.date.upper")):
        signature = para(doc, text, "FormPlain")
        signature.paragraph_format.left_indent = Mm(84)
        signature.paragraph_format.keep_with_next = True


def build(path: Path) -> None:
    """Write the 附件2 template to `path`."""
    doc = new_document()
    _cover(doc)
    _application_table(doc)
    page_break(doc)
    _kpi_table(doc)
    page_break(doc)
    _body(doc)
    page_break(doc)
    _proofs(doc)
    page_break(doc)
    _pledge(doc)
    save(doc, path, title=TITLE)
