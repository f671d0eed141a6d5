"""附件5 技术改造综合诊断服务企业申请表: an enterprise's application is one row of it.

An enterprise fills its own row; a 市（州） bureau's table is the rows of all its
enterprises, never retyped.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from formgen.authoring import BlankRows, CreditCode, FormModel, Money, Text


class Industry(enum.StrEnum):
    """所属行业: the notice's six key industries, then GB/T 4754-2017 大类 of 采矿业, 制造业
    and 电力、热力、燃气及水生产和供应业 (the 国民经济行业分类 the 备注 refers to)."""

    STEEL = "钢铁"
    NONFERROUS = "有色"
    BUILDING_MATERIALS = "建材"
    CHEMICAL = "化工"
    FOOD = "食品"
    TEXTILE = "纺织"
    B06 = "煤炭开采和洗选业"
    B07 = "石油和天然气开采业"
    B08 = "黑色金属矿采选业"
    B09 = "有色金属矿采选业"
    B10 = "非金属矿采选业"
    B11 = "开采专业及辅助性活动"
    B12 = "其他采矿业"
    C13 = "农副食品加工业"
    C14 = "食品制造业"
    C15 = "酒、饮料和精制茶制造业"
    C16 = "烟草制品业"
    C17 = "纺织业"
    C18 = "纺织服装、服饰业"
    C19 = "皮革、毛皮、羽毛及其制品和制鞋业"
    C20 = "木材加工和木、竹、藤、棕、草制品业"
    C21 = "家具制造业"
    C22 = "造纸和纸制品业"
    C23 = "印刷和记录媒介复制业"
    C24 = "文教、工美、体育和娱乐用品制造业"
    C25 = "石油、煤炭及其他燃料加工业"
    C26 = "化学原料和化学制品制造业"
    C27 = "医药制造业"
    C28 = "化学纤维制造业"
    C29 = "橡胶和塑料制品业"
    C30 = "非金属矿物制品业"
    C31 = "黑色金属冶炼和压延加工业"
    C32 = "有色金属冶炼和压延加工业"
    C33 = "金属制品业"
    C34 = "通用设备制造业"
    C35 = "专用设备制造业"
    C36 = "汽车制造业"
    C37 = "铁路、船舶、航空航天和其他运输设备制造业"
    C38 = "电气机械和器材制造业"
    C39 = "计算机、通信和其他电子设备制造业"
    C40 = "仪器仪表制造业"
    C41 = "其他制造业"
    C42 = "废弃资源综合利用业"
    C43 = "金属制品、机械和设备修理业"
    D44 = "电力、热力生产和供应业"
    D45 = "燃气生产和供应业"
    D46 = "水的生产和供应业"


class EnterpriseApplication(FormModel):
    """One enterprise's row of 附件5."""

    unit_name: Text = Field(title="企业名称")
    credit_code: CreditCode = Field(title="企业统一社会信用代码")
    region: Text = Field(title="所在地区", description="市（州）和区（县、市），如“成都市青白江区”")
    industry: Industry = Field(title="所属行业")
    key_process: Text = Field(title="重点生产环节")
    revenue_2022: Money = Field(title="2022年营收（万元/年）")
    energy_2022: Decimal = Field(title="2022年能源消费量（万吨标准煤/年）", ge=0, decimal_places=4)


class EnterpriseTable(FormModel):
    """附件5: the enterprises asking for diagnosis."""

    rows: Annotated[list[EnterpriseApplication], BlankRows(10)] = Field(title="企业", min_length=1)

    @classmethod
    def of(cls, applications: Iterable[EnterpriseApplication]) -> EnterpriseTable:
        """The table of `applications`, in their order."""
        return cls(rows=list(applications))
