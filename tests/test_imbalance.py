"""Capacity per community and imbalance between districts, checked independently.

- The per-community capacity values are recomputed with polars from the raw Parquet files.
- Shelter access is recomputed with ``safetynet.metrics.two_step_fca`` on distances worked out
  in numpy, one shelter class (one radius) at a time, the classes added up.
- Gini, Theil (between / within districts), CV and the Lorenz points of the SQL marts are
  compared with ``safetynet.metrics`` applied to the mart's own per-community values.
- The SQL of the imbalance mart is also run on metrics.md's reference vectors.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest

from safetynet.analytics import metrics
from safetynet.warehouse import runner, store

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "queries" / "build"
CAPACITY_SQL = BUILD / "50_mart_capacity.sql"
IMBALANCE_SQL = BUILD / "51_mart_imbalance.sql"
PAGE_QUERIES = [
    "imbalance_summary",
    "imbalance_lorenz",
    "imbalance_districts",
    "imbalance_communities",
    "shortfall_list",
    "funding_balance",
]
RADIUS_KM = {"I": 5.0, "II": 1.0, "III": 0.5}  # national shelter standard, zhengzhou-facts.md
EARTH_RADIUS_KM = 6371.0088
FLOOD_ITEMS = {"pump", "sandbag", "life_jacket", "generator"}
TOLERANCE = 1e-9


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse_path(data_root: Path) -> Path:
    version = store.current(data_root / "warehouse")
    assert version is not None
    return version.path


@pytest.fixture(scope="module")
def raw(small_raw: Path) -> dict[str, pl.DataFrame]:
    names = (
        "districts", "streets", "communities", "resource_norms", "resource_stocks", "teams",
        "drills", "shelters", "readiness", "funding",
    )  # fmt: skip
    tables = {name: pl.read_parquet(small_raw / f"{name}.parquet") for name in names}
    tables["communities"] = tables["communities"].join(
        tables["streets"].select("street_code", "district_code"), on="street_code"
    )
    return tables


@pytest.fixture(scope="module")
def as_of(con: duckdb.DuckDBPyConnection):
    return con.sql("SELECT as_of FROM meta_build").fetchall()[0][0]


@pytest.fixture(scope="module")
def capacity(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("SELECT * FROM mart_capacity_community ORDER BY community_code").pl()


@pytest.fixture(scope="module")
def values(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("SELECT * FROM mart_imbalance_values").pl()


@pytest.fixture(scope="module")
def summary(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    rows = con.sql("SELECT * FROM mart_imbalance").pl().to_dicts()
    return {row["indicator"]: row for row in rows}


def _by_community(df: pl.DataFrame, column: str) -> dict[str, float | None]:
    return dict(zip(df["community_code"], df[column], strict=True))


def _close(actual: float | None, expected: float | None, tol: float = TOLERANCE) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    return abs(actual - expected) <= tol * max(1.0, abs(expected))


# ---------------------------------------------------------------------------------------------
# mart_capacity_community against the raw files
# ---------------------------------------------------------------------------------------------


def test_capacity_has_the_contract_columns_and_one_row_per_community(
    capacity: pl.DataFrame, raw: dict[str, pl.DataFrame]
) -> None:
    contract = [
        "community_code", "street_code", "district_code", "population", "stock_ratio",
        "flood_stock_ratio", "team_members_per_1000", "drills_12m", "participants_12m_per_1000",
        "shelter_access", "readiness_score",
    ]  # fmt: skip
    assert set(contract) <= set(capacity.columns)
    assert capacity["community_code"].sort().to_list() == sorted(
        raw["communities"]["community_code"]
    )
    expected = raw["communities"].select("community_code", "street_code", "district_code")
    got = capacity.select("community_code", "street_code", "district_code")
    assert got.sort("community_code").equals(expected.sort("community_code"))


def _expected_stock(raw: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Per community: mean over items of min(1, quantity / need), all items and flood items."""
    stocks = raw["resource_stocks"].filter(pl.col("holder_kind") == "community")
    ratios = (
        raw["communities"]
        .select("community_code", "population")
        .join(raw["resource_norms"].select("item", "norm_per_1000", "flood_item"), how="cross")
        .join(
            stocks.select(pl.col("holder_code").alias("community_code"), "item", "quantity"),
            on=["community_code", "item"],
            how="left",
        )
        .with_columns(
            need=pl.col("norm_per_1000") * pl.col("population") / 1000.0,
            quantity=pl.col("quantity").fill_null(0),
        )
        .filter(pl.col("need") > 0)
        .with_columns(capped=pl.min_horizontal(pl.lit(1.0), pl.col("quantity") / pl.col("need")))
    )
    return ratios.group_by("community_code").agg(
        stock_ratio=pl.col("capped").mean(),
        flood_stock_ratio=pl.col("capped").filter(pl.col("item").is_in(FLOOD_ITEMS)).mean(),
    )


def test_flood_items_are_those_of_the_norms(raw: dict[str, pl.DataFrame]) -> None:
    norms = raw["resource_norms"]
    assert set(norms.filter(pl.col("flood_item"))["item"]) == FLOOD_ITEMS


def test_stock_ratio_matches_raw(capacity: pl.DataFrame, raw: dict[str, pl.DataFrame]) -> None:
    expected = _expected_stock(raw)
    assert expected.height == capacity.height
    got_all, got_flood = (
        _by_community(capacity, "stock_ratio"),
        _by_community(capacity, "flood_stock_ratio"),
    )
    for code, stock, flood in expected.iter_rows():
        assert _close(got_all[code], stock), code
        assert _close(got_flood[code], flood), code
    # the cap at 1 is doing something in this data, and shortages exist
    assert min(got_all.values()) > 0 and max(got_all.values()) <= 1.0
    assert any(v < 1 for v in got_all.values())


def test_team_members_and_drills_match_raw(
    capacity: pl.DataFrame, raw: dict[str, pl.DataFrame], as_of
) -> None:
    members = raw["teams"].group_by("community_code").agg(members=pl.col("members").sum())
    window = raw["drills"].filter(
        (pl.col("held_date") > as_of - timedelta(days=365)) & (pl.col("held_date") <= as_of)
    )
    drills = window.group_by("community_code").agg(
        drills=(pl.col("kind") == "drill").sum(),
        trainings=(pl.col("kind") == "training").sum(),
        participants=pl.col("participants").sum(),
    )
    expected = (
        raw["communities"]
        .select("community_code", "population")
        .join(members, on="community_code", how="left")
        .join(drills, on="community_code", how="left")
        .fill_null(0)
    )
    got = {row["community_code"]: row for row in capacity.to_dicts()}
    assert expected["members"].sum() > 0 and expected["participants"].sum() > 0
    for row in expected.to_dicts():
        mart = got[row["community_code"]]
        per_1000 = 1000.0 / row["population"]
        assert mart["team_members"] == row["members"]
        assert _close(mart["team_members_per_1000"], row["members"] * per_1000)
        assert mart["drills_12m"] == row["drills"]
        assert mart["trainings_12m"] == row["trainings"]
        assert _close(mart["participants_12m_per_1000"], row["participants"] * per_1000)
        assert _close(
            mart["drills_trainings_12m_per_1000"], (row["drills"] + row["trainings"]) * per_1000
        )


def test_readiness_score_matches_raw(capacity: pl.DataFrame, raw: dict[str, pl.DataFrame]) -> None:
    flags = ["has_plan", "has_risk_map", "has_evacuation_routes", "has_vulnerable_list"]
    expected = raw["readiness"].select(
        "community_code", score=pl.sum_horizontal(pl.col(f).cast(pl.Int32) for f in flags)
    )
    scores = _by_community(capacity, "readiness_score")
    for code, score in expected.iter_rows():
        assert scores[code] == score
    missing = set(scores) - set(expected["community_code"])
    assert all(scores[code] == 0 for code in missing)


# ---------------------------------------------------------------------------------------------
# Shelter access (2SFCA)
# ---------------------------------------------------------------------------------------------


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distances (km) between every point 1 (rows) and every point 2 (columns)."""
    p1, p2 = np.radians(lat1)[:, None], np.radians(lat2)[None, :]
    dlat = p2 - p1
    dlon = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def expected_access(communities: pl.DataFrame, shelters: pl.DataFrame) -> np.ndarray:
    """Σ over shelter classes of two_step_fca with that class's radius (A adds over shelters)."""
    distances = haversine_km(
        communities["lon"].to_numpy(),
        communities["lat"].to_numpy(),
        shelters["lon"].to_numpy(),
        shelters["lat"].to_numpy(),
    )
    classes = shelters["shelter_class"].to_numpy()
    access = np.zeros(communities.height)
    for shelter_class, radius in RADIUS_KM.items():
        mask = classes == shelter_class
        if mask.any():
            access += metrics.two_step_fca(
                shelters["capacity"].to_numpy()[mask],
                communities["population"].to_numpy(),
                distances[:, mask],
                radius,
            )
    return access


def test_shelter_access_is_two_step_fca_per_class(
    capacity: pl.DataFrame, raw: dict[str, pl.DataFrame]
) -> None:
    communities = raw["communities"].sort("community_code")
    expected = expected_access(communities, raw["shelters"])
    got = capacity.sort("community_code")["shelter_access"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE)
    # not a vacuous comparison: many communities reach some shelter, others reach none
    assert (expected > 0).sum() >= 20
    assert (expected == 0).any()


def _scratch_capacity(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the inputs of 50_mart_capacity.sql, empty but for the norms."""
    scratch = duckdb.connect()
    scratch.execute(f"ATTACH '{warehouse_path}' AS src (READ_ONLY)")
    scratch.execute("CREATE TABLE meta_build AS SELECT * FROM src.meta_build")
    scratch.execute("CREATE TABLE stg_resource_norms AS SELECT * FROM src.stg_resource_norms")
    for table in (
        "dim_community", "stg_resource_stocks", "stg_teams", "stg_drills", "stg_shelters",
        "stg_readiness",
    ):  # fmt: skip
        scratch.execute(f"CREATE TABLE {table} AS SELECT * FROM src.{table} LIMIT 0")
    scratch.execute("DETACH src")
    return scratch


@pytest.mark.parametrize("latitude", [34.7, 52.0])
def test_grid_buckets_miss_no_pair_within_reach(warehouse_path: Path, latitude: float) -> None:
    """Points scattered around shelters, many just inside or outside a radius, at two latitudes
    (at 52° a degree of longitude is much shorter): the bucketed SQL equals the brute force."""
    rng = np.random.default_rng(7)
    shelters = pl.DataFrame(
        {
            "shelter_code": [f"S{i:03d}" for i in range(30)],
            "shelter_class": rng.choice(list(RADIUS_KM), 30).tolist(),
            "capacity": rng.integers(100, 5000, 30).tolist(),
            "lon": (113.6 + rng.uniform(-0.1, 0.1, 30)).tolist(),
            "lat": (latitude + rng.uniform(-0.1, 0.1, 30)).tolist(),
        }
    )
    # Communities at a distance of 0.97–1.03 radii from a shelter, in a random direction,
    # plus some anywhere in the area.
    host = rng.integers(0, 30, 400)
    radius = np.array([RADIUS_KM[c] for c in shelters["shelter_class"]])[host]
    distance = radius * rng.uniform(0.97, 1.03, 400)
    bearing = rng.uniform(0, 2 * np.pi, 400)
    lat0 = shelters["lat"].to_numpy()[host]
    km_per_degree = EARTH_RADIUS_KM * np.pi / 180
    lat = lat0 + distance * np.cos(bearing) / km_per_degree
    lon = shelters["lon"].to_numpy()[host] + distance * np.sin(bearing) / (
        km_per_degree * np.cos(np.radians(lat0))
    )
    lon = np.concatenate([lon, 113.6 + rng.uniform(-0.15, 0.15, 200)])
    lat = np.concatenate([lat, latitude + rng.uniform(-0.15, 0.15, 200)])
    communities = pl.DataFrame(
        {
            "community_code": [f"4101{i:08d}" for i in range(lon.size)],
            "population": rng.integers(0, 20000, lon.size).tolist(),  # zero too
            "lon": lon.tolist(),
            "lat": lat.tolist(),
        }
    )
    scratch = _scratch_capacity(warehouse_path)
    try:
        scratch.register("new_communities", communities.to_arrow())
        scratch.register("new_shelters", shelters.to_arrow())
        scratch.execute("INSERT INTO dim_community BY NAME SELECT * FROM new_communities")
        scratch.execute("INSERT INTO stg_shelters BY NAME SELECT * FROM new_shelters")
        scratch.execute(CAPACITY_SQL.read_text(encoding="utf-8"))
        got = scratch.sql(
            "SELECT shelter_access FROM mart_capacity_community ORDER BY community_code"
        ).fetchnumpy()["shelter_access"]
    finally:
        scratch.close()
    expected = expected_access(communities, shelters)
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE)
    assert (expected > 0).sum() > 200


# ---------------------------------------------------------------------------------------------
# Imbalance statistics against safetynet.metrics
# ---------------------------------------------------------------------------------------------

COMMUNITY_COLUMNS = {
    "stock": "stock_ratio",
    "flood_stock": "flood_stock_ratio",
    "team_members": "team_members_per_1000",
    "shelter_access": "shelter_access",
    "drills": "drills_trainings_12m_per_1000",
    "participants": "participants_12m_per_1000",
}


@pytest.mark.parametrize(("indicator", "column"), COMMUNITY_COLUMNS.items())
def test_values_are_the_capacity_columns(
    values: pl.DataFrame, capacity: pl.DataFrame, indicator: str, column: str
) -> None:
    mine = values.filter(pl.col("indicator") == indicator).sort("place_code")
    expected = capacity.filter(pl.col("population") > 0, pl.col(column).is_not_null())
    expected = expected.sort("community_code")
    assert mine["place_code"].to_list() == expected["community_code"].to_list()
    assert mine["population"].to_list() == expected["population"].to_list()
    np.testing.assert_allclose(mine["value"].to_numpy(), expected[column].to_numpy(), rtol=1e-12)


def test_per_item_stock_values_match_raw(
    values: pl.DataFrame, raw: dict[str, pl.DataFrame]
) -> None:
    """stock_<item>: quantity per resident in multiples of the norm per resident, uncapped."""
    stocks = raw["resource_stocks"].filter(pl.col("holder_kind") == "community")
    expected = (
        raw["communities"]
        .select("community_code", "population")
        .join(raw["resource_norms"].select("item", "norm_per_1000"), how="cross")
        .join(
            stocks.select(pl.col("holder_code").alias("community_code"), "item", "quantity"),
            on=["community_code", "item"],
            how="left",
        )
        .select(
            indicator=pl.lit("stock_") + pl.col("item"),
            place_code="community_code",
            expected=(pl.col("quantity").fill_null(0) / pl.col("population"))
            / (pl.col("norm_per_1000") / 1000.0),
        )
    )
    per_item = values.filter(pl.col("indicator").str.starts_with("stock_"))
    joined = expected.join(per_item, on=["indicator", "place_code"], how="full", coalesce=True)
    assert joined.height == expected.height
    np.testing.assert_allclose(
        joined["value"].to_numpy(), joined["expected"].to_numpy(), rtol=1e-12
    )
    assert joined["value"].max() > 1  # uncapped: some communities hold more than the norm


def test_funding_values_match_raw(
    values: pl.DataFrame, raw: dict[str, pl.DataFrame], summary: dict[str, dict[str, Any]], as_of
) -> None:
    year = raw["funding"].filter(pl.col("year") <= as_of.year)["year"].max()
    rows = raw["funding"].filter(pl.col("year") == year).join(raw["districts"], on="district_code")
    for indicator, column in (
        ("funding_prevention", "prevention_wan"),
        ("funding_response", "response_wan"),
    ):
        assert summary[indicator]["period_start"].year == year
        mine = values.filter(pl.col("indicator") == indicator).sort("place_code")
        expected = rows.sort("district_code")
        assert mine["place_code"].to_list() == expected["district_code"].to_list()
        np.testing.assert_allclose(
            mine["value"].to_numpy(),
            (10000.0 * expected[column] / expected["population"]).to_numpy(),
            rtol=1e-12,
        )


def _indicators(values: pl.DataFrame) -> list[str]:
    return values["indicator"].unique().sort().to_list()


def test_every_indicator_is_summarised(
    values: pl.DataFrame, summary: dict[str, dict[str, Any]]
) -> None:
    expected = {*COMMUNITY_COLUMNS, "funding_prevention", "funding_response"}
    expected |= {f"stock_{item}" for item in (*FLOOD_ITEMS, "extinguisher", "first_aid_kit")}
    assert expected <= set(summary)
    assert set(_indicators(values)) == set(summary)


def test_sql_statistics_equal_safetynet_metrics(
    values: pl.DataFrame, summary: dict[str, dict[str, Any]]
) -> None:
    for indicator in _indicators(values):
        rows = values.filter(pl.col("indicator") == indicator)
        r, p = rows["value"].to_numpy(), rows["population"].to_numpy()
        row = summary[indicator]
        assert row["units"] == rows.height and row["population"] == p.sum()
        assert _close(row["mean_value"], float(np.dot(p, r) / p.sum())), indicator
        assert _close(row["gini"], metrics.gini(r, p)), indicator
        assert _close(row["cv"], metrics.cv(r, p)), indicator
        if row["level"] == "community":
            t = metrics.theil(r, p, groups=rows["district_code"].to_numpy())
            assert _close(row["theil"], t.total), indicator
            assert _close(row["theil_between"], t.between), indicator
            assert _close(row["theil_within"], t.within), indicator
            assert _close(row["between_share"], t.between / t.total), indicator
        else:  # funding: the units are the districts, nothing to split
            assert _close(row["theil"], metrics.theil(r, p).total), indicator
            assert row["theil_between"] is None and row["between_share"] is None
    # a real spread, so the comparisons above are not all of zeros
    assert summary["shelter_access"]["gini"] > 0.1
    assert 0 < summary["shelter_access"]["between_share"] < 1


def test_district_values_and_theil_terms(
    con: duckdb.DuckDBPyConnection, values: pl.DataFrame
) -> None:
    districts = con.sql("SELECT * FROM mart_imbalance_district").pl()
    for indicator in ("shelter_access", "team_members", "stock"):
        rows = values.filter(pl.col("indicator") == indicator)
        r, p = rows["value"].to_numpy(), rows["population"].to_numpy().astype(float)
        mu = np.dot(p, r) / p.sum()
        mine = districts.filter(pl.col("indicator") == indicator)
        between = within = 0.0
        for code in rows["district_code"].unique():
            in_g = (rows["district_code"] == code).to_numpy()
            row = mine.filter(pl.col("district_code") == code).to_dicts()[0]
            big_q = p[in_g].sum() / p.sum()
            big_s = np.dot(p[in_g], r[in_g]) / np.dot(p, r)
            assert _close(row["value"], np.dot(p[in_g], r[in_g]) / p[in_g].sum())
            assert _close(row["value_to_mean"], row["value"] / mu)
            assert _close(row["population_share"], big_q)
            assert _close(row["resource_share"], big_s)
            inside = metrics.theil(r[in_g], p[in_g]).total
            assert _close(row["theil_inside"], inside)
            between += big_s * np.log(big_s / big_q)
            within += big_s * inside
        assert _close(mine["theil_between_term"].sum(), between)
        assert _close(mine["theil_within_term"].sum(), within)


def test_lorenz_points_are_vertices_of_the_metrics_curve(
    con: duckdb.DuckDBPyConnection, values: pl.DataFrame
) -> None:
    lorenz = con.sql("SELECT * FROM mart_imbalance_lorenz").pl()
    for indicator in _indicators(values):
        # ties broken by code, as the mart does, so the vertices are the same
        rows = values.filter(pl.col("indicator") == indicator).sort("value", "place_code")
        curve = metrics.lorenz(rows["value"].to_numpy(), rows["population"].to_numpy())
        points = lorenz.filter(pl.col("indicator") == indicator).sort("point")
        x, y = points["population_share"].to_numpy(), points["resource_share"].to_numpy()
        assert (x[0], y[0]) == (0.0, 0.0) and (x[-1], y[-1]) == (1.0, 1.0), indicator
        assert np.all(np.diff(x) > 0) and np.all(np.diff(y) >= 0), indicator
        k = points["units"].to_numpy()
        np.testing.assert_allclose(x, curve.population_share[k], atol=1e-12)
        np.testing.assert_allclose(y, curve.resource_share[k], atol=1e-12)
        if rows.height <= 100:
            assert k.tolist() == list(range(rows.height + 1)), indicator
        else:  # one vertex per whole percent of residents reached, at most 101 points
            assert len(k) <= 101
            reached = np.floor(100 * curve.population_share[k[1:]])
            assert sorted(set(reached.tolist())) == reached.tolist()
            # every whole percent from 1 to 100 that the curve reaches has its kept vertex
            everywhere = np.floor(100 * curve.population_share[1:])
            assert set(reached.tolist()) == set(everywhere.tolist()) - {0.0}


# ---------------------------------------------------------------------------------------------
# The SQL on metrics.md's reference vectors
# ---------------------------------------------------------------------------------------------


def _scratch_imbalance(
    warehouse_path: Path, populations: list[int], per_1000: list[float], districts: list[str]
) -> dict[str, Any]:
    """Run 51_mart_imbalance.sql on communities with these team members per 1,000 residents."""
    scratch = duckdb.connect()
    try:
        scratch.execute(f"ATTACH '{warehouse_path}' AS src (READ_ONLY)")
        for table in ("meta_build", "dim_district", "stg_resource_norms", "stg_funding"):
            scratch.execute(f"CREATE TABLE {table} AS SELECT * FROM src.{table}")
        for table in ("mart_capacity_community", "mart_capacity_stock"):
            scratch.execute(f"CREATE TABLE {table} AS SELECT * FROM src.{table} LIMIT 0")
        scratch.execute("DETACH src")
        rows = pl.DataFrame(
            {
                "community_code": [f"4101{i:08d}" for i in range(len(populations))],
                "district_code": districts,
                "population": populations,
                "team_members_per_1000": per_1000,
            }
        )
        scratch.register("rows", rows.to_arrow())
        scratch.execute("INSERT INTO mart_capacity_community BY NAME SELECT * FROM rows")
        scratch.execute(IMBALANCE_SQL.read_text(encoding="utf-8"))
        result = scratch.sql("SELECT * FROM mart_imbalance WHERE indicator = 'team_members'")
        return result.pl().to_dicts()[0]
    finally:
        scratch.close()


def test_sql_on_the_reference_vectors(warehouse_path: Path) -> None:
    # y = [1, 2, 3, 4], equal populations, groups {1,2}, {3,4}
    row = _scratch_imbalance(
        warehouse_path, [1000] * 4, [1, 2, 3, 4], ["410102", "410102", "410103", "410103"]
    )
    assert row["gini"] == pytest.approx(0.25, abs=1e-7)
    assert row["theil"] == pytest.approx(0.1064401, abs=1e-7)
    assert row["cv"] == pytest.approx(0.4472136, abs=1e-7)
    assert row["theil_between"] == pytest.approx(0.0822829, abs=1e-7)
    assert row["theil_within"] == pytest.approx(0.0241573, abs=1e-7)
    # populations [100, 200, 300, 400], per-capita [4, 3, 2, 1]
    row = _scratch_imbalance(warehouse_path, [100, 200, 300, 400], [4, 3, 2, 1], ["410102"] * 4)
    assert row["theil"] == pytest.approx(0.1216395, abs=1e-7)
    assert row["gini"] == pytest.approx(0.27, abs=1e-7)
    assert row["cv"] == pytest.approx(0.5, abs=1e-7)
    assert row["theil_between"] == pytest.approx(0.0, abs=1e-12)  # one district: all within


# ---------------------------------------------------------------------------------------------
# Page queries
# ---------------------------------------------------------------------------------------------


def _example(name: str) -> dict[str, Any]:
    text = runner.sql_text(name)
    found = re.search(r"^-- example: (.*)$", text, re.MULTILINE)
    assert found, f"{name}.sql has no example line"
    return json.loads(found.group(1))


@pytest.mark.parametrize("name", PAGE_QUERIES)
def test_page_query_examples_run(con: duckdb.DuckDBPyConnection, name: str) -> None:
    params = _example(name)
    text = runner.sql_text(name)
    assert set(params) == set(re.findall(r"\$(\w+)", text))
    assert not runner.run(con, name, params).is_empty()


def _expected_below_norm(raw: dict[str, pl.DataFrame]) -> pl.DataFrame:
    stocks = raw["resource_stocks"].filter(pl.col("holder_kind") == "community")
    return (
        raw["communities"]
        .select("community_code", "district_code", "population")
        .join(raw["resource_norms"].select("item", "norm_per_1000"), how="cross")
        .join(
            stocks.select(pl.col("holder_code").alias("community_code"), "item", "quantity"),
            on=["community_code", "item"],
            how="left",
        )
        .with_columns(
            quantity=pl.col("quantity").fill_null(0),
            need=pl.col("norm_per_1000") * pl.col("population") / 1000.0,
        )
        .filter(pl.col("quantity") < pl.col("need"))
    )


def test_shortfall_list_is_exactly_the_communities_below_norm(
    con: duckdb.DuckDBPyConnection, raw: dict[str, pl.DataFrame]
) -> None:
    expected = _expected_below_norm(raw)
    everything = runner.run(
        con, "shortfall_list", {"district": "", "item": "", "order": "share", "limit": 10**6}
    )
    assert 0 < expected.height < raw["communities"].height * raw["resource_norms"].height
    assert set(everything.select("community_code", "item").iter_rows()) == set(
        expected.select("community_code", "item").iter_rows()
    )
    assert everything["matching"].unique().to_list() == [expected.height]
    joined = everything.join(expected, on=["community_code", "item"], suffix="_raw")
    shortfall = joined["need_raw"] - joined["quantity_raw"]
    np.testing.assert_allclose(joined["shortfall"].to_numpy(), shortfall.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        joined["shortfall_share"].to_numpy(),
        (shortfall / joined["need_raw"]).to_numpy(),
        rtol=1e-12,
    )
    assert (joined["quantity"] + joined["units_to_norm"] >= joined["need_raw"]).all()
    assert (joined["quantity"] + joined["units_to_norm"] - 1 < joined["need_raw"]).all()
    shares = everything["shortfall_share"].to_list()
    assert shares == sorted(shares, reverse=True)


def test_shortfall_list_filters_orders_and_limits(
    con: duckdb.DuckDBPyConnection, raw: dict[str, pl.DataFrame]
) -> None:
    expected = _expected_below_norm(raw).filter(
        pl.col("district_code") == "410122", pl.col("item") == "pump"
    )
    assert expected.height > 3
    params = {"district": "410122", "item": "pump", "order": "residents", "limit": 3}
    top = runner.run(con, "shortfall_list", params)
    assert top.height == 3 and top["matching"][0] == expected.height
    # for one item, most residents uncovered = most units short
    worst = expected.with_columns(short=pl.col("need") - pl.col("quantity")).sort(
        "short", "community_code", descending=[True, False]
    )
    assert top["community_code"].to_list() == worst["community_code"].head(3).to_list()


def test_funding_ratio_equals_prevention_over_response(
    con: duckdb.DuckDBPyConnection, raw: dict[str, pl.DataFrame]
) -> None:
    result = runner.run(con, "funding_balance", {"district": ""})
    funding = raw["funding"]
    districts = result.filter(pl.col("level") == "district")
    joined = districts.join(
        funding, left_on=["place_code", "year"], right_on=["district_code", "year"], suffix="_raw"
    )
    assert joined.height == funding.height == districts.height
    np.testing.assert_allclose(
        joined["prevention_to_response"].to_numpy(),
        (joined["prevention_wan_raw"] / joined["response_wan_raw"]).to_numpy(),
        rtol=1e-12,
    )
    city = result.filter(pl.col("level") == "city").sort("year")
    totals = funding.group_by("year").agg(
        pl.col("prevention_wan").sum(), pl.col("response_wan").sum()
    )
    totals = totals.sort("year")
    np.testing.assert_allclose(
        city["prevention_to_response"].to_numpy(),
        (totals["prevention_wan"] / totals["response_wan"]).to_numpy(),
        rtol=1e-12,
    )
    one = runner.run(con, "funding_balance", {"district": "410122"})
    assert set(one["place_code"]) == {"410122"}


def test_summary_sentence_states_the_between_share(
    con: duckdb.DuckDBPyConnection, values: pl.DataFrame
) -> None:
    rows = values.filter(pl.col("indicator") == "shelter_access")
    t = metrics.theil(
        rows["value"].to_numpy(), rows["population"].to_numpy(), rows["district_code"].to_numpy()
    )
    share = round(100 * t.between / t.total)
    out = runner.run(con, "imbalance_summary", {"indicator": "shelter_access"}).to_dicts()
    assert len(out) == 1
    assert out[0]["sentence_en"] == (
        f"{share}% of the imbalance in shelter places lies between districts, "
        f"the rest ({100 - share}%) inside them."
    )
    assert f"{share}%在区县之间" in out[0]["sentence_zh"]
    assert out[0]["as_of"] is not None and out[0]["population"] == rows["population"].sum()
