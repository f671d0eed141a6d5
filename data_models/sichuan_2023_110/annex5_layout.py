"""The paper of 附件5: writes form_templates/sichuan-2023-110/annex5.xlsx."""

from __future__ import annotations

from pathlib import Path

from formgen.authoring import Column, SheetSpec, build_sheet

TITLE = "技术改造综合诊断服务企业申请表"

SPEC = SheetSpec(
    label="附件5",
    title=TITLE,
    header=[
        [
            "序号",
            "企业名称",
            "企业统一社会信用代码",
            "所在地区",
            "所属行业",
            "重点生产环节",
            "2022年营收（万元/年）",
            "2022年能源消费量（万吨标准煤/年）",
        ]
    ],
    columns=[
        Column("#", 6),
        Column("unit_name", 28),
        Column("credit_code", 22),
        Column("region", 16),
        Column("industry", 16),
        Column("key_process", 24),
        Column("revenue_2022", 14),
        Column("energy_2022", 16),
    ],
    rows_path="rows",
    blank_rows=10,
    notes=[
        "备注： “所属行业”包括钢铁、有色、建材、化工、食品、纺织等，其他行业请遵照国民经济行业分类进行填写。",
        "信息公开选项：不予公开",
    ],
)


def build(path: Path) -> None:
    """Write the 附件5 template to `path`."""
    build_sheet(SPEC, path)
