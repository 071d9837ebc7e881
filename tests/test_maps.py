"""The maps fit what they show into their box: deck.gl takes a centre and a zoom, not bounds, so
maps.view_of works the zoom out. Checked here in Web Mercator pixels, for the whole city and for
every unit, on a desktop column and on a phone."""

from __future__ import annotations

import json
import math

import polars as pl
import pytest
from shapely.geometry import shape

from safetynet.app import maps
from safetynet.warehouse import runner


@pytest.fixture(scope="module")
def shapes(con) -> pl.DataFrame:
    return runner.run(con, "districts", {})


def pixels(bounds: tuple[float, float, float, float], zoom: float) -> tuple[float, float]:
    """Width and height in pixels of a lon/lat box at a zoom (512 px for the world at zoom 0)."""
    west, south, east, north = bounds
    world = 512 * 2**zoom

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)

    return world * (east - west) / 360, world * (y(north) - y(south))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_city_and_every_unit_fill_their_box_without_being_cut(shapes, phone: bool) -> None:
    box = maps.PHONE_BOX if phone else maps.DESKTOP_BOX
    for district in ["", *shapes["district_code"]]:
        rows = shapes.filter(district_code=district) if district else shapes
        geometries = [shape(json.loads(g)) for g in rows["boundary_geojson"]]
        west = min(g.bounds[0] for g in geometries)
        south = min(g.bounds[1] for g in geometries)
        east = max(g.bounds[2] for g in geometries)
        north = max(g.bounds[3] for g in geometries)
        (lon, lat), zoom = maps.view_of(shapes, district, phone)
        width, height = pixels((west, south, east, north), zoom)
        # inside the box, and filling it on the tighter side (zoom is rounded to 0.01)
        assert width <= box[0] * 1.01 and height <= box[1] * 1.01, (district, width, height)
        assert max(width / box[0], height / box[1]) >= 0.98, (district, width, height)
        assert west < lon < east and south < lat < north


def test_a_phone_sees_the_city_from_further_out(shapes) -> None:
    (_, desktop), (_, phone) = maps.view_of(shapes, "", False), maps.view_of(shapes, "", True)
    assert phone < desktop - 0.5  # a 330 px box against a 720 px one: about one zoom level
