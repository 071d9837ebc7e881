"""Reading a folder of raw files into typed staging tables, refusing what does not fit the schema."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from safetynet.warehouse.checks import (
    BuildError,
    Problem,
    cast_checks,
    cast_sql,
    failure,
    find_problems,
    one_line,
    raise_if,
)
from safetynet.warehouse.schema import TABLES, Table

# Headers of personal data: a person's name, ID number, phone or address. We keep counts, never
# people, so an extra column named like this is refused (the schema's own columns are not checked).
# Matched on the header in lower case with its words joined by _ ("Leader Name", "leaderName" →
# leader_name): Chinese words anywhere in it, English ones as whole words, so that name_zh,
# street_name or hotel pass.
PERSONAL_COLUMN = re.compile(
    r"""
      姓名 | 联系人 | 负责人 | 身份证 | 证件号 | 电话 | 手机 | 联系方式 | 住址 | 地址
    | ^names?$
    | (?<![a-z])
      (first|last|given|family|sur|nick|real|user|full
      |leader|contact|person|owner|manager|head|resident|staff|worker|member|volunteer
      |director|chief|captain|officer|reporter|caller|applicant|patient|householder
      )_?names?(?![a-z])
    | (?<![a-z])
      (contacts?|phones?|cell_?phones?|mobiles?|tel|telephones?|address(es)?|id_?card|id_?number)
      (?![a-z])
    """,
    re.X,
)


def file_problems(raw_dir: Path) -> list[Problem]:
    """Missing or unreadable files, missing columns, columns that hold personal data."""
    if not raw_dir.is_dir():
        raise failure(raw_dir.name or str(raw_dir), "is not a folder")
    try:
        next(raw_dir.iterdir(), None)
    except OSError as error:
        raise failure(raw_dir.name + "/", f"cannot be read ({one_line(error)})") from None
    problems = []
    for table in TABLES:
        path = raw_dir / table.file
        if not path.exists():
            problems.append(Problem(table.name, "", f"file missing from {raw_dir.name}/", 0))
            continue
        if not path.is_file():  # a pipe or a device would block the reader forever
            problems.append(Problem(table.name, "", "not a regular file", 0))
            continue
        try:
            names = pq.read_schema(path).names
        except Exception as error:  # pyarrow raises several types for a damaged file
            what = f"not a readable Parquet file ({one_line(error)})"
            problems.append(Problem(table.name, "", what, 0))
            continue
        expected = [c.name for c in table.columns]
        missing = [n for n in expected if n not in names]
        if missing:
            problems.append(Problem(table.name, ", ".join(missing), "missing columns", 0))
        for name in names:
            if name not in expected and personal_header(name):
                what = "looks like personal data; SafetyNet keeps counts only — remove the column"
                problems.append(Problem(table.name, name, what, 0))
    return problems


def personal_header(header: str) -> bool:
    """Whether a column's header names a person's name, ID number, phone or address."""
    return bool(PERSONAL_COLUMN.search(_words(header)))


def _words(header: str) -> str:
    """A header in lower case with its words joined by _: "Contact Phone", "contactPhone",
    "CONTACT-PHONE" → contact_phone."""
    header = unicodedata.normalize("NFKC", header)  # full-width letters too
    header = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", header)
    return re.sub(r"[\W_]+", "_", header.lower())


def stage(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """Create raw_<table> views on the files and typed stg_<table> tables from them.

    Values that do not read as their column's type are reported, with their row numbers, before
    any typed table is made. Extra columns are left behind in the raw view.
    """
    raise_if(file_problems(raw_dir))
    problems = []
    for table in TABLES:
        path = str(raw_dir / table.file)
        con.execute(
            f"CREATE TEMP VIEW raw_{table.name} AS "
            f"SELECT *, file_row_number + 1 AS _row FROM read_parquet('{_quote(path)}', file_row_number = true)"
        )
        try:
            problems += find_problems(con, cast_checks(table, _raw_types(con, table)))
        except duckdb.Error as error:
            problems.append(_unreadable(con, table, error))
    raise_if(problems)
    for table in TABLES:
        types = _raw_types(con, table)
        columns = ", ".join(f"{cast_sql(c, types[c.name])} AS {c.name}" for c in table.columns)
        try:
            con.execute(
                f"CREATE TABLE stg_{table.name} AS SELECT {columns}, _row FROM raw_{table.name}"
            )
        except duckdb.Error as error:
            raise BuildError([_unreadable(con, table, error)]) from None


def _unreadable(con: duckdb.DuckDBPyConnection, table: Table, error: duckdb.Error) -> Problem:
    """A file the reader chokes on (a damaged page, text that is not UTF-8), named with the
    first column that cannot be read on its own, when there is one."""
    column = next((c.name for c in table.columns if not _readable(con, table, c.name)), "")
    return Problem(table.name, column, f"cannot be read ({one_line(error)})", 0)


def _readable(con: duckdb.DuckDBPyConnection, table: Table, column: str) -> bool:
    try:
        con.sql(f"SELECT count(DISTINCT {column}) FROM raw_{table.name}").fetchall()
    except duckdb.Error:
        return False
    return True


def _raw_types(con: duckdb.DuckDBPyConnection, table: Table) -> dict[str, str]:
    relation = con.table(f"raw_{table.name}")
    return {name: str(t) for name, t in zip(relation.columns, relation.types, strict=True)}


def _quote(path: str) -> str:
    # A view cannot take a bound parameter, so the path is quoted as a SQL literal instead.
    return path.replace("'", "''")
