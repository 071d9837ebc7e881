"""safetynet.ingest.files.read on the bad-file corpus (tests/corpus/files, written by
tests/corpus/make.py) and on files made here: what it reads, and what it refuses, exactly."""

from __future__ import annotations

import codecs
import importlib.util
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetynet.ingest import files
from safetynet.ingest.files import Sheet, read
from safetynet.ingest.findings import Finding

CORPUS = Path(__file__).parent / "corpus"
FILES = CORPUS / "files"
LIBRARY_MADE = (".xlsx", ".parquet")  # bytes follow the writer's version: compared by content

HAZARD_COLUMNS = [
    "hazard_id",
    "grid_code",
    "category",
    "severity",
    "source",
    "found_date",
    "deadline",
    "rectified_date",
    "supervision_level",
]
HAZARD_HEADERS = {
    "hazard_id": "隐患编号",
    "grid_code": "网格编码",
    "category": "隐患类别",
    "severity": "隐患等级",
    "source": "发现方式",
    "found_date": "发现日期",
    "deadline": "整改期限",
    "rectified_date": "整改完成日期",
    "supervision_level": "挂牌督办",
}
HAZARDS = [
    ("YH-2026-0001", "4101050010010001", "电动自行车违规充电", "一般隐患", "网格巡查",
     "2026-11-03", "2026-11-10", "2026-11-06", None),
    ("YH-2026-0002", "4101050010010002", "燃气安全", "重大隐患", "专项检查",
     "2026-11-04", "2026-12-04", None, "市级挂牌督办"),
    ("YH-2026-0003", "4101050010020001", "防汛内涝", "一般隐患", "群众举报",
     "2026-11-05", "2026-11-20", None, None),
]  # fmt: skip
GRID_COLUMNS = [
    "grid_code",
    "community_code",
    "grid_type",
    "households",
    "workers",
    "has_group",
    "has_squad",
]
GRID_HEADERS = dict(
    zip(
        GRID_COLUMNS,
        ("网格编码", "社区编码", "网格类型", "户数", "网格员数", "专职应急小组", "应急小队"),
        strict=True,
    )
)
GRIDS = [
    ("4101050010010001", "410105001001", "社区网格", "320", "2", "是", "否"),
    ("4101050010010002", "410105001001", "微网格", "85", "1", "否", "是"),
]
NOT_EXCEL = "不是有效的Excel文件（可能已损坏或只保存了一部分）"
NOT_EXCEL_FIX = (
    "请用Excel或WPS打开原文件，确认能正常打开后另存为.xlsx再导入；如果文件设置了密码，请先取消密码"
)
SAVE_AS_CSV = "请用Excel或WPS打开原表，另存为“CSV UTF-8（逗号分隔）”或Excel工作簿（.xlsx）后再导入"


def _lines(rows: list[tuple], first: int) -> list[tuple]:
    return [(*row, first + i) for i, row in enumerate(rows)]


# file → what read gives: the Sheet's fields (frame as columns and rows) and the findings.
READABLE: dict[str, dict[str, Any]] = {
    "隐患台账(GBK).csv": {
        "table": "hazards",
        "how": "文件名",
        "sheet": None,
        "header_lines": (1,),
        "headers": HAZARD_HEADERS,
        "extra": (),
        "columns": [*HAZARD_COLUMNS, "_line"],
        "rows": _lines(HAZARDS, 2),
        "encoding": "gb18030",
    },
    "网格(UTF-8-BOM).csv": {
        "table": "grids",
        "how": "文件名",
        "sheet": None,
        "header_lines": (1,),
        "headers": GRID_HEADERS,
        "extra": (),
        "columns": [*GRID_COLUMNS, "_line"],
        "rows": _lines(GRIDS, 2),
        "encoding": "utf_8_sig",
    },
    "网格(制表符).txt": {
        "table": "grids",
        "how": "文件名",
        "sheet": None,
        "header_lines": (1,),
        "headers": GRID_HEADERS,
        "extra": (),
        "columns": [*GRID_COLUMNS, "_line"],
        "rows": _lines(GRIDS, 2),
        "encoding": "utf_8",
    },
    "网格(Unicode文本).txt": {
        "table": "grids",
        "how": "文件名",
        "sheet": None,
        "header_lines": (1,),
        "headers": GRID_HEADERS,
        "extra": (),
        "columns": [*GRID_COLUMNS, "_line"],
        "rows": _lines(GRIDS, 2),
        "encoding": "utf_16",
    },
    "网格(只有表头).csv": {
        "table": "grids",
        "how": "文件名",
        "sheet": None,
        "header_lines": (1,),
        "headers": GRID_HEADERS,
        "extra": (),
        "columns": [*GRID_COLUMNS, "_line"],
        "rows": [],
        "encoding": "utf_8",
    },
    "社会组织(含姓名).csv": {
        "table": "social_orgs",
        "how": "文件名",
        "sheet": None,
        "header_lines": (1,),
        "headers": {
            "org_id": "组织编号",
            "community_code": "社区编码",
            "org_type": "组织类型",
            "members": "成员人数",
        },
        "extra": ("序号", "姓名"),
        "columns": ["org_id", "community_code", "org_type", "members", "序号", "姓名", "_line"],
        "rows": [
            ("ZZ-0101", "410105001001", "志愿服务", "36", "1", "王某某", 2),
            ("ZZ-0102", "410105001002", "物业服务", "12", "2", "李某", 3),
        ],
        "encoding": "utf_8",
    },
    "隐患台账(缺列).csv": {
        "table": "hazards",
        "how": "文件名",
        "sheet": None,
        "header_lines": (1,),
        "headers": {
            k: v
            for k, v in HAZARD_HEADERS.items()
            if k not in ("source", "deadline", "supervision_level")
        },
        "extra": (),
        "columns": [
            "hazard_id",
            "grid_code",
            "category",
            "severity",
            "found_date",
            "rectified_date",
            "_line",
        ],
        "rows": [
            (
                "YH-2026-0001",
                "4101050010010001",
                "电动自行车违规充电",
                "一般隐患",
                "2026-11-03",
                "2026-11-06",
                2,
            ),
            ("YH-2026-0002", "4101050010010002", "燃气安全", "重大隐患", "2026-11-04", None, 3),
        ],
        "encoding": "utf_8",
        "findings": [
            Finding(
                "隐患台账(缺列).csv",
                "缺少列：发现方式（source）",
                "在表头（第1行）加一列“发现方式”，并填上每一行的值",
                header="发现方式",
                table="hazards",
                column="source",
            ),
            Finding(
                "隐患台账(缺列).csv",
                "缺少列：整改期限（deadline）",
                "在表头（第1行）加一列“整改期限”，并填上每一行的值",
                header="整改期限",
                table="hazards",
                column="deadline",
            ),
        ],
    },
    "隐患台账(标题行).xlsx": {
        "table": "hazards",
        "how": "文件名",
        "sheet": "隐患排查",
        "header_lines": (3,),
        "headers": HAZARD_HEADERS,
        "extra": (),
        "columns": [*HAZARD_COLUMNS, "_line"],
        "rows": _lines(HAZARDS, 4),
        "encoding": None,
    },
    "隐患台账(两行表头).xlsx": {
        "table": "hazards",
        "how": "文件名",
        "sheet": "隐患",
        "header_lines": (1, 2),
        "headers": {
            **HAZARD_HEADERS,
            "deadline": "整改情况/整改期限",
            "rectified_date": "整改情况/整改完成日期",
        },
        "extra": ("备注",),
        "columns": [*HAZARD_COLUMNS, "备注", "_line"],
        "rows": [(*HAZARDS[0], "已复查", 3), (*HAZARDS[1], None, 4)],
        "encoding": None,
    },
    "隐患台账(日期和数字).xlsx": {
        "table": "hazards",
        "how": "文件名",
        "sheet": "隐患",
        "header_lines": (1,),
        "headers": HAZARD_HEADERS,
        "extra": (),
        "columns": [*HAZARD_COLUMNS, "_line"],
        "rows": _lines(HAZARDS, 2),  # 16-digit codes and date cells as typed
        "encoding": None,
    },
    "吹哨报到(时间).xlsx": {
        "table": "whistle_calls",
        "how": "文件名",
        "sheet": "吹哨",
        "header_lines": (1,),
        "headers": {
            "call_id": "吹哨编号",
            "community_code": "社区编码",
            "department": "报到部门",
            "called_at": "吹哨时间",
            "arrived_at": "到达时间",
            "resolved_at": "办结时间",
            "promised_hours": "承诺到达时限（小时）",
        },
        "extra": (),
        "columns": [
            "call_id",
            "community_code",
            "department",
            "called_at",
            "arrived_at",
            "resolved_at",
            "promised_hours",
            "_line",
        ],
        "rows": [
            (
                "CS-0001",
                "410105001001",
                "燃气",
                "2026-11-03 14:05:00",
                "2026-11-03 14:40:00",
                "2026-11-03 17:30:00",
                "2",
                2,
            ),
            ("CS-0002", "410105001002", "供电", "2026-11-04 09:00:00", None, None, "0.5", 3),
        ],
        "encoding": None,
    },
    "巡查记录(空行).xlsx": {
        "table": "inspections",
        "how": "文件名",
        "sheet": "Sheet1",
        "header_lines": (4,),
        "headers": {
            "grid_code": "网格编码",
            "week_start": "周一日期",
            "patrols": "巡查次数",
            "items_checked": "检查项数",
            "items_compliant": "符合项数",
        },
        "extra": ("列G",),  # data without a header, named by its column letter
        "columns": [
            "grid_code",
            "week_start",
            "patrols",
            "items_checked",
            "items_compliant",
            "列G",
            "_line",
        ],
        "rows": [
            ("4101050010010001", "2026-11-02", "3", "12", "11", None, 5),
            ("4101050010010002", "2026-11-02", "2", "12", "12", "抽查", 6),
            ("4101050010020001", "2026-11-09", "1", "8", "6", None, 8),  # row 7 is blank
        ],
        "encoding": None,
    },
    "data1.xlsx": {
        "table": "drills",
        "how": "表头",
        "sheet": "Sheet1",
        "header_lines": (1,),
        "headers": {
            "drill_id": "演练编号",
            "community_code": "社区编码",
            "held_date": "举办日期",
            "kind": "形式",
            "topic": "主题",
            "participants": "参与人数",
            "participants_65plus": "65岁以上参与人数",
            "social_orgs": "参与社会组织数",
        },
        "extra": (),
        "columns": [
            "drill_id",
            "community_code",
            "held_date",
            "kind",
            "topic",
            "participants",
            "participants_65plus",
            "social_orgs",
            "_line",
        ],
        "rows": [
            ("YL-2026-031", "410105001001", "2026-10-18", "演练", "防汛", "126", "34", "2", 2),
            ("YL-2026-032", "410105001002", "2026-10-25", "培训", "急救", "58", "21", "1", 3),
        ],
        "encoding": None,
    },
    "汇总.xlsx": {
        "table": "teams",
        "how": "工作表名",
        "sheet": "应急队伍",  # not the first sheet, 填表说明
        "header_lines": (1,),
        "headers": {
            "team_id": "队伍编号",
            "community_code": "社区编码",
            "team_type": "队伍类型",
            "members": "队员人数",
            "founded_date": "成立日期",
        },
        "extra": (),
        "columns": ["team_id", "community_code", "team_type", "members", "founded_date", "_line"],
        "rows": [
            ("DW-0105-01", "410105001001", "应急小队", "15", "2021-07-25", 2),
            ("DW-0105-02", "410105001002", "志愿者队", "42", "2019-03-12", 3),
        ],
        "encoding": None,
    },
    "hazards.parquet": {
        "table": "hazards",
        "how": "文件名",
        "sheet": None,
        "header_lines": (1,),
        "headers": {c: c for c in HAZARD_COLUMNS},
        "extra": (),
        "columns": [*HAZARD_COLUMNS, "_line"],
        "rows": [
            (
                "YH-2026-0001",
                "4101050010010001",
                "ebike",
                "general",
                "grid_patrol",
                "2026-11-03",
                "2026-11-10",
                "2026-11-06",
                None,
                2,
            ),
            (
                "YH-2026-0002",
                "4101050010010002",
                "gas",
                "major",
                "special_check",
                "2026-11-04",
                "2026-12-04",
                None,
                "city",
                3,
            ),
        ],
        "encoding": None,
    },
}

# file → the one finding read gives instead of a Sheet.
REFUSED: dict[str, Finding] = {
    "隐患台账.xlsx": Finding(
        "隐患台账.xlsx",
        "文件名说是隐患表（hazards），表头却是网格表（grids）",
        "请确认文件内容：如果这是网格表，请把文件名改为“网格”；如果应是隐患表，请换成隐患表的数据",
        "Sheet1",
        table="hazards",
    ),
    "empty.csv": Finding(
        "empty.csv", "文件为空", "文件里没有任何内容（0字节）：请重新导出或保存后再导入"
    ),
    "empty.xlsx": Finding(
        "empty.xlsx",
        "工作表“Sheet1”是空的",
        "这张表里没有表头也没有数据：请选有数据的工作表",
        "Sheet1",
    ),
    "truncated.xlsx": Finding("truncated.xlsx", NOT_EXCEL, NOT_EXCEL_FIX),
    "random.xlsx": Finding("random.xlsx", NOT_EXCEL, NOT_EXCEL_FIX),
    "binary.csv": Finding("binary.csv", "不是文本文件（CSV文件里是二进制数据）", SAVE_AS_CSV),
    "其实是Excel.csv": Finding(
        "其实是Excel.csv",
        "这个.csv文件其实是Excel文件，不是文本（CSV）文件",
        "把扩展名改成.xlsx（旧版Excel为.xls）再导入",
    ),
    "隐患台账.doc": Finding(
        "隐患台账.doc",
        "不支持的文件类型：.doc",
        "请导入Excel（.xlsx/.xlsm/.xls）、CSV（.csv/.txt）或Parquet（.parquet）文件",
    ),
    "隐患台账(网页).xls": Finding(
        "隐患台账(网页).xls",
        "这个.xls文件其实是网页（HTML/XML）格式，不是真正的Excel文件",
        "用Excel或WPS打开它，另存为“Excel工作簿（.xlsx）”后再导入",
    ),
    "data2.csv": Finding(
        "data2.csv",
        "认不出是哪张表",
        "表头同样像县级单位表（districts）、避难场所表（shelters）："
        "请把文件改名为表名（如 县级单位.csv），或把表头改成模板的表头",
    ),
    "隐患台账(重复列).csv": Finding(
        "隐患台账(重复列).csv",
        "两列都对应隐患编号（hazard_id）：“编号”（第1列）和“隐患编号”（第2列）",
        "删掉其中一列，或把多余的那一列改个名字",
        line=1,
        table="hazards",
        column="hazard_id",
    ),
    "no_header.csv": Finding(
        "no_header.csv",
        "找不到表头",
        "前30行里没有一行像表头：请把表头（如 隐患编号、网格编码、隐患类别）放在数据上方的一行；"
        "可参考 safetynet template 生成的模板",
    ),
}


def _load_make() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_make", CORPUS / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _described(sheet: Sheet) -> dict[str, Any]:
    return {
        "table": sheet.table,
        "how": sheet.how,
        "sheet": sheet.sheet,
        "header_lines": sheet.header_lines,
        "headers": sheet.headers,
        "extra": sheet.extra,
        "columns": sheet.frame.columns,
        "rows": sheet.frame.rows(),
        "encoding": sheet.encoding,
    }


def _outcome(path: Path) -> tuple[dict[str, Any] | None, list[Finding]]:
    sheet, findings = read(path)
    return (_described(sheet) if sheet else None), findings


def test_the_corpus_is_covered() -> None:
    assert sorted(p.name for p in FILES.iterdir()) == sorted([*READABLE, *REFUSED])


@pytest.mark.parametrize("name", list(READABLE))
def test_readable(name: str) -> None:
    expected = dict(READABLE[name])
    findings = expected.pop("findings", [])
    sheet, found = read(FILES / name)
    assert sheet is not None, found
    assert _described(sheet) == expected
    assert sheet.file == name
    assert found == findings
    schema = dict.fromkeys(sheet.frame.columns, pl.Utf8) | {"_line": pl.Int64}
    assert dict(sheet.frame.schema) == schema


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused(name: str) -> None:
    assert read(FILES / name) == (None, [REFUSED[name]])


def test_make_reproduces_the_corpus(tmp_path: Path) -> None:
    """Re-running make.py gives the committed files: the same bytes for those written by hand,
    the same reading for those a library writes (its bytes may change with its version)."""
    written = _load_make().make(tmp_path)
    assert [p.name for p in written] == sorted(p.name for p in FILES.iterdir())
    for path in written:
        committed = FILES / path.name
        if path.suffix not in LIBRARY_MADE and path.name != "其实是Excel.csv":
            assert path.read_bytes() == committed.read_bytes(), path.name
        assert _outcome(path) == _outcome(committed), path.name


# ------------------------------------------------------------------------------ files made here


def _csv(path: Path, text: str, encoding: str = "utf_8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


HAZARD_LINE = "隐患编号,网格编码,隐患类别,隐患等级,发现方式,发现日期,整改期限"
HAZARD_ROW = "YH-1,4101050010010001,燃气安全,一般隐患,网格巡查,2026-11-03,2026-11-10"


def test_two_row_header_joined_from_both_cells(tmp_path: Path) -> None:
    """发现 over 日期 is 发现日期; 整改 over 期限 is 整改期限."""
    text = (
        "隐患编号,网格编码,隐患类别,隐患等级,发现方式,发现,整改\n"
        ",,,,,日期,期限\n"
        "YH-1,4101050010010001,燃气安全,一般隐患,网格巡查,2026-11-03,2026-11-10\n"
    )
    sheet, found = read(_csv(tmp_path / "隐患.csv", text))
    assert found == [] and sheet is not None
    assert sheet.header_lines == (1, 2)
    assert sheet.headers["found_date"] == "发现/日期"
    assert sheet.headers["deadline"] == "整改/期限"
    assert sheet.frame.rows() == [(*HAZARD_ROW.split(","), 3)]


def test_a_data_row_is_not_taken_for_a_second_header_row(tmp_path: Path) -> None:
    """The first data row holds 挂牌督办 under 备注, which would name one more column."""
    text = f"{HAZARD_LINE},备注\n{HAZARD_ROW},挂牌督办\n"
    sheet, _ = read(_csv(tmp_path / "隐患.csv", text))
    assert sheet is not None
    assert sheet.header_lines == (1,)
    assert sheet.extra == ("备注",)
    assert sheet.frame.height == 1


def test_semicolons_and_repeated_extra_headers(tmp_path: Path) -> None:
    text = f"{HAZARD_LINE};备注;备注\n{HAZARD_ROW};甲;乙\n".replace(",", ";")
    sheet, _ = read(_csv(tmp_path / "隐患.csv", text))
    assert sheet is not None
    assert sheet.extra == ("备注", "备注（第9列）")
    assert sheet.frame.select("备注", "备注（第9列）").rows() == [("甲", "乙")]


def test_cells_are_trimmed_and_blank_ones_are_null(tmp_path: Path) -> None:
    text = f"{HAZARD_LINE},整改完成日期\n YH-1 ,4101050010010001\u3000,燃气安全,一般隐患,网格巡查,2026-11-03,2026-11-10,  \n"
    sheet, _ = read(_csv(tmp_path / "隐患.csv", text))
    assert sheet is not None
    row = sheet.frame.row(0, named=True)
    assert (row["hazard_id"], row["grid_code"], row["rectified_date"]) == (
        "YH-1",
        "4101050010010001",
        None,
    )


def test_only_blank_rows(tmp_path: Path) -> None:
    sheet, found = read(_csv(tmp_path / "隐患.csv", "\r\n,,,\r\n  ,\r\n"))
    assert sheet is None
    assert [f.problem for f in found] == ["文件里只有空行"]


def test_csv_blank_lines_keep_their_numbers(tmp_path: Path) -> None:
    text = f"\n{HAZARD_LINE}\n{HAZARD_ROW}\n\n,,,\n{HAZARD_ROW.replace('YH-1', 'YH-2')}\n"
    sheet, _ = read(_csv(tmp_path / "隐患.csv", text))
    assert sheet is not None
    assert sheet.header_lines == (2,)
    assert sheet.frame.select("hazard_id", "_line").rows() == [("YH-1", 3), ("YH-2", 6)]


@pytest.mark.parametrize("encoding", ["gbk", "utf_8"])
def test_a_character_cut_at_the_end_of_the_sample(tmp_path: Path, encoding: str) -> None:
    """A file over the 1 MB sample whose last sampled byte starts a two- or three-byte
    character."""
    row = f"{HAZARD_ROW}\n".encode(encoding)
    prefix = f"{HAZARD_LINE}\n".encode(encoding) + row * (files.SAMPLE_BYTES // len(row) - 10)
    last = "YH-x,4101050010010001,燃气安全,一般隐患,网格巡查,2026-11-03,2026-11-10\n"
    before = len(b"YH-x,4101050010010001,")  # bytes of the last row before 燃
    pad = files.SAMPLE_BYTES - 1 - before - len(prefix) - len(b"YH-p,\n")
    data = prefix + b"YH-p," + b"a" * pad + b"\n" + last.encode(encoding)
    assert data[files.SAMPLE_BYTES - 1 : files.SAMPLE_BYTES + 1] == "燃".encode(encoding)[:2]
    path = tmp_path / "隐患.csv"
    path.write_bytes(data)
    sheet, found = read(path)
    assert sheet is not None, found
    assert sheet.encoding == ("gb18030" if encoding == "gbk" else "utf_8")
    assert sheet.frame.get_column("hazard_id").tail(1).to_list() == ["YH-x"]
    assert sheet.frame.get_column("category").tail(1).to_list() == ["燃气安全"]


def test_text_in_another_encoding_past_the_sample(tmp_path: Path) -> None:
    """Two exports pasted together: UTF-8 for the first MB, GBK in a later line."""
    head = f"{HAZARD_LINE}\n{HAZARD_ROW}\n".encode()
    rows = f"{HAZARD_ROW}\n".encode() * (files.SAMPLE_BYTES // len(HAZARD_ROW) + 10)
    data = head + rows + f"{HAZARD_ROW}\n".encode("gbk")
    path = tmp_path / "隐患.csv"
    path.write_bytes(data)
    line = data.count(b"\n")
    assert read(path) == (
        None,
        [
            Finding(
                "隐患.csv",
                f"第{line}行有无法识别的文字（文件其余部分的编码是utf_8）",
                "文件里混有两种编码：" + SAVE_AS_CSV,
                line=line,
            )
        ],
    )


def test_parquet_of_no_table(tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    pl.DataFrame({"a": [1], "b": [2.5]}).write_parquet(path)
    assert read(path) == (
        None,
        [
            Finding(
                "export.parquet",
                "认不出是哪张表",
                "请把文件改名为表名（如 隐患.parquet），或把表头改成模板的表头",
            )
        ],
    )


def test_parquet_types_as_text(tmp_path: Path) -> None:
    path = tmp_path / "吹哨.parquet"
    pl.DataFrame(
        {
            "call_id": ["C1"],
            "community_code": ["410105001001"],
            "department": ["gas"],
            "called_at": [datetime(2026, 11, 3, 14, 5)],
            "promised_hours": [2.0],
            "note": [True],
        }
    ).write_parquet(path)
    sheet, found = read(path)
    assert sheet is not None and found == []
    assert sheet.frame.rows() == [
        ("C1", "410105001001", "gas", "2026-11-03 14:05:00", "2", "true", 2)
    ]
    assert sheet.extra == ("note",)


def test_gbk_past_an_ascii_sample(tmp_path: Path) -> None:
    """The first MB is ASCII (English headers and keys), the Chinese comes later, in GBK."""
    head = "hazard_id,grid_code,category,severity,source,found_date,deadline\n"
    rows = "YH-1,4101050010010001,gas,general,grid_patrol,2026-11-03,2026-11-10\n"
    data = (head + rows * (files.SAMPLE_BYTES // len(rows))).encode()
    assert data[: files.SAMPLE_BYTES].isascii()
    path = tmp_path / "隐患.csv"
    path.write_bytes(data + f"{HAZARD_ROW}\n".encode("gbk"))
    sheet, found = read(path)
    assert sheet is not None, found
    assert sheet.encoding == "gb18030"
    assert sheet.frame.get_column("category").tail(1).to_list() == ["燃气安全"]


def _book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


GRID_ROWS = [list(GRID_HEADERS.values()), list(GRIDS[0])]


def test_a_sheet_asked_for(tmp_path: Path) -> None:
    path = _book(tmp_path / "台账.xlsx", {"说明": [["见第二张表"]], "第二张": GRID_ROWS})
    sheet, _ = read(path, "第二张")
    assert sheet is not None
    assert (sheet.sheet, sheet.table, sheet.how) == ("第二张", "grids", "表头")
    assert read(path, "第三张") == (
        None,
        [
            Finding(
                "台账.xlsx", "找不到工作表“第三张”", "这个文件里的工作表有：说明、第二张", "第三张"
            )
        ],
    )


def test_the_sheet_named_like_the_file_comes_first(tmp_path: Path) -> None:
    path = _book(tmp_path / "网格.xlsx", {"隐患": [["隐患编号"]], "网格": GRID_ROWS})
    sheet, _ = read(path)
    assert sheet is not None and sheet.sheet == "网格"


def test_excel_cell_types_as_text(tmp_path: Path) -> None:
    """Dates, date-times, times, whole and fractional numbers, 16-digit codes, booleans."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["吹哨编号", "社区编码", "报到部门", "吹哨时间", "到达时间", "承诺时限"])
    sheet.append(["C1", 410105001001, "燃气", datetime(2026, 11, 3, 14, 5, 30), time(9, 30), 12.0])
    sheet.append(["C2", 4101050010010001, "供电", date(2026, 11, 3), None, 0.25])
    path = tmp_path / "吹哨.xlsx"
    book.save(path)
    read_sheet, _ = read(path)
    assert read_sheet is not None
    assert read_sheet.frame.drop("_line").rows() == [
        ("C1", "410105001001", "燃气", "2026-11-03 14:05:30", "09:30:00", "12"),
        ("C2", "4101050010010001", "供电", "2026-11-03", None, "0.25"),
    ]


def test_csv_named_xlsx(tmp_path: Path) -> None:
    path = _csv(tmp_path / "网格.xlsx", "网格编码,社区编码\r\n4101050010010001,410105001001\r\n")
    assert read(path)[1][0].problem == "这个.xlsx文件其实是文本（CSV）文件，不是Excel文件"


def test_a_missing_file() -> None:
    assert read(Path("/nonexistent/网格.csv")) == (
        None,
        [Finding("网格.csv", "找不到这个文件", "请核对文件名和位置")],
    )


def test_a_folder(tmp_path: Path) -> None:
    (tmp_path / "网格.csv").mkdir()
    assert read(tmp_path / "网格.csv")[1][0].problem == "不是普通文件"


def test_the_first_sheet_holding_a_table(tmp_path: Path) -> None:
    """No sheet named like a table: the first with a header (a workbook often opens on its
    instructions); none with one: what is wrong with the first."""
    path = _book(
        tmp_path / "台账.xlsx",
        {"填表说明": [["每个网格填一行"]], "空表": [], "Sheet3": GRID_ROWS},
    )
    sheet, _ = read(path)
    assert sheet is not None
    assert (sheet.sheet, sheet.table, sheet.how) == ("Sheet3", "grids", "表头")
    path = _book(tmp_path / "台账2.xlsx", {"填表说明": [["每个网格填一行"]], "空表": []})
    assert read(path)[1] == [
        Finding(
            "台账2.xlsx",
            "找不到表头",
            "前30行里没有一行像表头：请把表头（如 隐患编号、网格编码、隐患类别）放在数据上方的一行；"
            "可参考 safetynet template 生成的模板",
            "填表说明",
        )
    ]


def test_encoding_of_short_gbk_texts() -> None:
    """Short GBK samples that charset-normalizer alone takes for Korean or Big5."""
    for text in ("隐患编号,网格编码\nH1,4101\n", "金水区\n", "整改完成日期\n"):
        assert files._encoding(text.encode("gbk")) == "gb18030"
    assert files._encoding(codecs.BOM_UTF8 + "网格".encode()) == "utf_8_sig"
    assert files._encoding("网格".encode()) == "utf_8"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=400).map(str.encode),
        st.sampled_from([b"PK\x03\x04", files.OLE, b"\xef\xbb\xbf", b"\xff\xfe"]).flatmap(
            lambda head: st.binary(max_size=500).map(lambda rest: head + rest)
        ),
    ),
    suffix=st.sampled_from([".xlsx", ".xls", ".csv", ".txt", ".parquet"]),
)
def test_random_bytes_never_raise(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"x{suffix}"
        path.write_bytes(data)
        sheet, found = read(path)
    assert sheet is not None or found
    assert all(f.problem and f.fix and f.file == path.name for f in found)


def test_number_cells_keep_every_digit(tmp_path: Path) -> None:
    """calamine's text of a number cell stops at 9 decimals (113.5351991); a coordinate must come
    back with every digit the file stores, and a text cell in the same column as it was typed."""
    path = tmp_path / "社区.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "社区"
    book.active.append(["社区编码", "经度", "纬度"])
    book.active.append(["410105001001", 113.5351990999728, 34.79269720468367])
    book.active.append(["410105001002", "113.5度", 34.5])
    book.save(path)
    found, _ = read(path)
    assert found is not None
    assert found.frame.select("lon", "lat").rows() == [
        ("113.5351990999728", "34.79269720468367"),
        ("113.5度", "34.5"),
    ]
