"""The weekly briefing's sentences, written from hand-made figures: each case states the exact
sentences in Chinese and English, numbers formatted by safetynet.app.fmt as the page shows them.
A property test checks that every number in any paragraph is one of the figures given, a
difference of two of them, or a count of weeks or signals, and that no change of zero is said."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from safetynet.app import fmt
from safetynet.briefing.narrative import Alert, Child, Week, sentences

ZH, EN = "zh", "en"


def wk(
    year: int,
    week: int,
    new: int = 0,
    open_: int = 0,
    major: int = 0,
    overdue: int = 0,
    rect: float | None = None,
    comp: float | None = None,
) -> Week:
    return Week(year, week, new, open_, major, overdue, rect, comp)


def c(n: int, lang: str) -> str:
    return fmt.count(n, lang)


def pts(x: float, lang: str) -> str:
    """An unsigned change of a rate in points, as the sentence writes it after 提高/下降, up/down."""
    return fmt.signed_points(abs(x), lang).lstrip("+")


UNITS_ZH = [Child("新密市", 312, 5), Child("荥阳市", 200, 7), Child("金水区", 90, 0)]
UNITS_EN = [Child("Xinmi", 312, 5), Child("Xingyang", 200, 7), Child("Jinshui", 90, 0)]


# --- rising, falling, unchanged ---------------------------------------------------------------


def test_rising() -> None:
    weeks = [
        wk(2026, 46, new=2400, open_=5600, overdue=1100, rect=0.905, comp=0.96),
        wk(2026, 47, new=12_412, open_=5677, overdue=1090, rect=0.915, comp=0.97),
        wk(2026, 48, new=12_420, open_=5690, overdue=1191, rect=0.921, comp=0.973),
    ]
    assert sentences("郑州市", weeks, UNITS_ZH, [], ZH) == [
        f"郑州市本周新发现隐患{c(12_420, ZH)}处，较上周增加8处。",
        "未整改隐患5690处，较上周增加13处。",
        f"逾期未整改1191处，较上周增加101处，其中新密市最多（{c(312, ZH)}处）。",
        f"今年以来隐患整改率{fmt.rate(0.921)}，较上周提高{pts(0.006, ZH)}；"
        f"检查符合率{fmt.rate(0.973)}。",
    ]
    assert sentences("Zhengzhou", weeks, UNITS_EN, [], EN) == [
        f"This week {c(12_420, EN)} new hazards were found in Zhengzhou, 8 more than last week.",
        f"{c(5690, EN)} hazards remain open, 13 more than last week.",
        f"{c(1191, EN)} hazards are overdue, 101 more than last week; Xinmi has the most (312).",
        f"The year-to-date rectification rate is {fmt.rate(0.921)}, up {pts(0.006, EN)} on last"
        f" week; inspection compliance is {fmt.rate(0.973)}.",
    ]
    assert c(12_420, ZH) == "1.24万" and c(12_420, EN) == "12,420"  # the forms the page shows


def test_falling() -> None:
    weeks = [
        wk(2026, 47, new=2410, open_=5700, major=9, overdue=1200, rect=0.93, comp=0.98),
        wk(2026, 48, new=2408, open_=5677, major=7, overdue=1191, rect=0.921, comp=0.973),
    ]
    assert sentences("郑州市", weeks, UNITS_ZH, [], ZH) == [
        "郑州市本周新发现隐患2408处，较上周减少2处。",
        "未整改隐患5677处，较上周减少23处。",
        "逾期未整改1191处，较上周减少9处，其中新密市最多（312处）。",
        "重大隐患未整改7处，较上周减少2处。",
        f"今年以来隐患整改率{fmt.rate(0.921)}，较上周下降{pts(0.009, ZH)}；"
        f"检查符合率{fmt.rate(0.973)}。",
    ]
    assert sentences("Zhengzhou", weeks, UNITS_EN, [], EN) == [
        "This week 2,408 new hazards were found in Zhengzhou, 2 fewer than last week.",
        "5,677 hazards remain open, 23 fewer than last week.",
        "1,191 hazards are overdue, 9 fewer than last week; Xinmi has the most (312).",
        "7 major hazards are open, 2 fewer than last week.",
        f"The year-to-date rectification rate is {fmt.rate(0.921)}, down {pts(0.009, EN)} on"
        f" last week; inspection compliance is {fmt.rate(0.973)}.",
    ]


def test_unchanged() -> None:
    """Equal counts say 与上周持平; a rate change that rounds to 0.0 points is left out; no
    major hazard this week or last says nothing about them."""
    weeks = [
        wk(2026, 47, new=40, open_=120, overdue=6, rect=0.9012, comp=0.95),
        wk(2026, 48, new=40, open_=120, overdue=6, rect=0.9008, comp=0.95),
    ]
    assert sentences("新密市", weeks, [], [], ZH) == [
        "新密市本周新发现隐患40处，与上周持平。",
        "未整改隐患120处，与上周持平。",
        "逾期未整改6处，与上周持平。",
        f"今年以来隐患整改率{fmt.rate(0.9008)}；检查符合率{fmt.rate(0.95)}。",
    ]
    assert sentences("Xinmi", weeks, [], [], EN) == [
        "This week 40 new hazards were found in Xinmi, the same as last week.",
        "120 hazards remain open, the same as last week.",
        "6 hazards are overdue, the same as last week.",
        f"The year-to-date rectification rate is {fmt.rate(0.9008)};"
        f" inspection compliance is {fmt.rate(0.95)}.",
    ]


def test_overdue_rising_three_weeks_running() -> None:
    weeks = [
        wk(2026, 44, new=30, open_=200, overdue=50),
        wk(2026, 45, new=30, open_=200, overdue=40),
        wk(2026, 46, new=30, open_=200, overdue=41),
        wk(2026, 47, new=30, open_=200, overdue=45),
        wk(2026, 48, new=30, open_=200, overdue=60),
    ]
    zh = sentences("郑州市", weeks, UNITS_ZH, [], ZH)
    en = sentences("Zhengzhou", weeks, UNITS_EN, [], EN)
    assert zh[2] == f"逾期未整改60处，连续3周上升，其中新密市最多（{c(312, ZH)}处）。"
    assert (
        en[2]
        == f"60 hazards are overdue, up for 3 weeks running; Xinmi has the most ({c(312, EN)})."
    )
    # one rise is a difference, not a run
    assert sentences("郑州市", weeks[:3], [], [], ZH)[2] == "逾期未整改41处，较上周增加1处。"
    # a missing week breaks the run (and leaves no 'last week' to compare with)
    gap = [*weeks[:3], wk(2026, 48, new=30, open_=200, overdue=60)]
    assert sentences("郑州市", gap, [], [], ZH)[2] == "逾期未整改60处。"


def test_ties_and_empty_children() -> None:
    """Equal largest figures name every tied child (up to three); none above 0 names none."""
    weeks = [wk(2026, 48, new=3, open_=9, overdue=4)]
    tied = [Child("中原区", 2, 0), Child("二七区", 2, 0), Child("上街区", 0, 0)]
    assert sentences("郑州市", weeks, tied, [], ZH)[2] == (
        "逾期未整改4处，其中中原区、二七区最多（各2处）。"
    )
    tied_en = [Child("Zhongyuan", 2, 0), Child("Erqi", 2, 0), Child("Shangjie", 0, 0)]
    assert sentences("Zhengzhou", weeks, tied_en, [], EN)[2] == (
        "4 hazards are overdue; Zhongyuan and Erqi have the most (2 each)."
    )
    many = [Child(f"街道{ch}", 1, 0) for ch in "甲乙丙丁"]
    assert sentences("郑州市", weeks, many, [], ZH)[2] == "逾期未整改4处。"


# --- early-warning signals ----------------------------------------------------------------------


ALERT_WEEKS = [wk(2026, 47, new=10, open_=30), wk(2026, 48, new=10, open_=30)]


def test_a_rule_starting_this_week_is_the_news() -> None:
    zh = [
        Alert("orange", "橙色", "金水区经八路街道", "隐患整改率偏低", 9),
        Alert("red", "红色", "二七区建中街街道", "逾期隐患持续上升", 6),
        Alert("red", "红色", "荥阳市锦绣镇振兴社区", "重大隐患逾期未整改", 1),
    ]
    assert sentences("郑州市", ALERT_WEEKS, [], zh, ZH)[-1] == (
        "当前红色预警2条、橙色预警1条，其中荥阳市锦绣镇振兴社区本周新出现重大隐患逾期未整改（红色）。"
    )
    en = [
        Alert("orange", "Orange", "Jingbalu, Jinshui", "Low rectification rate", 9),
        Alert("red", "Red", "Jianzhongjie, Erqi", "Overdue hazards rising", 6),
        Alert("red", "Red", "Zhenxing, Jinxiu, Xingyang", "Major hazard overdue", 1),
    ]
    assert sentences("Zhengzhou", ALERT_WEEKS, [], en, EN)[-1] == (
        "2 red and 1 orange early warnings are active, including"
        " Major hazard overdue at Zhenxing, Jinxiu, Xingyang (Red), new this week."
    )


def test_otherwise_the_longest_running_or_a_snapshot() -> None:
    longest = [
        Alert("orange", "橙色", "金水区经八路街道", "隐患整改率偏低", 4),
        Alert("orange", "橙色", "二七区建中街街道", "逾期隐患持续上升", 11),
    ]
    assert sentences("郑州市", ALERT_WEEKS, [], longest, ZH)[-1] == (
        "当前橙色预警2条，其中二七区建中街街道逾期隐患持续上升（橙色）已持续11周。"
    )
    one = [Alert("red", "Red", "Zhenxing, Jinxiu, Xingyang", "Flood supplies short", None)]
    assert sentences("Zhengzhou", ALERT_WEEKS, [], one, EN)[-1] == (
        "1 red early warning is active: Flood supplies short at Zhenxing, Jinxiu, Xingyang (Red)."
    )
    running = [Alert("orange", "Orange", "Jingbalu, Jinshui", "Low rectification rate", 4)]
    assert sentences("Zhengzhou", ALERT_WEEKS, [], running, EN)[-1] == (
        "1 orange early warning is active: Low rectification rate at Jingbalu, Jinshui (Orange),"
        " 4 weeks running."
    )


# --- quiet places, year boundaries, missing rates, the cap ------------------------------------


def test_a_unit_with_no_hazards_at_all() -> None:
    weeks = [wk(2026, 47), wk(2026, 48)]
    children = [Child("上街区", 0, 0), Child("惠济区", 0, 0)]
    assert sentences("上街区", weeks, children, [], ZH) == [
        "上街区本周未发现新隐患。",
        "无未整改隐患。",
        "当前无红色、橙色预警。",
    ]
    assert sentences("Shangjie", weeks, children, [], EN) == [
        "No new hazards were found in Shangjie this week.",
        "No hazards remain open.",
        "No red or orange early warnings are active.",
    ]
    assert sentences("上街区", [], [], [], ZH) == []  # no data: nothing to say


def test_going_to_zero_says_so_with_the_fall() -> None:
    weeks = [wk(2026, 47, new=5, open_=8, major=2, overdue=3), wk(2026, 48, open_=4)]
    assert sentences("上街区", weeks, [], [], ZH) == [
        "上街区本周未发现新隐患，较上周减少5处。",
        "未整改隐患4处，较上周减少4处。",
        "无逾期未整改隐患，较上周减少3处。",
        "无未整改重大隐患，较上周减少2处。",
    ]
    assert sentences("Shangjie", weeks, [], [], EN) == [
        "No new hazards were found in Shangjie this week, 5 fewer than last week.",
        "4 hazards remain open, 4 fewer than last week.",
        "No hazards are overdue, 3 fewer than last week.",
        "No major hazards are open, 2 fewer than last week.",
    ]


def test_first_week_of_a_year_does_not_compare_the_year_to_date_rate() -> None:
    """2026 has 53 ISO weeks: 2027-W01 follows 2026-W53, and the year-to-date rate restarts."""
    assert date.fromisocalendar(2026, 53, 1) + timedelta(weeks=1) == date.fromisocalendar(
        2027, 1, 1
    )
    weeks = [
        wk(2026, 53, new=1800, open_=5000, overdue=900, rect=0.95, comp=0.97),
        wk(2027, 1, new=1900, open_=5100, overdue=880, rect=0.30, comp=0.96),
    ]
    zh = sentences("郑州市", weeks, [], [], ZH)
    en = sentences("Zhengzhou", weeks, [], [], EN)
    assert zh == [
        "郑州市本周新发现隐患1900处，较上周增加100处。",
        "未整改隐患5100处，较上周增加100处。",
        "逾期未整改880处，较上周减少20处。",
        f"今年以来隐患整改率{fmt.rate(0.30)}（新的一年重新累计）；检查符合率{fmt.rate(0.96)}。",
    ]
    assert en == [
        "This week 1,900 new hazards were found in Zhengzhou, 100 more than last week.",
        "5,100 hazards remain open, 100 more than last week.",
        "880 hazards are overdue, 20 fewer than last week.",
        f"The year-to-date rectification rate is {fmt.rate(0.30)} (counted afresh from the new"
        f" year); inspection compliance is {fmt.rate(0.96)}.",
    ]


def test_a_missing_rate_is_left_out() -> None:
    weeks = [wk(2026, 47, new=2, open_=2, rect=0.5, comp=0.9), wk(2026, 48, new=1, open_=1)]
    no_rect = [weeks[0], wk(2026, 48, new=1, open_=1, comp=0.875)]
    assert sentences("上街区", no_rect, [], [], ZH)[-1] == f"本周检查符合率{fmt.rate(0.875)}。"
    assert sentences("Shangjie", no_rect, [], [], EN)[-1] == (
        f"Inspection compliance this week is {fmt.rate(0.875)}."
    )
    no_comp = [weeks[0], wk(2026, 48, new=1, open_=1, rect=0.6)]
    assert sentences("上街区", no_comp, [], [], ZH)[-1] == (
        f"今年以来隐患整改率{fmt.rate(0.6)}，较上周提高{pts(0.1, ZH)}。"
    )
    assert sentences("Shangjie", no_comp, [], [], EN)[-1] == (
        f"The year-to-date rectification rate is {fmt.rate(0.6)}, up {pts(0.1, EN)} on last week."
    )
    # last week's rate missing: this week's is said, without a change
    no_last = [wk(2026, 47, new=2, open_=2), wk(2026, 48, new=1, open_=1, rect=0.6)]
    assert sentences("上街区", no_last, [], [], ZH)[-1] == f"今年以来隐患整改率{fmt.rate(0.6)}。"
    # both missing: no rate sentence at all
    assert not any("率" in s for s in sentences("上街区", weeks, [], [], ZH))


def test_more_than_five_sentences_drop_the_major_hazards_first() -> None:
    weeks = [
        wk(2026, 47, new=2410, open_=5700, major=9, overdue=1200, rect=0.93, comp=0.98),
        wk(2026, 48, new=2408, open_=5677, major=12, overdue=1191, rect=0.921, comp=0.973),
    ]
    alerts = [Alert("red", "红色", "金水区经八路街道", "隐患整改率偏低", 3)]
    zh = sentences("郑州市", weeks, UNITS_ZH, alerts, ZH)
    assert zh == [
        "郑州市本周新发现隐患2408处，较上周减少2处。",
        "未整改隐患5677处，较上周减少23处。",
        "逾期未整改1191处，较上周减少9处，其中新密市最多（312处）。",
        f"今年以来隐患整改率{fmt.rate(0.921)}，较上周下降{pts(0.009, ZH)}；"
        f"检查符合率{fmt.rate(0.973)}。",
        "当前红色预警1条：金水区经八路街道隐患整改率偏低（红色）已持续3周。",
    ]
    alerts_en = [Alert("red", "Red", "Jingbalu, Jinshui", "Low rectification rate", 3)]
    en = sentences("Zhengzhou", weeks, UNITS_EN, alerts_en, EN)
    assert len(en) == 5 and not any("major" in s for s in en)
    assert en[-1] == (
        "1 red early warning is active: Low rectification rate at Jingbalu, Jinshui (Red),"
        " 3 weeks running."
    )
    # without the signal the major hazards fit, in their place
    assert sentences("郑州市", weeks, UNITS_ZH, [], ZH)[3] == (
        "重大隐患未整改12处，较上周增加3处。"
    )


# --- every number is one the page shows -------------------------------------------------------

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:万|%)?")
COUNTS = ("new_hazards", "open_hazards", "major_open", "overdue")
RATES = ("rectification_rate", "compliance_rate")
ZERO_CHANGE = re.compile(
    r"(增加|减少)0处|(提高|下降)0\.0|(?<![\d.,])0处|连续[01]周|持续[01]周"
    r"|(?<![\d.,])0 (more|fewer)|(up|down) 0\.0|(?<![\d.,])[01] weeks running"
)


def allowed_numbers(weeks: list[Week], children: list[Child], alerts: list[Alert], lang: str):
    allowed = {fmt.count(getattr(w, key), lang) for w in weeks for key in COUNTS} | {
        fmt.rate(getattr(w, key)) for w in weeks for key in RATES
    }
    for before, after in itertools.pairwise(weeks):
        allowed |= {fmt.count(abs(getattr(after, k) - getattr(before, k)), lang) for k in COUNTS}
        for key in RATES:
            a, b = getattr(after, key), getattr(before, key)
            if a is not None and b is not None:
                allowed.add(NUMBER.match(pts(a - b, lang))[0])
    allowed |= {
        fmt.count(getattr(ch, k), lang) for ch in children for k in ("overdue", "major_open")
    }
    allowed |= {str(a.weeks_running) for a in alerts if a.weeks_running is not None}
    allowed |= {str(sum(a.level == lv for a in alerts)) for lv in ("red", "orange")}
    allowed |= {str(k) for k in range(2, len(weeks))}  # weeks running of a rise, ≤ weeks shown
    return allowed


@st.composite
def cases(draw: st.DrawFn):
    first = date(2025, 12, 29) + timedelta(weeks=draw(st.integers(0, 120)))
    figure = st.integers(0, 30) | st.integers(0, 30_000)
    rate = st.none() | st.floats(0, 1)
    weeks = []
    for i in range(draw(st.integers(1, 5))):
        y, w, _ = (first + timedelta(weeks=i)).isocalendar()
        weeks.append(Week(y, w, *(draw(figure) for _ in COUNTS), draw(rate), draw(rate)))
    names = st.sampled_from(["新密市", "荥阳市", "金水区", "二七区", "上街区", "惠济区"])
    children = draw(st.lists(st.builds(Child, names, figure, figure), max_size=6))
    alert = st.builds(
        Alert,
        st.sampled_from(["red", "orange"]),
        st.sampled_from(["红色", "橙色"]),
        st.sampled_from(["荥阳市锦绣镇振兴社区", "金水区经八路街道"]),
        st.sampled_from(["隐患整改率偏低", "逾期隐患持续上升"]),
        st.none() | st.integers(1, 60),
    )
    alerts = draw(st.lists(alert, max_size=5))
    return weeks, children, alerts, draw(st.sampled_from([ZH, EN]))


@settings(max_examples=400, deadline=None)
@given(cases())
def test_every_number_is_one_the_page_shows(case) -> None:
    weeks, children, alerts, lang = case
    said = sentences("郑州市" if lang == ZH else "Zhengzhou", weeks, children, alerts, lang)
    assert 3 <= len(said) <= 5
    allowed = allowed_numbers(weeks, children, alerts, lang)
    for s in said:
        for number in NUMBER.findall(s):
            assert number in allowed, (number, s)
        assert not ZERO_CHANGE.search(s), s
        if lang == ZH:
            assert s.endswith("。") and not re.search(r"[,;()]", s), s
        else:
            assert s.endswith(".") and not re.search(r"[，；（）。]", s), s
