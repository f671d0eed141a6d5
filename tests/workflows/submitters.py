"""Submitters for batch tests: the shipped examples, each under its own name and code."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from formgen import api
from formgen.model.checks import uscc_check_character
from tests.conftest import example_data

ENTERPRISE = "sichuan-2023-110.enterprise"
PROVIDER = "sichuan-2023-110.provider"


def code(n: int) -> str:
    """The n-th valid 统一社会信用代码."""
    body = f"91510600M{n:05d}K3X"
    return body + uscc_check_character(body)


def enterprise(n: int, region: str = "德阳市旌阳区") -> dict[str, Any]:
    """The example enterprise, renamed and recoded as the n-th one."""
    data = copy.deepcopy(example_data(ENTERPRISE))
    data["application"].update(unit_name=f"德阳第{n}机械有限公司", credit_code=code(n), region=region)
    return data


def provider(n: int, city: str, county: str) -> dict[str, Any]:
    """The example provider, renamed, recoded and placed in `city`."""
    data = copy.deepcopy(example_data(PROVIDER))
    profile = data["report"]["profile"]
    profile.update(unit_name=f"{city}第{n}服务公司", credit_code=code(n))
    profile["region"] = {"city": city, "county": county}
    return data


def write_folder(folder: Path, packet_id: str, submitters: list[dict[str, Any]]) -> Path:
    """Write one YAML file per submitter (and the example's attachment files) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    api.write_example(packet_id, folder)
    (folder / f"{packet_id}.yaml").unlink()
    for n, data in enumerate(submitters):
        (folder / f"s{n:03d}.yaml").write_text(
            yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True), encoding="utf-8"
        )
    return folder
