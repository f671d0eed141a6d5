"""Join the outputs of a batch's shards into one report and one set of summary tables.

Each shard's folder holds ``batch-run.json`` (the packet, a hash of the input, the
fingerprint of formgen and its templates, the shard's K/N, whether it finished), its report
and its table rows. Shards of different inputs, of different formgen versions, unfinished,
given twice or missing are refused: a joined report must be the whole batch.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from formgen import api
from formgen.workflows.batch.report import REPORT, ROWS, RUN, Outcome, ReportWriter, read_lines
from formgen.workflows.batch.tables import Tables


class MergeError(ValueError):
    """Shards that do not make one batch."""


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / RUN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise MergeError(f"{folder}: 不是批量输出文件夹 / not a batch output folder (no {RUN})") from None
    if not manifest.get("finished"):
        raise MergeError(f"{folder}: 该分片未完成 / this shard did not finish: run it again")
    return manifest


def merge(folders: list[Path], out_dir: Path) -> list[Outcome]:
    """Join the shards in `folders` into `out_dir`; return every outcome, in input order."""
    if not folders:
        raise MergeError("没有分片 / no shards given")
    manifests = [_manifest(folder) for folder in folders]
    first = manifests[0]
    for folder, manifest in zip(folders, manifests, strict=True):
        for field, what in (
            ("packet", "材料 packet"),
            ("input", "输入 input"),
            ("fingerprint", "版本 version"),
        ):
            if manifest[field] != first[field]:
                raise MergeError(
                    f"{folder}: 与{folders[0]}的{what}不同 / its {field} differs from {folders[0]}'s: "
                    "not shards of one batch"
                )
    counts = {m["shard"][1] for m in manifests}
    if len(counts) != 1:
        raise MergeError(f"分片数不一致 / shards of different N: {sorted(counts)}")
    (count,) = counts
    indexes = [m["shard"][0] for m in manifests]
    if len(set(indexes)) != len(indexes):
        raise MergeError(f"分片重复 / a shard is given twice: {sorted(indexes)}")
    missing = sorted(set(range(count)) - set(indexes))
    if missing:
        raise MergeError(f"缺少分片 / shards missing: {', '.join(f'{k}/{count}' for k in missing)}")

    tables = Tables(api.registry().packet(first["packet"]).batch_tables)
    found: list[tuple[str, Outcome]] = []
    rows: list[dict[str, Any]] = []
    for folder in folders:
        for record in read_lines(folder / f"{REPORT}.jsonl"):
            outcome = Outcome(**record)
            if outcome.output:
                outcome.output = os.path.relpath(folder / outcome.output, out_dir)
            found.append((record["source"], outcome))
        rows += read_lines(folder / ROWS)
    tables.add_records(sorted(rows, key=lambda record: _order(record["source"])))
    # Each shard numbers its own submitters; the input's order is that of the sources.
    outcomes = [outcome for _source, outcome in sorted(found, key=lambda pair: _order(pair[0]))]
    for number, outcome in enumerate(outcomes):
        outcome.index = number
    report = ReportWriter(out_dir)
    for outcome in outcomes:
        report.add(outcome)
    report.close(outcomes)
    tables.write(out_dir)
    return outcomes


def _order(source: str) -> tuple[str, int]:
    """Sort "in.jsonl:10" after "in.jsonl:9", and file names by name."""
    name, _, line = source.rpartition(":")
    return (name, int(line)) if line.isdigit() and name else (source, 0)
