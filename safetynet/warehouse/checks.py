"""Data checks: what must hold of the raw tables and the marts, and how a failure is reported.

Every check is a query that returns the offending rows. A failure names the file, the column, what
is wrong, how many rows, and the first few rows by their row number in the file (1 = first data
row), so whoever fixes the export can find them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb

from safetynet.warehouse import personal
from safetynet.warehouse.schema import TABLES, TABLES_BY_NAME, Column, Table

SAMPLE_ROWS = 5
QUOTE_CHARS = 40  # a value quoted in a message is cut to this many characters
LINE_CHARS = 300  # a library's own error text, kept to one line of this length
FUTURE_YEARS = 2  # how far after the as-of date a deadline may lie
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
INTEGER_TYPES += tuple(f"U{t}" for t in INTEGER_TYPES)
# ID-card and mobile numbers, personal data that no raw table may carry, first picked loosely in
# SQL: text with 11 digits (of any script) in a row once personal.SEPARATOR is dropped. Only these
# candidates are read in Python, where personal.find decides (check digit, birth date, run length).
PERSONAL_DATA = r"\p{Nd}{11}"


@dataclass(frozen=True)
class Problem:
    table: str
    column: str
    what: str
    rows: int
    sample: tuple[dict[str, Any], ...] = ()

    @property
    def source(self) -> str:
        """A raw table by its file, a mart as a table, anything else (a manifest, the raw folder,
        the warehouse folder) by the name it was given."""
        if self.table in TABLES_BY_NAME:
            return f"{self.table}.parquet"
        return f"table {self.table}" if self.table.startswith("mart_") else self.table

    def message(self) -> str:
        where = f"{self.source}, column {one_line(self.column)}" if self.column else self.source
        examples = "; ".join(_describe(row) for row in self.sample)
        count = f" ({self.rows} {'row' if self.rows == 1 else 'rows'})" if self.rows else ""
        return f"{where}: {self.what}{count}" + (f" — e.g. {examples}" if examples else "")


def _describe(row: dict[str, Any]) -> str:
    rest = ", ".join(f"{k}={quoted(v)}" for k, v in row.items() if k != "_row")
    return f"row {row['_row']}: {rest}" if "_row" in row else rest


def quoted(value: Any) -> str:
    """A value as a data team would type it (2027-01-01, 12, "Hx" for text), for a message:
    any ID-card or mobile number masked, so no message repeats one, and text cut short, so a
    cell of ten million characters does not become a message of ten million characters."""
    if not isinstance(value, str):
        return personal.mask(str(value))
    text = personal.mask(value)
    if len(text) <= QUOTE_CHARS:
        return f'"{text}"'
    return f'"{text[:QUOTE_CHARS]}…" ({len(value):,} characters)'


def one_line(text: object) -> str:
    """A library's error text as one short line (masked: it may echo a value)."""
    first = str(text).strip().splitlines()[0] if str(text).strip() else type(text).__name__
    first = personal.mask(first)
    return first if len(first) <= LINE_CHARS else first[:LINE_CHARS] + "…"


class BuildError(Exception):
    """The raw data failed a check; the message lists every problem found in that phase."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.message() for p in problems))


def failure(where: str, what: str) -> BuildError:
    """A problem with no table rows behind it: a file, a folder, the disk."""
    return BuildError([Problem(where, "", what, 0)])


@dataclass(frozen=True)
class Check:
    table: str
    column: str
    what: str
    sql: str  # returns the offending rows, with _row when they come from a file
    params: dict[str, Any] | None = None
    # Where SQL can only pick candidates: a row offends if this holds of its value in `column`.
    confirm: Callable[[Any], bool] | None = None


def find_problems(
    con: duckdb.DuckDBPyConnection, checks: list[Check], samples: int = SAMPLE_ROWS
) -> list[Problem]:
    """The problems the checks find, each with its first `samples` offending rows."""
    problems = []
    for check in checks:
        if check.confirm:
            problems += _confirmed(con, check, check.confirm, samples)
            continue
        rows = con.sql(f"SELECT count(*) FROM ({check.sql})", params=check.params).fetchall()[0][0]
        if rows:
            sample = con.sql(
                f"SELECT * FROM ({check.sql}) LIMIT {int(samples)}", params=check.params
            )
            records = tuple(dict(zip(sample.columns, r, strict=True)) for r in sample.fetchall())
            problems.append(Problem(check.table, check.column, check.what, rows, records))
    return problems


def _confirmed(
    con: duckdb.DuckDBPyConnection, check: Check, confirm: Callable[[Any], bool], samples: int
) -> list[Problem]:
    """The problem found by a check whose SQL only picks candidates: the rows `confirm` keeps."""
    candidates = con.sql(check.sql, params=check.params)
    records = [dict(zip(candidates.columns, r, strict=True)) for r in candidates.fetchall()]
    hits = [r for r in records if confirm(r[check.column])]
    if not hits:
        return []
    return [Problem(check.table, check.column, check.what, len(hits), tuple(hits[:samples]))]


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise BuildError(problems)


def cast_sql(c: Column, raw_type: str, cast: str = "CAST") -> str:
    """The column read as its type. A time goes through TIMESTAMPTZ, so one written with an
    offset (+08:00, Z) or stored as an instant lands on Beijing wall-clock time (the build's
    time zone), and one written without lands unchanged."""
    if c.type == "TIMESTAMP" and raw_type != "TIMESTAMP":
        return f"{cast}({cast}({c.name} AS TIMESTAMPTZ) AS TIMESTAMP)"
    return f"{cast}({c.name} AS {c.type})"


def cast_checks(table: Table, raw_types: dict[str, str]) -> list[Check]:
    """Values that cannot be read as the column's type, and fractions where a count belongs
    (a cast would round 2.5 workers to 3); only where the file's type differs."""
    checks = []
    for c in table.columns:
        raw_type = raw_types.get(c.name, c.type)
        if raw_type == c.type:
            continue
        checks.append(
            _raw(table, c, f"values that cannot be read as {c.type}",
                 f"{cast_sql(c, raw_type, 'TRY_CAST')} IS NULL")
        )  # fmt: skip
        if c.type in INTEGER_TYPES and raw_type not in INTEGER_TYPES:
            number = f"TRY_CAST({c.name} AS DOUBLE)"
            checks.append(
                _raw(table, c, "fractions where a whole number belongs",
                     f"isfinite({number}) AND {number} <> trunc({number})")
            )  # fmt: skip
    return checks


def _raw(table: Table, c: Column, what: str, bad: str) -> Check:
    sql = (
        f"SELECT _row, {c.name} FROM raw_{table.name} "
        f"WHERE {c.name} IS NOT NULL AND {bad} ORDER BY _row"
    )
    return Check(table.name, c.name, what, sql)


def empty_tables(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Core tables without a row: such a city has nothing to show, so it is never published."""
    return [
        Problem(t.name, "", "has no rows; the dashboard cannot be built without them", 0)
        for t in TABLES
        if t.core and not con.sql(f"SELECT count(*) FROM stg_{t.name}").fetchall()[0][0]
    ]


def row_checks(as_of: date) -> list[Check]:
    """Every check on the typed staging tables, for all raw tables."""
    return [check for table in TABLES for check in _table_checks(table, as_of)] + _holder_checks()


def _table_checks(table: Table, as_of: date) -> list[Check]:
    checks = [_unique(table)]
    for column in table.columns:
        checks += _column_checks(table, column, as_of)
    for low, high in table.ordered:
        checks.append(
            _where(table, f"{low}, {high}", f"{low} after {high}", f"{low} > {high}", (low, high))
        )
    for column, what, bad in table.rules:
        checks.append(_where(table, column, what, bad, (column,)))
    return checks


def _column_checks(table: Table, c: Column, as_of: date) -> list[Check]:
    checks = []
    if not c.nullable:
        checks.append(_where(table, c.name, "empty values", _empty(c), (c.name,)))
    if c.pattern:
        checks.append(
            _where(table, c.name, f"codes not of the form {c.pattern}",
                   f"NOT regexp_full_match({c.name}, $pattern)", (c.name,), {"pattern": c.pattern})
        )  # fmt: skip
    if c.values:
        checks.append(
            _where(table, c.name, f"values other than {', '.join(c.values)}",
                   f"NOT list_contains($values, {c.name})", (c.name,), {"values": list(c.values)})
        )  # fmt: skip
    if c.nonneg:
        checks.append(_where(table, c.name, "negative values", f"{c.name} < 0", (c.name,)))
    if c.type in ("DATE", "TIMESTAMP"):
        checks += _date_window(table, c, as_of)
    if c.type == "DOUBLE":
        checks.append(_where(table, c.name, "infinite values", f"isinf({c.name})", (c.name,)))
    if c.bounds:
        low, high = c.bounds
        checks.append(
            _where(table, c.name, f"values outside {low}–{high}",
                   f"isfinite({c.name}) AND {c.name} NOT BETWEEN {low} AND {high}", (c.name,))
        )  # fmt: skip
    if c.free_text:
        candidates = _where(
            table, c.name, "personal data (ID-card or mobile numbers, shown masked)",
            f"regexp_matches(regexp_replace({c.name}, $separator, '', 'g'), $pii)", (c.name,),
            {"separator": personal.SEPARATOR, "pii": PERSONAL_DATA},
        )  # fmt: skip
        checks.append(replace(candidates, confirm=lambda text: bool(personal.find(text))))
    if c.references:
        checks.append(_reference(table, c))
    return checks


def _date_window(table: Table, c: Column, as_of: date) -> list[Check]:
    """Dates a typo put decades away: the year 0001 or 2099 is refused, not charted."""
    day = f"CAST({c.name} AS DATE)"
    params = {"as_of": as_of, "years": c.history_years}
    early = _where(
        table, c.name, f"dates more than {c.history_years} years before the as-of date {as_of}",
        f"{day} < $as_of - to_years($years)", (c.name,), params,
    )  # fmt: skip
    if c.future_ok:
        late = _where(
            table, c.name, f"dates more than {FUTURE_YEARS} years after the as-of date {as_of}",
            f"{day} > $as_of + to_years($years)", (c.name,),
            {"as_of": as_of, "years": FUTURE_YEARS},
        )  # fmt: skip
    else:
        late = _where(table, c.name, f"dates after the as-of date {as_of}",
                      f"{day} > $as_of", (c.name,), {"as_of": as_of})  # fmt: skip
    return [early, late]


def _empty(c: Column) -> str:
    """Missing, as exports write it: NULL, blank text, or a NaN where a number belongs."""
    if c.type == "VARCHAR":
        return f"{c.name} IS NULL OR trim({c.name}) = ''"
    if c.type == "DOUBLE":
        return f"{c.name} IS NULL OR isnan({c.name})"
    return f"{c.name} IS NULL"


def _where(
    table: Table,
    column: str,
    what: str,
    predicate: str,
    show: tuple[str, ...],
    params: dict[str, Any] | None = None,
) -> Check:
    shown = ", ".join(dict.fromkeys((*table.key, *show)))
    sql = f"SELECT _row, {shown} FROM stg_{table.name} WHERE {predicate} ORDER BY _row"
    return Check(table.name, column, what, sql, params)


def _unique(table: Table) -> Check:
    keys = ", ".join(table.key)
    sql = (
        f"SELECT _row, {keys} FROM stg_{table.name} "
        f"QUALIFY count(*) OVER (PARTITION BY {keys}) > 1 ORDER BY _row"
    )
    return Check(table.name, keys, f"duplicate keys ({keys})", sql)


def _reference(table: Table, c: Column) -> Check:
    target, target_column = c.references.split(".")
    sql = (
        f"SELECT t._row, t.{c.name} FROM stg_{table.name} t "
        f"ANTI JOIN stg_{target} r ON r.{target_column} = t.{c.name} "
        f"WHERE t.{c.name} IS NOT NULL ORDER BY t._row"
    )
    return Check(table.name, c.name, f"codes with no row in {target}.parquet", sql)


def _holder_checks() -> list[Check]:
    """resource_stocks.holder_code names a community or a depot, as holder_kind says."""
    sql = (
        "SELECT s._row, s.holder_code, s.holder_kind FROM stg_resource_stocks s "
        "WHERE NOT (holder_kind = 'community' AND holder_code IN (SELECT community_code FROM stg_communities)"
        " OR holder_kind = 'depot' AND holder_code IN (SELECT depot_code FROM stg_depots)) ORDER BY s._row"
    )
    return [Check("resource_stocks", "holder_code", "holders that are no community or depot", sql)]


def mart_checks(con: duckdb.DuckDBPyConnection) -> list[Check]:
    """Marts hold counts: no integer column of a mart may be negative."""
    columns = con.sql(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE starts_with(table_name, 'mart_') AND data_type IN ('INTEGER', 'BIGINT', 'HUGEINT') "
        "ORDER BY table_name, column_index"
    ).fetchall()
    return [
        Check(t, col, "negative counts", f"SELECT * FROM {t} WHERE {col} < 0") for t, col in columns
    ]
