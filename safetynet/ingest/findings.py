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


SHEET_MARK = " › "  # between a file's name and its sheet's, in a record's stored origin
QUOTED_ROWS = 1000  # rows quoted per kind of problem; the rest are counted in one more finding


def more(like: Finding, rows: int) -> Finding:
    """The finding that stands for `rows` more rows with the same problem as `like`."""
    return Finding(
        like.file,
        f"{like.problem}：另有{rows:,}行同样的问题",
        like.fix,
        like.sheet,
        header=like.header,
        table=like.table,
        column=like.column,
        rows=rows,
    )


def capped(findings: list[Finding]) -> list[Finding]:
    """At most QUOTED_ROWS findings per file, column and problem, and one counting the rest:
    a column of a million bad dates is a summary, not a million lines."""
    seen: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        seen.setdefault((finding.file, finding.header, finding.problem), []).append(finding)
    out = []
    for group in seen.values():
        out += group[:QUOTED_ROWS]
        if len(group) > QUOTED_ROWS:
            out.append(more(group[0], sum(f.rows for f in group[QUOTED_ROWS:])))
    return out
