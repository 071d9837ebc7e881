"""Charts several pages use: a ranking of places and a weekly trend line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import plotly.graph_objects as go

from safetynet.app.charts.base import date_axis, layout
from safetynet.app.colours import ACCENT, SEQUENTIAL
from safetynet.app.escape import markup


def ranking(
    names: Sequence[str],
    values: Sequence[float | None],
    colours: Sequence[str],
    texts: Sequence[str],
    title: str,
    subtitle: str,
    rate: bool = False,
    references: Sequence[tuple[float, str]] = (),
    codes: Sequence[str] = (),
) -> go.Figure:
    """Horizontal bars in the order given (the first on top), each labelled with its value.

    references: (value, label) pairs drawn as dashed lines across, e.g. the city mean, the norm.
    codes: each bar's place code, carried as its customdata, so that a click on a bar names its
    place (names repeat across units).
    """
    fig = go.Figure(
        go.Bar(
            x=list(values),
            y=[markup(n) for n in names],  # places' names from the data
            orientation="h",
            marker_color=list(colours),
            marker_line={"color": "#8A8FA0", "width": 0.5},
            text=list(texts),
            textposition="outside",  # zeros too: an empty row would read as missing data
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
            customdata=list(codes) or None,
        )
    )
    fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)")
    if rate:
        fig.update_xaxes(tickformat=".0%")
    for (value, text), dash in zip(references, ("dash", "dot", "dashdot"), strict=False):
        fig.add_vline(
            x=value,
            line={"dash": dash, "color": "#3A3F4B", "width": 1.2},
            annotation_text=markup(text),
            annotation_position="top",
        )
    return layout(fig, title, subtitle, height=max(320, 26 * len(names) + 110))


def trend(
    weeks: Sequence[date],
    values: Sequence[float | None],
    labels: Sequence[str],
    texts: Sequence[str],
    title: str,
    subtitle: str,
    lang: str,
    rate: bool = False,
) -> go.Figure:
    """A line over the weeks; hovering shows the ISO week as officials write it and the value."""
    fig = go.Figure(
        go.Scatter(
            x=list(weeks),
            y=list(values),
            mode="lines+markers",
            line={"color": ACCENT, "width": 2},
            customdata=[[label, text] for label, text in zip(labels, texts, strict=True)],
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
        )
    )
    if rate:
        fig.update_yaxes(tickformat=".0%")
    date_axis(fig, lang)
    return layout(fig, title, subtitle, height=320)


Series = tuple[str, Sequence[float | None], str, Sequence[str]]


def series(
    name: str, values: Sequence[float | None], colour: str, text: Callable[[float | None], str]
) -> Series:
    """One measure of bars_side_by_side: its name, values, colour and each value as shown."""
    return name, list(values), colour, [text(v) for v in values]


def bars_side_by_side(
    places: Sequence[str],
    series: Sequence[Series],
    title: str,
    subtitle: str,
    rate: bool = False,
    stacked: bool = False,
) -> go.Figure:
    """Horizontal bars of several measures per place, side by side (or stacked), the first place
    on top. series: (name, values, colour, texts) per measure."""
    fig = go.Figure(
        [
            go.Bar(
                x=list(values),
                y=[markup(p) for p in places],
                orientation="h",
                name=name,
                marker_color=colour,
                text=list(texts),
                textposition="inside" if stacked else "outside",
                textangle=0,
                cliponaxis=False,
                hovertemplate=f"%{{y}} · {name}: %{{text}}<extra></extra>",
            )
            for name, values, colour, texts in series
        ]
    )
    fig.update_layout(barmode="stack" if stacked else "group", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed")
    if rate:
        fig.update_xaxes(tickformat=".0%")
    per_place = 24 if stacked else 16 * len(series) + 12
    return layout(fig, title, subtitle, height=max(320, per_place * len(places) + 150), legend=True)


def matrix(
    columns: Sequence[str],
    rows: Sequence[str],
    z: Sequence[Sequence[float]],
    texts: Sequence[Sequence[str]],
    title: str,
    subtitle: str,
    reverse: bool = False,
) -> go.Figure:
    """A heatmap of rows × columns in the sequential palette, each cell labelled; darker is more
    (or, with reverse, darker is less: for shares where a low one is bad)."""
    scale = list(reversed(SEQUENTIAL)) if reverse else list(SEQUENTIAL)
    fig = go.Figure(
        go.Heatmap(
            z=[list(r) for r in z],
            x=[markup(c) for c in columns],
            y=[markup(r) for r in rows],
            colorscale=[[i / (len(scale) - 1), c] for i, c in enumerate(scale)],
            text=[list(r) for r in texts],
            texttemplate="%{text}",
            hovertemplate="%{x} · %{y}: %{text}<extra></extra>",
            xgap=1,
            ygap=1,
            colorbar={"thickness": 10},
        )
    )
    fig.update_xaxes(tickangle=-45 if len(columns) > 8 else 0)
    fig.update_yaxes(autorange="reversed")
    return layout(fig, title, subtitle, height=max(300, 30 * len(rows) + 170))
