"""Tables as files an office opens: Excel (.xlsx) and CSV (UTF-8 with a BOM, so Excel reads the
Chinese right), with the same columns, headers and filters as the table on the page.

The Excel sheet starts with a block that says what the table is (page, filters, period, as-of
date, when it was exported), then the table with a frozen header and a filter on every column.
Rates are stored as fractions with a percent format, so they stay numbers in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format

from safetynet.app import fmt
from safetynet.app.labels import t
from safetynet.display import width


@dataclass(frozen=True)
class Col:
    """One column of a table as people see it: the frame's column, a header (a text key) and how
    its values read. kind: text, count, number, rate, date."""

    key: str  # may hold {lang}: "reason_{lang}" reads reason_zh or reason_en
    header: str
    kind: str = "text"
    digits: int = 1  # decimals of a number or a rate (in %)

    def column(self, lang: str) -> str:
        return self.key.format(lang=lang)

    def title(self, lang: str) -> str:
        name = t(self.header, lang)
        return name + ("（%）" if lang == "zh" else " (%)") if self.kind == "rate" else name

    def file_title(self, lang: str) -> str:
        """The header in a downloaded file: Chinese, as the offices it goes to read it; under
        the English switch the English name follows ("整改率（%） / Rate (%)")."""
        return self.title("zh") if lang == "zh" else f"{self.title('zh')} / {self.title('en')}"


@dataclass(frozen=True)
class About:
    """What a table is, for the first block of its Excel file and for its file name."""

    page: str
    table: str
    filters: Sequence[tuple[str, str]]  # (name, value) as shown on the page
    period: str
    as_of: date


def _rows(frame: pl.DataFrame, cols: Sequence[Col], lang: str) -> list[tuple[object, ...]]:
    return frame.select([c.column(lang) for c in cols]).rows()


def to_csv(frame: pl.DataFrame, cols: Sequence[Col], lang: str) -> bytes:
    """The table as CSV: a header row, then values; rates in percent (the header says so)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.file_title(lang) for c in cols])
    for row in _rows(frame, cols, lang):
        writer.writerow(_csv_value(v, c) for v, c in zip(row, cols, strict=True))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value: object, col: Col) -> object:
    if value is None:
        return ""
    if col.kind == "rate":
        return round(float(value) * 100, col.digits)  # type: ignore[arg-type]
    if col.kind == "number":
        return round(float(value), col.digits)  # type: ignore[arg-type]
    if col.kind == "count" and isinstance(value, float):
        return round(value)  # a count worked out in floats (residents uncovered) reads whole
    return value


def to_excel(frame: pl.DataFrame, cols: Sequence[Col], lang: str, about: About) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet(sheet_name(about.table))
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    header = book.add_format({"bold": True, "bg_color": "#E8EDF5", "border": 1, "text_wrap": True})
    sheet.write(0, 0, f"{about.page} · {about.table}", title)
    block = [
        *about.filters,
        (t("period", lang), about.period),
        (t("data_as_of", lang), fmt.day(about.as_of, lang)),
        (t("exported_at", lang), f"{datetime.now():%Y-%m-%d %H:%M}"),
    ]
    for i, (name, value) in enumerate(block, start=1):
        sheet.write(i, 0, name, bold)
        sheet.write(i, 1, value)
    top = len(block) + 2
    for j, col in enumerate(cols):
        sheet.write(top, j, col.file_title(lang), header)
        sheet.set_column(j, j, _width(col, lang), _cell_format(book, col))
    for i, row in enumerate(_rows(frame, cols, lang), start=top + 1):
        for j, value in enumerate(row):
            if value is not None:
                sheet.write(i, j, value)
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, top + frame.height, len(cols) - 1)
    book.close()
    return out.getvalue()


def sheet_name(table: str) -> str:
    """A worksheet name Excel accepts: none of []:*?/\\, not starting or ending with an
    apostrophe, at most 31 characters ('Whistle calls: how …' would stop the page)."""
    words = table.translate({ord(ch): " " for ch in "[]:*?/\\"}).split()
    return " ".join(words)[:31].strip("' ") or "Sheet1"


def _cell_format(book: xlsxwriter.Workbook, col: Col) -> Format | None:
    decimals = "." + "0" * col.digits if col.digits else ""
    pattern = {
        "count": "#,##0",
        "number": f"#,##0{decimals}",
        "rate": f"0{decimals}%",
        "date": "yyyy-mm-dd",
    }.get(col.kind)
    return book.add_format({"num_format": pattern}) if pattern else None


def _width(col: Col, lang: str) -> int:
    wide = width(col.file_title(lang))
    return max(10, min(40, wide + 2)) if col.kind != "text" else max(14, min(50, wide + 8))


def file_name(about: About, suffix: str) -> str:
    """'总览-各区县排名-2026年第48周.xlsx': page, table and period, safe on every system."""
    parts = [about.page, about.table, about.period, *(v for _, v in about.filters)]
    stem = "-".join(p for p in parts if p)
    safe = "".join(ch if ch.isalnum() or ch in "-_年月日周第" else "_" for ch in stem)
    return f"{safe[:120]}.{suffix}"
