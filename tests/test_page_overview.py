"""The overview page's sparklines, early-warning signals, map legend and axes, run headless with
AppTest, in Chinese and in English.

Figures are recounted from the raw Parquet files with polars (the headline recount of
test_app.py, the overdue-major rule of docs/early-warning.md); the signals block is checked
against the signals query only for consistency, and one rule's firing against the raw files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qsl

import duckdb
import polars as pl
import pytest
from clicks import (
    DRILL,
    Switched,
    chart_point,
    click,
    element,
    map_object,
    plotly_figure,
    table_row,
)
from conftest import CJK, Opened
from streamlit.proto.DeckGlJsonChart_pb2 import DeckGlJsonChart
from streamlit.proto.PlotlyChart_pb2 import PlotlyChart
from streamlit.testing.v1 import AppTest
from test_app import LAST_WEEK
from test_app import expected as headline

from safetynet.app import ui
from safetynet.app.colours import rgb
from safetynet.app.labels import FIGURES, t
from safetynet.warehouse import runner

SUNDAY = LAST_WEEK + timedelta(days=6)  # the week the signals are evaluated for
SPARK_WEEKS = 12
LEVELS = ("red", "orange", "yellow", "blue")
VIEWS = {"city": {}, "unit-english": {"lang": "en", "district": "410105"}}
# docs/early-warning.md §2.2 with safetynet/analytics/alerts.toml: days overdue at or above each
# threshold; a hazard under provincial (city) supervision makes its place at least red (orange).
OVERDUE_DAYS = {"red": 90, "orange": 30, "yellow": 1}
SUPERVISION_LEVEL = {"province": "red", "city": "orange"}
# the page that follows a rule up: hazards on remediation, supplies on balance, people on capability
RULE_PAGE = {
    "rectification_rate": "remediation",
    "overdue_major": "remediation",
    "new_hazards_surge": "remediation",
    "overdue_rising": "remediation",
    "flood_supplies": "balance",
    "vulnerable_without_helper": "capability",
}


@pytest.fixture
def shown(open_page: Callable[..., Opened]) -> Callable[[str], Opened]:
    """The overview as a view's link opens it."""
    return lambda name: open_page("overview", **VIEWS[name])


def lang_of(name: str) -> str:
    return VIEWS[name].get("lang", "zh")


def signals_query(con: duckdb.DuckDBPyConnection, district: str) -> pl.DataFrame:
    return runner.run(con, "signals", {"district": district, "level": 4, "rule": ""})


# ------------------------------------------------------------------ sparklines


@pytest.mark.parametrize("name", VIEWS)
def test_sparklines_hold_the_last_twelve_weeks(shown, raw, name: str) -> None:
    page = shown(name)
    district = VIEWS[name].get("district")
    weeks = [LAST_WEEK - timedelta(weeks=k) for k in reversed(range(SPARK_WEEKS))]
    recounts = [headline(raw, week, district) for week in weeks]
    lang = lang_of(name)
    metrics = {m.label: m.proto for m in page.at.metric}
    for figure in FIGURES:
        spark = list(metrics[figure.name(lang)].chart_data)
        want = [week[figure.key] for week in recounts]
        assert spark == pytest.approx(want, rel=1e-12), figure.key
    # the trend line of the shown figure ends with the same weeks
    trend = page.chart(t("trend_title", lang, figure=FIGURES[1].name(lang)))["data"][0]["y"]
    assert trend[-SPARK_WEEKS:] == [week["open_hazards"] for week in recounts]


# ------------------------------------------------------------------ early-warning signals


@pytest.mark.parametrize("name", VIEWS)
def test_signal_summary_counts_each_level(shown, con, name: str) -> None:
    page, lang = shown(name), lang_of(name)
    rows = signals_query(con, VIEWS[name].get("district", ""))
    counts = {level: rows.filter(level_name=level).height for level in LEVELS}
    week = "2026年第48周" if lang == "zh" else "2026 W48"
    summary = t("signals_summary", lang, week=week, n=rows.height, **counts)
    assert summary in page.texts("caption")
    assert rows.height > 0 and sum(counts.values()) == rows.height
    # the most severe first, each line coloured and labelled by its level, with its reason
    suffix = "zh" if lang == "zh" else "en"
    lines = [m for m in page.texts("markdown") if "border-left:6px" in m]
    assert len(lines) == min(rows.height, 6)
    for line, row in zip(lines, rows.iter_rows(named=True), strict=False):
        assert f"border-left:6px solid {row['level_colour']}" in line
        assert f"{row['level_' + suffix]} · {row['rule_' + suffix]}" in line
        assert row["reason_" + suffix] in line
    assert rows["level"].to_list() == sorted(rows["level"])


def overdue_major(raw: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Communities with major hazards open and past their deadline on the latest Sunday, with the
    level the rule gives them (docs/early-warning.md §2.2)."""
    fixed = pl.col("rectified_date")
    hz = raw["hz"].filter(
        (pl.col("severity") == "major")
        & (pl.col("found_date") <= SUNDAY)
        & (fixed.is_null() | (fixed > SUNDAY))
        & (pl.col("deadline") < SUNDAY)
    )
    places = hz.group_by("community_code", "district_code").agg(
        hazards=pl.len(),
        days=(pl.lit(SUNDAY) - pl.col("deadline")).dt.total_days().max(),
        supervision=pl.col("supervision_level").drop_nulls().unique(),
    )
    rows = []
    for place in places.iter_rows(named=True):
        levels = [name for name, days in OVERDUE_DAYS.items() if place["days"] >= days]
        levels += [SUPERVISION_LEVEL[s] for s in place["supervision"] if s in SUPERVISION_LEVEL]
        rows.append(place | {"level": min(levels, key=LEVELS.index)})
    return pl.DataFrame(rows)


def test_overdue_major_signals_match_the_raw_files(shown, raw) -> None:
    """Every community with an overdue major hazard on the latest Sunday is listed at its level,
    and no other, in the table of all the city's signals."""
    page = shown("city")
    want = overdue_major(raw)
    assert want.height > 1 and want["level"].n_unique() > 1
    names = dict(raw["communities"].select("community_code", "name_zh").iter_rows())
    units = dict(raw["districts"].select("district_code", "name_zh").iter_rows())
    level_zh = dict(zip(LEVELS, ("红色", "橙色", "黄色", "蓝色"), strict=True))
    expected = sorted(
        (level_zh[r["level"]], names[r["community_code"]], units[r["district_code"]],
         f"有{r['hazards']}处重大隐患逾期未整改，最长逾期{r['days']}天")
        for r in want.iter_rows(named=True)
    )  # fmt: skip
    signals = page.frame("signals_table").filter(rule_zh="重大隐患逾期未整改")
    listed = sorted(
        (r["level_zh"], r["place_name"], r["district_name"], r["reason_zh"])
        for r in signals.iter_rows(named=True)
    )
    assert [s[:3] for s in listed] == [e[:3] for e in expected]
    for (*_, reason), (*_, says) in zip(listed, expected, strict=True):
        assert says in reason


def link_params(link: Any) -> dict[str, str]:
    """The query parameters of a page link."""
    return dict(parse_qsl(link.proto.query_string))


def place_of(raw: dict[str, pl.DataFrame], level: str, code: str) -> dict[str, str]:
    """The unit and street of a signal's place, from the raw tables."""
    if level == "district":
        return {"district": code}
    street = code
    if level == "community":
        street = raw["communities"].filter(community_code=code)["street_code"][0]
    district = raw["streets"].filter(street_code=street)["district_code"][0]
    return {"district": district, "street": street}


@pytest.mark.parametrize("name", VIEWS)
def test_each_signal_links_to_its_place(shown, con, raw, name: str) -> None:
    page, lang = shown(name), lang_of(name)
    rows = signals_query(con, VIEWS[name].get("district", "")).head(6)
    links = page.at.get("page_link")
    assert len(links) == rows.height
    for link, row in zip(links, rows.iter_rows(named=True), strict=True):
        params = link_params(link)
        want = place_of(raw, row["place_level"], row["place_code"])
        if RULE_PAGE[row["rule"]] != "remediation":  # only the remediation page follows a street
            want.pop("street", None)
        assert params == {"lang": lang, "week": "2026-W48"} | want, row["place_code"]
        assert link.proto.label == t("signal_open", lang)
        assert link.proto.page == RULE_PAGE[row["rule"]]


def test_a_signal_link_opens_its_street(shown, open_page: Callable[..., Opened]) -> None:
    """Following a signal's link opens the remediation page on its unit and street."""
    links = shown("city").at.get("page_link")
    params = next(p for p, link in zip(map(link_params, links), links, strict=True)
                  if "street" in p and link.proto.page == "remediation")  # fmt: skip
    opened = open_page("remediation", **params).at
    assert opened.selectbox(key="street").value == params["street"]
    assert opened.query_params["district"] == params["district"]
    assert opened.query_params["street"] == params["street"]


# ------------------------------------------------------------------ the map's legend


def legend(page: Opened) -> str:
    """The legend under the map."""
    (found,) = [m for m in page.texts("markdown") if "font-size:0.85rem" in m]
    return found


def legend_entries(page: Opened) -> list[tuple[str, float, float]]:
    """(colour, from, to) of each class in the legend under the map."""
    found = re.findall(
        r"background:(#[0-9A-Fa-f]{6});[^>]*></span>([\d.,]+)–([\d.,]+)<", legend(page)
    )
    return [(c, float(a.replace(",", "")), float(b.replace(",", ""))) for c, a, b in found]


@pytest.mark.parametrize("name", VIEWS)
def test_map_legend_covers_the_values_shown(shown, raw, name: str) -> None:
    page = shown(name)
    # open hazards per 100,000 residents of each unit at the week's end, from the raw files
    fixed = pl.col("rectified_date")
    is_open = (pl.col("found_date") <= SUNDAY) & (fixed.is_null() | (fixed > SUNDAY))
    open_by_unit = raw["hz"].group_by("district_code").agg(open=is_open.sum())
    rates = (
        raw["districts"]
        .join(open_by_unit, on="district_code", how="left")
        .select("district_code", value=pl.col("open").fill_null(0) * 100_000 / pl.col("population"))
    )
    value = dict(rates.iter_rows())
    entries = legend_entries(page)
    assert len(entries) == 5
    assert all(a[2] == b[1] for a, b in pairwise(entries))  # no gaps
    polygons = page.deck()["layers"][0]["data"]
    assert len(polygons) == len(value) == 12
    slack = 0.05  # the legend writes its ends to one decimal
    for polygon in polygons:
        v = value[polygon["code"]]
        assert float(polygon["value"].rsplit("：" if "：" in polygon["value"] else ":", 1)[1]
                     ) == pytest.approx(v, abs=slack)  # fmt: skip
        (entry,) = [e for e in entries if rgb(e[0]) == polygon["fill"][:3]]
        assert entry[1] - slack <= v <= entry[2] + slack, polygon["name"]
    assert entries[0][1] <= min(value.values()) + slack
    assert entries[-1][2] >= max(value.values()) - slack


# ------------------------------------------------------------------ words and axes


def test_trend_axis_reads_as_chinese_dates(shown) -> None:
    trend = shown("city").chart("未整改隐患趋势（近26周）")
    assert trend["layout"]["xaxis"]["tickformat"] == "%-m月%-d日"  # 6月1日, not 06-01
    assert date.fromisoformat(trend["data"][0]["x"][-1][:10]) == LAST_WEEK


def test_english_view_reads_in_english(shown) -> None:
    page = shown("unit-english")
    assert page.texts("title")[0] == "Jinshui · Overview"
    assert [m.label for m in page.at.metric] == [f.en for f in FIGURES]
    trend = page.chart("Open hazards, last 26 weeks")
    assert trend["layout"]["xaxis"]["tickformat"] == "%-d %b"
    assert "Open hazards (hazards per 100,000 residents)" in legend(page)
    assert "darker is worse" in legend(page)
    assert t("spark_note", "en") in page.texts("caption")
    headers = page.frame("signals_table").columns
    assert {"level_en", "rule_en", "reason_en"} <= set(headers)
    assert not CJK.search(" ".join(page.texts("caption")[:4]))


def test_cases_hold_signals_of_every_kind_of_place(con) -> None:
    """The views above link to communities and streets of the city and of one unit."""
    levels = {
        name: set(signals_query(con, view.get("district", "")).head(6)["place_level"])
        for name, view in VIEWS.items()
    }
    assert {"community", "street"} <= levels["unit-english"]


# ------------------------------------------------------------------ every chart is a way in
# A click on a unit of the map or on a bar of the ranking opens that place in the drill-down
# (tests/clicks.py puts what the click reports in the element's state and records the switch).

WEEK = "2026-W48"


def drill_link(code: str, district: str, lang: str) -> Switched:
    """Where a click on a place opens: the drill-down, in the same language and week."""
    return Switched(DRILL, {"lang": lang, "week": WEEK, "district": district, "place": code})


def units_on_map(at: AppTest) -> list[dict[str, Any]]:
    """The map's unit polygons (one object per ring), as st.pydeck_chart draws them."""
    deck = json.loads(element(at, "deck_gl_json_chart", "overview_map").proto.json)
    (units,) = [layer for layer in deck["layers"] if layer["id"] == "units"]
    assert units["pickable"] is True
    return units["data"]


def test_the_map_and_the_ranking_are_ways_in(shown, raw) -> None:
    """Both report a click (a key, on_select="rerun"): each unit's polygons carry its code, each
    bar its place's code."""
    for name in VIEWS:
        at = shown(name).at
        deck = element(at, "deck_gl_json_chart", "overview_map").proto
        assert list(deck.selection_mode) == [DeckGlJsonChart.SelectionMode.SINGLE_OBJECT]
        polygons = units_on_map(at)
        assert {p["code"] for p in polygons} == set(raw["districts"]["district_code"])
        ranking = element(at, "plotly_chart", "overview_ranking").proto
        assert list(ranking.selection_mode) == [PlotlyChart.SelectionMode.POINTS]
        (bars,) = plotly_figure(at, "overview_ranking")["data"]
        district = VIEWS[name].get("district", "")
        level = "street" if district else "district"
        places = raw[f"{level}s"].filter(pl.col(f"{level}_code").str.starts_with(district))
        names = dict(places.select(f"{level}_code", "name_zh").rows())
        assert sorted(bars["customdata"]) == sorted(names)  # every place once
        if lang_of(name) == "zh":  # each bar's code is the place it names
            assert bars["y"] == [names[code] for code in bars["customdata"]]


def test_a_unit_clicked_on_the_map_opens_in_the_drill_down(data_root) -> None:
    def middle_polygon(at: AppTest) -> dict[str, Any]:
        polygons = units_on_map(at)
        picked.append(polygons[len(polygons) // 2])
        return map_object("units", len(polygons) // 2, picked[0])

    picked: list[dict[str, Any]] = []
    switched = click(data_root, "overview", {"lang": "zh"}, "overview_map", middle_polygon)
    code = picked[0]["code"]
    assert switched == drill_link(code, code, "zh")


@pytest.mark.parametrize("name", VIEWS)
def test_a_bar_clicked_in_the_ranking_opens_its_place_in_the_drill_down(data_root, name) -> None:
    """The city's ranking opens a unit, a unit's ranking one of its streets."""

    def third_bar(at: AppTest) -> dict[str, Any]:
        (bars,) = plotly_figure(at, "overview_ranking")["data"]
        picked.append(bars["customdata"][2])
        return chart_point(2, bars["x"][2], bars["y"][2], bars["customdata"][2])

    picked: list[str] = []
    view = VIEWS[name]
    switched = click(data_root, "overview", view, "overview_ranking", third_bar)
    code, district, lang = picked[0], view.get("district", ""), lang_of(name)
    assert len(code) == (9 if district else 6)
    assert switched == drill_link(code, district or code, lang)


def test_a_click_names_its_place_however_it_is_reported() -> None:
    """A map object's code, a bar's customdata (a value or a list), else the bar's index, a
    table row's index; nothing for an empty selection or an index out of range."""
    codes = ["410102", "410103", "410104"]
    assert ui.clicked_code({"selection": map_object("units", 3, {"code": "410105"})}) == "410105"
    assert ui.clicked_code({"selection": chart_point(1, 2.0, "x", "410181")}, codes) == "410181"
    assert ui.clicked_code({"selection": chart_point(1, 2.0, "x", ["410181"])}, codes) == "410181"
    assert ui.clicked_code({"selection": chart_point(1, 2.0, "x")}, codes) == "410103"
    assert ui.clicked_code({"selection": table_row(2)}, codes) == "410104"
    assert ui.clicked_code({"selection": table_row(3)}, codes) is None
    assert ui.clicked_code({"selection": chart_point(5, 2.0, "x")}, codes) is None
    empty = {"points": [], "point_indices": [], "box": [], "lasso": []}
    assert ui.clicked_code({"selection": empty}, codes) is None
    assert ui.clicked_code({"selection": {"indices": {}, "objects": {}}}) is None
    assert ui.clicked_code({"selection": {"rows": [], "columns": [], "cells": []}}, codes) is None
    assert ui.clicked_code(None, codes) is None
