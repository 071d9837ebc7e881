"""The demo city's history: hazards found and rectified, and weekly grid patrols.

Patterns the dashboard should be able to show (docs/demo-city.md): flash flood and landslide in the
hilly west, waterlogging, gas, fire and e-bike charging in the urban core; flood hazards peak
June–September, fire and gas in winter; most hazards fixed in days with an overdue tail; thinner
units and lagging streets fix more slowly; everything improves a little each year.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import polars as pl

from safetynet.demo.facts import UNITS, Scale
from safetynet.demo.places import Places
from safetynet.warehouse.schema import HAZARD_CATEGORIES, HAZARD_SOURCES, SUPERVISION_LEVELS

# Hazards found per year in the whole city at `city` scale, by category (our choice, ~107k a year:
# about 1.5 per grid; one published night sweep found 584 fire hazards in a single district).
ANNUAL = dict(
    fire=28_000, ebike=22_000, wiring=15_000, gas=12_000, flood=10_000, geological=3_000,
    building=8_000, chemical=2_000, traffic=5_000, forest_fire=2_000,
)  # fmt: skip
MAJOR_SHARE = dict(
    fire=0.02, ebike=0.015, wiring=0.015, gas=0.05, flood=0.06, geological=0.10,
    building=0.04, chemical=0.08, traffic=0.015, forest_fire=0.03,
)  # fmt: skip
# Month multipliers (Jan..Dec): rain in June–September, heating and dry air in winter.
WET = (0.2, 0.2, 0.3, 0.5, 0.9, 2.4, 3.6, 3.4, 2.2, 0.6, 0.3, 0.2)
COLD = (1.7, 1.6, 1.3, 0.9, 0.7, 0.6, 0.6, 0.6, 0.8, 1.0, 1.4, 1.8)
DRY = (1.6, 1.8, 2.2, 1.6, 0.6, 0.3, 0.2, 0.2, 0.4, 0.8, 1.2, 1.4)
FLAT = (1.0,) * 12
SEASON = dict(
    fire=COLD, ebike=FLAT, wiring=COLD, gas=COLD, flood=WET, geological=WET,
    building=FLAT, chemical=FLAT, traffic=FLAT, forest_fire=DRY,
)  # fmt: skip
SOURCE_SHARE = (0.60, 0.20, 0.12, 0.08)  # grid patrol, special check, resident, department
# Every major hazard is supervised (挂牌督办), by its county at least; the city takes a few dozen
# a year and the province a handful: at `city` scale about 3,200, 35 and 5 a year.
SUPERVISION_SHARE = (0.9875, 0.011, 0.0015)  # county, city, province
PATROL_CHANCE = {"community": 0.92, "micro": 0.55, "rural": 0.70, "dedicated": 0.75}
# Rectification (our choice). The deadline is set for the work a hazard needs and the work is
# planned to it: a fix takes a lognormal share of the days allowed, so most are done well inside
# the deadline and a tail runs late. A few are stuck (waiting on money or a relocation) and run
# months past it. All of it goes slower where the pace is lower: a grid's pace is its unit's
# capacity times its street's own (streets and towns lead the work; some lag behind the rest).
WORK_SHARE = (0.5, 0.5)  # median and sigma of the share of the days allowed, at pace 1
STUCK_SHARE = {"general": 0.003, "major": 0.06}  # at pace 1, divided by the pace
STUCK_DAYS = 60  # median days a stuck hazard runs past its deadline, at pace 1
STREET_PACE_SIGMA = 0.3  # spread of the streets' own pace (lognormal around 1)
YEARLY_SPEEDUP = 0.92  # rectification gets ~8 % faster each year


def make_events(
    places: Places, scale: Scale, seed: int, start: date, as_of: date
) -> Iterator[tuple[str, pl.DataFrame]]:
    weeks = _weeks(start, as_of)
    yield "hazards", _hazards(places, scale, seed, weeks, as_of)
    grids = _grid_frame(places)
    for i, unit in enumerate(UNITS):
        rng = np.random.default_rng([seed, 3, i])
        in_unit = grids.filter(pl.col("district_code") == unit.code)
        yield "inspections", _inspections(in_unit, unit.capacity, weeks, rng)


def _weeks(start: date, as_of: date) -> np.ndarray:
    return np.arange(np.datetime64(start), np.datetime64(as_of) + 1, 7)


def _grid_frame(places: Places) -> pl.DataFrame:
    """Grids with what shapes their hazards: district, street, community kind and terrain."""
    return places.grids.join(
        places.communities.select("community_code", "street_code", "kind", "flood_prone", "hilly"),
        on="community_code",
    ).with_columns(district_code=pl.col("grid_code").str.slice(0, 6))


def _category_weights(grids: pl.DataFrame) -> np.ndarray:
    """How likely each grid is to hold a hazard of each category (grids × categories)."""
    g = grids
    urban = g["grid_type"].is_in(["community", "micro"]).to_numpy()
    dedicated = (g["grid_type"] == "dedicated").to_numpy()
    rural = (g["kind"] == "village").to_numpy()
    flood = g["flood_prone"].to_numpy()
    hilly = g["hilly"].to_numpy()
    # Slopes and woods beside the hilly villages, only in units that have hills at all.
    hill_unit = g["district_code"].is_in([u.code for u in UNITS if u.hilly_villages > 0]).to_numpy()
    base = g["households"].to_numpy().astype(float) + np.where(dedicated, 150.0, 0.0)
    one = np.ones(g.height)
    modifier = dict(
        fire=one,
        ebike=np.where(urban, 1.5, 0.3),
        wiring=np.where(rural, 1.2, 1.0),
        gas=np.where(urban, 1.4, 0.3),
        flood=np.where(flood, 6.0, 0.5),
        geological=np.where(hilly, 15.0, np.where(hill_unit, 0.05, 0.0)),
        building=one,
        chemical=np.where(dedicated, 20.0, 0.1),
        traffic=np.where(rural, 1.5, 1.0),
        forest_fire=np.where(hilly & rural, 10.0, np.where(hill_unit, 0.02, 0.0)),
    )
    return np.column_stack([base * modifier[k] for k in HAZARD_CATEGORIES])


def _hazards(
    places: Places, scale: Scale, seed: int, weeks: np.ndarray, as_of: date
) -> pl.DataFrame:
    rng = np.random.default_rng([seed, 2])
    grids = _grid_frame(places)
    weights = _category_weights(grids)
    pace = _pace(grids, rng)
    district = grids["district_code"].to_numpy()
    month = weeks.astype("datetime64[M]").astype(int) % 12
    year_index = (weeks - weeks[0]).astype(int) / 365.25
    rows: list[tuple[np.ndarray, ...]] = []
    for unit in UNITS:
        in_unit = np.flatnonzero(district == unit.code)
        for k, category in enumerate(HAZARD_CATEGORIES):
            w = weights[in_unit, k]
            if w.sum() == 0:  # no hills, no landslides
                continue
            share = w.sum() / weights[:, k].sum()
            # A few percent more found each year: patrols get more thorough.
            rate = ANNUAL[category] * scale.factor * share / 52 * (1 + 0.04 * year_index)
            counts = rng.poisson(rate * _season(category)[month])
            n = int(counts.sum())
            found = np.repeat(weeks, counts) + rng.integers(0, 7, n).astype("timedelta64[D]")
            grid = rng.choice(in_unit, size=n, p=w / w.sum())
            rows.append((grid, found, np.full(n, k)))
    grid, found, cat = (np.concatenate(parts) for parts in zip(*rows, strict=True))
    keep = found <= np.datetime64(as_of)
    grid, found, cat = grid[keep], found[keep], cat[keep]
    n = grid.size

    major = rng.random(n) < np.array([MAJOR_SHARE[c] for c in HAZARD_CATEGORIES])[cat]
    allowed = np.where(
        major, rng.choice([30, 60, 90], n), rng.choice([3, 7, 15], n, p=[0.3, 0.5, 0.2])
    )
    deadline = found + allowed.astype("timedelta64[D]")
    years = (found - weeks[0]).astype(int) / 365.25
    days = _days_to_rectify(allowed, major, pace[grid], years, rng)
    rectified = found + np.ceil(days).astype("timedelta64[D]")
    still_open = rectified > np.datetime64(as_of)
    frame = (
        pl.DataFrame(
            {
                "grid_code": grids["grid_code"].to_numpy()[grid],
                "category": np.array(HAZARD_CATEGORIES)[cat],
                "severity": np.where(major, "major", "general"),
                "source": rng.choice(HAZARD_SOURCES, n, p=SOURCE_SHARE),
                "found_date": found,
                "deadline": deadline,
                "rectified_date": np.where(still_open, np.datetime64("NaT"), rectified),
                "supervision_level": rng.choice(SUPERVISION_LEVELS, n, p=SUPERVISION_SHARE),
            }
        )
        .with_columns(
            supervision_level=pl.when(pl.col("severity") == "major").then("supervision_level")
        )
        .sort("found_date", "grid_code", "category", maintain_order=True)
    )
    ids = pl.format("H{}", pl.int_range(1, frame.height + 1).cast(pl.String).str.zfill(8))
    return frame.with_columns(hazard_id=ids)


def _pace(grids: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """How fast each grid's hazards are fixed: its unit's capacity times its street's own pace."""
    streets, street = np.unique(grids["street_code"].to_numpy(), return_inverse=True)
    own = rng.lognormal(0.0, STREET_PACE_SIGMA, streets.size)
    capacity = {u.code: u.capacity for u in UNITS}
    return grids["district_code"].replace_strict(capacity).to_numpy() * own[street]


def _season(category: str) -> np.ndarray:
    """Month multipliers scaled to average 1, so ANNUAL stays the yearly volume."""
    months = np.array(SEASON[category])
    return months / months.mean()


def _days_to_rectify(
    allowed: np.ndarray,
    major: np.ndarray,
    pace: np.ndarray,
    years: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Days from found to rectified: most well inside the deadline, a late tail, a few stuck."""
    median, sigma = WORK_SHARE
    share = rng.lognormal(np.log(median), sigma, major.size) * YEARLY_SPEEDUP**years / pace
    stuck_share = np.where(major, STUCK_SHARE["major"], STUCK_SHARE["general"]) / pace
    stuck = rng.random(major.size) < stuck_share
    past_deadline = rng.lognormal(np.log(STUCK_DAYS), 0.7, major.size) / pace
    days = np.where(stuck, allowed + past_deadline, share * allowed)
    # Shifted by a day so the quickest fixes are done the day they are found.
    return np.maximum(0.0, days - 1)


def _inspections(
    grids: pl.DataFrame, capacity: float, weeks: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    n_grid, n_week = grids.height, weeks.size
    chance = grids["grid_type"].replace_strict(PATROL_CHANCE, return_dtype=pl.Float64).to_numpy()
    ramp = 0.85 + 0.15 * np.minimum(1.0, np.arange(n_week) / 104)  # patrols became routine
    p = np.minimum(0.98, chance[:, None] * ramp[None, :] * min(1.0, capacity**0.5))
    g, w = np.nonzero(rng.random((n_grid, n_week), dtype=np.float32) < p)
    n = g.size
    patrols = 1 + rng.poisson(0.6, n)
    checked = patrols * rng.integers(5, 13, n)
    month = weeks.astype("datetime64[M]").astype(int) % 12
    winter = np.isin(month, [0, 1, 11])[w]
    grid_quality = rng.normal(0.0, 0.03, n_grid)[g]
    rate = 0.86 + 0.02 * w / 52 + 0.05 * (capacity - 1) - 0.02 * winter + grid_quality
    return pl.DataFrame(
        {
            "grid_code": grids["grid_code"].to_numpy()[g],
            "week_start": weeks[w],
            "patrols": patrols,
            "items_checked": checked,
            "items_compliant": rng.binomial(checked, np.clip(rate, 0.5, 0.995)),
        }
    )
