"""Data paths in raw data: ``profile.products[2].name`` read from and written into nested
mappings and lists, as data files, spreadsheets keyed by data paths and web forms hold them.

One reading of a path for every workflow (bulk input, intake, the portal), so that a path
means the same wherever it is written.
"""

from __future__ import annotations

from typing import Any


def split(path: str) -> list[str | int]:
    """The steps of `path`: names, and list indexes as ints (``a.b[2].c`` -> a, b, 2, c)."""
    parts: list[str | int] = []
    for dotted in path.split("."):
        name, _, rest = dotted.partition("[")
        if name:
            parts.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            parts.append(int(index) if index.isdigit() else index)
            rest = rest.removeprefix("[")
    return parts


def value_at(data: Any, path: str) -> Any:
    """The value at `path` of raw data, or None where any step is missing."""
    for part in split(path):
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and 0 <= part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def set_at(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at `path`, making the mappings on the way; None removes the key."""
    parts = split(path)
    current: Any = data
    for part in parts[:-1]:
        current = current[part] if isinstance(part, int) else current.setdefault(part, {})
    last = parts[-1]
    if value is None and isinstance(last, str):
        current.pop(last, None)
    else:
        current[last] = value
