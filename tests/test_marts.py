"""The marts of the small warehouse, checked against figures computed from the raw Parquet files.

The expected figures are worked out here with polars from the raw tables, following the metric
definitions (a hazard is open at the end of week W when found by W's Sunday and not rectified by
then), never by reading the marts back.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import polars as pl
import pytest
from conftest import build_step, insert

from safetynet.demo.generate import DEFAULT_AS_OF
from safetynet.warehouse import runner

AS_OF = DEFAULT_AS_OF  # 2026-11-29, a Sunday
LAST_WEEK = date(2026, 11, 23)
WEEKS = [
    LAST_WEEK,
    date(2025, 7, 14),  # flood season
    date(2025, 12, 29),  # ISO 2026-W01: starts on 29 December; the year to date from 1 January
    date(2024, 12, 30),  # ISO 2025-W01
    date(2024, 1, 1),  # ISO 2024-W01, both calendar and ISO year start
]
DISTRICT_FIGURES = [
    "new_hazards",
    "rectified",
    "open_end",
    "major_open_end",
    "overdue_end",
    "ytd_found",
    "ytd_rectified",
    "carried_open_end",
    "items_checked",
    "items_compliant",
]


def _expected_district_week(raw: dict[str, pl.DataFrame], monday: date) -> pl.DataFrame:
    sunday = monday + timedelta(days=6)
    year_start = date(monday.isocalendar().year, 1, 1)  # 1 January of the year of its label
    found, fixed = pl.col("found_date"), pl.col("rectified_date")
    is_open = (found <= sunday) & (fixed.is_null() | (fixed > sunday))
    ytd = found.is_between(year_start, sunday)
    hazards = (
        raw["hz"]
        .group_by("district_code")
        .agg(
            new_hazards=found.is_between(monday, sunday).sum(),
            rectified=fixed.is_between(monday, sunday).sum(),
            open_end=is_open.sum(),
            major_open_end=(is_open & (pl.col("severity") == "major")).sum(),
            overdue_end=(is_open & (pl.col("deadline") < sunday)).sum(),
            ytd_found=ytd.sum(),
            ytd_rectified=(ytd & fixed.is_not_null() & (fixed <= sunday)).sum(),
            carried_open_end=(is_open & (found < year_start)).sum(),
        )
    )
    patrols = (
        raw["insp"]
        .filter(pl.col("week_start") == monday)
        .group_by("district_code")
        .agg(pl.col("items_checked", "items_compliant").cast(pl.Int64).sum())
    )
    return (
        raw["districts"]
        .select("district_code")
        .join(hazards, on="district_code", how="left")
        .join(patrols, on="district_code", how="left")
        .with_columns(pl.col(DISTRICT_FIGURES).fill_null(0).cast(pl.Int64))
        .sort("district_code")
    )


def _first_week(raw: dict[str, pl.DataFrame]) -> date:
    first_found = raw["hazards"]["found_date"].min()
    first_found -= timedelta(days=first_found.weekday())
    return min(first_found, raw["inspections"]["week_start"].min())


@pytest.mark.parametrize("monday", WEEKS, ids=str)
def test_district_week_matches_raw(con, raw: dict[str, pl.DataFrame], monday: date) -> None:
    got = (
        con.sql(
            f"SELECT district_code, {', '.join(DISTRICT_FIGURES)} FROM mart_district_week "
            "WHERE week_start = $w ORDER BY district_code",
            params={"w": monday},
        )
        .pl()
        .with_columns(pl.col(DISTRICT_FIGURES).cast(pl.Int64))
    )
    expected = _expected_district_week(raw, monday)
    assert expected["open_end"].sum() > 0 and expected["items_checked"].sum() > 0
    assert got.to_dicts() == expected.to_dicts()


def test_week_one_counts_the_year_from_1_january(con, raw: dict[str, pl.DataFrame]) -> None:
    """ISO 2026-W01 runs from 29 December 2025 to 4 January 2026: its year to date holds the
    hazards found from 1 to 4 January, not the whole week's; those found on 29–31 December
    and still open are carried over."""
    ytd_found, new, carried, iso_year, iso_week = con.sql(
        "SELECT sum(ytd_found), sum(new_hazards), sum(carried_open_end), any_value(iso_year), "
        "any_value(iso_week) FROM mart_district_week WHERE week_start = $w",
        params={"w": date(2025, 12, 29)},
    ).fetchall()[0]
    found = raw["hazards"]["found_date"]
    assert (iso_year, iso_week) == (2026, 1)
    assert ytd_found == found.is_between(date(2026, 1, 1), date(2026, 1, 4)).sum()
    assert 0 < ytd_found < new == found.is_between(date(2025, 12, 29), date(2026, 1, 4)).sum()
    assert carried > 0


def test_open_is_this_years_cohort_plus_carried_over(con) -> None:
    """Every hazard open at a week's end was found either this year (in the year to date and not
    rectified) or before 1 January (carried over)."""
    broken = con.sql(
        "SELECT count(*) FROM mart_street_week "
        "WHERE open_end <> ytd_found - ytd_rectified + carried_open_end"
    ).fetchall()[0][0]
    assert broken == 0
    assert con.sql("SELECT sum(carried_open_end) FROM mart_street_week").fetchall()[0][0] > 0


# Constructed: one street around the new year 2026 (ISO week 1 starts on 29 December 2025) and
# one around 2027 (1 January 2027 falls in ISO 2026-W53, which ends on Sunday 3 January).
NEW_YEAR_HAZARDS = [  # hazard, street, found, rectified (None: still open)
    ("h1", "S1", date(2025, 12, 10), None),
    ("h2", "S1", date(2025, 12, 30), date(2026, 1, 6)),  # found in 2026-W01, before 1 January
    ("h3", "S1", date(2026, 1, 1), date(2026, 1, 4)),  # rectified on the Sunday of W01
    ("h4", "S1", date(2026, 1, 2), date(2026, 1, 5)),
    ("h5", "S1", date(2025, 12, 28), date(2026, 1, 2)),  # the Sunday of 2025-W52
    ("h6", "S2", date(2027, 1, 2), None),  # in 2026-W53, found in 2027
    ("h7", "S2", date(2026, 12, 30), date(2027, 1, 5)),
    ("h8", "S2", date(2026, 6, 1), None),
]
NEW_YEAR_WEEKS = {  # (street, Monday): ytd_found, ytd_rectified, carried_open_end, open_end
    ("S1", date(2025, 12, 8)): (1, 0, 0, 1),
    ("S1", date(2025, 12, 22)): (2, 0, 0, 2),
    ("S1", date(2025, 12, 29)): (2, 1, 2, 3),  # 2026-W01: h3, h4 found; h1, h2 carried
    ("S1", date(2026, 1, 5)): (2, 2, 1, 1),
    ("S2", date(2026, 12, 21)): (1, 0, 0, 1),
    ("S2", date(2026, 12, 28)): (3, 0, 0, 3),  # 2026-W53: from 1 January 2026 to 3 January 2027
    ("S2", date(2027, 1, 4)): (1, 0, 1, 2),  # 2027-W01: h6 from 1 January 2027; h8 carried
}


def test_year_to_date_starts_on_1_january_constructed(blank: duckdb.DuckDBPyConnection) -> None:
    first, last = date(2025, 12, 8), date(2027, 1, 4)
    mondays = [first + timedelta(weeks=k) for k in range((last - first).days // 7 + 1)]
    insert(blank, "meta_build", [{"as_of": last + timedelta(days=6)}])
    insert(blank, "dim_week", [
        {"week_start": m, "week_end": m + timedelta(days=6), "iso_year": m.isocalendar().year,
         "iso_week": m.isocalendar().week}
        for m in mondays
    ])  # fmt: skip
    insert(blank, "dim_street", [{"street_code": s, "district_code": "D"} for s in ("S1", "S2")])
    insert(blank, "dim_grid", [
        {"grid_code": f"G{s}", "street_code": s, "community_code": "C", "district_code": "D"}
        for s in ("S1", "S2")
    ])  # fmt: skip
    insert(blank, "stg_hazards", [
        {"hazard_id": h, "grid_code": f"G{s}", "category": "fire", "severity": "general",
         "found_date": found, "deadline": found + timedelta(days=7), "rectified_date": fixed}
        for h, s, found, fixed in NEW_YEAR_HAZARDS
    ])  # fmt: skip
    build_step(blank, "20_mart_hazard.sql")
    build_step(blank, "30_mart_street_week.sql")
    got = {
        (s, w): tuple(figures)
        for s, w, *figures in blank.sql(
            "SELECT street_code, week_start, ytd_found, ytd_rectified, carried_open_end, open_end "
            "FROM mart_street_week"
        ).fetchall()
    }
    assert {key: got[key] for key in NEW_YEAR_WEEKS} == NEW_YEAR_WEEKS


def test_street_weeks_sum_to_district_weeks(con) -> None:
    figures = [
        *DISTRICT_FIGURES,
        "new_major",
        "grids_patrolled",
        "patrols",
    ]
    sums = ", ".join(f"sum({f})::BIGINT AS {f}" for f in figures)
    streets = con.sql(
        f"SELECT district_code, week_start, {sums} FROM mart_street_week GROUP BY ALL "
        "ORDER BY district_code, week_start"
    ).pl()
    districts = con.sql(
        f"SELECT district_code, week_start, {', '.join(f'{f}::BIGINT AS {f}' for f in figures)} "
        "FROM mart_district_week ORDER BY district_code, week_start"
    ).pl()
    assert streets.height == districts.height > 0
    assert streets.equals(districts)


def test_every_street_has_every_week(con, raw: dict[str, pl.DataFrame]) -> None:
    streets = raw["streets"].height
    weeks = (LAST_WEEK - _first_week(raw)).days // 7 + 1
    rows, pairs, n_streets, n_weeks = con.sql(
        "SELECT count(*), count(DISTINCT (street_code, week_start)), "
        "count(DISTINCT street_code), count(DISTINCT week_start) FROM mart_street_week"
    ).fetchall()[0]
    assert (n_streets, n_weeks) == (streets, weeks)
    assert rows == pairs == streets * weeks


def test_dim_week_holds_full_weeks_up_to_as_of(con, raw: dict[str, pl.DataFrame]) -> None:
    weeks = con.sql("SELECT * FROM dim_week ORDER BY week_start").pl()
    first = _first_week(raw)
    expected = [first + timedelta(weeks=k) for k in range((LAST_WEEK - first).days // 7 + 1)]
    assert weeks["week_start"].to_list() == expected
    assert weeks["week_start"][-1] == LAST_WEEK
    for row in weeks.iter_rows(named=True):
        assert row["week_start"].weekday() == 0
        assert row["week_end"] == row["week_start"] + timedelta(days=6)
        assert row["week_end"] <= AS_OF
        iso = row["week_start"].isocalendar()
        assert (row["iso_year"], row["iso_week"]) == (iso.year, iso.week)


def test_community_open_hazards(con, raw: dict[str, pl.DataFrame]) -> None:
    open_now = raw["hz"].filter(pl.col("rectified_date").is_null())
    expected = dict(open_now.group_by("community_code").len().iter_rows())
    got = dict(
        con.sql(
            "SELECT community_code, open_hazards FROM mart_community WHERE open_hazards > 0"
        ).fetchall()
    )
    assert got == expected
    total = con.sql("SELECT sum(open_hazards), count(*) FROM mart_community").fetchall()[0]
    assert total == (open_now.height, raw["communities"].height)


def test_mart_grid_has_one_row_per_grid(con, raw: dict[str, pl.DataFrame]) -> None:
    codes = [r[0] for r in con.sql("SELECT grid_code FROM mart_grid").fetchall()]
    assert len(codes) == raw["grids"].height
    assert set(codes) == set(raw["grids"]["grid_code"])
    open_total = con.sql("SELECT sum(open_hazards) FROM mart_grid").fetchall()[0][0]
    assert open_total == raw["hazards"]["rectified_date"].null_count()


# --- queries/figures.sql ----------------------------------------------------------------------

FIGURE_COLUMNS = [
    "place_code",
    "name_zh",
    "name_en",
    "population",
    "week_start",
    "iso_year",
    "iso_week",
    "new_hazards",
    "open_hazards",
    "major_open",
    "overdue",
    "ytd_found",
    "ytd_rectified",
    "rectification_rate",
    "carried_over_open",
    "items_checked",
    "items_compliant",
    "compliance_rate",
]
COUNTS = [
    "population",
    "new_hazards",
    "open_hazards",
    "major_open",
    "overdue",
    "ytd_found",
    "ytd_rectified",
    "carried_over_open",
    "items_checked",
    "items_compliant",
]
FROM, TO = date(2025, 12, 15), LAST_WEEK
DISTRICT = "410181"  # 巩义市


def _figures(con: duckdb.DuckDBPyConnection, by: str, district: str = "") -> pl.DataFrame:
    params = {"by": by, "district": district, "from": FROM, "to": TO}
    return runner.run(con, "figures", params)


def _totals(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.group_by("week_start")
        .agg(pl.col(COUNTS).cast(pl.Int64).sum())
        .sort("week_start")
        .select("week_start", *COUNTS)
    )


def test_figures_columns_and_places(con, raw: dict[str, pl.DataFrame]) -> None:
    weeks = (TO - FROM).days // 7 + 1
    city = _figures(con, "city")
    districts = _figures(con, "district")
    streets = _figures(con, "street", DISTRICT)
    for frame in (city, districts, streets):
        assert [c for c in FIGURE_COLUMNS if c not in frame.columns] == []
        assert frame["week_start"].min() == FROM and frame["week_start"].max() == TO
        assert frame["week_start"].n_unique() == weeks
    assert set(city["place_code"]) == {"410100"}
    assert city.height == weeks
    assert set(districts["place_code"]) == set(raw["districts"]["district_code"])
    assert districts.height == 12 * weeks
    unit_streets = raw["streets"].filter(pl.col("district_code") == DISTRICT)
    assert set(streets["place_code"]) == set(unit_streets["street_code"])
    assert streets.height == unit_streets.height * weeks
    names = dict(districts.select("place_code", "name_zh").unique().iter_rows())
    assert names == dict(raw["districts"].select("district_code", "name_zh").iter_rows())


def test_figures_totals_agree_across_levels(con) -> None:
    city = _figures(con, "city")
    districts = _figures(con, "district")
    one_district = districts.filter(pl.col("place_code") == DISTRICT)
    streets = _figures(con, "street", DISTRICT)
    assert _totals(city).equals(_totals(districts))
    assert _totals(one_district).equals(_totals(streets))
    assert city["open_hazards"].sum() > 0 and streets["items_checked"].sum() > 0


def test_figures_rates_come_from_their_counts(con) -> None:
    frame = _figures(con, "district")
    assert frame["ytd_found"].min() > 0 and frame["items_checked"].min() > 0
    rectification = frame["ytd_rectified"] / frame["ytd_found"]
    compliance = frame["items_compliant"] / frame["items_checked"]
    assert ((frame["rectification_rate"] - rectification).abs() < 1e-12).all()
    assert ((frame["compliance_rate"] - compliance).abs() < 1e-12).all()
    assert frame["rectification_rate"].is_between(0, 1).all()
    assert frame["compliance_rate"].is_between(0, 1).all()


def test_figures_last_week_matches_raw(con, raw: dict[str, pl.DataFrame]) -> None:
    """The city's last full week ends on the as-of date: its open count is every open hazard."""
    last = _figures(con, "city").filter(pl.col("week_start") == LAST_WEEK).row(0, named=True)
    hazards = raw["hazards"]
    assert last["open_hazards"] == hazards["rectified_date"].null_count()
    assert (
        last["overdue"]
        == hazards.filter(pl.col("rectified_date").is_null() & (pl.col("deadline") < AS_OF)).height
    )
    assert last["population"] == raw["districts"]["population"].sum()
    assert last["population"] == raw["communities"]["population"].cast(pl.Int64).sum()
