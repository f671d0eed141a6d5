"""A batch's input, read one submitter at a time.

The input is one of:
- a folder: each ``*.yaml``, ``*.yml`` or ``*.json`` file is one submitter's packet data;
- a JSON Lines file (``*.jsonl``): one submitter's packet data per line;
- a spreadsheet (``*.csv``, ``*.xlsx``): one submitter per row, the header naming each value
  by its data path (``application.unit_name``, ``materials.equipment[0].quantity``).

Folders and JSON Lines are streamed: only the submitter at hand is held in memory.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen.data.loading import load_file
from formgen.data.tabular import read_table
from formgen.data.textfile import DataFileError, decode

DATA_SUFFIXES = (".yaml", ".yml", ".json")
_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")


@dataclass(frozen=True)
class Submission:
    """One submitter's data, and where it came from (a file, a line, a row)."""

    source: str
    data: Any = None
    base_dir: Path | None = None
    error: str = ""
    """Set when the source itself could not be read or parsed."""


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in DATA_SUFFIXES)


def _check_kind(source: Path) -> None:
    if not source.is_dir() and source.suffix.lower() not in (".jsonl", ".csv", ".xlsx"):
        raise DataFileError(
            f"{source}: 应为文件夹、.jsonl或表格（.csv/.xlsx） / expected a folder, a .jsonl file or a .csv/.xlsx table"
        )


def submissions(source: Path) -> Iterator[Submission]:
    """The submissions in a folder, a JSON Lines file or a spreadsheet, in a stable order."""
    _check_kind(source)
    if source.is_dir():
        for path in _data_files(source):
            try:
                yield Submission(path.name, load_file(path).data, path.parent)
            except DataFileError as exc:
                yield Submission(path.name, error=str(exc))
    elif source.suffix.lower() == ".jsonl":
        with source.open("rb") as lines:
            for number, raw in enumerate(lines, start=1):
                where = f"{source.name}:{number}"
                try:
                    line, _ = decode(raw, where)
                except DataFileError as exc:
                    yield Submission(where, error=str(exc))
                    continue
                if not line.strip():
                    continue
                try:
                    yield Submission(where, json.loads(line), source.parent)
                except json.JSONDecodeError as exc:
                    yield Submission(
                        where, error=f"{where}:{exc.colno}: JSON格式错误 / invalid JSON: {exc.msg}"
                    )
    else:
        for number, record in enumerate(read_table(source), start=2):
            yield Submission(f"{source.name}:{number}", unflatten(record), source.parent)


def count(source: Path) -> int | None:
    """How many submissions `source` holds, found without parsing them; None for a table."""
    _check_kind(source)
    if source.is_dir():
        return len(_data_files(source))
    if source.suffix.lower() == ".jsonl":
        with source.open("rb") as lines:
            return sum(1 for line in lines if line.strip())
    return None


def digest(source: Path) -> str:
    """A hash of the whole input (names and bytes), which tells the shards of one batch apart
    from those of another."""
    hashed = hashlib.sha256()
    paths = _data_files(source) if source.is_dir() else [source]
    for path in paths:
        hashed.update(path.name.encode("utf-8", "surrogatepass") + b"\0")
        hashed.update(hashlib.sha256(path.read_bytes()).digest())
    return hashed.hexdigest()


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
