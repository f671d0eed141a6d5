"""formgen's Python API: what the command line, bulk scripts and tests call.

Data flows one way: data file -> model -> render context -> document -> PDF. Every
function here is a few lines over the layers below it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from formgen import context, convert, docx_render
from formgen.loading import load_file, parse
from formgen.naming import safe_name
from formgen.package import write_atomic
from formgen.problems import Problem, from_validation_error
from formgen.registry import Form, Registry, load_registry

DEFAULT_OUT = Path("outputs")


class InvalidDataError(Exception):
    """The data breaks the form's rules; nothing was written."""

    def __init__(self, form_id: str, problems: Sequence[Problem]) -> None:
        self.form_id = form_id
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{form_id}: 数据无效 / invalid data\n{lines}")


@dataclass
class Checked:
    """The outcome of validating data against a form."""

    form: Form
    instance: BaseModel | None
    problems: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not any(p.severity == "error" for p in self.problems)


@functools.cache
def registry() -> Registry:
    """The notices installed in this environment."""
    return load_registry()


def form(form_id: str) -> Form:
    """Return the registered form `form_id`."""
    return registry().form(form_id)


def example_text(form_id: str) -> str:
    """Return the form's complete example data, as YAML text."""
    return form(form_id).example.read_text(encoding="utf-8")


def schema(form_id: str) -> dict[str, Any]:
    """Return the JSON Schema of the form's data."""
    found = form(form_id)
    result: dict[str, Any] = found.model.model_json_schema()
    result["$id"] = f"urn:formgen:{found.id}"
    return result


def check(form_id: str, data: Any) -> Checked:
    """Validate parsed `data` against the form's model."""
    found = form(form_id)
    try:
        instance = found.model.model_validate(data)
    except ValidationError as exc:
        return Checked(found, None, from_validation_error(found.model, exc))
    return Checked(found, instance)


def check_file(form_id: str, path: Path) -> Checked:
    """Read the data file at `path` and validate it; parse errors raise `DataFileError`."""
    loaded = load_file(path)
    checked = check(form_id, loaded.data)
    checked.encoding = loaded.encoding
    return checked


def _valid(form_id: str, data: BaseModel | Path | Any) -> BaseModel:
    if isinstance(data, BaseModel):
        return data
    checked = check_file(form_id, data) if isinstance(data, Path) else check(form_id, data)
    if not checked.ok or checked.instance is None:
        raise InvalidDataError(form_id, checked.problems)
    return checked.instance


def render_blank(form_id: str) -> bytes:
    """Return the bytes of the blank fillable form."""
    found = form(form_id)
    tree = context.build(found.model, None, blank=True)
    return docx_render.render(found.template, tree.children, title=found.title)


def render_filled(form_id: str, data: BaseModel | Path | Any) -> bytes:
    """Return the bytes of the form filled from `data` (a model, a data file, or parsed data)."""
    found = form(form_id)
    instance = _valid(form_id, data)
    tree = context.build(found.model, instance, blank=False)
    return docx_render.render(found.template, tree.children, title=found.title)


def blank(form_ids: Iterable[str], out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write blank fillable forms named `<form-id>.<kind>` into `out_dir`."""
    written = []
    for form_id in form_ids:
        target = out_dir / form(form_id).file_name
        write_atomic(target, render_blank(form_id))
        written.append(target)
    return written


def fill(form_id: str, data: BaseModel | Path | Any, out_dir: Path = DEFAULT_OUT, *, pdf: bool = False) -> list[Path]:
    """Write the form filled from `data` into `out_dir`, and its PDF when `pdf` is set.

    Invalid data raises `InvalidDataError` before anything is written.
    """
    content = render_filled(form_id, data)
    target = out_dir / form(form_id).file_name
    write_atomic(target, content)
    written = [target]
    if pdf:
        written += convert.to_pdf([target], out_dir)
    return written


def demo(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write every blank form, and every form filled from its example, each with its PDF.

    Blank forms go to `out_dir/blank/`; filled ones to `out_dir/<notice>/<submitter>/`.
    All PDFs are made by one LibreOffice call.
    """
    ids = [f.id for f in registry().forms()]
    documents = blank(ids, out_dir / "blank")
    for notice in registry().notices.values():
        for item in notice.forms:
            instance = _valid(item.id, _example_data(item.id))
            folder = out_dir / notice.id / safe_name(_submitter_name(instance))
            target = folder / item.file_name
            write_atomic(target, render_filled(item.id, instance))
            documents.append(target)
    pdfs: list[Path] = []
    for folder in sorted({d.parent for d in documents}):
        pdfs += convert.to_pdf([d for d in documents if d.parent == folder], folder)
    return documents + pdfs


def _example_data(form_id: str) -> Any:
    return parse(example_text(form_id), f"{form_id}.yaml")


def _submitter_name(instance: BaseModel) -> str:
    """The submitter's name for folder names: the first `unit_name` found, else the form's."""
    dumped = json.loads(instance.model_dump_json())
    stack: list[Any] = [dumped]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            if isinstance(item.get("unit_name"), str):
                return str(item["unit_name"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return type(instance).__name__
