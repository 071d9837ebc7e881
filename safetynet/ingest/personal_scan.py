"""The personal-data guard of an import, applied in memory before anything is written.

Columns we do not keep are still judged: a column headed like a person's name, phone or address, or
holding ID-card or mobile numbers, stops the import unless the data owner asked for such columns to
be dropped. In the columns we keep, a cell with such a number is an error that no option waives;
it is masked at once, so the number reaches no file, report included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from safetynet.ingest.findings import Finding
from safetynet.warehouse import personal
from safetynet.warehouse.checks import PERSONAL_DATA
from safetynet.warehouse.schema import Table
from safetynet.warehouse.staging import personal_header

if TYPE_CHECKING:
    from safetynet.ingest.files import Sheet
    from safetynet.ingest.run import FileResult

DROP_HINT = "删除此列后重新导入；或确认由系统删除：导入时加 --drop-personal"
NUMBERS = "含身份证号或手机号（已遮盖显示）"


def extra_columns(sheet: Sheet, drop_personal: bool, result: FileResult) -> list[Finding]:
    """Judge every column the table does not have; record what is dropped or ignored."""
    findings = []
    for header in sheet.extra:
        cells = sheet.frame.get_column(header)
        numbers = _with_numbers(cells)
        if not (personal_header(header) or numbers.any()):
            result.ignored.append(header)
        elif drop_personal:
            result.dropped.append(header)
        elif personal_header(header):
            findings.append(_personal_column(sheet, header, cells))
        else:
            findings += _cells(sheet, header, cells, numbers, DROP_HINT)
    return findings


def text_columns(
    sheet: Sheet, table: Table, frame: pl.DataFrame
) -> tuple[pl.DataFrame, list[Finding]]:
    """Free-text columns we keep, with every cell holding a personal number masked, and a
    finding for each such cell."""
    findings = []
    for column in table.columns:
        if not column.free_text or frame.get_column(column.name).null_count() == frame.height:
            continue
        cells = frame.get_column(column.name)
        numbers = _with_numbers(cells)
        if numbers.any():
            header = sheet.headers.get(column.name, column.name)
            findings += _cells(
                sheet, header, cells, numbers, "删除其中的身份证号、手机号：本系统只存统计数据"
            )
            masked = _on(cells, numbers, personal.mask, pl.Utf8)
            frame = frame.with_columns(pl.coalesce(masked, cells).alias(column.name))
    return frame, findings


def _with_numbers(cells: pl.Series) -> pl.Series:
    """Cells holding an ID-card or mobile number: picked by a loose pattern, confirmed in Python
    (check digit, birth date) for the few candidates only."""
    text = cells.cast(pl.Utf8)
    candidate = (
        text.str.replace_all(personal.SEPARATOR, "").str.contains(PERSONAL_DATA).fill_null(False)
    )
    if not candidate.any():
        return candidate
    return _on(text, candidate, lambda v: bool(personal.find(v)), pl.Boolean).fill_null(False)


def _on(cells: pl.Series, chosen: pl.Series, function: Callable, dtype: type) -> pl.Series:
    """`function` of the chosen cells, null elsewhere: Python runs on the few, not the million."""
    only = pl.select(pl.when(chosen).then(cells)).to_series()
    return only.map_elements(function, dtype, skip_nulls=True)


def _cells(
    sheet: Sheet, header: str, cells: pl.Series, numbers: pl.Series, fix: str
) -> list[Finding]:
    lines = sheet.frame.get_column("_line").filter(numbers)
    values = cells.filter(numbers).cast(pl.Utf8)
    return [
        Finding(
            sheet.file,
            NUMBERS,
            fix,
            sheet.sheet,
            int(line),
            header,
            personal.mask(value),
            sheet.table,
        )
        for line, value in zip(lines, values, strict=True)
    ]


def _personal_column(sheet: Sheet, header: str, cells: pl.Series) -> Finding:
    """One finding for the whole column: its cells are never quoted, not even masked."""
    filled = sheet.frame.get_column("_line").filter(
        cells.is_not_null() & (cells.cast(pl.Utf8).str.strip_chars() != "")
    )
    first, last = (int(filled.min()), int(filled.max())) if filled.len() else (None, None)
    span = f"第{first}–{last}行" if first else "（列为空）"
    return Finding(
        sheet.file,
        f"列“{header}”是个人信息（姓名、电话、证件号或住址）{span}",
        DROP_HINT,
        sheet.sheet,
        first,
        header,
        "",
        sheet.table,
        rows=max(filled.len(), 1),
    )
