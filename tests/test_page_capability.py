"""The capability page (能力) run headless, every share and count checked against the raw files.

Figures are recounted per community from raw grids, teams, drills, readiness and vulnerable
groups, then summed per unit (or per street of a unit) and for the whole, as docs/capability.md
defines them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
import pytest
from clicks import DRILL, Switched, click, table_row
from conftest import AS_OF, Opened, View, assert_exports_match_table, communities_in

from safetynet.app import fmt
from safetynet.app.labels import t
from safetynet.warehouse.vocabulary import label

UNIT = "410181"  # 巩义市
WHOLE = "whole"  # the place code of the whole row in the expected frame
FIRST_DAY = AS_OF - timedelta(days=364)  # drills and trainings: the 365 days up to the as-of date
CHECKLIST = ("has_plan", "has_risk_map", "has_evacuation_routes", "has_vulnerable_list")


@dataclass(frozen=True)
class Case(View):
    """One way the page is opened: the unit and language, and any other link parameter."""

    link: dict[str, str] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str]:
        return super().params | self.link


CASES = {
    "city": Case("", "zh"),
    "unit": Case(UNIT, "en"),
    # an older week changes nothing: capability is read on the as-of date
    "older": Case(UNIT, "zh", {"week": "2025-W30"}),
}


@pytest.fixture
def shown(open_page: Callable[..., Opened]) -> Callable[[str], Opened]:
    """The page as a case's link opens it."""
    return lambda name: open_page("capability", **CASES[name].params)


# --- the raw files --------------------------------------------------------------------------------


def per_community(raw: dict[str, pl.DataFrame], district: str) -> pl.DataFrame:
    """The counts behind every figure, one row per community, with the place it is shown under:
    its unit for the city, its street for a unit."""
    grids = (
        raw["grids"]
        .group_by("community_code")
        .agg(
            grids=pl.len(),
            first_level=pl.col("grid_type").is_in(["community", "rural"]).sum(),
            with_group=(
                pl.col("grid_type").is_in(["community", "rural"]) & pl.col("has_group")
            ).sum(),
            micro=(pl.col("grid_type") == "micro").sum(),
            with_squad=((pl.col("grid_type") == "micro") & pl.col("has_squad")).sum(),
            without_team=(
                (pl.col("grid_type") != "dedicated") & ~pl.col("has_group") & ~pl.col("has_squad")
            ).sum(),
            workers=pl.col("workers").sum(),
        )
    )
    teams = (
        raw["teams"]
        .filter(pl.col("founded_date") <= AS_OF)
        .group_by("community_code")
        .agg(members=pl.col("members").sum())
    )
    drills = (
        raw["drills"]
        .filter(pl.col("held_date").is_between(FIRST_DAY, AS_OF))
        .group_by("community_code")
        .agg(
            drills=(pl.col("kind") == "drill").sum(),
            trainings=(pl.col("kind") == "training").sum(),
            participants=pl.col("participants").sum(),
            events=pl.len(),
            with_orgs=(pl.col("social_orgs") > 0).sum(),
        )
    )
    ready = raw["readiness"].select(
        "community_code",
        *(pl.col(c).cast(pl.Int64) for c in CHECKLIST),
        all_four=pl.all_horizontal(CHECKLIST).cast(pl.Int64),
    )
    vulnerable = (
        raw["vulnerable_groups"]
        .group_by("community_code")
        .agg(vulnerable=pl.col("people").sum(), with_helper=pl.col("with_helper").sum())
    )
    rows = communities_in(raw, district).select(
        "community_code",
        "population",
        place=pl.col("street_code" if district else "district_code"),
    )
    for part in (grids, teams, drills, ready, vulnerable):
        rows = rows.join(part, on="community_code", how="left")
    return rows.fill_null(0)  # no readiness row: none of the four; no grids, teams: 0


def expected(raw: dict[str, pl.DataFrame], district: str) -> pl.DataFrame:
    """Every figure per place and for the whole (place WHOLE)."""
    rows = per_community(raw, district)
    counts = [c for c in rows.columns if c not in ("community_code", "place")]
    sums = [pl.len().alias("communities"), *(pl.col(c).sum() for c in counts)]
    places = pl.concat(
        [rows.group_by("place").agg(sums), rows.select(pl.lit(WHOLE).alias("place"), *sums)],
        how="vertical_relaxed",
    )
    return places.with_columns(
        group_share=ratio("with_group", "first_level"),
        squad_share=ratio("with_squad", "micro"),
        workers_per_grid=ratio("workers", "grids"),
        members_per_10k=10_000 * ratio("members", "population"),
        reach=ratio("participants", "population"),
        orgs_share=ratio("with_orgs", "events"),
        helper_share=ratio("with_helper", "vulnerable"),
        **{f"{c}_share": ratio(c, "communities") for c in (*CHECKLIST, "all_four")},
    )


def ratio(num: str, den: str) -> pl.Expr:
    """num / den, empty where there is nothing to share out (no micro-grid, no event)."""
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den))


def named(raw: dict[str, pl.DataFrame], case: Case) -> tuple[str, dict[str, dict]]:
    """The name of the whole (the unit or the city) and the expected rows by the name the page
    shows for each place, the whole's included."""
    if case.district:
        streets = raw["streets"].filter(pl.col("district_code") == case.district)
        names = dict(streets.select("street_code", "name_zh").iter_rows())  # no English names
        unit = raw["districts"].filter(pl.col("district_code") == case.district)
        names[WHOLE] = unit[case.names][0]
    else:
        names = dict(raw["districts"].select("district_code", case.names).iter_rows())
        names[WHOLE] = t("city_name", case.lang)
    rows = {names[row["place"]]: row for row in expected(raw, case.district).to_dicts()}
    return names[WHOLE], rows


def level(case: Case) -> str:
    return t("level_street" if case.district else "level_district", case.lang).lower()


# --- the headline figures -------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_headline_shares_and_counts_are_the_raw_ones(shown, raw, name: str) -> None:
    case = CASES[name]
    page = shown(name)
    lang = case.lang
    whole = expected(raw, case.district).filter(pl.col("place") == WHOLE).row(0, named=True)
    got = page.metrics()
    shares = {  # metric → (numerator, denominator): the share and both, under it
        "cap_group": ("with_group", "first_level"),
        "cap_squad": ("with_squad", "micro"),
        "cap_helper": ("with_helper", "vulnerable"),
        "cap_ready": ("all_four", "communities"),
    }
    captions = page.texts("caption")
    for key, (num, den) in shares.items():
        assert got[t(key, lang)] == fmt.rate(whole[num] / whole[den])
        said = t("cap_of", lang, num=fmt.count(whole[num], lang), den=fmt.count(whole[den], lang))
        assert said in captions
    assert got[t("cap_workers", lang)] == fmt.number(whole["workers_per_grid"], lang)
    assert got[t("cap_members", lang)] == fmt.number(whole["members_per_10k"], lang)
    events = fmt.count(whole["drills"] + whole["trainings"], lang)
    assert got[t("cap_events", lang)] == t("cap_events_value", lang, n=events)
    said = t(
        "cap_events_caption",
        lang,
        drills=fmt.count(whole["drills"], lang),
        trainings=fmt.count(whole["trainings"], lang),
        people=fmt.count(whole["participants"], lang),
        share=fmt.rate(whole["reach"]),
        orgs=fmt.rate(whole["orgs_share"]),
    )
    assert said in captions
    without = t("cap_without_team", lang, n=fmt.count(whole["without_team"], lang))
    assert without in captions
    assert whole["drills"] > 0 and whole["with_group"] > 0  # not a vacuous comparison


# --- place by place -------------------------------------------------------------------------------

TABLE = {  # table column → expected column (rates in the table are in percent)
    "population": "population",
    "grids": "grids",
    "grids_without_team": "without_team",
    "workers_per_grid": "workers_per_grid",
    "members_per_10k": "members_per_10k",
    "drills_12m": "drills",
    "trainings_12m": "trainings",
    "participants_12m": "participants",
    "vulnerable": "vulnerable",
}
TABLE_RATES = {
    "group_share": "group_share",
    "squad_share": "squad_share",
    "residents_reached_share": "reach",
    "events_with_orgs_share": "orgs_share",
    "all_four_share": "all_four_share",
    "helper_share": "helper_share",
}


@pytest.mark.parametrize("name", CASES)
def test_table_holds_every_place_and_the_whole_first(shown, raw, name: str) -> None:
    case = CASES[name]
    table = shown(name).frame("capability_table")
    whole, want = named(raw, case)
    places = table[case.names].to_list()
    assert places[0] == whole  # the whole heads the table
    assert sorted(places) == sorted(want)  # every unit (street) and nothing else
    for row in table.to_dicts():
        expect = want[row[case.names]]
        for column, key in TABLE.items():
            assert row[column] == pytest.approx(expect[key], rel=1e-9), (row[case.names], column)
        for column, key in TABLE_RATES.items():
            if expect[key] is None:  # an empty cell
                assert row[column] is None, (row[case.names], column)
            else:
                assert row[column] == pytest.approx(100 * expect[key], rel=1e-9), column


@pytest.mark.parametrize("name", ["city", "unit"])
def test_charts_show_each_places_shares(shown, raw, name: str) -> None:
    case = CASES[name]
    page = shown(name)
    whole, want = named(raw, case)
    parts = [n for n in want if n != whole]

    def series(chart: dict, trace: str) -> dict[str, float | None]:
        (bars,) = [b for b in chart["data"] if b["name"] == t(trace, case.lang)]
        return dict(zip(bars["y"], bars["x"], strict=True))

    def share(key: str) -> dict[str, float | None]:
        return {p: want[p][key] for p in parts}

    grids = page.chart(t("cap_grids_title", case.lang, level=level(case)))
    assert series(grids, "cap_grids_group") == pytest.approx(share("group_share"))
    assert series(grids, "cap_grids_squad") == pytest.approx(share("squad_share"))
    reach = page.chart(t("cap_reach_title", case.lang, level=level(case)))
    assert series(reach, "cap_reach") == pytest.approx(share("reach"))
    assert series(reach, "cap_orgs") == pytest.approx(share("orgs_share"))

    members = page.chart(t("cap_members_title", case.lang, level=level(case)))
    (bars,) = members["data"]
    assert dict(zip(bars["y"], bars["x"], strict=True)) == pytest.approx(share("members_per_10k"))
    assert bars["x"] == sorted(bars["x"])  # fewest first
    assert [s["x0"] for s in members["layout"]["shapes"]] == pytest.approx(
        [want[whole]["members_per_10k"]]
    )

    ready = page.chart(t("cap_ready_title", case.lang, level=level(case)))
    (cells,) = ready["data"]
    items = [f"{c}_share" for c in (*CHECKLIST, "all_four")]
    assert len(cells["y"]) == len(items)
    for item, row in zip(items, cells["z"], strict=True):
        assert dict(zip(cells["x"], row, strict=True)) == pytest.approx(share(item))


@pytest.mark.parametrize("name", ["city", "unit"])
def test_vulnerable_people_by_type_with_and_without_a_helper(shown, raw, name: str) -> None:
    case = CASES[name]
    groups = raw["vulnerable_groups"].join(
        communities_in(raw, case.district).select("community_code"), on="community_code"
    )
    by_type = groups.group_by("group_type").agg(pl.col("people", "with_helper").sum())
    whole, _ = named(raw, case)
    chart = shown(name).chart(f"{whole} · {t('cap_vulnerable_title', case.lang)}")
    got = {bars["name"]: dict(zip(bars["y"], bars["x"], strict=True)) for bars in chart["data"]}
    kinds = {
        label("vulnerable_groups.group_type", k, case.lang): (p, h)
        for k, p, h in by_type.iter_rows()
    }
    assert got[t("cap_with_helper", case.lang)] == {k: h for k, (_, h) in kinds.items()}
    assert got[t("cap_without_helper", case.lang)] == {k: p - h for k, (p, h) in kinds.items()}
    people = [kinds[k][0] for k in got[t("cap_with_helper", case.lang)]]
    assert people == sorted(people, reverse=True)  # the largest type first


# --- downloads ------------------------------------------------------------------------------------


def day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.mark.parametrize("name", ["city", "older"])
def test_table_downloads_state_the_page_filters_and_period(shown, raw, name: str) -> None:
    case = CASES[name]
    sheet = assert_exports_match_table(shown(name), "capability_table")
    assert sheet.title == "能力 · 各地应急能力明细"
    assert sheet.about.pop("导出时间")
    assert sheet.about == {
        "区县": named(raw, case)[0],
        "统计期": f"截至{day_zh(AS_OF)}；演练培训为近12个月（{day_zh(FIRST_DAY)}—{day_zh(AS_OF)}）",
        "数据截至": day_zh(AS_OF),
    }


def test_a_row_of_the_table_opens_its_place_in_the_drill_down(data_root, raw) -> None:
    """A clicked row opens its street (the whole, first, opens the unit) in the drill-down."""
    case = CASES["unit"]
    streets = sorted(raw["streets"].filter(district_code=UNIT)["street_code"])
    for row, code in ((0, UNIT), (len(streets), streets[-1])):
        switched = click(data_root, "capability", case.params, "capability_table", table_row(row))
        assert switched == Switched(
            DRILL, {"lang": "en", "week": "2026-W48", "district": UNIT, "place": code}
        )
