"""The paper of 附件3, top to bottom: writes form_templates/sichuan-2023-110/annex3.docx.

Every label, line of 填报说明 and line of 正文 guidance is the seed's own text, in its order.
Inputs are template tags naming the data path of `ProviderReport`.
"""

from __future__ import annotations

from pathlib import Path

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
)

from .annex3 import DETAIL_SUFFIXES, Direction, Industry, Nature, QualificationKind

TITLE = "四川省技术改造综合服务商申请报告"

FILLING_NOTES = (
    "一、本申请报告由技术改造综合服务商申报单位填写。",
    "二、推荐单位为申报单位所在地的市（州）经济和信息化局。",
    "三、申报单位按照填写要求和实际情况，认真准确填写相关内容。",
    "四、提交材料包括申请报告纸质材料和电子文档，申报单位须确保纸质材料和电子文档内容一致。",
    "五、纸质材料使用A4纸双面印刷，装订平整，采用普通白色纸质材料作为封面。",
)

PLEDGE = (
    "我单位申报的所有材料均真实、完整、有效，近3年内（2020年以来）未被列入企业异常经营名录、"
    "安全生产黑名单、失信被执行人名单，未发生重特大安全事故、环境污染事故等情形，"
    "如虚假申报或材料不实，愿承担相应责任。"
)

# The 资质 cell as printed: each item, and the note after its name (the 国家级/省级 of 绿色制造);
# the 级 after a level comes from the model (DETAIL_SUFFIXES), which the portal shows too.
QUALIFICATION_LINES: tuple[tuple[QualificationKind, str], ...] = (
    (QualificationKind.SAFETY_ASSESSMENT, ""),
    (QualificationKind.GREEN_MANUFACTURING, "（国家级/省级）"),
    (QualificationKind.ENGINEERING_CONSULTING, ""),
    (QualificationKind.ENGINEERING_DESIGN, ""),
    (QualificationKind.COST_CONSULTING, ""),
    (QualificationKind.MANAGEMENT_CONSULTING, ""),
    (QualificationKind.SERVICE_MANUFACTURING, ""),
    (QualificationKind.SME_PUBLIC_SERVICE, ""),
    (QualificationKind.NATIONAL_SERVICE_PLATFORM, ""),
    (QualificationKind.CNAS, ""),
    (QualificationKind.CMA, ""),
    (QualificationKind.CMMI, ""),
    (QualificationKind.ELECTRONIC_CONTRACTING, ""),
    (QualificationKind.SYSTEM_INTEGRATION, ""),
    (QualificationKind.ISO20000, ""),
    (QualificationKind.ITSS_ASSESSMENT, ""),
    (QualificationKind.INNOVATION_CENTER, ""),
    (QualificationKind.TWO_INTEGRATION, ""),
    (QualificationKind.CLASSIFIED_INTEGRATION, ""),
)


def _pairs(path: str, options: list[str]) -> list[str]:
    """Checkbox options two to a line, as the form prints them."""
    items = [f"{box(path, o)}{o}" for o in options]
    return ["\t".join(items[i : i + 2]) for i in range(0, len(items), 2)]


def _qualification(kind: QualificationKind, note: str) -> str:
    suffix = dict(DETAIL_SUFFIXES).get(kind.value, "")
    ref = f"profile.qualifications['{kind.value}']"
    if suffix:
        return f"{{{{r {ref}.checked }}}}{kind.value} {{{{r {ref}.detail }}}}{suffix}"
    if note:
        return f"{{{{r {ref}.checked }}}}{kind.value}{note}{{{{r {ref}.detail }}}}"
    return f"{{{{r {ref}.checked }}}}{kind.value}"


def _cover(doc: object) -> None:
    para(doc, "附件3", "AnnexLabel")
    for _ in range(2):
        para(doc, "", "FormPlain")
    para(doc, TITLE, "FormTitle")
    for _ in range(2):
        para(doc, "", "FormPlain")
    cover = table(doc, [80, 60, 16], borders=False)
    for index, direction in enumerate(Direction):
        row(
            cover,
            Cell("申   报   方  向：" if index == 0 else "", style="CoverLine"),
            Cell(direction.value, style="CoverLine"),
            Cell(box("directions", direction.value), style="CoverLine"),
        )
    for label, value in (
        ("申报单位（公章）：", "{{r profile.unit_name }}"),
        ("推荐单位（公章）：", "{{r recommender }}"),
        ("申报单位联系人及手机号码：", "{{r profile.contact.name }}　{{r profile.contact.mobile }}"),
    ):
        row(cover, Cell(label, style="CoverLine"), Cell(value, span=2, style="CoverLine"))
    for _ in range(3):
        para(doc, "", "FormPlain")
    para(doc, "四川省经济和信息化厅编制", "CoverFoot")
    para(doc, "2023年4月", "CoverFoot")
    end_cover(doc)


def _notes(doc: object) -> None:
    para(doc, "填报说明", "FormTitle")
    for line in FILLING_NOTES:
        para(doc, line, "FormBody")
    page_break(doc)


def _profile_table(doc: object) -> None:
    para(doc, "一、基本情况表", "SectionTitle")
    # The last column holds the codes, phone numbers and e-mail address: wide enough for each
    # to print whole on one line (`formgen.document.fitting` sets a long one a size smaller).
    t = table(doc, [26, 13, 23, 30, 64])
    p = "profile"
    row(t, Cell("单位名称", style="TableLabel"), Cell(f"{{{{r {p}.unit_name }}}}", span=4), min_height_mm=10)
    row(
        t,
        Cell("法定代表人", style="TableLabel"),
        Cell(f"{{{{r {p}.legal_representative }}}}", span=2),
        Cell("社会信用代码", style="TableLabel"),
        Cell(f"{{{{r {p}.credit_code }}}}"),
        min_height_mm=10,
    )
    natures = [n.value for n in Nature]
    row(
        t,
        Cell("单位性质", style="TableLabel"),
        Cell(
            [
                f"{box(p + '.nature', natures[0])}{natures[0]}{box(p + '.nature', natures[1])}{natures[1]}",
                f"{box(p + '.nature', natures[2])}{natures[2]}{box(p + '.nature', natures[3])}{natures[3]}"
                f"{{{{r {p}.nature_other }}}}",
            ],
            span=2,
        ),
        Cell("注册成立时间", style="TableLabel"),
        Cell(f"{{{{r {p}.established }}}}"),
    )
    row(t, Cell("注册地址", style="TableLabel"), Cell(f"{{{{r {p}.address }}}}", span=4), min_height_mm=10)
    row(
        t,
        Cell(["注册资金", "（万元）"], style="TableLabel"),
        Cell(f"{{{{r {p}.registered_capital }}}}", span=2),
        Cell("单位划型（大型、中型、小型）", style="TableLabel"),
        Cell(f"{{{{r {p}.size }}}}"),
    )
    c = f"{p}.contact"
    row(
        t,
        Cell("联系人", merge="restart", style="TableLabel"),
        Cell("姓名", style="TableLabel"),
        Cell(f"{{{{r {c}.name }}}}"),
        Cell("电话及手机", style="TableLabel"),
        Cell([f"{{{{r {c}.phone }}}}", f"{{{{r {c}.mobile }}}}"]),
        min_height_mm=10,
    )
    row(
        t,
        Cell(merge="continue"),
        Cell("职务", style="TableLabel"),
        Cell(f"{{{{r {c}.position }}}}"),
        Cell("电子邮箱", style="TableLabel"),
        Cell(f"{{{{r {c}.email }}}}"),
        min_height_mm=10,
    )
    row(
        t,
        Cell("企业员工总数", style="TableLabel"),
        Cell(f"{{{{r {p}.employees }}}}", span=2),
        Cell("技术改造服务团队人员数量", style="TableLabel"),
        Cell(f"{{{{r {p}.team_size }}}}"),
    )
    row(
        t,
        Cell("营业收入（万元）", span=3, style="TableLabel"),
        Cell("技术改造服务企业数量", span=2, style="TableLabel"),
    )
    row(
        t,
        Cell("2021年", span=2, style="TableLabel"),
        Cell("2022年", style="TableLabel"),
        Cell("2021年", style="TableLabel"),
        Cell("2022年", style="TableLabel"),
    )
    row(
        t,
        Cell(f"{{{{r {p}.revenue.y2021 }}}}", span=2, style="TableLabel"),
        Cell(f"{{{{r {p}.revenue.y2022 }}}}", style="TableLabel"),
        Cell(f"{{{{r {p}.served_enterprises.y2021 }}}}", style="TableLabel"),
        Cell(f"{{{{r {p}.served_enterprises.y2022 }}}}", style="TableLabel"),
        min_height_mm=10,
    )
    industries = [i.value for i in Industry if i is not Industry.OTHER]
    other = f"{box(p + '.industries', '其他')}其他：{{{{r {p}.industries_other }}}}"
    row(
        t,
        Cell(["主要服务行业", "（可多选）"], style="TableLabel"),
        Cell([*_pairs(f"{p}.industries", industries), other], span=4, tabs_mm=(40,)),
    )
    directions = [d.value for d in Direction]
    boxes = [f"{box('directions', d)}{d}" for d in directions]
    row(
        t,
        Cell("所选申报方向提供的主要服务或产品", merge="restart", style="TableLabel"),
        Cell(["申报方向：" + "　".join(boxes[:2]), "　".join(boxes[2:4]), boxes[4]], span=4),
    )
    row(
        t,
        Cell(merge="continue"),
        Cell("主要服务或产品名称", span=2, style="TableLabel"),
        Cell("主要功能，适用行业或场景", span=2, style="TableLabel"),
    )
    row(t, Cell(merge="continue"), Cell("{%tr for item in profile.products %}", span=4))
    row(
        t,
        Cell(merge="continue"),
        Cell("{{r item.name }}", span=2),
        Cell("{{r item.function }}", span=2),
        min_height_mm=9,
    )
    row(t, Cell(merge="continue"), Cell("{%tr endfor %}", span=4))
    row(t, Cell("{%tr for case in profile.cases %}", span=5))
    row(
        t,
        Cell("主要案例{% vm %}", style="TableLabel"),
        Cell("案例{{ case.ordinal }}：（名称、方向）{{r case.name }}　{{r case.direction }}", span=4),
        min_height_mm=9,
    )
    row(t, Cell(merge="continue"), Cell("实施效果：{{r case.effect.inline }}", span=4), min_height_mm=18)
    row(t, Cell("{%tr endfor %}", span=5))
    row(
        t,
        Cell("已获资质认证情况", style="TableLabel"),
        Cell(
            [
                *(_qualification(kind, note) for kind, note in QUALIFICATION_LINES),
                "{{r profile.qualifications['其他'].checked }}其他：{{r profile.qualifications['其他'].detail }}",
            ],
            span=4,
        ),
        can_split=True,
    )
    row(
        t,
        Cell(["申报单位", "真实性承诺"], style="TableLabel"),
        Cell(
            [
                "　　" + PLEDGE,
                "",
                "　　　　法定代表人签章：",
                "",
                "　　　　　　单位公章：",
                "",
                "　　　　　　　　　　　　{{r pledge.date }}",
            ],
            span=4,
        ),
    )  # kept whole: a pledge whose signature and seal box fall onto the next page is no pledge


GUIDED_SECTIONS: tuple[GuidedSection, ...] = (
    ("FormHeading2", "（一）申报单位情况介绍", None),
    (
        "FormBody",
        "请表述企业注册成立情况、股权构成情况、近两年发展概况、行业内地位和实力、生产经营情况及财务状况等（500字以内）。",
        "body.intro",
    ),
    ("FormHeading2", "（二）申报单位核心竞争力介绍", None),
    (
        "FormHeading3",
        "1.主要服务或产品的介绍（针对申报方向，包括但不限于所列举的要素方向及功能情况）。",
        None,
    ),
    ("FormBody", "（1）主要服务或产品介绍；", "body.services"),
    ("FormBody", "（2）核心竞争优势（包括但不限于与传统解决方案、与同行的对比分析）；", "body.advantages"),
    ("FormBody", "（3）主要服务或产品的技术指标。", "body.indicators"),
    ("FormHeading3", "2.主要服务或产品的应用情况。", None),
    (
        "FormBody",
        "（1）针对申报方向，申报单位主要服务或产品的适用行业和场景，以及市场占比分析。",
        "body.scenarios",
    ),
    (
        "FormBody",
        "（2）各项服务或产品的案例实施数量，特别是在省内实施的案例数量。各项服务或产品最具代表性的实施案例简介"
        "（2-3例），包括实施日期、费用、过程、效果等。与合作伙伴共同开展服务的，一并说明。"
        "提供案例须为企业和用户可公开信息，不涉及商业秘密。",
        "body.case_studies",
    ),
    ("FormHeading2", "（三）团队建设及实力", None),
    ("FormHeading3", "1.主要负责人及核心团队成员主要履历。", "body.leaders"),
    ("FormHeading3", "2.单位技术或服务团队情况，包括团队人数、学历构成情况、职称情况等。", "body.team"),
    ("FormHeading2", "（四）其他附件材料", None),
)

ATTACHMENT_GUIDANCE = (
    "上述内容涉及的各类附件材料，包括但不限于：",
    "1.企业法人营业执照；企业法定代表人身份证的正反面复印件。",
    "2.2022年度财务报表；",
    "3.申报单位相关认证或资质证明材料；",
    "（1）主要负责人、专家、核心技术团队成员履历和相关资格证明材料；",
    "（2）主要负责人、专家、核心技术团队成员与单位雇佣或合作关系的材料（如社保缴纳明细等）；",
    "（3）典型案例的客户证明材料（如合同协议、用户报告或反馈意见等）；",
    "（4）其他证明材料。",
)


def _report_body(doc: object) -> None:
    para(doc, "二、申请报告正文（请提供详细文字材料）", "SectionTitle")
    guided_sections(doc, GUIDED_SECTIONS)
    for line in ATTACHMENT_GUIDANCE:
        para(doc, line, "FormBody")
    para(doc, "本报告所附材料：", "FormHeading3")
    para(doc, "{%p for item in body.attachments %}", "FormBody")
    para(doc, "{{ item.number }}. {{r item.title }}", "FormBody")
    para(doc, "{%p endfor %}", "FormBody")


def build(path: Path) -> None:
    """Write the 附件3 template to `path`."""
    doc = new_document()
    _cover(doc)
    _notes(doc)
    _profile_table(doc)
    page_break(doc)
    _report_body(doc)
    save(doc, path, title=TITLE)
