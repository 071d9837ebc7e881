"""Numbers, weeks and dates as a Zhengzhou official writes them (and as an English reader expects)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from safetynet.weeks import TIME_ZONE

WAN = 10_000


def count(n: float | None, lang: str) -> str:
    """1234 · 1.23万 · 123万 in Chinese; 1,234 · 12,345 in English. None is a dash."""
    if n is None:
        return "—"
    if lang == "zh" and abs(n) >= WAN:
        wan = n / WAN
        return f"{wan:.2f}万" if abs(wan) < 100 else f"{wan:,.0f}万"
    grouping = (
        "" if lang == "zh" else ","
    )  # Chinese reports write 5677, and 1.23万 from ten thousand
    return f"{n:{grouping}.0f}" if float(n).is_integer() else f"{n:{grouping}.1f}"


def rate(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{digits}f}%"


def signed_count(n: float, lang: str) -> str:
    return ("+" if n > 0 else "") + count(n, lang) if n else "0"


def signed_points(x: float, lang: str) -> str:
    """A change of a rate, in percentage points."""
    unit = "个百分点" if lang == "zh" else " pp"
    return f"{x * 100:+.1f}{unit}"


def week(iso_year: int, iso_week: int, lang: str) -> str:
    return f"{iso_year}年第{iso_week}周" if lang == "zh" else f"{iso_year} W{iso_week:02d}"


def week_span(start: date, end: date, lang: str) -> str:
    if lang == "zh":
        return f"{start.month}月{start.day}日—{end.month}月{end.day}日"
    return f"{start:%d %b} – {end:%d %b %Y}"


def day(d: date, lang: str) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d:%d %b %Y}"


def aside(text: str, lang: str) -> str:
    """A parenthetical: full-width brackets in Chinese, a space and round brackets in English."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def number(x: float | None, lang: str) -> str:
    """A measured value at a sensible precision: 0.0469 · 18.0 · 1,234 (1234 in Chinese)."""
    if x is None:
        return "—"
    if abs(x) >= 100:
        return count(round(x), lang)
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.1f}"


def month(first: date, lang: str) -> str:
    """'2026年11月' / 'Nov 2026'."""
    return f"{first.year}年{first.month}月" if lang == "zh" else f"{first:%b %Y}"


def month_to(first: date, end: date, partial: bool, lang: str) -> str:
    """A month as a period: '2026年11月（截至11月29日）' while it is still running."""
    if not partial:
        return month(first, lang)
    to = f"截至{end.month}月{end.day}日" if lang == "zh" else f"to {end:%d %b}"
    return month(first, lang) + aside(to, lang)


def moment(when: datetime | str) -> str:
    """A moment as Beijing time, '2026-12-07 18:30': an ISO text with its offset (import records)
    or a naive datetime in UTC (meta_build, CURRENT.json). A text that is no time shows as is."""
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return when
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return f"{when.astimezone(ZoneInfo(TIME_ZONE)):%Y-%m-%d %H:%M}"
