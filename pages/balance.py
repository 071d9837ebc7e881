"""均衡 Balance: how evenly emergency capacity is spread over the city (不均衡), whether the gap is
between districts or inside them, which communities fall short of the supply norms (短板), and
whether money goes to prevention or to rescue (轻预防准备、重救援恢复)."""

from functools import partial

import streamlit as st

from safetynet.app import colours, drill, fmt, ui, views
from safetynet.app.charts import balance as charts
from safetynet.app.charts import common
from safetynet.app.export import About, Col
from safetynet.app.labels import t
from safetynet.warehouse.schema import RESOURCE_ITEMS
from safetynet.warehouse.vocabulary import label

view = ui.current_view()
lang = view.lang
as_of = fmt.day(view.as_of, lang)
ui.header(view, "balance", t("as_of_day", lang, day=as_of))
ui.snapshot_note(view)

summary = views.imbalance_summary()
indicators = dict(zip(summary["indicator"], summary[view.names], strict=True))
ui.choice("indicator", list(indicators), "team_members", lang)
indicator = st.selectbox(
    t("indicator", lang), list(indicators), key="indicator", format_func=indicators.__getitem__
)
about = summary.filter(indicator=indicator).row(0, named=True)
topic, unit = about[view.names], about[f"value_unit_{lang}"]
period = ui.span(about["period_start"], about["period_end"], lang)
shown = partial(fmt.number, lang=lang)
# Funding is known per unit only: with a unit chosen, funding still compares the units.
inside_unit = bool(view.district) and about["level"] == "community"

# --- how unequal, and where the gap lies ---------------------------------------------------------
if about["gini"] is None:  # nothing of it anywhere, or no residents: nothing to compare
    ui.empty(t("no_imbalance", lang, topic=topic))
else:
    city = t("city_name", lang) + " · " if inside_unit else ""  # the headline stays the city's
    gini, theil, between, within = ui.cells(4)
    gini.metric(city + t("gini", lang), f"{about['gini']:.3f}", help=t("gini_help", lang))
    theil.metric(city + t("theil", lang), f"{about['theil']:.3f}", help=t("theil_help", lang))
    if about["between_share"] is not None:
        between.metric(t("between_share", lang), fmt.rate(about["between_share"], 0))
        within.metric(t("within_share", lang), fmt.rate(1 - about["between_share"], 0))
    st.info(about[f"sentence_{lang}"], icon=":material/lightbulb:")

if inside_unit:
    bars = views.imbalance_communities(indicator, view.district)
    inside = views.inside_unit(bars)
    if inside is None:
        ui.empty(t("no_inside", lang))
    else:
        st.info(
            ui.inside_sentence(inside, ui.place_name(view), topic, lang),
            icon=":material/location_city:",
        )
    curve = (inside.lorenz.population_share, inside.lorenz.resource_share) if inside else None
    compared = t("lorenz_units", lang, n=bars.height, level=t("level_units_community", lang))
    title = t(
        "values_title_communities", lang, unit=ui.place_name(view), indicator=topic, n=views.TOP
    )
    names = "name_zh"  # communities have Chinese names only
else:
    bars = views.imbalance_districts(indicator)
    points = views.imbalance_lorenz(indicator)
    curve = (
        (points["population_share"].to_list(), points["resource_share"].to_list())
        if points.height
        else None
    )
    compared = t(
        "lorenz_units", lang, n=about["units"], level=t(f"level_units_{about['level']}", lang)
    )
    title = t("values_title_units", lang, indicator=topic)
    names = view.names

left, right = st.columns([3, 2])
with left:
    if bars.is_empty():
        ui.empty(t("no_values", lang, topic=topic))
    else:
        classes = colours.classes(bars["value"].to_list(), "down")
        lowest = bars.head(views.TOP)
        st.plotly_chart(
            common.ranking(
                lowest[names].to_list(),
                lowest["value"].to_list(),
                [classes.colour(v) for v in lowest["value"]],
                [shown(v) for v in lowest["value"]],
                title,
                ui.chart_note(view, period, unit, sep="<br>"),
                references=ui.reference_lines(bars.row(0, named=True), inside_unit, shown, lang),
            ),
            width="stretch",
        )
with right:
    if curve is not None:
        st.plotly_chart(
            charts.lorenz(
                *curve,
                {k: t(f"lorenz_{k}", lang) for k in ("curve", "equal", "x", "y")},
                t("lorenz_title", lang, indicator=topic),
                ui.chart_note(view, period, "%", sep="<br>"),
            ),
            width="stretch",
        )
        st.caption(compared)

# --- the 短板 list -------------------------------------------------------------------------------
st.subheader(t("shortfall_title", lang))
items = ["", *RESOURCE_ITEMS]
ui.choice("item", items, "", lang)
item = st.selectbox(
    t("shortfall_item", lang),
    items,
    key="item",
    format_func=lambda i: (
        label("resource_norms.item", i, lang) if i else t("shortfall_all_items", lang)
    ),
)
item_name = label("resource_norms.item", item, lang) if item else t("shortfall_all_items", lang)
short = views.shortfall(view.district, item)
if short.is_empty():
    ui.empty(t("shortfall_none", lang))
else:
    st.caption(
        t("shortfall_matching", lang, n=fmt.count(short["matching"][0], lang), shown=short.height)
    )
    st.caption(t("table_opens_drill", lang))
    clicked = ui.table(
        ui.named(short, lang, item="resource_norms.item"),
        (
            Col("name_zh", "col_community"),
            Col("street_zh", "col_street"),
            Col("district_zh", "filter_district"),
            Col("population", "col_population", "count"),
            Col("item_name", "col_item"),
            Col("quantity", "col_quantity", "count"),
            Col("need", "col_need", "number", 1),
            Col("shortfall_share", "col_shortfall_share", "rate", 0),
            Col("units_to_norm", "col_units_to_norm", "count"),
            Col("residents_uncovered", "col_uncovered", "count"),
        ),
        view,
        About(
            t("balance", lang),
            t("shortfall_title", lang),
            [*ui.place_filter(view), (t("shortfall_item", lang), item_name)],
            as_of,
            view.as_of,
        ),
        key="shortfall",
        on_select="rerun",
    )
    drill.open_clicked(clicked, view, short["community_code"].to_list())

# --- prevention against response -----------------------------------------------------------------
spending = views.funding(view.district)
if spending.is_empty():
    ui.empty(t("funding_none", lang))
else:
    year = spending["year"].max()
    latest = spending.filter((spending["year"] == year) & (spending["level"] == "district"))
    whole = spending.filter(spending["level"] == ("district" if view.district else "city"))
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(
            charts.funding(
                latest[view.names].to_list(),
                latest["prevention_wan"].to_list(),
                latest["response_wan"].to_list(),
                {
                    "prevention": t("funding_prevention", lang),
                    "response": t("funding_response", lang),
                },
                lang,
                t("funding_title", lang, year=year),
                ui.chart_note(view, f"{year}", t("funding_unit", lang), sep="<br>"),
            ),
            width="stretch",
        )
    with right:
        st.plotly_chart(
            charts.prevention_share(
                whole,
                t("funding_prevention", lang),
                f"{ui.place_name(view)} · {t('funding_share_title', lang)}",
                ui.chart_note(view, f"{whole['year'].min()}—{year}", "%", sep="<br>"),
            ),
            width="stretch",
        )
        st.caption(t("funding_note", lang))
    ui.table(
        spending,
        (
            Col(view.names, "col_place"),
            Col("year", "col_year"),
            Col("prevention_wan", "col_prevention_wan", "number", 1),
            Col("response_wan", "col_response_wan", "number", 1),
            Col("prevention_share", "col_prevention_share", "rate"),
            Col("prevention_yuan_per_resident", "col_prevention_per_resident", "number", 2),
            Col("response_yuan_per_resident", "col_response_per_resident", "number", 2),
        ),
        view,
        About(
            t("balance", lang),
            t("funding_table_title", lang),
            ui.place_filter(view),
            f"{spending['year'].min()}—{year}",
            view.as_of,
        ),
        key="funding_table",
    )

# --- every indicator, the most unequal first -----------------------------------------------------
st.subheader(t("summary_title", lang))
ui.table(
    summary.sort("gini", descending=True, nulls_last=True),
    (
        Col("name_{lang}", "col_indicator"),
        Col("value_unit_{lang}", "col_value_unit"),
        Col("units", "col_units", "count"),
        Col("mean_value", "col_mean", "number", 2),
        Col("min_value", "col_min", "number", 2),
        Col("max_value", "col_max", "number", 2),
        Col("gini", "col_gini", "number", 3),
        Col("theil", "col_theil", "number", 3),
        Col("between_share", "col_between", "rate", 0),
        Col("sentence_{lang}", "col_sentence"),
    ),
    view,
    About(t("balance", lang), t("summary_title", lang), [], as_of, view.as_of),
    key="imbalance_summary",
    height=ui.rows_height(summary.height),
)

ui.footer(view)
