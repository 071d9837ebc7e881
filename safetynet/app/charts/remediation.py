"""Charts of the remediation page: the open backlog week by week, how old it is, and how long
hazards take to be put right."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import plotly.graph_objects as go
import polars as pl

from safetynet.app import fmt
from safetynet.app.charts.base import date_axis, layout
from safetynet.app.charts.common import bars_side_by_side
from safetynet.app.colours import ACCENT, MUTED, SECOND, SEQUENTIAL


def burndown(
    weeks: pl.DataFrame, names: dict[str, str], lang: str, title: str, subtitle: str
) -> go.Figure:
    """Bars of hazards found and rectified each week, lines of the open backlog and of its
    overdue part at each week's end. names: found, rectified, open, overdue."""
    x = weeks["week_start"].to_list()
    labels = [
        fmt.week(y, w, lang) for y, w in zip(weeks["iso_year"], weeks["iso_week"], strict=True)
    ]
    fig = go.Figure()
    for key, colour in (("found", MUTED), ("rectified", SECOND)):
        fig.add_trace(
            go.Bar(
                x=x,
                y=weeks[key].to_list(),
                name=names[key],
                marker_color=colour,
                customdata=labels,
                hovertemplate=f"%{{customdata}} · {names[key]}: %{{y}}<extra></extra>",
            )
        )
    for key, column, dash in (("open", "open_end", "solid"), ("overdue", "overdue_end", "dot")):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=weeks[column].to_list(),
                name=names[key],
                mode="lines+markers",
                line={"color": ACCENT, "width": 2.5, "dash": dash},
                customdata=labels,
                hovertemplate=f"%{{customdata}} · {names[key]}: %{{y}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", bargap=0.3)
    date_axis(fig, lang)
    return layout(fig, title, subtitle, height=380, legend=True)


def ageing(
    rows: pl.DataFrame, place: str, bucket_name: Callable[[str], str], title: str, subtitle: str
) -> go.Figure:
    """Open hazards per place split by age, older darker. rows: remediation_aging, four buckets
    per place; places keep the order they come in."""
    places = rows.unique("group_code", maintain_order=True)[place].to_list()
    buckets = rows.unique("bucket_order", maintain_order=True).sort("bucket_order")
    series = []
    for order, bucket in zip(buckets["bucket_order"], buckets["bucket"], strict=True):
        values = rows.filter(bucket_order=order)["open_hazards"].to_list()
        colour = SEQUENTIAL[order]  # buckets 1–4 take the four darker classes
        series.append((bucket_name(bucket), values, colour, [str(v) if v else "" for v in values]))
    return bars_side_by_side(places, series, title, subtitle, stacked=True)


def days(
    places: Sequence[str],
    median: Sequence[int | None],
    p90: Sequence[int | None],
    names: dict[str, str],
    title: str,
    subtitle: str,
) -> go.Figure:
    """Median and 90th-percentile days to rectify per place, side by side."""

    def shown(values: Sequence[int | None]) -> list[str]:
        return ["—" if v is None else str(v) for v in values]

    return bars_side_by_side(
        places,
        [
            (names["median"], median, SECOND, shown(median)),
            (names["p90"], p90, ACCENT, shown(p90)),
        ],
        title,
        subtitle,
    )
