"""One problem an import found, as the office that sent the file will look for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """A problem in an input file: where (file, sheet, the row number Excel shows, the column as
    its header reads), the value (already masked if personal), what is wrong and how to fix it.
    `rows` > 1 when the finding stands for several rows of one kind (a summary)."""

    file: str
    problem: str
    fix: str = ""
    sheet: str | None = None
    line: int | None = None
    header: str = ""
    value: str = ""
    table: str = ""
    column: str = ""
    rows: int = 1
