"""The paper of 附件2, the providers' summary table: writes form_templates/sichuan-2023-110/annex2.xlsx.

The seed gives the year sub-headers as 2022年, 2021年, 2022年 after 市（州）and 区（县、市）:
营业收入（万元） for 2022, and 技术改造服务企业数量（户） for 2021 and 2022.
"""

from __future__ import annotations

from pathlib import Path

from formgen.authoring import Column, SheetSpec, build_sheet

TITLE = "四川省技术改造综合服务商汇总表"

_TOP = [
    "序号",
    "服务商名称",
    "所在地",
    "所在地",
    "申报方向",
    "营业收入（万元）",
    "技术改造服务企业数量（户）",
    "技术改造服务企业数量（户）",
    "技术改造服务团队人员数量",
    "主要服务行业",
    "服务能力自评（不超过200字）",
    "联系人及电话",
]
_SUB = [*_TOP[:2], "市（州）", "区（县、市）", _TOP[4], "2022年", "2021年", "2022年", *_TOP[8:]]

SPEC = SheetSpec(
    label="附件2",
    title=TITLE,
    header=[_TOP, _SUB],
    columns=[
        Column("#", 5),
        Column("unit_name", 20),
        Column("city", 10),
        Column("county", 10),
        Column("directions", 16),
        Column("revenue_2022", 11),
        Column("served_2021", 8),
        Column("served_2022", 8),
        Column("team_size", 11),
        Column("industries", 14),
        Column("self_assessment", 40),
        Column("contact", 15),
    ],
    rows_path="rows",
    blank_rows=15,
)


def build(path: Path) -> None:
    """Write the 附件2 template to `path`."""
    build_sheet(SPEC, path)
