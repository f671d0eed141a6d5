"""Writing a verification: ``verify-report.json`` and ``verify-report.html``, beside the marked
pages (`marking`) the check wrote as it went.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from formgen.document.package import write_atomic
from formgen.paper.check import LABELS, Report

JSON_NAME = "verify-report.json"
HTML_NAME = "verify-report.html"


def as_data(report: Report) -> dict[str, Any]:
    """The report as plain data (the JSON file, the portal's view)."""
    return {
        "submitted": report.submitted,
        "submission": report.submission,
        "submitted_pages": report.submitted_pages,
        "agrees": report.agrees,
        "pages": [
            {
                "scan": page.scan,
                "page": page.page,
                "findings": page.findings,
                "labels": [LABELS[f] for f in page.findings],
                "placed_by": page.placed_by,
                "code": page.code,
                "similarity": round(page.similarity, 3),
                "covered": round(page.covered, 3),
                "differences": [
                    {"submitted": d.submitted, "scanned": d.scanned, "box": [round(v) for v in d.box]}
                    for d in page.differences
                ],
                "seals": [{"place": label, "found": found} for label, found in page.seals],
                "marked": page.marked,
            }
            for page in report.pages
        ],
    }


def write(report: Report, out_dir: Path) -> list[Path]:
    """Write the JSON and HTML reports into `out_dir` (the marked pages are already there,
    written by `check.verify_pages` as it went); return the paths, marked pages included."""
    data = as_data(report)
    json_path = out_dir / JSON_NAME
    write_atomic(json_path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    html_path = out_dir / HTML_NAME
    write_atomic(html_path, _html(data).encode("utf-8"))
    return [
        json_path,
        html_path,
        *(out_dir / page.marked for page in report.pages if page.marked is not None),
    ]


def _html(data: dict[str, Any]) -> str:
    rows = []
    for page in data["pages"]:
        details = "; ".join(
            f"“{html.escape(d['submitted'])}” → “{html.escape(d['scanned'])}”" for d in page["differences"]
        )
        missing = [s["place"] for s in page["seals"] if s["found"] is False]
        if missing:
            details += ("; " if details else "") + "缺章：" + "、".join(html.escape(p) for p in missing)
        picture = f'<a href="{html.escape(page["marked"])}">标注图</a>' if page["marked"] else ""
        ok = page["findings"] == ["matched"]
        rows.append(
            f'<tr class="{"ok" if ok else "bad"}"><td>{html.escape(page["scan"] or "—")}</td>'
            f"<td>{page['page'] or '—'}</td><td>{'、'.join(page['labels'])}</td>"
            f"<td>{details}</td><td>{picture}</td></tr>"
        )
    verdict = "纸质材料与电子文档一致" if data["agrees"] else "纸质材料与电子文档不一致"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>核验报告 {html.escape(data["submitted"])}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:4px 8px;text-align:left}}.bad{{background:#fde8e8}}.ok{{background:#eefbee}}</style>
</head><body>
<h1>纸质材料核验报告</h1>
<p>申报材料：{html.escape(data["submitted"])}（{data["submitted_pages"]}页，编码 {html.escape(data["submission"] or "无")}）</p>
<p><strong>{verdict}</strong></p>
<table><tr><th>扫描页</th><th>对应页</th><th>结论</th><th>差异</th><th>标注</th></tr>
{"".join(rows)}
</table></body></html>
"""
