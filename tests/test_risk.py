"""The risk index marts, checked against figures recomputed from the raw Parquet files.

Indicator values are worked out here with polars from the raw tables (hazards open at the end of
the month, drills in the 365 days before it, …); scores with safetynet.risk.scale, the
dimensions and the risk with safetynet.metrics.combine and risk, classes with risk_class. Only
shelter access is read from mart_capacity_community: its 2SFCA is that mart's own business and
is tested there.
"""

from __future__ import annotations

import math
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import polars.selectors as cs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetynet.analytics.metrics import RISK_CLASS_BOUNDS, RISK_CLASSES, combine, risk, risk_class
from safetynet.analytics.risk import HAZARD_GROUPS, INDICATORS, SEVERITY_WEIGHTS, Indicator, scale
from safetynet.build import BUILD_SQL
from safetynet.demo.generate import DEFAULT_AS_OF
from safetynet.warehouse import runner, store

AS_OF = DEFAULT_AS_OF  # 2026-11-29: the as-of month, November 2026, is read on that day
MONTHS = {  # first day of the month → the day it is read at
    date(2026, 11, 1): AS_OF,
    date(2025, 7, 1): date(2025, 7, 31),  # flood season, a full month in the past
    date(2024, 12, 1): date(2024, 12, 31),  # the first of the 24 months
}
TOL = 1e-9
KEYS = [i.key for i in INDICATORS]
ROOT = Path(__file__).resolve().parents[1]
RISK_SQL = BUILD_SQL / "60_mart_risk.sql"
DOC = ROOT / "docs" / "risk-index.md"


@pytest.fixture(scope="module")
def raw(small_raw: Path) -> dict[str, pl.DataFrame]:
    names = ("districts", "streets", "communities", "grids", "hazards", "drills", "teams",
             "vulnerable_groups", "resource_stocks", "resource_norms", "readiness")  # fmt: skip
    return {name: pl.read_parquet(small_raw / f"{name}.parquet") for name in names}


def _sql(con: duckdb.DuckDBPyConnection, query: str, **params) -> pl.DataFrame:
    return con.sql(query, params=params or None).pl()


# ---------------------------------------------------------------------------- expected values


def _weights() -> dict[str, float]:
    """Each indicator's weight in its dimension: 1 / (indicators in its component × components)."""
    out = {}
    for i in INDICATORS:
        same = [j for j in INDICATORS if (j.dimension, j.component) == (i.dimension, i.component)]
        components = {j.component for j in INDICATORS if j.dimension == i.dimension}
        out[i.key] = 1.0 / (len(same) * len(components))
    return out


WEIGHTS = _weights()


def _per_1000(count: pl.Expr) -> pl.Expr:
    return (
        pl.when(pl.col("population") > 0).then(1000.0 * count / pl.col("population")).otherwise(0.0)
    )


def expected_values(raw: dict[str, pl.DataFrame], day: date, shelter: pl.DataFrame) -> pl.DataFrame:
    """One row per community: every indicator's raw value read on `day`, from the raw tables."""
    comm = raw["communities"].join(
        raw["streets"].select("street_code", "district_code"), on="street_code"
    )
    group_of = {cat: key for key, cats in HAZARD_GROUPS.items() for cat in cats}
    fixed = pl.col("rectified_date")
    open_ = (
        raw["hazards"]
        .filter((pl.col("found_date") <= day) & (fixed.is_null() | (fixed > day)))
        .join(raw["grids"].select("grid_code", "community_code"), on="grid_code")
        .with_columns(
            group=pl.col("category").replace_strict(group_of),
            weight=pl.col("severity").replace_strict(SEVERITY_WEIGHTS, return_dtype=pl.Float64),
        )
    )
    points = open_.pivot("group", index="community_code", values="weight", aggregate_function="sum")
    counts = open_.group_by("community_code").agg(
        open_hazards=pl.len(), open_major=(pl.col("severity") == "major").sum()
    )
    drills = (
        raw["drills"]
        .filter((pl.col("held_date") > day - timedelta(days=365)) & (pl.col("held_date") <= day))
        .group_by("community_code")
        .agg(drills=(pl.col("kind") == "drill").sum(), participants=pl.col("participants").sum())
    )
    teams = (
        raw["teams"]
        .filter(pl.col("founded_date") <= day)
        .group_by("community_code")
        .agg(members=pl.col("members").sum())
    )
    vulnerable = (
        raw["vulnerable_groups"]
        .group_by("community_code")
        .agg(pl.col("people").sum(), pl.col("with_helper").sum())
    )
    density = raw["districts"].select(
        "district_code", density=pl.col("population") / pl.col("area_km2")
    )
    ready = raw["readiness"].select(
        "community_code",
        readiness=pl.sum_horizontal(
            pl.col("has_plan", "has_risk_map", "has_evacuation_routes", "has_vulnerable_list").cast(
                pl.Int32
            )
        ),
    )
    frame = (
        comm.join(points, on="community_code", how="left")
        .join(counts, on="community_code", how="left")
        .join(drills, on="community_code", how="left")
        .join(teams, on="community_code", how="left")
        .join(vulnerable, on="community_code", how="left")
        .join(density, on="district_code", how="left")
        .join(ready, on="community_code", how="left")
        .join(_stock_ratios(raw), on="community_code", how="left")
        .join(shelter, on="community_code", how="left")
    )
    for key in HAZARD_GROUPS:
        if key not in frame.columns:
            frame = frame.with_columns(pl.lit(0.0).alias(key))
    frame = frame.with_columns(cs.numeric().fill_null(0))
    return frame.select(
        "community_code", "street_code", "district_code", "population",
        "open_hazards", "open_major",
        *[_per_1000(pl.col(key)).alias(key) for key in HAZARD_GROUPS],
        ex_flood_prone=pl.col("flood_prone").cast(pl.Float64),
        ex_hilly=pl.col("hilly").cast(pl.Float64),
        ex_density=pl.col("density"),
        vu_elderly=pl.when(pl.col("population") > 0)
        .then(pl.col("people_65plus") / pl.col("population")).otherwise(0.0),
        vu_vulnerable=_per_1000(pl.col("people")),
        vu_no_helper=pl.when(pl.col("people") > 0)
        .then((pl.col("people") - pl.col("with_helper")) / pl.col("people")).otherwise(0.0),
        cc_stock=pl.col("stock_ratio"),
        cc_flood_stock=pl.col("flood_stock_ratio"),
        cc_team=_per_1000(pl.col("members")),
        cc_drills=pl.col("drills").cast(pl.Float64),
        cc_participants=_per_1000(pl.col("participants")),
        cc_shelter=pl.col("shelter_access"),
        cc_readiness=pl.col("readiness").cast(pl.Float64),
    )  # fmt: skip


def _stock_ratios(raw: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Mean over supply kinds (flood kinds only, for the second) of min(1, stock / norm)."""
    stocks = raw["resource_stocks"].filter(pl.col("holder_kind") == "community")
    rows = (
        raw["communities"].select("community_code", "population")
        .join(raw["resource_norms"], how="cross")
        .join(stocks.select(pl.col("holder_code").alias("community_code"), "item", "quantity"),
              on=["community_code", "item"], how="left")
        .with_columns(need=pl.col("norm_per_1000") * pl.col("population") / 1000.0)
        .filter(pl.col("need") > 0)
        .with_columns(ratio=pl.min_horizontal(1.0, pl.col("quantity").fill_null(0) / pl.col("need")))
    )  # fmt: skip
    return rows.group_by("community_code").agg(
        stock_ratio=pl.col("ratio").mean(),
        flood_stock_ratio=pl.col("ratio").filter(pl.col("flood_item")).mean(),
    )


def combine0(scores: list[float]) -> float:
    """metrics.combine clipped at 0, as the build does: all zeros give 11 − exp(ln 11) ≈ −2e−15."""
    return max(0.0, combine(scores))


def score_row(values: dict[str, float]) -> dict[str, float]:
    """Scores, components, dimensions, risk and points of one community, in plain Python."""
    out = {f"{i.key}_score": scale(i, values[i.key]) for i in INDICATORS}

    def comb(dimension: str, component: str | None = None) -> float:
        return combine0([out[f"{i.key}_score"] for i in INDICATORS
                         if i.dimension == dimension and component in (None, i.component)])  # fmt: skip

    out["hazard"] = comb("ha", "hazard")
    out["exposure"] = comb("ha", "exposure")
    out["ha"] = combine0([out["hazard"], out["exposure"]])
    out["vu"] = comb("vu")
    out["cc"] = comb("cc")
    out["risk"] = risk(out["ha"], out["vu"], out["cc"])
    total = out["ha"] + out["vu"] + out["cc"]
    for i in INDICATORS:
        dim, x = out[i.dimension], out[f"{i.key}_score"]
        share = (
            dim / total * WEIGHTS[i.key] * math.log(11 / (11 - x)) / math.log(11 / (11 - dim))
            if dim > 0 and total > 0
            else 0.0
        )
        out[f"{i.key}_points"] = out["risk"] * share
    return out


def top_two(points: dict[str, float]) -> list[str]:
    """The two indicators with the most points (> 0), ties to the earlier indicator."""
    ranked = sorted((k for k in KEYS if points[k] > 0), key=lambda k: (-points[k], KEYS.index(k)))
    return ranked[:2]


@pytest.fixture(scope="module")
def expected(con, raw) -> dict[date, pl.DataFrame]:
    shelter = _sql(con, "SELECT community_code, shelter_access FROM mart_capacity_community")
    out = {}
    for month, day in MONTHS.items():
        values = expected_values(raw, day, shelter)
        rows = [{**v, **score_row(v)} for v in values.iter_rows(named=True)]
        out[month] = pl.DataFrame(rows).sort("community_code")
    return out


def _mart(con, month: date) -> pl.DataFrame:
    return _sql(
        con,
        "SELECT * FROM mart_risk_community_month WHERE month = $m ORDER BY community_code",
        m=month,
    )


def _assert_close(got: pl.DataFrame, want: pl.DataFrame, columns: list[str], key: str) -> None:
    assert got[key].to_list() == want[key].to_list()
    for column in columns:
        diff = np.abs(got[column].to_numpy() - want[column].to_numpy())
        worst = int(np.argmax(diff))
        assert diff[worst] <= TOL, (
            f"{column}: {got[key][worst]} has {got[column][worst]}, expected {want[column][worst]}"
        )


# ---------------------------------------------------------------------------- the tests


def test_indicator_table_matches_safetynet_risk(con) -> None:
    got = _sql(con, "SELECT * FROM dim_risk_indicator ORDER BY position")
    assert got["indicator"].to_list() == KEYS
    assert got["position"].to_list() == list(range(1, len(KEYS) + 1))
    for row, ind in zip(got.iter_rows(named=True), INDICATORS, strict=True):
        for field in Indicator.__dataclass_fields__:
            column = "indicator" if field == "key" else field
            assert row[column] == getattr(ind, field), f"{ind.key}.{field}"
        assert row["weight"] == pytest.approx(WEIGHTS[ind.key], abs=1e-15)


def test_months_are_the_last_24_read_at_their_end(con) -> None:
    got = _sql(
        con,
        "SELECT DISTINCT month, period_end, is_partial FROM mart_risk_community_month ORDER BY month",
    )
    assert got.height == 24
    assert got["month"][0] == date(2024, 12, 1) and got["month"][-1] == date(2026, 11, 1)
    for month, end, partial in got.iter_rows():
        next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        assert end == min(next_month - timedelta(days=1), AS_OF)
        assert partial == (end == AS_OF)  # November 2026 is read on the 29th
    counts = _sql(con, "SELECT month, count(*) AS n FROM mart_risk_community_month GROUP BY month")
    assert counts["n"].unique().to_list() == [
        _sql(con, "SELECT count(*) AS n FROM dim_community")["n"][0]
    ]


@pytest.mark.parametrize("month", list(MONTHS), ids=str)
def test_values_match_raw(con, expected, month: date) -> None:
    got, want = _mart(con, month), expected[month]
    _assert_close(
        got,
        want.rename({k: f"{k}_value" for k in KEYS}),
        [f"{k}_value" for k in KEYS],
        "community_code",
    )
    assert got["open_hazards"].to_list() == want["open_hazards"].cast(pl.Int32).to_list()
    assert got["open_major"].to_list() == want["open_major"].cast(pl.Int32).to_list()


@pytest.mark.parametrize("month", list(MONTHS), ids=str)
def test_scores_dimensions_risk_and_points_match_metrics(con, expected, month: date) -> None:
    columns = [f"{k}_{part}" for k in KEYS for part in ("score", "points")]
    columns += ["hazard", "exposure", "ha", "vu", "cc", "risk"]
    _assert_close(_mart(con, month), expected[month], columns, "community_code")


def test_points_add_up_to_the_risk(con) -> None:
    for table in ("mart_risk_community_month", "mart_risk_place_month"):
        total = " + ".join(f"{k}_points" for k in KEYS)
        worst = _sql(con, f"SELECT max(abs(risk - ({total}))) AS d FROM {table}")["d"][0]
        assert worst <= TOL, table


def test_as_of_month_uses_the_capacity_mart(con) -> None:
    """History is recomputed in the risk mart; on the as-of date it must equal the capacity mart."""
    got = _sql(
        con,
        "SELECT r.community_code, r.cc_team_value, k.team_members_per_1000, r.cc_drills_value, "
        "k.drills_12m, r.cc_participants_value, k.participants_12m_per_1000, "
        "r.cc_stock_value, k.stock_ratio, r.cc_readiness_value, k.readiness_score "
        "FROM mart_risk_community_current r JOIN mart_capacity_community k USING (community_code)",
    )
    assert got.height > 0
    for ours, theirs in [("cc_team_value", "team_members_per_1000"), ("cc_drills_value", "drills_12m"),
                         ("cc_participants_value", "participants_12m_per_1000"),
                         ("cc_stock_value", "stock_ratio"), ("cc_readiness_value", "readiness_score")]:  # fmt: skip
        assert np.allclose(
            got[ours].to_numpy(), got[theirs].fill_null(0).cast(pl.Float64).to_numpy(), atol=TOL
        ), ours


def test_class_boundaries_match_risk_class(con) -> None:
    """The build's class macro, at and just below every bound, against metrics.risk_class."""
    scores = [0.0, 10.0, 1.0, 9.99]
    for bound in RISK_CLASS_BOUNDS:
        scores += [bound, math.nextafter(bound, -math.inf), math.nextafter(bound, math.inf)]
    for s in scores:
        got = _sql(con, "SELECT risk_class_of($s::DOUBLE) AS c", s=s)["c"][0]
        want = risk_class(s)
        assert (got["key"], got["zh"], got["en"], got["colour"]) == (
            want.key,
            want.zh,
            want.en,
            want.colour,
        ), s
    assert len({risk_class(s).key for s in scores}) == len(RISK_CLASSES)


def test_every_row_is_classed_as_risk_class(con) -> None:
    for table in ("mart_risk_community_month", "mart_risk_place_month"):
        rows = _sql(
            con, f"SELECT risk, risk_class, risk_class_zh, risk_class_en, risk_colour FROM {table}"
        )
        for score, key, zh, en, colour in rows.iter_rows():
            want = risk_class(score)
            assert (key, zh, en, colour) == (want.key, want.zh, want.en, want.colour), (
                table,
                score,
            )


@pytest.mark.parametrize("month", [date(2026, 11, 1), date(2025, 7, 1)], ids=str)
def test_places_are_population_weighted_means(con, month: date) -> None:
    communities = _mart(con, month)
    places = _sql(con, "SELECT * FROM mart_risk_place_month WHERE month = $m", m=month)
    figures = [f"{k}_{p}" for k in KEYS for p in ("value", "score", "points")]
    figures += ["hazard", "exposure", "ha", "vu", "cc", "risk"]
    city = communities.with_columns(city=pl.lit("410100"))
    for level, key in [("district", "district_code"), ("street", "street_code"), ("city", "city")]:
        want = (
            city.group_by(key)
            .agg(
                communities=pl.len(),
                population=pl.col("population").sum(),
                open_hazards=pl.col("open_hazards").sum(),
                **{
                    f: (pl.col(f) * pl.col("population")).sum() / pl.col("population").sum()
                    for f in figures
                },
            )
            .rename({key: "place_code"})
            .sort("place_code")
        )
        got = places.filter(pl.col("level") == level).sort("place_code")
        _assert_close(got, want, figures, "place_code")
        assert got["population"].to_list() == want["population"].to_list()
        assert got["open_hazards"].to_list() == want["open_hazards"].to_list()
        assert got["communities"].to_list() == want["communities"].to_list()


def _check_why(row: dict) -> None:
    points = {k: row[f"{k}_points"] for k in KEYS}
    want = top_two(points)
    got = [d for d in (row["driver_1"], row["driver_2"]) if d is not None]
    # Equal points (say two flags at 10 in one component) may name either; the points must match.
    assert [points[d] for d in got] == pytest.approx([points[d] for d in want], abs=TOL)
    assert got == want or [points[d] for d in got] == [points[d] for d in want]
    if row["driver_1"] is not None:
        assert row["driver_1_points"] == pytest.approx(points[row["driver_1"]], abs=TOL)
    names = {i.key: i for i in INDICATORS}
    if not got:
        assert row["why_zh"] == "无明显推高因素" and row["why_en"] == "No component stands out"
    for d in got:
        score = row[f"{d}_score"]
        assert f"{names[d].name_zh}（{score:.1f}分）" in row["why_zh"]
        assert f"{names[d].name_en} ({score:.1f}/10)" in row["why_en"]


def test_why_names_the_two_largest_contributors(con) -> None:
    communities = _sql(con, "SELECT * FROM mart_risk_community_month WHERE month IN ($a, $b)",
                       a=date(2026, 11, 1), b=date(2025, 7, 1))  # fmt: skip
    places = _sql(con, "SELECT * FROM mart_risk_place_month")
    for row in communities.iter_rows(named=True):
        _check_why(row)
    for row in places.iter_rows(named=True):
        _check_why(row)
    # The drivers are not always the same one: the why says something about each place.
    assert communities["driver_1"].n_unique() >= 4


def test_drivers_break_ties_towards_the_earlier_indicator(con) -> None:
    """Flood-prone and hilly both at 10 carry equal points: the why names flood-prone first."""
    both = _sql(
        con,
        "SELECT driver_1, driver_2, ex_flood_prone_points, ex_hilly_points FROM mart_risk_community_month "
        "WHERE ex_flood_prone_value = 1 AND ex_hilly_value = 1 AND driver_1 IN ('ex_flood_prone', 'ex_hilly')",
    )
    assert both.height > 0, "the demo city has no community both flood-prone and hilly"
    for d1, d2, flood, hilly in both.iter_rows():
        assert flood == hilly
        assert (d1, d2) == ("ex_flood_prone", "ex_hilly")


# ---------------------------------------------------------------------------- monotonicity


@settings(max_examples=200, deadline=None)
@given(
    values=st.fixed_dictionaries({i.key: st.floats(0, 2 * i.upper + 1) for i in INDICATORS}),
    population=st.integers(1, 20_000),
    group=st.sampled_from(list(HAZARD_GROUPS)),
)
def test_a_new_major_hazard_never_lowers_ha_formula(values, population, group) -> None:
    before = score_row(values)
    after = score_row(
        {**values, group: values[group] + 1000.0 * SEVERITY_WEIGHTS["major"] / population}
    )
    assert after["ha"] >= before["ha"] - 1e-12
    assert after["risk"] >= before["risk"] - 1e-12


def test_a_new_major_hazard_never_lowers_ha_in_the_build(data_root: Path, tmp_path: Path) -> None:
    """Add an open major hazard of each category group to a few communities and rebuild the mart."""
    version = store.current(data_root / "warehouse")
    copy = tmp_path / "copy.duckdb"
    shutil.copy(version.path, copy)
    group_of = {cat: key for key, cats in HAZARD_GROUPS.items() for cat in cats}
    categories = ["flood", "fire", "gas", "geological", "chemical", "ebike"]
    with duckdb.connect(str(copy)) as db:
        before = _sql(db, "SELECT * FROM mart_risk_community_current ORDER BY community_code")
        with_hazards = _sql(db, "SELECT DISTINCT community_code FROM mart_hazard ORDER BY 1")
        targets = with_hazards["community_code"].gather_every(25).to_list()  # a spread of places
        category = {code: categories[n % len(categories)] for n, code in enumerate(targets)}
        for code, cat in category.items():
            db.execute(
                "INSERT INTO mart_hazard BY NAME SELECT * REPLACE ("
                " 'TEST-' || $code AS hazard_id, $category AS category, 'major' AS severity,"
                " (SELECT as_of FROM meta_build) - 3 AS found_date, NULL::DATE AS rectified_date)"
                " FROM mart_hazard WHERE community_code = $code LIMIT 1",
                {"code": code, "category": cat},
            )
        _rebuild_risk(db)
        after = _sql(db, "SELECT * FROM mart_risk_community_current ORDER BY community_code")
    assert len(targets) >= 5
    for b, a in zip(before.iter_rows(named=True), after.iter_rows(named=True), strict=True):
        code = b["community_code"]
        if code not in category:
            assert a["ha"] == pytest.approx(b["ha"], abs=TOL), code
            continue
        assert a["open_major"] == b["open_major"] + 1
        assert a["ha"] >= b["ha"] and a["risk"] >= b["risk"], code
        if b[f"{group_of[category[code]]}_score"] < 10:  # not already at the top of its scale
            assert a["ha"] > b["ha"], code


def _rebuild_risk(db: duckdb.DuckDBPyConnection) -> None:
    """Drop what 60_mart_risk.sql made and run it again, as the build does."""
    text = RISK_SQL.read_text(encoding="utf-8")
    for view in re.findall(r"CREATE VIEW (\w+)", text):
        db.execute(f"DROP VIEW {view}")
    for table in reversed(re.findall(r"CREATE TABLE (\w+)", text)):
        db.execute(f"DROP TABLE {table}")
    for macro in re.findall(r"CREATE MACRO (\w+)", text):
        db.execute(f"DROP MACRO {macro}")
    db.execute(text)


# ---------------------------------------------------------------------------- page queries


def test_risk_places_ranks_one_level(con) -> None:
    month = date(2026, 11, 1)
    got = runner.run(
        con, "risk_places", {"level": "district", "district": "", "month": month, "limit": 100}
    )
    want = _sql(
        con, "SELECT place_code, risk FROM mart_risk_place_current WHERE level = 'district'"
    )
    assert got.height == 12 == want.height
    assert got["risk"].to_list() == sorted(want["risk"].to_list(), reverse=True)
    assert got["rank"].to_list() == list(range(1, 13))
    assert got["name_zh"].null_count() == 0 and (got["period_end"] == AS_OF).all()
    one = runner.run(
        con,
        "risk_places",
        {"level": "community", "district": "410105", "month": month, "limit": 10_000},
    )
    n = _sql(con, "SELECT count(*) AS n FROM dim_community WHERE district_code = '410105'")["n"][0]
    assert one.height == n and (one["district_code"] == "410105").all()
    top = runner.run(
        con, "risk_places", {"level": "community", "district": "", "month": month, "limit": 20}
    )
    riskiest = _sql(
        con,
        "SELECT risk FROM mart_risk_community_current ORDER BY risk DESC LIMIT 20",
    )
    assert top["risk"].to_list() == riskiest["risk"].to_list()
    assert top["rank"].to_list() == list(range(1, 21))


def test_risk_trend_and_components_of_a_community(con) -> None:
    code = _sql(con, "SELECT min(community_code) AS c FROM dim_community")["c"][0]
    trend = runner.run(con, "risk_trend", {"place": code})
    assert trend.height == 24 and trend["month"].is_sorted()
    mart = _sql(
        con,
        "SELECT month, risk FROM mart_risk_community_month WHERE community_code = $c ORDER BY month",
        c=code,
    )
    assert trend["risk"].to_list() == mart["risk"].to_list()
    parts = runner.run(con, "risk_components", {"place": code, "month": date(2025, 7, 1)})
    assert parts["indicator"].to_list() == KEYS
    assert parts["points"].sum() == pytest.approx(parts["risk"][0], abs=TOL)
    row = _sql(con, "SELECT * FROM mart_risk_community_month WHERE community_code = $c AND month = $m",
               c=code, m=date(2025, 7, 1)).row(0, named=True)  # fmt: skip
    for r in parts.iter_rows(named=True):
        assert (
            r["score"] == row[f"{r['indicator']}_score"]
            and r["value"] == row[f"{r['indicator']}_value"]
        )
        dim = {"ha": row["ha"], "vu": row["vu"], "cc": row["cc"]}[r["dimension"]]
        assert r["dimension_score"] == dim
    assert parts.filter(pl.col("driver_rank") == 1)["indicator"].to_list() == [row["driver_1"]]


# ---------------------------------------------------------------------------- documentation


def test_docs_give_every_indicator_with_its_bounds() -> None:
    text = DOC.read_text(encoding="utf-8")
    for i in INDICATORS:
        line = next((ln for ln in text.splitlines() if ln.startswith(f"| `{i.key}`")), None)
        assert line is not None, f"docs/risk-index.md has no table row for {i.key}"
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert f"{i.lower:g}" in cells and f"{i.upper:g}" in cells, (
            f"{i.key}: bounds not in its row"
        )
        assert i.transform in line and i.name_zh in line, i.key
