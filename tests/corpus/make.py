"""Writes the bad-file corpus of `safetynet import` into tests/corpus/files/ (or a folder given).

Each file is one way an office file goes wrong, or one layout the reader must cope with: odd
encodings, title blocks, merged two-row headers, blank rows, date and number cells, damaged or
disguised files. The values are hand-written rows of a Zhengzhou-like city (金水区, 410105…).
The bytes are deterministic: fixed seeds, a fixed workbook date, fixed zip timestamps, so
re-running this script reproduces the committed files (tests/test_ingest_files.py checks it).

    python tests/corpus/make.py [folder]
"""

from __future__ import annotations

import codecs
import io
import random
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import xlsxwriter

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
CREATED = datetime(2026, 1, 1)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

HAZARD_HEADERS = (
    "隐患编号",
    "网格编码",
    "隐患类别",
    "隐患等级",
    "发现方式",
    "发现日期",
    "整改期限",
    "整改完成日期",
    "挂牌督办",
)
HAZARDS = (
    ("YH-2026-0001", "4101050010010001", "电动自行车违规充电", "一般隐患", "网格巡查",
     "2026-11-03", "2026-11-10", "2026-11-06", ""),
    ("YH-2026-0002", "4101050010010002", "燃气安全", "重大隐患", "专项检查",
     "2026-11-04", "2026-12-04", "", "市级挂牌督办"),
    ("YH-2026-0003", "4101050010020001", "防汛内涝", "一般隐患", "群众举报",
     "2026-11-05", "2026-11-20", "", ""),
)  # fmt: skip
GRID_HEADERS = ("网格编码", "社区编码", "网格类型", "户数", "网格员数", "专职应急小组", "应急小队")
GRIDS = (
    ("4101050010010001", "410105001001", "社区网格", "320", "2", "是", "否"),
    ("4101050010010002", "410105001001", "微网格", "85", "1", "否", "是"),
)


# ------------------------------------------------------------------------------------- helpers


def _csv(rows: Sequence[Sequence[str]], delimiter: str = ",") -> str:
    """CSV text as Excel on Windows writes it: CRLF, quotes only where needed."""

    def cell(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)


def _workbook(path: Path, fill: Callable[[xlsxwriter.Workbook], None]) -> None:
    """An .xlsx by xlsxwriter, byte for byte the same on every run (fixed creation date)."""
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": CREATED})
    fill(book)
    book.close()


def _fixed_zip(path: Path) -> None:
    """An openpyxl .xlsx made deterministic: openpyxl stamps the save time into the zip entries
    and docProps/core.xml."""
    with zipfile.ZipFile(path) as source:
        entries = [(i.filename, source.read(i)) for i in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>2026-01-01T00:00:00Z",
                    data,
                )
            target.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)
    path.write_bytes(out.getvalue())


def _rows(sheet: xlsxwriter.worksheet.Worksheet, first: int, rows: Sequence[Sequence[str]]) -> None:
    for r, row in enumerate(rows, start=first):
        for c, value in enumerate(row):
            if value != "":
                sheet.write_string(r, c, value)


# --------------------------------------------------------------------------------------- files


def gbk_csv(out: Path) -> None:
    """隐患台账 exported by Excel on a Chinese Windows: GBK, CRLF."""
    text = _csv((HAZARD_HEADERS, *HAZARDS))
    (out / "隐患台账(GBK).csv").write_bytes(text.encode("gbk"))


def bom_csv(out: Path) -> None:
    """网格 saved as “CSV UTF-8”: a byte-order mark in front."""
    text = _csv((GRID_HEADERS, *GRIDS))
    (out / "网格(UTF-8-BOM).csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf_8"))


def header_only_csv(out: Path) -> None:
    (out / "网格(只有表头).csv").write_bytes(_csv((GRID_HEADERS,)).encode("utf_8"))


def tab_txt(out: Path) -> None:
    """Tab-separated text, UTF-8."""
    (out / "网格(制表符).txt").write_bytes(_csv((GRID_HEADERS, *GRIDS), "\t").encode("utf_8"))


def utf16_txt(out: Path) -> None:
    """Excel's “Unicode 文本” export: UTF-16 LE with a BOM, tab-separated."""
    text = _csv((GRID_HEADERS, *GRIDS), "\t")
    (out / "网格(Unicode文本).txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf_16_le"))


def personal_csv(out: Path) -> None:
    """社会组织 with a row-number column and a person's name: two extra columns."""
    rows = (
        ("序号", "组织编号", "社区编码", "组织类型", "成员人数", "姓名"),
        ("1", "ZZ-0101", "410105001001", "志愿服务", "36", "王某某"),
        ("2", "ZZ-0102", "410105001002", "物业服务", "12", "李某"),
    )
    (out / "社会组织(含姓名).csv").write_bytes(_csv(rows).encode("utf_8"))


def ambiguous_csv(out: Path) -> None:
    """Two headers that fit 县级单位 and 避难场所 alike, in a file named for neither."""
    rows = (("名称", "面积"), ("人民公园应急避难场所", "52000"))
    (out / "data2.csv").write_bytes(_csv(rows).encode("utf_8"))


def duplicate_csv(out: Path) -> None:
    """Two columns both meaning 隐患编号: 编号 and 隐患编号."""
    rows = (("编号", *HAZARD_HEADERS), ("1", *HAZARDS[0]))
    (out / "隐患台账(重复列).csv").write_bytes(_csv(rows).encode("utf_8"))


def missing_csv(out: Path) -> None:
    """隐患台账 without 发现方式 and 整改期限 (required) nor 挂牌督办 (may be empty)."""
    keep = (0, 1, 2, 3, 5, 7)
    rows = [[row[i] for i in keep] for row in (HAZARD_HEADERS, *HAZARDS[:2])]
    (out / "隐患台账(缺列).csv").write_bytes(_csv(rows).encode("utf_8"))


def no_header_csv(out: Path) -> None:
    """Data without its header row."""
    (out / "no_header.csv").write_bytes(_csv(HAZARDS).encode("utf_8"))


def empty_csv(out: Path) -> None:
    (out / "empty.csv").write_bytes(b"")


def binary_csv(out: Path) -> None:
    """A picture named .csv."""
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(7).randbytes(512)
    (out / "binary.csv").write_bytes(data)


def unknown_suffix(out: Path) -> None:
    (out / "隐患台账.doc").write_bytes("隐患编号\t网格编码\r\n".encode("gbk"))


def html_xls(out: Path) -> None:
    """What many systems export as .xls: a web page with a table."""
    cells = "".join(f"<td>{h}</td>" for h in HAZARD_HEADERS)
    page = f'<html><head><meta charset="utf-8"></head><body><table><tr>{cells}</tr></table></body></html>\r\n'
    (out / "隐患台账(网页).xls").write_bytes(page.encode("utf_8"))


def title_block_xlsx(out: Path) -> None:
    """A title merged across the top, a line of who and when, the header on row 3."""

    def fill(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("隐患排查")
        bold = book.add_format({"bold": True, "align": "center"})
        sheet.merge_range(0, 0, 0, 8, "金水区2026年11月安全隐患排查台账", bold)
        sheet.write_string(1, 0, "填报单位：经八路街道办事处")
        sheet.write_string(1, 6, "填报日期：2026年11月5日")
        _rows(sheet, 2, (HAZARD_HEADERS, *HAZARDS))

    _workbook(out / "隐患台账(标题行).xlsx", fill)


def two_row_header_xlsx(out: Path) -> None:
    """A two-row header: 整改情况 merged over 整改期限 and 整改完成日期, the rest merged down."""

    def fill(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("隐患")
        head = book.add_format({"bold": True, "align": "center", "valign": "vcenter"})
        titles = (*HAZARD_HEADERS[:6], None, None, HAZARD_HEADERS[8], "备注")
        for col, title in enumerate(titles):
            if title is not None:
                sheet.merge_range(0, col, 1, col, title, head)
        sheet.merge_range(0, 6, 0, 7, "整改情况", head)
        sheet.write_string(1, 6, "整改期限", head)
        sheet.write_string(1, 7, "整改完成日期", head)
        rows = [(*HAZARDS[0], "已复查"), (*HAZARDS[1], "")]
        _rows(sheet, 2, rows)

    _workbook(out / "隐患台账(两行表头).xlsx", fill)


def wrong_table_xlsx(out: Path) -> None:
    """A file named 隐患台账 that holds the grids."""

    def fill(book: xlsxwriter.Workbook) -> None:
        _rows(book.add_worksheet("Sheet1"), 0, (GRID_HEADERS, *GRIDS))

    _workbook(out / "隐患台账.xlsx", fill)


def empty_xlsx(out: Path) -> None:
    _workbook(out / "empty.xlsx", lambda book: book.add_worksheet("Sheet1"))


def truncated_xlsx(out: Path) -> None:
    """The first half of a good workbook: a copy broken off."""
    whole = (out / "隐患台账(标题行).xlsx").read_bytes()
    (out / "truncated.xlsx").write_bytes(whole[: len(whole) // 2])


def random_xlsx(out: Path) -> None:
    (out / "random.xlsx").write_bytes(random.Random(20261103).randbytes(4096))


def excel_as_csv(out: Path) -> None:
    """A workbook renamed .csv."""
    (out / "其实是Excel.csv").write_bytes((out / "data1.xlsx").read_bytes())


def by_headers_xlsx(out: Path) -> None:
    """演练培训 in a file and a sheet named for nothing: known by its headers only."""
    rows = (
        ("演练编号", "社区编码", "举办日期", "形式", "主题", "参与人数", "65岁以上参与人数",
         "参与社会组织数"),
        ("YL-2026-031", "410105001001", "2026-10-18", "演练", "防汛", "126", "34", "2"),
        ("YL-2026-032", "410105001002", "2026-10-25", "培训", "急救", "58", "21", "1"),
    )  # fmt: skip

    def fill(book: xlsxwriter.Workbook) -> None:
        _rows(book.add_worksheet("Sheet1"), 0, rows)

    _workbook(out / "data1.xlsx", fill)


def by_sheet_xlsx(out: Path) -> None:
    """A workbook whose first sheet is the instructions and whose second, 应急队伍, the teams."""
    rows = (
        ("队伍编号", "社区编码", "队伍类型", "队员人数", "成立日期"),
        ("DW-0105-01", "410105001001", "应急小队", "15", "2021-07-25"),
        ("DW-0105-02", "410105001002", "志愿者队", "42", "2019-03-12"),
    )

    def fill(book: xlsxwriter.Workbook) -> None:
        notes = book.add_worksheet("填表说明")
        notes.write_string(0, 0, "每支队伍填一行；成立日期按年-月-日填写。")
        _rows(book.add_worksheet("应急队伍"), 0, rows)

    _workbook(out / "汇总.xlsx", fill)


def blank_rows_xlsx(out: Path) -> None:
    """巡查记录 by openpyxl: three blank rows on top, a blank row inside the data, the table
    starting in column B, date cells, number cells, and a column with data but no header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    book.properties.creator = "SafetyNet"
    sheet.append([])
    sheet.append([])
    sheet.append([])
    sheet.append([None, "网格编码", "周一日期", "巡查次数", "检查项数", "符合项数"])
    sheet.append([None, "4101050010010001", date(2026, 11, 2), 3, 12, 11])
    sheet.append([None, "4101050010010002", date(2026, 11, 2), 2, 12, 12, "抽查"])
    sheet.append([])
    sheet.append([None, "4101050010020001", date(2026, 11, 9), 1, 8, 6])
    path = out / "巡查记录(空行).xlsx"
    book.save(path)
    _fixed_zip(path)


def dates_numbers_xlsx(out: Path) -> None:
    """隐患台账 typed the Excel way: grid codes as numbers, dates as date cells."""

    def fill(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("隐患")
        day = book.add_format({"num_format": "yyyy/m/d"})
        code = book.add_format({"num_format": "0"})
        for col, title in enumerate(HAZARD_HEADERS):
            sheet.write_string(0, col, title)
        for r, row in enumerate(HAZARDS, start=1):
            sheet.write_string(r, 0, row[0])
            sheet.write_number(r, 1, int(row[1]), code)
            for col in (2, 3, 4, 8):
                if row[col]:
                    sheet.write_string(r, col, row[col])
            for col in (5, 6, 7):
                if row[col]:
                    sheet.write_datetime(r, col, datetime.fromisoformat(row[col]), day)

    _workbook(out / "隐患台账(日期和数字).xlsx", fill)


def times_xlsx(out: Path) -> None:
    """吹哨报到 with date-time cells, a community code as a number and hours as numbers."""
    rows = (
        ("CS-0001", 410105001001, "燃气", datetime(2026, 11, 3, 14, 5), datetime(2026, 11, 3, 14, 40), datetime(2026, 11, 3, 17, 30), 2),
        ("CS-0002", 410105001002, "供电", datetime(2026, 11, 4, 9, 0), None, None, 0.5),
    )  # fmt: skip

    def fill(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("吹哨")
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        headers = ("吹哨编号", "社区编码", "报到部门", "吹哨时间", "到达时间", "办结时间",
                   "承诺到达时限（小时）")  # fmt: skip
        for col, title in enumerate(headers):
            sheet.write_string(0, col, title)
        for r, row in enumerate(rows, start=1):
            sheet.write_string(r, 0, row[0])
            sheet.write_number(r, 1, row[1])
            sheet.write_string(r, 2, row[2])
            for col in (3, 4, 5):
                if row[col] is not None:
                    sheet.write_datetime(r, col, row[col], stamp)
            sheet.write_number(r, 6, row[6])

    _workbook(out / "吹哨报到(时间).xlsx", fill)


def parquet(out: Path) -> None:
    """hazards.parquet as our own export writes it: typed columns, English names."""
    frame = pl.DataFrame(
        {
            "hazard_id": ["YH-2026-0001", "YH-2026-0002"],
            "grid_code": ["4101050010010001", "4101050010010002"],
            "category": ["ebike", "gas"],
            "severity": ["general", "major"],
            "source": ["grid_patrol", "special_check"],
            "found_date": [date(2026, 11, 3), date(2026, 11, 4)],
            "deadline": [date(2026, 11, 10), date(2026, 12, 4)],
            "rectified_date": [date(2026, 11, 6), None],
            "supervision_level": [None, "city"],
        }
    )
    frame.write_parquet(out / "hazards.parquet", statistics=False)


# In order: some files are made from others.
MAKERS = (
    gbk_csv,
    bom_csv,
    header_only_csv,
    tab_txt,
    utf16_txt,
    personal_csv,
    ambiguous_csv,
    duplicate_csv,
    missing_csv,
    no_header_csv,
    empty_csv,
    binary_csv,
    unknown_suffix,
    html_xls,
    title_block_xlsx,
    two_row_header_xlsx,
    wrong_table_xlsx,
    empty_xlsx,
    truncated_xlsx,
    random_xlsx,
    by_headers_xlsx,
    excel_as_csv,
    by_sheet_xlsx,
    blank_rows_xlsx,
    dates_numbers_xlsx,
    times_xlsx,
    parquet,
)


def make(out: Path = FILES) -> list[Path]:
    """Write every corpus file into `out`; the paths written, sorted."""
    out.mkdir(parents=True, exist_ok=True)
    for maker in MAKERS:
        maker(out)
    return sorted(out.iterdir())


if __name__ == "__main__":
    for path in make(Path(sys.argv[1]) if len(sys.argv) > 1 else FILES):
        print(path.name)
