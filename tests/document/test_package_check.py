"""`formgen package check` says what is wrong in a notice package, at file and line, and runs none of it.

Each test breaks the example package in one way and reads the command's report.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from formgen.cli import app
from formgen.document.package_load import PackageError, check_package, load_package
from tests.packages import write_demo

runner = CliRunner()


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "demo")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def _check(folder: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["package", "check", str(folder)])
    return result.exit_code, " ".join(result.output.split())


def test_a_clean_package_passes(package: Path) -> None:
    assert check_package(package) == []
    code, output = _check(package)
    assert code == 0 and "材料包无误" in output


def test_a_path_used_twice(package: Path) -> None:
    form = package / "forms" / "application.yaml"
    _edit(form, "{path: postcode,", "{path: recommender,")
    code, output = _check(package)
    assert code == 1
    first, second = _line(form, "path: recommender, label: 推荐单位"), _line(form, "label: 邮政编码")
    assert f"forms/application.yaml:{second}: 数据路径 recommender 重复（第{first}行已用）" in output
    assert "is used twice" in output


def test_an_unknown_type(package: Path) -> None:
    form = package / "forms" / "application.yaml"
    _edit(form, "type: postcode", "type: zipcode")
    problems = check_package(package)
    assert [p.where for p in problems] == [f"forms/application.yaml:{_line(form, 'zipcode')}"]
    assert (
        "fields[4].type" in problems[0].zh and "应为以下之一" in problems[0].zh and "'text'" in problems[0].en
    )


def test_a_template_tag_with_no_field_and_a_field_with_no_place(package: Path) -> None:
    form = package / "forms" / "application.yaml"
    _edit(form, "{path: postcode,", "{path: post_code,")
    problems = [str(p) for p in check_package(package)]
    assert any(
        p.startswith("templates/application.docx: 段落") and "{{r postcode }} 没有对应的字段 postcode" in p
        for p in problems
    ), problems
    line = _line(form, "post_code")
    assert f"forms/application.yaml:{line}: 字段 post_code（邮政编码）在模板中没有位置" in " ".join(problems)


def test_an_option_with_no_box(package: Path) -> None:
    form = package / "forms" / "application.yaml"
    _edit(
        form,
        "options: [智能制造, 绿色制造, 工业互联网]",
        "options: [智能制造, 绿色制造, 工业互联网, 数字化转型]",
    )
    (problem,) = check_package(package)
    assert problem.where == f"forms/application.yaml:{_line(form, 'path: fields_of_work')}"
    assert "数字化转型 在模板中没有□" in problem.zh


def test_an_example_that_does_not_validate(package: Path) -> None:
    example = package / "examples" / "application.yaml"
    _edit(example, "postcode: '610041'", "postcode: '61004'")
    (problem,) = check_package(package)
    assert problem.where == f"examples/application.yaml:{_line(example, 'postcode')}"
    assert "邮政编码应为6位数字" in problem.zh and "six digits" in problem.en


def test_a_misspelt_key_is_named_with_the_key_meant(package: Path) -> None:
    notice = package / "notice.yaml"
    _edit(notice, "issuer:", "isuer:")
    problems = [str(p) for p in check_package(package)]
    line = _line(notice, "isuer")
    assert (
        f"notice.yaml:{line}: isuer: 未知字段，是否应为 issuer？ / unknown field; did you mean issuer?"
        in problems
    )


def test_a_packet_naming_an_unknown_form(package: Path) -> None:
    notice = package / "notice.yaml"
    _edit(notice, "forms: [application]\n", "forms: [applicaton]\n")
    code, output = _check(package)
    assert code == 1
    assert (
        f"notice.yaml:{_line(notice, 'applicaton')}: 材料包 applicant 引用了未知的表单 applicaton" in output
    )


def test_jinja_beyond_formgens_tags_refuses_the_template(package: Path) -> None:
    template = package / "templates" / "application.docx"
    with zipfile.ZipFile(template) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    hostile = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"{{r postcode }}", hostile.encode())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    template.write_bytes(buffer.getvalue())
    problems = [str(p) for p in check_package(package)]
    assert any("cycler" in p and "模板只允许这些标签" in p for p in problems), problems
    with pytest.raises(PackageError, match="模板只允许这些标签"):
        load_package(package, trusted=True)


def test_yaml_that_does_not_parse_or_uses_aliases(package: Path) -> None:
    form = package / "forms" / "application.yaml"
    original = form.read_text(encoding="utf-8")
    form.write_text(original.replace("kind: docx", "kind: docx\nbad: [", 1), encoding="utf-8")
    (problem,) = check_package(package)
    assert problem.where.startswith("forms/application.yaml:") and "YAML格式错误" in problem.zh
    form.write_text(original + "extra: &a [1]\nmore: *a\n", encoding="utf-8")
    (problem,) = check_package(package)
    assert problem.where == f"forms/application.yaml:{len(original.splitlines()) + 1}"  # the anchor
    assert "别名" in problem.zh


def test_a_template_that_is_not_what_it_says(package: Path) -> None:
    (package / "templates" / "application.docx").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (problem,) = check_package(package)
    assert problem.where.startswith("forms/application.yaml:") and "模板无法使用" in problem.zh
    assert "PDF" in problem.zh


def test_rules_py_runs_only_from_a_trusted_folder(package: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (package / "rules.py").write_text(
        "from pathlib import Path\n"
        "from formgen.authoring import Rule\n"
        f"Path({str(marker)!r}).write_text('ran')\n"
        "def rules(models):\n"
        "    return [Rule('demo.capital', 'warning', '第三条', '注册资本', 'capital', models['application'])]\n",
        encoding="utf-8",
    )
    assert check_package(package) == [] and not marker.exists()
    assert load_package(package, trusted=False).rules == () and not marker.exists()
    notice = load_package(package, trusted=True)
    assert marker.exists() and [rule.id for rule in notice.rules] == ["demo.capital"]
