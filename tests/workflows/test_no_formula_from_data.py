"""No value from an applicant becomes a formula in any spreadsheet formgen writes (issue 17 item 1).

The payloads of `tests.formulas` go through `fill` of every XLSX form, the bureau packets, a
batch's tables, `collect` and `merge`: each table holds them as text cells, exactly as the model
keeps them, its numbers stay numbers, and LibreOffice prints them as typed with no link out.
A formula in a workbook someone sends is read as its text, never as the value cached for it.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

import formgen
from formgen import api
from formgen.data import paths
from formgen.document.controls import word_fill
from formgen.pdf import convert
from formgen.workflows import intake, merge, supplement
from formgen.workflows.batch.tables import Tables
from tests.formulas import CALC, DISTRICT, EXPECTED, HYPERLINK, assert_prints_as_typed, assert_typed
from tests.formulas import city as poisoned_city
from tests.formulas import district as poisoned_district
from tests.workflows.submitters import PROVIDER, code, provider

CITY = "sichuan-2023-110.city"
ANNEX5 = "sichuan-2023-110.annex5"


def _data_for(form_id: str) -> dict[str, Any]:
    """The poisoned bureau packet a summary table is built from."""
    return poisoned_district() if form_id.startswith("chongqing") else poisoned_city()


def _xlsx_forms() -> list[str]:
    return [form.id for form in api.registry().forms() if form.kind == "xlsx"]


@pytest.mark.parametrize("form_id", _xlsx_forms())
def test_fill_writes_every_payload_as_text_and_numbers_as_numbers(form_id: str, tmp_path: Path) -> None:
    data = _data_for(form_id)
    (made,) = formgen.fill(form_id, data, tmp_path)
    assert_typed(made, list(EXPECTED))
    read = api.read_filled(form_id, made)
    assert [r["unit_name"] for r in read["rows"]] == list(EXPECTED), "read back exactly as written"
    checked = api.check(form_id, read)
    assert checked.ok and checked.instance is not None, checked.problems
    for row, kept in zip(read["rows"], checked.instance.model_dump()["rows"], strict=True):
        for name, value in kept.items():
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                assert isinstance(row[name], int | float), f"{name} is a number cell"


@pytest.mark.pdf
def test_libreoffice_prints_each_table_as_typed_and_links_nowhere(tmp_path: Path) -> None:
    made = [formgen.fill(form_id, _data_for(form_id), tmp_path)[0] for form_id in _xlsx_forms()]
    for pdf in convert.to_pdf(made, tmp_path / "pdf"):
        assert_prints_as_typed(pdf, [HYPERLINK, CALC, *EXPECTED[2:]])


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("packet_id", "data"),
    [(CITY, poisoned_city(2)), (DISTRICT, poisoned_district(2))],
    ids=["city", "district"],
)
def test_a_bureau_packet_prints_the_payloads_as_typed(
    packet_id: str, data: dict[str, Any], tmp_path: Path
) -> None:
    with convert.service():
        made = formgen.packet(packet_id, data, tmp_path)
    assert_prints_as_typed(made, [HYPERLINK, CALC])


def test_a_batchs_tables_hold_the_payloads_as_text(tmp_path: Path) -> None:
    packet = api.registry().packet(PROVIDER)
    tables = Tables(packet.batch_tables)
    for n, payload in enumerate(EXPECTED):
        data = provider(n, "成都市", "武侯区")
        data["report"]["profile"]["unit_name"] = payload
        checked = api.check(PROVIDER, data)
        assert checked.instance is not None, checked.problems
        tables.rows_of(checked.instance)
    written = tables.write(tmp_path)
    assert written
    for table in written:
        assert_typed(table, list(EXPECTED))


def _with_formulas(xlsx: Path, formulas_by_cell: dict[str, tuple[str, str]]) -> bytes:
    """`xlsx` with cells turned into formulas whose cached results lie, as anyone can write a file."""
    source = zipfile.ZipFile(xlsx)
    buffer = io.BytesIO()
    sheet = load_workbook(xlsx).worksheets[0]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename).decode("utf-8") if item.filename.endswith(".xml") else None
            if item.filename == "xl/worksheets/sheet1.xml" and data is not None:
                for reference, (formula, cached) in formulas_by_cell.items():
                    start = data.index(f'<c r="{reference}"')
                    end = data.index("</c>", start) + len("</c>")
                    style = sheet[reference].style_id
                    data = f'{data[:start]}<c r="{reference}" s="{style}"><f>{formula}</f><v>{cached}</v></c>{data[end:]}'
            out.writestr(item, data.encode("utf-8") if data is not None else source.read(item.filename))
    return buffer.getvalue()


def _cell_of(xlsx: Path, text: Any) -> str:
    sheet = load_workbook(xlsx).worksheets[0]
    return next(str(c.coordinate) for row in sheet.iter_rows() for c in row if c.value == text)


def test_merge_keeps_payloads_as_text_and_reads_a_sent_formula_as_its_text(tmp_path: Path) -> None:
    enterprises = poisoned_city()["enterprises"]
    (first,) = formgen.fill(ANNEX5, {"rows": enterprises[:4]}, tmp_path / "a")
    (second,) = formgen.fill(ANNEX5, {"rows": enterprises[4:]}, tmp_path / "b")
    # A third bureau's table, edited by hand: its unit name a formula that caches another name.
    (third,) = formgen.fill(
        ANNEX5,
        {"rows": [{**enterprises[0], "unit_name": "丙公司", "credit_code": code(300)}]},
        tmp_path / "c",
    )
    edited = tmp_path / "edited.xlsx"
    edited.write_bytes(_with_formulas(third, {_cell_of(third, "丙公司"): ('"甲"&amp;"乙"', "伪装公司")}))
    result = merge.merge(ANNEX5, [first, second, edited], tmp_path / "out")
    assert result.written is not None
    assert_typed(result.written, [*EXPECTED, '="甲"&"乙"'])
    names = [r["unit_name"] for r in api.read_filled(ANNEX5, result.written)["rows"]]
    assert "伪装公司" not in names and '="甲"&"乙"' in names


def test_a_sent_formula_in_a_number_cell_is_refused_with_its_field_never_evaluated(tmp_path: Path) -> None:
    enterprise = poisoned_city(1)["enterprises"][0]
    (table,) = formgen.fill(ANNEX5, {"rows": [enterprise]}, tmp_path)
    revenue = _cell_of(table, float(enterprise["revenue_2022"]))
    edited = tmp_path / "edited.xlsx"
    edited.write_bytes(_with_formulas(table, {revenue: ("9*1000", "5")}))
    read = api.read_filled(ANNEX5, edited)
    assert read["rows"][0]["revenue_2022"] == "=9*1000"
    checked = api.check(ANNEX5, read)
    assert not checked.ok
    (problem,) = [p for p in checked.problems if p.severity == "error"]
    assert problem.path == "rows[0].revenue_2022", problem
    result = merge.merge(ANNEX5, [edited], tmp_path / "out")
    assert result.written is None and any("revenue_2022" in p for p in result.problems), result.problems


def _received(data: dict[str, Any], folder: Path) -> dict[str, dict[str, Any]]:
    """What applicants send for `data`'s bureau packet: a filled form each, and ``bureau.yaml``;
    returns the side values the bureau types (as `supplement.write` takes them)."""
    packet = api.registry().packet(CITY)
    places = intake.slots(packet)
    fields = intake.side_fields(places)
    own = {k: v for k, v in data.items() if k not in {p.field for p in places}}
    folder.mkdir()
    (folder / intake.BUREAU_FILE).write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    side: dict[str, dict[str, Any]] = {}
    for place in places:
        for n, item in enumerate(data[place.field]):
            target = folder / f"{place.field}-{n}" / f"{place.form.id}.{place.form.kind}"
            target.parent.mkdir()
            if place.form.kind == "docx":
                target.write_bytes(word_fill(api.render_blank(place.form.id), item))
            else:
                (instance,) = api.form_data(place.form.id, {place.rows or "rows": [item]})
                target.write_bytes(api.render_filled(place.form.id, instance))
            side[target.parent.name] = {
                key: value
                for key, _, _ in fields
                if key.startswith(f"{place.form.id}:")
                and (value := paths.value_at(item, key.split(":", 1)[1])) is not None
            }
    return side


@pytest.mark.pdf
def test_collect_writes_payloads_as_text_in_its_tables_report_and_side_sheet(tmp_path: Path) -> None:
    data = poisoned_city(2)
    side = _received(data, tmp_path / "received")
    out = tmp_path / "bureau"
    out.mkdir()
    supplement.write(out, intake.side_fields(intake.slots(api.registry().packet(CITY))), side)
    taken = intake.collect(CITY, tmp_path / "received", out)
    assert [a.status for a in taken.applicants] == ["ok"] * 4, [a.issues for a in taken.applicants]
    self_assessment = data["providers"][1]["self_assessment"]
    assert_typed(out / "sichuan-2023-110.annex2.xlsx", [HYPERLINK, CALC, self_assessment])
    assert_typed(out / f"{ANNEX5}.xlsx", [HYPERLINK, CALC])
    assert_typed(out / "intake-report.xlsx", [HYPERLINK, CALC])
    assert_typed(out / supplement.FILE, [self_assessment])
    assert_prints_as_typed(out / f"{CITY}.pdf", [HYPERLINK, CALC, self_assessment])
