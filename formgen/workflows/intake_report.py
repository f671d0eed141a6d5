"""The intake report: every applicant, its status, each problem where a bureau finds it.

``intake-report.xlsx`` is for the bureau (one row per problem: applicant, unit, 受理 /
退回修改 / 拒收, file, severity, the form's label, the data path, the message in Chinese and
in English); ``intake-report.json`` says the same for scripts and the web portal.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from formgen.data import cells
from formgen.document.package import normalize_zip, write_atomic

if TYPE_CHECKING:
    from formgen.workflows.intake import Applicant

REPORT = "intake-report"


def write(applicants: Sequence[Applicant], out_dir: Path) -> list[Path]:
    """``intake-report.xlsx`` (for the bureau) and ``.json`` (for scripts): every applicant, every problem."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "受理情况"
    cells.append(
        sheet,
        [
            "申请人 applicant",
            "单位 unit",
            "状态 status",
            "文件 file",
            "级别 severity",
            "表单项 label",
            "数据路径 path",
            "说明",
            "message",
        ],
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for applicant in applicants:
        status = {"ok": "受理 ok", "invalid": "退回修改 invalid", "refused": "拒收 refused"}[applicant.status]
        if not applicant.issues:
            cells.append(sheet, [applicant.name, applicant.unit, status, ", ".join(applicant.files)])
        for issue in applicant.issues:
            cells.append(
                sheet,
                [
                    applicant.name,
                    applicant.unit,
                    status,
                    issue.file,
                    issue.severity,
                    issue.label,
                    issue.path,
                    issue.zh,
                    issue.en,
                ],
            )
    for letter, width in zip("ABCDEFGHI", (24, 30, 16, 30, 9, 36, 30, 40, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    xlsx = out_dir / f"{REPORT}.xlsx"
    write_atomic(xlsx, normalize_zip(cells.save(book)))
    summary = [
        {
            "applicant": a.name,
            "unit": a.unit,
            "status": a.status,
            "files": a.files,
            "issues": [asdict(i) for i in a.issues],
            "paper": a.paper,
        }
        for a in applicants
    ]
    as_json = out_dir / f"{REPORT}.json"
    write_atomic(as_json, (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return [xlsx, as_json]
