"""What every chart shares: fonts, a title that says what is counted and in which unit, a subtitle
with the period and the as-of date, and axes that read as a Zhengzhou official writes them."""

from __future__ import annotations

import plotly.graph_objects as go

from safetynet.app.escape import markup
from safetynet.app.maps import FONT
from safetynet.display import width

GRID = "#E5E8EE"
# d3 time formats: 6月1日 in Chinese, 1 Jun in English.
DAY_TICKS = {"zh": "%-m月%-d日", "en": "%-d %b"}
MONTH_TICKS = {"zh": "%Y年%-m月", "en": "%b %Y"}
# Plotly titles do not wrap: lines are broken here so that they fit a phone (390 px wide), in
# display units (a CJK character counts two): the title at 15 px, the subtitle at 11 px.
TITLE_UNITS = 42
SUBTITLE_UNITS = 58
PHONE_LEGEND_PX = 330
# Where a line may break, in order of preference, and which line keeps the separator (a break
# never drops a character: wrap(text).replace("<br>", "") is text).
SEPARATORS = (
    (" · ", "head"),
    ("：", "head"),
    ("；", "head"),
    ("，", "head"),
    ("（", "tail"),
    (", ", "head"),
    (" ", "head"),
)


def wrap(text: str, units: int) -> str:
    """text with <br> where a line would pass `units`: at ' · ', '：' or a space, else anywhere;
    every character stays (a separator ends the line it breaks)."""
    return "<br>".join(part for line in text.split("<br>") for part in _wrap_line(line, units))


def _wrap_line(line: str, units: int) -> list[str]:
    if width(line) <= units:
        return [line]
    for sep, keeps in SEPARATORS:
        cut = _last_fit(line, sep, units)
        if cut and width(line[:cut]) >= units // 2:  # not a stub of a line
            split = cut + len(sep) if keeps == "head" else cut
            return [line[:split], *_wrap_line(line[split:], units)]
    fit = max(i for i in range(1, len(line) + 1) if width(line[:i]) <= units)
    return [line[:fit], *_wrap_line(line[fit:], units)]


def _last_fit(line: str, sep: str, units: int) -> int:
    """The position of the last `sep` before which the line fits, or 0."""
    best, at = 0, line.find(sep)
    while at > 0 and width(line[:at]) <= units:
        best, at = at, line.find(sep, at + 1)
    return best


def legend_rows(fig: go.Figure) -> int:
    """How many rows the legend takes on a phone, where its entries wrap: each entry is its name
    (about 7 px a unit at 12 px) and 40 px of symbol and gap, in a row of about 330 px."""
    names = [t.name for t in fig.data if t.name and t.showlegend is not False]
    rows, used = 1, 0
    for name in names:
        entry = 7 * width(name) + 40
        if used and used + entry > PHONE_LEGEND_PX:
            rows, used = rows + 1, 0
        used += entry
    return rows


def layout(
    fig: go.Figure, title: str, subtitle: str, height: int, legend: bool = False
) -> go.Figure:
    """Title (what), subtitle (unit, period, as-of date), fonts, margins, white ground; the legend,
    when there is one, between the subtitle and the plot, where it cannot meet an axis."""
    # A title may hold a place's name from the data: plotly would read <a>, <img> in it as markup.
    title, subtitle = wrap(markup(title), TITLE_UNITS), wrap(subtitle, SUBTITLE_UNITS)
    header = 14 + 20 * (title.count("<br>") + 1) + 15 * (subtitle.count("<br>") + 1)
    key = 22 * legend_rows(fig) + 12 if legend else 12
    fig.update_layout(
        title={
            "text": title,
            "font": {"size": 15},
            "subtitle": {"text": subtitle, "font": {"size": 11, "color": "#5B6270"}},
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 10, "l": 10},
        },
        font={"family": FONT, "size": 12},
        height=height + header + key,
        margin={"l": 10, "r": 10, "t": header + key, "b": 10},
        plot_bgcolor="white",
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID)
    return fig


def date_axis(fig: go.Figure, lang: str, monthly: bool = False) -> None:
    fig.update_xaxes(tickformat=(MONTH_TICKS if monthly else DAY_TICKS)[lang])
