"""The rulebook of 川经信办函〔2023〕110号: each rule with a passing and a failing case."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from formgen.workflows import rulebook
from tests.conftest import example_data

ANNEX3 = "sichuan-2023-110.annex3"
CITY = "sichuan-2023-110.city"
ROOT = Path(__file__).resolve().parents[2]

Edit = Callable[[dict[str, Any]], None]


def _rule_ids(item_id: str, data: dict[str, Any], *, strict: bool = False) -> dict[str, str]:
    """rule id -> severity of every problem found."""
    return {p.rule or p.path: p.severity for p in formgen.check(item_id, data, strict=strict).problems}


def _edited(item_id: str, edit: Edit) -> dict[str, Any]:
    data = copy.deepcopy(example_data(item_id))
    edit(data)
    return data


def _set(path: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value

    return edit


# (rule id, severity, item, edit that breaks it)
CASES: list[tuple[str, str, str, Edit]] = [
    ("sichuan-2023-110.provider.team-size", "warning", ANNEX3, _set("profile.team_size", 14)),
    (
        "sichuan-2023-110.provider.cooperating-experts",
        "warning",
        ANNEX3,
        _set("profile.cooperating_experts", 9),
    ),
    ("sichuan-2023-110.provider.typical-cases", "error", ANNEX3, lambda d: d["profile"]["cases"].pop()),
    ("sichuan-2023-110.provider.team-within-staff", "warning", ANNEX3, _set("profile.employees", 40)),
    (
        "sichuan-2023-110.provider.qualification-level",
        "error",
        ANNEX3,
        lambda d: d["profile"]["qualifications"][0].pop("detail"),
    ),
    ("sichuan-2023-110.enterprise.above-scale", "warning", CITY, _set("enterprises.2.revenue_2022", 1999.99)),
    (
        "sichuan-2023-110.enterprise.region-in-sichuan",
        "error",
        CITY,
        _set("enterprises.0.region", "重庆市渝北区"),
    ),
    (
        "sichuan-2023-110.city.unique-credit-codes",
        "error",
        CITY,
        lambda d: d["enterprises"][1].update(credit_code=d["enterprises"][0]["credit_code"]),
    ),
    ("sichuan-2023-110.city.deadline", "warning", CITY, _set("providers.1.pledge.date", "2023-05-12")),
    (
        "sichuan-2023-110.enterprise.region-in-sichuan",
        "error",
        CITY,
        _set("enterprises.0.region", "成都市西区"),
    ),
]


@pytest.mark.parametrize(("rule_id", "severity", "item_id", "edit"), CASES)
def test_rule_passes_the_example_and_fails_its_breach(
    rule_id: str, severity: str, item_id: str, edit: Edit
) -> None:
    assert rule_id not in _rule_ids(item_id, example_data(item_id))
    assert _rule_ids(item_id, _edited(item_id, edit)).get(rule_id) == severity


def test_every_checked_rule_has_a_case() -> None:
    notice = formgen.registry().notices["sichuan-2023-110"]
    checked = {r.id for r in notice.rules if r.check is not None}
    assert checked == {c[0] for c in CASES}


# Rules the models enforce: (rule id, item, edit that breaks it, data path of the error)
MODEL_CASES: list[tuple[str, str, Edit, str]] = [
    ("sichuan-2023-110.provider.directions", ANNEX3, _set("directions", []), "directions"),
    (
        "sichuan-2023-110.provider.registered-in-sichuan",
        ANNEX3,
        _set("profile.region.city", "重庆市"),
        "profile.region.city",
    ),
    (
        "sichuan-2023-110.provider.self-assessment-200",
        ANNEX3,
        _set("self_assessment", "字" * 201),
        "self_assessment",
    ),
    ("sichuan-2023-110.provider.intro-500", ANNEX3, _set("body.intro", "字" * 501), "body.intro"),
    (
        "sichuan-2023-110.provider.nature-one",
        ANNEX3,
        _set("profile.nature", ["国有", "民营"]),
        "profile.nature",
    ),
    ("sichuan-2023-110.provider.industries", ANNEX3, _set("profile.industries", []), "profile.industries"),
    (
        "sichuan-2023-110.enterprise.industry",
        CITY,
        _set("enterprises.0.industry", "钢"),
        "enterprises[0].industry",
    ),
    (
        "sichuan-2023-110.enterprise.energy-non-negative",
        CITY,
        _set("enterprises.0.energy_2022", -0.1),
        "enterprises[0].energy_2022",
    ),
    (
        "sichuan-2023-110.provider.registered-in-sichuan",
        ANNEX3,
        _set("profile.region.county", "东区"),
        "profile.region",
    ),
    (
        "sichuan-2023-110.provider.registered-in-sichuan",
        ANNEX3,
        _set("profile.registration", "外省法人"),
        "profile.registration",
    ),
    (
        "sichuan-2023-110.enterprise.equipment-quantity",
        "sichuan-2023-110.enterprise",
        lambda d: d["materials"]["equipment"][0].update(quantity=0),
        "materials.equipment[0].quantity",
    ),
    (
        "sichuan-2023-110.enterprise.equipment-quantity",
        "sichuan-2023-110.enterprise",
        lambda d: d["materials"]["equipment"][1].update(quantity=1.5),
        "materials.equipment[1].quantity",
    ),
]


@pytest.mark.parametrize(("rule_id", "item_id", "edit", "path"), MODEL_CASES)
def test_model_rule_refuses_its_breach(rule_id: str, item_id: str, edit: Edit, path: str) -> None:
    assert formgen.check(item_id, example_data(item_id)).ok
    problems = formgen.check(item_id, _edited(item_id, edit)).problems
    assert path in {p.path for p in problems if p.severity == "error"}, [str(p) for p in problems]


def test_every_model_rule_has_a_case() -> None:
    notice = formgen.registry().notices["sichuan-2023-110"]
    assert {r.id for r in notice.rules if r.check is None} == {c[0] for c in MODEL_CASES}


def test_strict_turns_warnings_into_errors() -> None:
    data = _edited(ANNEX3, _set("profile.team_size", 14))
    assert formgen.check(ANNEX3, data).ok
    assert not formgen.check(ANNEX3, data, strict=True).ok


def test_warnings_are_printed_and_the_form_is_written(tmp_path: Path) -> None:
    data = tmp_path / "report.yaml"
    data.write_text(formgen.example_text(ANNEX3).replace("team_size: 62", "team_size: 14"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", ANNEX3, str(data)])
    assert result.exit_code == 0 and "team_size" in result.output and "warning" in result.output
    strict = CliRunner().invoke(app, ["fill", ANNEX3, str(data), "--out", str(tmp_path / "o"), "--strict"])
    assert strict.exit_code == 1 and not (tmp_path / "o").exists()


def test_rules_command_lists_ids_severities_and_sources() -> None:
    result = CliRunner().invoke(app, ["rules", "sichuan-2023-110", "--markdown"])
    assert result.exit_code == 0
    assert "`sichuan-2023-110.provider.team-size` | warning" in result.output
    assert "固定人员数量原则上不少于15人" in result.output
    assert CliRunner().invoke(app, ["rules", "no-such-notice"]).exit_code == 2


def test_docs_rules_md_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rulebook.markdown(), "run `python -m formgen.workflows.rulebook > docs/rules.md`"
