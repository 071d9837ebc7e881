"""Every data check fires on a raw folder broken in one place, and says where.

Each case copies the small demo city, breaks one thing with polars and builds. The build must
fail with a BuildError whose message names the file, the column and (for row checks) the 1-based
row number of the broken row in that file.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from safetynet.build import build
from safetynet.warehouse import runner, store
from safetynet.warehouse.checks import BuildError


def _read(raw: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(raw / f"{table}.parquet")


def _write(raw: Path, table: str, frame: pl.DataFrame) -> None:
    # Small row groups, so a row number must count across groups to come out right.
    frame.write_parquet(raw / f"{table}.parquet", row_group_size=4096)


def _set(frame: pl.DataFrame, column: str, index: int, value: Any) -> pl.DataFrame:
    """The frame with one cell replaced (0-based row index)."""
    series = frame[column].clone()
    series.scatter(index, value)
    return frame.with_columns(series)


def _first(frame: pl.DataFrame, predicate: pl.Expr, after: int = 0) -> int:
    """0-based index of the first row at or after `after` that matches."""
    indexed = frame.with_row_index("_i").filter(predicate & (pl.col("_i") >= after))
    return int(indexed["_i"][0])


@dataclass(frozen=True)
class Broken:
    file: str
    column: str  # "" for a file-level problem without a column
    what: str  # a phrase the problem's description must contain
    rows: tuple[int, ...] = ()  # 1-based row numbers the message must name
    count: int | None = None  # offending rows the check must count
    also: str = ""  # more the line must say


Breaker = Callable[[Path], Broken]


def missing_file(raw: Path) -> Broken:
    (raw / "hazards.parquet").unlink()
    return Broken("hazards.parquet", "", "missing")


def missing_column(raw: Path) -> Broken:
    _write(raw, "hazards", _read(raw, "hazards").drop("severity"))
    return Broken("hazards.parquet", "severity", "missing columns")


def personal_column(raw: Path) -> Broken:
    comms = _read(raw, "communities")
    _write(raw, "communities", comms.with_columns(身份证号=pl.lit("410102199001011234")))
    return Broken("communities.parquet", "身份证号", "personal data")


def personal_value(raw: Path) -> Broken:
    comms = _read(raw, "communities")
    i = comms.height // 2
    _write(raw, "communities", _set(comms, "name_zh", i, "张三410102199001011234"))
    return Broken("communities.parquet", "name_zh", "personal data", (i + 1,), 1)


def mobile_in_name(raw: Path) -> Broken:
    shelters = _read(raw, "shelters")
    i = shelters.height - 2
    _write(raw, "shelters", _set(shelters, "name_zh", i, "值班电话13812345678"))
    return Broken("shelters.parquet", "name_zh", "personal data", (i + 1,), 1)


def unreadable_date(raw: Path) -> Broken:
    hazards = _read(raw, "hazards").with_columns(pl.col("found_date").cast(pl.String))
    i = hazards.height - 7
    _write(raw, "hazards", _set(hazards, "found_date", i, "2026-13-45"))
    return Broken("hazards.parquet", "found_date", "cannot be read as DATE", (i + 1,), 1)


def empty_value(raw: Path) -> Broken:
    grids = _read(raw, "grids")
    i = 1234
    _write(raw, "grids", _set(grids, "grid_type", i, None))
    return Broken("grids.parquet", "grid_type", "empty values", (i + 1,), 1)


def code_pattern(raw: Path) -> Broken:
    streets = _read(raw, "streets")
    i = 40
    _write(raw, "streets", _set(streets, "district_code", i, "41O102"))  # letter O, not zero
    return Broken("streets.parquet", "district_code", "codes not of the form", (i + 1,), 1)


def enum_value(raw: Path) -> Broken:
    hazards = _read(raw, "hazards")
    i = 5000
    _write(raw, "hazards", _set(hazards, "severity", i, "critical"))
    return Broken("hazards.parquet", "severity", "values other than", (i + 1,), 1)


def duplicate_key(raw: Path) -> Broken:
    hazards = _read(raw, "hazards")
    i = 100
    _write(raw, "hazards", pl.concat([hazards, hazards.slice(i, 1)]))
    return Broken("hazards.parquet", "hazard_id", "duplicate keys", (i + 1, hazards.height + 1), 2)


def grid_without_community(raw: Path) -> Broken:
    grids = _read(raw, "grids")
    known = set(_read(raw, "communities")["community_code"])
    missing = "410102999999"
    assert missing not in known
    i = grids.height - 1
    _write(raw, "grids", _set(grids, "community_code", i, missing))
    return Broken("grids.parquet", "community_code", "no row in communities.parquet", (i + 1,), 1)


def community_without_street(raw: Path) -> Broken:
    comms = _read(raw, "communities")
    known = set(_read(raw, "streets")["street_code"])
    missing = "410102999"
    assert missing not in known
    i = 17
    _write(raw, "communities", _set(comms, "street_code", i, missing))
    return Broken("communities.parquet", "street_code", "no row in streets.parquet", (i + 1,), 1)


def negative_count(raw: Path) -> Broken:
    grids = _read(raw, "grids")
    i = 2000
    _write(raw, "grids", _set(grids, "workers", i, -1))
    return Broken("grids.parquet", "workers", "negative values", (i + 1,), 1)


def rectified_before_found(raw: Path) -> Broken:
    hazards = _read(raw, "hazards")
    i = _first(hazards, pl.col("rectified_date").is_not_null(), after=3000)
    found = hazards["found_date"][i]
    _write(raw, "hazards", _set(hazards, "rectified_date", i, found - timedelta(days=1)))
    return Broken(
        "hazards.parquet",
        "found_date, rectified_date",
        "found_date after rectified_date",
        (i + 1,),
        1,
    )


def compliant_above_checked(raw: Path) -> Broken:
    inspections = _read(raw, "inspections")
    i = inspections.height - 1000  # in the last row group of the file
    checked = inspections["items_checked"][i]
    _write(raw, "inspections", _set(inspections, "items_compliant", i, checked + 1))
    return Broken(
        "inspections.parquet",
        "items_compliant, items_checked",
        "items_compliant after items_checked",
        (i + 1,),
        1,
    )


def helpers_above_people(raw: Path) -> Broken:
    groups = _read(raw, "vulnerable_groups")
    i = 333
    _write(raw, "vulnerable_groups", _set(groups, "with_helper", i, groups["people"][i] + 1))
    return Broken(
        "vulnerable_groups.parquet", "with_helper, people", "with_helper after people", (i + 1,), 1
    )


def date_after_as_of(raw: Path) -> Broken:
    drills = _read(raw, "drills")
    i = 250
    _write(raw, "drills", _set(drills, "held_date", i, date(2026, 12, 1)))  # as-of 2026-11-29
    return Broken("drills.parquet", "held_date", "after the as-of date", (i + 1,), 1)


def holder_of_wrong_kind(raw: Path) -> Broken:
    stocks = _read(raw, "resource_stocks")
    i = _first(stocks, pl.col("holder_kind") == "community", after=500)
    _write(raw, "resource_stocks", _set(stocks, "holder_kind", i, "depot"))
    return Broken("resource_stocks.parquet", "holder_code", "no community or depot", (i + 1,), 1)


def blank_identifier(raw: Path) -> Broken:
    hazards = _read(raw, "hazards")
    i = 10
    _write(raw, "hazards", _set(hazards, "hazard_id", i, ""))
    return Broken("hazards.parquet", "hazard_id", "empty values", (i + 1,), 1)


def nan_area(raw: Path) -> Broken:
    shelters = _read(raw, "shelters")
    i = 10
    _write(raw, "shelters", _set(shelters, "area_m2", i, float("nan")))
    return Broken("shelters.parquet", "area_m2", "empty values", (i + 1,), 1)


def week_not_monday(raw: Path) -> Broken:
    inspections = _read(raw, "inspections")
    i = 7
    moved = inspections["week_start"][i] + timedelta(days=2)
    _write(raw, "inspections", _set(inspections, "week_start", i, moved))
    return Broken("inspections.parquet", "week_start", "not a Monday", (i + 1,), 1)


def patrol_row_without_patrol(raw: Path) -> Broken:
    inspections = _read(raw, "inspections")
    i = 20
    _write(raw, "inspections", _set(inspections, "patrols", i, 0))
    return Broken("inspections.parquet", "patrols", "without a patrol", (i + 1,), 1)


def major_without_supervision(raw: Path) -> Broken:
    hazards = _read(raw, "hazards")
    i = _first(hazards, pl.col("severity") == "major")
    _write(raw, "hazards", _set(hazards, "supervision_level", i, None))
    return Broken("hazards.parquet", "supervision_level", "supervision level", (i + 1,), 1)


# --- data that reads as its type but cannot be right ----------------------------------------


def _as_export(raw: Path) -> None:
    """No demo manifest: the as-of date comes from the data, as for a real export."""
    (raw / "_demo.json").unlink()


def typo_year_2099(raw: Path) -> Broken:
    _as_export(raw)
    drills = _read(raw, "drills")
    i = 250
    _write(raw, "drills", _set(drills, "held_date", i, date(2099, 6, 1)))
    # The as-of date stays where the bulk of the data is; the typo is named.
    return Broken("drills.parquet", "held_date", "after the as-of date 2026-11-29", (i + 1,), 1)


def year_one(raw: Path) -> Broken:
    _as_export(raw)
    hazards = _read(raw, "hazards")
    i = hazards.height // 3
    _write(raw, "hazards", _set(hazards, "found_date", i, date(1, 1, 1)))
    return Broken("hazards.parquet", "found_date", "more than 10 years before", (i + 1,), 1)


def deadline_far_ahead(raw: Path) -> Broken:
    hazards = _read(raw, "hazards")
    i = hazards.height - 3
    _write(raw, "hazards", _set(hazards, "deadline", i, date(2099, 1, 1)))
    return Broken("hazards.parquet", "deadline", "more than 2 years after", (i + 1,), 1)


def no_hazards(raw: Path) -> Broken:
    _write(raw, "hazards", _read(raw, "hazards").head(0))
    return Broken("hazards.parquet", "", "has no rows")


def no_inspections(raw: Path) -> Broken:
    _write(raw, "inspections", _read(raw, "inspections").head(0))
    return Broken("inspections.parquet", "", "has no rows")


def infinite_coordinate(raw: Path) -> Broken:
    comms = _read(raw, "communities")
    i = 30
    _write(raw, "communities", _set(comms, "lon", i, float("inf")))
    return Broken("communities.parquet", "lon", "infinite values", (i + 1,), 1)


def coordinate_outside_the_city(raw: Path) -> Broken:
    shelters = _read(raw, "shelters")
    i = 3
    _write(raw, "shelters", _set(shelters, "lat", i, 3.475))  # a digit lost from 34.75
    return Broken("shelters.parquet", "lat", "values outside 34.0–35.2", (i + 1,), 1)


def fractional_count(raw: Path) -> Broken:
    grids = _read(raw, "grids").with_columns(pl.col("workers").cast(pl.Float64))
    i = 77
    _write(raw, "grids", _set(grids, "workers", i, 2.5))
    return Broken("grids.parquet", "workers", "fractions where a whole number", (i + 1,), 1)


# --- files the reader chokes on -------------------------------------------------------------


def damaged_page(raw: Path) -> Broken:
    path = raw / "hazards.parquet"
    column = pq.ParquetFile(path).metadata.row_group(0).column(0)  # hazard_id's first pages
    with path.open("r+b") as f:
        f.seek(column.data_page_offset + column.total_compressed_size // 2)
        f.write(bytes(range(256)) * 8)
    return Broken("hazards.parquet", "hazard_id", "cannot be read")


def invalid_utf8(raw: Path) -> Broken:
    table = pq.read_table(raw / "communities.parquet")
    names = [n.encode() for n in table.column("name_zh").to_pylist()]
    names[5] = b"\xff\xfe"
    broken = pa.array(names, pa.binary()).view(pa.string())
    index = table.schema.get_field_index("name_zh")
    pq.write_table(table.set_column(index, "name_zh", broken), raw / "communities.parquet")
    return Broken("communities.parquet", "name_zh", "not valid UTF8")


def pipe_instead_of_file(raw: Path) -> Broken:
    (raw / "hazards.parquet").unlink()
    os.mkfifo(raw / "hazards.parquet")  # reading it would block for ever
    return Broken("hazards.parquet", "", "not a regular file")


def ten_million_characters(raw: Path) -> Broken:
    hazards = _read(raw, "hazards")
    i = 60
    _write(raw, "hazards", _set(hazards, "severity", i, "重" * 10_000_000))
    return Broken("hazards.parquet", "severity", "values other than", (i + 1,), 1,
                  also="(10,000,000 characters)")  # fmt: skip


def malformed_manifest(raw: Path) -> Broken:
    (raw / "_demo.json").write_text('{"scale": "small", "as_of": ', encoding="utf-8")
    return Broken("_demo.json", "", "is not valid JSON")


def wrong_manifest(raw: Path) -> Broken:
    (raw / "_demo.json").write_text('{"scale": "small", "seed": 1, "as_of": "2026-13-45"}')
    return Broken("_demo.json", "", '"as_of" is "2026-13-45", not a date written YYYY-MM-DD')


def folder_is_a_file(raw: Path) -> Broken:
    shutil.rmtree(raw)
    raw.write_text("not a folder")
    return Broken("raw", "", "is not a folder")


BREAKERS: list[Breaker] = [
    typo_year_2099,
    year_one,
    deadline_far_ahead,
    no_hazards,
    no_inspections,
    infinite_coordinate,
    coordinate_outside_the_city,
    fractional_count,
    damaged_page,
    invalid_utf8,
    pipe_instead_of_file,
    ten_million_characters,
    malformed_manifest,
    wrong_manifest,
    folder_is_a_file,
    week_not_monday,
    patrol_row_without_patrol,
    major_without_supervision,
    blank_identifier,
    nan_area,
    missing_file,
    missing_column,
    personal_column,
    personal_value,
    mobile_in_name,
    unreadable_date,
    empty_value,
    code_pattern,
    enum_value,
    duplicate_key,
    grid_without_community,
    community_without_street,
    negative_count,
    rectified_before_found,
    compliant_above_checked,
    helpers_above_people,
    date_after_as_of,
    holder_of_wrong_kind,
]


@pytest.mark.parametrize("breaker", [pytest.param(b, id=b.__name__) for b in BREAKERS])
def test_check_fires_and_says_where(small_raw: Path, tmp_path: Path, breaker: Breaker) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    broken = breaker(raw)
    root = tmp_path / "wh"

    with pytest.raises(BuildError) as caught:
        build(raw, root=root, progress=False)

    lines = str(caught.value).splitlines()
    where = f"{broken.file}, column {broken.column}:" if broken.column else f"{broken.file}:"
    matching = [line for line in lines if line.startswith(where) and broken.what in line]
    assert len(matching) == 1, f"no single line for {where} {broken.what!r} in:\n{caught.value}"
    line = matching[0]
    named_rows = {int(n) for n in re.findall(r"\brow (\d+):", line)}
    assert set(broken.rows) <= named_rows, line
    if broken.count is not None:
        assert f"({broken.count} {'row' if broken.count == 1 else 'rows'})" in line
    assert broken.also in line
    assert len(str(caught.value)) < 2000  # every value quoted is cut short
    # Nothing was published.
    assert store.current(root) is None
    assert list(root.glob("*.duckdb*")) == []


# --- times are Beijing time -------------------------------------------------------------------

TIMES = ("called_at", "arrived_at", "resolved_at")


def _aware_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Each time written three ways down the column: naive, with +08:00, and in UTC with Z."""

    def written(column: str) -> pl.Expr:
        local = pl.col(column)
        utc = local.dt.replace_time_zone("Asia/Shanghai").dt.convert_time_zone("UTC")
        form = pl.int_range(pl.len()) % 3
        return (
            pl.when(form == 0).then(local.dt.strftime("%Y-%m-%d %H:%M:%S"))
            .when(form == 1).then(local.dt.strftime("%Y-%m-%dT%H:%M:%S+08:00"))
            .otherwise(utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        )  # fmt: skip

    return frame.with_columns(written(c).alias(c) for c in TIMES)


def _aware_instants(frame: pl.DataFrame) -> pl.DataFrame:
    """Times stored as instants (Parquet's UTC-adjusted timestamps), as many exports do."""
    return frame.with_columns(
        pl.col(c).dt.replace_time_zone("Asia/Shanghai").dt.convert_time_zone("UTC") for c in TIMES
    )


@pytest.mark.parametrize("rewrite", [_aware_as_text, _aware_instants])
def test_times_with_an_offset_land_on_beijing_time(
    small_raw: Path, tmp_path: Path, rewrite: Callable[[pl.DataFrame], pl.DataFrame]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    calls = _read(raw, "whistle_calls")
    rewritten = rewrite(calls)
    assert rewritten.schema["called_at"] != calls.schema["called_at"]
    _write(raw, "whistle_calls", rewritten)

    version = build(raw, root=tmp_path / "wh", progress=False)
    con = runner.open_readonly(version.path)
    try:
        staged = con.sql(f"SELECT {', '.join(TIMES)} FROM stg_whistle_calls ORDER BY _row").pl()
        arrival = con.sql("SELECT median(arrival_hours) FROM mart_whistle_call").fetchall()[0][0]
    finally:
        con.close()
    assert staged.equals(calls.select(TIMES))
    expected = (calls["arrived_at"] - calls["called_at"]).dt.total_seconds().median() / 3600
    assert arrival == pytest.approx(expected)
