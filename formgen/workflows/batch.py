"""Many submitters at once: one packet per submitter, one report for all.

The input is one of:
- a folder: each ``*.yaml``, ``*.yml`` or ``*.json`` file is one submitter's packet data;
- a JSON Lines file (``*.jsonl``): one submitter's packet data per line;
- a spreadsheet (``*.csv``, ``*.xlsx``): one submitter per row, the header naming each value
  by its data path (``application.unit_name``, ``materials.equipment[0].quantity``).

Every submitter is validated and built on its own: one that is invalid, or whose packet
cannot be made, is recorded with its problems, and the batch goes on. Packets go to
``<out>/<submitter>/<packet-id>.pdf``; the report, ``batch-report.json`` and
``batch-report.csv``, lists every submitter with its status. Conversions share warm
LibreOffice workers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from formgen import api
from formgen.data.loading import load_file
from formgen.data.naming import safe_name
from formgen.data.tabular import read_table
from formgen.data.textfile import DataFileError, decode
from formgen.document.package import write_atomic
from formgen.pdf import convert

Status = Literal["ok", "invalid", "failed"]
REPORT = "batch-report"
_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")


@dataclass(frozen=True)
class Submission:
    """One submitter's data, and where it came from (a file, a line, a row)."""

    source: str
    data: Any = None
    base_dir: Path | None = None
    error: str = ""
    """Set when the source itself could not be read or parsed."""


@dataclass
class Outcome:
    """What became of one submission."""

    source: str
    status: Status
    submitter: str = ""
    output: str = ""
    problems: list[str] = field(default_factory=list)


def submissions(source: Path) -> Iterator[Submission]:
    """The submissions in a folder, a JSON Lines file or a spreadsheet, in a stable order."""
    if source.is_dir():
        for path in sorted(p for p in source.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json")):
            try:
                yield Submission(path.name, load_file(path).data, path.parent)
            except DataFileError as exc:
                yield Submission(path.name, error=str(exc))
    elif source.suffix.lower() == ".jsonl":
        text, _ = decode(source.read_bytes(), str(source))
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{source.name}:{number}"
            try:
                yield Submission(where, json.loads(line), source.parent)
            except json.JSONDecodeError as exc:
                yield Submission(where, error=f"{where}:{exc.colno}: JSON格式错误 / invalid JSON: {exc.msg}")
    elif source.suffix.lower() in (".csv", ".xlsx"):
        for number, record in enumerate(read_table(source), start=2):
            yield Submission(f"{source.name}:{number}", unflatten(record), source.parent)
    else:
        raise DataFileError(
            f"{source}: 应为文件夹、.jsonl或表格（.csv/.xlsx） / expected a folder, a .jsonl file or a .csv/.xlsx table"
        )


def unflatten(record: dict[str, Any]) -> dict[str, Any]:
    """Nest a spreadsheet row keyed by data paths: {"a.b[0].c": 1} becomes {"a": {"b": [{"c": 1}]}}."""
    root: dict[str, Any] = {}
    for path, value in record.items():
        target: Any = root
        parts = str(path).split(".")
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            indexed = _INDEX.match(part)
            if indexed:
                name, index = indexed.group(1), int(indexed.group(2))
                items = target.setdefault(name, [])
                while len(items) <= index:
                    items.append({})
                if last:
                    items[index] = value
                else:
                    target = items[index]
            elif last:
                target[part] = value
            else:
                target = target.setdefault(part, {})
    return root


def run(
    packet_id: str,
    source: Path,
    out_dir: Path = api.DEFAULT_OUT,
    *,
    workers: int | None = None,
    strict: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Make every submitter's packet from `source`; return what became of each, in order.

    Submitters are validated one by one; their packets are made by a small pool of threads, so
    that rendering one overlaps converting another in the warm workers. Invalid submitters are
    recorded, not raised. The report is rewritten as outcomes arrive, so an interrupted batch
    still says how far it got.
    """
    packet = api.registry().packet(packet_id)
    outcomes: list[Outcome] = []
    folders: set[str] = set()
    with (
        convert.service(workers) as converter,
        ThreadPoolExecutor(max_workers=converter.capacity + 1) as pool,
    ):
        pending: list[Future[Outcome]] = []
        for submission in submissions(source):
            pending.append(
                _start(pool, packet_id, packet.name_of, submission, out_dir, folders, strict=strict)
            )
        for future in pending:
            outcome = future.result()
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            write_report(outcomes, out_dir)
    return outcomes


def _start(
    pool: ThreadPoolExecutor,
    packet_id: str,
    name_of: Callable[[Any], str],
    submission: Submission,
    out_dir: Path,
    folders: set[str],
    *,
    strict: bool,
) -> Future[Outcome]:
    """Validate one submission now; make its packet in the pool when it is valid."""
    if submission.error:
        return _done(Outcome(submission.source, "invalid", problems=[submission.error]))
    checked = api.check(packet_id, submission.data, strict=strict)
    if not checked.ok or checked.instance is None:
        return _done(Outcome(submission.source, "invalid", problems=[str(p) for p in checked.problems]))
    instance = checked.instance
    submitter = name_of(instance)
    folder = safe_name(submitter)
    if folder in folders:  # the same submitter twice: keep both, apart
        folder = safe_name(f"{submitter} {submission.source}")
    folders.add(folder)
    warnings = [str(p) for p in checked.problems]

    def make() -> Outcome:
        try:
            made = api.packet(packet_id, instance, out_dir / folder, base_dir=submission.base_dir)
        except api.InvalidDataError as exc:
            return Outcome(submission.source, "invalid", submitter, problems=[str(p) for p in exc.problems])
        except Exception as exc:  # a packet that cannot be made must not stop the others
            return Outcome(submission.source, "failed", submitter, problems=[f"{type(exc).__name__}: {exc}"])
        return Outcome(submission.source, "ok", submitter, str(made.relative_to(out_dir)), warnings)

    return pool.submit(make)


def _done(outcome: Outcome) -> Future[Outcome]:
    future: Future[Outcome] = Future()
    future.set_result(outcome)
    return future


def write_report(outcomes: list[Outcome], out_dir: Path) -> None:
    """Write ``batch-report.json`` and ``batch-report.csv`` into `out_dir`."""
    as_json = json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=2) + "\n"
    write_atomic(out_dir / f"{REPORT}.json", as_json.encode("utf-8"))
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["source", "status", "submitter", "output", "problems"])
    for o in outcomes:
        writer.writerow([o.source, o.status, o.submitter, o.output, "\n".join(o.problems)])
    # UTF-8 with BOM: what Excel needs to read Chinese text from a CSV.
    write_atomic(out_dir / f"{REPORT}.csv", table.getvalue().encode("utf-8-sig"))
