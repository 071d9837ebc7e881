"""The demo generator: deterministic, calibrated on the published facts, shaped like the city.

Expected values are written here from the published facts about Zhengzhou (zhengzhou-facts.md), not read back from
the generator's own tables of facts, so a slip in safetynet/demo/facts.py shows up as a failure.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import shapely

from safetynet.demo import geo
from safetynet.demo.events import make_events
from safetynet.demo.facts import SCALES
from safetynet.demo.generate import DEFAULT_AS_OF, DEFAULT_SEED, generate
from safetynet.demo.places import Places, make_places
from safetynet.warehouse.schema import TABLES
from safetynet.weeks import history_start

# zhengzhou-facts.md, "County-level units": adcode → (name, streets, towns, townships, census pop)
PUBLISHED_UNITS: dict[str, tuple[str, int, int, int, int | None]] = {
    "410102": ("中原区", 14, 0, 0, 962_642),
    "410103": ("二七区", 15, 1, 0, None),
    "410104": ("管城回族区", 13, 0, 1, None),
    "410105": ("金水区", 24, 0, 0, None),
    "410106": ("上街区", 5, 1, 0, None),
    "410108": ("惠济区", 6, 2, 0, None),
    "410122": ("中牟县", 6, 10, 1, None),
    "410181": ("巩义市", 5, 15, 0, None),
    "410182": ("荥阳市", 2, 9, 3, None),
    "410183": ("新密市", 4, 12, 1, None),
    "410184": ("新郑市", 3, 9, 1, None),
    "410185": ("登封市", 4, 8, 3, 729_332),
}
CENSUS_POPULATION = 12_600_574
URBAN_SHARE = 0.784
PUBLISHED_GRIDS = {"community": 7_876, "micro": 46_817, "rural": 11_381, "dedicated": 4_744}
HILLY_CITIES = {"410181", "410182", "410183", "410185"}  # 巩义 荥阳 新密 登封
# Units with a few villages in the hills, named in the city's geological-hazard warnings:
# 上街 (峡窝镇) and 新郑 (具茨山, 辛店镇). Every other unit is urban core or plain.
HILL_VILLAGES = {"410106", "410184"}
HILL_CATEGORIES = ["geological", "forest_fire"]
FLOOD_SEASON = {6, 7, 8, 9}


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_and_as_of_give_identical_bytes(small_raw: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, "small", DEFAULT_SEED, DEFAULT_AS_OF, progress=False)
    first, second = _digests(small_raw), _digests(again)
    assert set(first) == {t.file for t in TABLES} | {"_demo.json"}
    assert first == second


def test_another_seed_gives_other_hazards(small_raw: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, "small", DEFAULT_SEED + 1, DEFAULT_AS_OF, progress=False)
    a = pl.read_parquet(small_raw / "hazards.parquet")
    b = pl.read_parquet(other / "hazards.parquet")
    assert a.columns == b.columns
    assert not a.equals(b)
    # Not merely reordered: the grids where hazards lie differ.
    assert a["grid_code"].value_counts().sort("grid_code").to_dicts() != (
        b["grid_code"].value_counts().sort("grid_code").to_dicts()
    )


# --- calibration at city scale --------------------------------------------------------------


@pytest.fixture(scope="module")
def city() -> Places:
    return make_places(SCALES["city"], DEFAULT_SEED)


@pytest.fixture(scope="module")
def city_communities(city: Places) -> pl.DataFrame:
    return city.communities.join(
        city.streets.select("street_code", "district_code"), on="street_code", how="left"
    )


def test_twelve_units_with_real_names_and_adcodes(city: Places) -> None:
    got = dict(zip(city.districts["district_code"], city.districts["name_zh"], strict=True))
    assert got == {code: unit[0] for code, unit in PUBLISHED_UNITS.items()}
    assert city.districts["district_code"].is_unique().all()


def test_community_populations_sum_to_the_census(city_communities: pl.DataFrame) -> None:
    assert city_communities["district_code"].null_count() == 0
    assert city_communities["population"].cast(pl.Int64).sum() == CENSUS_POPULATION


@pytest.mark.parametrize("code", [c for c, unit in PUBLISHED_UNITS.items() if unit[4] is not None])
def test_census_units_keep_their_census_population(
    city: Places, city_communities: pl.DataFrame, code: str
) -> None:
    census = PUBLISHED_UNITS[code][4]
    in_unit = city_communities.filter(pl.col("district_code") == code)
    assert in_unit["population"].cast(pl.Int64).sum() == census
    row = city.districts.filter(pl.col("district_code") == code)
    assert row["population"].item() == census


def test_unit_populations_add_up_per_unit(city: Places, city_communities: pl.DataFrame) -> None:
    by_unit = city_communities.group_by("district_code").agg(
        pl.col("population").cast(pl.Int64).sum().alias("people")
    )
    joined = city.districts.join(by_unit, on="district_code", how="left")
    assert (joined["population"].cast(pl.Int64) == joined["people"]).all()


@pytest.mark.parametrize("grid_type", list(PUBLISHED_GRIDS))
def test_grid_counts_match_the_published_totals(city: Places, grid_type: str) -> None:
    n = city.grids.filter(pl.col("grid_type") == grid_type).height
    assert abs(n - PUBLISHED_GRIDS[grid_type]) <= 0.05 * PUBLISHED_GRIDS[grid_type]


def test_street_town_township_counts_per_unit(city: Places) -> None:
    counts = city.streets.group_by("district_code", "kind").len().rows_by_key("district_code")
    for code, (_, streets, towns, townships, _) in PUBLISHED_UNITS.items():
        got = {kind: n for kind, n in counts.get(code, [])}
        expected = {"street": streets, "town": towns, "township": townships}
        assert got == {k: v for k, v in expected.items() if v}, code


def test_every_community_lies_inside_its_unit(city_communities: pl.DataFrame) -> None:
    for code in PUBLISHED_UNITS:
        places = city_communities.filter(pl.col("district_code") == code)
        assert places.height > 0, code
        polygon = geo.boundary(code)
        inside = shapely.contains_xy(polygon, places["lon"].to_numpy(), places["lat"].to_numpy())
        assert inside.all(), f"{code}: {int((~inside).sum())} places outside the boundary"


def test_hilly_villages_lie_only_in_units_with_hills(city_communities: pl.DataFrame) -> None:
    share = city_communities.group_by("district_code").agg(
        hilly=pl.col("hilly").filter(pl.col("kind") == "village").mean().fill_null(0.0),
        hilly_towns=(pl.col("hilly") & (pl.col("kind") == "community")).sum(),
    )
    by_unit = dict(zip(share["district_code"], share["hilly"], strict=True))
    assert share["hilly_towns"].sum() == 0  # town communities never lie in the hills
    for code, hilly in by_unit.items():
        if code in HILLY_CITIES:
            assert hilly >= 0.5, code
        elif code in HILL_VILLAGES:
            assert 0 < hilly <= 0.35, code
        else:
            assert hilly == 0, code


@pytest.fixture(scope="module")
def city_hazards(city: Places) -> pl.DataFrame:
    """The city-scale hazards table (the first table make_events yields), with each unit."""
    start = history_start(DEFAULT_AS_OF, SCALES["city"].years)
    name, hazards = next(make_events(city, SCALES["city"], DEFAULT_SEED, start, DEFAULT_AS_OF))
    assert name == "hazards"
    return hazards.with_columns(district_code=pl.col("grid_code").str.slice(0, 6))


@pytest.mark.parametrize("category", HILL_CATEGORIES)
def test_hill_hazards_stay_in_the_hills(city_hazards: pl.DataFrame, category: str) -> None:
    """Landslides and forest fires in the western hills; none in the urban core or on the plain."""
    units = city_hazards.filter(pl.col("category") == category)["district_code"]
    assert units.is_in(HILLY_CITIES).mean() > 0.85
    assert units.is_in(HILLY_CITIES | HILL_VILLAGES).mean() > 0.995
    assert set(units) >= HILLY_CITIES


def test_supervised_hazards_per_year_are_believable(city_hazards: pl.DataFrame) -> None:
    """A handful under provincial supervision (挂牌督办) a year, a few dozen under the city's,
    the rest under their county's; counted over the whole years of the history."""
    year = pl.col("found_date").dt.year()
    whole_years = range(city_hazards["found_date"].min().year + 1, DEFAULT_AS_OF.year)
    per_year = (
        city_hazards.filter(year.is_in(whole_years))
        .group_by(year.alias("year"), "supervision_level")
        .len()
        .pivot(on="supervision_level", index="year", values="len")
    )
    assert per_year.height == len(whole_years) >= 2
    for row in per_year.iter_rows(named=True):
        assert 1 <= row["province"] <= 12, row
        assert 15 <= row["city"] <= 70, row
        assert row["county"] > 20 * row["city"], row


def _open_on(hazards: pl.DataFrame, day: date) -> pl.DataFrame:
    return hazards.filter(
        (pl.col("found_date") <= day)
        & (pl.col("rectified_date").is_null() | (pl.col("rectified_date") > day))
    )


@pytest.mark.parametrize("weeks_back", [0, 4, 8, 12])
def test_overdue_is_a_minority_of_the_open_backlog(
    city_hazards: pl.DataFrame, weeks_back: int
) -> None:
    """On the as-of Sunday and the Sundays before it, most open hazards are still inside their
    deadline: 10–25 % are overdue (open past the deadline), while almost all are rectified."""
    day = DEFAULT_AS_OF - timedelta(weeks=weeks_back)
    still_open = _open_on(city_hazards, day)
    overdue = still_open.filter(pl.col("deadline") < day)
    assert 0.10 <= overdue.height / still_open.height <= 0.25
    found = city_hazards.filter(pl.col("found_date") <= day).height
    assert still_open.height < 0.01 * found


def test_most_hazards_are_fixed_within_days(city_hazards: pl.DataFrame) -> None:
    days = city_hazards.select(
        "severity", days=(pl.col("rectified_date") - pl.col("found_date")).dt.total_days()
    ).drop_nulls()
    general = days.filter(pl.col("severity") == "general")["days"]
    major = days.filter(pl.col("severity") == "major")["days"]
    assert general.median() <= 4 and (general <= 15).mean() >= 0.9
    assert 14 <= major.median() <= 60


def test_thinner_units_keep_fewer_deadlines(city_hazards: pl.DataFrame) -> None:
    """Rectified by the deadline ÷ rectified: the thinnest units (新密, 登封) trail 金水."""
    on_time = (
        city_hazards.filter(pl.col("rectified_date").is_not_null())
        .group_by("district_code")
        .agg((pl.col("rectified_date") <= pl.col("deadline")).mean().alias("share"))
    )
    share = dict(zip(on_time["district_code"], on_time["share"], strict=True))
    assert max(share["410183"], share["410185"]) < share["410105"] - 0.03


def test_urban_share_is_near_the_census(city_communities: pl.DataFrame) -> None:
    population = city_communities["population"].cast(pl.Int64)
    urban = population.filter(city_communities["kind"] == "community").sum()
    assert abs(urban / population.sum() - URBAN_SHARE) <= 0.02


# --- patterns at small scale ----------------------------------------------------------------


@pytest.fixture(scope="module")
def small_hazards(small_raw: Path) -> pl.DataFrame:
    """Hazards with their unit, found through grid → community → street (not the code prefix)."""
    grids = pl.read_parquet(small_raw / "grids.parquet", columns=["grid_code", "community_code"])
    comms = pl.read_parquet(
        small_raw / "communities.parquet", columns=["community_code", "street_code"]
    )
    streets = pl.read_parquet(
        small_raw / "streets.parquet", columns=["street_code", "district_code"]
    )
    hazards = (
        pl.read_parquet(small_raw / "hazards.parquet")
        .join(grids, on="grid_code", how="left")
        .join(comms, on="community_code", how="left")
        .join(streets, on="street_code", how="left")
    )
    assert hazards["district_code"].null_count() == 0
    return hazards


def test_flood_share_peaks_in_june_to_september(small_hazards: pl.DataFrame) -> None:
    share = (
        small_hazards.group_by(pl.col("found_date").dt.month().alias("month"))
        .agg((pl.col("category") == "flood").mean().alias("share"))
        .sort("month")
    )
    assert share.height == 12
    season = share.filter(pl.col("month").is_in(FLOOD_SEASON))["share"]
    rest = share.filter(~pl.col("month").is_in(FLOOD_SEASON))["share"]
    assert season.min() > rest.max()
    # Flood hazards are found mostly in the rainy season, not just relatively more then.
    flood = small_hazards.filter(pl.col("category") == "flood")
    in_season = flood["found_date"].dt.month().is_in(FLOOD_SEASON).mean()
    assert in_season > 0.5


def test_geological_hazards_concentrate_in_the_hilly_cities(small_hazards: pl.DataFrame) -> None:
    geological = small_hazards.filter(pl.col("category") == "geological")
    assert geological.height > 50
    in_hills = geological["district_code"].is_in(HILLY_CITIES).mean()
    assert in_hills > 0.85
    # Each hilly city has a larger share of geological hazards than any other unit.
    share = small_hazards.group_by("district_code").agg(
        (pl.col("category") == "geological").mean().alias("share")
    )
    hilly = share.filter(pl.col("district_code").is_in(HILLY_CITIES))["share"]
    other = share.filter(~pl.col("district_code").is_in(HILLY_CITIES))["share"]
    assert hilly.len() == 4
    assert hilly.min() > other.max()


def test_fingerprint_names_the_generator_code(tmp_path: Path, monkeypatch) -> None:
    """A demo folder made by other generator code is not reused: the fingerprint changes with
    the code it hashes."""
    from safetynet.demo import generate as gen

    before = gen.fingerprint()
    assert before == gen.fingerprint() and len(before) == 10
    copy = tmp_path / "generate.py"
    copy.write_text(Path(gen.__file__).read_text(encoding="utf-8") + "\n# changed\n")
    monkeypatch.setattr(gen, "__file__", str(copy))
    assert gen.fingerprint() != before
