"""What the data page (数据) shows besides the warehouse's own tables: when each table was last
imported (the raw-store versions behind the served warehouse), the kept warehouse versions, the
last import's report, the data dictionary and the templates; and whether the served data is old
enough for every page to warn about it (ui.header's banner).

The import itself is the command line's (`safetynet import`): this module only reads what it
leaves in the data folder, so the app never writes there.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from safetynet.app import fmt
from safetynet.app.charts.base import date_axis, layout
from safetynet.app.colours import ACCENT
from safetynet.app.escape import markup
from safetynet.app.labels import t
from safetynet.ingest import history, rawstore, report, templates
from safetynet.warehouse import store
from safetynet.warehouse.aliases import TABLE_NAMES
from safetynet.warehouse.schema import TABLES_BY_NAME

STALE_DAYS = 14  # the default of SAFETYNET_STALE_DAYS
BEIJING = ZoneInfo("Asia/Shanghai")  # the city's clock: "today" and every time shown
DAY_MS = 86_400_000

FINDINGS = {
    "file": pl.String,
    "sheet": pl.String,
    "line": pl.Int64,
    "header": pl.String,
    "value": pl.String,
    "problem": pl.String,
    "fix": pl.String,
    "rows": pl.Int64,
}
# templates.DICTIONARY_HEADERS, in the same order, as the page's column keys
DICTIONARY = ("header", "field", "meaning", "type", "unit", "required", "allowed", "example",
              "aliases")  # fmt: skip


# --- how old the data is -------------------------------------------------------------------------


def is_demo(source: str) -> bool:
    """Whether a warehouse was built from the demo city (meta_build.source "demo", or the demo's
    folder name), whose as-of date is fixed on purpose."""
    return source == "demo" or source.startswith("demo-")


def stale_limit() -> int:
    """Days the served data may lag behind today before pages warn: SAFETYNET_STALE_DAYS, else 14."""
    configured = os.environ.get("SAFETYNET_STALE_DAYS", "").strip()
    return int(configured) if configured.isdigit() else STALE_DAYS


def today() -> date:
    return datetime.now(BEIJING).date()


def days_stale(as_of: date, source: str, on: date | None = None) -> int | None:
    """How many days before today (`on`) the as-of date lies, when that is more than the limit;
    None when the data is fresh enough, and always for the demo city (else every page's test
    would change with the calendar)."""
    if is_demo(source):
        return None
    age = ((on or today()) - as_of).days
    return age if age > stale_limit() else None


def local_time(moment: datetime | str) -> str:
    """A moment as Beijing time, '2026-12-07 18:30': an ISO text with its offset (import records)
    or a naive datetime in UTC (meta_build, CURRENT.json). A text that is no time shows as is."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M}"


# --- where each table came from ------------------------------------------------------------------


def source_label(source: str, lang: str) -> str:
    """A warehouse's source as a reader names it: 演示数据, a data version (v0003), or a folder."""
    if is_demo(source):
        return t("data_demo", lang)
    if rawstore.NAME.fullmatch(source):
        return source
    return t("data_folder", lang, name=source)


def last_imports(source: str, built_at: datetime, lang: str) -> dict[str, tuple[str, str]]:
    """Table → (when it was last imported, from which data version), for the served warehouse.
    The demo city was never imported; a warehouse built from a folder took every table from it
    when it was built; otherwise the served raw version says, for every table any import
    brought (`last_imported` in its version.json, carried forward from version to version)."""
    if is_demo(source):
        return {name: ("", t("data_demo", lang)) for name in TABLES_BY_NAME}
    version = rawstore.get(source)
    if version is None:
        built = local_time(built_at)
        return {name: (built, source_label(source, lang)) for name in TABLES_BY_NAME}
    return {
        table: (local_time(last.get("at", "")), last.get("version", ""))
        for table, last in version.record.get("last_imported", {}).items()
    }


def freshness(rows: pl.DataFrame, info: dict, lang: str) -> pl.DataFrame:
    """views.data_freshness() with each table's Chinese name, when and from which data version
    it was last imported ('' where unknown: shown as —), and the as-of date."""
    imported = last_imports(info["source"], info["built_at"], lang)
    names = rows["table_name"].to_list()
    return rows.with_columns(
        name_zh=pl.Series([TABLE_NAMES[n][0] for n in names], dtype=pl.String),
        imported=pl.Series([imported.get(n, ("", ""))[0] or None for n in names], dtype=pl.String),
        version=pl.Series([imported.get(n, ("", ""))[1] or None for n in names], dtype=pl.String),
        as_of=pl.lit(info["as_of"], dtype=pl.Date),
    )


def spans_chart(rows: pl.DataFrame, as_of: date, lang: str, subtitle: str) -> go.Figure:
    """One bar per table with a main date, from its first day through its last, and a line at the
    as-of date: a bar that stops short of the line is a table not brought up to date."""
    dated = rows.filter(pl.col("first_day").is_not_null())
    names = dated["name_zh" if lang == "zh" else "table_name"].to_list()
    firsts, lasts = dated["first_day"].to_list(), dated["last_day"].to_list()
    spans = [
        t("data_span_tip", lang, first=fmt.day(a, lang), last=fmt.day(b, lang))
        for a, b in zip(firsts, lasts, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            base=[a.isoformat() for a in firsts],
            x=[((b - a).days + 1) * DAY_MS for a, b in zip(firsts, lasts, strict=True)],
            y=[markup(n) for n in names],
            orientation="h",
            marker_color=ACCENT,
            customdata=spans,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig.update_xaxes(type="date")
    fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)")
    # add_vline cannot place its own label on a date axis: the line and its label apart.
    day = as_of.isoformat()
    fig.add_vline(x=day, line={"dash": "dash", "color": "#3A3F4B", "width": 1.2})
    fig.add_annotation(
        x=day, y=1, yref="paper", xanchor="right", yanchor="bottom", showarrow=False,
        text=t("data_as_of_line", lang, day=fmt.day(as_of, lang)),
    )  # fmt: skip
    date_axis(fig, lang, monthly=True)
    title = t("data_span_title", lang)
    return layout(fig, title, subtitle, height=max(220, 30 * len(names) + 80))


# --- the kept versions and the last import -------------------------------------------------------


def kept_versions(lang: str) -> pl.DataFrame:
    """The kept warehouses, newest first: in use or not, built when, as of, from what, brought in
    by whom, with which files."""
    rows = []
    for kept in _kept():
        record = kept.raw.record if kept.raw else {}
        files = [_file_line(f, lang) for f in record.get("files", [])]
        rows.append(
            {
                "served": t("data_in_use", lang) if kept.served else None,
                "warehouse": kept.name,
                "built": local_time(kept.built_at),
                "as_of": kept.as_of,
                "source": source_label(kept.source, lang),
                "user": record.get("user") or None,
                "files": ("；" if lang == "zh" else "; ").join(files) or None,
            }
        )
    schema = {"served": pl.String, "warehouse": pl.String, "built": pl.String, "as_of": pl.Date,
              "source": pl.String, "user": pl.String, "files": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def _file_line(file: dict, lang: str) -> str:
    """'隐患台账.xlsx › 隐患 → 隐患 1234行' / '… → hazards 1,234 rows'."""
    where = file["file"] + (f" › {file['sheet']}" if file.get("sheet") else "")
    table = file.get("table") or ""
    name = TABLE_NAMES[table][0] if lang == "zh" and table in TABLE_NAMES else table
    rows = fmt.count(file.get("rows"), lang)
    return f"{where} → {t('data_rows_in_file', lang, name=name, n=rows)}"


def _kept() -> list[history.Warehouse]:
    root = store.warehouse_dir()
    names = tuple(sorted(p.name for p in root.glob(store.COMPLETE)))
    served = store.current(root)
    return _warehouses(str(root), names, served.name if served else "")


@st.cache_data(max_entries=16, show_spinner=False)
def _warehouses(root: str, names: tuple[str, ...], served: str) -> list[history.Warehouse]:
    """history.warehouses opens every kept file; names and served only key the cache: a
    complete warehouse never changes, so the list changes only when a file comes or goes or the
    pointer moves."""
    return history.warehouses(Path(root))


def last_report() -> dict | None:
    """The last import's report (report.latest); None before the first import."""
    return report.latest()


def problems(found: dict) -> int:
    """How many problems a report counts: every finding with the rows it stands for."""
    return sum(f.get("rows") or 1 for f in found.get("findings", []))


def findings(found: dict) -> pl.DataFrame:
    """A report's findings as a table: where (file, sheet, row, column), the value, what is wrong
    and how to fix it, and how many rows the line stands for."""
    rows = [
        {key: _cell(f.get(key), kind) for key, kind in FINDINGS.items()}
        for f in found.get("findings", [])
    ]
    return pl.DataFrame(rows, schema=FINDINGS)


def _cell(value: object, kind: type[pl.DataType]) -> object:
    """A JSON value as its column holds it; an empty text is no value (shown as —)."""
    if value is None or value == "":
        return None
    return int(value) if kind == pl.Int64 else str(value)


# --- the dictionary and the templates ------------------------------------------------------------


def dictionary(table: str) -> pl.DataFrame:
    """One row per column of a table, as the templates' 数据字典 sheet explains it."""
    rows = [
        [text or None for text in row]  # nothing to say shows as —
        for row in templates.dictionary(TABLES_BY_NAME[table])
    ]
    return pl.DataFrame(rows, schema={key: pl.String for key in DICTIONARY}, orient="row")


@st.cache_data(show_spinner=False)
def templates_zip() -> bytes:
    """Every table's blank template in one zip. They depend on the code alone: made once per
    process, in a folder of their own that is removed right after."""
    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="safetynet-templates-") as folder:
        paths = templates.write_templates(Path(folder))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
    return out.getvalue()
