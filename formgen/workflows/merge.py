"""The province's table: the summary tables its bureaus sent up, joined into one.

Each table (附件2, 附件5, Chongqing's 附件1, filled from formgen's blank or made by formgen)
is an untrusted file: it is opened safely, read back by its hidden ``_formgen`` map,
validated, and refused with its reason when it is not the form or not valid. Rows are
grouped by 市（州） (a row's ``city``, else the start of its ``region``, else the table's
推荐单位), in the order the groups first appear, and numbered again by the table itself.
The same 统一社会信用代码 (or, where a table has none, the same 单位名称) twice is a
conflict, reported with both sources: the first row is kept, the second is not merged in
silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formgen import api
from formgen.data.textfile import DataFileError

_KEYS = (("credit_code", "统一社会信用代码"), ("unit_name", "单位名称"))


@dataclass
class Merged:
    """The province's table, how many rows it has, and what was refused or conflicting."""

    written: Path | None
    rows: int = 0
    problems: list[str] = field(default_factory=list)


def _group(row: dict[str, Any], table: dict[str, Any]) -> str:
    if row.get("city"):
        return str(row["city"])
    region = str(row.get("region") or "")
    for end in ("市", "州"):
        if end in region:
            return region[: region.index(end) + 1]
    return str(table.get("recommender") or "")


def merge(form_id: str, tables: list[Path], out_dir: Path = api.DEFAULT_OUT) -> Merged:
    """Join `tables` (XLSX files of `form_id`) into ``<form-id>.xlsx`` in `out_dir`."""
    problems: list[str] = []
    header: dict[str, Any] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    seen: dict[str, str] = {}
    for path in tables:
        try:
            data = api.read_filled(form_id, path)
        except DataFileError as exc:
            problems.append(f"拒收 / refused: {exc}")
            continue
        checked = api.check(form_id, data)
        if not checked.ok:
            problems += [f"{path.name}: {p}" for p in checked.problems if p.severity == "error"]
            continue
        header = header or {k: v for k, v in data.items() if k != "rows"}
        for number, row in enumerate(data.get("rows", []), start=1):
            key_field, key_label = next(((f, label) for f, label in _KEYS if row.get(f)), ("", ""))
            source = f"{path.name} 第{number}行 / row {number}"
            key = f"{key_field}:{row.get(key_field)}"
            if key_field and key in seen:
                problems.append(
                    f"冲突 / conflict: {key_label} {row[key_field]} 重复 / appears twice: "
                    f"{seen[key]}; {source}（未合并后者 / the latter was not merged）"
                )
                continue
            seen[key] = source
            groups.setdefault(_group(row, data), []).append(row)
    rows = [row for group in groups.values() for row in group]
    if not rows:
        return Merged(None, 0, problems or ["没有可合并的行 / no rows to merge"])
    (written,) = api.fill(form_id, {**header, "rows": rows}, out_dir)
    return Merged(written, len(rows), problems)
