"""The raw tables as office spreadsheets: blank templates to fill in, and exports of stored data.

One workbook per table, `<中文表名>_<table>.xlsx` (网格_grids.xlsx). Its first sheet, named by the
Chinese table name, has the Chinese headers the import reads, drop-downs on every enumeration
and 是/否 column, codes formatted as text (so 4101020010010001 never becomes 4.10102E+15) and
dates as real Excel dates. Its second sheet, 数据字典, explains every column: meaning, type,
unit, whether it is required, the values allowed, an example and the other headers accepted.

An export writes values so that the import reads back exactly the same data: codes and ids as
text cells, enumerations as their Chinese labels, booleans as 是/否, dates and times as Excel
dates, numbers as numbers and nulls as empty cells. A table Excel cannot hold (more rows than a
sheet has, or a text longer than a cell takes) is written as `<same stem>.csv` instead, UTF-8 with
a BOM, in the same value forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from safetynet.display import width
from safetynet.warehouse.aliases import HEADERS, TABLE_NAMES, template_header
from safetynet.warehouse.schema import POLARS_TYPES, TABLES, TABLES_BY_NAME, Column, Table
from safetynet.warehouse.vocabulary import LABELS

EXCEL_ROWS = 1_048_575  # data rows a sheet holds below its header (1,048,576 in all)
EXCEL_TEXT = 32_767  # UTF-16 units a cell holds; longer text would be cut
TEMPLATE_ROWS = 10_000  # a blank template's drop-downs cover rows 2..10001
LIST_CHARS = 255  # the longest drop-down Excel takes as a literal list; longer ones go to a sheet
SAMPLE_ROWS = 3  # rows of sample data a template shows

DICTIONARY = "数据字典"
OPTIONS = "选项"  # the hidden sheet holding drop-down lists too long to write inline
YES, NO = "是", "否"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
EXCEL_EPOCH_DAYS = 25_569  # Excel's serial number of 1970-01-01 (day 0 is 1899-12-30)

TYPE_NAMES = {
    "VARCHAR": "文本",
    "INTEGER": "整数",
    "DOUBLE": "小数",
    "DATE": "日期",
    "TIMESTAMP": "时间",
    "BOOLEAN": "是否",
}
# The dictionary's columns: a key (the app's column names) and the header the sheet writes.
DICTIONARY_COLUMNS = (
    ("header", "表头"),
    ("field", "字段"),
    ("meaning", "含义"),
    ("type", "类型"),
    ("unit", "单位"),
    ("required", "必填"),
    ("allowed", "可填的值"),
    ("example", "示例"),
    ("aliases", "其他写法"),
)
DICTIONARY_HEADERS = tuple(header for _, header in DICTIONARY_COLUMNS)

# Units as the schema's English docs name them, and as the dictionary writes them; the first one
# found in a doc wins (km² before m²).
UNITS = (
    (r"km²", "平方公里"),
    (r"m²", "平方米"),
    (r"万元", "万元"),
    (r"\bpersons\b", "人"),
    (r"\bhouseholds\b", "户"),
    (r"\bhours\b", "小时"),
    (r"\bdegrees\b", "度"),
    (r"\bpatrols\b", "次"),
    (r"\bitems\b", "项"),
    (r"\borganisations\b", "个"),
)

# Made-up examples for free-text columns with no pattern (codes, labels and numbers are derived).
EXAMPLES = {
    "districts.name_zh": "中原区",
    "districts.name_en": "Zhongyuan",
    "districts.boundary_geojson": '{"type": "MultiPolygon", "coordinates": [...]}',
    "streets.name_zh": "林山寨街道",
    "communities.name_zh": "远航社区",
    "hazards.hazard_id": "H00000001",
    "resource_norms.name_zh": "抽水泵",
    "resource_norms.unit_zh": "台",
    "depots.depot_code": "D410102-01",
    "depots.name_zh": "中原区应急物资储备库",
    "resource_stocks.holder_code": "410102001001",
    "teams.team_id": "T00000001",
    "drills.drill_id": "DR00000001",
    "social_orgs.org_id": "O00000001",
    "shelters.shelter_code": "S00001",
    "shelters.name_zh": "远航社区应急避难场所",
    "whistle_calls.call_id": "W00000001",
}
# A grid of 中原区: its first 6, 9 and 12 digits are the codes of its unit, street and community.
SAMPLE_CODE = "4101020010010001"
EXAMPLE_SHOWN = 40  # characters of a long sample value the dictionary shows


def write_templates(out: Path, samples: Mapping[str, pl.DataFrame] | None = None) -> list[Path]:
    """A blank template of every schema table in `out`, with the first rows of `samples[table]`
    as examples where given. Returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        sample = samples.get(table.name) if samples else None
        rows = sample.head(SAMPLE_ROWS) if sample is not None else _empty(table)
        path = out / f"{file_stem(table.name)}.xlsx"
        written.append(_write_book(path, table, _shown(table, rows)))
    return written


def export(tables: Mapping[str, pl.DataFrame], out: Path) -> list[Path]:
    """The stored tables in template form in `out`, one file each: Excel where it can hold the
    table, CSV where it cannot. Columns not in the schema (_source, _line) are left out."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        table = TABLES_BY_NAME[name]
        shown = _shown(table, frame)
        stem = out / file_stem(name)
        if fits_excel(shown):
            written.append(_write_book(stem.with_suffix(".xlsx"), table, shown))
        else:
            written.append(_write_csv(stem.with_suffix(".csv"), table, shown))
    return written


def file_stem(table: str) -> str:
    """隐患_hazards: the Chinese name an office reads, then the table it is."""
    return f"{TABLE_NAMES[table][0]}_{table}"


def fits_excel(shown: pl.DataFrame) -> bool:
    """Whether a sheet holds the table whole: its rows, and every text within a cell's limit."""
    if shown.height > EXCEL_ROWS:
        return False
    for name, dtype in shown.schema.items():
        if dtype != pl.String:
            continue
        # Only text over half the limit can exceed it in UTF-16 units: count just those exactly.
        long = shown[name].filter(shown[name].str.len_chars() > EXCEL_TEXT // 2)
        if any(len(text.encode("utf-16-le")) // 2 > EXCEL_TEXT for text in long):
            return False
    return True


# --- values as a file shows them -------------------------------------------------------------


def _empty(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema=table.polars_schema)


def _shown(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """The table's columns in schema order as a file shows them: enumerations as Chinese labels,
    booleans as 是/否, the rest as stored. A column the frame lacks comes out empty."""
    return frame.select(_shown_column(table, c, frame.columns) for c in table.columns)


def _shown_column(table: Table, column: Column, present: Sequence[str]) -> pl.Expr:
    if column.name not in present:
        return pl.lit(None, dtype=POLARS_TYPES[column.type]).alias(column.name)
    value = pl.col(column.name)
    if column.values:
        return value.cast(pl.String).replace(_labels(table, column))  # an unknown key shows as is
    if column.type == "BOOLEAN":
        return (
            pl.when(value).then(pl.lit(YES)).when(value.not_()).then(pl.lit(NO)).alias(column.name)
        )
    if column.type == "DOUBLE":
        return value.cast(pl.Float64).fill_nan(None)  # NaN has no cell: it is a missing value
    return value


def _labels(table: Table, column: Column) -> dict[str, str]:
    """Key → Chinese label of an enumeration column."""
    return {key: names[0] for key, names in LABELS[f"{table.name}.{column.name}"].items()}


def _options(table: Table, column: Column) -> list[str]:
    """The values a drop-down offers: the Chinese labels, or 是/否; none for other columns."""
    if column.values:
        return list(_labels(table, column).values())
    return [YES, NO] if column.type == "BOOLEAN" else []


def _excel_values(shown: pl.DataFrame) -> pl.DataFrame:
    """Dates and times as Excel serial numbers (days since 1899-12-30), so the loop writing cells
    writes numbers; worked out for the whole column at once."""
    columns = []
    for name, dtype in shown.schema.items():
        value = pl.col(name)
        if dtype == pl.Date:
            value = value.cast(pl.Int32) + EXCEL_EPOCH_DAYS
        elif isinstance(dtype, pl.Datetime):
            value = value.dt.epoch("us").cast(pl.Float64) / 86_400e6 + EXCEL_EPOCH_DAYS
        elif not (dtype.is_numeric() or dtype == pl.String):
            value = value.cast(pl.String)
        columns.append(value.alias(name))
    return shown.select(columns)


def _write_csv(path: Path, table: Table, shown: pl.DataFrame) -> Path:
    headers = {c.name: template_header(table.name, c.name) for c in table.columns}
    shown.rename(headers).write_csv(
        path,
        include_bom=True,  # Excel reads the Chinese right only with it
        date_format="%Y-%m-%d",
        datetime_format="%Y-%m-%d %H:%M:%S",
    )
    return path


# --- the workbook ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Formats:
    header: Format
    text: Format
    day: Format
    time: Format
    wrap: Format

    @classmethod
    def of(cls, book: xlsxwriter.Workbook) -> _Formats:
        return cls(
            header=book.add_format(
                {"bold": True, "bg_color": "#E8EDF5", "border": 1, "text_wrap": True}
            ),
            text=book.add_format({"num_format": "@"}),
            day=book.add_format({"num_format": DATE_FORMAT}),
            time=book.add_format({"num_format": TIME_FORMAT}),
            wrap=book.add_format({"text_wrap": True, "valign": "top"}),
        )

    def cell(self, column: Column) -> Format | None:
        """A column's cell format: text for every text column (codes stay digits), dates as
        dates; numbers and 是/否 keep Excel's General."""
        return {"VARCHAR": self.text, "DATE": self.day, "TIMESTAMP": self.time}.get(column.type)


def _write_book(path: Path, table: Table, shown: pl.DataFrame) -> Path:
    # constant_memory: rows go to disk as written, so a 300,000-row table stays small in memory.
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    formats = _Formats.of(book)
    sheet = book.add_worksheet(TABLE_NAMES[table.name][0])
    _write_data(sheet, table, shown, formats)
    long_lists = _add_drop_downs(sheet, table, max(TEMPLATE_ROWS, shown.height))
    _write_dictionary(book.add_worksheet(DICTIONARY), table, shown, formats)
    if long_lists:
        _write_options(book.add_worksheet(OPTIONS), long_lists)
    book.close()
    return path


def _write_data(sheet: Worksheet, table: Table, shown: pl.DataFrame, formats: _Formats) -> None:
    cells = [formats.cell(c) for c in table.columns]
    for j, column in enumerate(table.columns):
        header = template_header(table.name, column.name)
        sheet.set_column(j, j, _width(table, column, header), cells[j])
        sheet.write_string(0, j, header, formats.header)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(shown.height, 1), len(table.columns) - 1)
    values = _excel_values(shown)
    writers = [
        _writer(sheet, c, dtype) for c, dtype in zip(table.columns, values.dtypes, strict=True)
    ]
    columns = list(zip(writers, cells, strict=True))
    for i, row in enumerate(values.iter_rows(), start=1):
        for j, (value, (write, cell)) in enumerate(zip(row, columns, strict=True)):
            if value is not None:  # a null stays an empty cell
                write(i, j, value, cell)


class _Exact(float):
    """A float xlsxwriter writes with every digit it needs: it formats numbers with 16
    significant digits, which loses the 17th of a coordinate such as 113.49341587526544, so
    the number read back would differ from the one exported."""

    def __format__(self, spec: str) -> str:
        return float.__repr__(self)


def _writer(
    sheet: Worksheet, column: Column, dtype: pl.DataType
) -> Callable[[int, int, object, Format | None], int]:
    if dtype == pl.String:
        return sheet.write_string
    if column.type == "DOUBLE":  # date serials need no 17th digit: a second is the 11th
        return lambda i, j, value, cell: sheet.write_number(i, j, _Exact(value), cell)
    return sheet.write_number


def _width(table: Table, column: Column, header: str) -> int:
    """Wide enough for the header and for a value of the column's kind."""
    kind = {"DATE": 12, "TIMESTAMP": 17, "BOOLEAN": 6}.get(column.type, 10)
    if column.pattern:
        kind = 19  # 16 digits of a grid code
    widest = [width(header), kind, *map(width, _options(table, column))]
    return min(50, max(widest) + 2)


def _add_drop_downs(sheet: Worksheet, table: Table, rows: int) -> list[list[str]]:
    """A drop-down on every enumeration and 是/否 column; returns the lists too long to write
    inline, which the hidden options sheet holds (column A for the first, B for the next, …)."""
    long_lists: list[list[str]] = []
    last = min(rows, EXCEL_ROWS)
    for j, column in enumerate(table.columns):
        options = _options(table, column)
        if not options:
            continue
        source: list[str] | str = options
        if len(",".join(options)) > LIST_CHARS:
            letter = xl_col_to_name(len(long_lists))
            source = f"='{OPTIONS}'!${letter}$1:${letter}${len(options)}"
            long_lists.append(options)
        sheet.data_validation(
            1,
            j,
            last,
            j,
            {
                "validate": "list",
                "source": source,
                "error_title": "请从下拉列表中选择",
                "error_message": f"「{template_header(table.name, column.name)}」只能填列表中的值。",
            },
        )
    return long_lists


def _write_options(sheet: Worksheet, lists: list[list[str]]) -> None:
    # Row by row: in constant_memory mode a row is final once a later one is written.
    for i in range(max(map(len, lists))):
        for j, options in enumerate(lists):
            if i < len(options):
                sheet.write_string(i, j, options[i])
    sheet.hide()


# --- the data dictionary -----------------------------------------------------------------------


def _write_dictionary(
    sheet: Worksheet, table: Table, shown: pl.DataFrame, formats: _Formats
) -> None:
    rows = dictionary(table, shown)
    widths = [14, 18, 40, 6, 8, 6, 40, 20, 30]
    for j, (header, wide) in enumerate(zip(DICTIONARY_HEADERS, widths, strict=True)):
        sheet.set_column(j, j, wide, formats.wrap)
        sheet.write_string(0, j, header, formats.header)
    sheet.freeze_panes(1, 0)
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            if text:  # nothing to say leaves the cell empty
                sheet.write_string(i, j, text, formats.wrap)


def dictionary(table: Table, shown: pl.DataFrame | None = None) -> list[tuple[str, ...]]:
    """One row per column of the table, as `DICTIONARY_HEADERS` names them; examples from the
    first value of each column of `shown` (values as a file shows them) where there is one."""
    examples = _first_values(shown) if shown is not None else {}
    rows = []
    for column in table.columns:
        header = template_header(table.name, column.name)
        rows.append(
            (
                header,
                column.name,
                f"{header}（{column.doc}）",
                TYPE_NAMES[column.type],
                _unit(column),
                NO if column.nullable else YES,
                "；".join(_allowed(table, column)),
                examples.get(column.name) or _made_up(table, column),
                "、".join(HEADERS[f"{table.name}.{column.name}"][1:]),
            )
        )
    return rows


def _first_values(shown: pl.DataFrame) -> dict[str, str]:
    found = {}
    for name in shown.columns:
        values = shown[name].drop_nulls()
        if len(values):
            found[name] = _example_text(values[0])
    return found


def _example_text(value: object) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    text = f"{value:.10g}" if isinstance(value, float) else str(value)
    return text if len(text) <= EXAMPLE_SHOWN else text[:EXAMPLE_SHOWN] + "…"


def _unit(column: Column) -> str:
    return next((unit for word, unit in UNITS if re.search(word, column.doc)), "")


def _allowed(table: Table, column: Column) -> list[str]:
    """What a value may be, in words: the labels, the code's form, its range, its order."""
    allowed = []
    if column.values:
        labels = _labels(table, column)
        allowed.append("、".join(f"{zh}（{key}）" for key, zh in labels.items()))
    elif column.type == "BOOLEAN":
        allowed.append(f"{YES}、{NO}")
    if column.pattern:
        allowed.append(_pattern_words(column.pattern))
    if column.references:
        other, other_column = column.references.split(".")
        name, header = TABLE_NAMES[other][0], template_header(other, other_column)
        allowed.append(f"须是「{name}」表中已有的{header}")
    if column.type == "DATE":
        later = "可晚于数据日期（期限）" if column.future_ok else "不晚于数据日期"
        allowed.append(f"年-月-日，近{column.history_years}年内，{later}")
    if column.type == "TIMESTAMP":
        allowed.append("年-月-日 时:分")
    if column.bounds:
        allowed.append(f"{column.bounds[0]:g}～{column.bounds[1]:g}")
    elif column.nonneg:
        allowed.append("不小于0")
    allowed.extend(_order_words(table, column))
    return allowed


def _code_form(pattern: str) -> tuple[str, int] | None:
    """4101\\d{12} → ("4101", 16): the fixed leading digits and the length of an all-digit code;
    None for any other pattern."""
    form = re.fullmatch(r"(\d*)((?:\\d(?:\{\d+\})?)+)", pattern)
    if form is None:
        return None
    prefix, rest = form.groups()
    return prefix, len(prefix) + sum(int(n or 1) for n in re.findall(r"\\d(?:\{(\d+)\})?", rest))


def _pattern_words(pattern: str) -> str:
    """4101\\d{12} → 16位数字编码，以4101开头; any other pattern is quoted as it is."""
    form = _code_form(pattern)
    if form is None:
        return f"须符合 {pattern}"
    prefix, digits = form
    return f"{digits}位数字编码，以{prefix}开头" if prefix else f"{digits}位数字编码"


def _order_words(table: Table, column: Column) -> list[str]:
    """The table's a ≤ b rules as this column sees them: 不早于发现日期, 不大于常住人口."""
    timed = column.type in ("DATE", "TIMESTAMP")
    words = []
    for low, high in table.ordered:
        if column.name == high:
            words.append(("不早于" if timed else "不小于") + template_header(table.name, low))
        elif column.name == low:
            words.append(("不晚于" if timed else "不大于") + template_header(table.name, high))
    return words


def _made_up(table: Table, column: Column) -> str:
    """A plausible value for a column with no sample."""
    options = _options(table, column)
    if options:
        return options[0]
    form = _code_form(column.pattern) if column.pattern else None
    if form:
        prefix, digits = form
        code = SAMPLE_CODE if SAMPLE_CODE.startswith(prefix) else prefix.ljust(digits, "1")
        return code[:digits]
    if column.bounds:
        return f"{sum(column.bounds) / 2:g}"
    return {
        "DATE": "2026-11-23",
        "TIMESTAMP": "2026-11-23 09:30",
        "INTEGER": "2026" if column.name == "year" else "120",
        "DOUBLE": "12.5",
    }.get(column.type) or EXAMPLES.get(f"{table.name}.{column.name}", "示例")
