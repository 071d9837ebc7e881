"""The one module that opens warehouse files and runs named queries on them.

Page queries live in queries/<name>.sql and take bound $parameters, never pasted values.
"""

from __future__ import annotations

import json
import re
import warnings
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

QUERIES = Path(__file__).resolve().parents[2] / "queries"


def open_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


@cache
def sql_text(name: str) -> str:
    """The text of a named page query, queries/<name>.sql."""
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def page_queries() -> list[str]:
    return sorted(p.stem for p in QUERIES.glob("*.sql"))


def examples(name: str) -> list[dict[str, Any]]:
    """The realistic parameter sets a page query documents, one `-- example: {json}` line each.

    ISO dates ("2026-11-23") become dates, as a page would bind them. Benchmarks and tests run
    every page query with each of these, so a new query (or a heavy case of one) cannot go
    unmeasured.
    """
    found = re.findall(r"^-- example: (\{.*\})\s*$", sql_text(name), re.MULTILINE)
    if not found:
        raise ValueError(f"queries/{name}.sql has no '-- example: {{...}}' line")
    return [
        {key: _date_or_value(value) for key, value in json.loads(text).items()} for text in found
    ]


def example_params(name: str) -> dict[str, Any]:
    """The first documented example of a page query: its typical call."""
    return examples(name)[0]


def _date_or_value(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return value


# DuckDB warns that Arrow from execute() copies the rows: a page's few hundred rows copy in far
# less time than the second plan sql(...).pl() would make (pyproject.toml silences it in tests).
ARROW_COPY_WARNING = "Arrow output on a DB-API result"
warnings.filterwarnings("ignore", ARROW_COPY_WARNING, UserWarning)


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """Run a named query on its own cursor (a connection is shared between threads).

    execute() binds and plans the query once, where sql(...).pl() plans it twice: a quarter to
    a third of the time of the heavier page queries (remediation: 36 → 26 ms at city scale).
    """
    cursor = con.cursor()
    try:
        result = cursor.execute(sql_text(name), params or None).to_arrow_reader().read_all()
        return pl.from_arrow(result)
    finally:
        cursor.close()
