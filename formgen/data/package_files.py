"""Reading the files of a notice package, which come from outside: sizes bounded, YAML safe, lines kept.

A package may arrive from anyone (a bureau's upload, a colleague's folder), so its YAML is
read with the safe loader after a size check, and its templates through
`formgen.data.untrusted`. Each YAML file keeps its node tree, so that a problem found later
(a pydantic error at ``fields[3].type``, a path used twice) can be reported at its line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from formgen.data import untrusted
from formgen.data.loading import SafeLoader
from formgen.data.textfile import DataFileError

YAML_BYTES = 2 * 2**20
"""A form's YAML is a few KB; a megabyte-scale one is a mistake or an attack (a billion laughs)."""


class PackageError(DataFileError):
    """A package file that cannot be used, with its place: ``forms/a.yaml:12: 中文 / English``."""


@dataclass(frozen=True)
class YamlFile:
    """A parsed YAML file and its nodes, to say at which line a value stands."""

    name: str
    """The file's path relative to the package, as problems name it."""
    data: Any
    node: yaml.Node | None

    def line_of(self, location: Sequence[str | int]) -> int:
        """The 1-based line of the value at `location` (keys and list indexes), or of its
        nearest enclosing value that exists."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else 1
        for step in location:
            child = _child(node, step)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def where(self, location: Sequence[str | int] = ()) -> str:
        """``name:line`` of the value at `location`."""
        return f"{self.name}:{self.line_of(location)}"


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        child: yaml.Node = node.value[step]
        return child
    return None


def inside(folder: Path, relative: str) -> Path:
    """`relative` resolved in the package `folder`; a path leaving it (``../``, absolute) is refused."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise PackageError(f"{relative}: 路径须在包内 / a path must stay inside the package")
    return folder / pure


def read_yaml(folder: Path, relative: str) -> YamlFile:
    """Parse the YAML file `relative` of the package at `folder`, safely and within limits."""
    path = inside(folder, relative)
    try:
        if path.is_symlink():
            raise PackageError(f"{relative}: 符号链接，不予读取 / a symbolic link is not read")
        size = path.stat().st_size
        if size > YAML_BYTES:
            raise PackageError(f"{relative}: 文件过大（{size}字节）/ the file is too large ({size} bytes)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PackageError(f"{relative}: 文件不存在 / no such file") from None
    except OSError as exc:
        raise PackageError(f"{relative}: 无法打开 / cannot open: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PackageError(f"{relative}: 应为UTF-8编码 / must be UTF-8 (byte {exc.start})") from None
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_aliases(node, relative)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise PackageError(f"{relative}{line}: YAML格式错误 / invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise PackageError(f"{relative}: YAML格式错误 / invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return YamlFile(relative, data, node)


def _refuse_aliases(root: yaml.Node, relative: str) -> None:
    """Refuse a node met twice: an alias repeats a subtree without its text, and nested ones
    make a small file a huge document (a billion laughs). A package has no use for them."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 1
            raise PackageError(
                f"{relative}:{line}: 包内不用YAML锚点与别名（&、*）/ a package uses no YAML anchors or aliases"
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def read_template(folder: Path, relative: str, kind: str) -> bytes:
    """The bytes of a package's template, checked as any untrusted office file is."""
    path = inside(folder, relative)
    try:
        content = untrusted.read_file(path)
    except FileNotFoundError:
        raise PackageError(f"{relative}: 模板文件不存在 / no such template") from None
    except OSError as exc:
        raise PackageError(f"{relative}: 无法打开 / cannot open: {exc.strerror}") from None
    found = untrusted.inspect(content, path.name)
    if found != kind:
        raise PackageError(f"{relative}: 模板应为{kind.upper()} / the template must be a {kind.upper()} file")
    return content
