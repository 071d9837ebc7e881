"""The docs keep up with the code: docs/data-model.md documents every raw table, column and
enumeration key; the docs (data-model.md and the analytics docs beside it) document every dim and
mart, every query file and parameter; docs/demo-city.md shows the populations and scales the
generator uses.

Adding a column to safetynet/warehouse/schema.py, a value to an enumeration, a file to queries/ or a column
to a mart without documenting it makes these tests fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from safetynet.demo.facts import SCALES, unit_populations
from safetynet.warehouse import store
from safetynet.warehouse.schema import TABLES, Column, Table

ROOT = Path(__file__).resolve().parents[1]
DATA_MODEL = ROOT / "docs" / "data-model.md"
DEMO_CITY = ROOT / "docs" / "demo-city.md"
# Where marts and queries may be documented: the data model and the analytics docs it links to.
MODEL_DOCS = [
    DATA_MODEL,
    *sorted(p for p in (ROOT / "docs").glob("*.md") if p != DATA_MODEL and p != DEMO_CITY),
]
QUERIES = ROOT / "queries"
BUILD_SQL = sorted((QUERIES / "build").glob("*.sql"))
PAGE_SQL = sorted(QUERIES.glob("*.sql"))
CJK = re.compile(r"[\u4e00-\u9fff]")
HEADING = re.compile(r"#{1,6} ")
TABLE_HEADING = re.compile(r"#{2,3} `([^`]+)`")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def sections(text: str) -> dict[str, str]:
    """The text under each heading that starts with a `name`, up to the next heading."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if HEADING.match(line):
            named = TABLE_HEADING.match(line)
            current = found.setdefault(named.group(1), []) if named else None
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines) for name, lines in found.items()}


def rows(section: str, width: int | None = None) -> dict[str, list[str]]:
    """Markdown table rows of a section whose first cell is one `name`, keyed by that name."""
    out = {}
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = re.fullmatch(r"`([^`]+)`", cells[0])
        if name and (width is None or len(cells) == width):
            out[name.group(1)] = cells
    return out


def _model_text() -> str:
    return "\n".join(_read(p) for p in MODEL_DOCS)


@pytest.fixture(scope="module")
def data_model() -> dict[str, str]:
    return sections(_model_text())


def _section(data_model: dict[str, str], name: str) -> str:
    assert name in data_model, f"docs/data-model.md has no heading starting with `{name}`"
    return data_model[name]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_raw_table_is_documented(data_model: dict[str, str], table: Table) -> None:
    section = _section(data_model, table.name)
    assert f"`{table.file}`" in section, f"{table.name}: file name {table.file} not given"
    assert "Grain:" in section, f"{table.name}: grain not given"
    assert "**Key**" in section, f"{table.name}: key not given"
    key = section.split("**Key**", 1)[1].split(".", 1)[0]  # up to the end of the sentence
    for column in table.key:
        assert f"`{column}`" in key, f"{table.name}: key column {column} not in the Key sentence"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_raw_columns_are_documented(data_model: dict[str, str], table: Table) -> None:
    """One row per column: | column | type | unit / meaning | allowed | nullable | references |."""
    documented = rows(_section(data_model, table.name), width=6)
    names = [c.name for c in table.columns]
    missing = [n for n in names if n not in documented]
    assert not missing, f"{table.name}: columns not documented in docs/data-model.md: {missing}"
    stale = [n for n in documented if n not in names]
    assert not stale, f"{table.name}: documented columns that the schema does not have: {stale}"
    for c in table.columns:
        _, type_, _, allowed, nullable, references = documented[c.name]
        where = f"{table.name}.{c.name}"
        assert type_ == c.type, f"{where}: documented as {type_}, schema says {c.type}"
        assert nullable.startswith("yes" if c.nullable else "no"), f"{where}: nullable is wrong"
        if c.pattern:
            assert f"`{c.pattern}`" in allowed, f"{where}: pattern {c.pattern} not documented"
        if c.references:
            assert f"`{c.references}`" in references, f"{where}: reference not documented"


def _enumerations() -> list[tuple[Table, Column]]:
    return [(t, c) for t in TABLES for c in t.columns if c.values]


@pytest.mark.parametrize(("table", "column"), _enumerations(), ids=lambda x: getattr(x, "name", ""))
def test_enumeration_keys_and_labels_are_documented(
    data_model: dict[str, str], table: Table, column: Column
) -> None:
    section = _section(data_model, table.name)
    missing = [v for v in column.values if f"`{v}`" not in section]
    assert not missing, f"{table.name}.{column.name}: keys not documented: {missing}"
    # Where the schema's doc gives one Chinese label per key ("社区 / 村"), show them too.
    labels = [part.strip() for part in column.doc.split(" / ")]
    if len(labels) == len(column.values) and all(CJK.search(label) for label in labels):
        absent = [label for label in labels if label not in section]
        assert not absent, f"{table.name}.{column.name}: labels not documented: {absent}"


def test_every_query_file_and_parameter_is_mentioned() -> None:
    text = _model_text()
    assert BUILD_SQL and PAGE_SQL
    missing = [p.name for p in BUILD_SQL + PAGE_SQL if p.name not in text]
    assert not missing, f"query files not mentioned in the docs: {missing}"
    for path in PAGE_SQL:
        for param in sorted(set(re.findall(r"\$(\w+)", _read(path)))):
            assert f"`${param}`" in text, f"{path.name}: parameter ${param} not documented"


def test_every_build_table_has_a_section(data_model: dict[str, str]) -> None:
    made = [name for p in BUILD_SQL for name in re.findall(r"CREATE TABLE (\w+)", _read(p))]
    assert made
    missing = [name for name in ["meta_build", *made] if name not in data_model]
    assert not missing, f"dims and marts without a section in the docs: {missing}"


def test_every_warehouse_column_is_documented(data_model: dict[str, str], data_root: Path) -> None:
    """Every column of meta_build, the dims and the marts, as the build really makes them."""
    version = store.current(data_root / "warehouse")
    assert version is not None
    with duckdb.connect(str(version.path), read_only=True) as con:
        columns = con.sql(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE regexp_matches(table_name, '^(meta|dim|mart)_') "
            "ORDER BY table_name, column_index"
        ).fetchall()
    assert columns
    problems = []
    for table, column, type_ in columns:
        documented = rows(data_model.get(table, ""), width=3)
        if column not in documented:
            problems.append(f"{table}.{column} not documented")
        elif documented[column][1] != type_:
            problems.append(f"{table}.{column} documented as {documented[column][1]}, is {type_}")
    assert not problems, "docs: " + "; ".join(problems)


def test_demo_city_shows_populations_and_scales() -> None:
    text = _read(DEMO_CITY)
    for code, population in unit_populations().items():
        assert f"{population:,}" in text, f"{code}: demo population {population:,} not shown"
    for name, scale in SCALES.items():
        assert f"`{name}`" in text and f"{scale.factor:g}" in text, f"scale {name} not shown"
    for table in TABLES:
        assert f"`{table.name}`" in text, f"{table.name}: no row count in docs/demo-city.md"
