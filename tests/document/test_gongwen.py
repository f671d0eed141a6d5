"""公文 parts that no Sichuan document prints: the 版记 between its rules."""

from __future__ import annotations

from pathlib import Path

from formgen.document.docx_layout import new_document, save
from formgen.document.gongwen import imprint, width
from tests import reading


def test_imprint_sits_between_thick_rules(tmp_path: Path) -> None:
    doc = new_document()
    imprint(doc, "重庆市经济和信息化委员会办公室", "2023年1月31日印发", copies_to="市发展改革委")
    save(doc, tmp_path / "imprint.docx", title="版记")
    (table,) = reading.document_xml(tmp_path / "imprint.docx").iter(f"{{{reading.W}}}tbl")
    borders = table.find("w:tblPr/w:tblBorders", reading.NS)
    for side in ("top", "bottom"):
        edge = borders.find(f"w:{side}", reading.NS)
        assert edge.get(f"{{{reading.W}}}val") == "single"
        assert edge.get(f"{{{reading.W}}}sz") == "8"  # 1 pt ≈ 0.35 mm
    thin = table.find(".//w:tcBorders/w:bottom", reading.NS)
    assert thin.get(f"{{{reading.W}}}sz") == "6"  # ¾ pt ≈ 0.25 mm, between 抄送 and 印发
    texts = reading.cell_texts(table)
    assert list(texts.values()) == [
        "抄送：市发展改革委",
        "重庆市经济和信息化委员会办公室",
        "2023年1月31日印发",
    ]


def test_width_counts_as_the_paper_sets_text() -> None:
    assert width("附件：") == 3
    assert width("1.") == 1
    assert width("2023年4月14日") == 3 + 3.5 + 5 / 4
