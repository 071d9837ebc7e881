"""The shared frame of every page: the sidebar's language, week and district, and the pieces every
page lays out the same way (headline figures, chart notes, empty states, tables with downloads).

The sidebar widgets live in app.py's run, before the page, so their values survive page changes;
they and each page's own choices are kept in the URL (safetynet/app/link.py), so a view is a link.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

import polars as pl
import streamlit as st

from safetynet.analytics.metrics import RISK_CLASS_BOUNDS, RISK_CLASSES
from safetynet.app import escape, export, fmt, link, navigation, stale, views
from safetynet.app.colours import Classes
from safetynet.app.export import About, Col
from safetynet.app.labels import LANGS, Figure, t
from safetynet.app.maps import Legend
from safetynet.warehouse.vocabulary import label
from safetynet.weeks import parse_week_key, week_key

LANG_NAMES = {"zh": "中文", "en": "English"}
# st.metric colours a rise green under "normal"; "inverse" when a rise is bad, "off" when neither.
DELTA_COLOUR = {"up": "inverse", "down": "normal", "": "off"}
SPARK_WEEKS = 12


@dataclass(frozen=True)
class View:
    lang: str
    week: date  # Monday of the chosen ISO week
    district: str  # a unit's code, or views.CITY
    iso_year: int
    iso_week: int
    week_end: date
    as_of: date  # the warehouse's as-of date

    @property
    def week_label(self) -> str:
        return fmt.week(self.iso_year, self.iso_week, self.lang)

    @property
    def period(self) -> str:
        """'2026年第48周（11月23日—11月29日）'."""
        return self.week_label + fmt.aside(
            fmt.week_span(self.week, self.week_end, self.lang), self.lang
        )

    @property
    def names(self) -> str:
        """The column of place names in the chosen language."""
        return "name_zh" if self.lang == "zh" else "name_en"

    @property
    def month(self) -> date:
        """First day of the month the chosen week ends in (the risk index is monthly)."""
        return self.week_end.replace(day=1)

    @property
    def place(self) -> str:
        """The chosen unit's code, or the city's."""
        return self.district or views.CITY_CODE


def sidebar() -> View:
    link.start_run()
    rejected_lang = link.choose("lang", LANGS, "zh")
    brand = st.sidebar.container()  # filled once the language is known, above the controls
    lang = st.sidebar.radio(
        t("language", "zh") + " / Language",
        LANGS,
        key="lang",
        format_func=LANG_NAMES.__getitem__,
        horizontal=True,
    )
    brand.markdown(f"### {t('brand', lang)}")
    brand.caption(t("tagline", lang))
    weeks = views.weeks()
    keys = [week_key(d) for d in weeks["week_start"]]
    rejected = {"lang": rejected_lang, "week": link.choose("week", keys, keys[0])}
    labels = {
        key: fmt.week(y, w, lang) + fmt.aside(fmt.week_span(s, e, lang), lang)
        for key, y, w, s, e in zip(
            keys, weeks["iso_year"], weeks["iso_week"], weeks["week_start"], weeks["week_end"],
            strict=True,
        )
    }  # fmt: skip
    chosen = st.sidebar.selectbox(t("week", lang), keys, key="week", format_func=labels.__getitem__)

    units = views.districts()
    names = dict(
        zip(units["district_code"], units["name_zh" if lang == "zh" else "name_en"], strict=True)
    )
    codes = [views.CITY, *names]
    rejected["district"] = link.choose("district", codes, views.CITY)
    whole_city = t("whole_city", lang)
    district = st.sidebar.selectbox(
        t("district", lang), codes, key="district", format_func=lambda c: names.get(c, whole_city)
    )
    for key, value in rejected.items():
        if value is not None:
            st.sidebar.warning(f"{t('bad_' + key, lang)} {link.quote(value)}")
    link.write(keep_page=True)  # the page reads its own choices from the URL after this

    row = weeks.row(keys.index(chosen), named=True)
    return View(
        lang,
        parse_week_key(chosen),
        district,
        row["iso_year"],
        row["iso_week"],
        row["week_end"],
        views.build_info()["as_of"],
    )


def on_phone() -> bool:
    """Whether the visitor's browser says it is a phone ("Mobi" in its user agent, as MDN
    advises): maps then fit the city into a phone's width, which the server cannot measure."""
    return "Mobi" in st.context.headers.get("User-Agent", "")


def place_name(view: View) -> str:
    if not view.district:
        return t("city_name", view.lang)
    units = views.districts().filter(district_code=view.district)
    return units["name_zh" if view.lang == "zh" else "name_en"][0]


def header(view: View, page_key: str, period: str | None = None, place: str | None = None) -> None:
    """The page title (place · page: the view's place unless one is given), the period it
    shows, and a warning when the data is old."""
    st.title(f"{escape.markdown(place or place_name(view))} · {t(page_key, view.lang)}")
    st.caption(labelled("period", period or view.period, view.lang))
    _stale_banner(view, page_key)


def _stale_banner(view: View, page_key: str) -> None:
    """A warning when the served data's as-of date lies more than SAFETYNET_STALE_DAYS (14) days
    before today, with a link to the data page (数据), which says where the data came from and
    how to import new data. Never for the demo city, whose date is fixed on purpose."""
    info = views.build_info()
    days = stale.days_stale(info["as_of"], info["source"])
    if days is None:
        return
    lang = view.lang
    day = fmt.day(info["as_of"], lang)
    st.warning(t("stale_banner", lang, day=day, days=days, limit=stale.stale_limit()), icon="⚠️")
    if page_key != "data":
        st.page_link(
            "pages/data.py",
            label=t("stale_open_data", lang),
            icon=":material/database:",
            query_params={"lang": lang},  # the week and district stay as the session holds them
        )


def rows_word(view: View) -> str:
    """What a chart's rows are, inside a sentence: 区县 / 街道（乡镇）, district / street / town."""
    return t("level_street" if view.district else "level_district", view.lang).lower()


def labelled(key: str, value: str, lang: str) -> str:
    """'统计期：…' / 'Period: …'."""
    return f"{t(key, lang)}{'：' if lang == 'zh' else ': '}{value}"


def chart_note(view: View, period: str, unit: str = "", sep: str = " · ") -> str:
    """What a chart's subtitle (or the line under a map) says: its unit, its period and the as-of
    date. Plotly subtitles do not wrap, so charts pass sep="<br>" to put the date on a line of its
    own."""
    parts = [labelled("unit", unit, view.lang)] if unit else []
    parts.append(labelled("period", period, view.lang))
    return " · ".join(parts) + sep + as_of_text(view)


def as_of_text(view: View) -> str:
    return f"{t('data_as_of', view.lang)} {fmt.day(view.as_of, view.lang)}"


def note(view: View, period: str, unit: str = "") -> None:
    st.caption(chart_note(view, period, unit))


def snapshot_note(view: View) -> None:
    """Say so when a page shows the as-of date's state while an older week is chosen."""
    latest = views.weeks().row(0, named=True)["week_start"]
    if view.week != latest:
        st.caption(t("snapshot_note", view.lang, week=view.week_label))


def span(first: date, last: date, lang: str) -> str:
    """A period of days: one day, or '2025年11月30日—2026年11月29日'."""
    return (
        fmt.day(first, lang) if first == last else f"{fmt.day(first, lang)}—{fmt.day(last, lang)}"
    )


def empty(message: str) -> None:
    """An empty state that says why there is nothing to show, where a chart would be."""
    st.info(message, icon="ℹ️")


def footer(view: View) -> None:
    info = views.build_info()
    # built_at is kept in UTC; the city reads Beijing time, as the data page shows every time
    parts = [as_of_text(view), f"{t('built_at', view.lang)} {fmt.moment(info['built_at'])}"]
    st.caption(" · ".join(parts))
    if stale.is_demo(info["source"]):
        st.caption(t("demo_notice", view.lang))
    link.write()  # the page's own choices join the URL


def remember(view: View) -> None:
    """Hand the sidebar's view to the page that runs next."""
    st.session_state["_view"] = view


def current_view() -> View:
    """The view app.py's sidebar chose for this run.

    A fresh server runs a page's file on its own when its first visitor opens that page's URL
    (until st.navigation is first called, Streamlit takes a pages/ folder for an old-style app):
    then declare the navigation and run again, this time through app.py, on the same URL.
    """
    if "_view" not in st.session_state:
        navigation.set_page()
        st.navigation(navigation.pages("zh"), position="hidden")
        st.rerun()
    return st.session_state["_view"]


def this_and_last_week(rows: pl.DataFrame) -> tuple[dict, dict | None]:
    """The chosen week's figures and, when the history has it, the week before's (rows newest
    first)."""
    records = rows.to_dicts()
    return records[0], (records[1] if len(records) > 1 else None)


def figure_text(figure: Figure, value: float | None, lang: str) -> str:
    """A headline figure as shown: 97.7% for a rate, 2408处 (1.23万处) for a count."""
    if figure.rate:
        return fmt.rate(value)
    return fmt.count(value, lang) + (
        figure.unit(lang) if lang == "zh" and value is not None else ""
    )


def metric(
    figure: Figure, now: dict, before: dict | None, lang: str, spark: Sequence[float] = ()
) -> None:
    """One headline figure with its change against last week, a sparkline of the recent weeks,
    and, for a rate, its numerator and denominator."""
    value, previous = now[figure.key], (before or {}).get(figure.key)
    if figure.rate:
        delta = fmt.signed_points(value - previous, lang) if None not in (value, previous) else None
    else:
        delta = fmt.signed_count(value - previous, lang) if previous is not None else None
    st.metric(
        figure.name(lang),
        figure_text(figure, value, lang),
        delta=f"{delta} {t('vs_last_week', lang)}" if delta else None,
        delta_color=DELTA_COLOUR[figure.worse_when],
        help=figure.definition(lang),
        chart_data=[v for v in spark if v is not None] or None,
        chart_type="line",
    )
    if figure.key == "rectification_rate":
        st.caption(t("denominator_rect", lang, num=fmt.count(now["ytd_rectified"], lang),
                     den=fmt.count(now["ytd_found"], lang), year=now["iso_year"]))  # fmt: skip
    elif figure.key == "compliance_rate":
        st.caption(t("denominator_comp", lang, num=fmt.count(now["items_compliant"], lang),
                     den=fmt.count(now["items_checked"], lang)))  # fmt: skip


def figure_unit(figure: Figure, lang: str, per_capita: bool = False) -> str:
    """'处/10万人', '%', 'per 100,000 residents': the unit a figure is shown in."""
    if figure.rate:
        return "%"
    unit = figure.unit(lang) or t("hazards_unit", lang)
    return t("per_100k_unit", lang, unit=unit) if per_capita else unit


def value_formatter(figure: Figure, lang: str) -> Callable[[float | None], str]:
    """How a figure's values read on a chart: 97.7% for a rate, 1,234 or 15.2 for a count."""
    return fmt.rate if figure.rate else (lambda v: fmt.count(v, lang))


def figure_tip(figure: Figure, value: float | None, lang: str, per_capita: bool) -> str:
    """'未整改隐患（每10万常住人口）：15.2' for a map's tooltip."""
    name = figure.name(lang) + (fmt.aside(t("per_100k", lang), lang) if per_capita else "")
    colon = "：" if lang == "zh" else ": "
    return f"{name}{colon}{value_formatter(figure, lang)(value)}"


def choice(
    key: str,
    options: Sequence[str],
    default: str,
    lang: str,
    state: Callable[[str], object] = str,
) -> None:
    """Seed a page widget from the URL (link.page_choice); a value that is not an option falls
    back to the default, with a warning that quotes it safely."""
    rejected = link.page_choice(key, options, default, state)
    if rejected is not None:
        st.warning(f"{t('bad_choice', lang)} {link.quote(rejected)}")


def named(frame: pl.DataFrame, lang: str, **vocabulary: str) -> pl.DataFrame:
    """The frame with a `<column>_name` beside each enumerated column given, e.g.
    named(rows, "zh", category="hazards.category") adds category_name (消防安全 …)."""
    return frame.with_columns(
        pl.col(column)
        .map_elements(lambda key, v=key_of: label(v, key, lang), return_dtype=pl.String)
        .alias(f"{column}_name")
        for column, key_of in vocabulary.items()
    )


def cells(count: int, width: int = 160) -> list:
    """Room for `count` headline figures side by side that wraps on a narrow screen: two to a
    row on a phone (390 px), all in one row on a desktop (st.columns would stack them one by one)."""
    row = st.container(horizontal=True, horizontal_alignment="distribute", gap="medium")
    return [row.container(width=width) for _ in range(count)]


def inside_sentence(inside: views.Inside, unit: str, topic: str, lang: str) -> str:
    """'金水区各社区（村）之间，…的基尼系数为0.213；其不均衡中，23%在街道（乡镇）之间…'."""
    total = inside.theil.total

    def part(x: float | None) -> str:
        return fmt.rate(x / total, 0) if total and x is not None else "—"

    return t(
        "inside_unit_sentence",
        lang,
        unit=escape.markdown(unit),
        topic=topic,
        gini=f"{inside.gini:.3f}",
        between=part(inside.theil.between),
        within=part(inside.theil.within),
    )


def reference_lines(
    row: dict, inside_unit: bool, shown: Callable[[float], str], lang: str
) -> list[tuple[float, str]]:
    """The dashed lines a per-capita chart is read against: the city mean, the unit's own value
    (when it compares a unit's communities) and the norm, where there is one."""
    lines = [(row["city_value"], t("city_mean", lang, value=shown(row["city_value"])))]
    if inside_unit:
        lines.append(
            (row["district_value"], t("unit_mean", lang, value=shown(row["district_value"])))
        )
    if row["norm_value"] is not None:
        lines.append((row["norm_value"], t("norm_line", lang, value=shown(row["norm_value"]))))
    return lines


def share_metric(label: str, num: int, den: int, lang: str, help_text: str | None = None) -> None:
    """A share as a headline figure, with its numerator and denominator under it."""
    st.metric(label, fmt.rate(num / den) if den else "—", help=help_text)
    st.caption(t("cap_of", lang, num=fmt.count(num, lang), den=fmt.count(den, lang)))


def spark_weeks(week: date) -> date:
    """Monday of the first week of a headline figure's sparkline."""
    return week - timedelta(weeks=SPARK_WEEKS - 1)


def table(
    frame: pl.DataFrame,
    cols: Sequence[Col],
    view: View,
    about: About,
    key: str,
    *,
    height: int | str = "auto",
    on_select: str | Callable[[], None] = "ignore",
    shown_rows: int | None = None,
):
    """A table as people read it (the columns' headers and formats) with Excel and CSV downloads
    of the same columns. on_select: a callback for a clicked row (pick). shown_rows:
    show only the first rows (the page says so); the files hold every row."""
    shown = st.dataframe(
        frame.head(shown_rows or frame.height).select(_displayed(c, view.lang) for c in cols),
        hide_index=True,
        column_config={c.column(view.lang): _column_config(c, view.lang) for c in cols},
        height=height,
        key=key,
        on_select=on_select,
        selection_mode="single-row",
        placeholder="—",
    )
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        t("download_excel", view.lang),
        export.to_excel(frame, cols, view.lang, about),
        file_name=export.file_name(about, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        t("download_csv", view.lang),
        export.to_csv(frame, cols, view.lang),
        file_name=export.file_name(about, "csv"),
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    return shown


SIGNAL_COLUMNS = (
    Col("level_{lang}", "col_level"),
    Col("rule_{lang}", "col_rule"),
    Col("place_name", "col_place"),
    Col("district_name", "filter_district"),
    Col("reason_{lang}", "col_reason"),
    Col("weeks_running", "col_weeks_running", "count"),
)


def rows_height(rows: int) -> int:
    """A table's height in pixels that shows `rows` rows without scrolling."""
    return 38 + 35 * rows


def _displayed(col: Col, lang: str) -> pl.Expr:
    """A column as the table shows it: rates in percent (the header says %), the rest as is."""
    column = pl.col(col.column(lang))
    return column * 100 if col.kind == "rate" else column


def _column_config(col: Col, lang: str) -> dict:
    title = col.title(lang)
    if col.kind == "count":
        return st.column_config.NumberColumn(title, format="localized" if lang == "en" else "%d")
    if col.kind == "rate":
        return st.column_config.NumberColumn(t(col.header, lang), format=f"%.{col.digits}f%%")
    if col.kind == "number":
        return st.column_config.NumberColumn(title, format=f"%.{col.digits}f")
    if col.kind == "date":
        return st.column_config.DateColumn(title, format="YYYY-MM-DD")
    return st.column_config.TextColumn(title)


def class_legend(title: str, classes: Classes, text: Callable[[float], str], lang: str) -> Legend:
    """The legend of a classed map: each class's colour and range, and which way is worse."""
    entries = [
        (colour, f"{text(lo)}–{text(hi)}")
        for colour, (lo, hi) in zip(classes.colours(), classes.bounds(), strict=True)
    ]
    return Legend(title, entries, t("darker_worse" if classes.worse else "darker_more", lang))


def legend(about: Legend) -> None:
    """A map's legend under it: colour swatches with their labels (all text escaped)."""
    swatches = "".join(
        f'<span style="white-space:nowrap;margin-right:14px">'
        f'<span style="display:inline-block;width:14px;height:14px;background:{colour};'
        f'border:1px solid #8A8FA0;vertical-align:-2px;margin-right:5px"></span>'
        f"{html.escape(label)}</span>"
        for colour, label in about.entries
    )
    note = f'<span style="color:#5B6270">{html.escape(about.note)}</span>' if about.note else ""
    st.markdown(
        f'<div style="font-size:0.85rem;line-height:1.9"><b>{html.escape(about.title)}</b>'
        f"&nbsp;&nbsp;{swatches}{note}</div>",
        unsafe_allow_html=True,
    )


def coloured_line(colour: str, label: str, text: str) -> None:
    """A line of text with a coloured bar and label in front, e.g. an early-warning signal."""
    st.markdown(
        f'<div style="border-left:6px solid {colour};padding:2px 10px;margin:2px 0">'
        f"<b>{html.escape(label)}</b>&nbsp; {html.escape(text)}</div>",
        unsafe_allow_html=True,
    )


# Where a signal's place opens: the page that follows its rule up.
SIGNAL_PAGE = {
    "rectification_rate": "pages/remediation.py",
    "overdue_major": "pages/remediation.py",
    "new_hazards_surge": "pages/remediation.py",
    "overdue_rising": "pages/remediation.py",
    "flood_supplies": "pages/balance.py",
    "vulnerable_without_helper": "pages/capability.py",
}
SIGNALS_SHOWN = 6
SIGNALS_LISTED = 100  # the table of all signals shows the most severe 100; the files hold all


def signals(rows: pl.DataFrame, view: View) -> None:
    """The current early-warning signals: a count per level, the most severe few, each with its
    reason and a link to the page that follows it up, and all of them in a table."""
    lang = view.lang
    latest = rows.row(0, named=True) if rows.height else None
    week = fmt.week(latest["iso_year"], latest["iso_week"], lang) if latest else view.week_label
    if rows.is_empty():
        empty(t("signals_none", lang, week=week))
        return
    counts = {
        name: rows.filter(level_name=name).height for name in ("red", "orange", "yellow", "blue")
    }
    st.caption(t("signals_summary", lang, week=week, n=rows.height, **counts))
    if latest["week_start"] != view.week:
        st.caption(t("signal_latest_only", lang, week=week))
    suffix = "zh" if lang == "zh" else "en"
    for row in rows.head(SIGNALS_SHOWN).iter_rows(named=True):
        text, go = st.columns([8, 1], vertical_alignment="center")
        with text:
            running = (
                t("signal_running", lang, n=row["weeks_running"]) if row["weeks_running"] else ""
            )
            label = f"{row['level_' + suffix]} · {row['rule_' + suffix]}"
            coloured_line(
                row["level_colour"],
                label,
                " ".join(p for p in (row["reason_" + suffix], running) if p),
            )
        go.page_link(
            SIGNAL_PAGE[row["rule"]],
            label=t("signal_open", lang),
            icon=":material/arrow_forward:",
            query_params=signal_link(row, view),
        )
    with st.expander(t("signals_all", lang, n=rows.height)):
        if rows.height > SIGNALS_LISTED:
            st.caption(t("signals_listed", lang, shown=SIGNALS_LISTED, n=rows.height))
        table(
            rows,
            SIGNAL_COLUMNS,
            view,
            About(t("overview", lang), t("signals", lang), place_filter(view), week, view.as_of),
            key="signals_table",
            shown_rows=SIGNALS_LISTED,
        )


def signal_link(row: dict, view: View) -> dict[str, str]:
    """The view a signal opens: its unit (and street), in the same language and week."""
    params = {"lang": view.lang, "week": week_key(view.week), "district": row["district_code"]}
    if row["street_code"] and SIGNAL_PAGE[row["rule"]] == "pages/remediation.py":
        params["street"] = row["street_code"]  # only the remediation page follows a street
    return params


def place_filter(view: View) -> list[tuple[str, str]]:
    """The sidebar's place as an export's filter line."""
    return [(t("filter_district", view.lang), place_name(view))]


def pick(key: str, target: str, codes: Sequence[str] = ()) -> Callable[[], None]:
    """An on_select callback for a map, chart or table of places: the clicked place's code
    (clicked_code) becomes the choice `target`."""

    def chosen() -> None:
        code = clicked_code(st.session_state[key], codes)
        if code:
            st.session_state[target] = code

    return chosen


def clicked_code(event: Mapping | None, codes: Sequence[str] = ()) -> str | None:
    """The place code a click chose, from what a map, chart or table with on_select="rerun"
    returned: a map object's "code", a chart point's customdata (else its index in `codes`), a
    table row's entry in `codes` (rows count as given, however the visitor sorted them)."""
    selection = (event or {}).get("selection") or {}
    for objects in (selection.get("objects") or {}).values():
        for picked in objects:
            if picked and picked.get("code"):
                return str(picked["code"])
    for point in selection.get("points") or ():
        data = point.get("customdata")
        code = data[0] if isinstance(data, list) and data else data
        if isinstance(code, str) and code:
            return code
        index = point.get("point_index")
        if isinstance(index, int) and 0 <= index < len(codes):
            return codes[index]
    rows = selection.get("rows") or ()
    if rows and 0 <= rows[0] < len(codes):
        return codes[rows[0]]
    return None


def risk_legend(lang: str) -> Legend:
    """The five risk classes with their score ranges, as the risk map colours them."""
    ranges = pairwise([0.0, *RISK_CLASS_BOUNDS, 10.0])
    entries = [
        (c.colour, f"{c.zh if lang == 'zh' else c.en} {lo:g}–{hi:g}")
        for c, (lo, hi) in zip(RISK_CLASSES, ranges, strict=True)
    ]
    return Legend(t("risk_class_legend", lang), entries)


def risk_map_rows(
    units: pl.DataFrame, communities: pl.DataFrame | None, hexes: pl.DataFrame | None, lang: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """The rows the risk map draws, each with its tooltip line: units, communities (none for the
    whole city, where units and hexagons tell the story) and hexagons."""

    def risk_tip(frame: pl.DataFrame) -> pl.Series:
        return pl.Series(
            [
                f"{t('risk_score', lang)} {r:.2f} · {c}" + (f"<br>{w}" if w else "")
                for r, c, w in zip(
                    frame["risk"], frame[f"risk_class_{lang}"], frame[f"why_{lang}"], strict=True
                )
            ],
            dtype=pl.String,
        )

    shown_units = units.with_columns(tip=risk_tip(units))
    names = "name_zh" if lang == "zh" else "name_en"
    shown_communities = (
        communities.with_columns(tip=risk_tip(communities), name=pl.col(names))
        if communities is not None
        else pl.DataFrame(
            schema={c: pl.String for c in ("place_code", "name", "risk_class", "tip")}
            | {"lon": pl.Float64, "lat": pl.Float64}
        )
    )
    if hexes is None:
        return shown_units, shown_communities, None
    tips = [
        t("hex_tip", lang, n=fmt.count(n, lang), major=fmt.count(m, lang), c=fmt.count(c, lang))
        for n, m, c in zip(
            hexes["open_hazards"], hexes["open_major"], hexes["communities"], strict=True
        )
    ]
    return shown_units, shown_communities, hexes.with_columns(tip=pl.Series(tips, dtype=pl.String))
