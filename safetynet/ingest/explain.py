"""The build's check results told the way an office reads them: which file and row (as Excel
numbers it), which column (as its header reads), what is wrong and how to fix it, in Chinese.

The checks themselves stay in warehouse/checks.py, written once; here each kind of problem they
report gets its Chinese wording, and each offending row its way back to the file it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from safetynet.ingest.files import Sheet
from safetynet.ingest.findings import SHEET_MARK, Finding, more
from safetynet.warehouse.aliases import TABLE_NAMES, template_header
from safetynet.warehouse.checks import Problem, quoted
from safetynet.warehouse.schema import TABLES_BY_NAME

STORED = "已存数据"  # rows that came from an earlier import
EMPTY = "empty values"

Wording = Callable[[re.Match[str]], tuple[str, str]]
Cell = tuple[str, str, str, int]  # table, column, file, line


def _table_zh(name: str) -> str:
    return f"{TABLE_NAMES[name][0]}表" if name in TABLE_NAMES else name


# (pattern of a check's English text, its Chinese problem and fix)
WORDINGS: tuple[tuple[str, Wording], ...] = (
    (EMPTY, lambda m: ("必填项为空", "请填写")),
    (
        r"codes not of the form 4101\\d\{(\d+)\}",
        lambda m: ("编码格式不对", f"应为{int(m[1]) + 4}位数字，以4101开头"),
    ),
    (r"values other than (.*)", lambda m: ("不是允许的取值", f"可填：{m[1]}")),
    (r"negative values", lambda m: ("不能为负数", "请填写0或正数")),
    (r"fractions where a whole number belongs", lambda m: ("应为整数", "请填写整数")),
    (
        r"dates more than (\d+) years before the as-of date (\S+)",
        lambda m: (f"日期早于数据截止日期{m[2]}前{m[1]}年", "请核对年份"),
    ),
    (
        r"dates more than (\d+) years after the as-of date (\S+)",
        lambda m: (f"日期晚于数据截止日期{m[2]}后{m[1]}年", "请核对年份"),
    ),
    (
        r"dates after the as-of date (\S+)",
        lambda m: (
            f"日期晚于数据截止日期{m[1]}（未来的日期）",
            "请核对日期；若截止日期不对，导入时用 --as-of 指定",
        ),
    ),
    (
        r"values outside (\S+)–(\S+)",
        lambda m: (f"超出郑州市范围（{m[1]}–{m[2]}）", "请核对经纬度，是否填反"),
    ),
    (r"infinite values", lambda m: ("不是有效数字", "请填写数字")),
    (
        r"personal data",
        lambda m: ("含身份证号或手机号（已遮盖显示）", "删除个人信息；本系统只存统计数据"),
    ),
    (
        r"codes with no row in (\w+)\.parquet",
        lambda m: (
            f"编码在{_table_zh(m[1])}中不存在（含已存数据）",
            f"请核对编码，或先导入{_table_zh(m[1])}",
        ),
    ),
    (r"duplicate keys", lambda m: ("编号重复", "同一编号只能出现一次；重复的行请删去一行")),
    (r"(\w+) after (\w+)", lambda m: ("先后顺序不对", "请核对这两列")),
    (
        r"a supervision level on a general hazard",
        lambda m: ("一般隐患不应挂牌督办，重大隐患必须挂牌督办", "请核对隐患等级和挂牌督办级别"),
    ),
    (r"dates that are not a Monday", lambda m: ("不是星期一", "请填写该周的星期一")),
    (r"rows without a patrol", lambda m: ("巡查次数应至少为1", "未巡查的周不必填写")),
    (
        r"holders that are no community or depot",
        lambda m: ("储备单位既不是社区也不是储备库", "请核对储备单位编码和类型"),
    ),
    (r"has no rows", lambda m: ("没有数据", "首次导入须包含这张表")),
    (r"file missing", lambda m: ("没有数据", "首次导入须包含这张表")),
)


def wording(what: str) -> tuple[str, str]:
    """A check's English text in Chinese, with how to fix it; unknown texts pass unchanged."""
    for pattern, words in WORDINGS:
        match = re.match(pattern, what)
        if match:
            return words(match)
    return what, ""


def masked(value: Any) -> str:
    """A cell as the report shows it: personal numbers masked, long text cut."""
    return "" if value is None else quoted(value).strip('"')


def findings(
    problems: list[Problem], candidate: Path, sheets: list[Sheet], unread: set[Cell]
) -> list[Finding]:
    """One finding per offending row the check quoted, and one more for the rows beyond them.
    A required cell found empty only because its value could not be read (`unread`: table,
    column, file, line) is left out: that cell is already reported, with its value."""
    out = []
    origins: dict[str, pl.DataFrame] = {}  # each table's provenance, read once
    for problem in problems:
        if problem.table not in TABLES_BY_NAME:
            out.append(Finding(problem.source, *wording(problem.what)))
            continue
        if problem.sample and problem.table not in origins:
            columns = ["_source", "_line"]
            origins[problem.table] = pl.read_parquet(
                candidate / f"{problem.table}.parquet", columns=columns
            )
        out += _rows(problem, origins.get(problem.table), sheets, unread)
    return out


def _rows(
    problem: Problem, origin: pl.DataFrame | None, sheets: list[Sheet], unread: set[Cell]
) -> list[Finding]:
    """The problem's quoted rows, each where its file has it, and a count of the rest."""
    text, fix = wording(problem.what)
    if not problem.sample:
        header = _header(problem.table, problem.column, None, sheets)
        return [Finding(_table_zh(problem.table), text, fix, header=header, table=problem.table)]
    imported = {s.file for s in sheets}
    out = []
    for row in problem.sample:
        source, line = origin.row(row["_row"] - 1)
        file, _, sheet = source.partition(SHEET_MARK)
        if file not in imported:  # stored earlier: say so, and from where
            file = f"{STORED}（{file}）"
        if problem.what == EMPTY and (problem.table, problem.column, file, line) in unread:
            continue
        out.append(
            Finding(
                file,
                text,
                fix,
                sheet or None,
                line,
                _header(problem.table, problem.column, file, sheets),
                _value(problem, row),
                problem.table,
                problem.column,
            )
        )
    beyond = problem.rows - len(problem.sample)
    if problem.what == EMPTY:  # the unread cells past the quoted rows are not counted either
        skipped = len(problem.sample) - len(out)
        beyond -= sum(1 for u in unread if u[:2] == (problem.table, problem.column)) - skipped
    if beyond > 0:
        header = _header(problem.table, problem.column, None, sheets)
        like = out[0] if out else Finding(_table_zh(problem.table), text, fix, header=header)
        out.append(more(replace(like, table=problem.table, column=problem.column), beyond))
    return out


def _header(table: str, columns: str, file: str | None, sheets: list[Sheet]) -> str:
    """The problem's column(s) as the file's header reads them (the template's for stored rows)."""
    sheet = next((s for s in sheets if s.file == file and s.table == table), None)
    names = [c.strip() for c in columns.split(",") if c.strip()]
    shown = [sheet.headers.get(c, c) if sheet else _template(table, c) for c in names]
    return "、".join(shown)


def _template(table: str, column: str) -> str:
    try:
        return template_header(table, column)
    except KeyError:
        return column


def _value(problem: Problem, row: dict[str, Any]) -> str:
    names = [c.strip() for c in problem.column.split(",") if c.strip() in row]
    if len(names) == 1:
        return masked(row[names[0]])
    return "，".join(f"{masked(row[c])}" for c in names)
