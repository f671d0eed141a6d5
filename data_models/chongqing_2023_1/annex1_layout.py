"""The paper of 附件1: writes form_templates/chongqing-2023-1/annex1.xlsx.

The seed's one line 推荐单位（盖章）： 联系人： 联系电话： is set as three labelled inputs
above the table, in that order, so that each can be typed into.
"""

from __future__ import annotations

from pathlib import Path

from formgen.authoring import Column, HeaderField, SheetSpec, build_sheet

TITLE = "市级重点绿色制造综合服务平台推荐汇总表"

SPEC = SheetSpec(
    label="附件1",
    title=TITLE,
    fields=[
        HeaderField("推荐单位（盖章）：", "recommender", "B3", "C3:D3"),
        HeaderField("联系人：", "contact", "B4", "C4"),
        HeaderField("联系电话：", "phone", "B5", "C5:D5"),
    ],
    header=[["序号", "申报单位名称", "联系人", "手机"]],
    columns=[Column("#", 8), Column("unit_name", 44), Column("contact", 16), Column("mobile", 20)],
    rows_path="rows",
    blank_rows=8,
    landscape=False,
    font_size=12,
)


def build(path: Path) -> None:
    """Write the 附件1 template to `path`."""
    build_sheet(SPEC, path)
