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
from formgen.drafting import example, report
from formgen.drafting.places import Place
from formgen.drafting.xlsx_draft import Table

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


def _field(place: Place, *, column: bool = False) -> dict[str, Any]:
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
        entry["other"] = {"path": f"{place.path}_其他", "label": f"{place.other}（请注明）"}
        if place.other != "其他":
            entry["other"]["option"] = place.other
    if place.type == "rows":
        entry["blank_rows"] = max(place.blank_rows, 1)
        entry["columns"] = [_field(c, column=True) for c in place.columns]
    if not column:
        entry["place"] = place.where
        entry["confidence"] = place.confidence
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
        spec["fields"] = [_field(place) for place in form.places]
        return spec
    rows = form.places[-1]
    by_path = {c.path: c for c in rows.columns}
    spec["fields"] = [{**_field(place), "cell": form.table.fields[place.path]} for place in form.places[:-1]]
    for entry in spec["fields"]:
        entry.pop("place", None)
    spec["table"] = {
        "path": rows.path,
        "label": rows.label,
        "header_row": form.table.header_row,
        "header_rows": form.table.header_rows,
        "blank_rows": form.table.blank_rows,
        "columns": [
            {"path": "#", "label": "序号"} if path is None else _field(by_path[path], column=True)
            for path in form.table.columns
        ],
    }
    return spec


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
        by_label = {_bare(p.label): p.path for p in form.places if p.type not in ("rows",)}
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
    """notice.yaml as data: the notice, its forms and a packet for each kind of submitter."""
    applications = [f for f in notice.forms if f.kind == "docx" and f.places]
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


def contents(notice: DraftedNotice) -> dict[str, bytes]:
    """Every file of the package by its path in the folder."""
    applications = [f for f in notice.forms if f.kind == "docx" and f.places]
    derived: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for form in notice.forms:
        if form.kind == "xlsx":
            name = derive(form, applications)
            if name:
                derived[form.name] = name
    for form in notice.forms:
        spec = form_spec(form)
        if form.name in derived:
            spec["table"]["derive"] = derived[form.name]
            _column_from(spec, form)
            for entry in spec["fields"]:
                entry["from"] = entry["path"]  # the bureau's own field of the same path
            form.report.notes.append(
                f"由申请表{derived[form.name]}派生 / derived from the applications ({derived[form.name]})"
            )
        files[f"forms/{form.name}.yaml"] = _yaml(spec)
        files[f"templates/{form.name}.{form.kind}"] = form.template
        files[f"examples/{form.name}.yaml"] = _yaml(example.data(form.places))
    spec = notice_spec(notice, derived)
    files["notice.yaml"] = _yaml(spec)
    for packet in spec["packets"]:
        files[f"examples/{packet['id']}.yaml"] = _yaml(_packet_example(packet, notice))
    reports = [form.report for form in notice.forms]
    files["draft-report.md"] = report.markdown(reports).encode("utf-8")
    files["draft-report.json"] = json.dumps(
        {"notice": notice.id, "forms": [r.as_json() for r in reports]}, ensure_ascii=False, indent=2
    ).encode("utf-8")
    return files


def _packet_example(packet: dict[str, Any], notice: DraftedNotice) -> dict[str, Any]:
    forms = {f.name: f for f in notice.forms}
    if "forms" in packet:
        return {name: example.data(forms[name].places) for name in packet["forms"]}
    data: dict[str, Any] = {f["path"]: f"示例{f['label']}" for f in packet["fields"]}
    table_form = forms[packet["parts"][0]["form"]]
    for place in table_form.places[:-1]:
        data[place.path] = example.value(place)
    data["applications"] = [example.data(forms[packet["applications"]["form"]].places)]
    return data


def write(notice: DraftedNotice, out_dir: Path) -> list[Path]:
    """Write the package into `out_dir`, every file whole; return the paths written."""
    written = []
    for relative, data in contents(notice).items():
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        written.append(target)
    return written
