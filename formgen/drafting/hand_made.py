"""A draft held against a hand-made form: how much of what a developer wrote by hand drafting finds.

A hand-made blank is turned back into a form as an office would publish it (`unpublish`:
content controls out, each □ a plain character again, spreadsheet validations and input
fills gone), drafted, and compared with the blank's own controls (`expected`), which are
exactly the hand-made model's input places, with their titles, types, rows and choices.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree
from pydantic import BaseModel

from formgen.data import cells
from formgen.document.xlsx_layout import META_SHEET, load_spec
from formgen.drafting import vocabulary
from formgen.drafting.places import Found, Place
from formgen.drafting.wordgrid import W
from formgen.model.fields import CreditCodeField, Identifier, Paragraphs, Unit, field_type, list_item
from formgen.model.registry import Form

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_INDEX = re.compile(r"\[[^\]]*\]")


def unpublish_docx(blank: bytes) -> bytes:
    """The blank as a plain published form: every control replaced by what paper shows."""
    source = zipfile.ZipFile(io.BytesIO(blank))
    root = etree.fromstring(source.read("word/document.xml"))
    for sdt in reversed(list(root.iter(W + "sdt"))):
        parent = sdt.getparent()
        if parent is None:
            continue
        box = sdt.find(f"{W}sdtPr/{W14}checkbox")
        if box is not None:
            run = etree.Element(W + "r")
            etree.SubElement(run, W + "t").text = "□"
            parent.replace(sdt, run)
        elif parent.tag in (W + "p", W + "r", W + "hyperlink"):
            parent.remove(sdt)
        else:
            parent.replace(sdt, etree.Element(W + "p"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = etree.tostring(root) if name == "word/document.xml" else source.read(name)
            target.writestr(name, data)
    return out.getvalue()


def unpublish_xlsx(blank: bytes) -> bytes:
    """The blank summary table without formgen's hidden sheets, validations and input fill."""
    from openpyxl.styles import PatternFill

    workbook = cells.open_workbook(blank)
    for sheet in list(workbook.worksheets)[1:]:
        workbook.remove(sheet)
    sheet = workbook.worksheets[0]
    sheet.data_validations.dataValidation = []
    for row in sheet.iter_rows():
        for cell in row:
            cell.fill = PatternFill()
    workbook.security = None
    return cells.save(workbook)


@dataclass
class Expected:
    """One input place of the hand-made form: its title, type, and rows or choices."""

    path: str
    label: str
    type: str
    options: list[str] = field(default_factory=list)
    row_of: str = ""
    """The rows field it is a column of, if any."""
    aliases: set[str] = field(default_factory=set)
    """Every title its controls show (a path printed on the cover and in the table)."""


def expected_docx(blank: bytes, model: type[BaseModel]) -> list[Expected]:
    """The places of a hand-made Word blank, from its controls: one per text or date control,
    one per □ group (a choice), a rows field's columns once however many rows print."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(blank)).read("word/document.xml"))
    found: dict[str, Expected] = {}
    for sdt in root.iter(W + "sdt"):
        pr = sdt.find(W + "sdtPr")
        tag_element = pr.find(W + "tag") if pr is not None else None
        tag = tag_element.get(W + "val", "") if tag_element is not None else ""
        alias_element = pr.find(W + "alias") if pr is not None else None
        alias = alias_element.get(W + "val", "") if alias_element is not None else ""
        if not tag:
            continue
        box = pr.find(W14 + "checkbox")
        path, _, option = tag.partition("=")
        if box is not None and "[" in path and not option:
            path, _, option = path.rpartition("[")
            option = option.rstrip("]").strip("'")
        key = _INDEX.sub("[]", path)
        if key in found:
            if box is not None and option and option not in found[key].options:
                found[key].options.append(option)
            if box is None:
                found[key].aliases.add(alias)
            continue
        row_of = key.rsplit("[]", 1)[0] if "[]" in key else ""
        bare = _INDEX.sub("", path)
        kind = "choice" if box is not None else _type_at(model, bare)
        title = _title_at(model, bare) if box is not None else alias
        found[key] = Expected(key, title, kind, [option] if option else [], row_of, {title})
    return list(found.values())


def expected_xlsx(
    model: type[BaseModel], rows_path: str, columns: list[str], fields: dict[str, str]
) -> list[Expected]:
    """The places of a hand-made summary table: the inputs above it (`fields`, label by path)
    and its row model's columns as printed."""
    row_model = list_item(model.model_fields[rows_path].annotation)
    places = [Expected(path, label, _type_at(model, path), aliases={label}) for path, label in fields.items()]
    for path in columns:
        if path == "#" or not isinstance(row_model, type):
            continue
        info = _field_info(row_model, path)
        places.append(
            Expected(f"{rows_path}[].{path}", info.title or path, _type_at(row_model, path), row_of=rows_path)
        )
    return places


def _field_info(model: type[BaseModel], path: str) -> Any:
    current: Any = model
    info: Any = None
    for part in path.split("."):
        info = current.model_fields[part]
        current, _ = field_type(info)
        item = list_item(info.annotation)
        if item is not None:
            current = item
    return info


def _title_at(model: type[BaseModel], path: str) -> str:
    try:
        return str(_field_info(model, path).title or path)
    except (KeyError, AttributeError):
        return path


def _type_at(model: type[BaseModel], path: str) -> str:
    """The drafting type of the model's field at dotted `path` (indexes removed)."""
    try:
        info = _field_info(model, path.split("[")[0] if path.endswith("]") else path)
    except (KeyError, AttributeError):
        return "text"
    annotation, metadata = field_type(info)
    if any(isinstance(m, Paragraphs) for m in metadata):
        return "long_text"
    if any(isinstance(m, Unit) and m.text == "万元" for m in metadata):
        return "money"
    if any(isinstance(m, CreditCodeField) for m in metadata):
        return "credit_code"
    for marker in metadata:
        if isinstance(marker, Identifier):
            return "email" if "@" in marker.sample else "phone" if "-" in marker.sample else "mobile"
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            return "choice"
        if issubclass(annotation, bool):
            return "choice"
        if issubclass(annotation, int):
            return "count"
        if issubclass(annotation, dt.date):
            return "date"
        if issubclass(annotation, Decimal):
            return "number"
    return "text"


@dataclass
class Comparison:
    """How a draft compares with the hand-made places of the same form."""

    expected: int
    drafted: int
    found: int
    """Hand-made places the draft has (matched by label)."""
    real: int
    """Drafted places that are hand-made places."""
    same_label: int
    typed: int
    """Hand-made places of a specific type (not text) that the draft found."""
    same_type: int
    choices: int
    same_choices: int
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong_type: list[str] = field(default_factory=list)

    @property
    def found_share(self) -> float:
        """Share of the hand-made places the draft found."""
        return self.found / self.expected if self.expected else 1.0

    @property
    def real_share(self) -> float:
        """Share of drafted places that are real input places."""
        return self.real / self.drafted if self.drafted else 1.0


def _norm(label: str) -> str:
    return vocabulary.tidy_label(label).replace("（", "").replace("）", "").replace("(", "").replace(")", "")


def _flat(places: list[Place]) -> list[Place]:
    flat = []
    for place in places:
        flat.extend(place.columns if place.type == "rows" else [place])
        if place.other:
            flat.append(Place(f"{place.other}（请注明）", "text", place.where, "其他", place.confidence))
    return flat


def _matches(drafted: Place, expected: Expected) -> bool:
    a = _norm(drafted.label)
    return any(
        bool(a and b) and (a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a)))
        for b in map(_norm, expected.aliases | {expected.label})
    )


_COMPATIBLE = {
    "number": {"money", "yuan", "percent", "area", "count", "number", "quantity"},
    "phone": {"phone", "mobile"},
    "mobile": {"phone", "mobile"},
    "choice": {"choice", "choices"},
    "credit_code": {"credit_code", "org_or_credit_code"},
    "long_text": {"long_text", "text"},
}


def compare(found: Found, expected: list[Expected]) -> Comparison:
    """Match drafted places with hand-made ones by label and count what agrees."""
    drafted = _flat(found.places)
    used: set[int] = set()
    result = Comparison(len(expected), len(drafted), 0, 0, 0, 0, 0, 0, 0)
    for place in expected:
        match = next(
            (d for d in drafted if id(d) not in used and _matches(d, place)),
            None,
        )
        if place.type == "choice":
            result.choices += 1
        if place.type not in ("text", "long_text"):
            result.typed += 1
        if match is None:
            result.missed.append(f"{place.label}（{place.type}）")
            continue
        used.add(id(match))
        result.found += 1
        drafted_label, label = _norm(match.label), _norm(place.label)
        # A column under a two-level header carries its group first (所在地 + 市（州）).
        result.same_label += drafted_label == label or bool(
            match.context and drafted_label == _norm(match.context) + label
        )
        if place.type not in ("text", "long_text"):
            if match.type in _COMPATIBLE.get(place.type, {place.type}):
                result.same_type += 1
            else:
                result.wrong_type.append(f"{place.label}: {match.type}≠{place.type}")
        if (
            place.type == "choice"
            and match.type in ("choice", "choices")
            and set(match.options) >= set(place.options)
        ):
            result.same_choices += 1
    # A drafted place is real when it is any hand-made place: one printed twice (cover and
    # table) is found twice.
    real = [d for d in drafted if id(d) in used or any(_matches(d, e) for e in expected)]
    result.real = len(real)
    result.extra = [f"{d.label}（{d.where}）" for d in drafted if d not in real]
    return result


def compare_form(form: Form, blank: bytes) -> Comparison:
    """Draft the hand-made `form`'s `blank` as if newly published, and compare with its places."""
    from formgen.drafting import docx_draft, xlsx_draft

    if form.kind == "docx":
        drafted = docx_draft.draft(unpublish_docx(blank), f"{form.id}.docx").found
        return compare(drafted, expected_docx(blank, form.model))

    spec = load_spec(cells.open_workbook(blank)[META_SHEET])
    expected = expected_xlsx(
        form.model, spec.rows_path, [c.path for c in spec.columns], {f.path: f.label for f in spec.fields}
    )
    return compare(xlsx_draft.draft(unpublish_xlsx(blank), f"{form.id}.xlsx").found, expected)


def total(comparisons: list[Comparison]) -> Comparison:
    """The figures of several comparisons added up."""
    result = Comparison(0, 0, 0, 0, 0, 0, 0, 0, 0)
    for c in comparisons:
        for name in (
            "expected",
            "drafted",
            "found",
            "real",
            "same_label",
            "typed",
            "same_type",
            "choices",
            "same_choices",
        ):
            setattr(result, name, getattr(result, name) + getattr(c, name))
    return result
