"""Loading and checking a notice package: its folder read, checked, and compiled into a `Notice`.

One pass does both jobs. `check_package` runs it to list every problem at its file and line
(`formgen package check`); `load_package` runs it to register the notice, and refuses the
package with the same list when anything is wrong, so a broken package never half-works.
See docs/notice-packages.md.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from formgen.data import untrusted
from formgen.data.package_files import PackageError, YamlFile, read_template, read_yaml
from formgen.document.package_styles import prepare_word
from formgen.document.package_templates import TableLayout, prepare_table, word_tags
from formgen.model.fields import field_type, list_item
from formgen.model.package_compile import (
    bureau_packet_model,
    deriver,
    form_model,
    get_path,
    submitter_packet_model,
)
from formgen.model.package_spec import NO_DATA, OFFICE, FieldSpec, FormSpec, NoticeSpec, PacketSpec
from formgen.model.problems import from_validation_error
from formgen.model.registry import BatchTable, Form, Notice, NoticeFiles, Packet, PacketPart
from formgen.model.rules import Rule

_M = TypeVar("_M", bound=BaseModel)

__all__ = ["PackageError", "PackageProblem", "PackageSpecs", "check_package", "load_package", "read_specs"]


@dataclass(frozen=True)
class PackageProblem:
    """One thing wrong in a package, at its file and line."""

    where: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.where}: {self.zh} / {self.en}"


class MemoryFile:
    """A template held in memory (an Excel table with formgen's spec sheet added), read as a
    resource is: the registry's forms read templates through `read_bytes` alone."""

    def __init__(self, name: str, content: bytes) -> None:
        self.name = name
        self._content = content

    def read_bytes(self) -> bytes:
        return self._content

    def read_text(self, encoding: str | None = None) -> str:
        return self._content.decode(encoding or "utf-8")

    def open(self, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return io.BytesIO(self._content) if "b" in mode else io.StringIO(self.read_text())

    def is_file(self) -> bool:
        return True

    def is_dir(self) -> bool:
        return False

    def iterdir(self) -> Iterator[Any]:
        return iter(())

    def joinpath(self, *descendants: str) -> Any:
        raise FileNotFoundError(f"{self.name} is a file")

    __truediv__ = joinpath

    def __str__(self) -> str:
        return self.name


@dataclass
class _Pass:
    """One reading of a package: what it compiled to so far, and what is wrong."""

    folder: Path
    trusted: bool
    problems: list[PackageProblem] = field(default_factory=list)

    def add(self, where: str, zh: str, en: str) -> None:
        self.problems.append(PackageProblem(where, zh, en))

    def invalid(self, file: YamlFile, model: type[BaseModel], error: ValidationError) -> None:
        """Each error of `error` at its line, in the words data errors use (`model.problems`):
        an unknown key gets the closest known one as a hint."""
        found = from_validation_error(model, error, file.data)
        for item, problem in zip(error.errors(include_url=False), found, strict=True):
            where = file.where(item["loc"])
            name = f"{problem.label} ({problem.path})" if problem.label != problem.path else problem.path
            self.add(where, f"{name}: {problem.message_zh}", problem.message_en)

    def parsed(self, relative: str, model: type[_M]) -> tuple[YamlFile, _M] | None:
        """The YAML file `relative` and its data as `model`, or None with its problems noted."""
        file = self.yaml(relative)
        if file is None:
            return None
        try:
            return file, model.model_validate(file.data if file.data is not None else {})
        except ValidationError as exc:
            self.invalid(file, model, exc)
            return None

    def yaml(self, relative: str) -> YamlFile | None:
        try:
            return read_yaml(self.folder, relative)
        except PackageError as exc:
            where, _, reason = str(exc).partition(": ")
            zh, _, en = reason.partition(" / ")
            self.add(where, zh, en or zh)
            return None


def check_package(folder: Path) -> list[PackageProblem]:
    """Every problem of the package at `folder`; empty when it is clean. Runs no code of it."""
    run = _Pass(folder, trusted=False)
    _compile(run)
    return run.problems


def load_package(folder: Path, *, trusted: bool) -> Notice:
    """The notice of the package at `folder`, or `PackageError` listing what is wrong.

    `trusted` runs the package's `rules.py`: only for folders the operator named
    (``--notices``, ``FORMGEN_NOTICES``), never for an upload.
    """
    run = _Pass(folder, trusted=trusted)
    notice = _compile(run)
    if notice is None or run.problems:
        lines = "\n".join(f"  {p}" for p in run.problems)
        raise PackageError(f"{folder}: 材料包有误 / the notice package has problems:\n{lines}")
    return notice


@dataclass
class PackageSpecs:
    """A package's YAML as the author left it: what a re-draft must not lose."""

    notice: NoticeSpec
    forms: dict[str, FormSpec]
    examples: dict[str, Any]
    """Each form's example data by form name, as written (not validated: a re-draft writes new ones)."""


def read_specs(folder: Path) -> PackageSpecs:
    """The notice and form specs of the package at `folder`, or `PackageError` naming every file
    and line that does not parse: a re-draft refuses to write over YAML it cannot read."""
    run = _Pass(folder, trusted=False)
    parsed = run.parsed("notice.yaml", NoticeSpec)
    forms: dict[str, FormSpec] = {}
    examples: dict[str, Any] = {}
    for name in parsed[1].forms if parsed else []:
        form = run.parsed(f"forms/{name}.yaml", FormSpec)
        if form is not None:
            forms[name] = form[1]
        try:
            examples[name] = read_yaml(folder, f"examples/{name}.yaml").data
        except PackageError:
            examples[name] = None  # an example that does not parse is written again
    if parsed is None or run.problems:
        lines = "\n".join(f"  {p}" for p in run.problems)
        raise PackageError(f"{folder}: 材料包有误 / the notice package has problems:\n{lines}")
    return PackageSpecs(parsed[1], forms, examples)


def _compile(run: _Pass) -> Notice | None:
    parsed = run.parsed("notice.yaml", NoticeSpec)
    if parsed is None:
        return None
    notice_file, spec = parsed
    forms: dict[str, tuple[FormSpec, Form]] = {}
    for index, name in enumerate(spec.forms):
        compiled = _form(run, spec.id, name)
        if compiled is not None:
            forms[name] = compiled
        elif not (run.folder / "forms" / f"{name}.yaml").exists():
            run.add(
                notice_file.where(["forms", index]),
                f"表单 {name} 没有 forms/{name}.yaml",
                f"form {name} has no file",
            )
    packets = [NoticeFiles(spec.id, "").issue_packet([f for _, f in forms.values()], spec.issuer)]
    for index, packet_spec in enumerate(spec.packets):
        packet = _packet(run, spec, packet_spec, forms, notice_file, ["packets", index])
        if packet is not None:
            packets.append(packet)
    return Notice(
        id=spec.id,
        title=spec.title,
        issuer=spec.issuer,
        doc_number=spec.doc_number,
        date=spec.date,
        forms=tuple(f for _, f in forms.values()),
        packets=tuple(packets),
        rules=_rules(run, {name: form.model for name, (_, form) in forms.items()}),
        regions=tuple(spec.regions),
    )


def _form(run: _Pass, notice_id: str, name: str) -> tuple[FormSpec, Form] | None:
    parsed = run.parsed(f"forms/{name}.yaml", FormSpec)
    if parsed is None:
        return None
    file, spec = parsed
    clean = _unique_paths(run, file, spec)
    try:
        content = read_template(run.folder, spec.template, spec.kind)
    except (PackageError, untrusted.RefusedFileError) as exc:
        run.add(file.where(["template"]), f"模板无法使用：{exc}", f"the template cannot be used: {exc}")
        return None
    if spec.kind == "docx":
        _check_word_places(run, file, spec, content)
        template: Any = MemoryFile(spec.template, prepare_word(content))
    else:
        template = _excel_template(run, file, spec, content)
        if template is None:
            return None
    if not clean:
        return None
    try:
        model = form_model(f"{notice_id}_{name}", spec)
    except (TypeError, ValueError) as exc:
        run.add(file.where(["fields"]), f"无法生成数据模型：{exc}", f"the model cannot be made: {exc}")
        return None
    example = run.folder / "examples" / f"{name}.yaml"
    _check_example(run, f"examples/{name}.yaml", model)
    form = Form(f"{notice_id}.{name}", spec.label, spec.title, spec.kind, model, template, example)
    return spec, form


def _all_fields(spec: FormSpec) -> Iterator[tuple[list[str | int], str, FieldSpec]]:
    """Every field with its place in the YAML and its full data path (columns under their rows)."""
    for index, item in enumerate(spec.fields):
        yield ["fields", index], item.path, item
        if item.other is not None:
            yield (
                ["fields", index, "other"],
                item.other.path,
                FieldSpec(path=item.other.path, label=item.other.label),
            )
        for column_index, column in enumerate(item.columns):
            yield ["fields", index, "columns", column_index], f"{item.path}.{column.path}", column
    if spec.table is not None:
        for column_index, column in enumerate(spec.table.columns):
            yield ["table", "columns", column_index], f"{spec.table.path}.{column.path}", column


def _unique_paths(run: _Pass, file: YamlFile, spec: FormSpec) -> bool:
    """Report a path used twice, or one that is both a value and a group; True when none is."""
    seen: dict[str, int] = {}
    clean = True
    for location, path, item in _all_fields(spec):
        line = file.line_of(location)
        if item.path in NO_DATA and location[0] != "table":
            run.add(
                file.where(location),
                f"{item.path} 仅用于表格的序号列或机关填写的列",
                f"{item.path} is only for a table's 序号 column or a column the office writes in",
            )
            clean = False
        elif path in seen and item.path != OFFICE:  # several columns may be the office's
            run.add(
                file.where(location),
                f"数据路径 {path} 重复（第{seen[path]}行已用）",
                f"the data path {path} is used twice (first at line {seen[path]})",
            )
            clean = False
        seen.setdefault(path, line)
    for path, line in seen.items():
        parent = path.rpartition(".")[0]
        if parent in seen and not any(
            path.startswith(p + ".") for _, p, f in _all_fields(spec) if f.type == "rows"
        ):
            run.add(
                f"{file.name}:{line}",
                f"{parent} 既是字段又是分组",
                f"{parent} is both a field and a group",
            )
            clean = False
    return clean


def _check_word_places(run: _Pass, file: YamlFile, spec: FormSpec, content: bytes) -> None:
    """Each tag names a field (and an option it has); each field has a place in the template."""
    try:
        tags, bad = word_tags(content, spec.template)
    except untrusted.RefusedFileError as exc:
        run.add(spec.template, exc.zh, exc.en)
        return
    for wrong in bad:
        run.add(
            f"{spec.template}: 段落{wrong.paragraph}",
            f"{wrong.text}：{wrong.reason_zh}",
            f"{wrong.text}: {wrong.reason_en}",
        )
    fields = {path: (location, item) for location, path, item in _all_fields(spec)}
    placed: dict[str, set[str | None]] = {}
    for tag in tags:
        where = f"{spec.template}: 段落{tag.paragraph}"
        found = fields.get(tag.path)
        if found is None:
            run.add(
                where,
                f"标签 {tag.text} 没有对应的字段 {tag.path}",
                f"the tag {tag.text} names no field ({tag.path})",
            )
            continue
        _, item = found
        if tag.option is not None and tag.option not in item.options:
            run.add(
                where,
                f"标签 {tag.text}：{item.label}没有选项“{tag.option}”",
                f"the tag {tag.text}: {item.path} has no such option",
            )
        if tag.rows != (item.type == "rows"):
            run.add(
                where,
                f"标签 {tag.text} 与字段 {tag.path} 的类型（{item.type}）不符",
                f"the tag {tag.text} does not suit the field's type ({item.type})",
            )
        placed.setdefault(tag.path, set()).add(tag.option)
    for path, (location, item) in fields.items():
        if path not in placed:
            run.add(
                file.where(location),
                f"字段 {path}（{item.label}）在模板中没有位置",
                f"the field {path} ({item.label}) has no place in the template",
            )
        elif item.type in ("choice", "choices"):
            missing = [o for o in item.options if o not in placed[path]]
            if missing:
                run.add(
                    file.where(location),
                    f"字段 {path}（{item.label}）的选项 {'、'.join(missing)} 在模板中没有□",
                    f"the options {', '.join(missing)} of {path} have no box in the template",
                )


def _excel_template(run: _Pass, file: YamlFile, spec: FormSpec, content: bytes) -> MemoryFile | None:
    """The published workbook with the spec sheet added; header fields checked to lie above the table."""
    assert spec.table is not None
    table = spec.table
    fields: list[tuple[str, str, str]] = []
    for index, item in enumerate(spec.fields):
        if item.cell is None:
            run.add(
                file.where(["fields", index]),
                f"字段 {item.path} 须写明 cell",
                f"the field {item.path} needs its cell",
            )
            continue
        row = int("".join(ch for ch in item.cell.split(":")[0] if ch.isdigit()) or 0)
        if not 0 < row < table.header_row:
            run.add(
                file.where(["fields", index, "cell"]),
                f"{item.cell} 应在表头（第{table.header_row}行）之上",
                f"{item.cell} must lie above the header (row {table.header_row})",
            )
            continue
        fields.append((item.label, item.path, item.cell))
    layout = TableLayout(
        label=spec.label,
        title=spec.title,
        rows_path=table.path,
        header_row=table.header_row,
        header_rows=table.header_rows,
        blank_rows=table.blank_rows,
        columns=[c.path for c in table.columns],
        widths=table.widths,
        fields=fields,
    )
    try:
        return MemoryFile(spec.template, prepare_table(content, layout))
    except Exception as exc:  # openpyxl raises many kinds on a workbook it cannot read
        run.add(file.where(["template"]), f"无法读取表格：{exc}", f"the workbook cannot be read: {exc}")
        return None


def _check_example(run: _Pass, relative: str, model: type[BaseModel]) -> None:
    run.parsed(relative, model)


def _packet(
    run: _Pass,
    notice: NoticeSpec,
    spec: PacketSpec,
    forms: dict[str, tuple[FormSpec, Form]],
    notice_file: YamlFile,
    location: list[str | int],
) -> Packet | None:
    names: list[tuple[list[str | int], str]] = [(["forms", i], n) for i, n in enumerate(spec.forms)]
    names += [(["parts", i, "form"], p.form) for i, p in enumerate(spec.parts)]
    if spec.applications is not None:
        names.append((["applications", "form"], spec.applications.form))
    if spec.batch_table is not None:
        names.append((["batch_table", "form"], spec.batch_table.form))
    unknown = False
    for step, name in names:
        if name in notice.forms and name not in forms:
            unknown = True  # a form of the notice that has problems of its own, reported there
        elif name not in forms:
            run.add(
                notice_file.where([*location, *step]),
                f"材料包 {spec.id} 引用了未知的表单 {name}",
                f"packet {spec.id} names an unknown form {name}",
            )
            unknown = True
    if unknown:
        return None
    packet_id = f"{notice.id}.{spec.id}"
    titles = {name: (form.title, form.model) for name, (_, form) in forms.items()}
    extra: dict[str, Any]
    if spec.applications is None:
        model = submitter_packet_model(packet_id, spec, titles)
        parts = tuple(PacketPart(forms[name][1].id, _attribute(name)) for name in spec.forms)
        extra = {
            "attachments_of": (lambda p: p.attachments) if spec.attachments else None,
            "code_path": spec.code,
            "batch_tables": _batch_tables(spec, forms),
        }
    else:
        application = forms[spec.applications.form][1]
        model = bureau_packet_model(packet_id, spec, application.model)
        found = tuple(
            _bureau_part(run, notice_file, [*location, "parts", i], spec, part.form, part.each, forms, notice)
            for i, part in enumerate(spec.parts)
        )
        parts = tuple(part for part in found if part is not None)
        if len(parts) != len(found):
            return None
        extra = {"contents": spec.contents}
    for key, path in (("name", spec.name), ("code", spec.code)):
        if path is not None and not _has_path(model, path):
            run.add(
                notice_file.where([*location, key]),
                f"材料包 {spec.id} 的 {key} 路径 {path} 不是它的字段",
                f"packet {spec.id}: its {key} path {path} names no field of it",
            )
            return None
    packet = Packet(
        id=packet_id,
        title=spec.title,
        submitter=spec.submitter,
        model=model,
        example=run.folder / "examples" / f"{spec.id}.yaml",
        parts=parts,
        name_of=_text_at(spec.name),
        name_path=spec.name,
        **extra,
    )
    _check_example(run, f"examples/{spec.id}.yaml", model)
    return packet


def _bureau_part(
    run: _Pass,
    notice_file: YamlFile,
    location: list[str | int],
    spec: PacketSpec,
    name: str,
    each: bool,
    forms: dict[str, tuple[FormSpec, Form]],
    notice: NoticeSpec,
) -> PacketPart | None:
    assert spec.applications is not None
    form_spec, form = forms[name]
    if each:
        return PacketPart(form.id, lambda p: p.applications, _text_at(_applicant_name(notice, name)))
    if form_spec.table is not None and form_spec.table.derive == spec.applications.form:
        derive = deriver(form_spec, form.model)
        return PacketPart(form.id, lambda p: derive(p, p.applications))
    run.add(
        notice_file.where(location),
        f"表单 {name} 既非逐份申报材料（each），也不由 {spec.applications.form} 汇总（table.derive）",
        f"form {name} is neither one per application (each) nor derived from {spec.applications.form} (table.derive)",
    )
    return None


def _applicant_name(notice: NoticeSpec, form_name: str) -> str:
    """The path of an applicant's name in its application: its packet's `name` below the form."""
    for packet in notice.packets:
        if form_name in packet.forms and packet.name.startswith(form_name + "."):
            return packet.name.removeprefix(form_name + ".")
    return "unit_name"


def _batch_tables(spec: PacketSpec, forms: dict[str, tuple[FormSpec, Form]]) -> tuple[BatchTable, ...]:
    if spec.batch_table is None:
        return ()
    form_spec, form = forms[spec.batch_table.form]
    assert form_spec.table is not None
    table = form_spec.table
    row_model = list_item(form.model.model_fields[table.path].annotation)
    assert isinstance(row_model, type) and issubclass(row_model, BaseModel)
    source = table.derive or ""
    columns = [(c.path, c.source or c.path) for c in table.columns if c.path not in NO_DATA]
    group = spec.batch_table.group
    group_field = group.rpartition(".")[2]
    model = form.model

    def row_of(packet: Any) -> BaseModel:
        plain = getattr(packet, source).model_dump(mode="json")
        return row_model.model_validate({path: get_path(plain, s) for path, s in columns})

    def table_of(name: str, rows: Sequence[BaseModel]) -> BaseModel:
        # The group's own fields (its 联系人) are in no applicant's data: only the one the
        # group is named by is filled, the rest left for the bureau to write in.
        header = {f.path: name if (f.source or f.path) == group_field else "" for f in form_spec.fields}
        values: dict[str, Any] = {**header, table.path: list(rows)}
        return model.model_construct(None, **values)

    return (BatchTable(form.id, row_model, _text_at(group), row_of, table_of),)


def _has_path(model: type[BaseModel], path: str) -> bool:
    """Whether the dotted `path` names a field of `model` (through its nested groups)."""
    current: Any = model
    for step in path.split("."):
        fields = current.model_fields if isinstance(current, type) and issubclass(current, BaseModel) else {}
        if step not in fields:
            return False
        current = field_type(fields[step])[0]
    return True


def _attribute(name: str) -> Callable[[Any], Any]:
    return lambda packet: getattr(packet, name)


def _text_at(path: str) -> Callable[[Any], str]:
    return lambda data: str(get_path(data, path) or "")


def _rules(run: _Pass, models: dict[str, type[BaseModel]]) -> tuple[Rule, ...]:
    """The rules of the package's rules.py, `rules(models)` given each form's model by name.

    Python, so run only for a folder the operator named, never for an upload or a check."""
    path = run.folder / "rules.py"
    if not run.trusted or not path.is_file():
        return ()
    name = f"formgen_package_rules_{abs(hash(str(path.resolve())))}"
    found = importlib.util.spec_from_file_location(name, path)
    if found is None or found.loader is None:
        run.add("rules.py", "无法加载", "cannot be loaded")
        return ()
    module = importlib.util.module_from_spec(found)
    sys.modules[name] = module
    found.loader.exec_module(module)
    make = getattr(module, "rules", None)
    rules = tuple(make(models)) if callable(make) else ()
    if not rules or not all(isinstance(rule, Rule) for rule in rules):
        run.add(
            "rules.py",
            "rules(models) 须返回 Rule 的列表",
            "rules(models) must return a list of formgen.authoring.Rule",
        )
        return ()
    return rules
