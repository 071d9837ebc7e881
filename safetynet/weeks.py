"""ISO weeks, the period every page is set to (Monday to Sunday, as Chinese reports count them)."""

from __future__ import annotations

from datetime import date, timedelta

TIME_ZONE = "Asia/Shanghai"  # every time in the data, and every time shown, is Beijing time


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def history_start(as_of: date, years: int) -> date:
    """Monday of the week `years` years before the as-of date: the first week of the history."""
    try:
        back = as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February
        back = as_of.replace(year=as_of.year - years, day=28)
    return monday_of(back)


def week_key(monday: date) -> str:
    """'2026-W48': the form a week takes in links and queries."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week_key(key: str) -> date:
    """Monday of a week written as '2026-W48'; ValueError on anything else."""
    if "-W" not in key:
        raise ValueError(f"not an ISO week like 2026-W48: {key!r}")
    return date.fromisoformat(f"{key}-1")
