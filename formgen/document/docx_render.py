"""Fill a DOCX template with a render context. The only module that imports docxtpl."""

from __future__ import annotations

import io
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from formgen.document.fitting import fit_identifiers
from formgen.document.ooxml import put_in_order
from formgen.document.package import fixed_time, normalize_zip
from formgen.document.placeholders import add_glossary


def _environment() -> Environment:
    # Autoescape keeps user text data; StrictUndefined turns a template name the model
    # lacks into an error instead of an empty cell.
    return Environment(autoescape=True, undefined=StrictUndefined)


def render(
    template: Traversable,
    context: Mapping[str, Any],
    *,
    title: str,
    author: str = "",
    samples: Mapping[str, str] | None = None,
) -> bytes:
    """Return the bytes of `template` rendered with `context`, byte-stable for the same input.

    `samples` sizes blank identifier controls (`formgen.document.fitting`); the render context
    notes them as it renders, so the mapping is read only after rendering.
    """
    document = DocxTemplate(io.BytesIO(template.read_bytes()))
    document.render(dict(context), jinja_env=_environment(), autoescape=True)
    props = document.docx.core_properties
    props.title = title
    props.author = author or "formgen"
    props.last_modified_by = "formgen"
    props.revision = 1
    props.created = props.modified = fixed_time()
    fit_identifiers(document.docx, samples)
    put_in_order(document.docx.element)
    add_glossary(document.docx)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue())


def template_variables(template: Traversable) -> set[str]:
    """Return the top-level names `template` reads from its context."""
    document = DocxTemplate(io.BytesIO(template.read_bytes()))
    names: set[str] = document.get_undeclared_template_variables(_environment())
    return names
