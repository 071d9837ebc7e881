"""Cells as offices write them are read as the schema's types, and every cell that holds
something is either read or listed with what is wrong and how to write it instead."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetynet.ingest.values import Unreadable, parse
from safetynet.warehouse.schema import TABLES_BY_NAME, Column

DATE_FIX = "写成 2026-11-03 或 2026年11月3日"
NAMES = {"金水社区": "410105001001", "同名社区": None}


def column(name: str) -> Column:
    """The schema column "table.column"."""
    table, col = name.split(".")
    return TABLES_BY_NAME[table].column(col)


def read(
    name: str, cells: list[str | None], names: dict[str, str | None] | None = None
) -> tuple[list[Any], list[Unreadable]]:
    values, unreadable = parse(
        pl.Series("cells", cells, dtype=pl.Utf8), column(name), name.split(".")[0], names
    )
    assert values.len() == len(cells)
    return values.to_list(), unreadable


def read_one(name: str, cell: str, names: dict[str, str | None] | None = None) -> Any:
    """The value of one cell that must be readable."""
    (value,), unreadable = read(name, [cell], names)
    assert unreadable == []
    return value


def problems(unreadable: list[Unreadable]) -> list[tuple[int, str]]:
    return [(u.index, u.problem) for u in unreadable]


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "2026-11-03",
        "2026-11-3",
        "2026/11/3",
        "2026/11/03",
        "2026年11月3日",
        "2026 年 11 月 3 日",
        "2026.11.3",
        "20261103",
        "46329",  # Excel's serial day
        "46329.0",
        "２０２６年１１月３日",  # full-width
        "２０２６－１１－０３",
        "2026-11-03 00:00:00",  # what an Excel reader gives for a date cell
        "2026-11-03T00:00:00",
        "2026-11-03 14:05",  # a time in a date column: the date is kept
        "2026年11月3日14时05分",
        " 2026-11-03\u3000",
        "\u00a02026/11/3 ",
    ],
)
def test_dates_in_every_form(cell: str) -> None:
    assert read_one("hazards.found_date", cell) == date(2026, 11, 3)


def test_dates_that_cannot_be_read() -> None:
    cells = [
        "2026-02-30",
        "2026-13-01",
        "46329.5",
        "0",
        "2026-11",
        "3/11/2026",
        "下周",
        "2026-11-03 25:00",
    ]
    values, unreadable = read("hazards.found_date", cells)
    assert values == [None] * len(cells)
    assert problems(unreadable) == [
        (0, "没有这一天"),
        (1, "没有这一天"),
        (2, "不是日期"),  # a serial number with a time of day is no date
        (3, "不是日期"),  # Excel's serial days start at 1
        (4, "不是日期"),
        (5, "不是日期"),
        (6, "不是日期"),
        (7, "不是日期"),
    ]
    assert {u.fix for u in unreadable} == {DATE_FIX}
    assert [u.value for u in unreadable] == cells


def test_a_leap_day_exists_only_in_a_leap_year() -> None:
    values, unreadable = read("hazards.found_date", ["2028-02-29", "2026-02-29"])
    assert values == [date(2028, 2, 29), None]
    assert problems(unreadable) == [(1, "没有这一天")]


def test_a_date_with_an_offset_is_the_date_in_beijing() -> None:
    assert read_one("hazards.found_date", "2026-11-03T23:00:00Z") == date(2026, 11, 4)


# --- timestamps -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "moment"),
    [
        ("2026-11-03 14:05", datetime(2026, 11, 3, 14, 5)),
        ("2026/11/3 14:05:09", datetime(2026, 11, 3, 14, 5, 9)),
        ("2026-11-03T14:05:09", datetime(2026, 11, 3, 14, 5, 9)),
        ("2026-11-03 14:05:09.123", datetime(2026, 11, 3, 14, 5, 9, 123000)),
        ("2026-11-03 14:05:09.1234567", datetime(2026, 11, 3, 14, 5, 9, 123456)),
        ("2026年11月3日14时05分", datetime(2026, 11, 3, 14, 5)),
        ("2026年11月3日 14时05分09秒", datetime(2026, 11, 3, 14, 5, 9)),
        ("2026年11月3日14时", datetime(2026, 11, 3, 14)),
        ("20261103 9:05", datetime(2026, 11, 3, 9, 5)),
        ("2026-11-03", datetime(2026, 11, 3)),  # a date alone is midnight
        ("46329.5", datetime(2026, 11, 3, 12)),  # Excel serial with a fraction of a day
        ("46329.586805555555", datetime(2026, 11, 3, 14, 5)),  # rounded to the millisecond
        ("46329", datetime(2026, 11, 3)),
        ("２０２６－１１－０３　１４：０５", datetime(2026, 11, 3, 14, 5)),
        # offsets become Beijing's wall-clock time
        ("2026-11-03T14:05:09+08:00", datetime(2026, 11, 3, 14, 5, 9)),
        ("2026-11-03T14:05:09Z", datetime(2026, 11, 3, 22, 5, 9)),
        ("2026-11-03T14:05:09+00:00", datetime(2026, 11, 3, 22, 5, 9)),
        ("2026-11-03 14:05 -0500", datetime(2026, 11, 4, 3, 5)),
        ("1988-07-01T00:00:00Z", datetime(1988, 7, 1, 9)),  # China kept summer time then
    ],
)
def test_timestamps(cell: str, moment: datetime) -> None:
    assert read_one("whistle_calls.called_at", cell) == moment


def test_timestamps_that_cannot_be_read() -> None:
    cells = ["2026-11-03 25:00", "2026-11-03 14:60", "2026-02-30 10:00", "14:05", "下午两点"]
    values, unreadable = read("whistle_calls.called_at", cells)
    assert values == [None] * len(cells)
    assert problems(unreadable) == [
        (0, "不是日期时间"),
        (1, "不是日期时间"),
        (2, "没有这一天"),
        (3, "不是日期时间"),
        (4, "不是日期时间"),
    ]
    assert unreadable[0].fix == "写成 2026-11-03 14:05 或 2026年11月3日14时05分"


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("1234", 1234),
        ("1,234", 1234),
        ("1，234", 1234),  # full-width comma
        ("1,234,567", 1234567),
        ("１２３", 123),
        ("12处", 12),
        ("3人", 3),
        ("12 户", 12),
        ("12.0", 12),  # a number from Excel
        ("-3", -3),  # the build reports negative counts
        ("−3", -3),  # U+2212
        ("+7", 7),
        ("1.2万人", 12000),
        ("2.01万", 20100),  # 20099.999999999996 in floats
        ("3万", 30000),
        ("1.2e3", 1200),
        ("2,147,483,647", 2147483647),  # the largest INTEGER
        ("-2147483648", -2147483648),  # the smallest
    ],
)
def test_integers(cell: str, number: int) -> None:
    assert read_one("districts.population", cell) == number


def test_integers_that_cannot_be_read() -> None:
    cells = ["2.5", "1.23456万", "12,34", "abc", "35%", "约12", "12-15"]
    values, unreadable = read("districts.population", cells)
    assert values == [None] * len(cells)
    assert problems(unreadable) == [(i, "不是整数") for i in range(len(cells))]
    assert unreadable[0].fix == "写成整数，如 1234 或 1,234"


def test_integers_too_large_for_the_column() -> None:
    """INTEGER is 32 bits: a larger whole number is named as such, not cast to garbage later."""
    cells = ["2147483648", "9007199254740993", "-3,000,000,000", "30亿", "99999999999999999999"]
    values, unreadable = read("districts.population", cells)
    assert values == [None] * len(cells)
    assert problems(unreadable) == [(i, "数字太大") for i in range(len(cells))]
    assert unreadable[0].fix == "整数不能超过 2,147,483,647"


@pytest.mark.parametrize(
    ("name", "cell", "number"),
    [
        ("districts.area_km2", "12.5", 12.5),
        ("districts.area_km2", "12.5平方公里", 12.5),
        ("districts.area_km2", "12.5 km²", 12.5),
        ("districts.area_km2", "1,234.5", 1234.5),
        ("districts.area_km2", "１２．５", 12.5),
        ("districts.area_km2", "1.2e3", 1200.0),
        ("districts.area_km2", "1.5E-2", 0.015),
        ("districts.area_km2", ".5", 0.5),
        ("districts.area_km2", "1.2万", 12000.0),
        ("communities.lon", "113.65", 113.65),
        ("funding.prevention_wan", "120", 120.0),  # a column in 万元
        ("funding.prevention_wan", "120万元", 120.0),
        ("funding.prevention_wan", "120万", 120.0),
        ("funding.prevention_wan", "1.2亿", 12000.0),
        ("funding.prevention_wan", "1,200,000元", 120.0),
    ],
)
def test_decimals(name: str, cell: str, number: float) -> None:
    assert read_one(name, cell) == pytest.approx(number, rel=1e-12)


def test_decimals_that_cannot_be_read() -> None:
    cells = ["35%", "12.5.3", "1e400", "十二", "12/5"]
    values, unreadable = read("districts.area_km2", cells)
    assert values == [None] * len(cells)
    assert problems(unreadable) == [(i, "不是数字") for i in range(len(cells))]
    assert unreadable[0].fix == "写成数字，如 12.5 或 1,234.5"


# --- booleans -------------------------------------------------------------------------------------


def test_booleans() -> None:
    yes = ["是", "有", "√", "✓", "Y", "y", "yes", "YES", "true", "TRUE", "True", "1", "1.0", "Ｙ"]
    no = ["否", "无", "×", "✗", "N", "n", "no", "No", "false", "FALSE", "0", "0.0"]
    values, unreadable = read("communities.flood_prone", [*yes, *no, "也许", "2"])
    assert values == [True] * len(yes) + [False] * len(no) + [None, None]
    assert problems(unreadable) == [
        (len(yes) + len(no), "不是“是”或“否”"),
        (len(yes) + len(no) + 1, "不是“是”或“否”"),
    ]


# --- enumerations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cell", "key"),
    [
        ("hazards.severity", "general", "general"),
        ("hazards.severity", "MAJOR", "major"),
        ("hazards.severity", "ｍａｊｏｒ", "major"),
        ("hazards.severity", "一般隐患", "general"),
        ("hazards.severity", "重大隐患", "major"),
        ("hazards.severity", "General", "general"),  # the English name
        ("hazards.severity", "一般", "general"),  # the start of one Chinese name
        ("hazards.severity", " 重大 ", "major"),
        ("hazards.category", "forest_fire", "forest_fire"),
        ("hazards.category", "Forest fire", "forest_fire"),
        ("hazards.category", "forest-fire", "forest_fire"),
        ("hazards.category", "电动自行车违规充电", "ebike"),
        ("hazards.category", "电动自行车", "ebike"),
        ("hazards.category", "E-bike charging", "ebike"),
        ("hazards.category", "消防安全", "fire"),
        ("hazards.category", "燃气", "gas"),
        ("hazards.supervision_level", "县级", "county"),
        ("hazards.supervision_level", "市级挂牌督办", "city"),
        ("hazards.supervision_level", "省级", "province"),
        ("hazards.supervision_level", "Province-supervised", "province"),
        ("grids.grid_type", "社区网格", "community"),
        ("grids.grid_type", "微网格", "micro"),
        ("grids.grid_type", "微网", "micro"),
        ("grids.grid_type", "社区", "community"),
        ("grids.grid_type", "农村网格", "rural"),
        ("grids.grid_type", "专属", "dedicated"),
        ("grids.grid_type", "Micro-grid", "micro"),
        ("districts.kind", "县", "county"),  # a whole name wins over the start of 县级市
        ("shelters.shelter_class", "Ⅱ类", "II"),
        ("shelters.shelter_class", "iii", "III"),
    ],
)
def test_enumerations(name: str, cell: str, key: str) -> None:
    assert read_one(name, cell) == key


def test_enumerations_that_cannot_be_read() -> None:
    cells = ["重", "较大隐患", "major hazard", "隐患"]
    values, unreadable = read("hazards.severity", cells)
    assert values == [None] * len(cells)
    assert problems(unreadable) == [(i, "不是允许的取值") for i in range(len(cells))]
    assert unreadable[0].fix == "可填：一般隐患、重大隐患（或 general、major）"
    (_, unreadable) = read("grids.grid_type", ["网格"])  # the end, not the start, of a name
    assert problems(unreadable) == [(0, "不是允许的取值")]
    assert unreadable[0].fix == (
        "可填：社区网格、微网格、农村网格、专属网格（或 community、micro、rural、dedicated）"
    )


# --- codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("410105001001", "410105001001"),
        ("410105001001.0", "410105001001"),  # Excel made the code a number
        ("４１０１０５００１００１", "410105001001"),
        (" 410105001001 ", "410105001001"),
        ("12", "12"),  # digits off the pattern are the build's to report
        ("金水社区", "410105001001"),
        (" 金水社区\u3000", "410105001001"),
    ],
)
def test_codes_by_code_or_name(cell: str, code: str) -> None:
    assert read_one("grids.community_code", cell, NAMES) == code


def test_codes_by_a_name_that_is_unknown_or_shared() -> None:
    cells = ["梧桐社区", "同名社区", "金水社区", "410105001001"]
    values, unreadable = read("grids.community_code", cells, NAMES)
    assert values == [None, None, "410105001001", "410105001001"]
    assert [(u.index, u.problem, u.fix) for u in unreadable] == [
        (0, "找不到名为“梧桐社区”的社区（村）", "请填写编码或准确名称"),
        (1, "有多个地方叫“同名社区”", "请填写编码"),
    ]


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("streets.district_code", "县级单位"),
        ("communities.street_code", "街道乡镇"),
        ("hazards.grid_code", "网格"),
    ],
)
def test_an_unknown_name_says_what_kind_of_place(name: str, place: str) -> None:
    _, unreadable = read(name, ["梧桐"], {})
    assert problems(unreadable) == [(0, f"找不到名为“梧桐”的{place}")]


def test_names_that_read_alike_are_shared() -> None:
    """Two names that are one after NFKC and stripping, for two places, name neither."""
    names = {"金水社区": "410105001001", "金水社区\u3000": "410105001002"}
    _, unreadable = read("grids.community_code", ["金水社区"], names)
    assert problems(unreadable) == [(0, "有多个地方叫“金水社区”")]


def test_codes_without_names_pass_through() -> None:
    values, unreadable = read("grids.community_code", ["梧桐社区 ", "410105001001.0"])
    assert values == ["梧桐社区", "410105001001"]
    assert unreadable == []


# --- other text -----------------------------------------------------------------------------------


def test_text_is_stripped_and_kept_as_written() -> None:
    cells = [" H-01 ", "1001.0", "1001.00", "１００１", "金水区（东）", "2.0"]
    values, unreadable = read("hazards.hazard_id", cells)
    assert values == ["H-01", "1001", "1001.00", "１００１", "金水区（东）", "2"]
    assert unreadable == []


# --- empty cells and types ------------------------------------------------------------------------

# One column of every kind, and the dtype it reads as.
KINDS = {
    "hazards.found_date": pl.Date,
    "whistle_calls.called_at": pl.Datetime("us"),
    "districts.population": pl.Int32,
    "funding.prevention_wan": pl.Float64,
    "communities.flood_prone": pl.Boolean,
    "hazards.severity": pl.Utf8,
    "grids.community_code": pl.Utf8,
    "hazards.hazard_id": pl.Utf8,
}
EMPTY = [None, "", " ", "\u3000", "\u00a0", "\t\n", "\u3000 \u00a0"]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_empty_cells_are_null_and_not_listed(name: str) -> None:
    values, unreadable = parse(
        pl.Series("cells", EMPTY, dtype=pl.Utf8), column(name), name.split(".")[0], NAMES
    )
    assert values.dtype == KINDS[name]
    assert values.name == "cells"
    assert values.to_list() == [None] * len(EMPTY)
    assert unreadable == []


@pytest.mark.parametrize("name", sorted(KINDS))
def test_no_rows_and_an_untyped_column(name: str) -> None:
    table = name.split(".")[0]
    for cells in (pl.Series("c", [], dtype=pl.Utf8), pl.Series("c", [None, None])):
        values, unreadable = parse(cells, column(name), table)
        assert values.dtype == KINDS[name]
        assert values.len() == cells.len()
        assert unreadable == []


# Cells that are readable in some column, so that the property below meets both outcomes.
WRITTEN = st.sampled_from(
    [
        "2026-11-03",
        "2026年11月3日 14时05分",
        "46329.5",
        "1,234户",
        "1.2万",
        "是",
        "一般",
        "金水社区",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(sorted(KINDS)),
    cells=st.lists(st.none() | st.text() | WRITTEN, max_size=12),
)
def test_every_cell_is_read_or_listed(name: str, cells: list[str | None]) -> None:
    values, unreadable = parse(
        pl.Series("cells", cells, dtype=pl.Utf8), column(name), name.split(".")[0], NAMES
    )
    assert values.dtype == KINDS[name]
    assert values.len() == len(cells)
    listed = {u.index: u for u in unreadable}
    assert len(listed) == len(unreadable)
    for index, (cell, value) in enumerate(zip(cells, values.to_list(), strict=True)):
        if index in listed:
            assert value is None and listed[index].value == cell
            assert listed[index].problem and listed[index].fix
        elif value is None:  # neither read nor listed: an empty cell
            assert cell is None or cell.strip() == ""


def test_a_million_dates() -> None:
    """A million cells in seven forms read right (the time it takes is measured elsewhere)."""
    days = pl.date_range(date(2016, 1, 1), date(2026, 12, 31), eager=True)
    expected = pl.select(day=days.sample(1_000_000, with_replacement=True, seed=1))["day"]
    d = pl.col("day")
    y, m, n = d.dt.year(), d.dt.month(), d.dt.day()
    full_width = dict(zip("0123456789", "０１２３４５６７８９", strict=True))
    forms = [
        d.dt.to_string("%Y-%m-%d"),
        pl.format("{}/{}/{}", y, m, n),
        pl.format("{}年{}月{}日", y, m, n),
        d.dt.to_string("%Y%m%d"),
        (d - date(1899, 12, 30)).dt.total_days().cast(pl.Utf8),
        d.dt.to_string("%Y-%m-%d 00:00:00"),
        d.dt.to_string("%Y-%m-%d").str.replace_many(full_width),
    ]
    form = pl.int_range(pl.len()) % len(forms)
    chosen = pl.coalesce(*(pl.when(form == i).then(f) for i, f in enumerate(forms)))
    cells = expected.to_frame().select(cells=chosen)["cells"]
    values, unreadable = parse(cells, column("hazards.found_date"), "hazards")
    assert unreadable == []
    assert values.equals(expected, check_names=False)
