"""A notice's rules: each with an id, a severity and the sentence of the notice behind it.

Types, formats and hard limits live in the models (pydantic refuses such data at once).
What a notice asks beyond that — counts, conditions between fields, requirements it softens
with 原则上 — is a `Rule`: a check over one kind of model that reports findings. A rule of
severity ``error`` blocks generation; a ``warning`` is printed and recorded, and blocks only
in strict mode. Rules whose check is the model's own (a field constraint) are listed too,
with no check here, so that `formgen rules` shows the whole rulebook.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from formgen.model.problems import Problem, Severity, label_path

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """What a rule found, at `loc` below the model instance it checked."""

    loc: Loc
    zh: str
    en: str


@dataclass(frozen=True)
class Rule:
    """One requirement of a notice."""

    id: str
    severity: Severity
    source: str
    """The notice's own sentence the rule comes from."""
    zh: str
    en: str
    scope: type[BaseModel]
    """The model the rule checks, wherever it occurs in the data (a report inside a packet too)."""
    check: Callable[[Any], Iterable[Finding]] | None = None
    """None where the model itself enforces the rule (a field constraint)."""

    def finding(self, *loc: str | int) -> Finding:
        """A finding of this rule at `loc`, in the rule's own words."""
        return Finding(tuple(loc), self.zh, self.en)


def walk(instance: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, BaseModel]]:
    """Every model instance inside `instance` (itself first, then depth first in field
    order), with its location.

    A stack, not nested generators: every save's check walks its draft, and each level of
    ``yield from`` handed every part up through all the levels above it."""
    stack: list[tuple[Loc, BaseModel]] = [(loc, instance)]
    while stack:
        here, part = stack.pop()
        yield here, part
        inner: list[tuple[Loc, BaseModel]] = []
        for name in _field_names(type(part)):
            value = getattr(part, name)
            if isinstance(value, BaseModel):
                inner.append(((*here, name), value))
            elif isinstance(value, list):
                inner += [
                    ((*here, name, i), item) for i, item in enumerate(value) if isinstance(item, BaseModel)
                ]
        stack += reversed(inner)


@functools.lru_cache(maxsize=4096)
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def evaluate(
    rules: Sequence[Rule], model: type[BaseModel], instance: BaseModel, *, strict: bool = False
) -> list[Problem]:
    """Run every rule over every matching part of `instance`; return the problems found.

    With `strict`, warnings count as errors. The data as JSON (for the labels of list items
    that name a submitter) is made only once something is found: most checks find nothing.
    """
    problems: list[Problem] = []
    data: Any = None
    applying: dict[type[BaseModel], list[tuple[Rule, Callable[[Any], Iterable[Finding]]]]] = {}
    for loc, part in walk(instance):
        kind = type(part)
        if kind not in applying:
            applying[kind] = [
                (r, r.check) for r in rules if r.check is not None and isinstance(part, r.scope)
            ]
        for rule, check in applying[kind]:
            for found in check(part):
                if data is None:
                    data = instance.model_dump(mode="json")
                path, label = label_path(model, (*loc, *found.loc), data)
                severity: Severity = "error" if strict else rule.severity
                problems.append(Problem(severity, path, label, found.zh, found.en, rule=rule.id))
    return problems
