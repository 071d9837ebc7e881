"""周报 Weekly briefing: one screen for the city or a unit, made to be captured every Monday: the
headline figures against last week, a small map, the places that need attention, the orange and
red signals, and what it all means in a few plain sentences written from the same figures.

`?layout=phone` stacks everything in one column for a 390 px capture; `?capture=1` takes the
sidebar and Streamlit's chrome away. The page marks itself drawn (capture_mode) for the capture.
"""

import html

import streamlit as st

from safetynet.app import capture_mode, colours, escape, fmt, link, maps, ui, views
from safetynet.app.labels import FIGURES, FIGURES_BY_KEY, t
from safetynet.briefing import facts, narrative

LAYOUTS = ("desktop", "phone")
ALERTS_SHOWN = 4
# In a 1920×1080 capture the page must fit the screen: less padding, tighter metrics.
DESKTOP_CSS = """
[data-testid="stMainBlockContainer"] { max-width: 1920px !important;
    padding: 1.2rem 2.5rem 0.5rem !important; }
[data-testid="stMetricValue"] { font-size: 1.9rem !important; }
"""
PHONE_CSS = """
[data-testid="stMainBlockContainer"] { padding: 1rem 0.8rem !important; }
"""

view = ui.current_view()
lang = view.lang
capture_mode.mark_when_drawn()
rejected = {
    "layout": link.page_choice("layout", LAYOUTS, "desktop"),
    "capture": link.page_choice("capture", ("0", "1"), "0"),
}
phone = st.session_state["layout"] == "phone"
if st.session_state["capture"] == "1":
    capture_mode.hide_chrome(PHONE_CSS if phone else DESKTOP_CSS)
for key, value in rejected.items():
    if value is not None:
        st.warning(f"{t('bad_' + key, lang)} {link.quote(value)}")

place = ui.place_name(view)
ui.header(view, "briefing")

trend = views.trend(view.district, view.week)
now, before = ui.this_and_last_week(views.headline(view.district, view.week))
recent = trend.filter(trend["week_start"] >= ui.spark_weeks(view.week))
for column, figure in zip(ui.cells(len(FIGURES), 150), FIGURES, strict=True):
    with column:
        ui.metric(figure, now, before, lang, recent[figure.key].to_list())

ranking = views.ranking(view.district, view.week)
signals = views.signals(view.district)
units = views.districts()
alerts = facts.alerts_of(
    signals, lang, dict(zip(units["district_code"], units[view.names], strict=True))
)
points = narrative.sentences(
    place, facts.weeks_of(trend), facts.children_of(ranking, view.names), alerts, lang
)


def key_points() -> None:
    st.subheader(t("briefing_points", lang))
    items = "".join(f"<li>{html.escape(s)}</li>" for s in points)
    st.markdown(
        f'<ol class="briefing-points" style="font-size:1.2rem;line-height:1.8;'
        f'padding-left:1.4rem">{items}</ol>',
        unsafe_allow_html=True,
    )


def small_map() -> None:
    """A static map (SVG): a briefing is captured, and drawn at once it is never caught half
    drawn, where a WebGL map takes seconds in a headless browser."""
    figure = FIGURES_BY_KEY["overdue"]
    city = views.ranking(views.CITY, view.week)
    values = dict(zip(city["place_code"], city["overdue_per_100k"], strict=True))
    classes = colours.classes(list(values.values()), figure.worse_when)
    fills = {code: classes.colour(v) for code, v in values.items()}
    st.markdown(f"**{t('briefing_map', lang)}**")
    # As an image: no text of it is ever read as Markdown or HTML, and it fetches nothing.
    st.image(maps.units_svg(units, fills, lang, view.district, 380 if phone else 520))
    unit = ui.figure_unit(figure, lang, per_capita=True)
    shown = ui.value_formatter(figure, lang)
    ui.legend(ui.class_legend(unit, classes, shown, lang))


def worst_places() -> None:
    level = t("level_street" if view.district else "level_district", lang)
    rows = facts.worst(ranking)
    st.markdown(f"**{t('briefing_worst', lang, level=level, n=rows.height)}**")
    keys = ("overdue", "major_open", "open_hazards", "rectification_rate")
    shown = {
        level: [escape.markdown(name) for name in rows[view.names]],  # cells read Markdown
        **{
            FIGURES_BY_KEY[k].name(lang): [
                ui.figure_text(FIGURES_BY_KEY[k], v, lang) for v in rows[k]
            ]
            for k in keys
        },
    }
    st.table(shown)
    st.caption(t("briefing_worst_note", lang) + " · " + ui.chart_note(view, view.week_label))


def alert_list() -> None:
    st.markdown(f"**{t('briefing_alerts', lang)}**")
    rows = facts.listed(signals, alerts)
    if rows.is_empty():
        ui.empty(t("briefing_alerts_none", lang, week=view.week_label))
        return
    first = rows.row(0, named=True)  # signals are those of the latest week, whatever is chosen
    week = fmt.week(first["iso_year"], first["iso_week"], lang)
    counts = {name: rows.filter(level_name=name).height for name in facts.BRIEFED_LEVELS}
    st.caption(t("briefing_alerts_count", lang, week=week, **counts))
    suffix = "zh" if lang == "zh" else "en"
    for row in rows.head(ALERTS_SHOWN).iter_rows(named=True):
        running = t("signal_running", lang, n=row["weeks_running"]) if row["weeks_running"] else ""
        ui.coloured_line(
            row["level_colour"],
            f"{row['level_' + suffix]} · {row['rule_' + suffix]}",
            " ".join(p for p in (row["reason_" + suffix], running) if p),
        )
    if rows.height > ALERTS_SHOWN:
        st.caption(t("briefing_alerts_more", lang, n=rows.height - ALERTS_SHOWN))


if phone:
    key_points()
    small_map()
    worst_places()
    alert_list()
else:
    left, middle, right = st.columns([5, 6, 7], gap="large")
    with left:
        small_map()
    with middle:
        worst_places()
        alert_list()
    with right:
        key_points()

ui.footer(view)
