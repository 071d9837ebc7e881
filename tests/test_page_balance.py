"""The balance page (均衡) run headless, its figures checked against the raw Parquet files.

Per-capita values are recounted from raw teams, stocks, norms, funding and communities; Gini,
Theil and the Lorenz curve are recomputed with safetynet.analytics.metrics on those values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import pytest
from clicks import DRILL, Switched, click, table_row
from conftest import AS_OF, Opened, View, assert_exports_match_table, communities_in

from safetynet.analytics import metrics
from safetynet.app import fmt
from safetynet.app.labels import t
from safetynet.warehouse.vocabulary import label

UNIT = "410181"  # 巩义市
SHORTFALL_ROWS = 50  # the 短板 list shows the worst 50
LOWEST = 20  # a unit's chart shows its 20 lowest communities
BAD_ITEM = "**pump**](javascript:alert(1))"


@dataclass(frozen=True)
class Case(View):
    """One way the page is opened: the unit and language, the indicator and the 短板 list's
    supply, and any other link parameter."""

    indicator: str
    item: str  # "" for every supply
    link: dict[str, str] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str]:
        return super().params | {"item": self.item} | self.link

    @property
    def by_unit(self) -> bool:
        """Whether the page compares the units: for the city, and for funding, which is known
        per unit only (a chosen unit has no communities to compare)."""
        return not self.district or self.indicator.startswith("funding_")


CASES = {
    "city": Case("", "zh", "team_members", ""),  # the page's defaults
    "norm": Case("", "zh", "stock_sandbag", "sandbag", {"indicator": "stock_sandbag"}),
    # funding exists per unit only; an older week changes nothing (capacity is read on the
    # as-of date); a supply that is no option falls back to every supply
    "funding": Case(
        "",
        "en",
        "funding_prevention",
        "",
        {"indicator": "funding_prevention", "week": "2025-W10", "item": BAD_ITEM},
    ),
    "unit": Case(UNIT, "en", "stock_pump", "pump", {"indicator": "stock_pump"}),
    "unit_funding": Case(UNIT, "zh", "funding_response", "", {"indicator": "funding_response"}),
}
BY_UNIT = [name for name, case in CASES.items() if case.by_unit]


@pytest.fixture
def shown(open_page: Callable[..., Opened]) -> Callable[[str], Opened]:
    """The page as a case's link opens it."""
    return lambda name: open_page("balance", **CASES[name].params)


# --- the raw files --------------------------------------------------------------------------------


def values(raw: dict[str, pl.DataFrame], indicator: str) -> pl.DataFrame:
    """Each unit of comparison (community, or district for funding) with its residents and its
    per-capita value: place_code, street_code, district_code, name_zh, population, value."""
    if indicator.startswith("funding_"):
        spent = raw["funding"].filter(pl.col("year") <= AS_OF.year)
        latest = spent.filter(pl.col("year") == spent["year"].max())
        amount = indicator.removeprefix("funding_") + "_wan"
        return latest.join(raw["districts"], on="district_code").select(
            place_code="district_code",
            street_code=pl.lit(None, pl.String),
            district_code="district_code",
            name_zh="name_zh",
            population="population",
            value=10_000 * pl.col(amount) / pl.col("population"),  # yuan per resident
        )
    places = communities_in(raw).filter(pl.col("population") > 0)
    if indicator == "team_members":
        members = (
            raw["teams"]
            .filter(pl.col("founded_date") <= AS_OF)
            .group_by("community_code")
            .agg(amount=pl.col("members").sum())
        )
        per_capita = 1000 * pl.col("amount") / pl.col("population")  # per 1,000 residents
    else:  # stock_<item>: the stock against the norm for the residents, uncapped
        item = indicator.removeprefix("stock_")
        members = (
            raw["resource_stocks"]
            .filter(pl.col("holder_kind") == "community", pl.col("item") == item)
            .select(community_code="holder_code", amount="quantity")
        )
        norm = raw["resource_norms"].filter(pl.col("item") == item)["norm_per_1000"][0]
        per_capita = pl.col("amount") / (norm * pl.col("population") / 1000)
    return (
        places.join(members, on="community_code", how="left")
        .with_columns(pl.col("amount").fill_null(0))
        .select(
            place_code="community_code",
            street_code="street_code",
            district_code="district_code",
            name_zh="name_zh",
            population="population",
            value=per_capita,
        )
        .sort("value", "place_code")  # as the page orders them: lowest first, ties by code
    )


def mean(rows: pl.DataFrame) -> float:
    """The resident-weighted mean per-capita value: Σ p r / Σ p."""
    return float((rows["population"] * rows["value"]).sum() / rows["population"].sum())


def shortfalls(raw: dict[str, pl.DataFrame], case: Case) -> pl.DataFrame:
    """Communities whose own stock of a supply is below the norm for their residents, the largest
    shortfall (as a share of the need) first."""
    stocks = raw["resource_stocks"].filter(pl.col("holder_kind") == "community")
    rows = (
        communities_in(raw, case.district)
        .join(raw["resource_norms"].select("item", "norm_per_1000"), how="cross")
        .join(
            stocks.select(community_code="holder_code", item="item", quantity="quantity"),
            on=["community_code", "item"],
            how="left",
        )
        .with_columns(
            quantity=pl.col("quantity").fill_null(0),
            need=pl.col("norm_per_1000") * pl.col("population") / 1000,
        )
        .filter(pl.col("quantity") < pl.col("need"))
        .with_columns(share=1 - pl.col("quantity") / pl.col("need"))
        .with_columns(uncovered=pl.col("share") * pl.col("population"))
        .with_columns(
            item_name=pl.col("item").map_elements(
                lambda i: label("resource_norms.item", i, case.lang), return_dtype=pl.String
            )
        )
    )
    if case.item:
        rows = rows.filter(pl.col("item") == case.item)
    return rows.sort(
        "share", "uncovered", "community_code", "item", descending=[True, True, False, False]
    )


# --- what the page shows --------------------------------------------------------------------------


def indicator_name(page: Opened) -> str:
    """The chosen indicator as the page names it."""
    box = page.at.selectbox(key="indicator")
    return box.options[box.index]


def unit_name(raw: dict[str, pl.DataFrame], case: Case) -> str:
    if not case.district:
        return t("city_name", case.lang)
    return raw["districts"].filter(pl.col("district_code") == case.district)[case.names][0]


def bars(chart: dict[str, Any]) -> dict[str, float]:
    (bar,) = chart["data"]
    return dict(zip(bar["y"], bar["x"], strict=True))


def reference_lines(chart: dict[str, Any]) -> list[float]:
    return [shape["x0"] for shape in chart["layout"].get("shapes", [])]


def lorenz_curve(page: Opened, lang: str) -> tuple[list[float], list[float]]:
    charts = [
        c for c in page.charts() if any(s.get("name") == t("lorenz_curve", lang) for s in c["data"])
    ]
    (chart,) = charts
    equal, curve = chart["data"]
    assert (equal["x"], equal["y"]) == ([0, 1], [0, 1])  # the diagonal of equality beside it
    return curve["x"], curve["y"]


# --- per-capita values and how unequal they are ---------------------------------------------------


@pytest.mark.parametrize("name", BY_UNIT)
def test_units_per_capita_values_against_the_city_mean_and_the_norm(shown, raw, name: str) -> None:
    case = CASES[name]
    page = shown(name)
    rows = values(raw, case.indicator)
    names = dict(raw["districts"].select("district_code", case.names).iter_rows())
    chart = page.chart(t("values_title_units", case.lang, indicator=indicator_name(page)))
    got = bars(chart)
    want = {names[code]: mean(group) for (code,), group in rows.group_by("district_code")}
    assert got == pytest.approx(want, rel=1e-9)
    assert list(got.values()) == sorted(got.values())  # lowest first
    lines = [mean(rows)]  # the city mean, and the norm for a supply (1 = the norm is met)
    if case.indicator.startswith("stock_"):
        lines.append(1.0)
    assert reference_lines(chart) == pytest.approx(lines, rel=1e-9)


@pytest.mark.parametrize("name", CASES)
def test_gini_theil_and_the_between_share_are_those_of_the_raw_values(
    shown, raw, name: str
) -> None:
    case = CASES[name]
    page = shown(name)
    rows = values(raw, case.indicator)
    weights = rows["population"].to_numpy()
    gini = metrics.gini(rows["value"].to_numpy(), weights)
    theil = metrics.theil(rows["value"].to_numpy(), weights, rows["district_code"].to_numpy())
    shown_metrics = page.metrics()
    # over a unit's communities the headline figures stay the city's, and say so
    city = "" if case.by_unit else t("city_name", case.lang) + " · "
    assert shown_metrics[city + t("gini", case.lang)] == f"{gini:.3f}"
    assert shown_metrics[city + t("theil", case.lang)] == f"{theil.total:.3f}"
    sentence = page.texts("info")[0]
    if case.indicator.startswith("funding_"):  # units are districts: nothing to split
        assert t("between_share", case.lang) not in shown_metrics
        assert "%" not in sentence
        assert len(page.texts("info")) == 1  # nor a split inside a chosen unit
        return
    between = theil.between / theil.total
    assert shown_metrics[t("between_share", case.lang)] == fmt.rate(between, 0)
    assert shown_metrics[t("within_share", case.lang)] == fmt.rate(1 - between, 0)
    share = round(100 * between)
    said = f"{share}%在区县之间" if case.lang == "zh" else f"{share}% of the imbalance"
    assert said in sentence


@pytest.mark.parametrize("name", CASES)
def test_lorenz_curve_runs_through_the_raw_vertices(shown, raw, name: str) -> None:
    case = CASES[name]
    rows = values(raw, case.indicator)
    if not case.by_unit:  # a unit's curve is over its own communities
        rows = rows.filter(pl.col("district_code") == case.district)
    curve = metrics.lorenz(rows["value"].to_numpy(), rows["population"].to_numpy())
    xs, ys = lorenz_curve(shown(name), case.lang)
    assert (xs[0], ys[0]) == (0, 0) and (xs[-1], ys[-1]) == pytest.approx((1, 1))
    vertices = np.column_stack([curve.population_share, curve.resource_share])
    if rows.height <= 100:  # every vertex
        np.testing.assert_allclose(np.column_stack([xs, ys]), vertices, atol=1e-12)
    else:  # at most one point per whole percent of residents, each a vertex of the curve
        assert len(xs) <= 101 and xs == sorted(xs)
        for x, y in zip(xs, ys, strict=True):
            assert np.isclose(vertices, [x, y], rtol=0, atol=1e-12).all(axis=1).any(), (x, y)


def test_a_unit_shows_its_communities_and_their_own_imbalance(shown, raw) -> None:
    case = CASES["unit"]
    page = shown("unit")
    every = values(raw, case.indicator)
    rows = every.filter(pl.col("district_code") == case.district)
    unit = unit_name(raw, case)
    chart = page.chart(
        t(
            "values_title_communities",
            case.lang,
            unit=unit,
            indicator=indicator_name(page),
            n=LOWEST,
        )
    )
    (bar,) = chart["data"]
    lowest = rows.head(LOWEST)
    assert bar["y"] == lowest["name_zh"].to_list()
    assert bar["x"] == pytest.approx(lowest["value"].to_list(), rel=1e-9)
    lines = [mean(every), mean(rows)]  # the city mean, the unit's, and the norm for a supply
    if case.indicator.startswith("stock_"):
        lines.append(1.0)
    assert reference_lines(chart) == pytest.approx(lines, rel=1e-9)

    # How unequal the unit is inside, and how much of it lies between its streets.
    weights = rows["population"].to_numpy()
    theil = metrics.theil(rows["value"].to_numpy(), weights, rows["street_code"].to_numpy())
    said = t(
        "inside_unit_sentence",
        case.lang,
        unit=unit,
        topic=indicator_name(page),
        gini=f"{metrics.gini(rows['value'].to_numpy(), weights):.3f}",
        between=fmt.rate(theil.between / theil.total, 0),
        within=fmt.rate(theil.within / theil.total, 0),
    )
    assert said in page.texts("info")
    caption = t(
        "lorenz_units", case.lang, n=rows.height, level=t("level_units_community", case.lang)
    )
    assert caption in page.texts("caption")


# --- the 短板 list ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_shortfall_list_holds_the_communities_below_the_norm(shown, raw, name: str) -> None:
    case = CASES[name]
    page = shown(name)
    want = shortfalls(raw, case)
    assert want.height > 0
    listed = min(want.height, SHORTFALL_ROWS)
    said = t("shortfall_matching", case.lang, n=fmt.count(want.height, case.lang), shown=listed)
    assert said in page.texts("caption")
    got = page.frame("shortfall")
    want = want.head(listed)
    assert got["name_zh"].to_list() == want["name_zh"].to_list()
    assert got["street_zh"].to_list() == want["street"].to_list()
    assert got["district_zh"].to_list() == want["district"].to_list()
    assert got["item_name"].to_list() == want["item_name"].to_list()
    assert got["population"].to_list() == want["population"].to_list()
    assert got["quantity"].to_list() == want["quantity"].to_list()
    np.testing.assert_allclose(got["need"], want["need"], rtol=1e-12)
    np.testing.assert_allclose(got["shortfall_share"], 100 * want["share"], rtol=1e-9)  # in %
    np.testing.assert_allclose(got["residents_uncovered"], want["uncovered"], rtol=1e-9)
    # whole units to add: enough to reach the norm, one fewer is not
    to_norm = got["quantity"] + got["units_to_norm"]
    assert (to_norm >= want["need"]).all() and (to_norm - 1 < want["need"]).all()


def test_a_supply_that_is_no_option_falls_back_to_every_supply(shown) -> None:
    page = shown("funding")
    assert page.at.selectbox(key="item").value == ""
    assert "item" not in page.at.query_params  # the default is not written
    (warning,) = page.texts("warning")
    assert warning.endswith(f"`{BAD_ITEM}`") and warning.count("`") == 2


# --- prevention against response ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["city", "unit"])
def test_prevention_and_response_spending_are_the_raw_funding(shown, raw, name: str) -> None:
    case = CASES[name]
    page = shown(name)
    funding = raw["funding"].join(raw["districts"], on="district_code")
    if case.district:
        funding = funding.filter(pl.col("district_code") == case.district)
    year = funding["year"].max()
    spent = page.chart(t("funding_title", case.lang, year=year))
    latest = funding.filter(pl.col("year") == year)
    for trace, column in zip(spent["data"], ("prevention_wan", "response_wan"), strict=True):
        got = dict(zip(trace["y"], trace["x"], strict=True))  # bars across
        assert got == pytest.approx(dict(latest.select(case.names, column).iter_rows()))
    # prevention's share of the two, year by year, for the city or the unit
    share = page.chart(f"{unit_name(raw, case)} · {t('funding_share_title', case.lang)}")
    (line,) = share["data"]
    by_year = funding.group_by("year").agg(pl.col("prevention_wan", "response_wan").sum())
    want = {
        str(y): p / (p + r)
        for y, p, r in by_year.select("year", "prevention_wan", "response_wan").iter_rows()
    }
    assert dict(zip(line["x"], line["y"], strict=True)) == pytest.approx(want)


# --- every indicator in one table -----------------------------------------------------------------


def test_summary_table_ranks_the_indicators_and_holds_the_raw_statistics(shown, raw) -> None:
    page = shown("city")
    table = page.frame("imbalance_summary")
    ginis = table["gini"].drop_nulls().to_list()
    assert ginis == sorted(ginis, reverse=True)  # the most unequal first
    (row,) = table.filter(pl.col("name_zh") == indicator_name(page)).to_dicts()
    rows = values(raw, "team_members")
    weights = rows["population"].to_numpy()
    theil = metrics.theil(rows["value"].to_numpy(), weights, rows["district_code"].to_numpy())
    assert row["units"] == rows.height
    assert row["mean_value"] == pytest.approx(mean(rows), rel=1e-9)
    assert row["min_value"] == pytest.approx(rows["value"].min(), rel=1e-9)
    assert row["max_value"] == pytest.approx(rows["value"].max(), rel=1e-9)
    assert row["gini"] == pytest.approx(metrics.gini(rows["value"].to_numpy(), weights), rel=1e-9)
    assert row["theil"] == pytest.approx(theil.total, rel=1e-9)
    assert row["between_share"] == pytest.approx(100 * theil.between / theil.total, rel=1e-9)


@pytest.mark.parametrize("name", ["city", "norm"])
def test_downloads_state_the_page_filters_and_date(shown, raw, name: str) -> None:
    item = CASES[name].item
    norms = raw["resource_norms"].filter(pl.col("item") == item)
    supply = norms["name_zh"][0] if item else "全部物资"
    day = f"{AS_OF.year}年{AS_OF.month}月{AS_OF.day}日"
    sheet = assert_exports_match_table(shown(name), "shortfall")
    assert sheet.title == "均衡 · 短板清单：物资储备低于定额的社区（村）"
    assert sheet.about.pop("导出时间")
    assert sheet.about == {"区县": "郑州市", "物资": supply, "统计期": day, "数据截至": day}
    summary = assert_exports_match_table(shown(name), "imbalance_summary")
    assert summary.title == "均衡 · 全部指标的不均衡程度（最不均衡的在前）"


def test_an_older_week_shows_the_same_as_of_figures(shown) -> None:
    page = shown("funding")
    assert page.at.query_params["week"] == "2025-W10"
    # capacity is a snapshot: the page says it reads the as-of date, whatever the week
    period, week = page.texts("caption")[:2]
    assert period == f"Period: as of {AS_OF:%d %b %Y}"
    assert "(2025 W10) does not change it" in week


def test_a_community_of_the_shortfall_list_opens_in_the_drill_down(data_root, raw) -> None:
    """A clicked row of the 短板 list opens its community, in the view's language and week."""
    case = CASES["unit"]
    want = shortfalls(raw, case).head(50)
    row = want.height - 1  # the last row shown: not the first
    switched = click(data_root, "balance", case.params, "shortfall", table_row(row))
    code = want["community_code"][row]
    assert switched == Switched(
        DRILL, {"lang": "en", "week": "2026-W48", "district": UNIT, "place": code}
    )
