"""Read applicants' data files: YAML or JSON, in UTF-8 or in GB18030 as Excel exports it.

A file that does not parse is reported with its line and column; a file in GB18030/GBK is
read as such and said to be so, never garbled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class DataFileError(Exception):
    """The data file cannot be read or parsed."""


class UnreadableFileError(DataFileError):
    """The file cannot be opened at all (missing, a folder, no permission)."""


@dataclass(frozen=True)
class LoadedData:
    """Parsed data and the encoding it was read in."""

    data: Any
    encoding: str


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Return the text of `raw` and its encoding: UTF-8 (with or without BOM), else GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise DataFileError(
                f"{name}: 既不是UTF-8也不是GB18030编码 / neither UTF-8 nor GB18030 (byte {utf8_error.start})"
            ) from None


def parse(text: str, name: str) -> Any:
    """Parse YAML (a superset of JSON) or JSON by the file's suffix; errors give line and column."""
    if name.lower().endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataFileError(
                f"{name}:{exc.lineno}:{exc.colno}: JSON格式错误 / invalid JSON: {exc.msg}"
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise DataFileError(f"{where}: YAML格式错误 / invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{name}: YAML格式错误 / invalid YAML: {exc}") from None


def load_file(path: Path) -> LoadedData:
    """Read and parse the data file at `path`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"{path}: 无法打开 / cannot open: {exc.strerror}") from None
    text, encoding = decode(raw, str(path))
    data = parse(text, str(path))
    if data is None:
        data = {}
    return LoadedData(data, encoding)
