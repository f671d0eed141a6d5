"""Every registered form and packet honours one contract (STYLE.md item 6), tested in one loop."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pydantic import BaseModel

import formgen
from formgen.document import docx_render

REGISTRY = formgen.registry()
FORMS = [f.id for f in REGISTRY.forms()]
PACKETS = [p.id for p in REGISTRY.packets()]


def test_notices_are_registered_through_entry_points() -> None:
    assert "sichuan-2023-110" in REGISTRY.notices
    assert FORMS, "no forms registered"


@pytest.mark.parametrize("form_id", FORMS)
def test_committed_template_is_what_its_layout_writes(form_id: str, tmp_path: Path) -> None:
    form = formgen.form(form_id)
    assert form.layout is not None
    rebuilt = tmp_path / form.file_name
    form.layout(rebuilt)
    assert rebuilt.read_bytes() == form.template.read_bytes(), "run `make templates` and commit the result"


@pytest.mark.parametrize("form_id", [f for f in FORMS if formgen.form(f).kind == "docx"])
def test_template_variables_are_model_fields(form_id: str) -> None:
    form = formgen.form(form_id)
    variables = docx_render.template_variables(form.template)
    fields = set(form.model.model_fields) | set(form.model.model_computed_fields)
    assert variables <= fields, variables - fields


@pytest.mark.parametrize("item_id", FORMS + PACKETS)
def test_example_validates(item_id: str) -> None:
    checked = formgen.check(item_id, formgen.example_data(item_id))
    assert checked.ok, [str(p) for p in checked.problems]


@pytest.mark.parametrize("item_id", FORMS + PACKETS)
def test_schema_is_json_schema_with_form_titles(item_id: str) -> None:
    schema = formgen.schema(item_id)
    model = formgen.registry().item(item_id).model
    assert schema["type"] == "object"
    assert set(schema.get("properties", {})) == set(model.model_fields)
    assert schema["$id"] == f"urn:formgen:{item_id}"


def _no_template_syntax_left(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                text = package.read(name).decode("utf-8")
                assert "{{" not in text and "{%" not in text, name


@pytest.mark.parametrize("form_id", FORMS)
def test_blank_and_example_render_deterministically(form_id: str) -> None:
    blank = formgen.render_blank(form_id)
    assert blank == formgen.render_blank(form_id)
    _no_template_syntax_left(blank)
    for instance in formgen.api.form_data(form_id, formgen.example_data(form_id)):
        filled = formgen.render_filled(form_id, instance)
        assert filled == formgen.render_filled(form_id, instance)
        _no_template_syntax_left(filled)


@pytest.mark.parametrize("packet_id", PACKETS)
def test_packet_parts_derive_form_data(packet_id: str) -> None:
    packet = REGISTRY.packet(packet_id)
    checked = formgen.check(packet_id, formgen.example_data(packet_id))
    assert checked.instance is not None
    for part in packet.parts:
        if part.derive is None:  # the blank form itself (the notice as issued)
            continue
        made = formgen.api.packet_documents(packet_id, checked.instance, only=part.form_id)
        assert made and all(isinstance(m, formgen.form(part.form_id).model) for m in made)
        assert all(isinstance(m, BaseModel) for m in made)
    assert packet.name_of(checked.instance)
