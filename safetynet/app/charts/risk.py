"""Charts of the risk page: why a place scores as it does, how its dimensions moved, where the open
hazards are by category, and how communities and residents spread over the risk classes."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import plotly.graph_objects as go
import polars as pl

from safetynet.analytics.metrics import RISK_CLASS_BOUNDS, RISK_CLASSES
from safetynet.app import fmt
from safetynet.app.charts.base import date_axis, layout
from safetynet.app.charts.common import matrix
from safetynet.app.colours import ACCENT, SECOND

# The three dimensions in colours no level uses (the warning scale is kept for classes).
DIMENSION_COLOUR = {"ha": ACCENT, "vu": SECOND, "cc": "#8C564B"}
RISK_LINE = "#1A1F29"


def points(parts: pl.DataFrame, names: dict[str, str], lang: str, title: str, subtitle: str):
    """Every indicator's points as a bar, grouped by dimension in the index's order: the bars add
    up to the risk score, so the longest bars are why the place scores as it does."""
    name = "name_zh" if lang == "zh" else "name_en"
    unit = "unit_zh" if lang == "zh" else "unit_en"
    hover = [
        f"{n}<br>{fmt.number(v, lang)} {u} → {s:.1f}/10 → {p:.2f}"
        for n, v, u, s, p in zip(
            parts[name], parts["value"], parts[unit], parts["score"], parts["points"], strict=True
        )
    ]
    fig = go.Figure()
    for dimension, colour in DIMENSION_COLOUR.items():
        rows = parts.filter(dimension=dimension)
        fig.add_trace(
            go.Bar(
                x=rows["points"].to_list(),
                y=rows[name].to_list(),
                orientation="h",
                name=names[dimension],
                marker_color=colour,
                text=[f"{p:.2f}" for p in rows["points"]],
                textposition="outside",
                cliponaxis=False,
                hovertext=[
                    h for h, d in zip(hover, parts["dimension"], strict=True) if d == dimension
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_yaxes(
        autorange="reversed", categoryorder="array", categoryarray=parts[name].to_list()
    )
    return layout(fig, title, subtitle, height=max(380, 24 * parts.height + 150), legend=True)


def dimensions(trend: pl.DataFrame, names: dict[str, str], lang: str, title: str, subtitle: str):
    """Risk and its three dimensions month by month, over light bands of the risk classes."""
    fig = go.Figure()
    bands = pairwise([0.0, *RISK_CLASS_BOUNDS, 10.0])
    for cls, (low, high) in zip(RISK_CLASSES, bands, strict=True):
        fig.add_hrect(y0=low, y1=high, fillcolor=cls.colour, opacity=0.08, line_width=0)
    months = trend["month"].to_list()
    for key, colour, width in (
        ("risk", RISK_LINE, 3),
        *((d, c, 1.5) for d, c in DIMENSION_COLOUR.items()),
    ):
        fig.add_trace(
            go.Scatter(
                x=months,
                y=trend[key].to_list(),
                name=names[key],
                mode="lines",
                line={"color": colour, "width": width},
                hovertemplate=f"{names[key]}：%{{y:.2f}}<extra></extra>"
                if lang == "zh"
                else f"{names[key]}: %{{y:.2f}}<extra></extra>",
            )
        )
    fig.update_yaxes(range=[0, 10], dtick=2)
    date_axis(fig, lang, monthly=True)
    fig.update_xaxes(dtick="M6")
    return layout(fig, title, subtitle, height=360, legend=True)


def heatmap(
    cells: pl.DataFrame,
    place: str,
    category_name: Callable[[str], str],
    lang: str,
    title: str,
    subtitle: str,
) -> go.Figure:
    """Open hazards by category (rows, the most first) and place (columns, in the rows' order),
    darker where there are more. cells: one row per place × category, with `open_hazards`."""
    places = cells.unique("place_code", maintain_order=True)[place].to_list()
    totals = cells.group_by("category").agg(pl.col("open_hazards").sum())
    categories = totals.sort(["open_hazards", "category"], descending=[True, False])["category"]
    lookup = {(p, c): n for p, c, n in cells.select(place, "category", "open_hazards").rows()}
    z = [[lookup.get((p, c), 0) for p in places] for c in categories]
    texts = [[fmt.count(v, lang) for v in row] for row in z]
    rows = [category_name(c) for c in categories]
    return matrix(places, rows, z, texts, title, subtitle)


def classes(rows: pl.DataFrame, bars: dict[str, str], lang: str, title: str, subtitle: str):
    """Two bars, communities and residents, split by risk class (very low to very high)."""
    fig = go.Figure()
    label = "risk_class_zh" if lang == "zh" else "risk_class_en"
    for row in rows.iter_rows(named=True):
        counts = [row["communities"], row["residents"]]
        shares = [row["community_share"] or 0.0, row["resident_share"] or 0.0]
        fig.add_trace(
            go.Bar(
                x=shares,
                y=list(bars.values()),
                orientation="h",
                name=row[label],
                marker_color=row["risk_colour"],
                text=[fmt.rate(s, 0) if s >= 0.06 else "" for s in shares],
                textposition="inside",
                textangle=0,
                customdata=[fmt.count(n, lang) for n in counts],
                hovertemplate=f"{row[label]} · %{{y}}: %{{customdata}} (%{{x:.1%}})<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(range=[0, 1], showticklabels=False, showgrid=False)
    fig.update_yaxes(autorange="reversed")
    return layout(fig, title, subtitle, height=250, legend=True)
