"""Shared fixtures: generated documents are made once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import formgen
from formgen.pdf import convert
from tests.documents import Made
from tests.packages import write_demo

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


CHONGQING_FORMS = ("chongqing-2023-1.notice", "chongqing-2023-1.annex2")


@pytest.fixture(scope="session")
def chongqing_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Made]:
    """Chongqing's notice and 附件2, blank and filled, their four PDFs made by one LibreOffice call."""
    return _made(CHONGQING_FORMS, tmp_path_factory.mktemp("chongqing"))


def _made(form_ids: tuple[str, ...], folder: Path) -> dict[str, Made]:
    """Each form blank and filled from its example, and all their PDFs from one LibreOffice call."""
    blanks = formgen.blank(form_ids, folder)
    filled = [folder / f"{form_id}.filled.docx" for form_id in form_ids]
    for form_id, target in zip(form_ids, filled, strict=True):
        target.write_bytes(_filled_bytes(form_id))
    pdfs = convert.to_pdf([*blanks, *filled], folder)
    n = len(form_ids)
    return {form_id: Made(blanks[i], filled[i], pdfs[i], pdfs[n + i]) for i, form_id in enumerate(form_ids)}


def _filled_bytes(form_id: str) -> bytes:
    checked = formgen.check(form_id, example_data(form_id))
    assert checked.ok and checked.instance is not None, checked.problems
    return formgen.render_filled(form_id, checked.instance)


SICHUAN_TEXTS = ("sichuan-2023-110.notice", "sichuan-2023-110.annex1", "sichuan-2023-110.annex4")


@pytest.fixture(scope="session")
def sichuan_texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Made]:
    """The notice, 附件1 and 附件4, blank and filled, their six PDFs made by one LibreOffice call."""
    return _made(SICHUAN_TEXTS, tmp_path_factory.mktemp("sichuan-texts"))


@pytest.fixture
def demo_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example notice package (tests/packages.py), served through FORMGEN_NOTICES."""
    folder = write_demo(tmp_path / "demo")
    monkeypatch.setenv("FORMGEN_NOTICES", str(folder))
    formgen.api.registry.cache_clear()
    yield folder
    monkeypatch.delenv("FORMGEN_NOTICES")
    formgen.api.registry.cache_clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/*.txt from the documents as they are now.",
    )
    parser.addoption(
        "--update-pictures",
        action="store_true",
        default=False,
        help="Rewrite tests/pictures/*.png from the pages as they are now.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def update_pictures(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-pictures"))
