"""The data page (数据) run headless, and the stale-data banner every page's header may show.

Freshness is checked against counts and dates taken straight from the raw Parquet files of the
small city. The import machinery's files (a raw-store chain, an import report) are written by
hand, in the formats safetynet/ingest/rawstore.py and report.py give them, into a data folder of
its own whose warehouse was built from a copy of the small city without its demo manifest: not
the demo, so its data can be stale.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from conftest import AS_OF, Opened, _open

from safetynet.app import escape, fmt, stale
from safetynet.app.labels import t
from safetynet.build import build
from safetynet.ingest.templates import file_stem
from safetynet.warehouse import manifest
from safetynet.warehouse.aliases import TABLE_NAMES, template_header
from safetynet.warehouse.schema import TABLES, TABLES_BY_NAME

# The date each table's freshness reads; the others have none.
MAIN_DATES = {
    "hazards": "found_date",
    "inspections": "week_start",
    "drills": "held_date",
    "whistle_calls": "called_at",
    "teams": "founded_date",
    "readiness": "last_assessed",
}
SERVED = "v0002"  # the raw version the imported folder's warehouse is built from
V1 = {
    "version": "v0001",
    "created_at": "2026-11-20T02:00:00+00:00",  # 10:00 in Beijing
    "user": "li",
    "based_on": None,
    "as_of": None,
    "files": [
        {
            "file": "网格.xlsx",
            "sheet": "网格",
            "table": "grids",
            "how": "表名",
            "rows": 3541,
            "added": 3541,
            "replaced": 0,
            "dropped": [],
            "ignored": [],
        },
        {
            "file": "隐患台账.xlsx",
            "sheet": "隐患",
            "table": "hazards",
            "how": "表名",
            "rows": 100,
            "added": 100,
            "replaced": 0,
            "dropped": [],
            "ignored": [],
        },
    ],
    "rows": {"grids": 3541, "hazards": 100},
    "last_imported": {
        "grids": {"at": "2026-11-20T02:00:00+00:00", "version": "v0001", "files": ["网格.xlsx"]},
        "hazards": {
            "at": "2026-11-20T02:00:00+00:00",
            "version": "v0001",
            "files": ["隐患台账.xlsx"],
        },
    },
}
V2 = {
    "version": SERVED,
    "created_at": "2026-12-01T02:30:00+00:00",  # 10:30 in Beijing
    "user": "wang",
    "based_on": "v0001",
    "as_of": "2026-11-29",
    "files": [
        {
            "file": "隐患台账.xlsx",
            "sheet": "隐患",
            "table": "hazards",
            "how": "表名",
            "rows": 120,
            "added": 20,
            "replaced": 100,
            "dropped": [],
            "ignored": ["备注"],
        },
    ],
    "rows": {"grids": 3541, "hazards": 120},
    # carried forward: grids as v0001 brought them, hazards from this import
    "last_imported": V1["last_imported"]
    | {
        "hazards": {
            "at": "2026-12-01T02:30:00+00:00",
            "version": SERVED,
            "files": ["隐患台账.xlsx"],
        }
    },
}
FINDINGS = [
    {"file": "隐患台账.xlsx", "problem": "发现日期晚于数据日期", "fix": "改为2026-11-29或更早",
     "sheet": "隐患", "line": 12, "header": "发现日期", "value": "2099-06-01",
     "table": "hazards", "column": "found_date", "rows": 1},
    {"file": "隐患台账.xlsx", "problem": "网格编码不存在", "fix": "填写网格表中已有的编码",
     "sheet": "隐患", "line": None, "header": "网格编码", "value": "",
     "table": "hazards", "column": "grid_code", "rows": 37},
]  # fmt: skip
FAILED = {
    "at": "2026-12-02T01:00:00+00:00",
    "ok": False,
    "warehouse": None,
    "raw": None,
    "based_on": SERVED,
    "workbook": "导入报告-20261202-090000.xlsx",
    "files": [
        {
            "file": "隐患台账.xlsx",
            "sheet": "隐患",
            "table": "hazards",
            "how": "表名",
            "rows": 50,
            "added": 50,
            "replaced": 0,
            "dropped": [],
            "ignored": [],
            "errors": 38,
            "summary": "隐患台账.xlsx › 隐患 → 隐患（hazards，按表名识别）：50行，新增50，替换0，问题38处",
        },
    ],
    "findings": FINDINGS,
}
OK = FAILED | {"at": "2026-12-01T02:30:00+00:00", "ok": True, "raw": SERVED,
               "warehouse": "safetynet-x.duckdb", "findings": []}  # fmt: skip


# --- the raw files --------------------------------------------------------------------------------


def expected_freshness(small_raw: Path) -> pl.DataFrame:
    """Rows and the first and last main date of every table, from the raw Parquet files."""
    rows = []
    for table in TABLES:
        frame = pl.read_parquet(small_raw / table.file)
        column = MAIN_DATES.get(table.name)
        days = frame[column].cast(pl.Date) if column else pl.Series([], dtype=pl.Date)
        rows.append(
            {"table_name": table.name, "row_count": frame.height,
             "first_day": days.min(), "last_day": days.max()}
        )  # fmt: skip
    return pl.DataFrame(rows, schema_overrides={"first_day": pl.Date, "last_day": pl.Date})


def shown_freshness(page: Opened) -> pl.DataFrame:
    return page.frame("freshness_table").with_columns(
        pl.col("first_day", "last_day", "as_of").cast(pl.Date)
    )


# --- the demo city: no import yet -----------------------------------------------------------------


def test_freshness_rows_match_the_raw_files(open_page: Callable[..., Opened], small_raw: Path):
    page = open_page("data")
    shown = shown_freshness(page)
    want = expected_freshness(small_raw)
    assert shown.select(want.columns).to_dicts() == want.to_dicts()
    assert shown["name_zh"].to_list() == [TABLE_NAMES[t.name][0] for t in TABLES]
    assert set(shown["as_of"]) == {AS_OF}
    # the demo city was never imported
    assert set(shown["version"]) == {t("data_demo", "zh")}
    assert shown["imported"].null_count() == shown.height
    assert t("data_freshness_caption", "zh", day=fmt.day(AS_OF, "zh")) in page.texts("caption")


def test_the_chart_spans_each_dated_table(open_page: Callable[..., Opened], small_raw: Path):
    bars = open_page("data").chart(t("data_span_title", "zh"))["data"][0]
    want = expected_freshness(small_raw).filter(pl.col("first_day").is_not_null())
    assert bars["y"] == [TABLE_NAMES[n][0] for n in want["table_name"]]
    assert bars["base"] == [d.isoformat() for d in want["first_day"]]
    spans = [(b - a).days + 1 for a, b in zip(want["first_day"], want["last_day"], strict=True)]
    assert [x / 86_400_000 for x in bars["x"]] == spans  # a bar's length in ms


def test_without_an_import_the_page_says_how_to_make_one(open_page: Callable[..., Opened]):
    page = open_page("data")
    assert page.texts("info") == [t("data_import_none", "zh", source=t("data_demo", "zh"))]
    assert "safetynet import" in page.texts("info")[0]
    assert not page.texts("warning") and not page.texts("success")
    assert any(
        "safetynet import 路径…" in c and "--drop-personal" in c for c in page.texts("caption")
    )


def test_versions_list_the_served_demo(open_page: Callable[..., Opened]):
    versions = open_page("data").frame("versions_table")
    assert versions.height == 1
    row = versions.row(0, named=True)
    assert row["served"] == t("data_in_use", "zh") and row["source"] == t("data_demo", "zh")
    assert row["warehouse"].startswith("safetynet-")


@pytest.mark.parametrize("table", ["hazards", "grids", "whistle_calls"])
def test_the_dictionary_lists_every_column_with_its_template_header(
    open_page: Callable[..., Opened], table: str
):
    page = open_page("data", table="" if table == "hazards" else table)  # hazards: the default
    assert page.at.selectbox(key="table").value == table
    shown = page.frame("dictionary_table")
    columns = TABLES_BY_NAME[table].columns
    assert shown["field"].to_list() == [c.name for c in columns]
    assert shown["header"].to_list() == [template_header(table, c.name) for c in columns]
    assert shown["required"].to_list() == ["否" if c.nullable else "是" for c in columns]


def test_the_dictionary_shows_the_chinese_labels_of_an_enumeration(
    open_page: Callable[..., Opened],
):
    shown = open_page("data", table="hazards").frame("dictionary_table")
    allowed = shown.filter(pl.col("field") == "category")["allowed"][0]
    assert "电动自行车" in allowed and "（ebike）" in allowed


def test_the_templates_download_as_one_zip(open_page: Callable[..., Opened]):
    page = open_page("data")
    archive = zipfile.ZipFile(io.BytesIO(page.download("templates_zip")))
    names = archive.namelist()
    assert len(names) == 17 and all(n.endswith(".xlsx") for n in names)
    assert sorted(names) == sorted(f"{file_stem(table.name)}.xlsx" for table in TABLES)
    book = openpyxl.load_workbook(io.BytesIO(archive.read(f"{file_stem('grids')}.xlsx")))
    headers = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert list(headers) == [
        template_header("grids", c.name) for c in TABLES_BY_NAME["grids"].columns
    ]


def test_in_english(open_page: Callable[..., Opened]):
    page = open_page("data", lang="en")
    assert page.texts("title") == [f"{t('city_name', 'en')} · {t('data', 'en')}"]
    assert page.texts("subheader") == [
        t(k, "en")
        for k in ("data_freshness", "data_import_title", "data_versions", "data_dictionary",
                  "data_templates")
    ]  # fmt: skip
    configs = json.loads(page.table("freshness_table").proto.columns).values()
    labels = [c.get("label") for c in configs]
    assert t("col_data_rows", "en") in labels and t("col_data_last", "en") in labels
    shown = shown_freshness(page)
    assert set(shown["version"]) == {t("data_demo", "en")}
    assert page.texts("info") == [t("data_import_none", "en", source=t("data_demo", "en"))]
    button = [b for b in page.at.get("download_button") if b.key == "templates_zip"]
    assert button[0].proto.label == t("data_templates_download", "en")


def test_the_title_names_the_city_whatever_unit_is_chosen(open_page: Callable[..., Opened]):
    page = open_page("data", district="410105")
    assert page.texts("title") == [f"{t('city_name', 'zh')} · {t('data', 'zh')}"]


# --- a city's own data: imported, and getting old -------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, small_raw: Path) -> Path:
    """A data folder whose warehouse was built from the small city as raw version v0002 (no demo
    manifest; as of the demo's date), with v0002 in the raw store and v0001, which it was based
    on, pruned."""
    root = tmp_path_factory.mktemp("imported")
    raw = root / "incoming" / SERVED
    shutil.copytree(small_raw, raw, ignore=shutil.ignore_patterns(manifest.DEMO))
    (raw / manifest.EXPORT).write_text(json.dumps({"as_of": AS_OF.isoformat()}))
    build(raw, root=root / "warehouse", progress=False)
    # v0001 has been pruned (no kept warehouse was built from it): only v0002's record is left
    folder = root / "raw-store" / SERVED
    folder.mkdir(parents=True)
    (folder / "version.json").write_text(json.dumps(V2, ensure_ascii=False))
    return root


def write_reports(root: Path, *reports: dict) -> None:
    """Import reports as report.py saves them, the last given the newest."""
    folder = root / "imports"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for i, found in enumerate(reports):
        name = f"2026120{i + 1}-090000-000000.json"
        (folder / name).write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def open_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Opened]]:
    """open_at(root, page, stale_days=None, **params): a page run on another data folder."""

    def run(root: Path, page: str, stale_days: int | None = None, **params: str) -> Opened:
        if stale_days is None:
            monkeypatch.delenv("SAFETYNET_STALE_DAYS", raising=False)
        else:
            monkeypatch.setenv("SAFETYNET_STALE_DAYS", str(stale_days))
        return _open(root, page, params)

    yield run


def test_freshness_says_when_each_table_was_last_imported(open_at, imported: Path):
    write_reports(imported)
    shown = shown_freshness(open_at(imported, "data")).select("table_name", "imported", "version")
    by_table = {row["table_name"]: row for row in shown.iter_rows(named=True)}
    # hazards came again in v0002; grids last in v0001, pruned since: v0002's record says so
    assert by_table["hazards"] == {"table_name": "hazards", "imported": "2026-12-01 10:30",
                                   "version": SERVED}  # fmt: skip
    assert by_table["grids"] == {"table_name": "grids", "imported": "2026-11-20 10:00",
                                 "version": "v0001"}  # fmt: skip
    # no import has brought the funding table: —
    assert by_table["funding"]["imported"] is None and by_table["funding"]["version"] is None


def test_a_failed_import_shows_its_verdict_files_and_findings(open_at, imported: Path):
    write_reports(imported, OK, FAILED)  # the newest report is the one shown
    page = open_at(imported, "data")
    problems = sum(f["rows"] for f in FINDINGS)
    assert page.texts("warning") == [
        t("data_import_failed", "zh", at=escape.markdown("2026-12-02 09:00"), n=problems)
    ]
    assert not page.texts("success")
    listed = "\n".join(page.texts("markdown"))
    assert "隐患台账.xlsx › 隐患 → 隐患（hazards，按表名识别）" in listed.replace("\\", "")
    shown = page.frame("findings_table")
    assert shown["problem"].to_list() == [f["problem"] for f in FINDINGS]
    assert shown["header"].to_list() == [f["header"] for f in FINDINGS]
    assert shown["value"].to_list() == ["2099-06-01", None]
    assert shown["line"].to_list()[0] == 12 and shown["rows"].to_list() == [1, 37]
    assert t("data_findings_caption", "zh", n=2) in page.texts("caption")


def test_a_successful_import_says_which_version_it_made(open_at, imported: Path):
    write_reports(imported, FAILED, OK)
    page = open_at(imported, "data")
    (said,) = page.texts("success")
    assert "导入成功" in said and SERVED in said
    assert page.texts("info") == [t("data_findings_none", "zh")]
    assert "findings_table" not in page.tables()


def test_versions_say_who_brought_the_data_in(open_at, imported: Path):
    write_reports(imported)
    row = open_at(imported, "data").frame("versions_table").row(0, named=True)
    assert row["source"] == SERVED and row["user"] == "wang"
    assert row["files"] == "隐患台账.xlsx › 隐患 → 隐患 120行"


# --- the stale-data banner ------------------------------------------------------------------------


def age_of_data() -> int:
    age = (stale.today() - AS_OF).days
    if age < 1:
        pytest.skip("the clock says the demo's as-of date has not passed")
    return age


def test_old_data_shows_a_banner_with_a_link_to_the_data_page(open_at, imported: Path):
    write_reports(imported)
    age = age_of_data()
    page = open_at(imported, "floor", stale_days=age - 1)
    assert page.texts("warning") == [
        t("stale_banner", "zh", day=fmt.day(AS_OF, "zh"), days=age, limit=age - 1)
    ]
    (link,) = page.at.get("page_link")
    assert link.proto.page == "data" and link.proto.label == t("stale_open_data", "zh")
    # on the data page itself: the banner, without a link to where it is
    page = open_at(imported, "data", stale_days=age - 1, lang="en")
    assert t("stale_banner", "en", day=fmt.day(AS_OF, "en"), days=age, limit=age - 1) in (
        page.texts("warning")
    )
    assert not page.at.get("page_link")


def test_data_young_enough_shows_no_banner(open_at, imported: Path):
    page = open_at(imported, "floor", stale_days=age_of_data())
    assert not page.texts("warning") and not page.at.get("page_link")


def test_the_demo_city_never_shows_the_banner(open_at, data_root: Path):
    age_of_data()
    page = open_at(data_root, "floor", stale_days=0)
    assert not page.texts("warning")


@pytest.mark.parametrize(
    ("setting", "limit"), [(None, 14), ("3", 3), ("0", 0), ("soon", 14), ("-2", 14)]
)
def test_the_limit_comes_from_the_environment(monkeypatch, setting: str | None, limit: int):
    if setting is None:
        monkeypatch.delenv("SAFETYNET_STALE_DAYS", raising=False)
    else:
        monkeypatch.setenv("SAFETYNET_STALE_DAYS", setting)
    assert stale.stale_limit() == limit
    day = date(2026, 11, 29)
    assert stale.days_stale(day, "v0003", on=date.fromordinal(day.toordinal() + limit)) is None
    assert stale.days_stale(day, "v0003", on=date.fromordinal(day.toordinal() + limit + 1)) == (
        limit + 1
    )
    assert stale.days_stale(day, "demo", on=date(2030, 1, 1)) is None
