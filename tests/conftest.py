"""Shared fixtures: one small demo city and one warehouse built from it, per test session; for
the browser tests (marked `browser`), one app and one headless Chromium per test module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from playwright.sync_api import Browser

from safetynet.briefing.capture import browser, chromium_path, running_app
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


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if chromium_path() is None:  # only reached in CI, where these tests must run
        pytest.fail(f"browser tests must run in CI: {NO_CHROMIUM}", pytrace=False)
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def app(data_root: Path, chromium: Browser) -> Iterator[str]:
    """The dashboard on the small warehouse, for one test module; its base URL."""
    # No warm-up visit: the first visitor of a fresh server must be able to change the sidebar
    # (app.py declares the navigation before the sidebar's widgets for that reason).
    with running_app(data_root) as base:
        yield base
