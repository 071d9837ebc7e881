"""The risk page (风险) run headless, its figures checked against the raw Parquet files.

The risk score is a composite index (tests/test_risk.py recounts it); here the page's simple
figures are recounted from raw (communities, residents, open hazards per hexagon, category and
place), and its classes are checked against safetynet.analytics.metrics.risk_class applied to
the scores the page shows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl

import h3
import polars as pl
import pytest
from clicks import element
from conftest import (
    AS_OF,
    Opened,
    View,
    assert_exports_match_table,
    communities_in,
    shown_count,
)
from streamlit.proto.Dataframe_pb2 import Dataframe as DataframeProto
from streamlit.proto.DeckGlJsonChart_pb2 import DeckGlJsonChart

from safetynet.analytics.metrics import RISK_CLASSES, risk_class
from safetynet.app.labels import t
from safetynet.app.views import CITY_CODE
from safetynet.warehouse.vocabulary import label
from safetynet.weeks import monday_of, week_key

LATEST = monday_of(AS_OF)  # the demo's as-of date is a Sunday: its week is the latest full one
OLDER = date(2026, 9, 28)  # 2026-W40: a whole month (October) before the as-of month
UNIT = "410181"  # 巩义市: 26 communities, more than its top-20 table lists
TOP = 20
BAD_PLACE = "[点我](https://example.com/x) **粗体** `code` " + "长" * 30


@dataclass(frozen=True)
class Case(View):
    """One way the page is opened: the sidebar's unit, language and week, and the page's own
    choices in the link."""

    week: date  # Monday
    own: dict[str, str] = field(default_factory=dict)
    pick_community: bool = False  # open with ?place= one of the unit's communities

    @property
    def sunday(self) -> date:
        return self.week + timedelta(days=6)

    @property
    def read_on(self) -> date:
        """The day the risk index of the week's month is read: its last day, or the as-of date
        while the month is still running."""
        first = self.sunday.replace(day=1)
        last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        return min(last, AS_OF)

    @property
    def params(self) -> dict[str, str]:
        return super().params | {"week": week_key(self.week)} | self.own


CASES = {
    "city": Case("", "zh", LATEST),
    "unit": Case(UNIT, "en", OLDER, pick_community=True),
    "unit_zh": Case(UNIT, "zh", LATEST, {"place": BAD_PLACE, "hexes": "False"}),
}
WITH_HEXES = ["city", "unit"]


# --- the raw files --------------------------------------------------------------------------------


def open_on(raw: dict[str, pl.DataFrame], district: str, day: date) -> pl.DataFrame:
    """Hazards open at the end of a day: found by then and not rectified by then."""
    hazards = raw["hz"].filter(
        (pl.col("found_date") <= day)
        & (pl.col("rectified_date").is_null() | (pl.col("rectified_date") > day))
    )
    return hazards.filter(pl.col("district_code") == district) if district else hazards


@pytest.fixture(scope="module")
def community(raw: dict[str, pl.DataFrame]) -> dict[str, Any]:
    """The community a link picks in the unit: its most populous one."""
    return communities_in(raw, UNIT).sort("population", descending=True).row(0, named=True)


@pytest.fixture
def shown(open_page: Callable[..., Opened], community: dict[str, Any]) -> Callable[[str], Opened]:
    """The page as a case's link opens it."""

    def get(name: str) -> Opened:
        case = CASES[name]
        picked = {"place": community["community_code"]} if case.pick_community else {}
        return open_page("risk", **(case.params | picked))

    return get


# --- what the page shows --------------------------------------------------------------------------


def layer(deck: dict[str, Any], kind: str) -> dict[str, Any] | None:
    found = [item for item in deck["layers"] if item["@@type"] == kind]
    return found[0] if found else None


def dot_scores(page: Opened, lang: str) -> dict[str, tuple[float, str]]:
    """Each community dot on the map: its code → (risk score, class) as its tooltip says."""
    dots = layer(page.deck(), "ScatterplotLayer")
    assert dots is not None
    scores = {}
    for dot in dots["data"]:
        found = re.match(rf"{t('risk_score', lang)} (\d+\.\d\d) · ([^<]+)", dot["value"])
        assert found, dot["value"]
        scores[dot["code"]] = (float(found.group(1)), found.group(2))
    return scores


def class_name(score: float, lang: str) -> str:
    found = risk_class(score)
    return found.zh if lang == "zh" else found.en


def spread(page: Opened, lang: str) -> dict[str, dict[str, float]]:
    """The class chart: per class, its shares and counts of communities and of residents."""
    chart = page.chart(t("risk_classes_title", lang))
    names = [c.zh if lang == "zh" else c.en for c in RISK_CLASSES]
    assert [bar["name"] for bar in chart["data"]] == names  # every class, very low first
    rows = {}
    for bar in chart["data"]:
        (communities, _), (residents, off) = (shown_count(n) for n in bar["customdata"])
        rows[bar["name"]] = {
            "community_share": bar["x"][0],
            "resident_share": bar["x"][1],
            "communities": communities,
            "residents": residents,
            "off": off,
        }
    return rows


HEX_TIP = {
    "zh": r"未整改隐患(\S+)处（重大(\S+)处），涉及(\S+)个社区（村）",
    "en": r"(\S+) open hazards \((\S+) major\) in (\S+) communities",
}


def strings_in(tree: Any) -> Iterator[str]:
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, dict):
        for value in tree.values():
            yield from strings_in(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from strings_in(value)


# --- the spread over risk classes -----------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_classes_hold_every_community_and_resident_once(shown, raw, name: str) -> None:
    case = CASES[name]
    rows = spread(shown(name), case.lang)
    places = communities_in(raw, case.district)
    people = places["population"].sum()
    assert sum(r["communities"] for r in rows.values()) == places.height
    assert sum(r["residents"] for r in rows.values()) == pytest.approx(
        people, abs=sum(r["off"] for r in rows.values())
    )
    for row in rows.values():
        assert row["community_share"] == pytest.approx(row["communities"] / places.height)
        assert row["resident_share"] * people == pytest.approx(
            row["residents"], abs=row["off"] + 1e-6
        )


@pytest.mark.parametrize("name", ["unit", "unit_zh"])
def test_classes_are_those_of_the_scores_on_the_map(shown, raw, name: str) -> None:
    case = CASES[name]
    page = shown(name)
    scores = dot_scores(page, case.lang)
    places = communities_in(raw, case.district)
    assert set(scores) == set(places["community_code"])  # every community is a dot
    for score, shown_class in scores.values():
        assert shown_class == class_name(score, case.lang)
    population = dict(places.select("community_code", "population").iter_rows())
    counts = Counter(class_name(s, case.lang) for s, _ in scores.values())
    residents = Counter()
    for code, (score, _) in scores.items():
        residents[class_name(score, case.lang)] += population[code]
    assert len(counts) > 1  # the unit's communities do not all share one class
    for cls, row in spread(page, case.lang).items():
        assert row["communities"] == counts[cls]
        assert row["residents"] == pytest.approx(residents[cls], abs=row["off"])

    # the sentence under the chart counts the high and very high classes
    high = [c.zh if case.lang == "zh" else c.en for c in RISK_CLASSES[3:]]
    sentence = re.compile(
        r"高及以上风险：(\S+)个社区（村），(\S+)常住人口。"
        if case.lang == "zh"
        else r"High or very high risk: (\S+) communities, (\S+) residents\."
    )
    (said,) = [m for m in page.texts("markdown") if sentence.fullmatch(m)]
    n, people = sentence.fullmatch(said).groups()
    assert shown_count(n)[0] == sum(counts[c] for c in high)
    value, off = shown_count(people)
    assert value == pytest.approx(sum(residents[c] for c in high), abs=off)


def test_city_sentence_counts_the_high_classes_of_the_chart(shown) -> None:
    page = shown("city")
    rows = spread(page, "zh")
    high = [rows[c.zh] for c in RISK_CLASSES[3:]]
    found = [
        re.fullmatch(r"高及以上风险：(\S+)个社区（村），(\S+)常住人口。", m)
        for m in page.texts("markdown")
    ]
    (said,) = [m for m in found if m]
    assert shown_count(said.group(1))[0] == sum(r["communities"] for r in high) > 0
    value, off = shown_count(said.group(2))
    assert value == pytest.approx(
        sum(r["residents"] for r in high), abs=off + sum(r["off"] for r in high)
    )


# --- open hazards: hexagons and the category heatmap ----------------------------------------------


@pytest.mark.parametrize("name", WITH_HEXES)
def test_hexagons_sum_the_open_hazards_of_the_weeks_sunday(shown, raw, name: str) -> None:
    case = CASES[name]
    deck = shown(name).deck()
    cells = layer(deck, "H3HexagonLayer")
    assert cells is not None
    resolution = 7 if case.district else 6  # smaller cells for one unit
    points = raw["communities"]
    cell_of = pl.DataFrame(
        {
            "community_code": points["community_code"],
            "hex": [
                h3.latlng_to_cell(lat, lon, resolution)
                for lon, lat in points.select("lon", "lat").iter_rows()
            ],
        }
    )
    open_now = open_on(raw, case.district, case.sunday).join(cell_of, on="community_code")
    want = {
        row["hex"]: (row["n"], row["major"], row["communities"])
        for row in open_now.group_by("hex")
        .agg(
            n=pl.len(),
            major=(pl.col("severity") == "major").sum(),
            communities=pl.col("community_code").n_unique(),
        )
        .iter_rows(named=True)
    }
    got = {}
    for cell in cells["data"]:
        # a cell carries its id, its tooltip and its colour: no hazard and no point
        assert set(cell) == {"hex", "name", "value", "fill"}
        found = re.fullmatch(HEX_TIP[case.lang], cell["name"])
        assert found, cell["name"]
        got[cell["hex"]] = tuple(shown_count(v)[0] for v in found.groups())
    assert got == want
    assert sum(n for n, _, _ in got.values()) == open_now.height > 0

    # Nothing on the map is a hazard: besides the hexagons, units (outlines and labels) and
    # communities (dots), and no hazard id anywhere.
    kinds = [item["@@type"] for item in deck["layers"]]
    assert kinds == ["PolygonLayer", "H3HexagonLayer", "ScatterplotLayer", "TextLayer"]
    dots = layer(deck, "ScatterplotLayer")["data"]
    known = set(raw["communities"].select("lon", "lat").iter_rows())
    assert {tuple(dot["position"]) for dot in dots} <= known
    labels = layer(deck, "TextLayer")["data"]
    assert {item["text"] for item in labels} <= set(raw["districts"][case.names])
    assert not set(strings_in(deck)) & set(raw["hazards"]["hazard_id"])


def test_a_link_can_turn_the_hexagons_off(shown) -> None:
    page = shown("unit_zh")
    assert layer(page.deck(), "H3HexagonLayer") is None
    assert page.at.toggle(key="hexes").value is False
    assert page.at.query_params["hexes"] == "False"


@pytest.mark.parametrize("name", CASES)
def test_heatmap_counts_the_raw_open_hazards_per_category_and_place(shown, raw, name: str) -> None:
    case = CASES[name]
    title = "heatmap_title_streets" if case.district else "heatmap_title_units"
    (heat,) = shown(name).chart(t(title, case.lang))["data"]
    got = {
        (place, category): n
        for category, counts in zip(heat["y"], heat["z"], strict=True)
        for place, n in zip(heat["x"], counts, strict=True)
    }
    if case.district:  # one column per street of the unit
        places = raw["streets"].filter(pl.col("district_code") == case.district)
        place_of, names = "street_code", places.select("street_code", "name_zh")
    else:
        place_of, names = "district_code", raw["districts"].select("district_code", case.names)
    counted = open_on(raw, case.district, case.sunday).group_by(place_of, "category").len()
    lookup = {(p, c): n for p, c, n in counted.iter_rows()}
    categories = raw["hazards"]["category"].unique()  # every category found, zeros too
    want = {
        (place, label("hazards.category", category, case.lang)): lookup.get((code, category), 0)
        for code, place in names.iter_rows()
        for category in categories
    }
    assert got == want
    assert sum(got.values()) == open_on(raw, case.district, case.sunday).height
    totals = [sum(row) for row in heat["z"]]
    assert totals == sorted(totals, reverse=True)  # the category with the most on top


# --- the riskiest communities ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["city", "unit"])
def test_top_table_lists_the_riskiest_communities_with_raw_counts(shown, raw, name: str) -> None:
    case = CASES[name]
    page = shown(name)
    top = page.frame("risk_top")
    places = communities_in(raw, case.district)
    assert top.height == min(TOP, places.height)
    assert top["rank"].to_list() == list(range(1, top.height + 1))
    assert top["risk"].to_list() == sorted(top["risk"], reverse=True)
    for risk, cls in top.select("risk", f"risk_class_{case.lang}").iter_rows():
        assert cls == class_name(risk, case.lang)
    # population and open hazards (on the day the month is read) of each row, from raw
    open_hazards = open_on(raw, case.district, case.read_on).group_by("community_code").len()
    want = places.join(open_hazards, on="community_code", how="left").select(
        "name_zh",
        street_name="street",
        district_name="district",
        population=pl.col("population"),
        open_hazards=pl.col("len").fill_null(0),
    )
    key = ["name_zh", "street_name", "district_name"]
    assert want.select(key).is_unique().all()  # a row names one community
    joined = top.join(want, on=key, how="left", suffix="_raw")
    assert joined["population_raw"].null_count() == 0
    assert joined["population"].to_list() == joined["population_raw"].to_list()
    assert joined["open_hazards"].to_list() == joined["open_hazards_raw"].to_list()
    if case.district:  # the rows are the highest-scoring dots on the map
        scores = sorted((s for s, _ in dot_scores(page, case.lang).values()), reverse=True)
        assert [f"{r:.2f}" for r in top["risk"]] == [f"{s:.2f}" for s in scores[:TOP]]


@pytest.mark.parametrize("name", ["city", "unit_zh"])
def test_top_table_downloads_state_what_they_hold(shown, raw, name: str) -> None:
    case = CASES[name]
    sheet = assert_exports_match_table(shown(name), "risk_top")
    unit = (
        "郑州市"
        if not case.district
        else raw["districts"].filter(pl.col("district_code") == case.district)["name_zh"][0]
    )
    assert sheet.title == f"风险 · 风险最高的{TOP}个社区（村）"
    assert sheet.about.pop("导出时间")
    assert sheet.about == {
        "区县": unit,
        "统计期": f"{AS_OF.year}年{AS_OF.month}月（截至{AS_OF.month}月{AS_OF.day}日）",
        "数据截至": f"{AS_OF.year}年{AS_OF.month}月{AS_OF.day}日",
    }


# --- the chosen place -----------------------------------------------------------------------------


def test_a_linked_community_shows_its_own_figures(shown, community: dict[str, Any]) -> None:
    case = CASES["unit"]
    page = shown("unit")
    code, name = community["community_code"], community["name_zh"]
    assert page.at.selectbox(key="place").value == code
    assert page.at.query_params["place"] == code
    metrics = page.metrics()
    risk = metrics[f"{name} · Risk"]
    score, cls = dot_scores(page, case.lang)[code]
    assert risk == f"{score:.2f}"  # the same score as its dot on the map
    assert cls == class_name(score, case.lang)
    assert f"Risk class: {cls}" in " ".join(page.texts("markdown"))
    # its trend reads the same values in the chosen month (October, a whole month)
    trend = page.chart(f"{name} · {t('risk_trend_title', 'en')}")
    month = case.sunday.replace(day=1).isoformat()
    for dimension in ("risk_score", "risk_ha", "risk_vu", "risk_cc"):
        (line_of,) = [s for s in trend["data"] if s["name"] == t(dimension, "en")]
        at_month = [
            y for x, y in zip(line_of["x"], line_of["y"], strict=True) if x.startswith(month)
        ]
        label_of = f"{name} · Risk" if dimension == "risk_score" else t(dimension, "en")
        assert [f"{y:.2f}" for y in at_month] == [metrics[label_of]]
    # and the points of its indicators add up to its risk score
    points = page.chart(f"{name} · {t('risk_points_title', 'en')}")
    assert sum(sum(bar["x"]) for bar in points["data"]) == pytest.approx(float(risk), abs=0.005)


def test_a_place_that_is_no_option_falls_back_and_is_quoted_safely(shown, raw) -> None:
    page = shown("unit_zh")
    unit = raw["districts"].filter(pl.col("district_code") == UNIT)["name_zh"][0]
    assert page.at.selectbox(key="place").value == UNIT
    assert page.at.query_params["place"] == UNIT
    assert f"{unit} · 综合风险" in page.metrics()
    (warning,) = page.texts("warning")
    cut = BAD_PLACE[:40].replace("`", "'")
    # one code span, so Markdown renders no link, bold or code from the URL; cut at 40
    assert warning.endswith(f"`{cut}…`")
    assert warning.count("`") == 2


# --- months without a risk index --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_week_before_the_risk_months_says_why_it_is_empty(open_page, lang: str) -> None:
    page = open_page("risk", week="2024-W40", lang=lang)  # September 2024: 26 months back
    assert page.texts("info") == [t("no_risk", lang)]
    assert page.texts("title")[0] == ("郑州市 · 风险" if lang == "zh" else "Zhengzhou · Risk")
    assert not page.at.get("plotly_chart") and not page.at.get("deck_gl_json_chart")
    assert not page.tables()


# --- the way into the drill-down ------------------------------------------------------------------


def district_of(raw: dict[str, pl.DataFrame], code: str) -> str:
    """The unit of a place of any level ('' for the city)."""
    if len(code) == 12:
        code = raw["communities"].filter(community_code=code)["street_code"][0]
    if len(code) == 9:
        code = raw["streets"].filter(street_code=code)["district_code"][0]
    return "" if code == CITY_CODE else code


@pytest.mark.parametrize("name", CASES)
def test_the_explained_place_opens_in_the_drill_down(
    shown, raw, community: dict[str, Any], name: str
) -> None:
    """Beside the place whose risk is explained (picked in the box, on the map, in the table or
    by a link), a link opens it in the drill-down, in the same language and week."""
    case, page = CASES[name], shown(name)
    place = page.at.selectbox(key="place").value
    (link,) = [
        x for x in page.at.get("page_link") if x.proto.label == t("risk_open_drill", case.lang)
    ]
    assert link.proto.page == "drill"
    params = dict(parse_qsl(link.proto.query_string, keep_blank_values=True))
    district = district_of(raw, place)
    assert params == {
        "lang": case.lang,
        "week": week_key(case.week),
        "district": district,
        "place": place,
    }
    # the city, the unit, or the community the link picked
    want = community["community_code"] if case.pick_community else case.district or CITY_CODE
    assert place == want


def test_the_map_and_the_table_pick_the_place_to_explain(shown) -> None:
    """The map and the table of the riskiest communities report a click to the place's box."""
    at = shown("city").at
    deck = element(at, "deck_gl_json_chart", "risk_map").proto
    assert list(deck.selection_mode) == [DeckGlJsonChart.SelectionMode.SINGLE_OBJECT]
    table = element(at, "dataframe", "risk_top").proto
    assert list(table.selection_mode) == [DataframeProto.SelectionMode.SINGLE_ROW]
