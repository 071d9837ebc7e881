"""总览 Overview: the state of the city (or one unit) in the chosen week, what needs attention now,
and where it is worst."""

import streamlit as st

from safetynet.app import colours, drill, fmt, maps, ui, views
from safetynet.app.charts import common as charts
from safetynet.app.labels import FIGURES, FIGURES_BY_KEY, t

view = ui.current_view()
lang = view.lang
ui.header(view, "overview")

st.subheader(t("headline", lang))
weeks = views.trend(view.district, view.week)
now, before = ui.this_and_last_week(views.headline(view.district, view.week))
recent = weeks.filter(weeks["week_start"] >= ui.spark_weeks(view.week))
for column, figure in zip(ui.cells(len(FIGURES)), FIGURES, strict=True):
    with column:
        ui.metric(figure, now, before, lang, recent[figure.key].to_list())
st.caption(t("spark_note", lang))

st.subheader(t("signals", lang))
ui.signals(views.signals(view.district), view)

ui.choice("figure", [f.key for f in FIGURES], "open_hazards", lang)
figure = FIGURES_BY_KEY[
    st.selectbox(
        t("map_metric", lang),
        [f.key for f in FIGURES],
        key="figure",
        format_func=lambda key: FIGURES_BY_KEY[key].name(lang),
    )
]
per_capita = not figure.rate  # counts are compared per 100,000 residents
column = figure.key + ("_per_100k" if per_capita else "")
unit = ui.figure_unit(figure, lang, per_capita)
shown = ui.value_formatter(figure, lang)
names = "name_zh" if lang == "zh" else "name_en"

units = views.ranking(views.CITY, view.week)
left, right = st.columns([3, 2])
with left:
    st.markdown(f"**{t('map_title', lang, figure=figure.name(lang))} · {view.week_label}**")
    values = dict(zip(units["place_code"], units[column], strict=True))
    classes = colours.classes(list(values.values()), figure.worse_when)
    tips = {code: ui.figure_tip(figure, v, lang, per_capita) for code, v in values.items()}
    clicked = st.pydeck_chart(
        maps.figure_map(
            views.districts(), values, classes, tips, lang, view.district, ui.on_phone()
        ),
        height=maps.height(ui.on_phone()),
        key="overview_map",
        on_select="rerun",
        selection_mode="single-object",
    )
    # a clicked unit opens in the drill-down (its polygons carry their code)
    drill.open_clicked(clicked, view)
    ui.legend(ui.class_legend(figure.name(lang) + fmt.aside(unit, lang), classes, shown, lang))
    st.caption(ui.chart_note(view, view.period, unit) + " · " + t("map_note", lang))
with right:
    places = views.ranking(view.district, view.week) if view.district else units
    places = places.sort(column, descending=figure.worse_when != "down", nulls_last=True)
    place_classes = colours.classes(places[column].to_list(), figure.worse_when)
    level = t("level_street" if view.district else "level_district", lang)
    codes = places["place_code"].to_list()
    clicked = st.plotly_chart(
        charts.ranking(
            places[names].to_list(),
            places[column].to_list(),
            [place_classes.colour(v) for v in places[column]],
            [shown(v) for v in places[column]],
            t("ranking_title", lang, level=level, figure=figure.name(lang)),
            ui.chart_note(view, view.week_label, unit, sep="<br>"),
            rate=figure.rate,
            codes=codes,
        ),
        width="stretch",
        key="overview_ranking",
        on_select="rerun",
        selection_mode="points",
    )
    # a clicked bar opens its unit or street in the drill-down
    drill.open_clicked(clicked, view, codes)
    st.caption(t("overview_open", lang, level=ui.rows_word(view)))

first = weeks.row(0, named=True)
span = f"{fmt.week(first['iso_year'], first['iso_week'], lang)}—{view.week_label}"
st.plotly_chart(
    charts.trend(
        weeks["week_start"].to_list(),
        weeks[figure.key].to_list(),
        [fmt.week(y, w, lang) for y, w in zip(weeks["iso_year"], weeks["iso_week"], strict=True)],
        [shown(v) for v in weeks[figure.key]],
        t("trend_title", lang, figure=figure.name(lang)),
        ui.chart_note(view, span, ui.figure_unit(figure, lang)),
        lang,
        rate=figure.rate,
    ),
    width="stretch",
)

ui.footer(view)
