"""Charts of the balance page: how far the poorest share of residents is from an equal share (the
Lorenz curve), and prevention against response spending."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from safetynet.app import fmt
from safetynet.app.charts.base import layout
from safetynet.app.charts.common import bars_side_by_side
from safetynet.app.colours import ACCENT

PREVENTION = "#3B8E5A"  # 预防准备
RESPONSE = "#7F8C9A"  # 救援恢复


def lorenz(
    population: Sequence[float],
    resource: Sequence[float],
    names: dict[str, str],
    title: str,
    subtitle: str,
) -> go.Figure:
    """The Lorenz curve against the diagonal of perfect equality; the gap between them is what
    the Gini coefficient measures. names: 'curve', 'equal', 'x', 'y' as shown."""
    fig = go.Figure(
        [
            go.Scatter(
                x=[0, 1],
                y=[0, 1],
                mode="lines",
                name=names["equal"],
                line={"color": "#8A8FA0", "dash": "dash", "width": 1},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=list(population),
                y=list(resource),
                mode="lines",
                name=names["curve"],
                line={"color": ACCENT, "width": 2.5},
                fill="tonexty",
                fillcolor="rgba(31, 78, 140, 0.08)",
                hovertemplate=f"{names['x']} %{{x:.0%}} → {names['y']} %{{y:.0%}}<extra></extra>",
            ),
        ]
    )
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title_text=names["x"])
    fig.update_yaxes(range=[0, 1], tickformat=".0%", title_text=names["y"])
    layout(fig, title, subtitle, height=440, legend=True)
    # the legend inside the empty upper left, above the diagonal
    fig.update_layout(legend={"x": 0.02, "y": 0.98, "yanchor": "top", "orientation": "v"})
    return fig


def funding(
    places: Sequence[str],
    prevention: Sequence[float],
    response: Sequence[float],
    names: dict[str, str],
    lang: str,
    title: str,
    subtitle: str,
) -> go.Figure:
    """Prevention and response spending side by side per place, 万元."""
    series = [
        (names[key], values, colour, [fmt.count(round(v), lang) for v in values])
        for key, values, colour in (
            ("prevention", prevention, PREVENTION),
            ("response", response, RESPONSE),
        )
    ]
    return bars_side_by_side(places, series, title, subtitle)


def prevention_share(rows: pl.DataFrame, name: str, title: str, subtitle: str) -> go.Figure:
    """Prevention's share of prevention + response spending per year (rows: funding_balance)."""
    fig = go.Figure(
        go.Scatter(
            x=[str(y) for y in rows["year"]],
            y=rows["prevention_share"].to_list(),
            mode="lines+markers+text",
            text=[fmt.rate(v) for v in rows["prevention_share"]],
            textposition="top center",
            name=name,
            line={"color": PREVENTION, "width": 2.5},
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    top = max((v for v in rows["prevention_share"] if v is not None), default=0.5)
    fig.update_yaxes(tickformat=".0%", range=[0, max(0.6, top * 1.25)])
    fig.update_xaxes(type="category")
    return layout(fig, title, subtitle, height=320)
