"""The weekly briefing's words: three to five plain sentences about what changed this week and
what needs attention, written from the figures the page shows (no network, no language model).

Each sentence comes from one small rule that returns a sentence or None: a rule says nothing when
there is nothing to say (no "increased by 0"), and every number it writes is a figure on the page,
a week-on-week difference of one, or a count of weeks or signals, formatted by safetynet.app.fmt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from safetynet.app import fmt

MAX_SENTENCES = 5
MIN_SENTENCES = 3
DROP_FIRST = ("major", "open")  # over the cap, these go first (the brief's order of sacrifice)
MAX_TIED = 3  # at most this many places share "the most"; more and the clause says nothing
LEVEL_RANK = {"red": 1, "orange": 2}  # the briefing shows only these levels, red first


@dataclass(frozen=True)
class Week:
    """One place's headline figures for one ISO week."""

    iso_year: int
    iso_week: int
    new_hazards: int
    open_hazards: int
    major_open: int
    overdue: int
    rectification_rate: float | None  # 0..1, None when nothing was found this year
    compliance_rate: float | None  # 0..1, None when nothing was inspected


@dataclass(frozen=True)
class Child:
    """A unit of the city (or a street of a unit) in this week."""

    name: str
    overdue: int
    major_open: int


@dataclass(frozen=True)
class Alert:
    """A current early-warning signal, orange or red only."""

    level: str  # "red" | "orange"
    level_name: str  # 红色 / Red (as the page shows it)
    place: str  # where, as the page shows it (e.g. "荥阳市锦绣镇振兴社区")
    rule: str  # the rule's name in the language
    weeks_running: int | None  # None for a snapshot rule; 1 means it starts this week


# --- helpers -------------------------------------------------------------------------------------


def _monday(w: Week) -> date:
    return date.fromisocalendar(w.iso_year, w.iso_week, 1)


def _last_week(weeks: list[Week]) -> Week | None:
    """The week before the latest, only if it really is the week before: after a gap in the
    series a difference would not be 'week on week'."""
    if len(weeks) < 2 or (_monday(weeks[-1]) - _monday(weeks[-2])).days != 7:
        return None
    return weeks[-2]


def _rising_run(weeks: list[Week], key: str) -> int:
    """How many consecutive weekly rises of a figure end with the latest week (0 if it did not
    rise this week); a gap in the series ends the run."""
    run = 0
    for i in range(len(weeks) - 1, 0, -1):
        before, after = weeks[i - 1], weeks[i]
        if (_monday(after) - _monday(before)).days != 7:
            break
        if getattr(after, key) <= getattr(before, key):
            break
        run += 1
    return run


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _change(d: int | None, lang: str) -> str | None:
    """'较上周增加3处' / '3 more than last week'; None when there is no last week."""
    if d is None:
        return None
    if d == 0:
        return "与上周持平" if lang == "zh" else "the same as last week"
    n = fmt.count(abs(d), lang)
    if lang == "zh":
        return f"较上周{'增加' if d > 0 else '减少'}{n}处"
    return f"{n} {'more' if d > 0 else 'fewer'} than last week"


def _diff(this: Week, last: Week | None, key: str) -> int | None:
    return None if last is None else getattr(this, key) - getattr(last, key)


def _join(parts: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _most(children: list[Child], key: str, lang: str) -> str | None:
    """'其中新密市最多（312处）' / 'Xinmi has the most (312)': the child with the largest figure.
    Said only when there are children to compare, the largest is above 0, and at most a few tie
    (naming one of several equals would mislead)."""
    if len(children) < 2:
        return None
    top = max(getattr(c, key) for c in children)
    if top <= 0:
        return None
    names = [c.name for c in children if getattr(c, key) == top]
    if len(names) > MAX_TIED:
        return None
    m = fmt.count(top, lang)
    if lang == "zh":
        return f"其中{_join(names, lang)}最多（{'各' if len(names) > 1 else ''}{m}处）"
    verb = "has" if len(names) == 1 else "have"
    return f"{_join(names, lang)} {verb} the most ({m}{' each' if len(names) > 1 else ''})"


def _points(d: float, lang: str) -> str | None:
    """'1.2个百分点' / '1.2 pp', unsigned (the verb carries the sign); None when it rounds to 0.0,
    so the sentence never says 'up 0.0 pp'."""
    text = fmt.signed_points(abs(d), lang).lstrip("+")
    return None if text.startswith("0.0") else text


# --- the rules, one sentence each -----------------------------------------------------------------


def new_hazards(place: str, this: Week, last: Week | None, lang: str) -> str | None:
    """Hazards found this week, against last week; 'none found' when there were none."""
    n, d = this.new_hazards, _diff(this, last, "new_hazards")
    if n == 0 and d == 0:
        d = None  # nothing last week either: '持平' of two zeros says nothing
    change = _change(d, lang)
    if lang == "zh":
        head = f"{place}本周新发现隐患{fmt.count(n, lang)}处" if n else f"{place}本周未发现新隐患"
        return head + (f"，{change}" if change else "") + "。"
    where = f" in {place}" if place else ""
    if n:
        noun = _plural(n, "hazard was", "hazards were")
        head = f"This week {fmt.count(n, lang)} new {noun} found{where}"
    else:
        head = f"No new hazards were found{where} this week"
    return head + (f", {change}" if change else "") + "."


def open_hazards(this: Week, last: Week | None, lang: str) -> str | None:
    """Hazards still open at the end of the week, against last week."""
    n, d = this.open_hazards, _diff(this, last, "open_hazards")
    if n == 0 and d == 0:
        d = None
    change = _change(d, lang)
    if lang == "zh":
        head = f"未整改隐患{fmt.count(n, lang)}处" if n else "无未整改隐患"
        return head + (f"，{change}" if change else "") + "。"
    if n:
        head = f"{fmt.count(n, lang)} {_plural(n, 'hazard remains', 'hazards remain')} open"
    else:
        head = "No hazards remain open"
    return head + (f", {change}" if change else "") + "."


def overdue(weeks: list[Week], last: Week | None, children: list[Child], lang: str) -> str | None:
    """Overdue hazards: the count, the change (or how many weeks it has been rising, which says
    more than one difference), and the child with the most. Nothing when no hazard is open at
    all: 'no open hazards' already says none is overdue."""
    this = weeks[-1]
    n, d = this.overdue, _diff(this, last, "overdue")
    if this.open_hazards == 0 and n == 0:
        return None
    if n == 0:
        change = _change(d if d else None, lang)
        head = "无逾期未整改隐患" if lang == "zh" else "No hazards are overdue"
        sep = "，" if lang == "zh" else ", "
        return head + (f"{sep}{change}" if change else "") + ("。" if lang == "zh" else ".")
    run = _rising_run(weeks, "overdue")
    if run >= 2:
        change = f"连续{run}周上升" if lang == "zh" else f"up for {run} weeks running"
    else:
        change = _change(d, lang)
    most = _most(children, "overdue", lang)
    if lang == "zh":
        parts = [f"逾期未整改{fmt.count(n, lang)}处", change, most]
        return "，".join(p for p in parts if p) + "。"
    head = f"{fmt.count(n, lang)} {_plural(n, 'hazard is', 'hazards are')} overdue"
    head += f", {change}" if change else ""
    return head + (f"; {most}" if most else "") + "."


def major_open(this: Week, last: Week | None, lang: str) -> str | None:
    """Major hazards still open: said only when there are some, or when the number changed. No
    "most" clause: the briefing's table lists the places most overdue, which need not include
    the one with most major hazards, and every name a sentence gives must be on the page."""
    n, d = this.major_open, _diff(this, last, "major_open")
    if n == 0 and not d:
        return None
    change = _change(d, lang)
    if n == 0:
        head = "无未整改重大隐患" if lang == "zh" else "No major hazards are open"
        sep = "，" if lang == "zh" else ", "
        return head + f"{sep}{change}" + ("。" if lang == "zh" else ".")
    if lang == "zh":
        return "，".join(p for p in (f"重大隐患未整改{fmt.count(n, lang)}处", change) if p) + "。"
    head = f"{fmt.count(n, lang)} major {_plural(n, 'hazard is', 'hazards are')} open"
    return head + (f", {change}" if change else "") + "."


def rates(this: Week, last: Week | None, lang: str) -> str | None:
    """The year-to-date rectification rate with its change in points, and this week's inspection
    compliance. In the first ISO week of a year the year-to-date rate starts again from that
    week's hazards alone, so it is not compared with last week's (a fall would be an artefact)."""
    r, c = this.rectification_rate, this.compliance_rate
    if r is None and c is None:
        return None
    zh = lang == "zh"
    if r is None:
        return (
            f"本周检查符合率{fmt.rate(c)}。"
            if zh
            else f"Inspection compliance this week is {fmt.rate(c)}."
        )
    head = (
        f"今年以来隐患整改率{fmt.rate(r)}"
        if zh
        else f"The year-to-date rectification rate is {fmt.rate(r)}"
    )
    if this.iso_week == 1:
        head += "（新的一年重新累计）" if zh else " (counted afresh from the new year)"
    elif (
        last is not None
        and last.iso_year == this.iso_year
        and last.rectification_rate is not None
        and (p := _points(r - last.rectification_rate, lang))
    ):
        up = r > last.rectification_rate
        if zh:
            head += f"，较上周{'提高' if up else '下降'}{p}"
        else:
            head += f", {'up' if up else 'down'} {p} on last week"
    if c is None:
        return head + ("。" if zh else ".")
    return head + (
        f"；检查符合率{fmt.rate(c)}。" if zh else f"; inspection compliance is {fmt.rate(c)}."
    )


def worst_alert(alerts: list[Alert]) -> Alert:
    """The most severe level first; within it a signal new this week is the news, else the one
    that has run longest, else (snapshot rules only) the first as the page lists it."""
    top = min(LEVEL_RANK[a.level] for a in alerts)
    severe = [a for a in alerts if LEVEL_RANK[a.level] == top]
    new = [a for a in severe if a.weeks_running == 1]
    if new:
        return new[0]
    running = [a for a in severe if a.weeks_running is not None]
    return max(running, key=lambda a: a.weeks_running or 0) if running else severe[0]


def alerts_sentence(alerts: list[Alert], lang: str) -> str | None:
    """How many red and orange signals are current, and the one to look at first."""
    shown = [a for a in alerts if a.level in LEVEL_RANK]
    if not shown:
        return None
    counts = {level: sum(a.level == level for a in shown) for level in LEVEL_RANK}
    a = worst_alert(shown)
    k = a.weeks_running
    if lang == "zh":
        names = {"red": "红色", "orange": "橙色"}
        head = "当前" + "、".join(f"{names[lv]}预警{n}条" for lv, n in counts.items() if n)
        if k == 1:
            detail = f"{a.place}本周新出现{a.rule}（{a.level_name}）"
        elif k is None:
            detail = f"{a.place}{a.rule}（{a.level_name}）"
        else:
            detail = f"{a.place}{a.rule}（{a.level_name}）已持续{k}周"
        return head + ("：" if len(shown) == 1 else "，其中") + detail + "。"
    head = " and ".join(f"{n} {lv}" for lv, n in counts.items() if n)
    head += f" early {_plural(len(shown), 'warning is', 'warnings are')} active"
    detail = f"{a.rule} at {a.place} ({a.level_name})"
    if k == 1:
        detail += ", new this week"
    elif k is not None:
        detail += f", {k} weeks running"
    return head + (": " if len(shown) == 1 else ", including ") + detail + "."


def no_alerts(lang: str) -> str:
    """Said only to reach three sentences for a quiet place: a fact, not a filler number."""
    return (
        "当前无红色、橙色预警。" if lang == "zh" else "No red or orange early warnings are active."
    )


# --- the paragraph -------------------------------------------------------------------------------


def sentences(
    place: str, weeks: list[Week], children: list[Child], alerts: list[Alert], lang: str
) -> list[str]:
    """3–5 sentences about the last week of `weeks` (oldest first; the one before it is 'last
    week'). Nothing when there is no week."""
    if not weeks:
        return []
    this, last = weeks[-1], _last_week(weeks)
    rules: list[tuple[str, Callable[[], str | None]]] = [
        ("new", lambda: new_hazards(place, this, last, lang)),
        ("open", lambda: open_hazards(this, last, lang)),
        ("overdue", lambda: overdue(weeks, last, children, lang)),
        ("major", lambda: major_open(this, last, lang)),
        ("rates", lambda: rates(this, last, lang)),
        ("alerts", lambda: alerts_sentence(alerts, lang)),
    ]
    said = [(key, s) for key, rule in rules if (s := rule()) is not None]
    for key in DROP_FIRST:
        if len(said) > MAX_SENTENCES:
            said = [(k, s) for k, s in said if k != key]
    if len(said) < MIN_SENTENCES and not any(k == "alerts" for k, _ in said):
        said.append(("alerts", no_alerts(lang)))  # a quiet place: say plainly there is no signal
    return [s for _, s in said[:MAX_SENTENCES]]
