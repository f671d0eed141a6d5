"""A notice's rules: each with an id, a severity and the sentence of the notice behind it.

Types, formats and hard limits live in the models (pydantic refuses such data at once).
What a notice asks beyond that — counts, conditions between fields, requirements it softens
with 原则上 — is a `Rule`: a check over one kind of model that reports findings. A rule of
severity ``error`` blocks generation; a ``warning`` is printed and recorded, and blocks only
in strict mode. Rules whose check is the model's own (a field constraint) are listed too,
with no check here, so that `formgen rules` shows the whole rulebook.
"""

from __future__ import annotations

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
    """Every model instance inside `instance` (itself first), with its location."""
    yield loc, instance
    for name in type(instance).model_fields:
        value = getattr(instance, name)
        if isinstance(value, BaseModel):
            yield from walk(value, (*loc, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from walk(item, (*loc, name, index))


def evaluate(
    rules: Sequence[Rule], model: type[BaseModel], instance: BaseModel, *, strict: bool = False
) -> list[Problem]:
    """Run every rule over every matching part of `instance`; return the problems found.

    With `strict`, warnings count as errors.
    """
    problems: list[Problem] = []
    data = instance.model_dump(mode="json")
    for loc, part in walk(instance):
        for rule in rules:
            if rule.check is None or not isinstance(part, rule.scope):
                continue
            for found in rule.check(part):
                path, label = label_path(model, (*loc, *found.loc), data)
                severity: Severity = "error" if strict else rule.severity
                problems.append(Problem(severity, path, label, found.zh, found.en, rule=rule.id))
    return problems
