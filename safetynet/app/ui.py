"""The shared frame of every page: language, week and district, kept in the URL so a view is a link.

The sidebar widgets live in app.py's run, before the page, so their values survive page changes;
each run writes them back to st.query_params (?lang=en&week=2026-W48&district=410102).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st

from safetynet.app import fmt, views
from safetynet.app.labels import LANGS, Figure, t
from safetynet.weeks import parse_week_key, week_key

LANG_NAMES = {"zh": "中文", "en": "English"}
# st.metric colours a rise green under "normal"; "inverse" when a rise is bad, "off" when neither.
DELTA_COLOUR = {"up": "inverse", "down": "normal", "": "off"}


@dataclass(frozen=True)
class View:
    lang: str
    week: date  # Monday of the chosen ISO week
    district: str  # a unit's code, or views.CITY
    iso_year: int
    iso_week: int
    week_end: date

    @property
    def week_label(self) -> str:
        return fmt.week(self.iso_year, self.iso_week, self.lang)


def _from_link(key: str, allowed: list[str], default: str, warning: str | None = None) -> None:
    """Seed a widget's state from the URL once per session; a bad value falls back, with a word."""
    if key in st.session_state:
        return
    value = st.query_params.get(key, default)
    if value not in allowed:
        if warning:
            st.session_state[f"_{key}_warning"] = f"{warning} {value!r}"
        value = default
    st.session_state[key] = value


def sidebar() -> View:
    _from_link("lang", list(LANGS), "zh")
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
    _from_link("week", keys, keys[0], t("bad_week", lang))
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
    _from_link("district", codes, views.CITY, t("bad_district", lang))
    whole_city = t("whole_city", lang)
    district = st.sidebar.selectbox(
        t("district", lang), codes, key="district", format_func=lambda c: names.get(c, whole_city)
    )
    for key in ("week", "district"):
        if warning := st.session_state.pop(f"_{key}_warning", None):
            st.sidebar.warning(warning)
    _to_link(lang, chosen, district)

    row = weeks.row(keys.index(chosen), named=True)
    return View(
        lang, parse_week_key(chosen), district, row["iso_year"], row["iso_week"], row["week_end"]
    )


def _to_link(lang: str, week: str, district: str) -> None:
    wanted = {"lang": lang, "week": week} | ({"district": district} if district else {})
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def place_name(view: View) -> str:
    if not view.district:
        return "郑州市" if view.lang == "zh" else "Zhengzhou"
    units = views.districts().filter(district_code=view.district)
    return units["name_zh" if view.lang == "zh" else "name_en"][0]


def footer(view: View) -> None:
    info = views.build_info()
    parts = [
        f"{t('data_as_of', view.lang)} {fmt.day(info['as_of'], view.lang)}",
        f"{t('built_at', view.lang)} {info['built_at']:%Y-%m-%d %H:%M}",
    ]
    st.caption(" · ".join(parts))
    if info["source"] == "demo":
        st.caption(t("demo_notice", view.lang))


def remember(view: View) -> None:
    """Hand the sidebar's view to the page that runs next."""
    st.session_state["_view"] = view


def current_view() -> View:
    return st.session_state["_view"]


def this_and_last_week(rows: pl.DataFrame) -> tuple[dict, dict | None]:
    """The chosen week's figures and, when the history has it, the week before's."""
    records = rows.to_dicts()
    return records[0], (records[1] if len(records) > 1 else None)


def metric(figure: Figure, now: dict, before: dict | None, lang: str) -> None:
    """One headline figure with its change against last week; rates show their denominator."""
    value, previous = now[figure.key], (before or {}).get(figure.key)
    if figure.rate:
        shown = fmt.rate(value)
        delta = fmt.signed_points(value - previous, lang) if None not in (value, previous) else None
    else:
        shown = fmt.count(value, lang) + (figure.unit(lang) if lang == "zh" else "")
        delta = fmt.signed_count(value - previous, lang) if previous is not None else None
    st.metric(
        figure.name(lang),
        shown,
        delta=f"{delta} {t('vs_last_week', lang)}" if delta else None,
        delta_color=DELTA_COLOUR[figure.worse_when],
        help=figure.definition(lang),
    )
    if figure.key == "rectification_rate":
        st.caption(t("denominator_rect", lang, num=fmt.count(now["ytd_rectified"], lang),
                     den=fmt.count(now["ytd_found"], lang), year=now["iso_year"]))  # fmt: skip
    elif figure.key == "compliance_rate":
        st.caption(t("denominator_comp", lang, num=fmt.count(now["items_compliant"], lang),
                     den=fmt.count(now["items_checked"], lang)))  # fmt: skip
