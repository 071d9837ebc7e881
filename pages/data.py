"""数据 Data: where the data in use comes from and how fresh it is (every table's rows, dates and
last import, the last import's report, the kept versions), and what an import expects (the data
dictionary and the templates). Imports are made on the server with `safetynet import`, never
from the app: every import then goes through the same checks under the same build lock."""

from dataclasses import replace

import streamlit as st

from safetynet.app import data, escape, fmt, ui, views
from safetynet.app.charts import data as charts
from safetynet.app.export import About, Col
from safetynet.app.labels import t
from safetynet.ingest import report
from safetynet.warehouse.aliases import TABLE_NAMES
from safetynet.warehouse.schema import TABLES

# The data is the whole city's: the page names the city whatever unit the sidebar holds.
view = replace(ui.current_view(), district=views.CITY)
lang = view.lang
day = fmt.day(view.as_of, lang)
as_of_day = t("as_of_day", lang, day=day)
ui.header(view, "data", as_of_day)
st.caption(t("data_scope", lang))
st.caption(t("data_how_to_import", lang))
info = views.build_info()
page = t("data", lang)
city = ui.place_filter(view)

# --- freshness of every table --------------------------------------------------------------------
st.subheader(t("data_freshness", lang))
fresh = data.freshness(views.data_freshness(), info, lang)
first = fresh["first_day"].min()
if first is not None:
    st.plotly_chart(
        charts.spans(
            fresh,
            view.as_of,
            lang,
            ui.chart_note(view, ui.span(first, view.as_of, lang), sep="<br>"),
        ),
        width="stretch",
    )
st.caption(t("data_freshness_caption", lang, day=day))
ui.table(
    fresh,
    (
        Col("name_zh", "col_data_table"),
        Col("table_name", "col_data_key"),
        Col("row_count", "col_data_rows", "count"),
        Col("first_day", "col_data_first", "date"),
        Col("last_day", "col_data_last", "date"),
        Col("imported", "col_data_imported"),
        Col("version", "col_data_version"),
        Col("as_of", "col_data_as_of", "date"),
    ),
    view,
    About(page, t("data_freshness", lang), city, as_of_day, view.as_of),
    key="freshness_table",
    height=ui.rows_height(fresh.height),
)
st.caption(t("data_freshness_none", lang))

# --- the last import -----------------------------------------------------------------------------
st.subheader(t("data_import_title", lang))
last = report.latest()
if last is None:
    ui.empty(t("data_import_none", lang, source=data.source_label(info["source"], lang)))
else:
    # Everything in a report comes from the files imported: shown escaped, never as Markdown.
    at = escape.markdown(fmt.moment(str(last.get("at") or "—")))
    if last.get("ok"):
        raw, warehouse = (escape.markdown(str(last.get(k) or "—")) for k in ("raw", "warehouse"))
        st.success(t("data_import_ok", lang, at=at, raw=raw, warehouse=warehouse))
    else:
        problems = data.findings(last)["rows"].sum()
        st.warning(t("data_import_failed", lang, at=at, n=fmt.count(problems, lang)))
    if last.get("workbook"):
        st.caption(t("data_import_workbook", lang, name=escape.markdown(str(last["workbook"]))))
    lines = [str(f["summary"]) for f in last.get("files", []) if f.get("summary")]
    if lines:
        st.markdown(f"**{t('data_import_files', lang)}**")
        st.caption(t("data_import_files_note", lang))
        st.markdown("\n".join(f"- {escape.markdown(line)}" for line in lines))
    found = data.findings(last)
    if found.is_empty():
        ui.empty(t("data_findings_none", lang))
    else:
        st.markdown(f"**{t('data_findings', lang)}**")
        st.caption(t("data_findings_caption", lang, n=fmt.count(found.height, lang)))
        ui.table(
            found,
            (
                Col("file", "col_data_file"),
                Col("sheet", "col_data_sheet"),
                Col("line", "col_data_line", "number", 0),
                Col("header", "col_data_header"),
                Col("value", "col_data_value"),
                Col("problem", "col_data_problem"),
                Col("fix", "col_data_fix"),
                Col("rows", "col_data_count", "count"),
            ),
            view,
            About(page, t("data_findings", lang), city, at, view.as_of),
            key="findings_table",
            height=ui.rows_height(min(found.height, 12)),
        )

# --- the kept versions ---------------------------------------------------------------------------
st.subheader(t("data_versions", lang))
kept = data.kept_versions(lang)
st.caption(t("data_versions_caption", lang, n=fmt.count(kept.height, lang), day=day))
ui.table(
    kept,
    (
        Col("served", "col_data_served"),
        Col("built", "col_data_built"),
        Col("as_of", "col_data_as_of", "date"),
        Col("source", "col_data_source"),
        Col("user", "col_data_user"),
        Col("files", "col_data_files"),
        Col("warehouse", "col_data_warehouse"),
    ),
    view,
    About(page, t("data_versions", lang), city, as_of_day, view.as_of),
    key="versions_table",
    height=ui.rows_height(kept.height),
)

# --- the data dictionary and the templates -------------------------------------------------------
st.subheader(t("data_dictionary", lang))
names = [table.name for table in TABLES]
ui.choice("table", names, "hazards", lang)
chosen = st.selectbox(
    t("data_dictionary_table", lang),
    names,
    key="table",
    format_func=lambda n: TABLE_NAMES[n][0] + fmt.aside(n, lang),
)
columns = data.dictionary(chosen)
st.caption(
    t("data_dictionary_caption", lang, name=TABLE_NAMES[chosen][0], table=chosen, n=columns.height)
)
ui.table(
    columns,
    tuple(Col(key, f"col_dict_{key}") for key in data.DICTIONARY),
    view,
    About(
        page, f"{t('data_dictionary', lang)} {TABLE_NAMES[chosen][0]}", city, as_of_day, view.as_of
    ),
    key="dictionary_table",
    height=ui.rows_height(columns.height),
)

st.subheader(t("data_templates", lang))
st.caption(t("data_templates_caption", lang, n=len(TABLES)))
st.download_button(
    t("data_templates_download", lang),
    data.templates_zip(),
    file_name="安全网导入模板.zip",
    mime="application/zip",
    key="templates_zip",
    on_click="ignore",
    icon=":material/download:",
)

ui.footer(view)
