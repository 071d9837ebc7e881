"""The drill-down's frame: which place is shown (from a link, a click, the sidebar), the way back
up, the search, and how a place's figure reads against its parent and the places beside it.

The place lives in the URL (`?place=410105001002&week=2026-W48`). A place from a link or a click
wins, and the sidebar's unit follows it; a unit chosen in the sidebar takes the page to that unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
import streamlit as st

from safetynet.app import escape, fmt, link, ui, views
from safetynet.app.export import Col
from safetynet.app.labels import Figure, t
from safetynet.app.views import Place
from safetynet.weeks import week_key

PAGE = "pages/drill.py"
_SEEN = "_drill_seen"  # (place, sidebar unit) as the last run of the page left them
_NOTICE = "_drill_notice"  # a warning to show after the rerun that put the sidebar right
# A code from a link that names no place: the levels above it are tried, longest code first.
CODE_LENGTHS = (12, 9, 6)


def current_place(view: ui.View) -> Place:
    """The place to show, with the sidebar's unit made to agree with it.

    Reruns once when a link or a click chose a place outside the sidebar's unit, so that the
    sidebar shows the place's unit."""
    code = link.follow("place", view.district or views.CITY_CODE)
    place = views.place(code or view.district or views.CITY_CODE)
    if place is None:
        place = nearest(code)
        _notice(f"{t('bad_place', view.lang)} {link.quote(code)}")
    seen = st.session_state.get(_SEEN)
    if seen and seen[0] == place.code and seen[1] != view.district:
        # the visitor chose another unit in the sidebar: go there
        place = views.place(view.district or views.CITY_CODE) or _city()
    elif place.district != view.district:
        given = st.query_params.get("district")
        if given and seen is None and place.district:
            _notice(t("drill_other_unit", view.lang, unit=place.steps[1].name(view.lang)))
        st.session_state["place"] = place.code
        st.session_state[_SEEN] = (place.code, place.district)
        st.query_params["district"] = place.district
        st.query_params["place"] = place.code
        st.rerun()
    st.session_state["place"] = place.code
    st.session_state[_SEEN] = (place.code, view.district)
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.warning(notice)
    return place


def _notice(text: str) -> None:
    st.session_state[_NOTICE] = text


def _city() -> Place:
    return Place((views.CITY_STEP,))


def nearest(code: str) -> Place:
    """The place nearest to a code that names none: the first of the places above it (by the
    code's leading digits) that exists, else the city."""
    for length in CODE_LENGTHS:
        if len(code) > length and code[:length].isdigit():
            found = views.place(code[:length])
            if found is not None:
                return found
    return _city()


def params(place: Place, view: ui.View) -> dict[str, str]:
    """The link that opens a place here, in the same language and week."""
    return link_to(place.code, place.district, view)


def link_to(code: str, district: str, view: ui.View) -> dict[str, str]:
    """The link that opens the place `code` of the unit `district` ('' for the city) here."""
    return {"lang": view.lang, "week": week_key(view.week), "district": district, "place": code}


def breadcrumb(place: Place, view: ui.View) -> None:
    """郑州市 › 金水区 › 丰产路街道 › …: every step above the place is a link back up."""
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    for i, step in enumerate(place.steps):
        name = step.name(view.lang)
        if i:
            row.markdown("›")
        if i == len(place.steps) - 1:
            row.markdown(f"**{escape.markdown(name)}**")
        else:
            row.page_link(PAGE, label=name, query_params=params(Place(place.steps[: i + 1]), view))


def search(view: ui.View) -> None:
    """A box that finds a street, community or grid by name or code, each found place a link
    with its path (names repeat across units)."""
    text = st.text_input(
        t("drill_search", view.lang),
        key="drill_search",
        help=t("drill_search_help", view.lang),
        icon=":material/search:",
        max_chars=40,
    ).strip()
    if not text:
        return
    found = views.search(text)
    if found.is_empty():
        ui.empty(t("drill_search_none", view.lang, text=text))
        return
    if found["matches"][0] > found.height:
        st.caption(t("drill_search_more", view.lang, n=found["matches"][0], shown=found.height))
    for row in found.iter_rows(named=True):
        path = (row[f"district_{view.lang}"], row["street_zh"], row["community_zh"],
                row[f"name_{view.lang}"])  # fmt: skip
        st.page_link(
            PAGE,
            label=" › ".join(name for name in path if name),
            query_params=link_to(row["place_code"], row["district_code"], view),
        )


def path_text(place: Place, lang: str) -> str:
    """'金水区 › 丰产路街道 › 杏花社区': a place and the places above it, below the city."""
    return " › ".join(step.name(lang) for step in place.steps[1:])


def level_name(level: str, lang: str) -> str:
    """A level's name inside a sentence: 街道（乡镇）, street / town."""
    name = t(f"level_{level}", lang)
    return name if lang == "zh" else name.lower()


def ranked(rows: pl.DataFrame, figure: Figure) -> pl.DataFrame:
    """The rows with a figure's value, the worst first (for a figure with no worse side, such
    as new hazards: the most first)."""
    return rows.filter(pl.col(figure.key).is_not_null()).sort(
        [figure.key, "place_code"], descending=[figure.worse_when != "down", False]
    )


def against(
    figure: Figure, place: Place, siblings: pl.DataFrame, parent: dict | None, lang: str
) -> str:
    """How a place's figure reads against its parent and the places beside it:
    '金水区：4.2% · 同级17个中第3（0.0%—9.1%）'."""
    parts = []
    if parent is not None and place.parent is not None:
        value = ui.figure_text(figure, parent[figure.key], lang)
        parts.append(t("drill_against", lang, parent=place.parent.name(lang), value=value))
    order = ranked(siblings, figure)
    mine = order.filter(place_code=place.code)
    if order.height > 1 and mine.height:
        value = mine[figure.key][0]
        worse = (
            order[figure.key] < value if figure.worse_when == "down" else order[figure.key] > value
        )
        parts.append(
            t(
                "drill_rank",
                lang,
                rank=int(worse.sum()) + 1,  # places level with it share its rank
                n=order.height,
                low=ui.figure_text(figure, order[figure.key].min(), lang),
                high=ui.figure_text(figure, order[figure.key].max(), lang),
            )
        )
    return " · ".join(parts)


def risk_text(row: dict, lang: str) -> str:
    """'中 · 4.26', or a dash where there is no index (a grid)."""
    if row["risk"] is None:
        return "—"
    return f"{row['risk_class_' + lang]} · {row['risk']:.2f}"


def day_of(view: ui.View) -> str:
    """The Sunday a week's stocks are read on, as the page writes it."""
    return fmt.day(view.week_end, view.lang)


CHART_ROWS = 15  # the chart of the places below shows the most overdue this many


def most_overdue(rows: pl.DataFrame) -> pl.DataFrame:
    """The places below with the most overdue hazards, then the most open, for the chart; places
    with no open hazard are left out (the table lists them)."""
    return (
        rows.filter(pl.col("open_hazards") > 0)
        .sort(["overdue", "open_hazards", "place_code"], descending=[True, True, False])
        .head(CHART_ROWS)
    )


_CHILD_FIGURES = (
    Col("new_hazards", "col_new", "count"),
    Col("open_hazards", "col_open", "count"),
    Col("major_open", "col_major_open", "count"),
    Col("overdue", "col_overdue", "count"),
    Col("rectification_rate", "col_rect_rate", "rate"),
    Col("on_time_rate", "col_on_time_rate", "rate"),
    Col("compliance_rate", "col_compliance", "rate"),
)


def child_columns(level: str) -> tuple[Col, ...]:
    """The columns of the table of places below: their name, risk class (grids have none) and
    the core figures."""
    risk = () if level == "grid" else (Col("risk_class_{lang}", "drill_risk"),)
    return (Col("name_{lang}", "col_name"), *risk, *_CHILD_FIGURES)


WORST_COLUMNS = (
    Col("name_zh", "col_community"),
    Col("street_name", "col_street"),
    Col("overdue", "col_overdue", "count"),
    Col("open_hazards", "col_open", "count"),
    Col("supervised_open", "col_supervised_open", "count"),
)


_HAZARD_TAIL = (
    Col("category_name", "col_category"),
    Col("severity_name", "col_severity"),
    Col("found_date", "col_found_date", "date"),
    Col("deadline", "col_deadline", "date"),
    Col("days_open", "col_days_open", "count"),
    Col("days_overdue", "col_days_overdue", "count"),
    Col("supervision_level_name", "col_supervision"),
    Col("source_name", "col_source"),
)
# The hazard list names the places below the one shown: a street's list its communities and grids.
HAZARD_COLUMNS = {
    "street": (Col("hazard_id", "col_hazard_id"), Col("community_zh", "col_community"),
               Col("grid_{lang}", "col_grid"), *_HAZARD_TAIL),
    "community": (Col("hazard_id", "col_hazard_id"), Col("grid_{lang}", "col_grid"), *_HAZARD_TAIL),
    "grid": (Col("hazard_id", "col_hazard_id"), *_HAZARD_TAIL),
}  # fmt: skip


def named_hazards(rows: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The hazard list with its enumerations named."""
    return ui.named(
        rows, lang, category="hazards.category", severity="hazards.severity",
        supervision_level="hazards.supervision_level", source="hazards.source",
    )  # fmt: skip


def team_text(grid: dict, lang: str) -> str:
    """The grid's emergency team: a full-time group, a squad, both or none."""
    teams = [
        t(key, lang)
        for key, has in (
            ("drill_team_group", grid["has_group"]),
            ("drill_team_squad", grid["has_squad"]),
        )
        if has
    ]
    return "、".join(teams) if teams else t("drill_team_none", lang)


def weeks_span(weeks: pl.DataFrame, lang: str) -> str:
    """'2026年第41周—2026年第48周': the weeks a grid's patrol chart covers."""
    first, last = weeks.row(0, named=True), weeks.row(-1, named=True)
    return (
        f"{fmt.week(first['iso_year'], first['iso_week'], lang)}—"
        f"{fmt.week(last['iso_year'], last['iso_week'], lang)}"
    )


def open_clicked(event: Mapping | None, view: ui.View, codes: Sequence[str] = ()) -> None:
    """Open the place a click picked here, from any page (a map, a chart or a table; `codes` are
    the codes of its rows, as ui.clicked_code takes them). Call it in the page's run with the
    selection, not in a callback; no click, or an unknown code, does nothing."""
    code = ui.clicked_code(event, codes)
    place = views.place(code) if code else None
    if place is not None:
        st.switch_page(PAGE, query_params=params(place, view))
