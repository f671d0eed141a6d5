"""Bad input gets a clear bilingual error naming the field, and nothing is written."""

from __future__ import annotations

import copy
import random
import unicodedata
from pathlib import Path
from typing import Any

import pytest

import formgen
from formgen.data.loading import DataFileError, load_file
from formgen.model.checks import (
    check_credit_code,
    check_email,
    check_mobile,
    check_phone,
    uscc_check_character,
)
from formgen.model.textcount import SEEN_RANGES, reader_length

ANNEX3 = "sichuan-2023-110.annex3"


def _problems(data: dict[str, Any]) -> dict[str, str]:
    checked = formgen.check(ANNEX3, data)
    assert not checked.ok
    return {p.path: f"{p.label}|{p.message_zh}|{p.message_en}" for p in checked.problems}


def _with(example: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(example)
    target = data
    *parents, last = path.split(".")
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


def test_missing_field_names_path_and_label(annex3_example: dict[str, Any]) -> None:
    problems = _problems(_with(annex3_example, "profile.legal_representative", ...))
    assert problems == {
        "profile.legal_representative": "基本情况表 › 法定代表人|缺少必填项|this field is required"
    }


def test_bad_mobile_and_email(annex3_example: dict[str, Any]) -> None:
    data = _with(annex3_example, "profile.contact.mobile", "1398123456")
    data = _with(data, "profile.contact.email", "not-an-email")
    problems = _problems(data)
    assert "11位" in problems["profile.contact.mobile"] and "11 digits" in problems["profile.contact.mobile"]
    assert problems["profile.contact.mobile"].startswith("基本情况表 › 联系人 › 手机|")
    assert "电子邮箱" in problems["profile.contact.email"]


def test_negative_amount_and_three_decimals(annex3_example: dict[str, Any]) -> None:
    data = _with(annex3_example, "profile.revenue.y2022", -1)
    data = _with(data, "profile.registered_capital", "12.345")
    problems = _problems(data)
    assert "不能小于0" in problems["profile.revenue.y2022"]
    assert "两位小数" in problems["profile.registered_capital"]


def test_unknown_key_suggests_the_nearest(annex3_example: dict[str, Any]) -> None:
    data = copy.deepcopy(annex3_example)
    data["profile"]["unit_nme"] = data["profile"].pop("unit_name")
    problems = _problems(data)
    assert "unit_name" in problems["profile.unit_nme"]
    assert "did you mean unit_name?" in problems["profile.unit_nme"]


def test_enum_lists_its_options(annex3_example: dict[str, Any]) -> None:
    problems = _problems(_with(annex3_example, "profile.nature", "集体"))
    assert "国有" in problems["profile.nature"] and "民营" in problems["profile.nature"]


def test_list_item_path(annex3_example: dict[str, Any]) -> None:
    data = copy.deepcopy(annex3_example)
    data["profile"]["products"][1]["name"] = ""
    problems = _problems(data)
    assert problems["profile.products[1].name"].startswith(
        "基本情况表 › 所选申报方向提供的主要服务或产品 › 第2项 › 主要服务或产品名称|"
    )


@pytest.mark.parametrize("bad", ["成都\x07公司", "成都\x00公司", "成都\ud800公司"])
def test_control_characters_and_surrogates_are_named_with_position(
    bad: str, annex3_example: dict[str, Any], tmp_path: Path
) -> None:
    data = _with(annex3_example, "profile.unit_name", bad)
    problems = _problems(data)
    assert "第3个字符" in problems["profile.unit_name"] and "character 3" in problems["profile.unit_name"]
    with pytest.raises(formgen.InvalidDataError):
        formgen.fill(ANNEX3, data, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_text_limit_counts_as_a_reader(annex3_example: dict[str, Any]) -> None:
    ok = _with(annex3_example, "body.intro", "字" * 500 + "\n" + "  ")
    assert formgen.check(ANNEX3, ok).ok
    problems = _problems(_with(annex3_example, "body.intro", "𠀀" * 501))
    assert "不超过500字，现有501字" in problems["body.intro"]


def test_reader_length() -> None:
    assert reader_length("四川 省\n技术") == 5
    assert reader_length("𠀀😀ab") == 4
    assert reader_length("甲\u200b乙\ufeff，\u3000丙。") == 5  # zero-width space, BOM, ideographic space
    assert reader_length("e\u0301") == 1  # é as two code points is one character once composed


def _one_by_one(text: str) -> int:
    """The rule itself: every character but white space and format controls, once composed."""
    return sum(
        1
        for ch in unicodedata.normalize("NFC", text)
        if not ch.isspace() and unicodedata.category(ch) != "Cf"
    )


def test_the_characters_counted_at_once_all_follow_the_rule() -> None:
    for first, last in SEEN_RANGES:
        for code in range(ord(first), ord(last) + 1):
            ch = chr(code)
            assert not ch.isspace() and unicodedata.category(ch) != "Cf", f"U+{code:04X}"


def test_reader_length_counts_as_one_by_one() -> None:
    rng = random.Random(20261207)
    pool = "四川省技术改造 \t\n\u3000\u200b\u00ad\ufeff，。、“”…‰abc123😀𠀀e\u0301\u2028\u00a0"
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 40)))
        assert reader_length(text) == _one_by_one(text), repr(text)


def test_other_needs_its_text(annex3_example: dict[str, Any]) -> None:
    data = _with(annex3_example, "profile.industries_other", ...)
    problems = _problems(data)
    assert any("其他" in message for message in problems.values())


def test_credit_codes() -> None:
    check_credit_code("91510107MA62L3R5XE")
    body = "N1510107MA62L3R5X"  # a letter for the registration authority is legal
    check_credit_code(body + uscc_check_character(body))
    with pytest.raises(ValueError, match="18位"):
        check_credit_code("91510107MA62L3R5X")
    with pytest.raises(ValueError, match="18位"):
        check_credit_code("91510107MA62L3R5XI")  # I is not in the alphabet
    with pytest.raises(ValueError, match="校验位应为 E"):
        check_credit_code("91510107MA62L3R5X0")


def test_phones_and_email() -> None:
    check_mobile("13981234567")
    check_phone("028-86263273")
    check_phone("02886263273")
    check_phone("023-6789012-801")
    check_phone("13981234567")
    check_email("a.b@example.cn")
    for bad, check in (("2398123456", check_mobile), ("86263273", check_phone), ("a@b", check_email)):
        with pytest.raises(ValueError):
            check(bad)


def test_yaml_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("directions: [安全诊断服务商\nprofile: {\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad\.yaml:\d+:\d+"):
        load_file(path)


def test_json_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "directions": [1,\n}', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad\.json:3:1"):
        load_file(path)


def test_gb18030_file_is_read_not_garbled(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("recommender: 成都市经济和信息化局\n".encode("gb18030"))
    loaded = load_file(path)
    assert loaded.encoding == "gb18030"
    assert loaded.data == {"recommender": "成都市经济和信息化局"}


def test_bureau_packet_problems_are_listed_under_each_submitter() -> None:
    data = formgen.example_data("sichuan-2023-110.city")
    data["providers"][1]["profile"]["contact"]["mobile"] = "12"
    (problem,) = formgen.check("sichuan-2023-110.city", data).problems
    assert problem.path == "providers[1].profile.contact.mobile"
    assert problem.label.startswith("服务商申请报告 › 第2项（成都青绿环境科技有限公司） › 基本情况表")


def test_rule_findings_name_the_submitter_too() -> None:
    data = formgen.example_data("sichuan-2023-110.city")
    data["providers"][2]["profile"]["team_size"] = 3
    (problem,) = formgen.check("sichuan-2023-110.city", data).problems
    assert problem.severity == "warning" and problem.rule == "sichuan-2023-110.provider.team-size"
    assert "第3项（四川天府中小企业服务中心有限公司）" in problem.label
