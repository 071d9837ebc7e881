"""The one alias list of headers: complete, unambiguous within a table, and read leniently."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from safetynet.warehouse.aliases import (
    HEADERS,
    TABLE_NAMES,
    column_for,
    header_key,
    table_for,
    template_header,
)
from safetynet.warehouse.schema import TABLES


def test_every_column_and_table_has_its_names() -> None:
    columns = {f"{t.name}.{c.name}" for t in TABLES for c in t.columns}
    assert set(HEADERS) == columns
    assert set(TABLE_NAMES) == {t.name for t in TABLES}


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_no_header_means_two_columns_of_one_table(table) -> None:
    keys = Counter(
        header_key(h)
        for c in table.columns
        for h in dict.fromkeys(header_key(x) for x in (c.name, *HEADERS[f"{table.name}.{c.name}"]))
    )
    assert [k for k, n in keys.items() if n > 1] == []
    assert len({template_header(table.name, c.name) for c in table.columns}) == len(table.columns)


def test_no_file_name_means_two_tables() -> None:
    names = Counter(header_key(n) for t in TABLES for n in {t.name, *TABLE_NAMES[t.name]})
    assert [k for k, n in names.items() if n > 1] == []


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("隐患编号", "hazard_id"),
        ("发现日期（年月日）", "found_date"),
        (" Found Date ", "found_date"),
        ("ＨＡＺＡＲＤ_ＩＤ", "hazard_id"),
        ("整改完成日期", "rectified_date"),
        ("挂牌督办级别", "supervision_level"),
    ],
)
def test_headers_are_read_leniently(header: str, column: str) -> None:
    assert column_for("hazards")[header_key(header)] == column


@pytest.mark.parametrize(
    ("name", "table"),
    [("隐患台账", "hazards"), ("hazards", "hazards"), ("隐患_hazards", "hazards"), ("2026-网格", "grids"), ("网格", "grids"), ("吹哨报到", "whistle_calls"),
     ("物资储备", "resource_stocks"), ("年度报表", None)],
)  # fmt: skip
def test_file_names_name_tables(name: str, table: str | None) -> None:
    assert table_for(name) == table


def test_docs_list_the_template_headers() -> None:
    """docs/import.md's table of headers is the alias list's, row for row."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "import.md").read_text(encoding="utf-8")
    block = text.split("<!-- headers -->")[1].split("<!-- /headers -->")[0]
    rows = [line for line in block.strip().splitlines()[2:]]
    expected = [
        f"| `{t.name}` | {TABLE_NAMES[t.name][0]} | "
        + "、".join(template_header(t.name, c.name) for c in t.columns)
        + " |"
        for t in TABLES
    ]
    assert rows == expected
