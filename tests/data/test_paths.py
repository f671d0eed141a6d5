"""Data paths in raw data: one reading for bulk input, intake and the portal."""

from __future__ import annotations

from typing import Any

from formgen.data import paths


def test_a_path_reads_names_and_list_indexes() -> None:
    data = {"profile": {"products": [{"name": "甲"}, {"name": "乙"}]}, "code": "91510107MA62L3R5XE"}
    assert paths.split("profile.products[1].name") == ["profile", "products", 1, "name"]
    assert paths.value_at(data, "profile.products[1].name") == "乙"
    assert paths.value_at(data, "code") == "91510107MA62L3R5XE"
    assert paths.value_at(data, "profile.products[5].name") is None
    assert paths.value_at(data, "code.more") is None
    assert paths.value_at(data, "missing.path") is None


def test_setting_makes_the_mappings_on_the_way_and_none_removes() -> None:
    data: dict[str, Any] = {"rows": [{}]}
    paths.set_at(data, "profile.contact.mobile", "13981234567")
    paths.set_at(data, "rows[0].name", "甲")
    assert data == {"rows": [{"name": "甲"}], "profile": {"contact": {"mobile": "13981234567"}}}
    paths.set_at(data, "profile.contact.mobile", None)
    assert data["profile"]["contact"] == {}
