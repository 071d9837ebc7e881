"""What the data page (数据) shows besides the warehouse's own tables: when each table was last
imported (the raw-store versions behind the served warehouse), the kept warehouse versions, the
last import's report, the data dictionary and the templates. Only the data page imports it:
whether the data is old enough for every page to warn is safetynet/app/stale.py's.

The import itself is the command line's (`safetynet import`): this module only reads what it
leaves in the data folder, so the app never writes there.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import streamlit as st

from safetynet.app import fmt
from safetynet.app.labels import t
from safetynet.app.stale import is_demo
from safetynet.ingest import history, rawstore, templates
from safetynet.warehouse import store
from safetynet.warehouse.aliases import TABLE_NAMES
from safetynet.warehouse.schema import TABLES_BY_NAME

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
DICTIONARY = tuple(key for key, _ in templates.DICTIONARY_COLUMNS)  # the page's column keys


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
        built = fmt.moment(built_at)
        return {name: (built, source_label(source, lang)) for name in TABLES_BY_NAME}
    return {
        table: (fmt.moment(last.get("at", "")), last.get("version", ""))
        for table, last in version.record.get("last_imported", {}).items()
    }


def freshness(rows: pl.DataFrame, info: dict, lang: str) -> pl.DataFrame:
    """views.data_freshness() with each table's Chinese name, when and from which data version
    it was last imported ('' where unknown: shown as —), and the as-of date."""
    imported = last_imports(info["source"], info["built_at"], lang)
    found = [imported.get(n, ("", "")) for n in rows["table_name"]]
    return rows.with_columns(
        name_zh=pl.Series([TABLE_NAMES[n][0] for n in rows["table_name"]], dtype=pl.String),
        imported=pl.Series([when or None for when, _ in found], dtype=pl.String),
        version=pl.Series([version or None for _, version in found], dtype=pl.String),
        as_of=pl.lit(info["as_of"], dtype=pl.Date),
    )


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
                "built": fmt.moment(kept.built_at),
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


def findings(found: dict) -> pl.DataFrame:
    """A report's findings as a table: where (file, sheet, row, column), the value, what is wrong
    and how to fix it, and how many rows the line stands for; an empty text shows as —."""
    frame = pl.DataFrame(found.get("findings", []), schema=FINDINGS)
    return frame.with_columns(pl.col(pl.String).replace("", None))


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
