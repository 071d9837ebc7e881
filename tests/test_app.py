"""The app shell and the overview page, run headless with Streamlit's AppTest.

Expected figures are counted straight from the raw Parquet files with polars, never read back
from the marts, so a wrong mart or a wrong page shows up here.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from safetynet.app.labels import t

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LAST_WEEK = date(2026, 11, 23)  # the latest full week before the demo's as-of date


def expected(raw: dict[str, pl.DataFrame], week: date, district: str | None = None) -> dict:
    """The headline figures of one week, from the raw tables (the `raw` fixture)."""
    sunday = week + timedelta(days=6)
    h = raw["hz"]
    if district:
        h = h.filter(pl.col("district_code") == district)
    is_open = (pl.col("found_date") <= sunday) & (
        pl.col("rectified_date").is_null() | (pl.col("rectified_date") > sunday)
    )
    year_start = date(week.isocalendar().year, 1, 1)  # 今年以来: from 1 January of the week's year
    cohort = h.filter(pl.col("found_date").is_between(year_start, sunday))
    inspections = raw["insp"].filter(pl.col("week_start") == week)
    if district:
        inspections = inspections.filter(pl.col("district_code") == district)
    return {
        "new_hazards": h.filter(pl.col("found_date").is_between(week, sunday)).height,
        "open_hazards": h.filter(is_open).height,
        "major_open": h.filter(is_open & (pl.col("severity") == "major")).height,
        "overdue": h.filter(is_open & (pl.col("deadline") < sunday)).height,
        "rectification_rate": cohort.filter(pl.col("rectified_date") <= sunday).height
        / cohort.height,
        "compliance_rate": inspections["items_compliant"].sum()
        / inspections["items_checked"].sum(),
    }


def _metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _run(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("district", [None, "410105", "410185"])
def test_headline_figures_match_the_raw_files(served, raw, district: str | None):
    at = _run(**({"district": district} if district else {}))
    assert not at.exception
    want = expected(raw, LAST_WEEK, district)
    shown = _metric_values(at)
    assert shown["新发现隐患"] == f"{want['new_hazards']}处"
    assert shown["未整改隐患"] == f"{want['open_hazards']}处"
    assert shown["重大隐患未整改"] == f"{want['major_open']}处"
    assert shown["逾期未整改"] == f"{want['overdue']}处"
    assert shown["隐患整改率"] == f"{want['rectification_rate'] * 100:.1f}%"
    assert shown["检查符合率"] == f"{want['compliance_rate'] * 100:.1f}%"


def test_change_against_last_week(served, raw):
    at = _run()
    now, before = expected(raw, LAST_WEEK), expected(raw, LAST_WEEK - timedelta(7))
    deltas = {m.label: m.delta for m in at.metric}
    change = now["open_hazards"] - before["open_hazards"]
    assert deltas["未整改隐患"] == f"{'+' if change > 0 else ''}{change} 较上周"
    points = (now["compliance_rate"] - before["compliance_rate"]) * 100
    assert deltas["检查符合率"] == f"{points:+.1f}个百分点 较上周"


def test_default_view_is_the_latest_week_of_the_whole_city(served):
    at = _run()
    assert at.title[0].value == "郑州市 · 总览"
    assert "2026年第48周" in at.caption[0].value
    assert at.query_params["week"] == "2026-W48"
    assert at.sidebar.selectbox[1].value == ""  # whole city


def test_a_shared_link_opens_the_same_view_in_english(served, raw):
    at = _run(lang="en", week="2026-W40", district="410181")
    assert at.title[0].value == "Gongyi · Overview"
    assert "2026 W40" in at.caption[0].value
    want = expected(raw, date.fromisocalendar(2026, 40, 1), "410181")
    assert _metric_values(at)["Open hazards"] == f"{want['open_hazards']:,}"


def test_the_link_the_app_writes_reopens_the_same_view(served):
    # Choosing in the sidebar is covered by the browser tests: AppTest reruns only the page
    # script under st.navigation, so widgets of app.py cannot be driven from here.
    first = _run(week="2026-W45", district="410102", lang="en")
    link = dict(first.query_params)
    # the page's own choice (the figure on the map) joins the shared ones
    assert link == {
        "lang": "en",
        "week": "2026-W45",
        "district": "410102",
        "figure": "open_hazards",
    }
    again = _run(**link)
    assert again.title[0].value == first.title[0].value == "Zhongyuan · Overview"
    assert _metric_values(again) == _metric_values(first)


def test_a_bad_link_falls_back_and_says_so(served):
    at = _run(week="2099-W99", district="999999")
    assert at.title[0].value == "郑州市 · 总览"
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert "2099-W99" in warnings and "999999" in warnings
    assert at.query_params["week"] == "2026-W48"


def test_map_draws_twelve_units_and_outlines_the_chosen_one(served):
    at = _run(district="410183")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    polygons = deck["layers"][0]["data"]
    names = {p["name"] for p in polygons}
    assert len(names) == 12 and "新密市" in names
    heavy = {p["name"] for p in polygons if p["width"] > 1}
    assert heavy == {"新密市"}
    labels = deck["layers"][1]
    assert set("新密市") <= set(labels["characterSet"])  # Chinese glyphs are in the atlas


def test_ranking_lists_units_or_the_chosen_units_streets(served, raw):
    city = _run()
    bars = json.loads(city.get("plotly_chart")[0].proto.spec)["data"][0]
    assert len(bars["y"]) == 12
    one = _run(district="410106")
    bars = json.loads(one.get("plotly_chart")[0].proto.spec)["data"][0]
    streets = raw["streets"].filter(district_code="410106")
    assert sorted(bars["y"]) == sorted(streets["name_zh"].to_list())


def test_trend_covers_26_weeks_ending_with_the_chosen_week(served):
    at = _run(week="2026-W30")
    trend = json.loads(at.get("plotly_chart")[1].proto.spec)
    weeks = trend["data"][0]["x"]
    assert len(weeks) == 26
    assert weeks[-1].startswith(date.fromisocalendar(2026, 30, 1).isoformat())
    # the title says what is counted; the subtitle its unit, period and as-of date
    assert trend["layout"]["title"]["text"] == "未整改隐患趋势（近26周）"
    subtitle = trend["layout"]["title"]["subtitle"]["text"]
    assert "单位：处" in subtitle and "2026年第5周—2026年第30周" in subtitle
    assert "数据截至 2026年11月29日" in subtitle


def test_overview_page_runs_through_navigation(served):
    at = _run()
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert len(at.metric) == 6


def test_without_a_warehouse_the_app_says_what_to_do(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SAFETYNET_DATA", str(tmp_path))
    at = _run()
    assert "safetynet build --demo" in at.error[0].value


def test_a_running_app_picks_up_a_new_warehouse(small_raw: Path, tmp_path: Path, monkeypatch):
    from safetynet.build import build
    from safetynet.demo.generate import generate

    monkeypatch.setenv("SAFETYNET_DATA", str(tmp_path))
    build(small_raw, root=tmp_path / "warehouse", progress=False)
    before = _run()
    assert "数据截至 2026年11月29日" in " ".join(c.value for c in before.caption)

    october = tmp_path / "raw-october"
    generate(october, "small", 7, date(2026, 10, 31), progress=False)
    build(october, root=tmp_path / "warehouse", progress=False)
    after = _run()  # same process, same caches: a new session of the running app
    captions = " ".join(c.value for c in after.caption)
    assert "数据截至 2026年10月31日" in captions
    # 31 October 2026 is a Saturday: the latest whole week is the one before, W43.
    assert "2026年第43周" in after.caption[0].value


@pytest.mark.parametrize("pointer", [None, "safetynet-20260101T000000000000Z.duckdb"])
def test_no_warehouse_to_serve_says_how_to_build_one(tmp_path, monkeypatch, pointer) -> None:
    """Before the first build, or with the served file deleted by hand: a message, no traceback."""
    root = tmp_path / "warehouse"
    root.mkdir()
    if pointer:
        (root / "CURRENT.json").write_text(f'{{"file": "{pointer}", "built_at": "x"}}')
    monkeypatch.setenv("SAFETYNET_DATA", str(tmp_path))
    at = _run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("no_warehouse", "zh")]
