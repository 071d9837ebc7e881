"""The demo city's coping capacity: supplies, teams, drills, social organisations, vulnerable
groups, shelters, preparedness checklists, department response to community whistles, funding.

Patterns the dashboard should be able to show (the article and docs/demo-city.md): resources,
teams and preparedness are unevenly spread and thinner per resident in the outer units (each unit's
`capacity` factor, our choice, drives this); some communities fall far below the supply norm (the
短板 list); prevention is underfunded next to response (轻预防重救援); drills follow the season and
the terrain; departments mostly arrive within their promise, faster in better-resourced units and a
little faster each year. Every number below that is not a published fact is marked as our choice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from shapely.geometry.base import BaseGeometry

from safetynet.demo import geo
from safetynet.demo.facts import UNITS, Scale, Unit, unit_populations
from safetynet.demo.places import Places
from safetynet.warehouse.schema import (
    DEPARTMENTS,
    DRILL_TOPICS,
    ORG_TYPES,
    RESOURCE_ITEMS,
    TEAM_TYPES,
    VULNERABLE_TYPES,
)

# Seed streams: np.random.default_rng([seed, TABLE, district index]) so that each table draws
# from its own stream and changing one never shifts another (places use 1, events 2–3).
STRENGTH, DEPOTS, STOCKS, TEAMS, DRILLS, ORGS, VULNERABLE, SHELTERS, READINESS, CALLS, FUNDING = (
    range(10, 21)
)

# Supply norms (our choice: no Zhengzhou standard is published; sized for a community of ~8,000).
# item: (name, counting unit, stock per 1,000 residents, needed for flood response)
NORMS: dict[str, tuple[str, str, float, bool]] = {
    "pump": ("抽水泵", "台", 1.0, True),
    "sandbag": ("防汛沙袋", "条", 200.0, True),
    "generator": ("应急发电机", "台", 0.3, True),
    "life_jacket": ("救生衣", "件", 5.0, True),
    "extinguisher": ("灭火器", "具", 20.0, False),
    "first_aid_kit": ("急救包", "个", 5.0, False),
    "tent": ("救灾帐篷", "顶", 2.0, False),
    "loudspeaker": ("应急喊话器", "台", 1.0, False),
}
# Median share of the norm actually held, before capacity (our choice: extinguishers are checked
# by fire inspections and kept up; tents and generators are costly and often missing).
ITEM_FILL = dict(
    pump=0.85, sandbag=0.90, generator=0.70, life_jacket=0.80,
    extinguisher=1.05, first_aid_kit=0.90, tent=0.60, loudspeaker=0.95,
)  # fmt: skip
STOCK_SIGMA = 0.45  # lognormal spread of a community's stock around its expected level
STOCK_MISSING = 0.04  # chance a community has none of an item, divided by its strength
HILLY_FLOOD_BOOST = 1.35  # pumps and sandbags placed in flood-prone communities of hilly units
DEPOT_SHARE = 0.4  # a unit's depots together hold 40 % of the norm for its whole population

# A community's strength: the unit's capacity with a spread between communities (our choice),
# villages a little thinner than town communities. All tables of a community share it, so a weak
# community tends to be weak everywhere.
STRENGTH_SIGMA = 0.25
VILLAGE_STRENGTH = 0.9

# Teams (our choice): full-time group 3–8 members; squads 5–12 members, one per micro-grid with a
# squad; volunteer teams ~1 per 3,000 residents at strength 1; a professional team in some towns.
GROUP_MEMBERS = (3, 8)
SQUAD_MEMBERS = (5, 12)
VOLUNTEERS_PER_TEAM_POP = 3_000
VOLUNTEER_MEMBERS_MEDIAN = 20
PROFESSIONAL_CHANCE = {"urban_core": 0.18, "suburban": 0.10, "plain": 0.06, "hilly": 0.06}
PROFESSIONAL_MEMBERS = (12, 40)
MAX_AGE_YEARS = dict(full_time_group=5, squad=5, volunteer=12, professional=15)

# Drills (our choice): ~4 a year in a community of 5,000 at strength 1, 8 % more each year.
DRILLS_PER_YEAR = 4.0
DRILL_YEARLY_GAIN = 0.08
# Month weights (Jan..Dec): Spring Festival lull; 5·12 disaster-reduction day, June safety month
# and the run-up to the flood season; November fire-safety month (11·9).
DRILL_MONTHS = (0.5, 0.5, 0.9, 1.0, 1.6, 1.5, 1.1, 0.8, 0.9, 0.9, 1.6, 0.9)
TOPIC_SEASON = dict(
    flood=(0.3, 0.3, 0.5, 1.0, 3.0, 3.5, 2.5, 1.2, 0.6, 0.4, 0.3, 0.3),
    fire=(1.5, 1.2, 1.0, 0.8, 0.6, 0.6, 0.6, 0.6, 0.8, 1.0, 4.0, 1.6),
    gas=(1.6, 1.3, 1.0, 0.7, 0.6, 0.6, 0.6, 0.6, 0.8, 1.4, 1.8, 1.8),
    earthquake=(0.8, 0.8, 1.0, 1.0, 2.5, 1.0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8),
    first_aid=(1.0,) * 12,
    evacuation=(0.8, 0.8, 1.0, 1.0, 1.5, 1.2, 1.0, 1.0, 1.0, 1.0, 1.2, 0.8),
)  # fmt: skip
TRAINING_SHARE = dict(
    flood=0.35, fire=0.40, gas=0.45, earthquake=0.40, first_aid=0.80, evacuation=0.15,
)  # fmt: skip
PARTICIPANT_SHARE = {"drill": 0.012, "training": 0.005}  # median share of residents taking part
PARTICIPANT_SIGMA = 1.0  # lognormal: a few drills reach 5–10 % of residents, many a few dozen
ELDER_BIAS = 1.3  # older residents take part more than their share of the population

# Social organisations: 1.75 million nationwide at end-2022 for ~1.4 billion people (published).
ORGS_PER_1000 = 1.75e6 / 1.41e9 * 1000
ORG_MIX = {"community": (0.45, 0.20, 0.10, 0.25), "village": (0.60, 0.25, 0.13, 0.02)}
ORG_MEMBERS_MEDIAN = dict(volunteer=30, charity=15, rescue=20, property_service=12)

# Vulnerable groups per resident (our choice; registered disabled ~2.6 % nationally, births ~8 ‰).
ELDERLY_ALONE = (0.10, 0.15)  # share of residents aged 65+ living alone
GROUP_RATE = dict(disabled=0.025, seriously_ill=0.004, pregnant=0.006)
LEFT_BEHIND = {"community": 0.002, "village": 0.012, "hilly_village": 0.018}
HELPER_BASE = dict(
    elderly_alone=0.95, disabled=0.88, seriously_ill=0.85, left_behind_child=0.90, pregnant=0.75,
)  # fmt: skip
NO_LIST_HELPER = 0.5  # without a vulnerable-group list, pairing reaches far fewer people

# Shelters. 新郑 has 8 shelters with 616,000 m² (published, 2023); other units are sized from its
# area per resident by terrain and capacity (our choice), well short of the 3.0 m² target.
XINZHENG = "410184"
XINZHENG_SHELTERS, XINZHENG_AREA = 8, 616_000.0
SHELTER_TERRAIN = {"urban_core": 1.8, "suburban": 1.3, "plain": 1.0, "hilly": 0.9}
SHELTER_MIX = {"urban_core": (0.15, 0.45, 0.40), "other": (0.25, 0.45, 0.30)}  # class I, II, III
CLASS_MIN_AREA = (20_000.0, 4_000.0, 2_000.0)  # facts: class I ≥ 20,000 m², II ≥ 4,000, III ≥ 2,000
M2_PER_PLACE = (3.0, 2.0, 1.5)  # usable m² per person: long stays need more room (our choice)

# Readiness: chance of each checklist item at strength 1 (our choice), and assessment age.
READY_BASE = dict(
    has_plan=0.85, has_risk_map=0.45, has_evacuation_routes=0.65, has_vulnerable_list=0.90,
)  # fmt: skip
RISK_MAP_URBAN = 0.15  # town communities are mapped more often than villages
ASSESSED_MAX_DAYS = 548  # 18 months

# Whistle calls (our choice): ~3.6 a year per 1,000 residents, ~45,000 a year at `city` scale.
CALLS_PER_1000 = 3.6
# department: (share of calls, promised hours, median hours to resolve after arrival)
DEPARTMENT = dict(
    emergency=(0.08, 1.0, 4.0), fire_rescue=(0.10, 0.5, 1.0), water=(0.17, 2.0, 3.0),
    gas=(0.13, 2.0, 3.0), power=(0.14, 2.0, 3.0), housing=(0.12, 24.0, 48.0),
    urban_mgmt=(0.16, 24.0, 48.0), police=(0.10, 0.5, 1.0),
)  # fmt: skip
WET = (0.4, 0.4, 0.5, 0.7, 1.0, 2.0, 3.0, 2.8, 1.6, 0.7, 0.5, 0.4)
COLD = (2.0, 1.8, 1.3, 0.9, 0.7, 0.6, 0.6, 0.6, 0.7, 0.9, 1.5, 2.0)
HEAT_AND_COLD = (1.5, 1.3, 0.9, 0.8, 0.9, 1.3, 1.6, 1.6, 1.0, 0.8, 1.0, 1.5)
FLAT = (1.0,) * 12
CALL_SEASON = dict(
    emergency=WET, fire_rescue=COLD, water=WET, gas=COLD, power=HEAT_AND_COLD,
    housing=FLAT, urban_mgmt=FLAT, police=FLAT,
)  # fmt: skip
VILLAGE_CALLS = dict(
    emergency=1.0, fire_rescue=1.0, water=0.8, gas=0.3, power=1.2,
    housing=1.0, urban_mgmt=0.4, police=1.2,
)  # fmt: skip
FLOOD_PRONE_CALLS = 1.5  # water and emergency calls from flood-prone communities
# Hour of day (0..23): daytime, an evening shoulder, few at night.
HOURS = (
    0.3, 0.2, 0.2, 0.2, 0.3, 0.5, 1.0, 1.8, 2.5, 2.8, 2.7, 2.4,
    2.0, 2.2, 2.5, 2.5, 2.4, 2.2, 2.0, 1.8, 1.5, 1.1, 0.8, 0.5,
)  # fmt: skip
# Arrival delay = promise × lognormal(mu, 0.6); mu chosen so ~85 % arrive within the promise.
DELAY_MU, DELAY_SIGMA = -0.62, 0.6
DELAY_CAPACITY = 0.6  # mu falls by 0.6 per unit of capacity above 0.95
DELAY_YEARLY = 0.07  # and by 0.07 each year: response gets a little faster
DELAY_VILLAGE = 0.25  # villages are further away
NO_ARRIVAL = 0.015  # calls with no arrival recorded
UNRESOLVED = 0.08  # never resolved at strength 1 in the first year, fewer later

# Funding (our choice): ~25 yuan per resident a year at capacity 1, growing 3 % a year; the
# prevention share is 22 % in 2021, rises 2 points a year and stays within 20–35 % (the
# article's 轻预防重救援).
YUAN_PER_RESIDENT = 25.0
FUNDING_GROWTH = 0.03
PREVENTION_SHARE, PREVENTION_GAIN, PREVENTION_RANGE = 0.22, 0.02, (0.20, 0.35)
PREVENTION_BASE_YEAR = 2021
# "7·20" (2021): interim deaths and missing by place (published); the urban districts and zones
# together 108, spread over the six districts. Response spending in 2021 rises with the toll.
FLOOD_2021 = {
    "410181": 64, "410182": 58, "410183": 46, "410185": 12, "410184": 2, "410106": 2,
    "410122": 0, **{code: 18 for code in ("410102", "410103", "410104", "410105", "410108")},
}  # fmt: skip
FLOOD_SPIKE = (1.8, 0.08)  # 2021 response × (1.8 + 0.08 × deaths)


@dataclass(frozen=True)
class _District:
    """One unit and its communities, with what every table needs from them."""

    index: int
    unit: Unit
    population: int
    polygon: BaseGeometry
    communities: pl.DataFrame  # sorted by code; with group_grids, squad_grids
    strength: np.ndarray

    @property
    def code(self) -> np.ndarray:
        return self.communities["community_code"].to_numpy()

    def column(self, name: str) -> np.ndarray:
        return self.communities[name].to_numpy()

    @property
    def village(self) -> np.ndarray:
        return (self.communities["kind"] == "village").to_numpy()

    def rng(self, table: int, seed: int) -> np.random.Generator:
        return np.random.default_rng([seed, table, self.index])


@dataclass(frozen=True)
class _Months:
    """The calendar months of the history, clipped to [start, as_of]."""

    first: np.ndarray  # first day in range (datetime64[D])
    days: np.ndarray  # days in range
    month: np.ndarray  # 0 = January
    years: np.ndarray  # years since the start, at the month's first day in range

    @classmethod
    def between(cls, start: date, as_of: date) -> _Months:
        months = np.arange(np.datetime64(start, "M"), np.datetime64(as_of, "M") + 1)
        first = np.maximum(months.astype("datetime64[D]"), np.datetime64(start))
        end = np.minimum((months + 1).astype("datetime64[D]"), np.datetime64(as_of) + 1)
        return cls(
            first=first,
            days=(end - first).astype(int),
            month=months.astype(int) % 12,
            years=(first - np.datetime64(start)).astype(int) / 365.25,
        )

    def day(self, m: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A uniform day inside month m (in range), one per event."""
        offset = np.floor(rng.random(m.size) * self.days[m]).astype("timedelta64[D]")
        return self.first[m] + offset


class _Ids:
    """Running identifiers across chunks: 'T00000001', 'T00000002', …"""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, prefix: str, n: int, width: int = 8) -> pl.Series:
        first = self.next.get(prefix, 1)
        self.next[prefix] = first + n
        numbers = pl.int_range(first, first + n, eager=True).cast(pl.String).str.zfill(width)
        return (prefix + numbers).alias("id")


def make_capacity(
    places: Places, scale: Scale, seed: int, start: date, as_of: date
) -> Iterator[tuple[str, pl.DataFrame]]:
    months = _Months.between(start, as_of)
    ids = _Ids()
    yield "resource_norms", _norms()
    yield "funding", _funding(places, seed, start, as_of)
    for district in _districts(places, seed):
        depots = _depots(district, seed)
        yield "depots", depots
        yield "resource_stocks", _stocks(district, depots, seed)
        yield "teams", _teams(district, seed, as_of, ids)
        orgs = _social_orgs(district, seed, ids)
        yield "social_orgs", orgs
        yield "drills", _drills(district, orgs, seed, months, ids)
        readiness = _readiness(district, seed, as_of)
        yield "readiness", readiness
        yield "vulnerable_groups", _vulnerable(district, readiness, seed)
        yield "shelters", _shelters(district, scale, seed, ids)
        yield "whistle_calls", _calls(district, seed, months, as_of, ids)


def _districts(places: Places, seed: int) -> Iterator[_District]:
    grids = places.grids.group_by("community_code").agg(
        group_grids=(pl.col("grid_type").is_in(["community", "rural"]) & pl.col("has_group")).sum(),
        squad_grids=pl.col("has_squad").sum(),
    )
    communities = (
        places.communities.join(grids, on="community_code", how="left")
        .with_columns(
            pl.col("group_grids", "squad_grids").fill_null(0),
            district_code=pl.col("community_code").str.slice(0, 6),
        )
        .sort("community_code")
    )
    population = dict(places.districts.select("district_code", "population").iter_rows())
    for i, unit in enumerate(UNITS):
        local = communities.filter(pl.col("district_code") == unit.code)
        rng = np.random.default_rng([seed, STRENGTH, i])
        village = (local["kind"] == "village").to_numpy()
        strength = (
            unit.capacity
            * rng.lognormal(-(STRENGTH_SIGMA**2) / 2, STRENGTH_SIGMA, local.height)
            * np.where(village, VILLAGE_STRENGTH, 1.0)
        )
        polygon = geo.boundary(unit.code)
        yield _District(i, unit, int(population[unit.code]), polygon, local, strength)


def _norms() -> pl.DataFrame:
    rows = [NORMS[item] for item in RESOURCE_ITEMS]
    return pl.DataFrame(
        {
            "item": list(RESOURCE_ITEMS),
            "name_zh": [r[0] for r in rows],
            "unit_zh": [r[1] for r in rows],
            "norm_per_1000": [r[2] for r in rows],
            "flood_item": [r[3] for r in rows],
        }
    )


def _norm_vector() -> np.ndarray:
    return np.array([NORMS[item][2] for item in RESOURCE_ITEMS])


def _depots(d: _District, seed: int) -> pl.DataFrame:
    """1–3 depots: one per ~400,000 residents at capacity 1 (census figures, so at every scale)."""
    census = unit_populations()[d.unit.code]
    n = int(np.clip(round(census / 400_000 * d.unit.capacity), 1, 3))
    where = geo.uniform_points(d.polygon, n, d.rng(DEPOTS, seed))
    suffix = ["", "（二号库）", "（三号库）"]
    return pl.DataFrame(
        {
            "depot_code": [f"D{d.unit.code}-{k + 1:02d}" for k in range(n)],
            "district_code": d.unit.code,
            "name_zh": [f"{d.unit.name_zh}应急物资储备库{suffix[k]}" for k in range(n)],
            "lon": where[:, 0],
            "lat": where[:, 1],
        }
    )


def _stocks(d: _District, depots: pl.DataFrame, seed: int) -> pl.DataFrame:
    rng = d.rng(STOCKS, seed)
    n, k = d.communities.height, len(RESOURCE_ITEMS)
    norm = _norm_vector()
    fill = np.array([ITEM_FILL[item] for item in RESOURCE_ITEMS])
    flood_item = np.array([NORMS[item][3] for item in RESOURCE_ITEMS])
    pumps_sandbags = np.isin(np.array(RESOURCE_ITEMS), ["pump", "sandbag"])
    boosted = (d.column("flood_prone") & (d.unit.terrain == "hilly"))[:, None] & pumps_sandbags
    ratio = (
        d.strength[:, None] ** 1.3
        * fill
        * rng.lognormal(-(STOCK_SIGMA**2) / 2, STOCK_SIGMA, (n, k))
        * np.where(boosted, HILLY_FLOOD_BOOST, 1.0)
        * np.where(d.column("flood_prone")[:, None] & flood_item, 1.1, 1.0)
    )
    missing = rng.random((n, k)) < STOCK_MISSING / d.strength[:, None]
    expected = norm * d.column("population")[:, None] / 1000 * ratio
    quantity = np.where(missing, 0, _round_randomly(expected, rng))

    m = depots.height
    depot_codes = depots["depot_code"].to_numpy()
    depot_qty = np.round(
        norm * d.population / 1000 * DEPOT_SHARE * d.unit.capacity / m
        * rng.lognormal(0.0, 0.25, (m, k))
    ).astype(np.int64)  # fmt: skip
    return pl.DataFrame(
        {
            "holder_code": np.r_[np.repeat(d.code, k), np.repeat(depot_codes, k)],
            "holder_kind": np.repeat(["community", "depot"], [n * k, m * k]),
            "item": np.tile(RESOURCE_ITEMS, n + m),
            "quantity": np.r_[quantity.ravel(), depot_qty.ravel()],
        }
    )


def _round_randomly(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round up with probability equal to the fraction, so small stocks keep their mean (a village
    due 0.4 pumps has one pump 40 % of the time rather than never)."""
    floor = np.floor(x)
    return (floor + (rng.random(x.shape) < x - floor)).astype(np.int64)


def _founded(team_type: np.ndarray, as_of: date, rng: np.random.Generator) -> np.ndarray:
    """Founding dates, skewed towards recent years, never after as_of."""
    max_days = np.array([MAX_AGE_YEARS[t] for t in TEAM_TYPES])[team_type] * 365.25
    back = np.floor(max_days * rng.random(team_type.size) ** 1.3).astype("timedelta64[D]")
    return np.datetime64(as_of) - back


def _teams(d: _District, seed: int, as_of: date, ids: _Ids) -> pl.DataFrame:
    rng = d.rng(TEAMS, seed)
    n = d.communities.height
    group = (d.column("group_grids") > 0).astype(np.int64)
    squads = d.column("squad_grids").astype(np.int64)
    volunteer = rng.poisson(d.column("population") / VOLUNTEERS_PER_TEAM_POP * d.strength)
    chance = PROFESSIONAL_CHANCE[d.unit.terrain] * d.strength
    professional = (~d.village & (rng.random(n) < chance)).astype(np.int64)
    counts = np.column_stack([group, squads, volunteer, professional])  # in TEAM_TYPES order
    community = np.repeat(np.arange(n), counts.sum(axis=1))
    kind = np.repeat(np.tile(np.arange(len(TEAM_TYPES)), n), counts.ravel())
    size = kind.size
    members = np.select(
        [kind == 0, kind == 1, kind == 2],
        [
            rng.integers(GROUP_MEMBERS[0], GROUP_MEMBERS[1] + 1, size),
            rng.integers(SQUAD_MEMBERS[0], SQUAD_MEMBERS[1] + 1, size),
            np.clip(rng.lognormal(np.log(VOLUNTEER_MEMBERS_MEDIAN), 0.5, size), 5, 200).round(),
        ],
        rng.integers(PROFESSIONAL_MEMBERS[0], PROFESSIONAL_MEMBERS[1] + 1, size),
    )
    return pl.DataFrame(
        {
            "team_id": ids.take("T", size),
            "community_code": d.code[community],
            "team_type": np.array(TEAM_TYPES)[kind],
            "members": members.astype(np.int64),
            "founded_date": _founded(kind, as_of, rng),
        }
    )


def _social_orgs(d: _District, seed: int, ids: _Ids) -> pl.DataFrame:
    rng = d.rng(ORGS, seed)
    village = d.village
    counts = rng.poisson(
        d.column("population") / 1000 * ORGS_PER_1000 * d.strength * np.where(village, 0.6, 1.0)
    )
    community = np.repeat(np.arange(counts.size), counts)
    size = community.size
    mix = np.where(village[community][:, None], ORG_MIX["village"], ORG_MIX["community"])
    org = _choose(mix, rng)
    median = np.array([ORG_MEMBERS_MEDIAN[t] for t in ORG_TYPES])[org]
    return pl.DataFrame(
        {
            "org_id": ids.take("O", size),
            "community_code": d.code[community],
            "org_type": np.array(ORG_TYPES)[org],
            "members": np.maximum(np.round(rng.lognormal(np.log(median), 0.6)), 3).astype(np.int64),
        }
    )


def _choose(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One column index per row, drawn in proportion to that row's weights."""
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cumulative[:, -1]
    return np.minimum((cumulative <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def _draw(rate: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Poisson counts for an array of expected counts, as one index tuple per event."""
    counts = rng.poisson(rate)
    return np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)


def _drills(
    d: _District, orgs: pl.DataFrame, seed: int, months: _Months, ids: _Ids
) -> pl.DataFrame:
    rng = d.rng(DRILLS, seed)
    population = d.column("population").astype(float)
    season = np.array(DRILL_MONTHS) / np.mean(DRILL_MONTHS)
    per_year = (
        DRILLS_PER_YEAR
        * d.strength**1.5
        * (population / 5000) ** 0.3
        * np.where(d.village, 0.7, 1.0)
    )
    rate = (
        per_year[:, None]
        * (1 + DRILL_YEARLY_GAIN * months.years)
        * season[months.month]
        * months.days
        / 365.25
    )
    c, m = _draw(rate, rng)
    n = c.size

    # Topic: terrain (flood where hilly or flood-prone, fire and gas in the urban core) × season.
    urban_core = d.unit.terrain == "urban_core"
    floody = d.column("hilly") | d.column("flood_prone") | (d.unit.terrain == "hilly")
    terrain = np.column_stack(
        [
            np.where(floody, 3.0, 1.0),
            np.full(d.communities.height, 1.6 if urban_core else 1.0),
            np.where(d.village, 0.4, 2.0 if urban_core else 1.0),
            np.full(d.communities.height, 0.6),
            np.ones(d.communities.height),
            np.ones(d.communities.height),
        ]
    )
    seasonal = np.array([TOPIC_SEASON[t] for t in DRILL_TOPICS]).T  # months × topics
    topic = _choose(terrain[c] * seasonal[months.month[m]], rng)
    training = rng.random(n) < np.array([TRAINING_SHARE[t] for t in DRILL_TOPICS])[topic]
    median = np.where(training, PARTICIPANT_SHARE["training"], PARTICIPANT_SHARE["drill"])
    share = rng.lognormal(np.log(median), PARTICIPANT_SIGMA) * np.sqrt(d.strength[c])
    pop = population[c].astype(np.int64)
    participants = np.minimum(np.maximum(np.round(pop * share), 5), pop).astype(np.int64)
    elder = np.clip(d.column("people_65plus")[c] / np.maximum(pop, 1) * ELDER_BIAS, 0, 0.9)
    home = np.searchsorted(d.code, orgs["community_code"].to_numpy())
    n_orgs = np.bincount(home, minlength=d.communities.height)
    joined = rng.poisson(np.clip(0.3 + 0.8 * (d.strength[c] - 0.6), 0.1, None))
    frame = pl.DataFrame(
        {
            "community_code": d.code[c],
            "held_date": months.day(m, rng),
            "kind": np.where(training, "training", "drill"),
            "topic": np.array(DRILL_TOPICS)[topic],
            "participants": participants,
            "participants_65plus": rng.binomial(participants, elder),
            "social_orgs": np.minimum(np.minimum(joined, 4), n_orgs[c]),
        }
    ).sort("held_date", "community_code", maintain_order=True)
    return frame.with_columns(drill_id=ids.take("DR", frame.height))


def _readiness(d: _District, seed: int, as_of: date) -> pl.DataFrame:
    rng = d.rng(READINESS, seed)
    n = d.communities.height
    diligence = rng.normal(0.0, 0.08, n)  # shared: a careful community ticks several boxes
    columns: dict[str, np.ndarray] = {}
    for name, base in READY_BASE.items():
        p = base * d.strength + diligence
        if name == "has_risk_map":
            p = p + np.where(d.village, 0.0, RISK_MAP_URBAN)
        columns[name] = rng.random(n) < np.clip(p, 0.02, 0.98)
    back = np.floor(ASSESSED_MAX_DAYS * rng.random(n) ** (1.5 * d.strength))
    never = rng.random(n) < np.where(columns["has_plan"], 0.02, 0.15)
    assessed = np.datetime64(as_of) - back.astype("timedelta64[D]")
    return pl.DataFrame(
        {
            "community_code": d.code,
            **columns,
            "last_assessed": np.where(never, np.datetime64("NaT"), assessed),
        }
    )


def _vulnerable(d: _District, readiness: pl.DataFrame, seed: int) -> pl.DataFrame:
    rng = d.rng(VULNERABLE, seed)
    n = d.communities.height
    population = d.column("population").astype(np.int64)
    left_behind = np.where(
        d.village,
        np.where(d.column("hilly"), LEFT_BEHIND["hilly_village"], LEFT_BEHIND["village"]),
        LEFT_BEHIND["community"],
    )
    rates = {
        "disabled": GROUP_RATE["disabled"] * np.where(d.village, 1.2, 1.0),
        "seriously_ill": np.full(n, GROUP_RATE["seriously_ill"]),
        "left_behind_child": left_behind,
        "pregnant": np.full(n, GROUP_RATE["pregnant"]),
    }
    people = np.column_stack(
        [
            rng.binomial(d.column("people_65plus"), rng.uniform(*ELDERLY_ALONE, n))
            if group == "elderly_alone"
            else rng.binomial(population, rates[group])
            for group in VULNERABLE_TYPES
        ]
    )
    base = np.array([HELPER_BASE[g] for g in VULNERABLE_TYPES])
    listed = readiness["has_vulnerable_list"].to_numpy()
    share = base + 0.5 * (d.strength[:, None] - 1) + rng.normal(0.0, 0.08, (n, 1))
    share = np.clip(share, 0.05, 1.0) * np.where(listed, 1.0, NO_LIST_HELPER)[:, None]
    helped = np.where(share >= 0.97, people, rng.binomial(people, np.minimum(share, 1.0)))
    k = len(VULNERABLE_TYPES)
    return pl.DataFrame(
        {
            "community_code": np.repeat(d.code, k),
            "group_type": np.tile(VULNERABLE_TYPES, n),
            "people": people.ravel(),
            "with_helper": helped.ravel(),
        }
    )


def _shelter_areas(d: _District, scale: Scale, rng: np.random.Generator) -> np.ndarray:
    """Usable areas (m²) of the unit's shelters, adding up to its share of shelter space."""
    census = unit_populations()
    if d.unit.code == XINZHENG:
        n = max(1, round(XINZHENG_SHELTERS * scale.factor))
        areas = _draw_areas(n, d.unit.terrain, rng)
        return areas * XINZHENG_AREA * scale.factor / areas.sum()
    xinzheng = next(u for u in UNITS if u.code == XINZHENG)
    per_resident = (
        XINZHENG_AREA
        / census[XINZHENG]
        * SHELTER_TERRAIN[d.unit.terrain]
        * d.unit.capacity
        / xinzheng.capacity
    )
    target = per_resident * d.population
    areas = np.empty(0)
    while areas.sum() < target:
        areas = np.r_[areas, _draw_areas(64, d.unit.terrain, rng)]
    return areas[: max(1, int(np.searchsorted(np.cumsum(areas), target)) + 1)]


def _draw_areas(n: int, terrain: str, rng: np.random.Generator) -> np.ndarray:
    mix = SHELTER_MIX["urban_core" if terrain == "urban_core" else "other"]
    cls = rng.choice(3, size=n, p=mix)
    return np.select(
        [cls == 0, cls == 1],
        [
            CLASS_MIN_AREA[0] + rng.lognormal(np.log(30_000), 0.7, n),
            CLASS_MIN_AREA[1] * np.exp(rng.uniform(0.0, np.log(5.0), n)),  # 4,000–20,000 m²
        ],
        rng.uniform(CLASS_MIN_AREA[2], CLASS_MIN_AREA[1], n),
    )


def _shelters(d: _District, scale: Scale, seed: int, ids: _Ids) -> pl.DataFrame:
    rng = d.rng(SHELTERS, seed)
    area = np.round(_shelter_areas(d, scale, rng))
    n = area.size
    cls = np.where(area >= CLASS_MIN_AREA[0], 0, np.where(area >= CLASS_MIN_AREA[1], 1, 2))
    weight = d.column("population") * np.where(d.village, 0.4, 1.0)
    host = np.sort(rng.choice(d.communities.height, size=n, p=weight / weight.sum()))
    centres = np.column_stack([d.column("lon")[host], d.column("lat")[host]])
    where = geo.points_near(d.polygon, centres, 0.004, rng)  # ~400 m from the host
    frame = pl.DataFrame(
        {
            "community_code": d.code[host],
            "host_name": d.column("name_zh")[host],
            "shelter_class": np.array(["I", "II", "III"])[cls],
            "area_m2": area,
            "capacity": np.floor(area / np.array(M2_PER_PLACE)[cls]).astype(np.int64),
            "lon": where[:, 0],
            "lat": where[:, 1],
        }
    )
    k = pl.int_range(pl.len()).over("community_code")
    name = pl.col("host_name") + "应急避难场所"
    return frame.with_columns(
        shelter_code=ids.take("S", n, width=5),
        name_zh=pl.when(k == 0).then(name).otherwise(name + (k + 1).cast(pl.String)),
    )


def _calls(d: _District, seed: int, months: _Months, as_of: date, ids: _Ids) -> pl.DataFrame:
    rng = d.rng(CALLS, seed)
    share = np.array([DEPARTMENT[x][0] for x in DEPARTMENTS])
    season = np.array([CALL_SEASON[x] for x in DEPARTMENTS]).T  # months × departments
    season = season / season.mean(axis=0)
    village_mod = np.array([VILLAGE_CALLS[x] for x in DEPARTMENTS])
    wet = np.isin(np.array(DEPARTMENTS), ["water", "emergency"])
    modifier = np.where(d.village[:, None], village_mod, 1.0) * np.where(
        d.column("flood_prone")[:, None] & wet, FLOOD_PRONE_CALLS, 1.0
    )
    per_year = d.column("population") / 1000 * CALLS_PER_1000 * np.sqrt(d.strength)
    rate = (
        per_year[:, None, None]
        * (months.days / 365.25)[None, :, None]
        * season[months.month][None, :, :]
        * (share * modifier)[:, None, :]
    )
    c, m, dept = _draw(rate, rng)
    n = c.size

    hours = np.array(HOURS) / np.sum(HOURS)
    second = rng.choice(24, size=n, p=hours) * 3600 + rng.integers(0, 3600, n)
    called = months.day(m, rng).astype("datetime64[s]") + second.astype("timedelta64[s]")
    promise = np.array([DEPARTMENT[x][1] for x in DEPARTMENTS])[dept]
    years = months.years[m]
    mu = (
        DELAY_MU
        - DELAY_CAPACITY * (d.unit.capacity - 0.95)
        - DELAY_YEARLY * years
        + np.where(d.village[c], DELAY_VILLAGE, 0.0)
    )
    delay = promise * rng.lognormal(mu, DELAY_SIGMA)
    arrived = called + _seconds(delay)
    resolve_median = np.array([DEPARTMENT[x][2] for x in DEPARTMENTS])[dept]
    work = rng.lognormal(np.log(resolve_median), 1.0) * 0.95**years / np.sqrt(d.strength[c])
    resolved = arrived + _seconds(work)

    cutoff = (np.datetime64(as_of) + 1).astype("datetime64[s]")  # end of the as-of day
    no_arrival = (rng.random(n) < NO_ARRIVAL) | (arrived >= cutoff)
    unresolved = rng.random(n) < UNRESOLVED / d.strength[c] * 0.8**years
    no_resolution = no_arrival | unresolved | (resolved >= cutoff)
    nat = np.datetime64("NaT", "s")
    # Polars takes datetimes in ms, us or ns from NumPy, not s.
    frame = pl.DataFrame(
        {
            "community_code": d.code[c],
            "department": np.array(DEPARTMENTS)[dept],
            "called_at": called.astype("datetime64[us]"),
            "arrived_at": np.where(no_arrival, nat, arrived).astype("datetime64[us]"),
            "resolved_at": np.where(no_resolution, nat, resolved).astype("datetime64[us]"),
            "promised_hours": promise,
        }
    ).sort("called_at", "community_code", maintain_order=True)
    return frame.with_columns(call_id=ids.take("W", frame.height))


def _seconds(hours: np.ndarray) -> np.ndarray:
    return np.round(hours * 3600).astype("timedelta64[s]")


def _funding(places: Places, seed: int, start: date, as_of: date) -> pl.DataFrame:
    rng = np.random.default_rng([seed, FUNDING])
    years = np.arange(start.year, as_of.year + 1)
    population = dict(places.districts.select("district_code", "population").iter_rows())
    rows: list[pl.DataFrame] = []
    for unit in UNITS:
        total = (
            population[unit.code]
            * YUAN_PER_RESIDENT
            * unit.capacity
            / 10_000
            * (1 + FUNDING_GROWTH) ** (years - years[0])
            * rng.lognormal(0.0, 0.08, years.size)
        )
        prevention_share = np.clip(
            PREVENTION_SHARE
            + PREVENTION_GAIN * (years - PREVENTION_BASE_YEAR)
            + 0.05 * (unit.capacity - 1)
            + rng.normal(0.0, 0.015, years.size),
            *PREVENTION_RANGE,
        )
        prevention = total * prevention_share
        response = total - prevention
        spike = FLOOD_SPIKE[0] + FLOOD_SPIKE[1] * FLOOD_2021[unit.code]
        response = np.where(years == 2021, response * spike, response)
        rows.append(
            pl.DataFrame(
                {
                    "district_code": unit.code,
                    "year": years,
                    "prevention_wan": np.round(prevention, 1),
                    "response_wan": np.round(response, 1),
                }
            )
        )
    return pl.concat(rows)
