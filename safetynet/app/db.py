"""The app's access to the served warehouse: one cached read-only connection per warehouse file.

Streamlit runs each session in its own thread and a DuckDB connection is not thread-safe, so the
connection is shared and every query opens its own cursor (see runner.run). Both caches are
keyed on the warehouse file, so after a rebuild the next rerun reads the new file, no restart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from safetynet.warehouse import runner, store


class NoWarehouse(RuntimeError):
    """No build has succeeded yet."""


def served() -> store.Version:
    """The served warehouse; a pointer naming a file that is gone (deleted by hand) counts as
    none, so the page says how to build one instead of failing to open it."""
    version = store.current()
    if version is None or not version.path.is_file():
        raise NoWarehouse("no warehouse has been built yet: run `safetynet build --demo`")
    return version


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return runner.open_readonly(Path(path))


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(path: str, name: str, params: tuple[tuple[str, Any], ...]) -> pl.DataFrame:
    return runner.run(_connection(path), name, dict(params))


def query(name: str, **params: Any) -> pl.DataFrame:
    """The result of queries/<name>.sql on the served warehouse, cached per warehouse file."""
    return _cached(str(served().path), name, tuple(sorted(params.items())))
