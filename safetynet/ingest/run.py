"""`safetynet import`: office files in, a new warehouse out, or a report and nothing changed.

The order matters. Every file is read and every value parsed before anything is written; the
candidate raw version (stored data with the new records merged in) is then checked whole by the
build's own checks, so one report lists every problem. Only a clean candidate is built, and its
raw version enters the store just before the warehouse switch (see rawstore). Personal data is
masked in memory as soon as it is found, so it never reaches a file, not even the report.
"""

from __future__ import annotations

import getpass
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from safetynet import build
from safetynet.ingest import explain, files, history, personal_scan, rawstore, values
from safetynet.ingest.files import Sheet
from safetynet.ingest.findings import QUOTED_ROWS, SHEET_MARK, Finding, capped
from safetynet.warehouse import store
from safetynet.warehouse.aliases import TABLE_NAMES
from safetynet.warehouse.checks import BuildError
from safetynet.warehouse.schema import POLARS_TYPES, TABLES, TABLES_BY_NAME, Column, Table

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".parquet")
REPORT_NAME = "导入报告-"  # an import's own report, written beside its input: never an input
SKIPPED = ("~$", ".", REPORT_NAME)  # Excel's lock files, hidden files, our reports
PLACE_TABLES = ("districts", "streets", "communities")  # places an office may give by name


@dataclass
class FileResult:
    """What became of one input file: the table it was read as, and its rows' fate."""

    file: str
    sheet: str | None = None
    table: str = ""
    how: str = ""
    rows: int = 0
    added: int = 0
    replaced: int = 0
    dropped: list[str] = field(default_factory=list)  # personal columns dropped on request
    ignored: list[str] = field(default_factory=list)  # other columns we do not keep
    errors: int = 0


@dataclass
class Outcome:
    findings: list[Finding]
    files: list[FileResult]
    unread: set[explain.Cell] = field(default_factory=set)  # cells whose value could not be read
    version: store.Version | None = None  # the new warehouse, when the import landed
    raw: str | None = None  # the raw version it was built from
    based_on: str | None = None
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def ok(self) -> bool:
        return self.version is not None


def run(
    paths: Sequence[Path],
    as_of: date | None = None,
    replace: Iterable[str] = (),
    drop_personal: bool = False,
    progress: bool = False,
) -> Outcome:
    """Import the files (or every file of a folder) into the served data folder."""
    replace = set(replace)
    findings, sheets = _read_all(paths)
    results = {id(s): _result(s) for s in sheets}
    findings += _unknown_replace(replace)
    with build.locked(store.warehouse_dir()) as folder:
        rawstore.clean()
        base = rawstore.served(store.current(folder))
        names = _place_names(base, sheets)
        outcome = Outcome(findings, list(results.values()), based_on=base and base.name)
        frames: dict[str, list[pl.DataFrame]] = {}
        for sheet in sheets:
            frame, found = _prepare(sheet, names, drop_personal, results[id(sheet)])
            outcome.unread |= {(f.table, f.column, f.file, f.line) for f in found if f.column}
            outcome.findings += capped(found)
            frames.setdefault(sheet.table, []).append(frame)
        outcome.findings += _replace_without_file(replace, frames)
        candidate = rawstore.incoming() / rawstore.next_name()
        try:
            tables = _merge(base, frames, replace, candidate, results, sheets)
            record = _record(outcome, candidate.name, as_of, tables, base)
            rawstore.write(candidate, record, _iso(as_of))
            _build(outcome, folder, candidate, as_of, progress, sheets)
        finally:
            shutil.rmtree(candidate.parent, ignore_errors=True)
        if outcome.ok:
            rawstore.prune({w.source for w in history.warehouses(folder)})
    outcome.findings.sort(key=_in_order)
    _count_errors(outcome)
    return outcome


def _read_all(paths: Sequence[Path]) -> tuple[list[Finding], list[Sheet]]:
    findings: list[Finding] = []
    sheets: list[Sheet] = []
    for path in _expand(paths, findings):
        sheet, found = files.read(path)
        findings += found
        if sheet is not None and not found:  # a sheet comes with findings when columns are missing
            sheets.append(sheet)
    return findings, sheets


def _expand(paths: Sequence[Path], findings: list[Finding]) -> list[Path]:
    """The files named, and the importable files directly inside a folder named."""
    out = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
            out += [p for p in inside if not p.name.startswith(SKIPPED)]
        elif path.is_file():
            out.append(path)
        else:
            findings.append(Finding(path.name, "找不到这个文件", "请核对文件名和位置"))
    return out


def _result(sheet: Sheet) -> FileResult:
    return FileResult(sheet.file, sheet.sheet, sheet.table, sheet.how, sheet.frame.height)


def _unknown_replace(replace: set[str]) -> list[Finding]:
    unknown = sorted(replace - set(TABLES_BY_NAME))
    return [
        Finding("--replace", f"没有名为“{name}”的表", "可用的表：" + "、".join(TABLES_BY_NAME))
        for name in unknown
    ]


def _replace_without_file(
    replace: set[str], frames: dict[str, list[pl.DataFrame]]
) -> list[Finding]:
    """--replace TABLE empties the table unless a file brings its new rows: refused."""
    return [
        Finding(
            "--replace",
            f"要整表替换{TABLE_NAMES[name][0]}（{name}），但没有导入该表的文件",
            "请同时给出该表的文件，或去掉 --replace",
        )
        for name in sorted(replace & set(TABLES_BY_NAME) - set(frames))
    ]


def _place_names(
    base: rawstore.RawVersion | None, sheets: list[Sheet]
) -> dict[str, dict[str, str | None]]:
    """For each place table, exact name → code (None where several places share the name),
    from the stored places and the incoming ones."""
    names: dict[str, dict[str, str | None]] = {}
    for name in PLACE_TABLES:
        table = TABLES_BY_NAME[name]
        code = table.key[0]
        parts = [s.frame.select(code, "name_zh") for s in sheets if s.table == name]
        parts = [p for p in parts if {code, "name_zh"} <= set(p.columns)]
        if base is not None:
            parts.append(base.read(table).select(code, "name_zh"))
        pairs = pl.concat(parts).unique().drop_nulls() if parts else pl.DataFrame()
        names[name] = {}
        for row in pairs.iter_rows():
            seen = names[name].get(row[1], row[0])
            names[name][row[1]] = row[0] if seen == row[0] else None
    return names


def _prepare(
    sheet: Sheet,
    names: dict[str, dict[str, str | None]],
    drop_personal: bool,
    result: FileResult,
) -> tuple[pl.DataFrame, list[Finding]]:
    """The sheet as typed schema columns plus provenance, with every problem of its cells."""
    table = TABLES_BY_NAME[sheet.table]
    findings = personal_scan.extra_columns(sheet, drop_personal, result)
    columns = []
    for column in table.columns:
        raw = sheet.frame.get_column(column.name) if column.name in sheet.frame.columns else None
        if raw is None:
            columns.append(
                pl.Series(column.name, [None] * sheet.frame.height, POLARS_TYPES[column.type])
            )
            continue
        parsed, bad = values.parse(raw, column, table.name, _names_for(column, names))
        findings += [_unreadable(sheet, column, u) for u in bad]
        columns.append(parsed.alias(column.name))
    frame = pl.DataFrame(columns)
    frame, found = personal_scan.text_columns(sheet, table, frame)
    findings += found
    frame = frame.with_columns(
        pl.lit(source_of(sheet), pl.Utf8).alias("_source"),
        sheet.frame.get_column("_line").cast(pl.Int64),
    )
    return frame, findings


def source_of(sheet: Sheet) -> str:
    """A record's origin as stored and reported: the file, and the sheet of a workbook."""
    return f"{sheet.file}{SHEET_MARK}{sheet.sheet}" if sheet.sheet else sheet.file


def _names_for(
    column: Column, names: dict[str, dict[str, str | None]]
) -> dict[str, str | None] | None:
    target = column.references.split(".")[0] if column.references else None
    return names.get(target) if target else None


def _unreadable(sheet: Sheet, column: Column, bad: values.Unreadable) -> Finding:
    return Finding(
        sheet.file,
        bad.problem,
        bad.fix,
        sheet.sheet,
        int(sheet.frame.get_column("_line")[bad.index]),
        sheet.headers.get(column.name, column.name),
        explain.masked(bad.value),
        sheet.table,
        column.name,
    )


def _merge(
    base: rawstore.RawVersion | None,
    frames: dict[str, list[pl.DataFrame]],
    replace: set[str],
    candidate: Path,
    results: dict[int, FileResult],
    sheets: list[Sheet],
) -> dict[str, int]:
    """Write the candidate version: each table's stored rows, less those whose key comes again
    (the new record replaces the old), plus the new rows; a --replace table holds only the new.
    Returns the rows per table."""
    candidate.mkdir(parents=True)
    rows = {}
    for table in TABLES:
        incoming = pl.concat(frames[table.name]) if table.name in frames else _empty(table)
        stored = _empty(table) if base is None or table.name in replace else base.read(table)
        kept = stored.join(incoming.select(table.key), on=list(table.key), how="anti")
        _tally(table, stored, incoming, results, sheets)
        merged = pl.concat([kept, incoming], how="vertical_relaxed")
        merged.write_parquet(candidate / table.file)
        rows[table.name] = merged.height
    return rows


def _tally(
    table: Table,
    stored: pl.DataFrame,
    incoming: pl.DataFrame,
    results: dict[int, FileResult],
    sheets: list[Sheet],
) -> None:
    """Each file's added and replaced rows (a key already stored is a replacement)."""
    for sheet in (s for s in sheets if s.table == table.name):
        result = results[id(sheet)]
        mine = incoming.filter(pl.col("_source") == source_of(sheet))
        again = mine.join(stored, on=list(table.key), how="semi").height  # none under --replace
        result.replaced, result.added = again, mine.height - again


def _empty(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema=table.polars_schema | {"_source": pl.Utf8, "_line": pl.Int64})


def _build(
    outcome: Outcome,
    folder: Path,
    candidate: Path,
    as_of: date | None,
    progress: bool,
    sheets: list[Sheet],
) -> None:
    """Check the candidate whole; build and switch to it only when nothing at all is wrong."""
    if outcome.findings:
        problems = build.validate(candidate, as_of, QUOTED_ROWS)
        outcome.findings += explain.findings(problems, candidate, sheets, outcome.unread)
        return
    try:
        outcome.version = build.build_in(
            folder, candidate, as_of, progress, QUOTED_ROWS, lambda: rawstore.commit(candidate)
        )
        outcome.raw = candidate.name
    except BuildError as error:
        outcome.findings += explain.findings(error.problems, candidate, sheets, set())


def _record(
    outcome: Outcome,
    name: str,
    as_of: date | None,
    tables: dict[str, int],
    base: rawstore.RawVersion | None,
) -> dict:
    """What version.json says: this import's files and rows, and for every table when it was
    last imported, carried forward from the base, so that it outlives pruned versions."""
    mine: dict[str, list[str]] = {}
    for result in outcome.files:
        mine.setdefault(result.table, []).append(result.file)
    last = dict(base.record.get("last_imported", {})) if base else {}
    last |= {table: {"at": outcome.at, "version": name, "files": f} for table, f in mine.items()}
    return {
        "version": name,
        "created_at": outcome.at,
        "user": _user(),
        "based_on": outcome.based_on,
        "as_of": _iso(as_of),
        "files": [vars(r) | {"errors": None} for r in outcome.files],
        "rows": tables,
        "last_imported": last,
    }


def _user() -> str:
    """Who ran the import: the login name (a container may have none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _in_order(finding: Finding) -> tuple[str, str, int]:
    """Findings as a person works through them: file by file, row by row, counts last."""
    return finding.file, finding.sheet or "", finding.line or 1 << 62


def _count_errors(outcome: Outcome) -> None:
    for result in outcome.files:
        result.errors = sum(f.rows for f in outcome.findings if f.file == result.file)
