"""A batch split over a scheduler's tasks: shards are disjoint, together complete, and join."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from formgen.cli import app
from formgen.workflows import batch
from formgen.workflows.batch.shards import place
from tests.workflows.submitters import ENTERPRISE, code, enterprise, write_folder

pytestmark = pytest.mark.pdf
FORMGEN = str(Path(sys.executable).with_name("formgen"))
SHARDS = 3
VARIABLES = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"]


def _submitters() -> list[dict[str, object]]:
    """Three valid enterprises in two cities, and six whose data is invalid (made quickly)."""
    valid = [enterprise(0, "德阳市旌阳区"), enterprise(1, "成都市青白江区"), enterprise(2, "德阳市广汉市")]
    invalid = []
    for n in range(3, 9):
        data = enterprise(n)
        data["application"]["revenue_2022"] = "很多"
        invalid.append(data)
    return valid + invalid


def _report(folder: Path) -> list[dict[str, object]]:
    return [
        json.loads(line) for line in (folder / "batch-report.jsonl").read_text(encoding="utf-8").splitlines()
    ]


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The batch run as three local processes, each told its index as a scheduler would."""
    work = tmp_path_factory.mktemp("shards")
    source = write_folder(work / "in", ENTERPRISE, _submitters())
    outs = [work / f"out{k}" for k in range(SHARDS)]
    procs = []
    for k, (variable, out) in enumerate(zip(VARIABLES, outs, strict=True)):
        env = {name: value for name, value in os.environ.items() if name not in VARIABLES}
        env[variable] = str(k)
        command = [FORMGEN, "batch", ENTERPRISE, str(source), "--out", str(out), "--shard", f"auto/{SHARDS}"]
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for proc in procs:
        output, _ = proc.communicate(timeout=600)
        assert proc.returncode in (0, 1), output.decode()  # 1: some submitters are invalid
    return source, outs


def test_shards_are_disjoint_and_together_complete(shards: tuple[Path, list[Path]]) -> None:
    source, outs = shards
    taken = [{str(r["source"]) for r in _report(out)} for out in outs]
    every = {p.name for p in source.glob("*.yaml")}
    assert set().union(*taken) == every
    assert sum(len(t) for t in taken) == len(every), "no submitter is in two shards"
    assert sum(1 for t in taken if t) >= 2, "the submitters are spread over the shards"
    for out in outs:
        for record in _report(out):
            assert (record["status"] == "ok") == bool(record["output"])
            if record["output"]:
                assert (out / str(record["output"])).read_bytes().startswith(b"%PDF-")


def test_a_submitter_keeps_its_shard_whatever_its_place_in_the_input() -> None:
    one = batch.Submission("a.yaml", enterprise(5))
    renamed = batch.Submission("zz-moved.yaml", enterprise(5))
    assert place(one, "application.credit_code", 7) == place(renamed, "application.credit_code", 7)
    spread = {
        place(batch.Submission("x", {"application": {"credit_code": code(n)}}), "application.credit_code", 4)
        for n in range(40)
    }
    assert spread == {0, 1, 2, 3}


def test_batch_merge_joins_reports_and_tables(shards: tuple[Path, list[Path]], tmp_path: Path) -> None:
    source, outs = shards
    joined = tmp_path / "joined"
    result = CliRunner().invoke(app, ["batch-merge", *map(str, outs), "--out", str(joined)])
    assert result.exit_code == 0, result.output
    report = json.loads((joined / "batch-report.json").read_text(encoding="utf-8"))
    assert [r["source"] for r in report] == sorted(p.name for p in source.glob("*.yaml"))
    assert [r["status"] for r in report] == ["ok"] * 3 + ["invalid"] * 6
    for record in report[:3]:
        assert (joined / record["output"]).is_file()
    province = openpyxl.load_workbook(next(joined.glob("tables/四川省-*/sichuan-2023-110.annex5.xlsx")))
    names = {c.value for row in province.active.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"德阳第0机械有限公司", "德阳第1机械有限公司", "德阳第2机械有限公司"} <= names
    deyang = openpyxl.load_workbook(next(joined.glob("tables/德阳市-*/sichuan-2023-110.annex5.xlsx")))
    names = {c.value for row in deyang.active.iter_rows() for c in row if isinstance(c.value, str)}
    assert "德阳第0机械有限公司" in names and "德阳第2机械有限公司" in names
    assert "德阳第1机械有限公司" not in names, "an enterprise of 成都市 is not in 德阳市's table"


def test_batch_merge_refuses_shards_that_are_not_one_batch(
    shards: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    _source, outs = shards
    other_source = write_folder(tmp_path / "other", ENTERPRISE, _submitters()[3:])
    other = tmp_path / "other-out"
    batch.run(ENTERPRISE, other_source, other, shard=batch.Shard(0, SHARDS))
    runner = CliRunner()
    refused = runner.invoke(
        app, ["batch-merge", str(other), *map(str, outs[1:]), "--out", str(tmp_path / "j")]
    )
    assert refused.exit_code == 2 and "input" in refused.output
    twice = runner.invoke(
        app, ["batch-merge", str(outs[0]), str(outs[0]), str(outs[1]), "--out", str(tmp_path / "j")]
    )
    assert twice.exit_code == 2 and "twice" in twice.output
    missing = runner.invoke(app, ["batch-merge", *map(str, outs[:2]), "--out", str(tmp_path / "j")])
    assert missing.exit_code == 2 and f"2/{SHARDS}" in missing.output
    assert not (tmp_path / "j" / "batch-report.json").exists()


def test_shard_values_and_the_scheduler_variables() -> None:
    assert batch.parse_shard("2/5") == batch.Shard(2, 5)
    assert batch.parse_shard("auto/4", {"SLURM_ARRAY_TASK_ID": "3"}) == batch.Shard(3, 4)
    assert batch.parse_shard("auto/4", {"JOB_COMPLETION_INDEX": "0"}) == batch.Shard(0, 4)
    for bad, env in (("5/5", {}), ("auto/2", {}), ("x/2", {}), ("auto/2", {"SLURM_ARRAY_TASK_ID": "a"})):
        with pytest.raises(batch.ShardError):
            batch.parse_shard(bad, env)
