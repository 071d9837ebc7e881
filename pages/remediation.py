"""整改 Remediation: how fast hazards found are put right (the rates officials read, with their
denominators), the open backlog week by week and how old it is, the supervised major hazards to
chase, and how fast departments come when a community blows the whistle (吹哨报到)."""

import streamlit as st

from safetynet.app import drill, fmt, ui, views
from safetynet.app.charts import common
from safetynet.app.charts import remediation as charts
from safetynet.app.colours import ACCENT, SECOND
from safetynet.app.export import About, Col
from safetynet.app.labels import t

view = ui.current_view()
lang = view.lang
top = st.container()  # the title goes above the choices; its period depends on them

# --- the window and the place --------------------------------------------------------------------
left, right = st.columns(2)
windows = [str(n) for n in views.WINDOWS]
with left:
    ui.choice("window", windows, "13", lang)
    weeks = int(
        st.selectbox(
            t("rem_window", lang),
            windows,
            key="window",
            format_func=lambda n: t("rem_window_weeks", lang, n=n),
        )
    )
first = views.window_start(view.week, weeks)
level = "street" if view.district else "district"
places = views.remediation(level, view.district, "", first, view.week_end)
street = ""
if view.district:
    streets = dict(zip(places["group_code"], places["group_name"], strict=True))
    with right:
        ui.choice("street", ["", *streets], "", lang)
        street = st.selectbox(
            t("rem_street", lang),
            ["", *streets],
            key="street",
            format_func=lambda s: streets.get(s, t("rem_all_streets", lang)),
        )
whole = views.remediation_of(view.district, street, first, view.week_end)
period = t(
    "rem_period",
    lang,
    first=fmt.day(whole["window_first"], lang),
    last=fmt.day(whole["window_last"], lang),
    weeks=whole["weeks"],
)
with top:
    ui.header(view, "remediation", period)
place = streets[street] if street else ui.place_name(view)

# --- the rates, each with its denominator --------------------------------------------------------
rates = ui.cells(4)
for column, (key, num, den, of) in zip(
    rates,
    (
        ("rem_cohort", "cohort_rectified", "found", "rem_rectified_of"),
        ("rem_cumulative", "cumulative_rectified", "cumulative_found", "rem_rectified_of"),
        ("rem_on_time", "rectified_on_time", "rectified", "rem_on_time_of"),
        ("rem_major", "major_cohort_rectified", "major_found", "rem_rectified_of"),
    ),
    strict=True,
):
    with column:
        value = whole[num] / whole[den] if whole[den] else None
        st.metric(t(key, lang), fmt.rate(value), help=t(key + "_help", lang))
        st.caption(t(of, lang, num=fmt.count(whole[num], lang), den=fmt.count(whole[den], lang)))
if whole["cohort_is_young"]:
    st.caption(t("rem_young", lang))

counts = ui.cells(6)
for column, (key, figure) in zip(
    counts,
    (
        ("rem_found", "found"),
        ("rem_rectified", "rectified"),
        ("rem_open", "open_end"),
        ("rem_overdue", "overdue_end"),
        ("rem_carried", "carried_open_end"),
        ("rem_supervised", "supervised_open"),
    ),
    strict=True,
):
    helps = (
        t("rem_carried_help", lang, year=whole["year_start"].year)
        if figure == "carried_open_end"
        else None
    )
    column.metric(
        t(key, lang),
        fmt.count(whole[figure], lang) + t("hazards_unit", lang) * (lang == "zh"),
        help=helps,
    )
counts[-1].caption(t("rem_supervised_of", lang, n=fmt.count(whole["supervised_overdue"], lang)))
if whole["rectify_days_median"] is not None:
    median, p90 = ui.cells(2)
    median.metric(
        t("rem_days_median", lang),
        t("rem_days_value", lang, n=whole["rectify_days_median"]),
        help=t("rem_days_help", lang),
    )
    p90.metric(
        t("rem_days_p90", lang),
        t("rem_days_value", lang, n=whole["rectify_days_p90"]),
        help=t("rem_days_help", lang),
    )

# --- the backlog week by week, and its age -------------------------------------------------------
weekly = views.burndown(view.district, street, first, view.week_end)
st.plotly_chart(
    charts.burndown(
        weekly,
        {k: t(f"rem_burndown_{k}", lang) for k in ("found", "rectified", "open", "overdue")},
        lang,
        f"{place} · {t('rem_burndown_title', lang)}",
        ui.chart_note(view, period, t("hazards_unit", lang)),
    ),
    width="stretch",
)
rows_level = ui.rows_word(view)
left, right = st.columns(2)
with left:
    aged = views.ageing(level, view.district, street, view.week_end)
    st.plotly_chart(
        charts.ageing(
            aged,
            "group_name",
            lambda bucket: t("rem_age", lang, bucket=bucket),
            t("rem_ageing_title", lang, level=rows_level),
            ui.chart_note(
                view, fmt.day(whole["window_last"], lang), t("hazards_unit", lang), sep="<br>"
            ),
        ),
        width="stretch",
    )
with right:
    st.plotly_chart(
        charts.days(
            places["group_name"].to_list(),
            places["rectify_days_median"].to_list(),
            places["rectify_days_p90"].to_list(),
            {"median": t("rem_median", lang), "p90": t("rem_p90", lang)},
            t("rem_days_title", lang, level=rows_level),
            ui.chart_note(view, period, t("rem_days_unit", lang), sep="<br>"),
        ),
        width="stretch",
    )

# --- place by place ------------------------------------------------------------------------------
st.subheader(t("rem_table_title", lang))
st.caption(t("rem_table_pick", lang))
filters = [*ui.place_filter(view), (t("rem_window", lang), t("rem_window_weeks", lang, n=weeks))]
clicked = ui.table(
    places,
    (
        Col("group_name", "col_place"),
        Col("found", "col_found", "count"),
        Col("rectified", "col_rectified", "count"),
        Col("cohort_rate", "col_cohort_rate", "rate"),
        Col("cumulative_rate", "col_cumulative_rate", "rate"),
        Col("on_time_rate", "col_on_time_rate", "rate"),
        Col("major_cohort_rate", "col_major_rate", "rate"),
        Col("open_end", "col_open_end", "count"),
        Col("overdue_end", "col_overdue", "count"),
        Col("carried_open_end", "col_carried", "count"),
        Col("rectify_days_median", "col_days_median", "count"),
        Col("rectify_days_p90", "col_days_p90", "count"),
        Col("supervised_open", "col_supervised", "count"),
    ),
    view,
    About(t("remediation", lang), t("rem_table_title", lang), filters, period, view.as_of),
    key="remediation_table",
    height=ui.rows_height(min(places.height, 20)),
    on_select="rerun",
)
# a clicked row opens its unit or street in the drill-down
drill.open_clicked(clicked, view, places["group_code"].to_list())

# --- the supervised major hazards to chase -------------------------------------------------------
st.subheader(t("rem_supervision_title", lang))
follow = views.supervised(view.district, street, view.week_end)
# the list is the chosen street's: its file says so (the other tables are the unit's)
follow_filters = [*filters, (t("rem_street", lang), place)] if street else filters
if follow.is_empty():
    ui.empty(t("rem_supervision_none", lang))
else:
    st.caption(
        t(
            "rem_supervision_count",
            lang,
            n=fmt.count(follow["listed_of"][0], lang),
            day=fmt.day(whole["window_last"], lang),
        )
    )
    st.caption(t("rem_supervision_pick", lang))
    clicked = ui.table(
        ui.named(
            follow, lang, supervision_level="hazards.supervision_level", category="hazards.category"
        ),
        (
            Col("hazard_id", "col_hazard_id"),
            Col("supervision_level_name", "col_supervision"),
            Col("category_name", "col_category"),
            Col("district_name", "filter_district"),
            Col("street_name", "col_street"),
            Col("community_name", "col_community"),
            Col("grid_code", "col_grid"),
            Col("found_date", "col_found_date", "date"),
            Col("deadline", "col_deadline", "date"),
            Col("days_open", "col_days_open", "count"),
            Col("days_overdue", "col_days_overdue", "count"),
        ),
        view,
        About(
            t("remediation", lang),
            t("rem_supervision_title", lang),
            follow_filters,
            fmt.day(whole["window_last"], lang),
            view.as_of,
        ),
        key="supervision_table",
        height=ui.rows_height(min(follow.height, 15)),
        on_select="rerun",
    )
    # a clicked hazard opens its grid in the drill-down
    drill.open_clicked(clicked, view, follow["grid_code"].to_list())

# --- whistle calls -------------------------------------------------------------------------------
st.subheader(t("rem_whistle_title", lang))
calls = views.whistle(
    "city" if not view.district else "district",
    view.district,
    whole["window_first"],
    whole["window_last"],
)
if calls.is_empty():
    ui.empty(t("rem_whistle_none", lang))
else:
    total = calls.row(0, named=True)
    st.markdown(
        t(
            "rem_whistle_summary",
            lang,
            calls=fmt.count(total["calls"], lang),
            within=fmt.rate(total["within_promise_share"]),
            pending=fmt.count(total["pending"], lang),
            resolved=fmt.rate(total["resolution_rate"]),
            pending_resolution=fmt.count(total["pending_resolution"], lang),
        )
    )
    for by, what in (("department", "rem_departments"), ("district", "rem_districts")):
        if by == "district" and view.district:
            continue
        rows = views.whistle(by, view.district, whole["window_first"], whole["window_last"])
        rows = (
            ui.named(rows, lang, group_code="whistle_calls.department")
            if by == "department"
            else rows.with_columns(group_code_name=rows["group_name"])
        )
        ranked = rows.filter(rows["calls"] >= views.MIN_CALLS).sort("within_promise_share")
        st.plotly_chart(
            common.bars_side_by_side(
                ranked["group_code_name"].to_list(),
                [
                    common.series(
                        t("rem_whistle_within", lang),
                        ranked["within_promise_share"],
                        ACCENT,
                        fmt.rate,
                    ),
                    common.series(
                        t("rem_whistle_resolved", lang), ranked["resolution_rate"], SECOND, fmt.rate
                    ),
                ],
                f"{t('rem_whistle_title', lang)} · {t('rem_whistle_by_' + by, lang)}",
                ui.chart_note(view, period, "%", sep="<br>"),
                rate=True,
            ),
            width="stretch",
        )
        if ranked.height < rows.height:
            st.caption(t("rem_whistle_few", lang, n=views.MIN_CALLS, what=t(what, lang)))
        ui.table(
            rows,
            (
                Col("group_code_name", "col_group"),
                Col("calls", "col_calls", "count"),
                Col("pending", "col_pending", "count"),
                Col("within_promise_share", "col_within_share", "rate"),
                Col("arrival_hours_median", "col_arrival_median", "number", 1),
                Col("arrival_hours_p90", "col_arrival_p90", "number", 1),
                Col("resolution_rate", "col_resolution_rate", "rate"),
                Col("unresolved", "col_unresolved", "count"),
            ),
            view,
            About(
                t("remediation", lang),
                t("rem_whistle_title", lang) + " · " + t("rem_whistle_by_" + by, lang),
                filters,
                period,
                view.as_of,
            ),
            key=f"whistle_{by}",
        )

ui.footer(view)
