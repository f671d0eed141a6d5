"""Fill a DOCX template with a render context. The only module that imports docxtpl."""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template

from formgen.document.fitting import fit_identifiers
from formgen.document.ooxml import put_in_order
from formgen.document.package import fixed_time, normalize_zip
from formgen.document.placeholders import add_glossary


class _CompilingOnce(Environment):
    """A Jinja environment that compiles each template source once per process.

    docxtpl hands every part of the document to `from_string` on every render; the source is
    the template's own XML (the data arrives in the context, never in the source), so a form
    rendered for thousands of submitters is compiled once, not thousands of times: a fifth of
    a 附件3's rendering time.
    """

    _KEEP = 256

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}
        self._lock = threading.Lock()

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            compiled = self._compiled.get(source)
        if compiled is None:
            compiled = super().from_string(source)
            with self._lock:
                if len(self._compiled) >= self._KEEP:
                    self._compiled.clear()
                self._compiled[source] = compiled
        return compiled


# Autoescape keeps user text data; StrictUndefined turns a template name the model lacks into
# an error instead of an empty cell.
_ENVIRONMENT = _CompilingOnce(autoescape=True, undefined=StrictUndefined)


def _environment() -> Environment:
    return _ENVIRONMENT


@functools.lru_cache(maxsize=64)
def _patched(xml: str) -> str:
    return str(DocxTemplate.patch_xml(None, xml))


class _Template(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template, with its clean-up of the template XML done once per source (it is a
    function of the XML alone: a dozen regular expressions over the whole part), and its
    listing pass only where there is something for it to do."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's pass that turns tabs, line feeds, BEL and form feeds in text into Word's
        tabs, breaks, paragraphs and pages: three nested regular expressions over every
        paragraph, run and text of the part, a fifth of a form's rendering. Where the rendered
        part holds none of those characters (formgen writes its own breaks, `wordml`) there is
        nothing for it to do."""
        if not any(character in xml for character in _LISTING_CHARACTERS):
            return xml
        return str(super().resolve_listing(xml))


_LISTING_CHARACTERS = "\t\a\n\f"


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
    document = _Template(io.BytesIO(template.read_bytes()))
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
