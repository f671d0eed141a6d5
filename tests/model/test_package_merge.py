"""A re-draft keeps the author's corrections: fields marked reviewed survive, matched by place."""

from __future__ import annotations

from formgen.model.package_merge import merge_reviewed
from formgen.model.package_spec import FieldSpec, FormSpec, TableSpec


def _form(*fields: FieldSpec, table: TableSpec | None = None) -> FormSpec:
    kind = "xlsx" if table else "docx"
    return FormSpec(
        kind=kind, title="申报表", template=f"templates/a.{kind}", fields=list(fields), table=table
    )


def _field(path: str, label: str, place: str, **more: object) -> FieldSpec:
    return FieldSpec.model_validate({"path": path, "label": label, "place": place, **more})


def test_a_reviewed_field_is_kept_whole_at_its_place() -> None:
    author = _form(
        _field(
            "legal_id", "法定代表人身份证号", "表1 第4行 第2格", type="id_card", reviewed=True, prompt="18位"
        ),
        _field("phone", "电话", "表1 第5行 第2格", type="phone"),
    )
    draft = _form(
        _field("field_1", "法定代表人身份证", "表1 第4行 第2格", type="text"),
        _field("tel", "电话", "表1 第5行 第2格", type="text"),
    )
    merged, report = merge_reviewed(author, draft)
    assert [(f.path, f.type, f.label, f.reviewed) for f in merged.fields] == [
        ("legal_id", "id_card", "法定代表人身份证号", True),
        ("tel", "text", "电话", False),  # not reviewed: the new draft's guess wins
    ]
    assert merged.fields[0].prompt == "18位"
    assert report.kept == ["legal_id"] and report.missing == [] and report.renamed == []


def test_a_reviewed_field_the_draft_misses_stays_after_its_neighbour() -> None:
    author = _form(
        _field("unit_name", "单位名称", "表1 第1行 第2格"),
        _field("seal", "盖章", "段落30", reviewed=True),
        _field("mobile", "手机", "表1 第2行 第2格"),
    )
    draft = _form(
        _field("unit_name", "单位名称", "表1 第1行 第2格"), _field("mobile", "手机", "表1 第2行 第2格")
    )
    merged, report = merge_reviewed(author, draft)
    assert [f.path for f in merged.fields] == ["unit_name", "seal", "mobile"]
    assert report.missing == ["seal"]


def test_a_drafted_field_moves_aside_from_a_reviewed_path() -> None:
    author = _form(
        _field("contact", "联系人", "表1 第3行 第2格", reviewed=True),
        _field("nature", "单位性质", "表1 第6行 第2格", type="choice", options=["国有", "其他"],
               other={"path": "nature_other"}, reviewed=True),
    )  # fmt: skip
    draft = _form(
        _field("contact", "联系人", "表2 第1行 第2格"),
        _field("contact_2", "联系人", "表1 第3行 第2格"),
        _field("nature_other", "其他", "表1 第7行 第2格"),
    )
    merged, report = merge_reviewed(author, draft)
    # contact_2 is free again: the drafted field that had it gave way to the reviewed contact.
    assert [f.path for f in merged.fields] == ["contact_2", "contact", "nature", "nature_other_2"]
    assert report.renamed == [("contact", "contact_2"), ("nature_other", "nature_other_2")]
    assert report.missing == ["nature"]


def test_a_tables_reviewed_columns_are_kept() -> None:
    def table(*columns: FieldSpec) -> TableSpec:
        return TableSpec(header_row=4, columns=[FieldSpec(path="#", label="序号"), *columns])

    author = _form(table=table(_field("revenue", "营业收入（万元）", "C列", type="money_wan", reviewed=True)))
    author = author.model_copy(update={"groups": {"contact": "联系人信息"}})
    draft = _form(table=table(_field("column_3", "营业收入（万元）", "C列", type="count")))
    merged, _ = merge_reviewed(author, draft)
    assert merged.table is not None
    assert [(c.path, c.type) for c in merged.table.columns] == [("#", "text"), ("revenue", "money_wan")]
    assert merged.groups == {"contact": "联系人信息"}
