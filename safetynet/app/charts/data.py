"""The data page's chart: the period each raw table's dates cover, against the as-of date."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from safetynet.app import fmt
from safetynet.app.charts.base import date_axis, layout
from safetynet.app.colours import ACCENT
from safetynet.app.escape import markup
from safetynet.app.labels import t

DAY_MS = 86_400_000


def spans(rows: pl.DataFrame, as_of: date, lang: str, subtitle: str) -> go.Figure:
    """One bar per table with a main date, from its first day through its last, and a line at the
    as-of date: a bar that stops short of the line is a table not brought up to date."""
    dated = rows.filter(pl.col("first_day").is_not_null())
    names = dated["name_zh" if lang == "zh" else "table_name"].to_list()
    firsts, lasts = dated["first_day"].to_list(), dated["last_day"].to_list()
    spans = [
        t("data_span_tip", lang, first=fmt.day(a, lang), last=fmt.day(b, lang))
        for a, b in zip(firsts, lasts, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            base=[a.isoformat() for a in firsts],
            x=[((b - a).days + 1) * DAY_MS for a, b in zip(firsts, lasts, strict=True)],
            y=[markup(n) for n in names],
            orientation="h",
            marker_color=ACCENT,
            customdata=spans,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig.update_xaxes(type="date")
    fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)")
    # add_vline cannot place its own label on a date axis: the line and its label apart.
    day = as_of.isoformat()
    fig.add_vline(x=day, line={"dash": "dash", "color": "#3A3F4B", "width": 1.2})
    fig.add_annotation(
        x=day, y=1, yref="paper", xanchor="right", yanchor="bottom", showarrow=False,
        text=t("data_as_of_line", lang, day=fmt.day(as_of, lang)),
    )  # fmt: skip
    date_axis(fig, lang, monthly=True)
    title = t("data_span_title", lang)
    return layout(fig, title, subtitle, height=max(220, 30 * len(names) + 80))
