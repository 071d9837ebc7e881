"""能力 Capability: whether the grids have their emergency teams (the "1+5" mechanism), how many
team members and drills there are for the residents, whether communities have their plan, risk map,
evacuation routes and vulnerable-group list, and whether vulnerable people have a helper."""

from datetime import timedelta
from functools import partial

import streamlit as st

from safetynet.app import colours, drill, fmt, ui, views
from safetynet.app.charts import common as charts
from safetynet.app.colours import ACCENT, MUTED, SECOND
from safetynet.app.export import About, Col
from safetynet.app.labels import t
from safetynet.warehouse.vocabulary import label

view = ui.current_view()
lang = view.lang
day = fmt.day(view.as_of, lang)
period = t("cap_period", lang, day=day, first=fmt.day(view.as_of - timedelta(days=364), lang))
ui.header(view, "capability", period)
ui.snapshot_note(view)

places = views.capability(view.district)
whole = places.row(0, named=True)  # the city, or the chosen unit
parts = places.filter(~places["is_total"])
level = ui.rows_word(view)
share = fmt.rate
count = partial(fmt.count, lang=lang)

# --- the headline figures ------------------------------------------------------------------------
group, squad, workers, members, events, ready, helper = ui.cells(7)
with group:
    ui.share_metric(
        t("cap_group", lang),
        whole["first_level_with_group"],
        whole["first_level_grids"],
        lang,
        t("cap_group_help", lang),
    )
with squad:
    ui.share_metric(
        t("cap_squad", lang),
        whole["micro_with_squad"],
        whole["micro_grids"],
        lang,
        t("cap_squad_help", lang),
    )
workers.metric(t("cap_workers", lang), fmt.number(whole["workers_per_grid"], lang))
members.metric(t("cap_members", lang), fmt.number(whole["members_per_10k"], lang))
total_events = whole["drills_12m"] + whole["trainings_12m"]
events.metric(t("cap_events", lang), t("cap_events_value", lang, n=fmt.count(total_events, lang)))
with ready:
    ui.share_metric(
        t("cap_ready", lang),
        whole["with_all_four"],
        whole["communities"],
        lang,
        t("cap_ready_help", lang),
    )
with helper:
    ui.share_metric(
        t("cap_helper", lang), whole["vulnerable_with_helper"], whole["vulnerable"], lang
    )
st.caption(
    t(
        "cap_events_caption",
        lang,
        drills=fmt.count(whole["drills_12m"], lang),
        trainings=fmt.count(whole["trainings_12m"], lang),
        people=fmt.count(whole["participants_12m"], lang),
        share=share(whole["residents_reached_share"]),
        orgs=share(whole["events_with_orgs_share"]),
    )
)

# --- grids and teams, place by place -------------------------------------------------------------
names = parts[view.names].to_list()
left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.bars_side_by_side(
            names,
            [
                charts.series(t("cap_grids_group", lang), parts["group_share"], ACCENT, share),
                charts.series(t("cap_grids_squad", lang), parts["squad_share"], SECOND, share),
            ],
            t("cap_grids_title", lang, level=level),
            ui.chart_note(view, day, "%", sep="<br>"),
            rate=True,
        ),
        width="stretch",
    )
    st.caption(t("cap_without_team", lang, n=fmt.count(whole["grids_without_team"], lang)))
with right:
    ranked = parts.sort("members_per_10k", nulls_last=True)
    classes = colours.classes(ranked["members_per_10k"].to_list(), "down")
    st.plotly_chart(
        charts.ranking(
            ranked[view.names].to_list(),
            ranked["members_per_10k"].to_list(),
            [classes.colour(v) for v in ranked["members_per_10k"]],
            [fmt.number(v, lang) for v in ranked["members_per_10k"]],
            t("cap_members_title", lang, level=level),
            ui.chart_note(view, day, t("cap_members_unit", lang), sep="<br>"),
            references=[
                (
                    whole["members_per_10k"],
                    f"{ui.place_name(view)} {fmt.number(whole['members_per_10k'], lang)}",
                )
            ],
        ),
        width="stretch",
    )

st.plotly_chart(
    charts.bars_side_by_side(
        names,
        [
            charts.series(t("cap_reach", lang), parts["residents_reached_share"], ACCENT, share),
            charts.series(t("cap_orgs", lang), parts["events_with_orgs_share"], SECOND, share),
        ],
        t("cap_reach_title", lang, level=level),
        ui.chart_note(view, period, "%", sep="<br>"),
        rate=True,
    ),
    width="stretch",
)

# --- readiness and vulnerable people -------------------------------------------------------------
checklist = (
    "plan_share",
    "risk_map_share",
    "evacuation_routes_share",
    "vulnerable_list_share",
    "all_four_share",
)
item_names = [
    t(k, lang) for k in ("cap_plan", "cap_risk_map", "cap_routes", "cap_list", "cap_all_four")
]
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(
        charts.matrix(
            names,
            item_names,
            [parts[c].fill_null(0).to_list() for c in checklist],
            [[share(v, 0) for v in parts[c]] for c in checklist],
            t("cap_ready_title", lang, level=level),
            ui.chart_note(view, day, "%", sep="<br>"),
            reverse=True,
        ),
        width="stretch",
    )
with right:
    groups = views.vulnerable_groups(view.district)
    if groups.is_empty():
        ui.empty(t("cap_no_vulnerable", lang))
    else:
        kinds = [label("vulnerable_groups.group_type", g, lang) for g in groups["group_type"]]
        st.plotly_chart(
            charts.bars_side_by_side(
                kinds,
                [
                    charts.series(t("cap_with_helper", lang), groups["with_helper"], ACCENT, count),
                    charts.series(
                        t("cap_without_helper", lang), groups["without_helper"], MUTED, count
                    ),
                ],
                f"{ui.place_name(view)} · {t('cap_vulnerable_title', lang)}",
                ui.chart_note(view, day, t("cap_people_unit", lang), sep="<br>"),
                stacked=True,
            ),
            width="stretch",
        )

# --- everything in one table ---------------------------------------------------------------------
st.subheader(t("cap_table_title", lang))
st.caption(t("table_opens_drill", lang))
clicked = ui.table(
    places,
    (
        Col(view.names, "col_place"),
        Col("population", "col_population", "count"),
        Col("grids", "cap_grids", "count"),
        Col("group_share", "col_group_share", "rate"),
        Col("squad_share", "col_squad_share", "rate"),
        Col("grids_without_team", "col_without_team", "count"),
        Col("workers_per_grid", "col_workers_per_grid", "number", 2),
        Col("teams_per_10k", "col_teams_10k", "number", 1),
        Col("members_per_10k", "col_members_10k", "number", 1),
        Col("drills_12m", "col_drills", "count"),
        Col("trainings_12m", "col_trainings", "count"),
        Col("participants_12m", "col_participants", "count"),
        Col("residents_reached_share", "col_reach", "rate"),
        Col("events_with_orgs_share", "col_orgs_share", "rate"),
        Col("all_four_share", "col_all_four", "rate"),
        Col("vulnerable", "col_vulnerable", "count"),
        Col("helper_share", "col_helper_share", "rate"),
    ),
    view,
    About(
        t("capability", lang), t("cap_table_title", lang), ui.place_filter(view), period, view.as_of
    ),
    key="capability_table",
    height=ui.rows_height(places.height),
    on_select="rerun",
)
drill.open_clicked(clicked, view, places["place_code"].to_list())

ui.footer(view)
