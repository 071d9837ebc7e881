"""Shared fixtures: one small demo city and one warehouse built from it, per test session; for
the browser tests (marked `browser`), one app and one headless Chromium per test module."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import polars as pl
import pytest
from playwright.sync_api import Browser, Page
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from safetynet.briefing.capture import (
    browser,
    chromium_path,
    keep_local,
    running_app,
    track_drawing,
)
from safetynet.build import BUILD_SQL, build
from safetynet.demo.generate import DEFAULT_AS_OF, DEFAULT_SEED, generate
from safetynet.warehouse import runner, store
from safetynet.warehouse.schema import TABLES

SMALL_SEED = DEFAULT_SEED
AS_OF = DEFAULT_AS_OF
NO_CHROMIUM = (
    "no Chromium binary (looked at SAFETYNET_CHROMIUM, /usr/lib/chromium/chromium, PATH); "
    "install it with `apt-get install chromium fonts-noto-cjk`"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are skipped on a machine without Chromium, but not in CI, where the
    `chromium` fixture fails them instead."""
    if chromium_path() is not None or IN_CI:
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Raw tables of the small demo city (read-only: copy before breaking one)."""
    out = tmp_path_factory.mktemp("raw-small")
    generate(out, "small", SMALL_SEED, AS_OF, progress=False)
    return out


@pytest.fixture(scope="session")
def data_root(tmp_path_factory: pytest.TempPathFactory, small_raw: Path) -> Path:
    """A data folder whose served warehouse is built from small_raw."""
    root = tmp_path_factory.mktemp("data")
    build(small_raw, root=root / "warehouse", progress=False)
    return root


@pytest.fixture
def served(data_root: Path, monkeypatch: pytest.MonkeyPatch) -> store.Version:
    """Point the app at the small warehouse; returns the served version."""
    monkeypatch.setenv("SAFETYNET_DATA", str(data_root))
    version = store.current(data_root / "warehouse")
    assert version is not None
    return version


@pytest.fixture(scope="module")
def con(data_root: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the small warehouse."""
    version = store.current(data_root / "warehouse")
    assert version is not None
    connection = runner.open_readonly(version.path)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def raw(small_raw: Path) -> dict[str, pl.DataFrame]:
    """The small city's raw tables, read once, with events joined to their places.

    Besides one frame per raw table: `place` (grid → community, street, district), `hz` and
    `insp` (hazards and patrols with their places) and `calls` (whistle calls with theirs).
    Expectations are computed from these, never from the marts under test.
    """
    tables = {t.name: pl.read_parquet(small_raw / t.file) for t in TABLES}
    community = (
        tables["communities"]
        .select("community_code", "street_code")
        .join(tables["streets"].select("street_code", "district_code"), on="street_code")
    )
    place = (
        tables["grids"].select("grid_code", "community_code").join(community, on="community_code")
    )
    assert place.height == tables["grids"].height
    tables["place"] = place
    tables["hz"] = tables["hazards"].join(place, on="grid_code", how="left")
    tables["insp"] = tables["inspections"].join(place, on="grid_code", how="left")
    tables["calls"] = tables["whistle_calls"].join(community, on="community_code", how="left")
    for name in ("hz", "insp", "calls"):
        assert tables[name]["district_code"].null_count() == 0
    return tables


@pytest.fixture
def blank(data_root: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory warehouse for constructed cases: meta_build, the staging tables and the dims
    with the real schemas of the small build, and no rows. Fill them with `insert` and run the
    build steps under test with `build_step`."""
    version = store.current(data_root / "warehouse")
    assert version is not None
    con = duckdb.connect()
    con.execute(f"ATTACH '{version.path}' AS src (READ_ONLY)")
    names = con.sql(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = 'src' AND regexp_matches(table_name, '^(meta|stg|dim)_')"
    ).fetchall()
    for (name,) in names:
        con.execute(f"CREATE TABLE {name} AS FROM src.{name} LIMIT 0")
    con.execute("DETACH src")
    yield con
    con.close()


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Add rows to a table by column name; columns not given are left empty."""
    con.register("_rows", pl.DataFrame(rows))
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
    con.unregister("_rows")


def build_step(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run one file of queries/build/ (e.g. "20_mart_hazard.sql") as the build does."""
    con.execute((BUILD_SQL / name).read_text(encoding="utf-8"))


# --- the app's pages, run headless ---------------------------------------------------------------
# Shared by the page tests (tests/test_page_*.py): open a page as a link would, read what it
# shows, and read back the files its download buttons offer.

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class View:
    """One way a page test opens a page: the sidebar's unit ("" for the whole city) and
    language. A page's cases add what else their link says to `params`."""

    district: str
    lang: str

    @property
    def names(self) -> str:
        """The column of a place's name in the view's language."""
        return "name_zh" if self.lang == "zh" else "name_en"

    @property
    def params(self) -> dict[str, str]:
        """The link's query parameters, for open_page."""
        return {"lang": self.lang, "district": self.district}


@dataclass
class Opened:
    """A page after one headless run, with the bytes of every file its download buttons carry."""

    at: AppTest
    files: dict[str, bytes]

    def metrics(self) -> dict[str, str]:
        return {m.label: m.value for m in self.at.metric}

    def texts(self, kind: str) -> list[str]:
        """What the page's elements of one kind say, in page order: "caption", "markdown",
        "info", "warning", "title"…"""
        return [element.value for element in getattr(self.at, kind)]

    def charts(self) -> list[dict[str, Any]]:
        return [json.loads(c.proto.spec) for c in self.at.get("plotly_chart")]

    def chart(self, title: str) -> dict[str, Any]:
        """The plotly figure whose title contains `title`."""
        # titles are broken into lines (<br>) to fit a phone, without losing a character
        found = [
            c for c in self.charts() if title in c["layout"]["title"]["text"].replace("<br>", "")
        ]
        assert len(found) == 1, [c["layout"]["title"]["text"] for c in self.charts()]
        return found[0]

    def deck(self) -> dict[str, Any]:
        return json.loads(self.at.get("deck_gl_json_chart")[0].proto.json)

    def tables(self) -> dict[str, Dataframe]:
        """The tables ui.table showed, by key, in page order: each is the last dataframe before
        its Excel button (a table without row selection has no id of its own)."""
        found: dict[str, Dataframe] = {}
        last: Dataframe | None = None
        shown = 0
        for node in _in_order(self.at.main):
            if isinstance(node, Dataframe):
                last, shown = node, shown + 1
            elif getattr(node, "type", "") == "download_button" and node.key.endswith("_xlsx"):
                assert last is not None
                found[node.key.removesuffix("_xlsx")] = last
        assert len(found) == shown  # every table shown is one of these: none is missed
        return found

    def table(self, key: str) -> Dataframe:
        """The table ui.table showed under `key`."""
        tables = self.tables()
        assert key in tables, list(tables)
        return tables[key]

    def frame(self, key: str) -> pl.DataFrame:
        """The rows of the table `key` as shown (rates in percent)."""
        return pl.from_pandas(self.table(key).value)

    def download(self, key: str) -> bytes:
        """The file behind the download button `key` (ui.table: `<table>_xlsx`, `<table>_csv`)."""
        (button,) = [b for b in self.at.get("download_button") if b.key == key]
        file_id = button.proto.url.rsplit("/", 1)[1].split(".")[0]
        return self.files[file_id]


def _in_order(node: Any) -> Iterator[Any]:
    """The elements of an AppTest tree in the order they are shown."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _in_order(child)


@pytest.fixture(scope="session")
def open_page(data_root: Path) -> Callable[..., Opened]:
    """open_page("risk", district="410105", lang="en", place=…): the page run on the small
    warehouse with these URL query parameters, the sidebar's and the page's own. An empty value
    is left out, as a link leaves out what it does not choose (district="": the whole city).

    A run costs a second or more, so each link is run once per session and shared by the tests
    that open it (they only read it)."""
    runs: dict[tuple[str, tuple[tuple[str, str], ...]], Opened] = {}

    def run(page: str, **params: str) -> Opened:
        given = {name: value for name, value in params.items() if value}
        link = (page, tuple(sorted(given.items())))
        if link not in runs:
            runs[link] = _open(data_root, page, given)
        return runs[link]

    return run


def _open(data_root: Path, page: str, params: dict[str, str]) -> Opened:
    files: dict[str, bytes] = {}
    keep = MemoryMediaFileStorage.load_and_get_id

    def kept(
        storage: MemoryMediaFileStorage,
        data: str | bytes,
        mimetype: str,
        kind: Any,
        filename: str | None = None,
    ) -> str:
        file_id = keep(storage, data, mimetype, kind, filename)
        files[file_id] = storage.get_file(file_id).content
        return file_id

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAFETYNET_DATA", str(data_root))
        patch.setattr(MemoryMediaFileStorage, "load_and_get_id", kept)
        # Switched to before the first run, the page opens as its own URL would open it.
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return Opened(at, files)


@dataclass(frozen=True)
class Sheet:
    """An exported Excel sheet: its title line, the block under it (name → value), the header
    row, the rows of values, and the sheet's name (which Excel cuts to 31 characters)."""

    title: str
    about: dict[str, str]
    headers: list[str]
    rows: list[tuple[Any, ...]]
    name: str


def read_excel(data: bytes) -> Sheet:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    lines = list(sheet.iter_rows(values_only=True))
    blank = next(i for i, line in enumerate(lines) if all(v is None for v in line))
    about = {line[0]: line[1] for line in lines[1:blank]}
    return Sheet(lines[0][0], about, list(lines[blank + 1]), lines[blank + 2 :], sheet.title)


def read_csv(data: bytes) -> list[list[str]]:
    """An exported CSV file's lines, its header first."""
    assert data.startswith(codecs.BOM_UTF8)  # so Excel reads the Chinese right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def same(value: float) -> Any:
    """A number as written to a file and read back: equal but for float rounding."""
    return pytest.approx(value, rel=0, abs=1e-9)


def _kind(config: dict[str, Any]) -> tuple[str, int]:
    """How a shown column reads (text, count, number, rate) and its decimals, from its format."""
    spec = config.get("type_config", {})
    if spec.get("type") == "date":
        return "date", 0
    if spec.get("type") != "number":
        return "text", 0
    digits = re.fullmatch(r"%\.(\d)f(%%)?", spec["format"])
    if digits is None:  # "%d" or "localized"
        return "count", 0
    return ("rate" if digits.group(2) else "number"), int(digits.group(1))


def assert_exports_match_table(opened: Opened, key: str) -> Sheet:
    """The Excel and CSV downloads of a table hold what the table shows, under Chinese headers
    (rates as fractions in Excel, in percent in the CSV); returns the Excel sheet."""
    shown = opened.table(key)
    configs = json.loads(shown.proto.columns)
    frame = shown.value
    kinds = [_kind(configs[c]) for c in frame.columns]
    sheet = read_excel(opened.download(f"{key}_xlsx"))
    titles = [configs[c]["label"] for c in frame.columns]
    assert [h.removesuffix("（%）") for h in sheet.headers] == titles
    assert all(CJK.search(h) for h in sheet.headers)
    assert len(sheet.rows) == len(frame)
    lines = read_csv(opened.download(f"{key}_csv"))
    assert lines[0] == sheet.headers
    assert len(lines) == len(sheet.rows) + 1
    for values, cells, texts in zip(
        frame.itertuples(index=False), sheet.rows, lines[1:], strict=True
    ):
        for value, cell, text, (kind, digits) in zip(values, cells, texts, kinds, strict=True):
            if value is None or value != value:  # an empty cell: None, or NaN in pandas
                assert cell is None and text == ""
            elif kind == "date":  # a date cell in Excel, ISO text in the CSV
                assert cell.date() == value.date() and text == value.date().isoformat()
            elif kind == "text":
                assert cell == text == value
            elif kind == "count":  # some are worked out in floats: shown whole
                assert cell == same(value) and text == str(round(value))
            elif kind == "rate":
                assert cell * 100 == same(value)
                assert float(text) == round(cell * 100, digits)
            else:
                assert cell == same(value)
                assert float(text) == round(cell, digits)
    return sheet


def shown_count(text: str) -> tuple[float, float]:
    """A count as a page writes it (1,234 · 1234 · 4.09万 · 123万) and how far off it may be:
    万 figures are rounded (to 0.01万, or to 1万 from 100万), the others are exact."""
    if text.endswith("万"):
        wan = text[:-1].replace(",", "")
        return float(wan) * 10_000, 50.0 if "." in wan else 5_000.0
    return float(text.replace(",", "")), 0.0


def communities_in(raw: dict[str, pl.DataFrame], district: str = "") -> pl.DataFrame:
    """The communities of the city (or of one unit) with their street's and unit's codes and
    names (`street`, `district`), from the raw tables."""
    rows = (
        raw["communities"]
        .join(
            raw["streets"].select("street_code", "district_code", street="name_zh"),
            on="street_code",
        )
        .join(raw["districts"].select("district_code", district="name_zh"), on="district_code")
    )
    return rows.filter(pl.col("district_code") == district) if district else rows


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if chromium_path() is None:  # only reached in CI, where these tests must run
        pytest.fail(f"browser tests must run in CI: {NO_CHROMIUM}", pytrace=False)
    with browser() as b:
        yield b


BROWSER_TIMEOUT_MS = 30_000


@pytest.fixture
def page(chromium: Browser, app: str) -> Iterator[Page]:
    """A fresh browser context (a fresh Streamlit session) on the module's app, desktop-sized,
    in Chinese, that may only talk to the local app."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    track_drawing(context)
    page = context.new_page()
    keep_local(page, app)
    yield page
    context.close()


@pytest.fixture(scope="module")
def app(data_root: Path, chromium: Browser) -> Iterator[str]:
    """The dashboard on the small warehouse, for one test module; its base URL."""
    # No warm-up visit: the first visitor of a fresh server must be able to change the sidebar
    # (app.py declares the navigation before the sidebar's widgets for that reason).
    with running_app(data_root) as base:
        yield base
