"""Shared fixtures: generated documents are made once per test session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import formgen

ANNEX3 = "sichuan-2023-110.annex3"


def example_data(form_id: str) -> dict[str, Any]:
    """The form's shipped example, parsed."""
    data: dict[str, Any] = yaml.safe_load(formgen.example_text(form_id))
    return data


@pytest.fixture(scope="session")
def annex3_example() -> dict[str, Any]:
    return example_data(ANNEX3)


@pytest.fixture(scope="session")
def annex3_blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    (path,) = formgen.blank([ANNEX3], tmp_path_factory.mktemp("blank"))
    return path


@pytest.fixture(scope="session")
def annex3_filled(
    tmp_path_factory: pytest.TempPathFactory, annex3_example: dict[str, Any]
) -> tuple[Path, Path]:
    """The filled example as DOCX and PDF (through LibreOffice)."""
    docx, pdf = formgen.fill(ANNEX3, annex3_example, tmp_path_factory.mktemp("filled"), pdf=True)
    return docx, pdf
