"""Reading the cells of one spreadsheet column as the type of its schema column.

Cells arrive as text, as Excel or a CSV file gives them, written the way offices write: dates as
2026年11月3日 or Excel serial numbers, counts as "1,234户", enumerations by their Chinese names,
places by name instead of code. `parse` turns a whole column into typed values and lists the cells
it cannot read, each with what is wrong and how to write it instead, in Chinese.

An empty cell (nothing, or only spaces) is null and not listed: the build reports a required
column left empty. Everything else is either read or listed. The work is done by polars
expressions over the whole column (a million rows in well under a second); Python only words the
problem of each distinct unreadable value.

What each kind of column accepts (after NFKC, so full-width digits and letters read as ASCII):

- DATE: 2026-11-03, 2026/11/3, 2026.11.3, 2026年11月3日, 20261103, an Excel serial day (46329 or
  46329.0, not 46329.5), and any written timestamp below (its date in Beijing is kept).
- TIMESTAMP: one of those dates followed by 14:05, 14:05:09, 14:05:09.123 or 14时05分(09秒), with
  a space or "T" between; an Excel serial with a fraction of a day (46329.5 = noon); a date alone
  is midnight. An offset (+08:00, -0500, Z) is converted to Beijing wall-clock time and dropped.
- INTEGER and DOUBLE: "1,234", "１２３", "1.2e3", a unit after the number ("12户", "12.5平方公里"),
  万 or 亿 before it multiplies. A column in 万元 (`*_wan`) reads "120万元" as 120, "1.2亿" as
  12000 and "1200000元" as 120. An INTEGER must be whole ("12.0" is, "2.5" is not).
- BOOLEAN: 是/否, 有/无, √/×, ✓/✗, Y/N, yes/no, true/false, 1/0, in any case.
- Enumerations: the key, its Chinese or English name (vocabulary.LABELS), or the start of one
  Chinese name (two characters or more) that no other name starts with ("重大" → major); case,
  spaces, "_" and "-" do not count.
- Codes (columns with a pattern): digits, with Excel's ".0" dropped. With `names`, any other text
  is read as a place's exact name. Digits that do not fit the pattern, and other text when no
  names are given, pass through for the build's pattern check to report.
- Other text (ids, names, free text): kept as written but stripped of surrounding spaces; the
  text is not otherwise normalised, since it is shown as the office wrote it. One exception: digits
  followed by exactly ".0" lose the ".0", because that is how Excel turns a numeric id into a float
  (1001 → "1001.0"), never how an office writes one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from safetynet.warehouse.schema import (
    COMMUNITY_CODE,
    DISTRICT_CODE,
    GRID_CODE,
    POLARS_TYPES,
    STREET_CODE,
    Column,
)
from safetynet.warehouse.vocabulary import LABELS


@dataclass(frozen=True)
class Unreadable:
    """A cell that holds something but cannot be read as its column's type."""

    index: int  # 0-based position in the input series
    value: str  # the cell as written, spaces and all (the caller masks personal data)
    problem: str  # what is wrong, in Chinese
    fix: str  # how to write it instead, in Chinese


@dataclass(frozen=True)
class _Reader:
    # rows with `cell`, a stripped non-empty text → the same rows with `value`, the typed value,
    # null where the text cannot be read (and with work columns, which `parse` drops)
    read: Callable[[pl.LazyFrame], pl.LazyFrame]
    # a stripped text `read` left null → (problem, fix); None where every text is readable
    explain: Callable[[str], tuple[str, str]] | None


def parse(
    values: pl.Series,
    column: Column,
    table: str,
    names: Mapping[str, str | None] | None = None,
) -> tuple[pl.Series, list[Unreadable]]:
    """The cells of `values` read as `column` of `table`, and the cells that could not be read.

    `names` maps a place's exact name to its code (None where several places share the name);
    a code column then also accepts names. The result has the input's length and name, the dtype
    of the column's type, and null wherever the cell is empty or unreadable.
    """
    reader = _reader(column, table, names)
    stripped = pl.col("raw").str.strip_chars()
    frame = (
        pl.DataFrame({"raw": values.cast(pl.Utf8)})
        .lazy()
        .with_columns(cell=pl.when(stripped != "").then(stripped))
        .pipe(reader.read)
        .select("raw", "cell", pl.col("value").cast(POLARS_TYPES[column.type]))
        .collect()
    )
    parsed = frame["value"].rename(values.name)
    if reader.explain is None:
        return parsed, []
    bad = frame.with_row_index("index").filter(
        pl.col("cell").is_not_null() & pl.col("value").is_null()
    )
    words = {cell: reader.explain(cell) for cell in bad["cell"].unique()}
    return parsed, [
        Unreadable(index, raw, *words[cell])
        for index, raw, cell in bad.select("index", "raw", "cell").iter_rows()
    ]


def _reader(column: Column, table: str, names: Mapping[str, str | None] | None) -> _Reader:
    if column.values:
        return _enumeration(column, table)
    if column.pattern:
        return _code(column.pattern, names)
    wan = column.name.endswith("_wan")
    match column.type:
        case "VARCHAR":
            return _Reader(_each(_text), None)
        case "DATE":
            return _Reader(lambda frame: _date_of(_moment(frame, whole_days=True)), _explain_date)
        case "TIMESTAMP":
            return _Reader(lambda frame: _moment(frame, whole_days=False), _explain_timestamp)
        case "INTEGER":
            return _Reader(lambda frame: _integer(_number(frame, wan)), _explain_integer)
        case "DOUBLE":
            return _Reader(lambda frame: _decimal(_number(frame, wan)), lambda _: _NOT_DECIMAL)
        case "BOOLEAN":
            return _Reader(_each(_boolean), lambda _: _NOT_BOOLEAN)
    raise ValueError(f"{table}.{column.name}: no reader for type {column.type}")


def _each(read: Callable[[pl.Expr], pl.Expr]) -> Callable[[pl.LazyFrame], pl.LazyFrame]:
    """A reader of one expression from the cell to the value."""
    return lambda frame: frame.with_columns(value=read(pl.col("cell")))


def _normal(cell: pl.Expr) -> pl.Expr:
    """NFKC (full-width digits, letters and punctuation as ASCII), stripped again."""
    return cell.str.normalize("NFKC").str.strip_chars()


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


# --- text -----------------------------------------------------------------------------------------


def _text(cell: pl.Expr) -> pl.Expr:
    return cell.str.replace(r"^([0-9]+)\.0$", "${1}")


# --- dates and times ------------------------------------------------------------------------------

# 2026年11月3日14时05分09秒 → 2026-11-3 14:05:09, so one pattern reads both ways of writing.
_MARKS = {"年": "-", "月": "-", "日": " ", "号": " ", "时": ":", "点": ":", "分": ":", "秒": ""}
_MOMENT = re.compile(
    r"^(?:(?P<year>[0-9]{4})"
    r"(?:\s*[-/.]\s*(?P<month>[0-9]{1,2})\s*[-/.]\s*(?P<day>[0-9]{1,2})"
    r"|(?P<mm>[0-9]{2})(?P<dd>[0-9]{2}))"
    r"(?:\s*T?\s*(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{1,2})?"
    r"(?::(?P<second>[0-9]{1,2})(?:\.(?P<fraction>[0-9]{1,9}))?)?:?"
    r"\s*(?P<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
    r"|(?P<serial>[0-9]{1,7}(?:\.[0-9]+)?))$"
)
# Excel counts days from 1899-12-30; its last day is 9999-12-31 (serial 2958465).
_EXCEL_EPOCH = datetime(1899, 12, 30)
_LAST_SERIAL = 2_958_465
_DATE_FIX = "写成 2026-11-03 或 2026年11月3日"
_TIMESTAMP_FIX = "写成 2026-11-03 14:05 或 2026年11月3日14时05分"


def _moment(frame: pl.LazyFrame, whole_days: bool) -> pl.LazyFrame:
    """The Beijing wall-clock time a cell names, written out or as an Excel serial number (a
    whole number of days only, if `whole_days`).

    Each step is a column of its own: polars would otherwise match the pattern once for every
    use of a part."""
    marked = _normal(pl.col("cell")).str.replace_many(_MARKS).str.strip_chars()
    return (
        frame.with_columns(part=marked.str.extract_groups(_MOMENT.pattern))
        .unnest("part")
        .with_columns(
            pl.col("year", "hour").cast(pl.Int32),
            pl.col("minute", "second").cast(pl.Int32).fill_null(0),
            month=pl.coalesce("month", "mm").cast(pl.Int32),
            day=pl.coalesce("day", "dd").cast(pl.Int32),
            micros=pl.col("fraction")
            .str.pad_end(6, "0")
            .str.slice(0, 6)
            .cast(pl.Int64)
            .fill_null(0),
            serial=pl.col("serial").cast(pl.Float64),
        )
        .with_columns(first=_first_of_month(pl.col("year"), pl.col("month")))
        .with_columns(naive=_written())
        .with_columns(value=pl.coalesce(_in_beijing(), _serial(whole_days)))
    )


def _first_of_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    """The first day of a month, null for a month that does not exist (pl.date would raise)."""
    ok = (year >= 1) & month.is_between(1, 12)
    return pl.date(pl.when(ok).then(year), pl.when(ok).then(month), 1)


def _written() -> pl.Expr:
    """The time of the parts as written, null for one that does not exist (2026-02-30, 25:00)."""
    day, hour = pl.col("day"), pl.col("hour").fill_null(0)
    minute, second = pl.col("minute"), pl.col("second")
    exists = (
        day.is_between(1, pl.col("first").dt.days_in_month())
        & hour.is_between(0, 23)
        & minute.is_between(0, 59)
        & second.is_between(0, 59)
    )
    moment = pl.col("first").cast(pl.Datetime("us")) + pl.duration(
        days=day - 1,
        hours=hour,
        minutes=minute,
        seconds=second,
        microseconds=pl.col("micros"),
    )
    return pl.when(exists).then(moment)


def _in_beijing() -> pl.Expr:
    """A time written with an offset from UTC, as Beijing's clock showed it then (Asia/Shanghai
    kept summer time in 1986–1991, so this is no fixed +8 hours); one without, as written."""
    zone, naive = pl.col("zone"), pl.col("naive")
    digits = zone.str.replace_all(":", "", literal=True)
    sign = pl.when(digits.str.starts_with("-")).then(-1).otherwise(1)
    hours = digits.str.slice(1, 2).cast(pl.Int64, strict=False)
    minutes = digits.str.slice(3, 2).cast(pl.Int64, strict=False).fill_null(0)
    offset = pl.when(zone == "Z").then(0).otherwise(sign * (hours * 60 + minutes))
    utc = (naive - pl.duration(minutes=offset)).dt.replace_time_zone("UTC")
    local = utc.dt.convert_time_zone("Asia/Shanghai").dt.replace_time_zone(None)
    return pl.when(zone.is_null()).then(naive).otherwise(local)


def _serial(whole_days: bool) -> pl.Expr:
    """An Excel serial number as a time, rounded to the millisecond (Excel keeps no finer)."""
    number = pl.col("serial")
    ok = (number >= 1) & (number < _LAST_SERIAL + 1)
    if whole_days:
        ok = ok & (number == number.floor())
    millis = (number * 86_400_000).round().cast(pl.Int64)
    epoch = pl.lit(_EXCEL_EPOCH, dtype=pl.Datetime("us"))
    return pl.when(ok).then(epoch + pl.duration(milliseconds=millis))


def _date_of(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.with_columns(pl.col("value").dt.date())


def _explain_date(cell: str) -> tuple[str, str]:
    return ("没有这一天" if _impossible(cell) else "不是日期"), _DATE_FIX


def _explain_timestamp(cell: str) -> tuple[str, str]:
    return ("没有这一天" if _impossible(cell) else "不是日期时间"), _TIMESTAMP_FIX


def _impossible(cell: str) -> bool:
    """Whether a cell is written as a date that does not exist, such as 2026-02-30."""
    marked = _nfkc(_nfkc(cell).translate(str.maketrans(_MARKS)))
    found = _MOMENT.match(marked)
    if found is None or found["year"] is None:
        return False
    try:
        date(
            int(found["year"]), int(found["month"] or found["mm"]), int(found["day"] or found["dd"])
        )
    except ValueError:
        return True
    return False


# --- numbers --------------------------------------------------------------------------------------

# A number (thousands separated by commas or not), then 万 or 亿, then a unit: 1,234 · 1.2万人.
_NUMBER = (
    r"^(?P<number>[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:[eE][+-]?[0-9]+)?)\s*(?P<scale>[万亿])?\s*(?P<unit>[\p{L}°]+[23]?)?$"
)
_NOT_INTEGER = ("不是整数", "写成整数，如 1234 或 1,234")
_NOT_DECIMAL = ("不是数字", "写成数字，如 12.5 或 1,234.5")


def _number(frame: pl.LazyFrame, wan: bool) -> pl.LazyFrame:
    """Adds `digits`, the number as written without separators, and `amount`, its value with
    the factor its 万, 亿 or 元 calls for."""
    text = _normal(pl.col("cell")).str.replace_all("−", "-", literal=True)  # U+2212: NFKC keeps it
    scale, unit = pl.col("scale"), pl.col("unit")
    if wan:  # already in 万元: 万 adds nothing, 亿 is 10,000 万, 元 alone is a 10,000th
        factor = (
            pl.when(scale == "亿")
            .then(1e4)
            .when(scale.is_null() & (unit == "元"))
            .then(1e-4)
            .otherwise(1.0)
        )
    else:
        factor = pl.when(scale == "万").then(1e4).when(scale == "亿").then(1e8).otherwise(1.0)
    return (
        frame.with_columns(part=text.str.extract_groups(_NUMBER))
        .unnest("part")
        .with_columns(digits=pl.col("number").str.replace_all(",", "", literal=True), factor=factor)
        .with_columns(amount=pl.col("digits").cast(pl.Float64, strict=False) * pl.col("factor"))
    )


def _decimal(frame: pl.LazyFrame) -> pl.LazyFrame:
    amount = pl.col("amount")
    return frame.with_columns(value=pl.when(amount.is_finite()).then(amount))


def _integer(frame: pl.LazyFrame) -> pl.LazyFrame:
    """A whole number: exact when written as one; else a float that is one but for float error
    (12.0; 2.01万, which is 20099.999999999996); and within INTEGER's range, so that the
    column's type holds it."""
    amount, whole = pl.col("amount"), pl.col("amount").round()
    exact = pl.when(pl.col("factor") == 1).then(pl.col("digits").cast(pl.Int64, strict=False))
    near = (amount - whole).abs() <= 1e-9 * pl.max_horizontal(amount.abs(), 1.0)
    rounded = pl.when(near & (whole.abs() < 2.0**63)).then(whole.cast(pl.Int64, strict=False))
    value = pl.coalesce(exact, rounded)
    return frame.with_columns(value=pl.when(value.is_between(*_INTEGER_RANGE)).then(value))


_INTEGER_RANGE = (-(2**31), 2**31 - 1)  # DuckDB's INTEGER


def _explain_integer(cell: str) -> tuple[str, str]:
    """Too large for the column, or not a whole number at all."""
    amount = _number(pl.LazyFrame({"cell": [cell]}), wan=False).select("amount").collect().item()
    if amount is not None and abs(amount) > _INTEGER_RANGE[1]:
        return "数字太大", f"整数不能超过 {_INTEGER_RANGE[1]:,}"
    return _NOT_INTEGER


# --- booleans -------------------------------------------------------------------------------------

_TRUE = ("是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "1.0")
_FALSE = ("否", "无", "没有", "×", "✗", "✘", "n", "no", "false", "0", "0.0")
_TRUTH = {word: True for word in _TRUE} | {word: False for word in _FALSE}
_NOT_BOOLEAN = ("不是“是”或“否”", "填 是 或 否（也可填 有/无、√/×、1/0）")


def _boolean(cell: pl.Expr) -> pl.Expr:
    return _normal(cell).str.to_lowercase().replace_strict(_TRUTH, default=None)


# --- enumerations ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """A name as compared: NFKC, lower case, without spaces, "_" and "-" (Forest fire = forest_fire)."""
    return re.sub(r"[\s_\-]", "", unicodedata.normalize("NFKC", text).lower())


def _folded(cell: pl.Expr) -> pl.Expr:
    return cell.str.normalize("NFKC").str.to_lowercase().str.replace_all(r"[\s_\-]", "")


def _enumeration(column: Column, table: str) -> _Reader:
    labels = LABELS.get(f"{table}.{column.name}", {})
    chinese = [labels[key][0] if key in labels else key for key in column.values]
    lookup = _meanings(column.values, labels)
    fix = f"可填：{'、'.join(chinese)}（或 {'、'.join(column.values)}）"
    if not labels:
        fix = f"可填：{'、'.join(column.values)}"
    return _Reader(
        _each(
            lambda cell: _folded(cell).replace_strict(lookup, default=None, return_dtype=pl.Utf8)
        ),
        lambda _: ("不是允许的取值", fix),
    )


def _meanings(keys: tuple[str, ...], labels: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Folded name → the key it means: the key itself, its Chinese and English names, and every
    start (of two characters or more) of a Chinese name that no other Chinese name starts with.
    A whole name wins over a start (区县 "县" is county, not the start of 县级市); a name that
    could mean two keys means none."""
    starts: dict[str, set[str]] = {}
    for key in keys:
        zh = _fold(labels[key][0]) if key in labels else ""
        for end in range(2, len(zh)):
            starts.setdefault(zh[:end], set()).add(key)
    whole: dict[str, set[str]] = {}
    for key in keys:
        for name in (key, *labels.get(key, ())):
            whole.setdefault(_fold(name), set()).add(key)
    meanings = starts | whole
    return {name: next(iter(means)) for name, means in meanings.items() if len(means) == 1}


# --- codes ----------------------------------------------------------------------------------------

_PLACES = {
    DISTRICT_CODE: "县级单位",
    STREET_CODE: "街道乡镇",
    COMMUNITY_CODE: "社区（村）",
    GRID_CODE: "网格",
}


def _code(pattern: str, names: Mapping[str, str | None] | None) -> _Reader:
    """Digits as a code (Excel's ".0" dropped); other text as a place's name, given `names`."""
    codes: dict[str, str | None] = {}  # name as compared (NFKC, stripped) → code, None if shared
    for name, code in (names or {}).items():
        key = _nfkc(name)
        codes[key] = code if codes.get(key, code) == code else None

    def read(cell: pl.Expr) -> pl.Expr:
        nfkc = _normal(cell)
        digits = nfkc.str.replace(r"^([0-9]+)\.0+$", "${1}")
        named = (
            cell
            if names is None
            else nfkc.replace_strict(codes, default=None, return_dtype=pl.Utf8)
        )
        return pl.when(digits.str.contains(r"^[0-9]+$")).then(digits).otherwise(named)

    def explain(cell: str) -> tuple[str, str]:
        if _nfkc(cell) in codes:
            return f"有多个地方叫“{cell}”", "请填写编码"
        place = _PLACES.get(pattern, "地方")
        return f"找不到名为“{cell}”的{place}", "请填写编码或准确名称"

    return _Reader(_each(read), explain)
