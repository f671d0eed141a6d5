"""The per-submitter report of a batch, written as it goes.

``batch-report.jsonl`` and ``batch-report.csv`` get one line per submitter as soon as its
outcome is known (appended and flushed, never rewritten), so an interrupted batch still says
how far it got; ``batch-report.json`` lists them all once the batch ends. ``batch-rows.jsonl``
keeps each valid submitter's rows of the summary tables, for ``batch-merge``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from formgen.document.package import write_atomic

Status = Literal["ok", "skipped", "invalid", "failed"]
REPORT = "batch-report"
ROWS = "batch-rows.jsonl"
RUN = "batch-run.json"
CSV_COLUMNS = ["source", "status", "submitter", "output", "problems"]


@dataclass
class Outcome:
    """What became of one submission."""

    source: str
    status: Status
    submitter: str = ""
    output: str = ""
    problems: list[str] = field(default_factory=list)
    index: int = -1
    """Its place in the input, from 0."""


class ReportWriter:
    """Appends outcomes to the report files of `out_dir`, starting them afresh."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self._lines: IO[str] = (out_dir / f"{REPORT}.jsonl").open("w", encoding="utf-8")
        # UTF-8 with BOM: what Excel needs to read Chinese text from a CSV.
        self._csv_file: IO[str] = (out_dir / f"{REPORT}.csv").open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._csv_file)
        self._csv.writerow(CSV_COLUMNS)
        self._rows: IO[str] = (out_dir / ROWS).open("w", encoding="utf-8")

    def add(self, outcome: Outcome) -> None:
        """Append one outcome to the report."""
        self._lines.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
        self._lines.flush()
        self._csv.writerow(
            [outcome.source, outcome.status, outcome.submitter, outcome.output, "\n".join(outcome.problems)]
        )
        self._csv_file.flush()

    def add_rows(self, source: str, rows: list[dict[str, Any]]) -> None:
        """Append a valid submitter's rows of the summary tables."""
        for row in rows:
            self._rows.write(json.dumps({"source": source, **row}, ensure_ascii=False, default=str) + "\n")
        self._rows.flush()

    def close(self, outcomes: list[Outcome] | None = None) -> None:
        """Close the files; with `outcomes` (the whole batch), also write ``batch-report.json``."""
        for handle in (self._lines, self._csv_file, self._rows):
            handle.close()
        if outcomes is not None:
            write_json(outcomes, self.out_dir)


def write_json(outcomes: list[Outcome], out_dir: Path) -> None:
    """Write ``batch-report.json``: every outcome, in input order."""
    as_json = json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=2) + "\n"
    write_atomic(out_dir / f"{REPORT}.json", as_json.encode("utf-8"))


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines file written by a batch (a last line cut short is left out)."""
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records
