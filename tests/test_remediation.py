"""Remediation progress and whistle response, checked against the raw Parquet files.

Every expected figure is worked out here with polars from the raw tables (hazards joined to their
grid, community, street and district; whistle calls to their community's street and district),
following docs/remediation.md, never by reading the marts back. Percentiles are by nearest rank
(`nearest_rank` below), which a test shows to be DuckDB's quantile_disc.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest
from conftest import build_step, insert

from safetynet.demo.generate import DEFAULT_AS_OF
from safetynet.warehouse import runner

LAST_WEEK = DEFAULT_AS_OF - timedelta(days=6)  # the as-of date, 2026-11-29, is a Sunday
DISTRICT = "410105"
STREET = "410105001"
CITY = "410100"
PLACE_COLUMN = {
    "city": "city_code",
    "district": "district_code",
    "street": "street_code",
    "community": "community_code",
    "grid": "grid_code",
    "category": "category",
    "severity": "severity",
}
FILTERS = ("district", "street", "category", "severity")
COUNTS = [
    "found",
    "rectified",
    "rectified_on_time",
    "cohort_rectified",
    "cumulative_found",
    "cumulative_rectified",
    "major_found",
    "major_cohort_rectified",
    "major_cumulative_found",
    "major_cumulative_rectified",
    "open_end",
    "carried_open_end",
    "overdue_end",
    "open_0_7",
    "open_8_30",
    "open_31_90",
    "open_over_90",
    "supervised_open",
    "supervised_county",
    "supervised_city",
    "supervised_province",
    "supervised_overdue",
]
PAGE_QUERIES = [  # this part's page queries
    "remediation",
    "remediation_aging",
    "remediation_burndown",
    "remediation_supervision",
    "whistle_response",
]


# ------------------------------------------------------------------ fixtures and helpers


def nearest_rank(values: list[Any], numerator: int, denominator: int) -> Any:
    """The q-th percentile, q = numerator/denominator, by nearest rank: the value of rank ⌈q·n⌉."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = -(-numerator * len(ordered) // denominator)  # ceiling, in integers
    return ordered[max(rank, 1) - 1]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_week(raw: dict[str, pl.DataFrame]) -> date:
    return min(monday(raw["hazards"]["found_date"].min()), raw["inspections"]["week_start"].min())


def window(raw: dict[str, pl.DataFrame], first: date, last: date) -> tuple[date, date]:
    """The window the queries count: whole weeks, kept within dim_week (Monday, Sunday)."""
    a = max(monday(first), first_week(raw))
    b = min(monday(last), LAST_WEEK)
    return a, b + timedelta(days=6)


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    return runner.run(con, name, params)


def filtered(hz: pl.DataFrame, filters: dict[str, str]) -> pl.DataFrame:
    for name in FILTERS:
        if filters.get(name):
            hz = hz.filter(pl.col(PLACE_COLUMN[name]) == filters[name])
    return hz


def open_at(day: date) -> pl.Expr:
    """Found by `day` and not rectified by then."""
    fixed = pl.col("rectified_date")
    return (pl.col("found_date") <= day) & (fixed.is_null() | (fixed > day))


def stocks_at(day: date) -> dict[str, pl.Expr]:
    """The stock figures at the end of `day`, as polars sums over hazards."""
    is_open = open_at(day)
    age = (pl.lit(day) - pl.col("found_date")).dt.total_days()
    level = pl.col("supervision_level")
    overdue = is_open & (pl.col("deadline") < day)
    return {
        "open_end": is_open.sum(),
        "overdue_end": overdue.sum(),
        "open_0_7": (is_open & (age <= 7)).sum(),
        "open_8_30": (is_open & age.is_between(8, 30)).sum(),
        "open_31_90": (is_open & age.is_between(31, 90)).sum(),
        "open_over_90": (is_open & (age > 90)).sum(),
        "supervised_open": (is_open & level.is_not_null()).sum(),
        "supervised_county": (is_open & (level == "county")).sum(),
        "supervised_city": (is_open & (level == "city")).sum(),
        "supervised_province": (is_open & (level == "province")).sum(),
        "supervised_overdue": (overdue & level.is_not_null()).sum(),
    }


def expected_groups(raw: dict[str, pl.DataFrame], level: str, f: dict[str, str]) -> list[str]:
    """Every place under the filters, or every category / severity in the data."""
    if level == "city":
        return [CITY]
    if level in ("category", "severity"):
        hz = raw["hazards"]
        for name in ("category", "severity"):
            if f.get(name):
                hz = hz.filter(pl.col(name) == f[name])
        return sorted(hz[level].unique().to_list())
    streets = raw["streets"].select("street_code", "district_code")
    places = {
        "district": raw["districts"].select("district_code"),
        "street": streets,
        "community": raw["communities"]
        .select("community_code", "street_code")
        .join(streets, on="street_code"),
        "grid": raw["place"],
    }[level]
    if f.get("district"):
        places = places.filter(pl.col("district_code") == f["district"])
    if f.get("street"):
        street = streets.filter(pl.col("street_code") == f["street"])
        key = "district_code" if level == "district" else "street_code"
        places = places.filter(pl.col(key).is_in(street[key].implode()))
    return sorted(places[PLACE_COLUMN[level]].unique().to_list())


def share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def young_gap(days: list[int], window_days: int) -> float | None:
    """The share of a steady stream of hazards found over the window that would still be open at
    its end only because it was found too recently, given these days to rectify."""
    if not days:
        return None
    return sum(min(d, window_days) for d in days) / (window_days * len(days))


def expected_remediation(
    raw: dict[str, pl.DataFrame], level: str, f: dict[str, str], a: date, last: date
) -> dict[str, dict[str, Any]]:
    column = PLACE_COLUMN[level]
    found, fixed = pl.col("found_date"), pl.col("rectified_date")
    major = pl.col("severity") == "major"
    year_start = date((last - timedelta(days=6)).isocalendar().year, 1, 1)
    hz = filtered(raw["hz"], f).filter(found <= last).with_columns(city_code=pl.lit(CITY))
    figures = hz.group_by(column).agg(
        found=(found >= a).sum(),
        rectified=fixed.is_between(a, last).sum(),
        rectified_on_time=(fixed.is_between(a, last) & (fixed <= pl.col("deadline"))).sum(),
        cohort_rectified=((found >= a) & (fixed <= last)).sum(),
        cumulative_found=pl.len(),
        cumulative_rectified=(fixed <= last).sum(),
        major_found=(major & (found >= a)).sum(),
        major_cohort_rectified=(major & (found >= a) & (fixed <= last)).sum(),
        major_cumulative_found=major.sum(),
        major_cumulative_rectified=(major & (fixed <= last)).sum(),
        carried_open_end=(open_at(last) & (found < year_start)).sum(),
        **stocks_at(last),
    )
    by_group = {row[column]: row for row in figures.iter_rows(named=True)}
    days = (
        hz.filter(fixed.is_between(a, last))
        .with_columns(days=(fixed - found).dt.total_days())
        .group_by(column)
        .agg(pl.col("days"), major_days=pl.col("days").filter(major))
    )
    day_lists = {row[column]: row for row in days.iter_rows(named=True)}
    window_days = (last - a).days + 1
    out = {}
    for group in expected_groups(raw, level, f):
        row: dict[str, Any] = {k: int(by_group.get(group, {}).get(k) or 0) for k in COUNTS}
        row["year_start"] = year_start
        row["on_time_rate"] = share(row["rectified_on_time"], row["rectified"])
        row["cohort_rate"] = share(row["cohort_rectified"], row["found"])
        row["cumulative_rate"] = share(row["cumulative_rectified"], row["cumulative_found"])
        row["major_cohort_rate"] = share(row["major_cohort_rectified"], row["major_found"])
        row["major_cumulative_rate"] = share(
            row["major_cumulative_rectified"], row["major_cumulative_found"]
        )
        spent = day_lists.get(group, {"days": [], "major_days": []})
        row["rectify_days_median"] = nearest_rank(spent["days"], 1, 2)
        row["rectify_days_p90"] = nearest_rank(spent["days"], 9, 10)
        for prefix, key in (("", "days"), ("major_", "major_days")):
            gap = young_gap(spent[key], window_days)
            row[f"{prefix}cohort_young_gap"] = gap
            row[f"{prefix}cohort_is_young"] = None if gap is None else gap > 0.1
        out[group] = row
    return out


def assert_rows_equal(got: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    for key, value in expected.items():
        if isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=1e-12), f"{where}: {key}"
        else:
            assert got[key] == value, f"{where}: {key} is {got[key]}, expected {value}"


# ------------------------------------------------------------------ the percentile method


def test_nearest_rank_is_duckdb_quantile_disc() -> None:
    rng = np.random.default_rng(7)
    vectors = [[1, 2, 3, 4], [1, 2, 3, 4, 5], list(range(1, 11)), [5]]
    vectors += [rng.integers(0, 40, int(n)).tolist() for n in rng.integers(1, 60, 40)]
    with duckdb.connect() as db:
        for values in vectors:
            got = db.sql(
                "SELECT quantile_disc(x, 0.5), quantile_disc(x, 0.9) FROM unnest($v) t(x)",
                params={"v": values},
            ).fetchall()[0]
            assert got == (nearest_rank(values, 1, 2), nearest_rank(values, 9, 10)), values
    assert (nearest_rank([1, 2, 3, 4], 1, 2), nearest_rank([1, 2, 3, 4, 5], 9, 10)) == (2, 5)


# ------------------------------------------------------------------ remediation.sql

REMEDIATION_CASES = [
    ("city", {}, date(2026, 6, 1), date(2026, 11, 29)),
    # one week holding 1 January: young cohorts, hazards carried over from 2025
    ("city", {"district": DISTRICT}, date(2025, 12, 29), date(2026, 1, 4)),
    ("district", {}, date(2026, 6, 1), date(2026, 11, 29)),
    ("street", {"district": DISTRICT}, date(2025, 7, 14), date(2025, 7, 20)),
    # Tuesday to Tuesday: the window grows to whole weeks, 2024-01-01 to 2025-01-05
    ("category", {"severity": "major"}, date(2024, 1, 2), date(2024, 12, 31)),
    # before the first week and after the last: kept within the data's weeks
    ("severity", {"district": "410181", "category": "wiring"}, date(2020, 1, 1), date(2027, 1, 1)),
    ("community", {"street": STREET}, date(2026, 1, 5), date(2026, 3, 29)),
    (
        "community",
        {"district": DISTRICT, "category": "fire"},
        date(2025, 11, 24),
        date(2026, 11, 29),
    ),
    ("grid", {"street": STREET}, date(2026, 6, 1), date(2026, 11, 29)),
    ("street", {"street": STREET, "severity": "general"}, date(2024, 6, 3), date(2024, 9, 29)),
]


@pytest.mark.parametrize(
    ("level", "f", "first", "last"), REMEDIATION_CASES, ids=lambda x: str(x) if x else "-"
)
def test_remediation_matches_raw(
    con, raw: dict[str, pl.DataFrame], level: str, f: dict[str, str], first: date, last: date
) -> None:
    params = {name: f.get(name, "") for name in FILTERS}
    got = run(con, "remediation", level=level, first=first, last=last, **params)
    a, end = window(raw, first, last)
    assert set(got["window_first"]) == {a} and set(got["window_last"]) == {end}
    assert set(got["weeks"]) == {((end - a).days + 1) // 7}
    assert set(got["level"]) == {level}
    expected = expected_remediation(raw, level, f, a, end)
    assert got["group_code"].to_list() == list(expected)
    for row in got.iter_rows(named=True):
        assert_rows_equal(row, expected[row["group_code"]], f"{level} {row['group_code']}")
    assert got["found"].sum() > 0 and got["cumulative_found"].sum() > 0, "an empty case"


@pytest.mark.parametrize("age", [7, 8, 30, 31, 90, 91])
def test_remediation_age_bucket_edges(con, raw: dict[str, pl.DataFrame], age: int) -> None:
    """A window ending on a Sunday when some open hazard is exactly `age` days old, read from the
    weekly marts (its district) and from mart_hazard (its street's communities)."""
    sundays = [LAST_WEEK + timedelta(days=6 - 7 * k) for k in range(150)]
    hz = raw["hz"]
    for sunday in sundays:
        hit = hz.filter(open_at(sunday) & (pl.col("found_date") == sunday - timedelta(days=age)))
        if hit.height:
            break
    else:
        pytest.fail(f"no hazard open at a week's end exactly {age} days after it was found")
    place = hit.row(0, named=True)
    first = sunday - timedelta(days=27)
    for level, f in (
        ("district", {"district": place["district_code"]}),
        ("community", {"street": place["street_code"]}),
    ):
        params = {name: f.get(name, "") for name in FILTERS}
        got = run(con, "remediation", level=level, first=first, last=sunday, **params)
        expected = expected_remediation(raw, level, f, monday(first), sunday)
        for row in got.iter_rows(named=True):
            assert_rows_equal(row, expected[row["group_code"]], f"{level} {row['group_code']}")


def test_remediation_levels_agree(con) -> None:
    """The street's row (from the weekly marts) is the sum of its communities and of its grids
    (from mart_hazard): the two ways of counting agree. The city's row is the sum of its units'."""
    params = {
        "district": "",
        "category": "",
        "severity": "",
        "first": "2026-03-02",
        "last": "2026-11-29",
    }
    street = run(con, "remediation", level="street", street=STREET, **params)
    summed = street.select(COUNTS).sum()
    for level in ("community", "grid"):
        parts = run(con, "remediation", level=level, street=STREET, **params)
        assert parts.select(COUNTS).sum().row(0) == summed.row(0), level
    city = run(con, "remediation", level="city", street="", **params)
    units = run(con, "remediation", level="district", street="", **params)
    assert city.select(COUNTS).row(0) == units.select(COUNTS).sum().row(0)
    assert (city["group_code"][0], city["group_name"][0]) == (CITY, "郑州市")


def test_short_windows_read_as_young(con) -> None:
    """One week's cohort is young by construction; half a year's is not, unless the hazards take
    months to rectify, as major ones do."""
    params = {"district": "", "street": "", "category": "", "severity": "", "last": LAST_WEEK}
    week = run(con, "remediation", level="city", first=LAST_WEEK, **params).row(0, named=True)
    half_year = run(con, "remediation", level="city", first=LAST_WEEK - timedelta(weeks=25),
                    **params).row(0, named=True)  # fmt: skip
    assert week["cohort_is_young"] and week["cohort_young_gap"] > half_year["cohort_young_gap"]
    assert not half_year["cohort_is_young"] and half_year["major_cohort_is_young"]


# Constructed: one street, one community, one grid; a window of two weeks, 2025-12-29 (ISO
# 2026-W01, holding 1 January) to 2026-01-11, the last whole week before the as-of date (a
# Wednesday, 2026-01-14).
WINDOW_HAZARDS = [  # hazard, severity, found, deadline, rectified (None: open)
    ("k1", "general", date(2025, 12, 1), date(2025, 12, 8), None),  # carried over, overdue
    ("k2", "general", date(2025, 12, 30), date(2026, 1, 6), date(2026, 1, 6)),  # on its deadline
    ("k3", "general", date(2026, 1, 2), date(2026, 1, 5), date(2026, 1, 6)),  # a day late
    ("k4", "major", date(2025, 11, 3), date(2026, 1, 2), date(2026, 1, 10)),  # late, old
    ("k5", "major", date(2026, 1, 5), date(2026, 3, 5), None),
    ("k6", "major", date(2025, 12, 31), date(2026, 2, 28), date(2026, 1, 3)),
    ("k7", "general", date(2025, 12, 20), date(2025, 12, 27), None),  # carried over, overdue
    ("k8", "general", date(2026, 1, 6), date(2026, 1, 20), date(2026, 1, 13)),  # fixed after it
]
WINDOW_FIGURES = {
    "found": 5,  # k2 k3 k5 k6 k8
    "rectified": 4,  # k2 k3 k4 k6
    "rectified_on_time": 2,  # k2 (on the deadline day) k6
    "on_time_rate": 0.5,
    "cohort_rectified": 3,  # k2 k3 k6
    "cohort_rate": 0.6,
    "cumulative_found": 8,
    "cumulative_rectified": 4,
    "major_found": 2,  # k5 k6
    "major_cohort_rectified": 1,  # k6
    "major_cohort_rate": 0.5,
    "major_cumulative_found": 3,  # k4 k5 k6
    "major_cumulative_rectified": 2,
    "major_cumulative_rate": 2 / 3,
    "open_end": 4,  # k1 k5 k7 k8
    "carried_open_end": 2,  # k1 k7: found before 1 January 2026
    "overdue_end": 2,
    "year_start": date(2026, 1, 1),
    # days to rectify in the window: 7 (k2), 4 (k3), 68 (k4), 3 (k6); the window has 14 days
    "rectify_days_median": 4,
    "rectify_days_p90": 68,
    "cohort_young_gap": (7 + 4 + 14 + 3) / (14 * 4),
    "cohort_is_young": True,
    "major_cohort_young_gap": (14 + 3) / (14 * 2),
}


@pytest.mark.parametrize("last", [date(2026, 1, 7), date(2026, 1, 14)], ids=str)
@pytest.mark.parametrize("level", ["city", "street", "severity", "community", "grid"])
def test_remediation_constructed(blank: duckdb.DuckDBPyConnection, level: str, last: date) -> None:
    """Every figure by hand, from the weekly marts (city, street, severity) and from mart_hazard
    (community, grid); a window asked to run into the unfinished week ends with the last whole
    one."""
    first = date(2025, 11, 3)
    mondays = [first + timedelta(weeks=k) for k in range(10)]  # to 2026-01-05
    insert(blank, "meta_build", [{"as_of": date(2026, 1, 14)}])
    insert(blank, "dim_week", [
        {"week_start": m, "week_end": m + timedelta(days=6), "iso_year": m.isocalendar().year,
         "iso_week": m.isocalendar().week}
        for m in mondays
    ])  # fmt: skip
    insert(blank, "dim_district", [{"district_code": "D", "name_zh": "区"}])
    insert(blank, "dim_street", [{"street_code": "S", "district_code": "D", "name_zh": "街道"}])
    insert(blank, "dim_community", [
        {"community_code": "C", "street_code": "S", "district_code": "D", "name_zh": "社区"}
    ])  # fmt: skip
    insert(blank, "dim_grid", [
        {"grid_code": "G", "community_code": "C", "street_code": "S", "district_code": "D"}
    ])  # fmt: skip
    insert(blank, "stg_hazards", [
        {"hazard_id": h, "grid_code": "G", "category": "fire", "severity": severity,
         "supervision_level": "county" if severity == "major" else None, "found_date": found,
         "deadline": deadline, "rectified_date": fixed}
        for h, severity, found, deadline, fixed in WINDOW_HAZARDS
    ])  # fmt: skip
    build_step(blank, "20_mart_hazard.sql")
    build_step(blank, "70_mart_remediation.sql")
    got = run(
        blank, "remediation", level=level, district="", street="S", category="", severity="",
        first=date(2025, 12, 31), last=last,
    )  # fmt: skip
    assert got["window_first"][0] == date(2025, 12, 29)
    assert got["window_last"][0] == date(2026, 1, 11)
    if level == "severity":  # one row each; their counts add up to the figures
        assert got["group_code"].to_list() == ["general", "major"]
        assert got["major_found"].to_list() == [0, 2]
        counts = [k for k in COUNTS if k in WINDOW_FIGURES]
        summed = got.select(counts).sum().row(0, named=True)
        assert_rows_equal(summed, {k: WINDOW_FIGURES[k] for k in counts}, level)
        return
    assert got.height == 1
    row = got.row(0, named=True)
    assert_rows_equal(row, WINDOW_FIGURES, level)
    assert row["major_cohort_is_young"] is True


def test_remediation_names_and_parents(con, raw: dict[str, pl.DataFrame]) -> None:
    got = run(
        con, "remediation", level="community", district=DISTRICT, street="", category="",
        severity="", first=date(2026, 11, 23), last=date(2026, 11, 29),
    )  # fmt: skip
    names = raw["communities"].join(
        raw["streets"].select("street_code", "district_code"), on="street_code"
    )
    names = names.filter(pl.col("district_code") == DISTRICT).sort("community_code")
    assert got["group_name"].to_list() == names["name_zh"].to_list()
    assert got["street_code"].to_list() == names["street_code"].to_list()
    assert set(got["district_code"]) == {DISTRICT}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"level": "community"}, "community rows need"),
        ({"level": "grid", "district": DISTRICT}, "grid rows need"),
        ({"level": "unit"}, "must be"),
        ({"level": "district", "first": "2027-01-04", "last": "2027-02-01"}, "no whole week"),
    ],
)
def test_remediation_refuses_what_would_be_too_big_or_wrong(
    con, params: dict[str, str], message: str
) -> None:
    base = {"district": "", "street": "", "category": "", "severity": ""}
    base |= {"first": "2026-06-01", "last": "2026-11-29"}
    with pytest.raises(duckdb.Error, match=message):
        run(con, "remediation", **(base | params))


# ------------------------------------------------------------------ the weekly mart


def test_weekly_mart_matches_mart_street_week(con) -> None:
    """Summed over categories and severities, every street and week agrees with mart_street_week
    (built independently, from +1/−1 steps); weeks missing from the sparse mart are zeros."""
    mine = con.sql(
        "SELECT street_code, week_start, sum(found)::BIGINT AS found, "
        "sum(rectified)::BIGINT AS rectified, sum(open_end)::BIGINT AS open_end, "
        "sum(overdue_end)::BIGINT AS overdue_end, "
        "sum(carried_open_end)::BIGINT AS carried_open_end, "
        "sum(open_0_7 + open_8_30 + open_31_90 + open_over_90)::BIGINT AS aged "
        "FROM mart_remediation_week GROUP BY ALL"
    ).pl()
    theirs = con.sql(
        "SELECT street_code, week_start, new_hazards::BIGINT AS found, rectified::BIGINT AS "
        "rectified, open_end::BIGINT AS open_end, overdue_end::BIGINT AS overdue_end, "
        "carried_open_end::BIGINT AS carried_open_end FROM mart_street_week"
    ).pl()
    both = theirs.join(mine, on=["street_code", "week_start"], how="left", suffix="_mine")
    assert both.height == theirs.height and mine.height < theirs.height  # sparse
    both = both.fill_null(0)
    for figure in ("found", "rectified", "open_end", "overdue_end", "carried_open_end"):
        assert (both[figure] == both[f"{figure}_mine"]).all(), figure
    assert (both["aged"] == both["open_end"]).all()
    assert both["open_end"].sum() > 0


def test_rectified_mart_counts_every_rectified_hazard(con, raw: dict[str, pl.DataFrame]) -> None:
    total, days = con.sql(
        "SELECT sum(hazards), sum(hazards * days_to_rectify) FROM mart_rectified"
    ).fetchall()[0]
    fixed = raw["hazards"].filter(pl.col("rectified_date").is_not_null())
    spent = (fixed["rectified_date"] - fixed["found_date"]).dt.total_days()
    assert (total, days) == (fixed.height, spent.sum())


# ------------------------------------------------------------------ burn-down and aging


@pytest.mark.parametrize(
    ("level", "f", "first", "last"),
    [
        ("all", {"district": DISTRICT}, date(2026, 6, 1), date(2026, 11, 29)),
        ("district", {"category": "flood"}, date(2025, 6, 2), date(2025, 9, 28)),
        ("severity", {"street": STREET}, date(2024, 12, 30), date(2025, 3, 30)),
    ],
    ids=["all", "district", "severity"],
)
def test_burndown_matches_raw(
    con, raw: dict[str, pl.DataFrame], level: str, f: dict[str, str], first: date, last: date
) -> None:
    params = {name: f.get(name, "") for name in FILTERS}
    got = run(con, "remediation_burndown", level=level, first=first, last=last, **params)
    a, end = window(raw, first, last)
    weeks = [a + timedelta(weeks=k) for k in range(((end - a).days + 1) // 7)]
    groups = ["all"] if level == "all" else expected_groups(raw, level, f)
    assert got.height == len(groups) * len(weeks)
    assert set(got["window_first"]) == {a} and set(got["window_last"]) == {end}
    hz = filtered(raw["hz"], f).with_columns(
        group=pl.lit("all") if level == "all" else pl.col(PLACE_COLUMN[level])
    )
    found, fixed = pl.col("found_date"), pl.col("rectified_date")
    rows = {(r["group_code"], r["week_start"]): r for r in got.iter_rows(named=True)}
    for week in weeks:
        sunday = week + timedelta(days=6)
        stocks = stocks_at(sunday)
        figures = hz.group_by("group").agg(
            found=found.is_between(week, sunday).sum(),
            rectified=fixed.is_between(week, sunday).sum(),
            **{k: stocks[k] for k in ("open_end", "overdue_end", "open_0_7", "open_8_30",
                                      "open_31_90", "open_over_90", "supervised_open")},
        )  # fmt: skip
        expected = {r.pop("group"): r for r in figures.iter_rows(named=True)}
        for group in groups:
            row = rows[(group, week)]
            assert row["week_end"] == sunday
            want = expected.get(group) or dict.fromkeys(figures.columns[1:], 0)
            assert_rows_equal(row, {k: int(v) for k, v in want.items()}, f"{group} {week}")


def test_burndown_open_follows_found_and_rectified(con) -> None:
    """open_end of a week = open_end of the week before + found − rectified."""
    got = run(
        con, "remediation_burndown", level="district", district="", street="", category="",
        severity="", first=date(2025, 1, 6), last=date(2026, 11, 29),
    )  # fmt: skip
    steps = got.sort("group_code", "week_start").with_columns(
        before=pl.col("open_end").shift(1).over("group_code")
    )
    steps = steps.filter(pl.col("before").is_not_null())
    assert (steps["open_end"] == steps["before"] + steps["found"] - steps["rectified"]).all()


def test_burndown_by_street_is_mart_street_week(con) -> None:
    got = run(
        con, "remediation_burndown", level="street", district=DISTRICT, street="", category="",
        severity="", first=date(2025, 6, 2), last=date(2025, 8, 31),
    )  # fmt: skip
    theirs = con.sql(
        "SELECT street_code AS group_code, week_start, new_hazards AS found, rectified, open_end, "
        "overdue_end FROM mart_street_week WHERE district_code = $d "
        "AND week_start BETWEEN DATE '2025-06-02' AND DATE '2025-08-25' ORDER BY ALL",
        params={"d": DISTRICT},
    ).pl()
    mine = got.select(theirs.columns).sort("group_code", "week_start")
    assert mine.cast(theirs.schema).equals(theirs)


def test_aging_matches_raw(con, raw: dict[str, pl.DataFrame]) -> None:
    got = run(
        con, "remediation_aging", level="street", district=DISTRICT, street="", category="",
        severity="", last=date(2025, 7, 16),  # a Wednesday: read on that week's Sunday
    )  # fmt: skip
    sunday = date(2025, 7, 20)
    assert set(got["as_of_date"]) == {sunday}
    hz = raw["hz"].filter(pl.col("district_code") == DISTRICT)
    stocks = stocks_at(sunday)
    names = ["open_0_7", "open_8_30", "open_31_90", "open_over_90"]
    figures = hz.group_by("street_code").agg(**{k: stocks[k] for k in names})
    expected = {r.pop("street_code"): list(r.values()) for r in figures.iter_rows(named=True)}
    groups = expected_groups(raw, "street", {"district": DISTRICT})
    assert got["group_code"].to_list() == [g for g in groups for _ in names]
    assert got["bucket"].to_list()[:4] == ["0-7", "8-30", "31-90", ">90"]
    for row in got.iter_rows(named=True):
        counts = expected.get(row["group_code"], [0, 0, 0, 0])
        assert row["open_hazards"] == counts[row["bucket_order"] - 1]
        assert row["open_total"] == sum(counts)
        if sum(counts):
            assert row["share"] == pytest.approx(row["open_hazards"] / sum(counts))
    assert got["open_hazards"].sum() > 0


# ------------------------------------------------------------------ supervision list


@pytest.mark.parametrize(
    "params",
    [
        {"district": "", "street": "", "supervision": "", "last": date(2026, 11, 29)},
        {"district": DISTRICT, "street": "", "supervision": "county", "last": date(2025, 7, 20)},
    ],
    ids=["city", "district-county"],
)
def test_supervision_list_matches_raw(
    con, raw: dict[str, pl.DataFrame], params: dict[str, Any]
) -> None:
    got = run(con, "remediation_supervision", **params)
    sunday = params["last"]
    hz = raw["hz"].filter(open_at(sunday) & pl.col("supervision_level").is_not_null())
    hz = filtered(hz, params)
    if params["supervision"]:
        hz = hz.filter(pl.col("supervision_level") == params["supervision"])
    assert 0 < hz.height <= 500
    assert set(got["listed_of"]) == {hz.height}
    assert sorted(got["hazard_id"]) == sorted(hz["hazard_id"])
    assert set(got["as_of_date"]) == {sunday}
    expected = {r["hazard_id"]: r for r in hz.iter_rows(named=True)}
    names = {
        kind: dict(raw[f"{kind}s"].select(f"{kind}_code", "name_zh").iter_rows())
        for kind in ("district", "street")
    }
    names["community"] = dict(raw["communities"].select("community_code", "name_zh").iter_rows())
    for row in got.iter_rows(named=True):
        want = expected[row["hazard_id"]]
        for kind in ("district", "street", "community"):
            assert row[f"{kind}_code"] == want[f"{kind}_code"]
            assert row[f"{kind}_name"] == names[kind][want[f"{kind}_code"]]
        assert (row["grid_code"], row["category"]) == (want["grid_code"], want["category"])
        assert row["supervision_level"] == want["supervision_level"]
        assert row["days_open"] == (sunday - want["found_date"]).days
        assert row["overdue"] == (want["deadline"] < sunday)
        assert row["days_overdue"] == max(0, (sunday - want["deadline"]).days)
    order = got.select("level_order", -pl.col("days_overdue"), "found_date").rows()
    assert order == sorted(order)
    assert got["level_order"].to_list() == [
        {"province": 1, "city": 2, "county": 3}[x] for x in got["supervision_level"]
    ]


# ------------------------------------------------------------------ whistle response


def resolution_windows(calls: pl.DataFrame) -> dict[str, float]:
    """Each department's resolution window in seconds: the 95th percentile (nearest rank) of its
    resolved calls' seconds from call to resolution, and at least its promised arrival time."""
    spent = (pl.col("resolved_at") - pl.col("called_at")).dt.total_seconds().alias("seconds")
    out = {}
    for (department,), part in calls.group_by("department"):
        p95 = nearest_rank(part.select(spent)["seconds"].drop_nulls().to_list(), 95, 100)
        out[department] = max(p95 or 0, part["promised_hours"].max() * 3600)
    return out


def expected_whistle(
    raw: dict[str, pl.DataFrame], by: str, district: str, department: str, first: date, last: date
) -> dict[str, dict[str, Any]]:
    """Whistle figures as docs/remediation.md §4 defines them, read at 24:00 of the as-of day."""
    end = datetime.combine(DEFAULT_AS_OF + timedelta(days=1), time())
    windows = resolution_windows(raw["calls"])
    calls = raw["calls"].filter(pl.col("called_at").dt.date().is_between(first, last))
    if district:
        calls = calls.filter(pl.col("district_code") == district)
    if department:
        calls = calls.filter(pl.col("department") == department)
    to_end = (pl.lit(end) - pl.col("called_at")).dt.total_seconds()
    calls = calls.with_columns(
        hours=(pl.col("arrived_at") - pl.col("called_at")).dt.total_seconds() / 3600,
        to_resolve=(pl.col("resolved_at") - pl.col("called_at")).dt.total_seconds() / 3600,
        window=pl.col("department").replace_strict(windows),
        pending=pl.col("arrived_at").is_null() & (to_end <= pl.col("promised_hours") * 3600),
    ).with_columns(
        pending_resolution=pl.col("resolved_at").is_null() & (to_end <= pl.col("window")),
        group=pl.lit(CITY) if by == "city" else pl.col(PLACE_COLUMN.get(by, by)),
    )
    out = {}
    for (group,), part in calls.group_by("group"):
        n = part.height
        arrived = part.filter(pl.col("arrived_at").is_not_null())
        on_time = arrived.filter(pl.col("hours") <= pl.col("promised_hours")).height
        resolved = part.filter(pl.col("resolved_at").is_not_null())
        pending, pending_resolution = part["pending"].sum(), part["pending_resolution"].sum()
        promises, spans = part["promised_hours"].unique(), part["window"].unique()
        out[group] = {
            "calls": n,
            "arrived": arrived.height,
            "not_arrived": n - arrived.height,
            "pending": pending,
            "promised_hours": promises[0] if promises.len() == 1 else None,
            "arrival_hours_median": nearest_rank(arrived["hours"].to_list(), 1, 2),
            "arrival_hours_p90": nearest_rank(arrived["hours"].to_list(), 9, 10),
            "within_promise": on_time,
            "response_due": n - pending,
            "within_promise_share": share(on_time, n - pending),
            "resolved": resolved.height,
            "pending_resolution": pending_resolution,
            "unresolved": n - pending_resolution - resolved.height,
            "resolution_due": n - pending_resolution,
            "resolution_rate": share(resolved.height, n - pending_resolution),
            "resolution_window_hours": spans[0] / 3600 if spans.len() == 1 else None,
            "resolution_hours_median": nearest_rank(resolved["to_resolve"].to_list(), 1, 2),
        }
    return dict(sorted(out.items()))


@pytest.mark.parametrize(
    ("by", "district", "department", "first", "last"),
    [
        ("department", "", "", date(2026, 6, 1), date(2026, 11, 29)),
        ("district", "", "water", date(2023, 11, 27), date(2026, 11, 29)),
        ("department", DISTRICT, "", date(2025, 7, 1), date(2025, 7, 31)),
        ("city", "", "", date(2026, 11, 23), date(2026, 11, 29)),  # the latest week: young calls
        ("city", DISTRICT, "housing", date(2026, 11, 1), date(2026, 11, 29)),
    ],
    ids=["by-department", "water-by-district", "one-district-one-month", "city-latest-week",
         "city-one-district-housing"],
)  # fmt: skip
def test_whistle_response_matches_raw(
    con, raw: dict[str, pl.DataFrame], by: str, district: str, department: str, first: date,
    last: date,
) -> None:  # fmt: skip
    got = run(
        con, "whistle_response", by=by, district=district, department=department, first=first,
        last=last,
    )  # fmt: skip
    expected = expected_whistle(raw, by, district, department, first, last)
    assert got["group_code"].to_list() == list(expected)
    assert set(got["window_first"]) == {first} and set(got["window_last"]) == {last}
    for row in got.iter_rows(named=True):
        assert_rows_equal(row, expected[row["group_code"]], f"{by} {row['group_code']}")
    if by == "department" and not district:
        assert got["not_arrived"].sum() > 0 and got["unresolved"].sum() > 0  # both occur
    if by == "district":
        names = dict(raw["districts"].select("district_code", "name_zh").iter_rows())
        assert got["group_name"].to_list() == [names[c] for c in got["group_code"]]
    if by == "city":
        assert got["group_name"].to_list() == ["郑州市"]
    if last == DEFAULT_AS_OF and first > DEFAULT_AS_OF - timedelta(days=7):
        assert got["pending_resolution"].sum() > 0  # calls of the last days are still open


# Constructed: the as-of day is 2026-11-29, read at 24:00. Water promises 2 hours; its twenty
# resolved calls of 1 November took 1 … 20 hours, so its resolution window is the 19th (95th
# percentile by nearest rank): 19 hours. Housing promises 24 hours and resolved its calls within
# an hour, so its window is its promise, 24 hours.
AS_OF_END = datetime(2026, 11, 30)
WHISTLE_CALLS = [  # call, department, called, arrived, resolved
    *[("w", "water", datetime(2026, 11, 1, 10), datetime(2026, 11, 1, 10, 30),
       datetime(2026, 11, 1, 10) + timedelta(hours=k)) for k in range(1, 21)],
    *[("h", "housing", datetime(2026, 11, 1, 10), datetime(2026, 11, 1, 10, 30),
       datetime(2026, 11, 1, 11)) for _ in range(3)],
    ("e1", "water", AS_OF_END - timedelta(hours=2), None, None),  # promise ends at 24:00: pending
    ("e2", "water", AS_OF_END - timedelta(hours=2, seconds=1), None, None),  # ran out: late
    ("e3", "water", datetime(2026, 11, 29, 23), datetime(2026, 11, 29, 23, 30), None),
    ("e4", "water", AS_OF_END - timedelta(hours=19), AS_OF_END - timedelta(hours=16), None),
    ("e5", "water", AS_OF_END - timedelta(hours=19, seconds=1),
     AS_OF_END - timedelta(hours=18, minutes=30), None),  # past the window: unresolved
    ("e6", "water", datetime(2026, 11, 28, 10), datetime(2026, 11, 28, 12),  # at its promise
     datetime(2026, 11, 28, 20)),
    ("e7", "housing", datetime(2026, 11, 29, 1), datetime(2026, 11, 29, 2), None),
]  # fmt: skip
WHISTLE_FIGURES = {  # calls of 28–29 November
    "water": {
        "calls": 6, "arrived": 4, "not_arrived": 2, "pending": 1,  # e1
        "within_promise": 3, "response_due": 5, "within_promise_share": 3 / 5,  # e3 e5 e6
        "resolved": 1, "pending_resolution": 4, "unresolved": 1,  # e6; e1–e4; e5
        "resolution_due": 2, "resolution_rate": 1 / 2,
        "promised_hours": 2.0, "resolution_window_hours": 19.0,
    },
    "housing": {
        "calls": 1, "pending": 0, "within_promise": 1, "within_promise_share": 1.0,
        "resolved": 0, "pending_resolution": 1, "unresolved": 0, "resolution_due": 0,
        "resolution_rate": None, "resolution_window_hours": 24.0,
    },
    CITY: {
        "calls": 7, "pending": 1, "within_promise": 4, "response_due": 6,
        "within_promise_share": 4 / 6, "resolved": 1, "pending_resolution": 5, "unresolved": 1,
        "resolution_due": 2, "resolution_rate": 1 / 2, "promised_hours": None,
        "resolution_window_hours": None,
    },
}  # fmt: skip


@pytest.mark.parametrize("by", ["department", "city"])
def test_whistle_pending_constructed(blank: duckdb.DuckDBPyConnection, by: str) -> None:
    insert(blank, "meta_build", [{"as_of": date(2026, 11, 29)}])
    monday = date(2026, 10, 26)
    insert(blank, "dim_week", [
        {"week_start": monday + timedelta(weeks=k), "week_end": monday + timedelta(weeks=k, days=6)}
        for k in range(5)
    ])  # fmt: skip
    insert(blank, "dim_community", [
        {"community_code": "C", "street_code": "S", "district_code": "D"}
    ])  # fmt: skip
    insert(blank, "stg_whistle_calls", [
        {"call_id": f"{call}{k}", "community_code": "C", "department": department,
         "called_at": called, "arrived_at": arrived, "resolved_at": resolved,
         "promised_hours": 2.0 if department == "water" else 24.0}
        for k, (call, department, called, arrived, resolved) in enumerate(WHISTLE_CALLS)
    ])  # fmt: skip
    build_step(blank, "71_mart_whistle.sql")
    got = run(
        blank, "whistle_response", by=by, district="", department="",
        first=date(2026, 11, 28), last=date(2026, 11, 29),
    )  # fmt: skip
    rows = {row["group_code"]: row for row in got.iter_rows(named=True)}
    want = {k: v for k, v in WHISTLE_FIGURES.items() if (k == CITY) == (by == "city")}
    assert list(rows) == sorted(want)
    for group, figures in want.items():
        assert_rows_equal(rows[group], figures, group)
    week = blank.sql(
        "SELECT sum(pending), sum(pending_resolution) FROM mart_whistle_week "
        "WHERE week_start = DATE '2026-11-23'"
    ).fetchall()[0]
    assert week == (1, 5)


def test_whistle_week_sums_to_the_window(con, raw: dict[str, pl.DataFrame]) -> None:
    first, last = date(2026, 8, 31), date(2026, 11, 29)  # 13 whole weeks
    by_week = con.sql(
        "SELECT department, sum(calls), sum(arrived), sum(within_promise), sum(resolved), "
        "sum(pending), sum(pending_resolution) FROM mart_whistle_week WHERE week_start BETWEEN $a AND $b GROUP BY ALL ORDER BY 1",
        params={"a": first, "b": last},
    ).fetchall()
    window_rows = run(
        con, "whistle_response", by="department", district="", department="", first=first,
        last=last,
    )  # fmt: skip
    summed = window_rows.select(
        "group_code", "calls", "arrived", "within_promise", "resolved", "pending",
        "pending_resolution",
    )  # fmt: skip
    assert [tuple(int(x) if i else x for i, x in enumerate(r)) for r in by_week] == summed.rows()
    # Each week's median is that week's own, over its answered calls.
    week = date(2026, 7, 13)
    cells = con.sql(
        "SELECT district_code, department, arrival_hours_median, arrival_hours_p90 "
        "FROM mart_whistle_week WHERE week_start = $w",
        params={"w": week},
    ).fetchall()
    assert cells
    calls = raw["calls"].filter(
        pl.col("called_at").dt.date().is_between(week, week + timedelta(days=6))
        & pl.col("arrived_at").is_not_null()
    )
    hours = calls.with_columns(
        h=(pl.col("arrived_at") - pl.col("called_at")).dt.total_seconds() / 3600
    )
    for district, department, median, p90 in cells:
        values = hours.filter(
            (pl.col("district_code") == district) & (pl.col("department") == department)
        )["h"].to_list()
        assert (median, p90) == (nearest_rank(values, 1, 2), nearest_rank(values, 9, 10))


# ------------------------------------------------------------------ every query runs its example


@pytest.mark.parametrize("name", PAGE_QUERIES)
def test_example_parameters_run(con, name: str) -> None:
    got = run(con, name, **runner.example_params(name))
    assert got.height > 0
