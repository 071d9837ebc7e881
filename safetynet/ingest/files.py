"""Reading one office file (Excel, CSV, Parquet) as the rows of one raw table, all cells as text.

`read` finds the header itself (a title block may sit above it; it may span two rows of merged
cells), tells which table the file holds (by its name, its sheet's name or its headers), maps the
headers to the table's columns with `aliases`, and keeps each row's number as Excel shows it, so a
finding can send the office to the very cell. It never raises for a bad file: a file it cannot
use comes back as findings, in Chinese, with what to do about it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fastexcel
import polars as pl
from charset_normalizer import from_bytes

from safetynet.ingest.findings import Finding
from safetynet.warehouse.aliases import TABLE_NAMES, column_for, header_key, table_for
from safetynet.warehouse.aliases import template_header as _template
from safetynet.warehouse.checks import one_line
from safetynet.warehouse.schema import TABLES, TABLES_BY_NAME, Table

EXCEL = (".xlsx", ".xlsm", ".xls")
TEXT = (".csv", ".txt")
PARQUET = (".parquet",)
HEADER_ROWS = 30  # the header is looked for among this many rows at the top
MIN_MATCHES = 2  # a header names at least this many columns of one table
SAMPLE_BYTES = 1 << 20  # the encoding and the delimiter are told from this much of a text file
DELIMITERS = (",", "\t", ";")  # the first wins a tie
# Encodings a short GBK text is often mistaken for: in a Zhengzhou office it is GB all the same.
EAST_ASIAN = (
    "gb",
    "hz",
    "big5",
    "cp950",
    "cp949",
    "euc_",
    "johab",
    "shift_jis",
    "cp932",
    "iso2022",
)
ZIP = b"PK\x03\x04"  # .xlsx, .xlsm
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any Office file with a password
# A cell that reads as a value, not a header: a number, a long code, a date.
VALUE_LIKE = re.compile(r"^[-+]?\d+(\.\d+)?$|\d{6,}|\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}")
SAVE_AS_CSV = "请用Excel或WPS打开原表，另存为“CSV UTF-8（逗号分隔）”或Excel工作簿（.xlsx）后再导入"


@dataclass(frozen=True)
class Sheet:
    """One table's rows as read from one file (or one sheet of a workbook)."""

    file: str  # the file's name (no folder)
    sheet: str | None  # the sheet's name for Excel, None for CSV/Parquet
    table: str  # schema table name
    how: str  # how the table was recognised: "文件名" / "工作表名" / "表头"
    header_lines: tuple[int, ...]  # the header's row number(s) as Excel shows them (1-based)
    headers: dict[str, str]  # schema column → the header as written ("整改情况/整改期限")
    extra: tuple[str, ...]  # headers that name no column of the table, as written
    # One Utf8 column per schema column found (by column name), one per extra header (by the
    # header as written), and "_line" (Int64): each row's number as Excel shows it.
    frame: pl.DataFrame
    encoding: str | None  # the text encoding of a CSV ("utf_8", "utf_8_sig", "gb18030" …)


class _Refused(Exception):
    """A file `read` cannot use: unwinds to `read`, which turns it into a finding."""

    def __init__(
        self, problem: str, fix: str, line: int | None = None, table: str = "", column: str = ""
    ) -> None:
        super().__init__(problem)
        self.problem, self.fix, self.line = problem, fix, line
        self.table, self.column = table, column
        self.sheet: str | None = None  # set once the sheet is known
        self.no_table = False  # nothing like a table here (empty, no header): try another sheet


@dataclass(frozen=True)
class _Grid:
    """A sheet's cells as text: columns c0…cN, "" read as null, row 0 on line `first_line`."""

    frame: pl.DataFrame
    first_line: int
    names: tuple[str, ...]  # what each column is called when its header is empty: 列F / 第6列


@dataclass(frozen=True)
class _Header:
    """The header row(s) found, per column of the grid."""

    lines: tuple[int, ...]  # 1-based
    texts: tuple[str, ...]  # as written; "" when empty; "upper/lower" for a two-row header
    keys: tuple[tuple[str, ...], ...]  # header keys to try, in order


def read(path: Path, sheet: str | None = None) -> tuple[Sheet | None, list[Finding]]:
    """The file's rows as one table, and the findings that stop it being used (then Sheet is
    None) or that it lacks a required column (then both)."""
    path = Path(path)
    try:
        return _read(path, sheet)
    except _Refused as refused:
        where = refused.sheet or (sheet if path.suffix.lower() in EXCEL else None)
        found = Finding(
            path.name,
            refused.problem,
            refused.fix,
            where,
            refused.line,
            table=refused.table,
            column=refused.column,
        )
        return None, [found]
    except OSError as error:  # gone, unreadable, a folder: the office can do something about it
        problem = f"无法打开文件（{one_line(error)}）"
        return None, [
            Finding(path.name, problem, "请确认文件存在、没有被其他程序占用，并有读取权限")
        ]


def _read(path: Path, wanted: str | None) -> tuple[Sheet | None, list[Finding]]:
    suffix = path.suffix.lower()
    if suffix not in EXCEL + TEXT + PARQUET:
        raise _Refused(
            f"不支持的文件类型：{suffix or '（没有扩展名）'}",
            "请导入Excel（.xlsx/.xlsm/.xls）、CSV（.csv/.txt）或Parquet（.parquet）文件",
        )
    if not path.exists():
        raise _Refused("找不到这个文件", "请核对文件名和位置")
    if not path.is_file():  # a folder, a pipe: a pipe would block the reader forever
        raise _Refused("不是普通文件", "请导入文件本身，而不是文件夹")
    if path.stat().st_size == 0:
        raise _Refused("文件为空", "文件里没有任何内容（0字节）：请重新导出或保存后再导入")
    by_file = table_for(path.stem)
    if suffix in PARQUET:
        header, data, names = _read_parquet(path)
        return _assemble(path.name, None, None, by_file, None, header, data, names)
    if suffix in TEXT:
        grid, encoding = _read_text(path)
        return _from_grid(path.name, None, encoding, grid, by_file)
    return _read_workbook(path, wanted, by_file)


def _from_grid(
    file: str, sheet: str | None, encoding: str | None, grid: _Grid, by_file: str | None
) -> tuple[Sheet, list[Finding]]:
    """A sheet or a CSV's cells as the table below the header found in them."""
    try:
        header = _find_header(grid.frame.head(HEADER_ROWS).rows())
        if header is None and _drop_blank(grid.frame).height == 0:
            raise _no_table(
                _Refused("文件里只有空行", "没有表头也没有数据：请重新导出或保存后再导入")
            )
        if header is None:
            raise _no_table(_no_header(by_file))
        data = _body(grid, header)
        by_sheet = table_for(sheet) if sheet else None
        return _assemble(file, sheet, encoding, by_file, by_sheet, header, data, grid.names)
    except _Refused as refused:
        refused.sheet = sheet
        raise


def _no_table(refused: _Refused) -> _Refused:
    refused.no_table = True
    return refused


# ---------------------------------------------------------------------------------------- Excel


def _read_workbook(
    path: Path, wanted: str | None, by_file: str | None
) -> tuple[Sheet, list[Finding]]:
    """The sheet asked for, or the sheet named like a table; else the first sheet that holds a
    table (a workbook often opens on its 填表说明)."""
    reader = _open_workbook(path)
    refusals = []
    for name in _sheet_order(reader.sheet_names, wanted, by_file):
        try:
            return _from_grid(path.name, name, None, _load_sheet(reader, name), by_file)
        except _Refused as refused:
            if not refused.no_table:
                raise
            refusals.append(refused)
    raise refusals[0]  # no sheet holds a table: what is wrong with the first


def _open_workbook(path: Path) -> fastexcel.ExcelReader:
    with path.open("rb") as handle:
        head = handle.read(512)
    if not head.startswith((ZIP, OLE)):
        _not_a_workbook(head, path.suffix)
    try:
        reader = fastexcel.read_excel(path)
        reader.sheet_names  # noqa: B018 - a damaged workbook may fail only here
    except Exception:  # calamine raises its own error types for every kind of damage
        raise _Refused(
            "不是有效的Excel文件（可能已损坏或只保存了一部分）",
            "请用Excel或WPS打开原文件，确认能正常打开后另存为.xlsx再导入；"
            "如果文件设置了密码，请先取消密码",
        ) from None
    return reader


def _load_sheet(reader: fastexcel.ExcelReader, name: str) -> _Grid:
    try:
        # header_row=None, skip_rows=0: every row from row 1, blank ones too, so that the
        # frame's row i is Excel's row i + 1 (with skip_rows=None leading blank rows vanish).
        loaded = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        frame = _exact_decimals(reader, name, loaded.to_polars())
        columns = loaded.available_columns()
    except Exception as error:  # a damaged sheet inside a readable workbook
        raise _in_sheet(
            name,
            f"工作表“{name}”读不出来（{one_line(error)}）",
            "请用Excel或WPS打开文件，把这张表复制到新的工作簿，保存为.xlsx后再导入",
        ) from None
    if frame.width == 0 or frame.height == 0:
        raise _no_table(
            _in_sheet(
                name, f"工作表“{name}”是空的", "这张表里没有表头也没有数据：请选有数据的工作表"
            )
        )
    first = columns[0].absolute_index  # calamine starts at the first column with a cell
    letters = tuple(f"列{_letters(first + i)}" for i in range(frame.width))
    return _Grid(_excel_text(frame), 1, letters)


# calamine writes a number cell as text rounded to 9 decimals (113.53519909997276 → 113.5351991):
# a column with long decimals is loaded again as numbers, whose own text keeps every digit.
LONG_DECIMALS = r"^-?\d+\.\d{6,}$"


def _exact_decimals(reader: fastexcel.ExcelReader, name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The sheet's text with every number cell of a long-decimal column written in full."""
    if frame.is_empty():
        return frame
    long = frame.select(pl.all().str.contains(LONG_DECIMALS).any()).row(0)
    wanted = [c for c, hit in zip(frame.columns, long, strict=True) if hit]
    if not wanted:
        return frame
    numbers = reader.load_sheet(
        name, header_row=None, skip_rows=0, use_columns=wanted, dtypes="float"
    ).to_polars()
    return frame.with_columns(
        pl.when(numbers.get_column(c).is_not_null())
        .then(numbers.get_column(c).cast(pl.Utf8))
        .otherwise(pl.col(c))
        .alias(c)
        for c in wanted
    )


def _in_sheet(sheet: str, problem: str, fix: str) -> _Refused:
    refused = _Refused(problem, fix)
    refused.sheet = sheet
    return refused


def _not_a_workbook(head: bytes, suffix: str) -> None:
    """An "Excel" file that is something else: a web page many systems export as .xls, or a
    CSV renamed. Anything else falls through to the reader, which refuses it."""
    start = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        raise _Refused(
            f"这个{suffix}文件其实是网页（HTML/XML）格式，不是真正的Excel文件",
            "用Excel或WPS打开它，另存为“Excel工作簿（.xlsx）”后再导入",
        )
    if _looks_like_text(head):
        raise _Refused(
            f"这个{suffix}文件其实是文本（CSV）文件，不是Excel文件",
            "把扩展名改成.csv再导入，或用Excel打开后另存为.xlsx",
        )


def _looks_like_text(head: bytes) -> bool:
    if not head.strip() or re.search(rb"[\x00-\x08\x0e-\x1f]", head):
        return False
    for encoding in ("utf_8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _sheet_order(names: Sequence[str], wanted: str | None, by_file: str | None) -> list[str]:
    """The sheets to try: the one asked for; else the one named like the file's table, or the
    first named like any table; else all, in order."""
    if not names:
        raise _Refused("文件里没有工作表", "请用Excel或WPS打开文件检查，另存为.xlsx后再导入")
    if wanted is not None:
        if wanted not in names:
            raise _Refused(f"找不到工作表“{wanted}”", "这个文件里的工作表有：" + "、".join(names))
        return [wanted]
    tables = [table_for(n) for n in names]
    if by_file is not None and by_file in tables:
        return [names[tables.index(by_file)]]
    named = [n for n, t in zip(names, tables, strict=True) if t]
    return named[:1] or list(names)


def _excel_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Cells as the office typed them: a date cell as 2026-11-03 (calamine gives it a time of
    00:00:00), a time-only cell as 14:05:00 (calamine puts it on day 0, 1899-12-31). The
    patterns run only on columns that may hold such cells: a regex over a million rows costs."""
    frame = frame.select(
        pl.col(c).cast(pl.Utf8).alias(f"c{i}") for i, c in enumerate(frame.columns)
    )
    dated = frame.select(pl.all().str.ends_with(" 00:00:00").any()).row(0)
    timed = frame.select(pl.all().str.starts_with("1899-12-3").any()).row(0)
    cells = []
    for name, date_cells, time_cells in zip(frame.columns, dated, timed, strict=True):
        cell = pl.col(name).str.strip_chars()
        if date_cells:
            cell = cell.str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "${1}")
        if time_cells:
            cell = cell.str.replace(r"^1899-12-3[01] (\d{2}:\d{2}:\d{2}(?:\.\d+)?)$", "${1}")
        cells.append(_text_cell(cell).alias(name))
    return frame.select(cells)


def _letters(index: int) -> str:
    """A column's letters as Excel shows them: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# ----------------------------------------------------------------------------------------- Text


def _read_text(path: Path) -> tuple[_Grid, str]:
    data = path.read_bytes()
    if data.startswith((ZIP, OLE)):
        raise _Refused(
            f"这个{path.suffix}文件其实是Excel文件，不是文本（CSV）文件",
            "把扩展名改成.xlsx（旧版Excel为.xls）再导入",
        )
    encoding = _encoding(data)
    if encoding == "utf_8" and data[:SAMPLE_BYTES].isascii():
        # An ASCII sample says nothing: the Chinese may start past it, in GB as well as UTF-8.
        encoding = next((e for e in ("utf_8", "gb18030") if _decodes(data, e, False)), encoding)
    text = _decode(data, encoding)
    if not text.strip():
        raise _Refused("文件为空", "文件里只有空白，没有表头也没有数据：请重新导出后再导入")
    delimiter, width = _delimiter(text[:SAMPLE_BYTES])
    payload = data if encoding == "utf_8" else text.encode("utf_8")  # UTF-8 as it is: no copy
    del text
    try:
        frame = pl.read_csv(
            payload,
            has_header=False,
            infer_schema=False,
            schema={f"c{i}": pl.Utf8 for i in range(width)},
            separator=delimiter,
            missing_columns="insert",  # a short row: the rest is empty
            truncate_ragged_lines=True,  # a long row: cells past the widest sampled row go
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as error:
        raise _Refused(f"CSV文件格式有误（{one_line(error)}）", SAVE_AS_CSV) from None
    frame = frame.select(_text_cell(pl.col(c)).alias(c) for c in frame.columns)
    return _Grid(frame, 1, tuple(f"第{i + 1}列" for i in range(width))), encoding


def _encoding(data: bytes) -> str:
    """The text encoding, told from the first MB: a BOM, else valid UTF-8, else what
    charset-normalizer makes of it (the GB family as gb18030, the superset of GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf_16"  # Excel's "Unicode 文本" export
    sample = data[:SAMPLE_BYTES]
    cut = len(data) > len(sample)
    if b"\x00" in sample:
        raise _binary()
    try:
        # final=False when the sample is cut: a character split at its end is not an error
        codecs.getincrementaldecoder("utf_8")().decode(sample, final=not cut)
        return "utf_8"
    except UnicodeDecodeError:
        pass
    if cut:  # end the sample at a line break, which no GB or UTF-8 character contains
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    best = from_bytes(sample).best()
    if best is None:
        raise _binary()
    if best.encoding.startswith(EAST_ASIAN) and _decodes(sample, "gb18030", cut):
        return "gb18030"
    return best.encoding


def _decodes(sample: bytes, encoding: str, cut: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=not cut)
    except UnicodeDecodeError:
        return False
    return True


def _binary() -> _Refused:
    return _Refused("不是文本文件（CSV文件里是二进制数据）", SAVE_AS_CSV)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:  # past the sample: two files pasted together
        line = data.count(b"\n", 0, error.start) + 1
        raise _Refused(
            f"第{line}行有无法识别的文字（文件其余部分的编码是{encoding}）",
            "文件里混有两种编码：" + SAVE_AS_CSV,
            line,
        ) from None


def _delimiter(sample: str) -> tuple[str, int]:
    """The delimiter whose split of the sample's top rows makes the best header, and the widest
    row it makes in the sample (the number of columns to read)."""
    best, best_score, best_rows = DELIMITERS[0], -1, []
    for delimiter in DELIMITERS:
        rows = _split(sample, delimiter)
        score = max((_row_score(r) for r in rows[:HEADER_ROWS]), default=0)
        if score > best_score:
            best, best_score, best_rows = delimiter, score, rows
    return best, max((len(r) for r in best_rows), default=1) or 1


def _split(sample: str, delimiter: str) -> list[list[str]]:
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    while True:
        try:
            rows.append(next(reader))
        except StopIteration:
            return rows
        except csv.Error:  # a broken quote or a huge cell: the rows before it are enough
            return rows


def _text_cell(cell: pl.Expr) -> pl.Expr:
    cell = cell.str.strip_chars()
    return pl.when(cell != "").then(cell)


# -------------------------------------------------------------------------------------- Parquet


def _read_parquet(path: Path) -> tuple[_Header, pl.DataFrame, tuple[str, ...]]:
    """A Parquet file's column names are its header, on line 1; its rows are lines 2…"""
    try:
        frame = pl.read_parquet(path)
    except Exception as error:  # polars and its Parquet reader raise several types
        raise _Refused(
            f"不是有效的Parquet文件（{one_line(error)}）",
            "请重新导出这个Parquet文件，或改用Excel（.xlsx）或CSV文件",
        ) from None
    names = tuple(frame.columns)
    frame = frame.select(_parquet_cell(frame, c).alias(f"c{i}") for i, c in enumerate(names))
    frame = frame.with_row_index("_line", offset=2).with_columns(pl.col("_line").cast(pl.Int64))
    frame = _drop_blank(frame)
    header = _Header((1,), names, tuple((header_key(n),) for n in names))
    return header, frame, tuple(f"第{i + 1}列" for i in range(len(names)))


def _parquet_cell(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A typed cell as the text an office would type: 12 not 12.0, seconds without a fraction
    of zeros."""
    dtype = frame.schema[name]
    cell = pl.col(name)
    if dtype.is_nested() or dtype == pl.Object:
        cell = cell.map_elements(str, return_dtype=pl.Utf8)
    else:
        cell = cell.cast(pl.Utf8)
    if dtype.is_float():
        cell = cell.str.replace(r"\.0$", "")
    elif dtype == pl.Datetime or dtype == pl.Time:
        cell = cell.str.replace(r"\.0+$", "")
    return _text_cell(cell)


# ------------------------------------------------------------------------------------- Headers


@cache
def _aliases() -> dict[str, dict[str, str]]:
    """Table → header key → column."""
    return {t.name: column_for(t.name) for t in TABLES}


def _matches(keys: Sequence[Sequence[str]], table: str) -> dict[int, str]:
    """Grid column → the table's column its header names (the first key that names one)."""
    aliases = _aliases()[table]
    found = {}
    for index, tries in enumerate(keys):
        column = next((aliases[k] for k in tries if k in aliases), None)
        if column is not None:
            found[index] = column
    return found


def _score(keys: Sequence[Sequence[str]], table: str) -> int:
    return len(set(_matches(keys, table).values()))


def _best_score(keys: Sequence[Sequence[str]]) -> int:
    return max(_score(keys, t.name) for t in TABLES)


def _row_score(row: Sequence[str | None]) -> int:
    return _best_score([(header_key(c),) if c else () for c in row])


def _find_header(rows: list[tuple[str | None, ...]]) -> _Header | None:
    """The row naming most columns of any one table (the first of equals), joined with the row
    below or above when the two read as one two-row header that names more."""
    if not rows:
        return None
    scores = [_row_score(r) for r in rows]
    best = max(scores)
    if best < MIN_MATCHES:
        return None
    at = scores.index(best)
    found = _single(rows, at)
    for upper in (at, at - 1):
        lower = upper + 1
        if upper < 0 or lower >= len(rows):
            continue
        if not (_headerish(rows[upper]) and _headerish(rows[lower])):
            continue
        joined = _double(rows, upper, lower)
        if _best_score(joined.keys) > _best_score(found.keys):
            found = joined
    return found


def _headerish(row: Sequence[str | None]) -> bool:
    """A row that may be half a header: some text, no cell that reads as a value. Keeps a data
    row from being taken for the header's second row."""
    cells = [c for c in row if c]
    return bool(cells) and not any(VALUE_LIKE.search(c) for c in cells)


def _single(rows: list[tuple[str | None, ...]], at: int) -> _Header:
    row = rows[at]
    return _Header(
        (at + 1,),
        tuple(c or "" for c in row),
        tuple((header_key(c),) if c else () for c in row),
    )


def _double(rows: list[tuple[str | None, ...]], upper: int, lower: int) -> _Header:
    """Two header rows as one: per column the lower cell, the upper or both joined, whichever
    names a column first. A group title merged across columns (整改情况 over 整改期限 and
    整改完成日期) is only in its first cell: it is carried right over the cells below it."""
    ups = _carry_groups(rows[upper], rows[lower])
    texts, keys = [], []
    for up, low in zip(ups, rows[lower], strict=True):
        texts.append(f"{up}/{low}" if up and low else up or low or "")
        tries = [header_key(t) for t in (low, up, (up or "") + (low or "")) if t]
        keys.append(tuple(dict.fromkeys(tries)))
    return _Header((upper + 1, lower + 1), tuple(texts), tuple(keys))


def _carry_groups(upper: Sequence[str | None], lower: Sequence[str | None]) -> list[str | None]:
    """The upper row with each group title copied into the empty cells to its right that have a
    lower cell: the cells its merge spans (calamine leaves them empty)."""
    out: list[str | None] = []
    group = None
    for up, low in zip(upper, lower, strict=True):
        if up:
            group = up if low else None  # a title over a lower cell starts a group
        elif not low:
            group = None
        out.append(up or (group if low else None))
    return out


def _body(grid: _Grid, header: _Header) -> pl.DataFrame:
    """The rows below the header, numbered as Excel shows them, without blank rows."""
    start = max(header.lines)  # 1-based line of the last header row = 0-based index of data
    frame = grid.frame.slice(start - grid.first_line + 1)
    frame = frame.with_row_index("_line", offset=start + 1)
    return _drop_blank(frame.with_columns(pl.col("_line").cast(pl.Int64)))


def _drop_blank(frame: pl.DataFrame) -> pl.DataFrame:
    cells = [c for c in frame.columns if c != "_line"]
    if not cells:
        return frame
    return frame.filter(pl.any_horizontal(pl.col(cells).is_not_null()))


def _no_header(by_file: str | None) -> _Refused:
    table = by_file or "hazards"  # an example when the file's name says nothing
    example = "、".join(_template(table, c.name) for c in TABLES_BY_NAME[table].columns[:3])
    return _Refused(
        "找不到表头",
        f"前{HEADER_ROWS}行里没有一行像表头：请把表头（如 {example}）放在数据上方的一行；"
        "可参考 safetynet template 生成的模板",
    )


# -------------------------------------------------------------------------------------- Tables


def _label(table: str) -> str:
    return f"{TABLE_NAMES[table][0]}表（{table}）"


def _column_label(table: str, column: str) -> str:
    return f"{_template(table, column)}（{column}）"


def _decide(
    file: str, header: _Header, by_file: str | None, by_sheet: str | None
) -> tuple[str, str]:
    """The table and how it was recognised: by the file's name, the sheet's, or the headers."""
    if by_file is not None:
        _check_named(header, by_file, "文件名")
        return by_file, "文件名"
    if by_sheet is not None:
        _check_named(header, by_sheet, "工作表名")
        return by_sheet, "工作表名"
    scores = {t.name: _score(header.keys, t.name) for t in TABLES}
    # most columns named, then the largest share of the table's columns
    ranks = {t.name: (scores[t.name], scores[t.name] / len(t.columns)) for t in TABLES}
    best = max(ranks.values())
    tied = [t for t, rank in ranks.items() if rank == best]  # in the schema's order
    if best[0] >= MIN_MATCHES and len(tied) == 1:
        return tied[0], "表头"
    # No table fits (a Parquet file's own names), or two fit alike
    like = "表头同样像" + "、".join(_label(t) for t in tied) + "：" if best[0] else ""
    example = TABLE_NAMES[tied[0] if best[0] else "hazards"][0] + Path(file).suffix
    raise _Refused(
        "认不出是哪张表",
        f"{like}请把文件改名为表名（如 {example}），或把表头改成模板的表头",
    )


def _required_share(header: _Header, table: Table) -> float:
    required = {c.name for c in table.columns if not c.nullable}
    found = set(_matches(header.keys, table.name).values())
    return len(required & found) / len(required)


def _check_named(header: _Header, named: str, by: str) -> None:
    """A file named for one table whose headers are another's: fewer than half the named
    table's required columns found, more than half of the other's."""
    if _required_share(header, TABLES_BY_NAME[named]) >= 0.5:
        return
    others = [t for t in TABLES if t.name != named]
    other = max(others, key=lambda t: (_score(header.keys, t.name), _required_share(header, t)))
    if _required_share(header, other) <= 0.5:
        return
    raise _Refused(
        f"{by}说是{_label(named)}，表头却是{_label(other.name)}",
        f"请确认文件内容：如果这是{TABLE_NAMES[other.name][0]}表，请把{by}改为“"
        f"{TABLE_NAMES[other.name][0]}”；如果应是{TABLE_NAMES[named][0]}表，请换成"
        f"{TABLE_NAMES[named][0]}表的数据",
        table=named,
    )


# ------------------------------------------------------------------------------------ Assembly


def _assemble(
    file: str,
    sheet: str | None,
    encoding: str | None,
    by_file: str | None,
    by_sheet: str | None,
    header: _Header,
    data: pl.DataFrame,
    names: tuple[str, ...],
) -> tuple[Sheet, list[Finding]]:
    table_name, how = _decide(file, header, by_file, by_sheet)
    table = TABLES_BY_NAME[table_name]
    mapped = _matches(header.keys, table_name)
    _check_duplicates(header, mapped, table_name, names)
    headers = {}
    columns = []
    for column in table.columns:  # schema order
        index = next((i for i, c in mapped.items() if c == column.name), None)
        if index is not None:
            headers[column.name] = header.texts[index] or names[index]
            columns.append(pl.col(f"c{index}").alias(column.name))
    extra: list[str] = []
    taken = {c.name for c in table.columns} | {"_line"}
    for index, text in enumerate(header.texts):
        if index in mapped:
            continue
        if not text and data.get_column(f"c{index}").null_count() == data.height:
            continue  # no header and no data: a column the sheet merely formats
        name = text or names[index]
        if name in taken:  # 备注 twice: the second is told by its place
            name = f"{name}（{names[index]}）"
        taken.add(name)
        extra.append(name)
        columns.append(pl.col(f"c{index}").alias(name))
    frame = data.select(*columns, "_line")
    result = Sheet(
        file, sheet, table_name, how, header.lines, headers, tuple(extra), frame, encoding
    )
    return result, _missing(result, table)


def _check_duplicates(
    header: _Header, mapped: dict[int, str], table: str, names: tuple[str, ...]
) -> None:
    seen: dict[str, int] = {}
    for index, column in mapped.items():
        if column in seen:
            first = seen[column]
            raise _Refused(
                f"两列都对应{_column_label(table, column)}："
                f"“{header.texts[first]}”（{names[first]}）和“{header.texts[index]}”"
                f"（{names[index]}）",
                "删掉其中一列，或把多余的那一列改个名字",
                header.lines[-1],
                table,
                column,
            )
        seen[column] = index


def _missing(sheet: Sheet, table: Table) -> list[Finding]:
    """A finding per required column the file lacks (no line: the whole file is concerned)."""
    return [
        Finding(
            sheet.file,
            f"缺少列：{_column_label(table.name, c.name)}",
            f"在表头（第{sheet.header_lines[-1]}行）加一列“{_template(table.name, c.name)}”，"
            "并填上每一行的值",
            sheet.sheet,
            header=_template(table.name, c.name),
            table=table.name,
            column=c.name,
        )
        for c in table.columns
        if not c.nullable and c.name not in sheet.headers
    ]
