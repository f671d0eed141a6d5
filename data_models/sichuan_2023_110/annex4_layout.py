"""The paper of 附件4, top to bottom: writes form_templates/sichuan-2023-110/annex4.docx.

The guide's text is the seed's own, in its order; under 二、诊断企业需提供的材料 each item the
guide asks for is followed by the enterprise's input: paragraphs, or the 主要生产设备 table,
whose rows repeat for every piece of equipment and whose 合计 is derived from them.
"""

from __future__ import annotations

from pathlib import Path

from formgen.authoring import Cell, annex_title, new_document, prose, row, save, table

TITLE = "诊断企业征集指南"

GUIDE = """
# 一、诊断企业征集流程
## （一）企业申请。|按照属地管理原则，规模以上企业自愿提出申请，向市（州）经济和信息化局提交《技术改造综合诊断服务企业申请表》及相关说明材料。
## （二）市（州）审核。|市（州）经济和信息化局对申请企业进行审核，于2023年5月11日前将申请汇总表报送至技术改造处，电子版文档发至指定邮箱。根据工作需要，我厅不定时征集、统筹诊断企业名单。
# 二、诊断企业需提供的材料
企业名称：{{r enterprise.unit_name }}
企业统一社会信用代码：{{r enterprise.credit_code }}
## （一）企业基本概况；
{{p overview }}
## （二）主要生产设备；
"""

AFTER_EQUIPMENT = """
## （三）主要工序和工艺；
{{p processes }}
## （四）企业在安全、环保、节能和智能制造等方面存在的主要问题；
{{p problems }}
## （五）企业拟实施的重大项目；
{{p projects }}
## （六）企业需要政府部门提供的服务和支持。
{{p support }}
"""

EQUIPMENT_COLUMNS = (("编号", 14), ("供应商名称", 50), ("设备名称", 38), ("规格型号", 36), ("数量", 18))


def _equipment(doc: object) -> None:
    """主要生产设备: the header repeats on every page; one row per piece of equipment; 合计."""
    t = table(doc, [width for _, width in EQUIPMENT_COLUMNS])
    row(t, *(Cell(label, style="TableLabel") for label, _ in EQUIPMENT_COLUMNS), header=True, min_height_mm=9)
    row(t, Cell("{%tr for item in equipment %}", span=5))
    row(
        t,
        Cell("{{ item.number }}", style="TableLabel"),
        Cell("{{r item.supplier }}"),
        Cell("{{r item.name }}"),
        Cell("{{r item.spec }}"),
        Cell("{{r item.quantity }}", style="TableLabel"),
        min_height_mm=9,
    )
    row(t, Cell("{%tr endfor %}", span=5))
    row(
        t,
        Cell("合计", span=4, style="TableLabel"),
        Cell("{{r equipment_total }}", style="TableLabel"),
        min_height_mm=9,
    )


def build(path: Path) -> None:
    """Write the 附件4 template to `path`."""
    doc = new_document()
    annex_title(doc, "附件4", TITLE)
    prose(doc, GUIDE)
    _equipment(doc)
    prose(doc, AFTER_EQUIPMENT)
    save(doc, path, title=TITLE)
