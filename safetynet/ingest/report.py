"""One report per import: a table in the terminal, the same as an .xlsx next to the input, and a
JSON copy in the data folder for the app's 数据 page.

Findings arrive already masked and already capped per problem (with a summary row for the rest);
the terminal shows fewer rows per problem still, and says where the whole list is.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import xlsxwriter

from safetynet.display import width
from safetynet.ingest.findings import Finding
from safetynet.ingest.run import REPORT_NAME, FileResult, Outcome
from safetynet.warehouse import store
from safetynet.warehouse.aliases import TABLE_NAMES

TERMINAL_ROWS = 10  # rows shown per file and problem in the terminal
CELL = 28  # display width a terminal cell is cut to
COLUMNS = (("file", "文件"), ("sheet", "工作表"), ("line", "行"), ("header", "列"),
           ("value", "值"), ("problem", "问题"), ("fix", "修改方法"))  # fmt: skip
SAVED = 20  # import reports kept in the data folder


def reports_dir() -> Path:
    return store.data_dir() / "imports"


def summary_line(result: FileResult) -> str:
    """One line per input file: what it was read as and what became of its rows."""
    where = f"{result.file}" + (f" › {result.sheet}" if result.sheet else "")
    if not result.table:
        return f"{where}：未能读取（见下表）"
    table = f"{TABLE_NAMES[result.table][0]}（{result.table}，按{result.how}识别）"
    parts = [f"{result.rows:,}行", f"新增{result.added:,}", f"替换{result.replaced:,}"]
    if result.dropped:
        parts.append("已删除个人信息列：" + "、".join(result.dropped))
    if result.ignored:
        parts.append("未使用的列：" + "、".join(result.ignored))
    parts.append(f"问题{result.errors:,}处" if result.errors else "无问题")
    return f"{where} → {table}：" + "，".join(parts)


def terminal(outcome: Outcome, saved: Path | None) -> str:
    """The report as text: a line per file, the problems as a table, and the verdict."""
    lines = [summary_line(r) for r in outcome.files]
    other = sorted({f.file for f in outcome.findings} - {r.file for r in outcome.files})
    lines += [f"{name}：见下表" for name in other]
    shown, hidden = _terminal_rows(outcome.findings)
    if shown:
        lines += ["", *_table(shown)]
    if hidden:
        lines.append(f"…… 另有{hidden:,}行未在此显示")
    if saved:
        lines.append(f"完整报告：{saved}")
    total = sum(f.rows for f in outcome.findings)
    if outcome.ok:
        lines.append(f"导入成功：数据版本 {outcome.raw}，仓库 {outcome.version.name}")
    else:
        lines.append(f"导入未完成：共{total:,}处问题，未写入任何数据，仍在使用原有数据。")
    return "\n".join(lines)


def _terminal_rows(findings: list[Finding]) -> tuple[list[Finding], int]:
    seen: Counter[tuple[str, str, str]] = Counter()
    shown, hidden = [], 0
    for finding in findings:
        kind = (finding.file, finding.header, finding.problem)
        seen[kind] += 1
        if seen[kind] <= TERMINAL_ROWS:
            shown.append(finding)
        else:
            hidden += finding.rows
    return shown, hidden


def _table(findings: list[Finding]) -> list[str]:
    rows = [[title for _, title in COLUMNS]]
    rows += [[_cut(_cell(f, key)) for key, _ in COLUMNS] for f in findings]
    widths = [max(width(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return [
        "  ".join(_pad(cell, w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def _cell(finding: Finding, key: str) -> str:
    value = getattr(finding, key)
    return "" if value is None else str(value)


def _cut(text: str) -> str:
    while width(text) > CELL:
        text = text[:-2] + "…"
    return text


def _pad(text: str, room: int) -> str:
    return text + " " * (room - width(text))


def write_xlsx(outcome: Outcome, path: Path) -> Path:
    """The report as a workbook: 问题 (every finding) and 文件 (a line per file)."""
    with xlsxwriter.Workbook(path) as book:
        bold = book.add_format({"bold": True, "bg_color": "#EEF2F7"})
        problems = book.add_worksheet("问题")
        problems.write_row(0, 0, [title for _, title in COLUMNS] + ["行数"], bold)
        for i, finding in enumerate(outcome.findings, start=1):
            problems.write_row(i, 0, [_cell(finding, key) for key, _ in COLUMNS] + [finding.rows])
        problems.freeze_panes(1, 0)
        problems.set_column(0, 1, 18)
        problems.set_column(2, 2, 8)
        problems.set_column(3, 6, 28)
        problems.autofilter(0, 0, max(len(outcome.findings), 1), len(COLUMNS))
        files = book.add_worksheet("文件")
        files.write_column(0, 0, ["概况", *[summary_line(r) for r in outcome.files]], bold)
        files.set_column(0, 0, 120)
    return path


def save(outcome: Outcome, inputs: list[Path]) -> Path | None:
    """Write the .xlsx next to the first input (or into the data folder when that folder cannot
    be written) and the JSON copy for the app; returns the workbook's path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"{REPORT_NAME}{stamp}.xlsx"
    first = inputs[0] if inputs else None
    folder = first if first and first.is_dir() else (first.parent if first else reports_dir())
    workbook = None
    for place in (folder, reports_dir()):
        try:
            place.mkdir(parents=True, exist_ok=True)
            workbook = write_xlsx(outcome, place / name)
            break
        except OSError:
            continue
    _save_json(outcome, stamp, workbook)
    return workbook


def _save_json(outcome: Outcome, stamp: str, workbook: Path | None) -> None:
    folder = reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "at": outcome.at,
        "ok": outcome.ok,
        "warehouse": outcome.version.name if outcome.version else None,
        "raw": outcome.raw,
        "based_on": outcome.based_on,
        "workbook": workbook.name if workbook else None,
        "files": [asdict(r) | {"summary": summary_line(r)} for r in outcome.files],
        "findings": [asdict(f) for f in outcome.findings],
    }
    text = json.dumps(record, ensure_ascii=False, indent=1, default=str)
    (folder / f"{stamp}-{datetime.now():%f}.json").write_text(text + "\n", encoding="utf-8")
    for old in sorted(folder.glob("*.json"), reverse=True)[SAVED:]:
        old.unlink(missing_ok=True)


def latest() -> dict | None:
    """The last import's report, for the app."""
    found = sorted(reports_dir().glob("*.json"), reverse=True) if reports_dir().is_dir() else []
    return json.loads(found[0].read_text(encoding="utf-8")) if found else None
