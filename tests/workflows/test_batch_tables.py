"""A batch writes the bureaus' summary tables, as their packets would build them."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from formgen import api, cli
from formgen.workflows import batch
from formgen.workflows.batch.tables import Tables
from tests.conftest import example_data
from tests.workflows.submitters import ENTERPRISE, PROVIDER, enterprise, provider, write_folder

PLATFORM = "chongqing-2023-1.platform"


def _texts(path: Path) -> set[str]:
    sheet = openpyxl.load_workbook(path).active
    return {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}


def _table(out: Path, group: str, form_id: str) -> Path:
    (found,) = out.glob(f"tables/{group}-*/{form_id}.xlsx")
    return found


@pytest.mark.pdf
def test_a_provider_batch_writes_each_citys_table_and_the_provinces(tmp_path: Path) -> None:
    providers = [
        provider(1, "成都市", "武侯区"),
        provider(2, "德阳市", "旌阳区"),
        provider(3, "成都市", "金牛区"),
    ]
    source = write_folder(tmp_path / "in", PROVIDER, providers)
    bad = provider(4, "成都市", "武侯区")
    bad["report"]["profile"]["credit_code"] = "123"
    (source / "z-bad.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    outcomes = batch.run(PROVIDER, source, out, workers=1)
    assert [o.status for o in outcomes] == ["ok", "ok", "ok", "invalid"]
    form = "sichuan-2023-110.annex2"
    chengdu, deyang = _texts(_table(out, "成都市", form)), _texts(_table(out, "德阳市", form))
    province = _texts(_table(out, "四川省", form))
    assert {"成都市第1服务公司", "成都市第3服务公司"} <= chengdu and "德阳市第2服务公司" not in chengdu
    assert "德阳市第2服务公司" in deyang and "成都市第1服务公司" not in deyang
    assert {"成都市第1服务公司", "德阳市第2服务公司", "成都市第3服务公司"} <= province
    assert not any("第4服务公司" in text for text in province), "an invalid submitter has no row"


def test_each_districts_table_lists_its_own_applicants(tmp_path: Path) -> None:
    packet = api.registry().packet(PLATFORM)
    tables = Tables(packet.batch_tables)
    names = []
    for n, recommender in enumerate(
        ["渝北区经济和信息化委员会", "江北区经济和信息化委员会", "渝北区经济和信息化委员会"]
    ):
        data = example_data(PLATFORM)
        data["application"]["recommender"] = recommender
        data["application"]["unit"]["unit_name"] = f"第{n}平台公司"
        checked = api.check(PLATFORM, data)
        assert checked.instance is not None, checked.problems
        tables.rows_of(checked.instance)
        names.append(f"第{n}平台公司")
    tables.write(tmp_path)
    yubei = _texts(_table(tmp_path, "渝北区经济和信息化委员会", "chongqing-2023-1.annex1"))
    jiangbei = _texts(_table(tmp_path, "江北区经济和信息化委员会", "chongqing-2023-1.annex1"))
    assert {names[0], names[2]} <= yubei and names[1] not in yubei
    assert names[1] in jiangbei and any("江北区" in text for text in jiangbei)


@pytest.mark.pdf
def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = enterprise(2)
    bad["application"]["credit_code"] = "123"
    source = write_folder(tmp_path / "in", ENTERPRISE, [enterprise(1), bad])
    screen = io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=screen, force_terminal=True, width=160))
    result = CliRunner().invoke(cli.app, ["batch", ENTERPRISE, str(source), "--out", str(tmp_path / "a")])
    assert result.exit_code == 1
    shown = screen.getvalue()
    assert "formgen batch" in shown and "2/2" in shown
    assert "1 done" in shown and "1 failed" in shown and "/min" in shown
    assert "invalid" in shown and "s001.yaml" in shown, "a failure is printed above the bar"

    plain = io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=plain, force_terminal=False, width=160))
    result = CliRunner().invoke(cli.app, ["batch", ENTERPRISE, str(source), "--out", str(tmp_path / "a")])
    lines = plain.getvalue().splitlines()
    assert lines[0].startswith("skipped") and "s000.yaml" in lines[0]
    assert lines[1].startswith("invalid") and "s001.yaml" in lines[1]
    assert "\x1b[" not in plain.getvalue(), "no bar and no colours in a log"
