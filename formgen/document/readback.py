"""Read a form filled in by hand (Word, WPS, LibreOffice, Excel) back into data.

Every input of a blank form carries its data path: a DOCX content control's tag, an XLSX
input range in the hidden ``_formgen`` sheet. This module walks those and rebuilds the data,
which then goes through the same validation as a data file. Tags read:

- ``profile.unit_name``, ``profile.products[2].name``: a value at a path;
- ``directions=安全诊断服务商``: a ticked option of a choice (one, or several for a list);
- ``profile.qualifications[工程设计资质]``: a ticked item of a printed list, and
  ``….detail`` a value of that item.

Controls still showing their grey prompt are unfilled and left out, and so are list rows
left empty; a path printed twice (the cover and the table) is read where it was filled.
Rows added with Word's "insert row" are read as rows of their list. A file whose editor
dropped the tags (LibreOffice) is read by aligning its controls with the blank's; a file
that is not the form, or is hostile, is refused (`formgen.data.untrusted`).
"""

from __future__ import annotations

import collections
import enum
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from formgen.data import cells
from formgen.data.untrusted import RefusedFileError, SafePackage
from formgen.document import recovery
from formgen.document.controls import Control, W, controls
from formgen.model.fields import KeyedBy, field_type, list_item
from formgen.model.registry import Form

_STEP = re.compile(r"([^.\[\]]+)(?:\[([^\]]*)\])?")
_ROW_INDEX = re.compile(r"\[(\d+)\]")
MATCH_SHARE = 0.6
"""How much of a file must match the blank's controls for the file to be that form."""


@dataclass
class ReadBack:
    """What a filled form holds, and what of it could not be read."""

    data: dict[str, Any]
    unread: list[str] = field(default_factory=list)
    """The form's labels (with data paths) of inputs that could not be read, and text found
    outside any input of the blank: the applicant must be told, nothing is guessed."""
    recovered: bool = False
    """The editor dropped the controls' tags (LibreOffice): inputs were recovered by their
    place in the blank's sequence and their alias."""


def read(form: Form, content: bytes, blank: bytes, name: str = "file") -> ReadBack:
    """Read a filled-in copy of `form` (bytes of an untrusted file) against its `blank`.

    Raises `RefusedFileError` when the file is hostile or is not this form.
    """
    if form.kind == "xlsx":
        return ReadBack(_read_xlsx(form, content, blank, name))
    return _read_docx(form, content, blank, name)


def _not_this_form(form: Form, name: str, why_zh: str, why_en: str) -> RefusedFileError:
    title = f"{form.label}{form.title}"
    return RefusedFileError(
        name, f"不是{title}（{form.id}）：{why_zh}", f"this is not {form.id} ({title}): {why_en}"
    )


# -- Word -------------------------------------------------------------------------------------


def _read_docx(form: Form, content: bytes, blank: bytes, name: str) -> ReadBack:
    root = SafePackage(content, name).xml("word/document.xml")
    blank_root = SafePackage(blank, "blank").xml("word/document.xml")
    expected = controls(blank_root)
    found = controls(root)
    if not found:
        raise _not_this_form(form, name, "文件中没有表单控件", "the file holds no form controls")
    prompts = {_normal(c.tag): c.text for c in expected}
    blocks = {_normal(c.tag) for c in expected if c.block}
    printed = _printed_paragraphs(blank_root)
    unread: list[str] = []
    if any(c.tag for c in found):
        pairs = _tagged(form, name, expected, found)
        recovered = False
    else:
        aligned = recovery.align(expected, found)
        if aligned.matched < MATCH_SHARE * len(expected) or aligned.matched < MATCH_SHARE * len(found):
            raise _not_this_form(
                form,
                name,
                f"{len(found)}个控件中只有{aligned.matched}个与此表空白表相符",
                f"only {aligned.matched} of its {len(found)} controls match the blank's",
            )
        pairs, unread = aligned.pairs, aligned.unread
        recovered = True
    counts = collections.Counter(c.tag for c in expected)
    once = {tag for tag, count in counts.items() if count == 1}
    model = form.model
    data: dict[str, Any] = {}
    for tag, control in _renumber_rows(pairs, once):
        if control.kind == "checkbox":
            if control.checked:
                _tick(model, data, tag)
            continue
        value = control.text.strip()
        if recovered and _normal(tag) in blocks and control.after:
            own = itertools.takewhile(lambda text: text.strip() not in printed, control.after)
            value = "\n".join([control.text, *own]).strip()
        if control.placeholder or not value or value == prompts.get(_normal(tag), "").strip():
            continue
        _put(model, data, tag, value)
    pruned: dict[str, Any] = _prune(data)
    return ReadBack(pruned, unread, recovered)


def _printed_paragraphs(root: Any) -> set[str]:
    """The texts of the blank's paragraphs that hold no input: the form's own words."""
    return {
        "".join(t.text or "" for t in p.iter(W + "t")).strip()
        for p in root.iter(W + "p")
        if next(p.iter(W + "sdt"), None) is None
    } - {""}


def _normal(tag: str) -> str:
    return _ROW_INDEX.sub("[]", tag)


def _tagged(
    form: Form, name: str, expected: list[Control], found: list[Control]
) -> list[tuple[str, Control]]:
    """The controls of a file that kept its tags (Word, WPS), once it is known to be `form`."""
    known = {_normal(c.tag) for c in expected}
    tags = [_normal(c.tag) for c in found if c.tag]
    hits = sum(t in known for t in tags)
    if hits < MATCH_SHARE * len(tags) or len(set(tags) & known) < MATCH_SHARE * len(known) / 2:
        raise _not_this_form(
            form,
            name,
            f"{len(tags)}个控件中只有{hits}个属于此表",
            f"only {hits} of its {len(tags)} controls belong to it",
        )
    return [(c.tag, c) for c in found if c.tag and _normal(c.tag) in known]


def _renumber_rows(pairs: list[tuple[str, Control]], once: set[str]) -> list[tuple[str, Control]]:
    """Number a list's rows as they stand in the file, rows added by hand included.

    Word's "insert row" copies the row above with its tags: a tag that the blank holds once,
    met again in another table row, belongs to a new item (its k-th copy to the k-th new
    one, so an item of two table rows stays one item). Items are numbered in document order.
    """
    seen: dict[str, list[Any]] = {}
    keys: dict[str, dict[tuple[int, int], int]] = {}
    result = []
    for tag, control in pairs:
        match = _ROW_INDEX.search(tag)
        if match is None:
            result.append((tag, control))
            continue
        prefix, index = tag[: match.start()], int(match.group(1))
        rows = seen.setdefault(tag, [])
        copy = 0
        if tag in once and control.row is not None and rows and control.row not in rows:
            copy = len(rows)
        if control.row not in rows:
            rows.append(control.row)
        numbers = keys.setdefault(prefix, {})
        numbers.setdefault((index, copy), len(numbers))
        result.append((f"{prefix}[{numbers[(index, copy)]}]{tag[match.end() :]}", control))
    return result


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


def _read_xlsx(form: Form, content: bytes, blank: bytes, name: str) -> dict[str, Any]:
    from formgen.document.xlsx_render import JOIN

    SafePackage(content, name)  # limits first: openpyxl inflates whatever it is given
    try:
        book = cells.open_workbook(content)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or hostile workbook
        raise RefusedFileError(
            name, f"无法读取此Excel文件（{exc}）", f"cannot read this workbook ({exc})"
        ) from None
    if "_formgen" not in book.sheetnames:
        raise _not_this_form(
            form, name, "不是由formgen空白表填写的", "it was not filled from formgen's blank"
        )
    meta = book["_formgen"]
    mapped = [(str(p), str(c)) for p, c in meta.iter_rows(min_row=3, max_col=2, values_only=True) if p and c]
    blank_meta = cells.open_workbook(blank)["_formgen"]
    known = {str(p) for (p,) in blank_meta.iter_rows(min_row=3, max_col=1, values_only=True) if p}
    if {p for p, _ in mapped} != known:
        raise _not_this_form(form, name, "表中的数据项与此表不符", "its inputs are not this form's")
    data: dict[str, Any] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for path, where in mapped:
        sheet_name, reference = where.rsplit("!", 1)
        sheet = book[sheet_name.strip("'")]
        if "[]." not in path:
            value = cells.value(sheet[reference.replace("$", "")].value)
            if value not in (None, ""):
                data[path] = value
            continue
        list_name, field_name = path.split("[].", 1)
        annotation, _ = _field(list_item(form.model.model_fields[list_name].annotation), field_name)
        several = list_item(annotation) is not None
        column = rows.setdefault(list_name, [])
        for offset, (cell,) in enumerate(sheet[reference.replace("$", "")]):
            while len(column) <= offset:
                column.append({})
            value = cells.value(cell.value)
            if value in (None, ""):
                continue
            column[offset][field_name] = [v for v in str(value).split(JOIN) if v] if several else value
    for list_name, items in rows.items():
        data[list_name] = [item for item in items if item]
    return data
