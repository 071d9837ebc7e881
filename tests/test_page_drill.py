"""The drill-down page (下钻), run headless with AppTest at every level (city, unit, street,
community, grid) for a sample of places, in Chinese and English.

Every figure shown, every row of the children's tables and of the hazard list is recounted from
the raw Parquet files with polars by the definitions of docs/drill-down.md, never read back from
the marts or the page queries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import parse_qsl

import polars as pl
import pytest
from conftest import APP, Opened, assert_exports_match_table
from streamlit.testing.v1 import AppTest
from test_app import LAST_WEEK
from test_remediation import open_at

from safetynet.app import fmt
from safetynet.app.labels import FIGURES, ON_TIME_RATE, t
from safetynet.warehouse.vocabulary import label

SUNDAY = LAST_WEEK + timedelta(days=6)
WEEK = "2026-W48"
LEVEL_COLUMN = {
    "district": "district_code",
    "street": "street_code",
    "community": "community_code",
    "grid": "grid_code",
}
CHILD = {"city": "district", "district": "street", "street": "community", "community": "grid"}
SHOWN = (*FIGURES, ON_TIME_RATE)


# ------------------------------------------------------------------ recounts from the raw files


def level_of(code: str) -> str:
    if code == "410100":
        return "city"
    return {6: "district", 9: "street", 12: "community", 16: "grid"}.get(len(code), "city")


def hazards_of(raw: dict[str, pl.DataFrame], code: str) -> pl.DataFrame:
    if level_of(code) == "city":
        return raw["hz"]
    return raw["hz"].filter(pl.col(LEVEL_COLUMN[level_of(code)]) == code)


def share(num: int, den: int) -> float | None:
    return num / den if den else None


def figures(raw: dict[str, pl.DataFrame], code: str, week: date = LAST_WEEK) -> dict:
    """A place's core figures for a week, from the raw hazards and patrols."""
    sunday = week + timedelta(days=6)
    h = hazards_of(raw, code)
    iso_year = week.isocalendar().year
    cohort = h.filter(pl.col("found_date").is_between(date(iso_year, 1, 1), sunday))
    year = h.filter(
        pl.col("rectified_date").is_between(date.fromisocalendar(iso_year, 1, 1), sunday)
    )
    patrols = raw["insp"].filter(pl.col("week_start") == week)
    if level_of(code) != "city":
        patrols = patrols.filter(pl.col(LEVEL_COLUMN[level_of(code)]) == code)
    opened = h.filter(open_at(sunday))
    return {
        "new_hazards": h.filter(pl.col("found_date").is_between(week, sunday)).height,
        "open_hazards": opened.height,
        "major_open": opened.filter(severity="major").height,
        "overdue": opened.filter(pl.col("deadline") < sunday).height,
        "rectification_rate": share(
            cohort.filter(pl.col("rectified_date") <= sunday).height, cohort.height
        ),
        "on_time_rate": share(
            year.filter(pl.col("rectified_date") <= pl.col("deadline")).height, year.height
        ),
        "compliance_rate": share(patrols["items_compliant"].sum(), patrols["items_checked"].sum()),
    }


def children_of(raw: dict[str, pl.DataFrame], code: str) -> list[str]:
    """The codes one level below a place, from the raw tables."""
    level = level_of(code)
    if level == "city":
        return sorted(raw["districts"]["district_code"])
    if level == "district":
        return sorted(raw["streets"].filter(district_code=code)["street_code"])
    if level == "street":
        return sorted(raw["communities"].filter(street_code=code)["community_code"])
    return sorted(raw["grids"].filter(community_code=code)["grid_code"])


def shown_value(figure, value: float | None, lang: str = "zh") -> str:
    if figure.rate:
        return fmt.rate(value)
    return fmt.count(value, lang) + (figure.unit(lang) if lang == "zh" else "")


# ------------------------------------------------------------------ the sample of places


@pytest.fixture(scope="module")
def sample(raw: dict[str, pl.DataFrame]) -> dict[str, str]:
    """One place per level on the way down to the grid with the most open hazards at the week's
    end (so every level has some), and a second grid with none."""
    opened = raw["hz"].filter(open_at(SUNDAY))
    top = opened.group_by("grid_code").len().sort(["len", "grid_code"], descending=[True, False])
    grid = top["grid_code"][0]
    place = raw["place"].filter(grid_code=grid).row(0, named=True)
    quiet = raw["grids"].filter(~pl.col("grid_code").is_in(opened["grid_code"].implode()))
    return {
        "city": "410100",
        "district": place["district_code"],
        "street": place["street_code"],
        "community": place["community_code"],
        "grid": grid,
        "quiet_grid": quiet.sort("grid_code")["grid_code"][0],
    }


@pytest.fixture
def drill(open_page: Callable[..., Opened]) -> Callable[..., Opened]:
    def run(place: str, **params: str) -> Opened:
        return open_page("drill", place=place, week=WEEK, **params)

    return run


def metrics(page: Opened) -> dict[str, str]:
    return page.metrics()


# ------------------------------------------------------------------ figures at every level


@pytest.mark.parametrize("level", ["city", "district", "street", "community", "grid", "quiet_grid"])
def test_each_level_shows_its_figures(drill, raw, sample, level: str) -> None:
    code = sample[level]
    page = drill(code)
    want = figures(raw, code)
    shown = metrics(page)
    for figure in SHOWN:
        assert shown[figure.name("zh")] == shown_value(figure, want[figure.key]), figure.key
    assert page.texts("title")[0].endswith(" · 下钻")
    assert page.at.query_params["place"] == code


@pytest.mark.parametrize("level", ["district", "street", "community", "grid"])
def test_each_figure_reads_against_the_parent_and_the_places_beside_it(
    drill, raw, sample, level: str
) -> None:
    code = sample[level]
    parent = sample[{"district": "city", "street": "district", "community": "street",
                     "grid": "community"}[level]]  # fmt: skip
    siblings = children_of(raw, parent)
    mine, theirs = figures(raw, code), {c: figures(raw, c) for c in siblings}
    parent_figures = figures(raw, parent)
    captions = drill(code).texts("caption")
    for figure in SHOWN:
        values = [v[figure.key] for v in theirs.values() if v[figure.key] is not None]
        worse = [v for v in values if (v < mine[figure.key] if figure.worse_when == "down"
                                       else v > mine[figure.key])]  # fmt: skip
        rank = t("drill_rank", "zh", rank=len(worse) + 1, n=len(values),
                 low=shown_value(figure, min(values)), high=shown_value(figure, max(values)))  # fmt: skip
        parent_text = f"：{shown_value(figure, parent_figures[figure.key])}"
        if len(values) > 1:  # a place alone under its parent has no rank
            assert any(c.endswith(f"{parent_text} · {rank}") for c in captions), figure.key
        else:
            assert any(c.endswith(parent_text) for c in captions), figure.key


@pytest.mark.parametrize("level", ["city", "district", "street", "community"])
def test_the_children_table_holds_every_child_with_its_figures(drill, raw, sample, level) -> None:
    code = sample[level]
    page = drill(code)
    rows = page.frame("drill_children")
    codes = children_of(raw, code)
    assert rows.height == len(codes)
    for child, row in zip(codes, rows.iter_rows(named=True), strict=True):
        want = figures(raw, child)
        for figure in SHOWN:
            value = row[figure.key]
            if want[figure.key] is None:
                assert value is None or value != value, (child, figure.key)  # empty, or NaN
            elif figure.rate:  # shown in percent
                assert value == pytest.approx(want[figure.key] * 100), (child, figure.key)
            else:
                assert value == want[figure.key], (child, figure.key)


@pytest.mark.parametrize("level", ["city", "district", "street", "community"])
def test_the_chart_shows_the_most_overdue_places_below(drill, raw, sample, level) -> None:
    page = drill(sample[level])
    (chart,) = page.charts()
    counts = {c: figures(raw, c) for c in children_of(raw, sample[level])}
    order = sorted(counts, key=lambda c: (-counts[c]["overdue"], -counts[c]["open_hazards"], c))
    order = [c for c in order if counts[c]["open_hazards"]][:15]  # no bar for a quiet place
    overdue, opened = chart["data"]
    assert overdue["x"] == [counts[c]["overdue"] for c in order]
    assert opened["x"] == [counts[c]["open_hazards"] for c in order]
    assert chart["layout"]["title"]["text"].replace("<br>", "").startswith("逾期未整改与未整改隐患")
    assert "数据截至" in chart["layout"]["title"]["subtitle"]["text"]


def test_the_children_table_downloads_as_shown(drill, sample) -> None:
    page = drill(sample["street"])
    sheet = assert_exports_match_table(page, "drill_children")
    assert sheet.about["地点"].endswith(page.texts("title")[0].removesuffix(" · 下钻"))


def test_a_grid_shows_its_people_teams_and_patrols(drill, raw, sample) -> None:
    code = sample["grid"]
    grid = raw["grids"].filter(grid_code=code).row(0, named=True)
    weeks = [LAST_WEEK - timedelta(weeks=k) for k in range(8)]
    patrols = raw["insp"].filter((pl.col("grid_code") == code) & pl.col("week_start").is_in(weeks))
    shown = metrics(drill(code))
    assert shown["户数"] == str(grid["households"])
    assert shown["网格员"] == str(grid["workers"])
    grid_type = label("grids.grid_type", grid["grid_type"], "zh")
    assert f"网格类型：{grid_type}" in drill(code).texts("caption")
    assert shown["近8周巡查"] == str(patrols["patrols"].sum())
    assert shown["近8周检查符合率"] == fmt.rate(
        share(patrols["items_compliant"].sum(), patrols["items_checked"].sum())
    )
    teams = [
        n
        for n, has in (("专职应急小组", grid["has_group"]), ("应急小分队", grid["has_squad"]))
        if has
    ]
    assert shown["应急力量"] == ("、".join(teams) or "无")
    chart = drill(code).charts()[0]
    assert [b for b in chart["data"][0]["y"]] == [
        patrols.filter(week_start=w)["patrols"].sum() for w in reversed(weeks)
    ]


# ------------------------------------------------------------------ the hazard list


def open_list(raw, code: str, overdue: bool = False, category: str = "") -> pl.DataFrame:
    rows = hazards_of(raw, code).filter(open_at(SUNDAY))
    if overdue:
        rows = rows.filter(pl.col("deadline") < SUNDAY)
    if category:
        rows = rows.filter(category=category)
    return rows.with_columns(
        days_open=(pl.lit(SUNDAY) - pl.col("found_date")).dt.total_days(),
        days_overdue=pl.max_horizontal(
            (pl.lit(SUNDAY) - pl.col("deadline")).dt.total_days(), pl.lit(0)
        ),
    ).sort(["days_overdue", "days_open", "hazard_id"], descending=[True, True, False])


@pytest.mark.parametrize("level", ["street", "community", "grid"])
def test_the_hazard_list_holds_every_open_hazard_most_overdue_first(drill, raw, sample, level):
    code = sample[level]
    rows = drill(code).frame("drill_hazards")
    want = open_list(raw, code)
    assert rows["hazard_id"].to_list() == want["hazard_id"].to_list()
    assert rows["days_overdue"].to_list() == want["days_overdue"].to_list()
    assert rows["days_open"].to_list() == want["days_open"].to_list()
    categories = [label("hazards.category", c, "zh") for c in want["category"]]
    assert rows["category_name"].to_list() == categories


def test_the_hazard_list_filters(drill, raw, sample) -> None:
    code = sample["street"]
    category = open_list(raw, code)["category"][0]
    rows = drill(code, overdue="True").frame("drill_hazards") if open_list(
        raw, code, overdue=True).height else None  # fmt: skip
    if rows is not None:
        assert (
            rows["hazard_id"].to_list() == open_list(raw, code, overdue=True)["hazard_id"].to_list()
        )
    picked = drill(code, category=category).frame("drill_hazards")
    assert (
        picked["hazard_id"].to_list()
        == open_list(raw, code, category=category)["hazard_id"].to_list()
    )


def test_the_hazard_list_downloads_with_the_place_and_filters(drill, raw, sample) -> None:
    code = sample["community"]
    category = open_list(raw, code)["category"][0]
    page = drill(code, category=category)
    sheet = assert_exports_match_table(page, "drill_hazards")
    assert sheet.title == "下钻 · 未整改隐患清单"
    assert sheet.about["隐患类别"] == label("hazards.category", category, "zh")
    assert sheet.about["只看逾期"] == "否"
    path = raw["place"].filter(community_code=code).row(0, named=True)
    assert sheet.about["地点"].split(" › ")[0] == raw["districts"].filter(
        district_code=path["district_code"])["name_zh"][0]  # fmt: skip


def test_a_unit_lists_every_community_with_overdue_hazards(drill, raw) -> None:
    overdue_units = raw["hz"].filter(open_at(SUNDAY) & (pl.col("deadline") < SUNDAY))
    code = (
        overdue_units.group_by("district_code")
        .len()
        .sort(["len", "district_code"], descending=[True, False])[0, 0]
    )
    rows = drill(code).frame("drill_worst")
    overdue = (
        hazards_of(raw, code)
        .filter(open_at(SUNDAY) & (pl.col("deadline") < SUNDAY))
        .group_by("community_code")
        .len()
    )
    names = dict(
        zip(raw["communities"]["community_code"], raw["communities"]["name_zh"], strict=True)
    )
    assert sorted(rows["overdue"].to_list(), reverse=True) == rows["overdue"].to_list()
    assert sorted(zip(rows["name_zh"], rows["overdue"], strict=True)) == sorted(
        (names[c], n) for c, n in overdue.iter_rows()
    )


# ------------------------------------------------------------------ the way up, search and links


def link_params(link) -> dict[str, str]:
    return dict(parse_qsl(link.proto.query_string))


def test_the_breadcrumb_links_every_step_back_up(drill, raw, sample) -> None:
    page = drill(sample["grid"])
    steps = [link for link in page.at.get("page_link") if link.proto.page == "drill"]
    codes = [link_params(link)["place"] for link in steps]
    assert codes == [sample["city"], sample["district"], sample["street"], sample["community"]]
    names = [link.proto.label for link in steps]
    assert names[0] == "郑州市"
    assert names[1] == raw["districts"].filter(district_code=sample["district"])["name_zh"][0]
    for link in steps:
        assert link_params(link)["week"] == WEEK


def searched(text: str) -> AppTest:
    """The drill-down after typing into its search box (a fresh run: the box changes the page)."""
    page = AppTest.from_file(APP, default_timeout=60)
    page.query_params["week"] = WEEK
    page.switch_page("pages/drill.py").run()
    page.text_input(key="drill_search").input(text).run()
    return page


def test_search_finds_a_community_by_name_with_its_path(served, raw) -> None:
    """A community name that repeats across the city lists each place with its path."""
    names = raw["communities"].group_by("name_zh").len().filter(pl.col("len") > 1).sort("name_zh")
    name = names["name_zh"][0]
    page = searched(name)
    assert not page.exception
    found = [link for link in page.get("page_link") if " › " in link.proto.label]
    want = raw["communities"].filter(pl.col("name_zh").str.contains(name, literal=True))
    assert len(found) == min(want.height, 20)
    exact = [link for link in found if link.proto.label.endswith(" › " + name)]
    assert len({link_params(link)["place"] for link in exact}) == names["len"][0]
    assert len({link.proto.label for link in exact}) == len(exact)  # the paths tell them apart


def test_search_finds_nothing_and_says_so(served) -> None:
    page = searched("没有这个地方")
    assert any("没有这个地方" in i.value for i in page.info)


def test_a_code_that_names_no_place_shows_the_nearest_above(drill, sample) -> None:
    unknown = sample["street"] + "999"  # a community code that does not exist
    page = drill(unknown)
    (warning,) = page.texts("warning")
    assert warning.startswith(t("bad_place", "zh"))
    assert page.at.query_params["place"] == sample["street"]


def test_nonsense_in_the_link_shows_the_city(drill) -> None:
    page = drill("[点我](https://example.org)")
    assert page.at.query_params["place"] == "410100"
    assert "`[点我](https://example.org)`" in page.texts("warning")[0]


def test_a_place_outside_the_linked_unit_opens_in_its_own_unit(drill, raw, sample) -> None:
    other = next(d for d in sorted(raw["districts"]["district_code"]) if d != sample["district"])
    page = drill(sample["community"], district=other)
    unit = raw["districts"].filter(district_code=sample["district"])["name_zh"][0]
    assert page.texts("warning") == [t("drill_other_unit", "zh", unit=unit)]
    assert page.at.query_params["district"] == sample["district"]
    assert page.at.query_params["place"] == sample["community"]


def test_the_english_view(drill, raw, sample) -> None:
    page = drill(sample["street"], lang="en")
    shown = metrics(page)
    want = figures(raw, sample["street"])
    for figure in SHOWN:
        assert shown[figure.name("en")] == shown_value(figure, want[figure.key], "en")
    assert page.texts("title")[0].endswith(" · Drill-down")
    assert "Open hazards" in [s for s in page.texts("subheader")]
