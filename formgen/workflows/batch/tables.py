"""The bureaus' summary tables of a batch: one per group (市（州）, 区县) and the province's.

Built from the rows of every valid submitter, as a bureau's packet builds them from its
submitters, and written as ``tables/<group>/<form-id>.xlsx``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from formgen import api
from formgen.data.naming import safe_name
from formgen.document.package import write_atomic
from formgen.model.registry import BatchTable

TABLES_DIR = "tables"


@dataclass
class Tables:
    """The rows gathered so far for a packet's batch tables, by table and group, in input order."""

    specs: tuple[BatchTable, ...]
    rows: dict[str, dict[str, list[BaseModel]]] = field(default_factory=dict)

    def rows_of(self, instance: BaseModel) -> list[dict[str, Any]]:
        """Add a valid submitter's rows; return them as data (form id, group, row)."""
        records = []
        for spec in self.specs:
            group, row = spec.group_of(instance), spec.row_of(instance)
            self.rows.setdefault(spec.form_id, {}).setdefault(group, []).append(row)
            records.append({"form_id": spec.form_id, "group": group, "row": row.model_dump(mode="json")})
        return records

    def add_records(self, records: Iterable[dict[str, Any]]) -> None:
        """Add rows read back from batches' ``batch-rows.jsonl``."""
        models = {spec.form_id: spec.row_model for spec in self.specs}
        for record in records:
            row = models[record["form_id"]].model_validate(record["row"])
            self.rows.setdefault(record["form_id"], {}).setdefault(record["group"], []).append(row)

    def write(self, out_dir: Path) -> list[Path]:
        """Write every group's table, and each overall table, under ``out_dir/tables``."""
        written = []
        for spec in self.specs:
            groups = self.rows.get(spec.form_id, {})
            tables = [(group, spec.table_of(group, rows)) for group, rows in sorted(groups.items())]
            if spec.overall is not None and groups:
                every = [row for group in sorted(groups) for row in groups[group]]
                tables.append((spec.overall, spec.table_of(spec.overall, every)))
            form = api.form(spec.form_id)
            for group, table in tables:
                target = out_dir / TABLES_DIR / safe_name(group) / form.file_name
                write_atomic(target, api.render_filled(spec.form_id, table))
                written.append(target)
        return written
