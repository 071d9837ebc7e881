"""下钻 Drill-down: from the city to one unit, street, community and grid, and the hazards still
open there; the inspector's way down, by click, by search or by link."""

from functools import partial

import streamlit as st

from safetynet.app import drill, fmt, ui, views
from safetynet.app.charts import common
from safetynet.app.charts import drill as charts
from safetynet.app.colours import ACCENT, MUTED
from safetynet.app.export import About
from safetynet.app.labels import FIGURES, ON_TIME_RATE, t
from safetynet.warehouse.vocabulary import LABELS, label

view = ui.current_view()
lang = view.lang
place = drill.current_place(view)
here = place.steps[-1].name(lang)
ui.header(view, "drill", place=here)
drill.breadcrumb(place, view)
drill.search(view)

# --- the place's figures against its parent and the places beside it ------------------------------
st.subheader(t("drill_figures", lang))
siblings = views.siblings(place, view.week)
own = siblings.filter(place_code=place.code).row(0, named=True)
parent = views.parent_row(place, view.week)
figures = (*FIGURES, ON_TIME_RATE)
cells = ui.cells(len(figures) + (place.level != "grid"), width=150)  # a grid has no risk index
for column, figure in zip(cells, figures, strict=False):
    with column:
        st.metric(
            figure.name(lang), ui.figure_text(figure, own[figure.key], lang),
            help=figure.definition(lang),
        )  # fmt: skip
        if place.parent:
            st.caption(drill.against(figure, place, siblings, parent, lang))
if place.level != "grid":
    with cells[-1]:
        st.metric(
            t("drill_risk", lang), drill.risk_text(own, lang), help=t("drill_risk_help", lang)
        )
if place.parent:
    st.caption(t("drill_rank_note", lang, level=drill.level_name(place.level, lang)))

# --- one level down -------------------------------------------------------------------------------
place_filter = [
    *ui.place_filter(view),
    (t("drill_place", lang), drill.path_text(place, lang) or here),
]
if place.level in views.CHILD_LEVEL:
    child = views.CHILD_LEVEL[place.level]
    child_level = drill.level_name(child, lang)
    rows = views.children(place, view.week)
    st.subheader(t("drill_children", lang, level=t(f"level_{child}", lang)))
    worst = drill.most_overdue(rows)
    if worst.is_empty():
        ui.empty(t("drill_chart_none", lang, level=child_level, day=drill.day_of(view)))
    else:
        names = worst["name_" + lang].to_list()
        st.plotly_chart(
            common.bars_side_by_side(
                names,
                [
                    common.series(t("col_overdue", lang), worst["overdue"], ACCENT, str),
                    common.series(t("col_open", lang), worst["open_hazards"], MUTED, str),
                ],
                t("drill_chart_title", lang, level=t(f"level_{child}", lang), n=worst.height),
                ui.chart_note(view, view.period, t("hazards_unit", lang), sep="<br>"),
            ),
            width="stretch",
            key="drill_chart",
            on_select=ui.pick("drill_chart", "place", worst["place_code"].to_list()),
            selection_mode="points",
        )
    st.caption(t("drill_children_note", lang, level=child_level))
    ui.table(
        rows,
        drill.child_columns(child),
        view,
        About(t("drill", lang), t("drill_children", lang, level=child_level), place_filter,
              view.period, view.as_of),
        key="drill_children",
        height=ui.rows_height(min(rows.height, 15)),
        on_select=ui.pick("drill_children", "place", rows["place_code"].to_list()),
    )  # fmt: skip

# --- a unit: every community with overdue hazards, the quickest way to them -----------------------
if place.level == "district":
    worst = views.overdue_communities(place.code, view.week)
    st.subheader(t("drill_worst", lang))
    if worst.is_empty():
        ui.empty(t("drill_worst_none", lang, unit=here, week=view.week_label))
    else:
        st.caption(t("drill_worst_note", lang, unit=here))
        ui.table(
            worst,
            drill.WORST_COLUMNS,
            view,
            About(t("drill", lang), t("drill_worst", lang), place_filter, view.period, view.as_of),
            key="drill_worst",
            height=ui.rows_height(min(worst.height, 10)),
            on_select=ui.pick("drill_worst", "place", worst["place_code"].to_list()),
        )

# --- a grid: its people, teams and patrols --------------------------------------------------------
if place.level == "grid":
    st.subheader(t("drill_grid", lang))
    weeks = views.grid_patrols(place.code, view.week)
    grid = weeks.row(0, named=True)
    checked, compliant = weeks["items_checked"].sum(), weeks["items_compliant"].sum()
    # the type as a line of its own: "Community grid" does not fit a phone's metric
    st.caption(
        ui.labelled("drill_grid_type", label("grids.grid_type", grid["grid_type"], lang), lang)
    )
    facts = (
        (t("drill_households", lang), str(grid["households"])),
        (t("drill_workers", lang), str(grid["workers"])),
        (t("drill_team", lang), drill.team_text(grid, lang)),
        (t("drill_patrols_8w", lang), str(weeks["patrols"].sum())),
        (t("drill_compliance_8w", lang), fmt.rate(compliant / checked if checked else None)),
    )
    for column, (name, value) in zip(ui.cells(len(facts)), facts, strict=True):
        column.metric(name, value)
    st.plotly_chart(
        charts.patrols(
            weeks, lang, t("drill_patrols_title", lang),
            ui.chart_note(view, drill.weeks_span(weeks, lang), t("drill_patrols_unit", lang),
                          sep="<br>"),
        ),
        width="stretch",
    )  # fmt: skip

# --- a street, community or grid: the hazards still open, to follow up ----------------------------
if place.level in ("street", "community", "grid"):
    st.subheader(t("drill_hazards", lang))
    everything = t("drill_all", lang)

    def chosen(column: str, key: str) -> str:
        """A filter's choice as shown: its name, or "all" for none."""
        return label(column, key, lang) if key else everything

    categories = ["", *LABELS["hazards.category"]]
    severities = ["", *LABELS["hazards.severity"]]
    ui.choice("category", categories, "", lang)
    ui.choice("severity", severities, "", lang)
    ui.choice("overdue", ["False", "True"], "False", lang, state=lambda v: v == "True")
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    category = left.selectbox(
        t("drill_filter_category", lang), categories, key="category",
        format_func=partial(chosen, "hazards.category"),
    )  # fmt: skip
    severity = middle.selectbox(
        t("drill_filter_severity", lang), severities, key="severity",
        format_func=partial(chosen, "hazards.severity"),
    )  # fmt: skip
    overdue = right.toggle(t("drill_filter_overdue", lang), key="overdue")
    hazards = drill.named_hazards(
        views.open_hazards(place, view.week, category, severity, overdue), lang
    )
    filters = [
        *place_filter,
        (t("drill_filter_category", lang), chosen("hazards.category", category)),
        (t("drill_filter_severity", lang), chosen("hazards.severity", severity)),
        (t("drill_filter_overdue", lang), t("yes" if overdue else "no", lang)),
    ]  # fmt: skip
    day = drill.day_of(view)
    if hazards.is_empty():
        ui.empty(t("drill_hazards_none", lang, place=here, day=day))
    else:
        st.caption(t("drill_hazards_note", lang, day=day, n=hazards.height))
        ui.table(
            hazards,
            drill.HAZARD_COLUMNS[place.level],
            view,
            About(t("drill", lang), t("drill_hazards", lang), filters, day, view.as_of),
            key="drill_hazards",
            height=ui.rows_height(min(hazards.height, 15)),
        )

ui.footer(view)
