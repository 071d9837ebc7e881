"""总览 Overview: the state of the city (or one unit) in the chosen week, and where it is worst."""

import streamlit as st

from safetynet.app import charts, fmt, ui, views
from safetynet.app.labels import FIGURES, FIGURES_BY_KEY, t

view = ui.current_view()
lang = view.lang
period = view.week_label + fmt.aside(fmt.week_span(view.week, view.week_end, lang), lang)

st.title(f"{ui.place_name(view)} · {t('overview', lang)}")
st.caption(f"{t('period', lang)}：{period}" if lang == "zh" else f"{t('period', lang)}: {period}")

st.subheader(t("headline", lang))
now, before = ui.this_and_last_week(views.headline(view.district, view.week))
for column, figure in zip(st.columns(len(FIGURES)), FIGURES, strict=True):
    with column:
        ui.metric(figure, now, before, lang)

chosen = st.selectbox(
    t("map_metric", lang),
    [f.key for f in FIGURES],
    index=1,
    key="overview_figure",
    format_func=lambda key: FIGURES_BY_KEY[key].name(lang),
)
figure = FIGURES_BY_KEY[chosen]
per_capita = not figure.rate
measure = figure.name(lang) + (fmt.aside(t("per_100k", lang), lang) if per_capita else "")

left, right = st.columns([3, 2])
with left:
    units = views.ranking(views.CITY, view.week)
    column = figure.key + ("_per_100k" if per_capita else "")
    st.markdown(f"**{t('map_title', lang, figure=measure)} · {view.week_label}**")
    st.pydeck_chart(
        charts.district_map(
            views.districts(),
            dict(zip(units["place_code"], units[column], strict=True)),
            figure,
            lang,
            view.district,
            per_capita,
        ),
        height=460,
    )
    st.caption(t("map_note", lang))
with right:
    level = t("level_street" if view.district else "level_district", lang)
    # Two lines: plotly titles do not wrap, and the ranking sits in the narrow column.
    title = f"{t('ranking_title', lang, level=level, figure=measure)}<br>{view.week_label}"
    places = views.ranking(view.district, view.week) if view.district else units
    st.plotly_chart(charts.ranking(places, figure, lang, title, per_capita), width="stretch")

weeks = views.trend(view.district, view.week)
first = weeks.row(0, named=True)
span = f"{fmt.week(first['iso_year'], first['iso_week'], lang)}—{view.week_label}"
title = f"{t('trend_title', lang, figure=figure.name(lang))} · {span}"
st.plotly_chart(charts.trend(weeks, figure, lang, title), width="stretch")

ui.footer(view)
