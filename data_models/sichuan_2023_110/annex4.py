"""附件4 诊断企业征集指南: the materials an enterprise asking for diagnosis hands in.

The guide's 二、诊断企业需提供的材料 lists six items; this model is those items, plus who the
enterprise is. Field titles are the guide's own labels. The 主要生产设备 table may be kept
in a spreadsheet (``equipment: !table equipment.xlsx``, see `formgen.authoring.TableRow`); its 合计 is
derived from the rows, never typed.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, computed_field

from formgen.authoring import BlankRows, Count, CreditCode, FormModel, LongText, TableRow, Text


class Enterprise(FormModel):
    """Who the enterprise is: the first columns of its 附件5 row, by the same names."""

    unit_name: Text = Field(title="企业名称")
    credit_code: CreditCode = Field(title="企业统一社会信用代码")


class Equipment(TableRow):
    """One row of （二）主要生产设备; 编号 is the row's number, printed by the document."""

    supplier: Text = Field(title="供应商名称")
    name: Text = Field(title="设备名称")
    spec: Text = Field(title="规格型号")
    quantity: Annotated[Count, Field(gt=0)] = Field(title="数量")


class Materials(FormModel):
    """二、诊断企业需提供的材料, the six items: what an enterprise writes beyond its 附件5 row."""

    overview: LongText = Field(title="企业基本概况")
    equipment: Annotated[list[Equipment], BlankRows(2)] = Field(title="主要生产设备", min_length=1)
    processes: LongText = Field(title="主要工序和工艺")
    problems: LongText = Field(title="企业在安全、环保、节能和智能制造等方面存在的主要问题")
    projects: LongText = Field(title="企业拟实施的重大项目")
    support: LongText = Field(title="企业需要政府部门提供的服务和支持")

    @computed_field(title="合计")  # type: ignore[prop-decorator]
    @property
    def equipment_total(self) -> int:
        """合计: the sum of the rows' 数量."""
        return sum(item.quantity for item in self.equipment)


class DiagnosisMaterials(Materials):
    """附件4 二、诊断企业需提供的材料, with who the enterprise is."""

    enterprise: Enterprise = Field(title="企业")
