"""Read a form filled in by hand (Word, WPS, Excel) back into data.

Every input of a blank form carries its data path: a DOCX content control's tag, an XLSX
input range in the hidden ``_formgen`` sheet. This module walks those and rebuilds the data,
which then goes through the same validation as a data file. Tags read:

- ``profile.unit_name``, ``profile.products[2].name``: a value at a path;
- ``directions=安全诊断服务商``: a ticked option of a choice (one, or several for a list);
- ``profile.qualifications[工程设计资质]``: a ticked item of a printed list, and
  ``….detail`` a value of that item.

Controls still showing their grey prompt are unfilled and left out, and so are list rows
left empty; a path printed twice (the cover and the table) is read where it was filled.
"""

from __future__ import annotations

import enum
import io
import re
import zipfile
from typing import Any

from lxml import etree
from pydantic import BaseModel

from formgen.model.fields import KeyedBy, field_type, list_item
from formgen.model.registry import Form

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_STEP = re.compile(r"([^.\[\]]+)(?:\[([^\]]*)\])?")


def read(form: Form, content: bytes) -> dict[str, Any]:
    """The data a filled-in copy of `form` holds (not yet validated)."""
    if form.kind == "xlsx":
        return _read_xlsx(form, content)
    return _read_docx(form.model, content)


# -- Word -------------------------------------------------------------------------------------


def _read_docx(model: type[BaseModel], content: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    data: dict[str, Any] = {}
    for sdt in root.iter(W + "sdt"):
        properties = sdt.find(W + "sdtPr")
        tag_element = properties.find(W + "tag") if properties is not None else None
        if properties is None or tag_element is None:
            continue
        tag = tag_element.get(W + "val") or ""
        checkbox = properties.find(W14 + "checkbox")
        if checkbox is not None:
            checked = checkbox.find(W14 + "checked")
            if checked is not None and checked.get(W14 + "val") in ("1", "true"):
                _tick(model, data, tag)
            continue
        if properties.find(W + "showingPlcHdr") is not None:
            continue
        date = properties.find(W + "date")
        full_date = date.get(W + "fullDate") if date is not None else None
        value = full_date[:10] if full_date else _control_text(sdt)
        if value.strip():
            _put(model, data, tag, value.strip())
    pruned: dict[str, Any] = _prune(data)
    return pruned


def _control_text(sdt: Any) -> str:
    """The text of a control's content: paragraphs on lines, breaks as newlines."""
    content = sdt.find(W + "sdtContent")
    if content is None:
        return ""
    paragraphs = content.findall(W + "p")
    blocks = paragraphs or [content]
    lines = []
    for block in blocks:
        parts = []
        for node in block.iter(W + "t", W + "br", W + "tab"):
            if node.tag == W + "t":
                parts.append(node.text or "")
            else:
                parts.append("\n" if node.tag == W + "br" else "\t")
        lines.append("".join(parts))
    return "\n".join(lines)


# -- paths ------------------------------------------------------------------------------------


def _steps(path: str) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in _STEP.finditer(path)]


def _field(model: type[BaseModel] | None, name: str) -> tuple[Any, list[Any]]:
    if model is None or name not in model.model_fields:
        return None, []
    return field_type(model.model_fields[name])


def _container(model: type[BaseModel], data: dict[str, Any], path: str) -> tuple[Any, str, Any, list[Any]]:
    """Walk `path` (creating what is missing) to the last step; return its parent, name, type."""
    current: Any = data
    current_model: type[BaseModel] | None = model
    steps = _steps(path)
    for position, (name, index) in enumerate(steps):
        annotation, metadata = _field(current_model, name)
        last = position == len(steps) - 1
        if index is None:
            if last:
                return current, name, annotation, metadata
            current = current.setdefault(name, {})
            current_model = (
                annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
            )
            continue
        item_model = list_item(annotation)
        items = current.setdefault(name, [])
        keyed = next((m for m in metadata if isinstance(m, KeyedBy)), None)
        if keyed is not None:
            item = next((i for i in items if i.get(keyed.field) == index), None)
            if item is None:
                item = {keyed.field: index}
                items.append(item)
        else:
            number = int(index)
            while len(items) <= number:
                items.append({})
            item = items[number]
        if last:
            return items, "", item_model, metadata
        current = item
        current_model = (
            item_model if isinstance(item_model, type) and issubclass(item_model, BaseModel) else None
        )
    raise ValueError(f"empty path {path!r}")


def _put(model: type[BaseModel], data: dict[str, Any], tag: str, value: str) -> None:
    if _computed(model, tag):
        return  # a total written on paper is derived again from its parts, never read
    parent, name, _, _ = _container(model, data, tag)
    if name and not parent.get(name):  # a path printed twice: the first filled copy counts
        parent[name] = value


def _computed(model: type[BaseModel], path: str) -> bool:
    """Whether `path` ends at a computed field (a 合计, a 总目标)."""
    current: Any = model
    steps = _steps(path)
    for position, (name, _) in enumerate(steps):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return False
        if position == len(steps) - 1:
            return name in current.model_computed_fields
        annotation, _ = _field(current, name)
        current = list_item(annotation) or annotation
    return False


def _tick(model: type[BaseModel], data: dict[str, Any], tag: str) -> None:
    if "=" in tag:
        path, option = tag.split("=", 1)
        parent, name, annotation, _ = _container(model, data, path)
        if list_item(annotation) is not None or (
            isinstance(annotation, type) and not issubclass(annotation, enum.Enum)
        ):
            chosen = parent.setdefault(name, [])
            if option not in chosen:
                chosen.append(option)
        else:
            parent[name] = option
        return
    _container(model, data, tag)  # a ticked item of a printed list exists by being ticked


def _prune(value: Any) -> Any:
    """Drop empty rows and groups: a blank row left as it was is no row."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [], None, "")}
    if isinstance(value, list):
        return [item for item in (_prune(v) for v in value) if item not in ({}, None, "")]
    return value


# -- Excel ------------------------------------------------------------------------------------


def _read_xlsx(form: Form, content: bytes) -> dict[str, Any]:
    from openpyxl import load_workbook

    from formgen.document.xlsx_render import JOIN

    book = load_workbook(io.BytesIO(content), data_only=True)
    meta = book["_formgen"]
    data: dict[str, Any] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for path, cells in meta.iter_rows(min_row=3, max_col=2, values_only=True):
        if not path or not cells:
            continue
        sheet_name, reference = str(cells).rsplit("!", 1)
        sheet = book[sheet_name.strip("'")]
        if "[]." not in str(path):
            value = sheet[reference.replace("$", "")].value
            if value not in (None, ""):
                data[str(path)] = value
            continue
        list_name, field_name = str(path).split("[].", 1)
        annotation, _ = _field(list_item(form.model.model_fields[list_name].annotation), field_name)
        several = list_item(annotation) is not None
        column = rows.setdefault(list_name, [])
        for offset, (cell,) in enumerate(sheet[reference.replace("$", "")]):
            while len(column) <= offset:
                column.append({})
            value = cell.value
            if value in (None, ""):
                continue
            column[offset][field_name] = [v for v in str(value).split(JOIN) if v] if several else value
    for list_name, items in rows.items():
        data[list_name] = [item for item in items if item]
    return data
