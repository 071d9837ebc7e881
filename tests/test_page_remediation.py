"""The remediation page (整改), run headless with AppTest for each choice that changes what it asks
of the warehouse: the city, one unit, one street of it; windows of 4, 13 and 26 weeks; the latest
week and older ones; Chinese and English.

Every figure shown is recounted from the raw Parquet files with polars, by the definitions of
docs/remediation.md (the recounts of test_remediation.py), never read back from the marts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from clicks import DRILL, Switched, click, element, table_row
from conftest import Opened, assert_exports_match_table, read_csv, read_excel
from streamlit.proto.Dataframe_pb2 import Dataframe as DataframeProto
from test_remediation import (
    CITY,
    expected_groups,
    expected_remediation,
    expected_whistle,
    filtered,
    open_at,
    stocks_at,
)

from safetynet.app import fmt, views
from safetynet.app.labels import t
from safetynet.warehouse.vocabulary import label

LATEST = date(2026, 11, 23)  # Monday of the latest whole week before the demo's as-of date
# the age buckets as the page names them, and the stock each counts (docs/remediation.md §3)
BUCKETS = {"0-7": "open_0_7", "8-30": "open_8_30", "31-90": "open_31_90", ">90": "open_over_90"}
LEVEL_ORDER = {"province": 1, "city": 2, "county": 3}


@dataclass(frozen=True)
class Case:
    """One view of the page: what its link says."""

    lang: str = "zh"
    district: str = ""
    street: str = ""
    window: int = 13  # the page's default
    week: date = LATEST

    @property
    def params(self) -> dict[str, str]:
        iso = self.week.isocalendar()
        given = {
            "lang": self.lang,
            "week": f"{iso.year}-W{iso.week:02d}",
            "district": self.district,
            "street": self.street,
            "window": str(self.window),
        }
        return {k: v for k, v in given.items() if v}

    @property
    def first(self) -> date:
        return self.week - timedelta(weeks=self.window - 1)

    @property
    def last(self) -> date:
        return self.week + timedelta(days=6)

    @property
    def place(self) -> dict[str, str]:
        return {"district": self.district, "street": self.street}

    @property
    def level(self) -> str:
        """What one row of the whole looked at is."""
        return "street" if self.street else "district" if self.district else "city"

    @property
    def rows(self) -> str:
        """What one row of the place-by-place table and charts is."""
        return "street" if self.district else "district"


CASES = {
    "city": Case(),
    "unit-26-weeks": Case(district="410105", window=26),
    # a street with few hazards: an empty supervision list
    "street-4-weeks": Case(district="410105", street="410105006", window=4),
    # holds 1 January: hazards carried over from 2025, a young cohort
    "city-4-weeks-new-year": Case(window=4, week=date(2026, 1, 5)),
    "street-older-english": Case("en", "410181", "410181100", 26, date(2025, 7, 21)),
}


@pytest.fixture
def shown(open_page: Callable[..., Opened]) -> Callable[[str], Opened]:
    """The page as a case's link opens it."""
    return lambda name: open_page("remediation", **CASES[name].params)


def whole(raw: dict[str, pl.DataFrame], case: Case) -> dict[str, Any]:
    """The figures of the city, unit or street looked at."""
    got = expected_remediation(raw, case.level, case.place, case.first, case.last)
    return got[case.street or case.district or CITY]


def places(raw: dict[str, pl.DataFrame], case: Case) -> dict[str, dict[str, Any]]:
    """The figures of each row of the place-by-place table: the units, or the unit's streets."""
    return expected_remediation(raw, case.rows, {"district": case.district}, case.first, case.last)


def place_names(raw: dict[str, pl.DataFrame], level: str) -> dict[str, str]:
    return dict(raw[f"{level}s"].select(f"{level}_code", "name_zh").iter_rows())


def hazards_open(raw: dict[str, pl.DataFrame], case: Case) -> int:
    return filtered(raw["hz"], case.place).filter(open_at(case.last)).height


def hazards(n: int, lang: str) -> str:
    """A count as the page's figures show it: 272处 / 272."""
    return fmt.count(n, lang) + t("hazards_unit", lang) * (lang == "zh")


def blank(value: Any) -> bool:
    """An empty cell: None, or NaN once a table has been through pandas."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def close(shown: Any, want: Any) -> bool:
    """A shown value against what it should be: text equal, numbers to rounding, both empty."""
    if blank(shown) or blank(want):
        return blank(shown) and blank(want)
    if isinstance(want, str):
        return shown == want
    return shown == pytest.approx(want, abs=1e-9)


# ------------------------------------------------------------------ the headline figures


@pytest.mark.parametrize("name", CASES)
def test_title_and_period_name_the_window(shown, name: str) -> None:
    case, page = CASES[name], shown(name)
    at = page.at
    assert at.selectbox(key="window").value == str(case.window)
    period = t(
        "rem_period",
        case.lang,
        first=fmt.day(case.first, case.lang),
        last=fmt.day(case.last, case.lang),
        weeks=case.window,
    )
    assert page.texts("caption")[0].endswith(period)
    if case.street:  # the link's street is chosen, not just its unit
        assert at.selectbox(key="street").value == case.street
    assert dict(at.query_params) == case.params | {"window": str(case.window)}


@pytest.mark.parametrize("name", CASES)
def test_rates_match_the_raw_files_with_their_denominators(shown, raw, name: str) -> None:
    case, page = CASES[name], shown(name)
    lang, want = case.lang, whole(raw, case)
    metrics, captions = page.metrics(), page.texts("caption")
    for key, rate, num, den, of in (
        ("rem_cohort", "cohort_rate", "cohort_rectified", "found", "rem_rectified_of"),
        ("rem_cumulative", "cumulative_rate", "cumulative_rectified", "cumulative_found",
         "rem_rectified_of"),
        ("rem_on_time", "on_time_rate", "rectified_on_time", "rectified", "rem_on_time_of"),
        ("rem_major", "major_cohort_rate", "major_cohort_rectified", "major_found",
         "rem_rectified_of"),
    ):  # fmt: skip
        assert metrics[t(key, lang)] == fmt.rate(want[rate]), key
        caption = t(of, lang, num=fmt.count(want[num], lang), den=fmt.count(want[den], lang))
        assert caption in captions, key
    assert want["found"] > 0 and want["rectified"] > 0


@pytest.mark.parametrize("name", CASES)
def test_counts_and_days_to_rectify_match_the_raw_files(shown, raw, name: str) -> None:
    case, page = CASES[name], shown(name)
    lang, want = case.lang, whole(raw, case)
    metrics = page.metrics()
    for key, figure in (
        ("rem_found", "found"),
        ("rem_rectified", "rectified"),
        ("rem_open", "open_end"),
        ("rem_overdue", "overdue_end"),
        ("rem_carried", "carried_open_end"),
        ("rem_supervised", "supervised_open"),
    ):
        assert metrics[t(key, lang)] == hazards(want[figure], lang), key
    # carried over: found before 1 January of the ISO year of the window's last week
    year = case.week.isocalendar().year
    helps = {m.label: m.proto.help for m in page.at.metric}
    assert helps[t("rem_carried", lang)] == t("rem_carried_help", lang, year=year)
    of = t("rem_supervised_of", lang, n=fmt.count(want["supervised_overdue"], lang))
    assert of in page.texts("caption")
    for key, figure in (
        ("rem_days_median", "rectify_days_median"),
        ("rem_days_p90", "rectify_days_p90"),
    ):
        assert metrics[t(key, lang)] == t("rem_days_value", lang, n=want[figure]), key


def test_hazards_carried_over_from_last_year_are_counted(shown, raw) -> None:
    """Across 1 January the carried-over figure is not empty, and it is part of the open ones."""
    name = "city-4-weeks-new-year"
    want = whole(raw, CASES[name])
    assert 0 < want["carried_open_end"] < want["open_end"]
    assert shown(name).metrics()["往年结转未整改"] == f"{want['carried_open_end']}处"


@pytest.mark.parametrize("name", CASES)
def test_young_cohort_note_shows_when_the_window_is_young(shown, raw, name: str) -> None:
    case = CASES[name]
    young = whole(raw, case)["cohort_is_young"]
    assert (t("rem_young", case.lang) in shown(name).texts("caption")) is young


def test_a_four_week_window_is_not_always_young(raw) -> None:
    """The note follows the hazards' speed, not the window alone: of the two 4-week cases above,
    one is young and one is not, so both ways of the note are exercised."""
    flags = {name: whole(raw, CASES[name])["cohort_is_young"] for name in CASES}
    assert flags["city-4-weeks-new-year"] and not flags["street-4-weeks"]
    assert not flags["city"] and not flags["unit-26-weeks"]


# ------------------------------------------------------------------ charts


@pytest.mark.parametrize("name", CASES)
def test_burndown_has_the_weekly_figures(shown, raw, name: str) -> None:
    case = CASES[name]
    lang = case.lang
    chart = shown(name).chart(t("rem_burndown_title", lang))
    traces = {trace["name"]: trace for trace in chart["data"]}
    mondays = [case.first + timedelta(weeks=k) for k in range(case.window)]
    found, fixed = pl.col("found_date"), pl.col("rectified_date")
    hz = filtered(raw["hz"], case.place)
    weeks = pl.concat(
        hz.select(
            found=found.is_between(monday, monday + timedelta(days=6)).sum(),
            rectified=fixed.is_between(monday, monday + timedelta(days=6)).sum(),
            open=stocks_at(monday + timedelta(days=6))["open_end"],
            overdue=stocks_at(monday + timedelta(days=6))["overdue_end"],
        )
        for monday in mondays
    )
    for key in ("found", "rectified", "open", "overdue"):
        trace = traces[t(f"rem_burndown_{key}", lang)]
        assert [x[:10] for x in trace["x"]] == [m.isoformat() for m in mondays], key
        assert trace["y"] == weeks[key].to_list(), key
    assert weeks["open"][-1] == whole(raw, case)["open_end"]
    assert chart["layout"]["xaxis"]["tickformat"] == ("%-m月%-d日" if lang == "zh" else "%-d %b")


@pytest.mark.parametrize("name", CASES)
def test_ageing_has_the_open_hazards_of_each_place_by_age(shown, raw, name: str) -> None:
    case = CASES[name]
    lang = case.lang
    level = t(f"level_{case.rows}", lang).lower()  # inside a sentence
    chart = shown(name).chart(t("rem_ageing_title", lang, level=level))
    groups = expected_groups(raw, case.rows, case.place)  # a street chosen: that street only
    column = f"{case.rows}_code"
    stocks = stocks_at(case.last)
    aged = (
        filtered(raw["hz"], case.place)
        .group_by(column)
        .agg(**{bucket: stocks[figure] for bucket, figure in BUCKETS.items()})
    )
    counts = {row.pop(column): row for row in aged.iter_rows(named=True)}
    names = place_names(raw, case.rows)
    traces = {trace["name"]: trace for trace in chart["data"]}
    assert list(traces) == [t("rem_age", lang, bucket=b) for b in BUCKETS]
    for bucket in BUCKETS:
        trace = traces[t("rem_age", lang, bucket=bucket)]
        assert trace["y"] == [names[g] for g in groups]
        assert trace["x"] == [counts.get(g, {}).get(bucket, 0) for g in groups], bucket
    assert sum(sum(trace["x"]) for trace in chart["data"]) == hazards_open(raw, case)


@pytest.mark.parametrize("name", CASES)
def test_days_to_rectify_by_place(shown, raw, name: str) -> None:
    case = CASES[name]
    lang = case.lang
    chart = shown(name).chart(
        t("rem_days_title", lang, level=t(f"level_{case.rows}", lang).lower())
    )
    want = places(raw, case)
    median, p90 = chart["data"]
    assert median["x"] == [row["rectify_days_median"] for row in want.values()]
    assert p90["x"] == [row["rectify_days_p90"] for row in want.values()]


# ------------------------------------------------------------------ tables


@pytest.mark.parametrize("name", CASES)
def test_table_per_place_matches_the_raw_files(shown, raw, name: str) -> None:
    case = CASES[name]
    got = shown(name).frame("remediation_table")
    want = places(raw, case)
    names = place_names(raw, case.rows)
    assert got["group_name"].to_list() == [names[code] for code in want]
    rates = ("cohort_rate", "cumulative_rate", "on_time_rate", "major_cohort_rate")
    counts = ("found", "rectified", "open_end", "overdue_end", "carried_open_end",
              "rectify_days_median", "rectify_days_p90", "supervised_open")  # fmt: skip
    for row, expected in zip(got.iter_rows(named=True), want.values(), strict=True):
        for column in counts:
            assert close(row[column], expected[column]), (row["group_name"], column)
        for column in rates:  # shown in percent
            value = None if expected[column] is None else expected[column] * 100
            assert close(row[column], value), (row["group_name"], column)


def supervised(raw: dict[str, pl.DataFrame], case: Case) -> pl.DataFrame:
    """Major hazards under supervision open at the window's end, in the list's order: the highest
    level first, then the most days overdue, then the oldest."""
    day = case.last
    hz = filtered(raw["hz"], case.place).filter(
        open_at(day) & pl.col("supervision_level").is_not_null()
    )
    return hz.with_columns(
        level_order=pl.col("supervision_level").replace_strict(LEVEL_ORDER),
        days_open=(pl.lit(day) - pl.col("found_date")).dt.total_days(),
        days_overdue=(pl.lit(day) - pl.col("deadline")).dt.total_days().clip(lower_bound=0),
    ).sort(
        "level_order",
        "days_overdue",
        "found_date",
        "hazard_id",
        descending=[False, True, False, False],
    )


@pytest.mark.parametrize("name", CASES)
def test_supervised_follow_up_list(shown, raw, name: str) -> None:
    case, page = CASES[name], shown(name)
    lang = case.lang
    want = supervised(raw, case)
    assert want.height == whole(raw, case)["supervised_open"]
    if want.is_empty():
        assert t("rem_supervision_none", lang) in page.texts("info")
        assert "supervision_table" not in page.tables()
        return
    count = t("rem_supervision_count", lang, n=fmt.count(want.height, lang),
              day=fmt.day(case.last, lang))  # fmt: skip
    assert count in page.texts("caption")
    got = page.frame("supervision_table")
    assert got["hazard_id"].to_list() == want["hazard_id"].to_list()
    assert got["days_open"].to_list() == want["days_open"].to_list()
    assert got["days_overdue"].to_list() == want["days_overdue"].to_list()
    streets = place_names(raw, "street")
    assert got["street_name"].to_list() == [streets[s] for s in want["street_code"]]
    levels = [label("hazards.supervision_level", s, lang) for s in want["supervision_level"]]
    assert got["supervision_level_name"].to_list() == levels


def test_the_cases_show_a_list_and_an_empty_one(raw) -> None:
    """Both ways of the follow-up list are exercised by the cases above."""
    assert supervised(raw, CASES["street-4-weeks"]).is_empty()
    assert supervised(raw, CASES["street-older-english"]).height > 1


# ------------------------------------------------------------------ whistle calls


def whistle_names(raw: dict[str, pl.DataFrame], by: str, lang: str) -> Callable[[str], str]:
    if by == "department":
        return lambda code: label("whistle_calls.department", code, lang)
    return place_names(raw, "district").__getitem__


@pytest.mark.parametrize("name", CASES)
def test_whistle_summary_matches_the_raw_files(shown, raw, name: str) -> None:
    case = CASES[name]
    lang = case.lang
    by = "district" if case.district else "city"  # a street's calls are its unit's
    total = expected_whistle(raw, by, case.district, "", case.first, case.last)[
        case.district or CITY
    ]
    summary = t(
        "rem_whistle_summary",
        lang,
        calls=fmt.count(total["calls"], lang),
        within=fmt.rate(total["within_promise_share"]),
        pending=fmt.count(total["pending"], lang),
        resolved=fmt.rate(total["resolution_rate"]),
        pending_resolution=fmt.count(total["pending_resolution"], lang),
    )
    assert summary in shown(name).texts("markdown")


@pytest.mark.parametrize("name", CASES)
def test_whistle_response_by_department_and_by_unit(shown, raw, name: str) -> None:
    case, page = CASES[name], shown(name)
    lang = case.lang
    # by department, then by unit; one unit chosen: its calls by department only, no ranking
    # of units
    groupings = ["department"] if case.district else ["department", "district"]
    assert [key for key in page.tables() if key.startswith("whistle_")] == [
        f"whistle_{by}" for by in groupings
    ]
    for by in groupings:
        got = page.frame(f"whistle_{by}")
        want = expected_whistle(raw, by, case.district, "", case.first, case.last)
        named = whistle_names(raw, by, lang)
        rows = {row["group_code_name"]: row for row in got.iter_rows(named=True)}
        assert sorted(rows) == sorted(named(code) for code in want)
        for code, expected in want.items():
            row = rows[named(code)]
            for column in ("calls", "pending", "unresolved", "arrival_hours_median",
                           "arrival_hours_p90"):  # fmt: skip
                assert close(row[column], expected[column]), (code, column)
            for column in ("within_promise_share", "resolution_rate"):
                value = None if expected[column] is None else expected[column] * 100
                assert close(row[column], value), (code, column)
        # the chart ranks only those with enough calls, the lowest within-promise share first
        title = f"{t('rem_whistle_title', lang)} · {t('rem_whistle_by_' + by, lang)}"
        ranked = sorted(
            (code for code, row in want.items() if row["calls"] >= views.MIN_CALLS),
            key=lambda code: want[code]["within_promise_share"],
        )
        bars = page.chart(title)["data"]
        assert bars[0]["y"] == [named(code) for code in ranked]
        few = t("rem_whistle_few", lang, n=views.MIN_CALLS,
                what=t(f"rem_{by}s", lang))  # fmt: skip
        assert (few in page.texts("caption")) is (len(ranked) < len(want))


def test_few_calls_leave_the_ranking_but_stay_in_the_table(shown, raw) -> None:
    """In one unit over 26 weeks some departments have fewer than views.MIN_CALLS calls."""
    case, page = CASES["unit-26-weeks"], shown("unit-26-weeks")
    want = expected_whistle(raw, "department", case.district, "", case.first, case.last)
    few = [code for code, row in want.items() if row["calls"] < views.MIN_CALLS]
    many = [code for code, row in want.items() if row["calls"] >= views.MIN_CALLS]
    assert few and many
    named = whistle_names(raw, "department", "zh")
    bars = page.chart("吹哨报到：部门响应 · 按部门")["data"][0]["y"]
    shown_in_table = page.frame("whistle_department")["group_code_name"].to_list()
    for code in few:
        assert named(code) not in bars and named(code) in shown_in_table
    assert sorted(bars) == sorted(named(code) for code in many)


# ------------------------------------------------------------------ downloads


def test_excel_of_the_table_per_place(shown) -> None:
    """The Excel and CSV files hold the rows the table shows (Excel keeps rates as fractions
    with a percent format; the page shows percent), under the page's filters."""
    case = CASES["unit-26-weeks"]
    sheet = assert_exports_match_table(shown("unit-26-weeks"), "remediation_table")
    assert sheet.title == "整改 · 各地整改情况"
    period = f"{fmt.day(case.first, 'zh')}—{fmt.day(case.last, 'zh')}（26周）"
    assert sheet.about["区县"] == "金水区"
    assert sheet.about["统计时段"] == "近26周"  # the window is one of the filters
    assert sheet.about["统计期"] == period
    assert sheet.about["数据截至"] == "2026年11月29日"
    assert "导出时间" in sheet.about
    assert sheet.headers[:4] == ["地点", "发现", "整改", "队列整改率（%）"]


def test_csv_of_the_table_per_place(shown, raw) -> None:
    header, *rows = read_csv(shown("unit-26-weeks").download("remediation_table_csv"))
    rates = {"队列整改率（%）": "cohort_rate", "累计整改率（%）": "cumulative_rate",
             "按期整改率（%）": "on_time_rate", "重大隐患整改率（%）": "major_cohort_rate"}  # fmt: skip
    assert set(rates) <= set(header)
    want = places(raw, CASES["unit-26-weeks"])
    for row, expected in zip(rows, want.values(), strict=True):
        for title, figure in rates.items():
            value = row[header.index(title)]
            if expected[figure] is None:
                assert value == ""
            else:  # percent, one decimal
                assert float(value) == round(expected[figure] * 100, 1), title


def test_excel_of_a_street_names_the_street(shown, raw) -> None:
    """The follow-up list of one street is that street's: its file says so."""
    sheet = read_excel(shown("street-older-english").download("supervision_table_xlsx"))
    street = place_names(raw, "street")[CASES["street-older-english"].street]
    assert sheet.about[t("rem_street", "en")] == street
    assert sheet.about[t("rem_window", "en")] == "last 26 weeks"


# ------------------------------------------------------------------ links


def test_a_bad_window_in_the_link_falls_back_and_is_quoted_safely(
    open_page: Callable[..., Opened],
) -> None:
    bad = "`x`[点我](https://example.org/x) ![图](https://example.org/i.png) and more words"
    page = open_page("remediation", window=bad)
    assert page.at.selectbox(key="window").value == "13"
    assert "（13周）" in page.texts("caption")[0]
    (warning,) = page.texts("warning")
    prefix = t("bad_choice", "zh") + " "
    assert warning.startswith(prefix)
    quoted = warning.removeprefix(prefix)
    # one code span around the first 40 characters, its own backticks replaced: Markdown shows
    # the text as it is, never a link or an image
    assert quoted == "`" + bad[:40].replace("`", "'") + "…`"
    assert quoted.count("`") == 2
    assert page.at.query_params["window"] == "13"


def test_english_whistle_tables_download_as_excel(shown) -> None:
    """An English table title may hold characters Excel refuses in a sheet name ('Whistle calls:
    …'); the file still opens, titled in full on its first row."""
    sheet = read_excel(shown("street-older-english").download("whistle_department_xlsx"))
    assert sheet.name == "Whistle calls how departments r"
    assert sheet.title == "Remediation · Whistle calls: how departments respond · By department"


# ------------------------------------------------------------------ the way into the drill-down


def drill_link(case: Case, code: str, district: str) -> Switched:
    """The drill-down of a place, in the case's language and week."""
    return Switched(
        DRILL,
        {"lang": case.lang, "week": case.params["week"], "district": district, "place": code},
    )


@pytest.mark.parametrize("name", CASES)
def test_the_tables_report_a_clicked_row(shown, name: str) -> None:
    """The table per place and the follow-up list (a key, on_select="rerun", one row)."""
    page = shown(name)
    for key in ("remediation_table", "supervision_table"):
        if key in page.tables():  # an empty follow-up list shows no table
            table = element(page.at, "dataframe", key).proto
            assert list(table.selection_mode) == [DataframeProto.SelectionMode.SINGLE_ROW]
    assert t("rem_table_pick", CASES[name].lang) in page.texts("caption")


@pytest.mark.parametrize("name", ["city", "unit-26-weeks"])
def test_a_row_of_the_table_per_place_opens_it_in_the_drill_down(data_root, raw, name) -> None:
    """The city's table opens a unit, a unit's table one of its streets."""
    case = CASES[name]
    codes = list(places(raw, case))
    row = len(codes) - 1  # the last row: not the first, and inside the table
    switched = click(data_root, "remediation", case.params, "remediation_table", table_row(row))
    assert switched == drill_link(case, codes[row], case.district or codes[row])


def test_a_supervised_hazard_opens_its_grid_in_the_drill_down(data_root, raw) -> None:
    case = CASES["street-older-english"]
    hazards = supervised(raw, case)
    row = hazards.height - 1
    switched = click(data_root, "remediation", case.params, "supervision_table", table_row(row))
    grid = hazards["grid_code"][row]
    assert len(grid) == 16
    assert switched == drill_link(case, grid, case.district)
