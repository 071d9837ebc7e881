"""Charts and maps, built from query results; pages only place them.

Everything draws offline: plotly's bundled library, pydeck without a base map. Colours follow the
Chinese warning scale (blue → yellow → orange → red) where higher is worse.
"""

from __future__ import annotations

import json
from functools import cache

import plotly.graph_objects as go
import polars as pl
import pydeck as pdk
from shapely.geometry import shape

from safetynet.app import fmt
from safetynet.app.labels import Figure, t

WARNING_SCALE = ((44, 123, 182), (255, 217, 47), (253, 141, 60), (215, 25, 28))  # blue→red
NEUTRAL_SCALE = ((222, 235, 247), (33, 102, 172))  # light → dark blue, for counts that are neither
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
CENTRE = (113.45, 34.62)  # Zhengzhou, GCJ-02


def _mix(scale: tuple[tuple[int, int, int], ...], x: float) -> list[int]:
    """The colour at x ∈ [0, 1] along a piecewise-linear scale."""
    x = min(1.0, max(0.0, x))
    pos = x * (len(scale) - 1)
    i = min(int(pos), len(scale) - 2)
    f = pos - i
    return [round(a + (b - a) * f) for a, b in zip(scale[i], scale[i + 1], strict=True)]


def colours(values: list[float | None], figure: Figure) -> list[list[int]]:
    """A colour per value, scaled between the smallest and largest; grey where there is none."""
    present = [v for v in values if v is not None]
    low, high = (min(present), max(present)) if present else (0.0, 1.0)
    span = (high - low) or 1.0
    scale = WARNING_SCALE if figure.worse_when else NEUTRAL_SCALE
    out = []
    for v in values:
        if v is None:
            out.append([200, 200, 200])
            continue
        x = (v - low) / span
        out.append(_mix(scale, 1 - x if figure.worse_when == "down" else x))
    return out


def value_text(value: float | None, figure: Figure, lang: str) -> str:
    return fmt.rate(value) if figure.rate else fmt.count(value, lang)


@cache
def _outline(geojson: str) -> tuple[list[list[list[float]]], tuple[float, float]]:
    """Polygons (outer ring and holes) of a boundary, and a point inside it for its label."""
    geometry = shape(json.loads(geojson))
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    rings = [
        [list(map(list, p.exterior.coords)), *[list(map(list, h.coords)) for h in p.interiors]]
        for p in polygons
    ]
    inside = geometry.representative_point()
    return rings, (inside.x, inside.y)


def district_map(
    shapes: pl.DataFrame,
    values: dict[str, float | None],
    figure: Figure,
    lang: str,
    selected: str,
    per_capita: bool,
) -> pdk.Deck:
    """The 12 units coloured by a figure; the selected unit drawn with a heavy outline."""
    codes = shapes["district_code"].to_list()
    fills = colours([values.get(c) for c in codes], figure)
    name_column = "name_zh" if lang == "zh" else "name_en"
    suffix = fmt.aside(t("per_100k", lang), lang) if per_capita else ""
    polygons, labels = [], []
    for code, name, geojson, fill in zip(
        codes, shapes[name_column], shapes["boundary_geojson"], fills, strict=True
    ):
        rings, label_at = _outline(geojson)
        colon = "：" if lang == "zh" else ": "
        text = f"{figure.name(lang)}{suffix}{colon}{value_text(values.get(code), figure, lang)}"
        polygons += [
            {
                "polygon": r,
                "name": name,
                "value": text,
                "fill": [*fill, 210],
                "width": 3 if code == selected else 1,
            }
            for r in rings
        ]
        labels.append({"position": list(label_at), "name": name})
    areas = pdk.Layer(
        "PolygonLayer",
        polygons,
        get_polygon="polygon",
        get_fill_color="fill",
        get_line_color=[60, 60, 60],
        get_line_width="width",
        line_width_units=pdk.types.String("pixels"),
        stroked=True,
        pickable=True,
    )
    names = pdk.Layer(
        "TextLayer",
        labels,
        get_position="position",
        get_text="name",
        get_size=13,
        get_color=[25, 25, 25],
        # pydeck reads plain strings as accessor expressions; these two are literal text.
        font_family=pdk.types.String(FONT),
        # deck.gl draws only the glyphs in its character set, ASCII by default.
        character_set=pdk.types.String("".join(sorted({c for x in labels for c in x["name"]}))),
    )
    return pdk.Deck(
        layers=[areas, names],
        initial_view_state=pdk.ViewState(longitude=CENTRE[0], latitude=CENTRE[1], zoom=8.1),
        map_provider=None,
        tooltip={"html": "<b>{name}</b><br/>{value}"},
    )


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 15}},
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 10, "r": 10, "t": 50 + 22 * title.count("<br>"), "b": 10},
        plot_bgcolor="white",
        showlegend=False,
    )
    return fig


def ranking(
    rows: pl.DataFrame, figure: Figure, lang: str, title: str, per_capita: bool
) -> go.Figure:
    """Horizontal bars, worst at the top, coloured like the map."""
    column = figure.key + ("_per_100k" if per_capita else "")
    ordered = rows.sort(column, descending=figure.worse_when != "down", nulls_last=True)
    values = ordered[column].to_list()
    name_column = "name_zh" if lang == "zh" else "name_en"
    fills = [f"rgb({r},{g},{b})" for r, g, b in colours(values, figure)]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=ordered[name_column].to_list(),
            orientation="h",
            marker_color=fills,
            text=[value_text(v, figure, lang) for v in values],
            textposition="outside",  # zeros too: an empty row would read as missing data
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    if figure.rate:
        fig.update_xaxes(tickformat=".0%")
    return _layout(fig, title, height=max(320, 26 * len(values) + 80))


def trend(rows: pl.DataFrame, figure: Figure, lang: str, title: str) -> go.Figure:
    """A line over the weeks, labelled with the ISO week as officials write it."""
    labels = [fmt.week(y, w, lang) for y, w in zip(rows["iso_year"], rows["iso_week"], strict=True)]
    values = rows[figure.key].to_list()
    fig = go.Figure(
        go.Scatter(
            x=rows["week_start"].to_list(),
            y=values,
            mode="lines+markers",
            line={"color": "#1F4E8C", "width": 2},
            customdata=[
                [label, value_text(v, figure, lang)]
                for label, v in zip(labels, values, strict=True)
            ],
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
        )
    )
    if figure.rate:
        fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(tickformat="%m-%d" if lang == "zh" else "%d %b")
    return _layout(fig, title, height=320)
