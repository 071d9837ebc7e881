"""The demo city's places: units, streets, communities and villages, grids.

Counts follow docs/demo-city.md: real units, populations and street counts; grids in the published
city totals; communities and villages sized so a community grid covers 300–500 households.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from safetynet.demo import geo
from safetynet.demo.facts import (
    GRID_TOTALS,
    NAME_STEMS,
    UNITS,
    VILLAGE_STEMS,
    VILLAGE_SUFFIXES,
    Scale,
    Unit,
    unit_populations,
)

GRIDS_PER_COMMUNITY = 6  # community grids per urban community, on average
GRIDS_PER_VILLAGE = 5  # rural grids (villager groups) per village, on average
STREET_KIND_SUFFIX = {"street": "街道", "town": "镇", "township": "乡"}
STREET_CODE_BASE = {"street": 1, "town": 100, "township": 200}  # as in national division codes


@dataclass(frozen=True)
class Places:
    districts: pl.DataFrame
    streets: pl.DataFrame
    communities: pl.DataFrame
    grids: pl.DataFrame


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights (largest remainder), exactly."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    out = np.floor(exact).astype(np.int64)
    short = total - int(out.sum())
    # Stable sort so equal remainders break ties the same way on every run.
    out[np.argsort(-(exact - out), kind="stable")[:short]] += 1
    return out


def make_places(scale: Scale, seed: int) -> Places:
    populations = unit_populations()
    pop = {code: round(p * scale.factor) for code, p in populations.items()}
    urban = np.array([pop[u.code] * u.urban_share for u in UNITS])
    rural = np.array([pop[u.code] for u in UNITS]) - urban
    per_unit = {
        "community": allocate(round(GRID_TOTALS["community"] * scale.factor), urban),
        "micro": allocate(round(GRID_TOTALS["micro"] * scale.factor), urban),
        "rural": allocate(round(GRID_TOTALS["rural"] * scale.factor), rural),
        "dedicated": allocate(round(GRID_TOTALS["dedicated"] * scale.factor), urban + rural),
    }
    streets, communities, grids = [], [], []
    for i, unit in enumerate(UNITS):
        rng = np.random.default_rng([seed, 1, i])
        counts = {kind: int(n[i]) for kind, n in per_unit.items()}
        s = _streets(unit, rng)
        c = _communities(unit, s, pop[unit.code], counts, rng)
        streets.append(s)
        communities.append(c)
        grids.append(_grids(unit, c, counts, rng))
    return Places(
        districts=_districts(pop),
        streets=pl.concat(streets),
        communities=pl.concat(communities),
        grids=pl.concat(grids),
    )


def _districts(pop: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "district_code": [u.code for u in UNITS],
            "name_zh": [u.name_zh for u in UNITS],
            "name_en": [u.name_en for u in UNITS],
            "kind": [u.kind for u in UNITS],
            "terrain": [u.terrain for u in UNITS],
            "population": [pop[u.code] for u in UNITS],
            "area_km2": [float(u.area_km2) for u in UNITS],
            "boundary_geojson": [geo.boundary_geojson(u.code) for u in UNITS],
        },
        schema_overrides={"population": pl.Int32},
    )


def _names(stems: list[str], suffix: str, n: int, rng: np.random.Generator) -> list[str]:
    """n names, unique within the call while the stems last, then numbered."""
    order = rng.permutation(len(stems))
    return [
        stems[order[k % len(stems)]] + ("" if k < len(stems) else str(k // len(stems) + 1)) + suffix
        for k in range(n)
    ]


def _streets(unit: Unit, rng: np.random.Generator) -> pl.DataFrame:
    kinds = ["street"] * unit.streets + ["town"] * unit.towns + ["township"] * unit.townships
    codes = [
        f"{unit.code}{STREET_CODE_BASE[kind] + k:03d}"
        for kind in ("street", "town", "township")
        for k in range(kinds.count(kind))
    ]
    # Draw names once for the whole unit so a street and a town never share a stem.
    names = _names(NAME_STEMS, "", len(kinds), rng)
    names = [name + STREET_KIND_SUFFIX[kind] for name, kind in zip(names, kinds, strict=True)]
    return pl.DataFrame(
        {"street_code": codes, "district_code": unit.code, "name_zh": names, "kind": kinds}
    )


def _assign(n_items: int, street_kinds: list[str], weight: dict[str, float], rng) -> np.ndarray:
    """Street index of each of n_items places: every weighted street gets one first, then at random."""
    w = np.array([weight[k] for k in street_kinds])
    eligible = np.flatnonzero(w > 0)
    first = eligible[: min(n_items, eligible.size)]
    rest = rng.choice(len(w), size=n_items - first.size, p=w / w.sum())
    return np.sort(np.concatenate([first, rest]))


def _communities(
    unit: Unit,
    streets: pl.DataFrame,
    population: int,
    grids: dict[str, int],
    rng: np.random.Generator,
) -> pl.DataFrame:
    kinds = streets["kind"].to_list()
    has_towns = any(k != "street" for k in kinds)
    n_comm = max(kinds.count("street"), round(grids["community"] / GRIDS_PER_COMMUNITY))
    n_vill = max(len(kinds) - kinds.count("street"), round(grids["rural"] / GRIDS_PER_VILLAGE))
    n_vill = n_vill if grids["rural"] > 0 else 0
    comm_street = _assign(n_comm, kinds, {"street": 1.0, "town": 0.3, "township": 0.1}, rng)
    village_weight = {"street": 0.1, "town": 1.0, "township": 1.0} if has_towns else {"street": 1.0}
    vill_street = _assign(n_vill, kinds, village_weight, rng)

    is_village = np.r_[np.zeros(n_comm, bool), np.ones(n_vill, bool)]
    street_idx = np.r_[comm_street, vill_street]
    order = np.lexsort((is_village, street_idx))  # communities before villages within a street
    is_village, street_idx = is_village[order], street_idx[order]
    n = street_idx.size

    size = rng.lognormal(0.0, 0.35, n)  # relative size of each place
    urban_pop = round(population * unit.urban_share)
    people = np.where(
        is_village,
        allocate(population - urban_pop, np.where(is_village, size, 0)),
        allocate(urban_pop, np.where(is_village, 0, size)),
    )
    household_size = np.where(is_village, rng.uniform(3.3, 3.9, n), rng.uniform(3.1, 3.6, n))
    households = np.maximum(1, np.round(people / household_size)).astype(np.int64)
    share_65 = np.clip(
        np.where(is_village, rng.normal(0.12, 0.025, n), rng.normal(0.085, 0.02, n)), 0.02, 0.3
    )

    street_codes = streets["street_code"].to_numpy()[street_idx]
    seq = _sequence_within(street_idx)
    if seq.max(initial=0) > 999:
        raise ValueError(f"{unit.name_zh}: more than 999 places in one street; codes have 3 digits")

    polygon = geo.boundary(unit.code)
    centres = geo.uniform_points(polygon, len(kinds), rng)
    spread = np.where(is_village, 0.04, 0.012)[:, None]
    location = _scatter(polygon, centres[street_idx], spread, rng)
    hilly = is_village & (rng.random(n) < unit.hilly_villages)
    flood_p = np.where(
        hilly, 0.45, np.where(is_village, 0.10, 0.25 if unit.terrain == "urban_core" else 0.15)
    )
    names = np.where(
        is_village,
        [s + rng.choice(VILLAGE_SUFFIXES) + "村" for s in rng.choice(VILLAGE_STEMS, n)],
        _names(NAME_STEMS, "社区", n, rng),
    )
    return pl.DataFrame(
        {
            "community_code": [f"{s}{k:03d}" for s, k in zip(street_codes, seq, strict=True)],
            "street_code": street_codes,
            "name_zh": names,
            "kind": np.where(is_village, "village", "community"),
            "population": people,
            "households": households,
            "people_65plus": np.round(people * share_65).astype(np.int64),
            "lon": location[:, 0],
            "lat": location[:, 1],
            "flood_prone": rng.random(n) < flood_p,
            "hilly": hilly,
        },
        schema_overrides={
            "population": pl.Int32,
            "households": pl.Int32,
            "people_65plus": pl.Int32,
        },
    )


def _scatter(
    polygon, centres: np.ndarray, spread: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Scatter places around their street's centre: tight in town, wide in the countryside."""
    out = np.empty_like(centres)
    for s in np.unique(spread):
        rows = np.flatnonzero(spread[:, 0] == s)
        out[rows] = geo.points_near(polygon, centres[rows], float(s), rng)
    return out


def _sequence_within(groups: np.ndarray) -> np.ndarray:
    """1, 2, 3, … within each run of equal (sorted) group indices."""
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, groups.size]))
    return np.arange(groups.size) - run_start + 1


def _grids(unit: Unit, communities: pl.DataFrame, counts: dict[str, int], rng) -> pl.DataFrame:
    is_village = (communities["kind"] == "village").to_numpy()
    households = communities["households"].to_numpy().astype(float)
    per_place = {
        "community": allocate(counts["community"], np.where(is_village, 0, households)),
        "micro": allocate(counts["micro"], np.where(is_village, 0, households)),
        "rural": allocate(counts["rural"], np.where(is_village, households, 0)),
        "dedicated": allocate(counts["dedicated"], communities["population"].to_numpy()),
    }
    # Each household lives in one community or rural grid and, in town, one micro-grid.
    covers = {"community": households, "micro": households, "rural": households}
    frames = []
    for kind, n in per_place.items():
        place = np.repeat(np.arange(len(n)), n)
        hh = (
            covers[kind][place] / np.maximum(n[place], 1)
            if kind in covers
            else np.zeros(place.size)
        )
        frames.append(pl.DataFrame({"place": place, "grid_type": kind, "households": np.round(hh)}))
    g = pl.concat(frames).sort("place", maintain_order=True)
    place = g["place"].to_numpy()
    kind = g["grid_type"].to_numpy()
    size = place.size
    first_level = (kind == "community") | (kind == "rural")
    cap = unit.capacity
    return pl.DataFrame(
        {
            "grid_code": [
                f"{c}{k:04d}"
                for c, k in zip(
                    communities["community_code"].to_numpy()[place],
                    _sequence_within(place),
                    strict=True,
                )
            ],
            "community_code": communities["community_code"].to_numpy()[place],
            "grid_type": kind,
            "households": g["households"].cast(pl.Int32),
            "workers": (1 + ((kind == "community") & (rng.random(size) < 0.5 * cap))).astype(
                np.int32
            ),
            "has_group": first_level & (rng.random(size) < min(0.95, 0.72 * cap)),
            "has_squad": (kind == "micro") & (rng.random(size) < min(0.95, 0.6 * cap)),
        }
    )
