"""What every chart shares: fonts, a title that says what is counted and in which unit, a subtitle
with the period and the as-of date, and axes that read as a Zhengzhou official writes them."""

from __future__ import annotations

import plotly.graph_objects as go

from safetynet.app.maps import FONT

GRID = "#E5E8EE"
# d3 time formats: 6月1日 in Chinese, 1 Jun in English.
DAY_TICKS = {"zh": "%-m月%-d日", "en": "%-d %b"}
MONTH_TICKS = {"zh": "%Y年%-m月", "en": "%b %Y"}


def layout(
    fig: go.Figure, title: str, subtitle: str, height: int, legend: bool = False
) -> go.Figure:
    """Title (what, in which unit), subtitle (period · as-of date), fonts, margins, white ground."""
    lines = title.count("<br>") + subtitle.count("<br>")
    fig.update_layout(
        title={
            "text": title,
            "font": {"size": 15},
            "subtitle": {"text": subtitle, "font": {"size": 11, "color": "#5B6270"}},
        },
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 10, "r": 10, "t": 66 + 20 * lines, "b": 50 if legend else 10},
        plot_bgcolor="white",
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID)
    return fig


def date_axis(fig: go.Figure, lang: str, monthly: bool = False) -> None:
    fig.update_xaxes(tickformat=(MONTH_TICKS if monthly else DAY_TICKS)[lang])
