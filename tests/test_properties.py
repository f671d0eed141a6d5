"""Property tests: arbitrary input ends in a clear validation error or a complete document with the text.

Settings: each test runs `max_examples` generated cases (see `SETTINGS`); a failing case is
shrunk and printed by hypothesis.
"""

from __future__ import annotations

import copy
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel

import formgen
from formgen.model.fields import Paragraphs, unwrap
from tests import reading

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _printed(form_id: str) -> set[str]:
    """The data paths a form prints: the tags of its blank form's controls."""
    content = formgen.render_blank(form_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blank.docx"
        path.write_bytes(content)
        return {c.tag for c in reading.controls(path)}


def _text_paths(model: type[BaseModel], printed: set[str], prefix: str = "") -> tuple[str | None, str | None]:
    """The first required one-line text field and the first paragraphs field that the form
    prints, reached through nested groups (not lists): where arbitrary text can go."""
    line: str | None = None
    prose: str | None = None
    for name, info in model.model_fields.items():
        annotation, metadata = unwrap(info.annotation)
        path = f"{prefix}{name}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested = _text_paths(annotation, printed, f"{path}.")
            line, prose = line or nested[0], prose or nested[1]
        elif annotation is str and info.is_required() and path in printed:
            markers = [*info.metadata, *metadata]
            if any(isinstance(m, Paragraphs) for m in markers):
                prose = prose or path
            elif not any(isinstance(m, AfterValidator) and m.func.__name__ == "validate" for m in markers):
                line = line or path  # plain text, not a code or a phone number
    return line, prose


# (form, a one-line text field, a paragraphs field) for every Word form that takes text.
TEXT_FIELDS = [
    (form.id, *paths)
    for form in formgen.registry().forms()
    if form.kind == "docx" and all(paths := _text_paths(form.model, _printed(form.id)))
]


def test_every_form_with_text_is_covered() -> None:
    ids = {form_id for form_id, _, _ in TEXT_FIELDS}
    assert {"sichuan-2023-110.annex3", "sichuan-2023-110.annex4", "chongqing-2023-1.annex2"} <= ids


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def _put(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    target = data
    *parents, last = path.split(".")
    for part in parents:
        target = target[part]
    target[last] = value
    return data


def _document_text(content: bytes, tmp: Path) -> str:
    path = tmp / "doc.docx"
    path.write_bytes(content)
    with zipfile.ZipFile(BytesIO(content)) as package:
        assert package.testzip() is None
    return reading.docx_text(path)


@pytest.mark.parametrize(("form_id", "line_path", "prose_path"), TEXT_FIELDS)
@SETTINGS
@given(text=st.text(max_size=60))
def test_any_text_is_refused_clearly_or_printed_literally(
    form_id: str, line_path: str, prose_path: str, text: str, tmp_path: Path
) -> None:
    example = formgen.example_data(form_id)
    for path, kind in ((line_path, "line"), (prose_path, "prose")):
        checked = formgen.check(form_id, _put(example, path, text))
        if not checked.ok:
            assert all(p.message_zh and p.message_en and p.label for p in checked.problems)
            continue
        assert checked.instance is not None
        rendered = _document_text(formgen.render_filled(form_id, checked.instance), tmp_path)
        if kind == "line":
            assert text.strip().replace("\r", "") in rendered.replace("\n", "")
        else:
            for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                # A tab prints as a Word tab, which the reader's text shows as a space.
                assert line.strip().replace("\t", " ") in rendered


@pytest.mark.parametrize(
    "item_id",
    [f.id for f in formgen.registry().forms()] + [p.id for p in formgen.registry().packets()],
)
@SETTINGS
@given(data=json_values)
def test_any_structure_is_refused_with_problems_never_a_crash(item_id: str, data: Any) -> None:
    checked = formgen.check(item_id, data)
    if checked.ok:
        return  # forms with no fields (a notice as issued) accept an empty mapping
    assert checked.problems
    for problem in checked.problems:
        assert problem.severity == "error" and problem.message_zh and problem.message_en


@SETTINGS
@given(
    amount=st.decimals(allow_nan=True, allow_infinity=True)
    | st.floats()
    | st.integers()
    | st.text(max_size=8)
)
def test_any_amount_is_refused_clearly_or_formatted(amount: Any, tmp_path: Path) -> None:
    form_id = "sichuan-2023-110.annex3"
    checked = formgen.check(
        form_id, _put(formgen.example_data(form_id), "profile.registered_capital", amount)
    )
    if not checked.ok:
        assert [p.path for p in checked.problems] == ["profile.registered_capital"]
        return
    assert checked.instance is not None
    text = _document_text(formgen.render_filled(form_id, checked.instance), tmp_path)
    from formgen.document import locale

    assert locale.money(checked.instance.profile.registered_capital) in text  # type: ignore[attr-defined]
