"""The notice package a draft writes (docs/notice-packages.md): notice.yaml, one YAML file per
form, the templates, the examples, and the draft report.

Everything is made in memory first; only when every form has drafted is anything written, each
file whole (`write_atomic`), so a refused input leaves the output folder as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from formgen.document.package import write_atomic
from formgen.drafting import example, redraft, report
from formgen.drafting.places import Place
from formgen.drafting.xlsx_draft import Table
from formgen.model.package_spec import NO_DATA, OFFICE, SERIAL, FieldSpec, FormSpec

REVIEWED = "reviewed"
"""A place's note saying an author corrected it (`formgen.drafting.review`): its field is
written ``reviewed: true``, so a later re-draft keeps it."""
TYPE_NAMES = {"money": "money_wan", "yuan": "money_yuan", "number": "quantity"}
"""Drafting's type names that the package format spells otherwise."""

_NAME_WORDS = ("单位名称", "企业名称", "申报单位", "申请单位", "申请人", "姓名", "名称")


@dataclass
class DraftedForm:
    """One drafted form, ready to write."""

    name: str
    kind: str
    label: str
    title: str
    source: str
    source_sha256: str
    places: list[Place]
    template: bytes
    report: report.FormReport
    table: Table | None = None


@dataclass
class DraftedNotice:
    """A drafted notice: its forms and what the package says about the notice itself."""

    id: str
    title: str
    date: dt.date
    forms: list[DraftedForm] = field(default_factory=list)


def field_entry(place: Place, *, column: bool = False) -> dict[str, Any]:
    """A place as a field of the form's YAML (a table's column has no confidence of its own)."""
    entry: dict[str, Any] = {
        "path": place.path,
        "label": place.label,
        "type": TYPE_NAMES.get(place.type, place.type),
    }
    if place.max_chars:
        entry["max_chars"] = place.max_chars
        entry["prompt"] = f"不超过{place.max_chars}字"
    if place.options:
        entry["options"] = list(place.options)
    if place.other:
        entry["other"] = {"path": place.other_text_path, "label": f"{place.other}（请注明）"}
        if place.other != "其他":
            entry["other"]["option"] = place.other
    if place.type == "rows":
        entry["blank_rows"] = max(place.blank_rows, 1)
        # each column placed by its header cell, the key a review corrects it by
        entry["columns"] = [{**field_entry(c, column=True), "place": c.where} for c in place.columns]
    if not column:
        entry["place"] = place.where
        entry["confidence"] = place.confidence
    if REVIEWED in place.notes:
        entry["reviewed"] = True
    return entry


def form_spec(form: DraftedForm) -> dict[str, Any]:
    """The form's YAML as data, keys in the documented order."""
    spec: dict[str, Any] = {
        "kind": form.kind,
        "label": form.label,
        "title": form.title,
        "template": f"templates/{form.name}.{form.kind}",
        "source": form.source,
        "source_sha256": form.source_sha256,
    }
    if form.table is None:
        spec["fields"] = [field_entry(place) for place in form.places]
        groups = {p.path.rpartition(".")[0]: p.group for p in form.places if p.group}
        if groups:
            spec["groups"] = groups
        return spec
    rows = form.places[-1]
    by_path = {c.path: c for c in rows.columns}
    spec["fields"] = [
        {**field_entry(place), "cell": form.table.fields[place.path]} for place in form.places[:-1]
    ]
    for entry in spec["fields"]:
        entry.pop("place", None)
    spec["table"] = {
        "path": rows.path,
        "label": rows.label,
        "header_row": form.table.header_row,
        "header_rows": form.table.header_rows,
        "blank_rows": form.table.blank_rows,
        "columns": [_column_entry(form.table, index, by_path) for index in range(len(form.table.columns))],
    }
    return spec


def _column_entry(table: Table, index: int, by_path: dict[str, Place]) -> dict[str, Any]:
    """Sheet column `index` of a drafted table as the YAML's column: the 序号, the office's, or a field."""
    path = table.columns[index]
    if path is None:
        return {"path": SERIAL, "label": "序号"}
    if path == OFFICE:
        return {"path": OFFICE, "label": table.office[index]}
    return field_entry(by_path[path], column=True)


def derive(table_form: DraftedForm, applications: list[DraftedForm]) -> str | None:
    """Link a summary table's columns to an application form's fields of the same labels.

    Returns the application form's name when at least half the columns (and two) find their
    field: the table is then derived from applications (``derive:`` and ``from:``), as the
    built-in summary tables are, and the bureau never retypes.
    """
    if table_form.table is None:
        return None
    rows = table_form.places[-1]
    best: tuple[int, str, dict[str, str]] = (0, "", {})
    for form in applications:
        by_label = {_bare(p.label): p.path for p in form.places if p.type != "rows" and not p.group}
        links = {c.path: by_label[_bare(c.label)] for c in rows.columns if _bare(c.label) in by_label}
        if len(links) > best[0]:
            best = (len(links), form.name, links)
    count, name, links = best
    if count < 2 or count * 2 < len(rows.columns):
        return None
    for column in rows.columns:
        if column.path in links:
            column.notes.append(f"from:{links[column.path]}")
    return name


def _bare(label: str) -> str:
    from formgen.drafting.vocabulary import clean_label

    return clean_label(label).replace("（", "").replace("）", "")


def _column_from(spec: dict[str, Any], table_form: DraftedForm) -> None:
    rows = table_form.places[-1]
    notes = {c.path: n[5:] for c in rows.columns for n in c.notes if n.startswith("from:")}
    for column in spec["table"]["columns"]:
        if column["path"] in notes:
            column["from"] = notes[column["path"]]
        elif column["path"] != "#":
            column["required"] = False  # no application field gives it: left for the bureau


def notice_spec(notice: DraftedNotice, derived: dict[str, str]) -> dict[str, Any]:
    """notice.yaml as data: the notice, its forms and a packet for each kind of submitter.

    An Excel table that is not derived from applications is the applicant's to fill (a list of
    equipment, of projects): it goes into the applicant's packet beside the Word forms."""
    applications = [
        f
        for f in notice.forms
        if (f.kind == "docx" and f.places) or (f.kind == "xlsx" and f.name not in derived)
    ]
    packets: list[dict[str, Any]] = []
    if applications:
        first = applications[0]
        packets.append(
            {
                "id": "applicant",
                "title": "申报材料",
                "submitter": "申报单位",
                "forms": [f.name for f in applications],
                "name": f"{first.name}.{_name_path(first)}",
            }
        )
    for table_name, application in derived.items():
        table_form = next(f for f in notice.forms if f.name == table_name)
        above = [p for p in table_form.places[:-1]]
        packets.append(
            {
                "id": f"bureau-{table_name}" if len(derived) > 1 else "bureau",
                "title": "推荐材料",
                "submitter": "推荐单位",
                "fields": [
                    {"path": p.path, "label": p.label, "type": TYPE_NAMES.get(p.type, p.type)} for p in above
                ]
                or [{"path": "推荐单位", "label": "推荐单位", "type": "text"}],
                "name": above[0].path if above else "推荐单位",
                "applications": {"form": application, "label": "申报单位"},
                "parts": [{"form": table_name}, {"form": application, "each": True}],
                "contents": True,
            }
        )
    return {
        "format": 1,
        "id": notice.id,
        "title": notice.title,
        "issuer": "待填写：发文机关",
        "doc_number": "待填写：文号",
        "date": notice.date,
        "forms": [f.name for f in notice.forms],
        "packets": packets,
    }


def _name_path(form: DraftedForm) -> str:
    """The field that names a submitter: its 单位名称, else the first line of text."""
    texts = [p for p in form.places if p.type == "text"]
    for word in _NAME_WORDS:
        for place in texts:
            if word in place.label:
                return place.path
    return (texts or form.places)[0].path


def _yaml(data: Any) -> bytes:
    return yaml.dump(
        _plain(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    ).encode("utf-8")


class _Dumper(yaml.SafeDumper):
    """Safe YAML that writes amounts as numbers and every value in full (a package takes no
    aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_float(float(value)))


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def contents(notice: DraftedNotice, previous: redraft.Previous | None = None) -> dict[str, bytes]:
    """Every file of the package by its path in the folder.

    With `previous` (the author's package in the folder) each form keeps the author's reviewed
    fields (`redraft.merge`), its example keeps their example values, and notice.yaml keeps
    what the author wrote about the notice and its packets; the report says what was kept,
    what is new and what is gone.
    """
    applications = [f for f in notice.forms if f.kind == "docx" and f.places]
    derived: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for form in notice.forms:
        if form.kind == "xlsx":
            name = derive(form, applications)
            if name:
                derived[form.name] = name
    specs: dict[str, FormSpec] = {}
    for form in notice.forms:
        data = form_spec(form)
        if form.name in derived:
            data["table"]["derive"] = derived[form.name]
            _column_from(data, form)
            for entry in data["fields"]:
                entry["from"] = entry["path"]  # the bureau's own field of the same path
            form.report.notes.append(
                f"由申请表{derived[form.name]}派生 / derived from the applications ({derived[form.name]})"
            )
        hit = previous.form_for(form.source, form.name) if previous is not None else None
        spec, merged = redraft.merge(hit[1] if hit else None, FormSpec.model_validate(data))
        if merged is not None:
            form.report.notes += redraft.notes(merged)
        specs[form.name] = spec
        files[f"forms/{form.name}.yaml"] = _yaml(spec_data(spec))
        files[f"templates/{form.name}.{form.kind}"] = form.template
        kept = previous.specs.examples.get(hit[0]) if previous is not None and hit else None
        files[f"examples/{form.name}.yaml"] = _yaml(_form_example(spec, kept))
    notice_data = notice_spec(notice, derived)
    if previous is not None:
        notice_data = _keep_notice(notice_data, previous)
        specs = {**previous.specs.forms, **specs}  # the packets' examples see the forms not drafted
    files["notice.yaml"] = _yaml(notice_data)
    for packet in notice_data["packets"]:
        files[f"examples/{packet['id']}.yaml"] = _yaml(_packet_example(packet, specs))
    reports = [form.report for form in notice.forms]
    files["draft-report.md"] = report.markdown(reports).encode("utf-8")
    files["draft-report.json"] = json.dumps(
        {"notice": notice.id, "forms": [r.as_json() for r in reports]}, ensure_ascii=False, indent=2
    ).encode("utf-8")
    return files


_QUIET_DEFAULTS = {"required": True, "reviewed": False, "min_rows": 0}
"""Keys a form's YAML leaves out at these values, as the format's defaults say them."""


def spec_data(spec: FormSpec) -> dict[str, Any]:
    """A form spec as the YAML the draft writes: the format's keys in order, defaults left out."""
    return {"kind": spec.kind, **_quiet(spec.model_dump(by_alias=True, mode="json"))}


def _quiet(data: Any) -> Any:
    if isinstance(data, list):
        return [_quiet(item) for item in data]
    if not isinstance(data, dict):
        return data
    kept = {
        key: _quiet(value)
        for key, value in data.items()
        if value is not None and value != [] and value != {} and _QUIET_DEFAULTS.get(key, ...) != value
    }
    if "type" in kept and kept["type"] != "rows":
        kept.pop("blank_rows", None)
    if kept.get("path") in NO_DATA:
        kept.pop("type", None)  # the 序号 column (formgen numbers it) or the office's: no data
    return kept


def _form_example(spec: FormSpec, kept: Any) -> dict[str, Any]:
    """The form's example: a sample for each field, the author's own value for a reviewed one."""
    fields = list(spec.fields)
    if spec.table is not None:
        fields.append(
            FieldSpec(path=spec.table.path, label=spec.table.label, type="rows", columns=spec.table.columns)
        )
    data = example.data(fields)
    if isinstance(kept, dict):
        for item in fields:
            if item.reviewed and item.path in kept and _still_valid(item, kept[item.path]):
                data[item.path] = kept[item.path]
    return data


def _still_valid(item: FieldSpec, value: Any) -> bool:
    """Whether the author's example value of a reviewed field can stay: the field is the
    author's own, so its value was checked against it, unless its options were changed since."""
    if item.type == "choice":
        return value in item.options
    if item.type == "choices":
        return isinstance(value, list) and all(v in item.options for v in value)
    if item.type == "rows":
        paths = {c.path for c in item.columns if c.path not in NO_DATA}
        return isinstance(value, list) and all(isinstance(r, dict) and set(r) == paths for r in value)
    return True


def _keep_notice(drafted: dict[str, Any], previous: redraft.Previous) -> dict[str, Any]:
    """notice.yaml of a re-draft: the author's title, issuer, 文号, date and packets, the
    drafted forms then the author's others (not drafted this time, their files untouched),
    and any drafted packet the author's notice does not have yet."""
    old = previous.specs.notice.model_dump(by_alias=True, exclude_none=True, mode="python")
    ids = {packet["id"] for packet in old["packets"]}
    packets = [*old["packets"], *(p for p in drafted["packets"] if p["id"] not in ids)]
    keep = {key: old[key] for key in ("title", "issuer", "doc_number", "date")}
    forms = [*drafted["forms"], *(name for name in old["forms"] if name not in drafted["forms"])]
    return {**drafted, **keep, "forms": forms, "packets": [_quiet(p) for p in packets]}


def _packet_example(packet: dict[str, Any], specs: dict[str, FormSpec]) -> dict[str, Any]:
    if packet.get("forms"):
        return {name: _form_example(specs[name], None) for name in packet["forms"]}
    data: dict[str, Any] = {f["path"]: f"示例{f['label']}" for f in packet["fields"]}
    data.update(example.data(specs[packet["parts"][0]["form"]].fields))
    data["applications"] = [_form_example(specs[packet["applications"]["form"]], None)]
    return data


def write(notice: DraftedNotice, out_dir: Path, previous: redraft.Previous | None = None) -> list[Path]:
    """Write the package into `out_dir`, every file whole; return the paths written."""
    written = []
    for relative, data in contents(notice, previous).items():
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        written.append(target)
    return written
