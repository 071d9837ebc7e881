"""风险 Risk: where the risk is (map, classes, the riskiest communities), what kind of hazard lies
behind it (category × unit), and, for any place, why it scores as it does and how that moved."""

import streamlit as st

from safetynet.app import colours, drill, escape, fmt, maps, ui, views
from safetynet.app.charts import risk as charts
from safetynet.app.export import About, Col
from safetynet.app.labels import t
from safetynet.warehouse.vocabulary import label

view = ui.current_view()
lang = view.lang
names = "name_zh" if lang == "zh" else "name_en"
dimension_names = {k: t(f"risk_{k}", lang) for k in ("ha", "vu", "cc")} | {
    "risk": t("risk_score", lang)
}

units = views.risk_places("district", views.CITY, view.month)
if units.is_empty():
    ui.header(view, "risk")
    ui.empty(t("no_risk", lang))
    ui.footer(view)
    st.stop()
month = units.row(0, named=True)
period = fmt.month_to(view.month, month["period_end"], month["is_partial"], lang)
ui.header(view, "risk", period)

streets = views.risk_places("street", view.district, view.month) if view.district else None
communities = views.risk_places("community", view.district, view.month) if view.district else None
top = views.risk_places("community", view.district, view.month, views.TOP)

# The place whose risk is explained: the city, a unit, or a street or community of the chosen
# unit, or one of the riskiest communities; picked here, on the map or in the table.
options = {views.CITY_CODE: t("city_name", lang)}
options |= dict(zip(units["place_code"], units[names], strict=True))
for frame in (streets, communities, top):
    if frame is not None:
        options |= dict(zip(frame["place_code"], frame[names], strict=True))
ui.choice("place", list(options), view.place, lang)
place = st.selectbox(
    t("risk_place", lang), list(options), key="place", format_func=options.__getitem__
)


def open_in_drill() -> None:
    """A link that opens the explained place (the city, a unit, a street or a community) in the
    drill-down, in the same language and week."""
    shown = views.place(place)
    if shown is not None:
        st.page_link(
            drill.PAGE,
            label=t("risk_open_drill", lang),
            icon=":material/arrow_forward:",
            query_params=drill.params(shown, view),
        )


parts = views.risk_components(place, view.month)
if parts.is_empty():
    ui.empty(t("no_risk", lang))
    open_in_drill()
else:
    trend = views.risk_trend(place)
    chosen = trend.filter(trend["month"] == view.month).row(0, named=True)
    left, *dims = st.columns([2, 1, 1, 1])
    with left:
        st.metric(
            f"{escape.markdown(options[place])} · {t('risk_score', lang)}",
            f"{chosen['risk']:.2f}",
            help=t("risk_score_help", lang),
        )
        ui.coloured_line(
            chosen["risk_colour"],
            t("risk_class_is", lang, cls=chosen["risk_class_" + lang]),
            chosen["why_" + lang] or "",
        )
        open_in_drill()
    for column, key in zip(dims, ("ha", "vu", "cc"), strict=True):
        column.metric(
            dimension_names[key], f"{chosen[key]:.2f}", help=t("risk_dimension_help", lang)
        )

    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            charts.points(
                parts,
                dimension_names,
                lang,
                f"{options[place]} · {t('risk_points_title', lang)}",
                ui.chart_note(view, period, t("risk_points_unit", lang), sep="<br>"),
            ),
            width="stretch",
        )
    with right:
        first = trend.row(0, named=True)["month"]
        span = f"{fmt.month(first, lang)}—{period}"
        st.plotly_chart(
            charts.dimensions(
                trend,
                dimension_names,
                lang,
                f"{options[place]} · {t('risk_trend_title', lang)}",
                ui.chart_note(view, span, t("risk_trend_unit", lang), sep="<br>"),
            ),
            width="stretch",
        )

# --- the map and the spread over classes ---------------------------------------------------------
st.subheader(t("risk_map_title", lang))
left, right = st.columns([3, 2])
with left:
    ui.choice("hexes", ["True", "False"], "True", lang, state=lambda v: v == "True")
    show_hexes = st.toggle(t("risk_show_hexes", lang), key="hexes")
    hexes = views.hazard_hexes(view.district, view.week_end) if show_hexes else None
    hex_classes = colours.classes(hexes["open_hazards"].to_list()) if hexes is not None else None
    on_map = ui.risk_map_rows(units, communities, hexes, lang)
    st.pydeck_chart(
        maps.risk_map(views.districts(), *on_map, hex_classes, lang, view.district, ui.on_phone()),
        height=maps.height(ui.on_phone()),
        key="risk_map",
        on_select=ui.pick("risk_map", "place"),
    )
    ui.legend(ui.risk_legend(lang))
    if hex_classes is not None and hexes.height:
        ui.legend(
            ui.class_legend(t("hex_legend", lang), hex_classes, lambda v: fmt.count(v, lang), lang)
        )
        st.caption(t("hex_size", lang, km="1.4" if view.district else "3.7"))
    elif hexes is not None:
        ui.empty(t("no_open_hazards", lang))
    st.caption(
        t("risk_map_communities" if view.district else "risk_map_units", lang)
        + " "
        + ui.chart_note(view, period)
    )
with right:
    spread = views.risk_classes(view.district, view.month)
    st.plotly_chart(
        charts.classes(
            spread,
            {
                "communities": t("risk_classes_communities", lang),
                "residents": t("risk_classes_residents", lang),
            },
            lang,
            t("risk_classes_title", lang),
            ui.chart_note(view, period, "%", sep="<br>"),
        ),
        width="stretch",
    )
    high = spread.filter(spread["risk_class"].is_in(["high", "very_high"]))
    st.markdown(
        t(
            "risk_high_summary",
            lang,
            n=fmt.count(high["communities"].sum(), lang),
            people=fmt.count(high["residents"].sum(), lang),
        )
    )

# --- where the open hazards are, by category -----------------------------------------------------
st.plotly_chart(
    charts.heatmap(
        views.hazard_heatmap(view.district, view.week),
        names,
        lambda category: label("hazards.category", category, lang),
        lang,
        t("heatmap_title_streets" if view.district else "heatmap_title_units", lang),
        ui.chart_note(view, view.period, t("hazards_unit", lang)),
    ),
    width="stretch",
)

# --- the riskiest communities --------------------------------------------------------------------
st.subheader(t("top_title", lang, n=views.TOP))
st.caption(t("top_pick", lang))
ui.table(
    top,
    (
        Col("rank", "col_rank", "count"),
        Col("name_zh", "col_community"),
        Col("street_name", "col_street"),
        Col("district_name", "filter_district"),
        Col("population", "col_population", "count"),
        Col("risk", "col_risk", "number", 2),
        Col("risk_class_{lang}", "col_class"),
        Col("ha", "col_ha", "number", 2),
        Col("vu", "col_vu", "number", 2),
        Col("cc", "col_cc", "number", 2),
        Col("open_hazards", "col_open", "count"),
        Col("why_{lang}", "col_why"),
    ),
    view,
    About(
        t("risk", lang),
        t("top_title", lang, n=views.TOP),
        ui.place_filter(view),
        period,
        view.as_of,
    ),
    key="risk_top",
    height=ui.rows_height(views.TOP),
    on_select=ui.pick("risk_top", "place", top["place_code"].to_list()),
)

ui.footer(view)
