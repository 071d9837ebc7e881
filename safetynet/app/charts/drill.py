"""The drill-down's chart: one grid's patrols week by week, with the share of items compliant."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from safetynet.app import fmt
from safetynet.app.charts.base import layout
from safetynet.app.colours import ACCENT, SECOND
from safetynet.app.labels import FIGURES_BY_KEY
from safetynet.app.labels import t as text


def patrols(weeks: pl.DataFrame, lang: str, title: str, subtitle: str) -> go.Figure:
    """Bars of patrols per ISO week and a line of the week's inspection compliance (right axis);
    a week without a patrol shows a zero bar and no compliance."""
    labels = [
        fmt.week(y, w, lang) for y, w in zip(weeks["iso_year"], weeks["iso_week"], strict=True)
    ]
    compliance = FIGURES_BY_KEY["compliance_rate"].name(lang)
    fig = go.Figure(
        [
            go.Bar(
                x=labels,
                y=weeks["patrols"].to_list(),
                name=text("drill_patrols", lang),
                marker_color=ACCENT,
                text=weeks["patrols"].to_list(),
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: %{y}<extra></extra>",
            ),
            go.Scatter(
                x=labels,
                y=weeks["compliance_rate"].to_list(),
                name=compliance,
                yaxis="y2",
                mode="lines+markers",
                line={"color": SECOND, "width": 2},
                customdata=[fmt.rate(v) for v in weeks["compliance_rate"]],
                hovertemplate=f"%{{x}} · {compliance}: %{{customdata}}<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        yaxis={"rangemode": "tozero", "dtick": 1},
        yaxis2={"overlaying": "y", "side": "right", "range": [0, 1.05], "tickformat": ".0%",
                "tickvals": [0, 0.5, 1], "showgrid": False},
    )  # fmt: skip
    return layout(fig, title, subtitle, height=300, legend=True)
