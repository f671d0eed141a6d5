"""The rulebook of 渝经信节能〔2023〕1号: each rule with a passing and a failing case."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

import formgen
from tests.conftest import example_data

ANNEX2 = "chongqing-2023-1.annex2"
DISTRICT = "chongqing-2023-1.district"
Edit = Callable[[dict[str, Any]], None]


def _edited(item_id: str, edit: Edit) -> dict[str, Any]:
    data = copy.deepcopy(example_data(item_id))
    edit(data)
    return data


def _rules(item_id: str, data: dict[str, Any]) -> dict[str, str]:
    return {p.rule: p.severity for p in formgen.check(item_id, data).problems if p.rule}


def _long_body(data: dict[str, Any]) -> None:
    data["report"]["schedule"] = "字" * 6001


CASES: list[tuple[str, str, str, Edit]] = [
    (
        "chongqing-2023-1.platform.registered-in-chongqing",
        "error",
        ANNEX2,
        lambda d: d["unit"].update(address="四川省成都市武侯区天府大道1号"),
    ),
    (
        "chongqing-2023-1.platform.four-targets",
        "error",
        ANNEX2,
        lambda d: d["platform"].update(targets=["智慧能源优化管控服务", "优化能源供给", "市级绿色项目支持"]),
    ),
    (
        "chongqing-2023-1.platform.first-two-targets",
        "error",
        ANNEX2,
        lambda d: d["platform"].update(
            targets=["优化能源供给", "绿色生产水平诊断评估", "市级绿色项目支持", "绿色技术产品推广"]
        ),
    ),
    ("chongqing-2023-1.platform.body-6000", "warning", ANNEX2, _long_body),
    (
        "chongqing-2023-1.district.unique-codes",
        "error",
        DISTRICT,
        lambda d: d["applicants"][2]["unit"].update(code=d["applicants"][0]["unit"]["code"]),
    ),
    ("chongqing-2023-1.district.deadline", "warning", ANNEX2, lambda d: d.update(applied_on="2023-02-18")),
]


@pytest.mark.parametrize(("rule_id", "severity", "item_id", "edit"), CASES, ids=[c[0] for c in CASES])
def test_rule_passes_the_example_and_fails_its_breach(
    rule_id: str, severity: str, item_id: str, edit: Edit
) -> None:
    assert rule_id not in _rules(item_id, example_data(item_id))
    assert _rules(item_id, _edited(item_id, edit)).get(rule_id) == severity


def test_every_checked_rule_has_a_case() -> None:
    notice = formgen.registry().notices["chongqing-2023-1"]
    assert {r.id for r in notice.rules if r.check is not None} == {c[0] for c in CASES}


MODEL_CASES: list[tuple[str, Edit, str]] = [
    (
        "chongqing-2023-1.platform.consortium",
        lambda d: d["members"].extend(
            [dict(d["members"][0], unit_name="甲研究院"), dict(d["members"][0], unit_name="乙研究院")]
        ),
        "",
    ),
    ("chongqing-2023-1.platform.intro-500", lambda d: d.update(intro="字" * 501), "intro"),
    (
        "chongqing-2023-1.platform.summary-1000",
        lambda d: d["platform"].update(summary="字" * 1001),
        "platform.summary",
    ),
    ("chongqing-2023-1.platform.nature-one", lambda d: d["unit"].update(nature="其他"), "unit"),
    ("chongqing-2023-1.platform.listed-yes-no", lambda d: d["unit"].update(listed="不确定"), "unit.listed"),
    (
        "chongqing-2023-1.platform.kpi-values",
        lambda d: d["kpis"]["diagnosis"].update(stage1=-1),
        "kpis.diagnosis.stage1",
    ),
    ("chongqing-2023-1.platform.org-code", lambda d: d["unit"].update(code="45038127-6"), "unit.code"),
]


@pytest.mark.parametrize(("rule_id", "edit", "path"), MODEL_CASES, ids=[c[0] for c in MODEL_CASES])
def test_model_rule_refuses_its_breach(rule_id: str, edit: Edit, path: str) -> None:
    problems = formgen.check(ANNEX2, _edited(ANNEX2, edit)).problems
    assert path in {p.path for p in problems if p.severity == "error"}, [str(p) for p in problems]


def test_every_model_rule_has_a_case() -> None:
    notice = formgen.registry().notices["chongqing-2023-1"]
    assert {r.id for r in notice.rules if r.check is None} == {c[0] for c in MODEL_CASES}


def test_a_credit_code_with_a_wrong_check_character_is_an_error_of_its_field() -> None:
    data = copy.deepcopy(example_data(ANNEX2))
    code = data["unit"]["code"]
    data["unit"]["code"] = code[:17] + ("0" if code[17] != "0" else "1")
    checked = formgen.check(ANNEX2, data)
    assert not checked.ok
    (problem,) = checked.problems
    assert (problem.severity, problem.path) == ("error", "unit.code")
    assert problem.message_zh.startswith("统一社会信用代码校验位应为")
