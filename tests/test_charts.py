"""Chart titles break into lines that fit a phone, since plotly does not wrap them."""

from __future__ import annotations

import pytest

from safetynet.app.charts.base import wrap
from safetynet.display import width


@pytest.mark.parametrize(
    "text",
    [
        "单位：处 · 统计期：2026年8月31日—2026年11月29日（13周） · 数据截至 2026年11月29日",
        "Unit: points (they add up to the risk score) · Period: Nov 2026 (to 29 Nov)",
        "演练培训参与与社会组织参与（按区县，近12个月）",
        "Zhengzhou · Points each indicator adds to the risk",
        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五",
    ],
)
def test_chart_titles_break_to_fit_a_phone_and_keep_every_character(text: str) -> None:
    wrapped = wrap(text, 42)
    assert wrapped.replace("<br>", "") == text
    assert all(width(line) <= 42 for line in wrapped.split("<br>"))
    assert wrap("短标题", 42) == "短标题"
