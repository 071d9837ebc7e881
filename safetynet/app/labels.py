"""Every word the app shows, in Chinese first and English, and the figures' definitions.

The words live in safetynet/app/text/, one module per page plus the shared ones; t() looks a key
up in all of them (a key may be defined only once).
"""

from __future__ import annotations

from dataclasses import dataclass

from safetynet.app.text import TEXT

LANGS = ("zh", "en")


def t(key: str, lang: str, **values: object) -> str:
    text = TEXT[key][LANGS.index(lang)]
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Figure:
    key: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    rate: bool  # a share shown as %, else a count
    worse_when: str  # "up", "down", or "" when neither direction is bad in itself
    define_zh: str
    define_en: str

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def unit(self, lang: str) -> str:
        return self.unit_zh if lang == "zh" else self.unit_en

    def definition(self, lang: str) -> str:
        return self.define_zh if lang == "zh" else self.define_en


FIGURES: tuple[Figure, ...] = (
    Figure(
        "new_hazards", "新发现隐患", "New hazards", "处", "", False, "",
        "本周内发现的隐患数（含一般与重大）。", "Hazards found during the week (general and major).",
    ),
    Figure(
        "open_hazards", "未整改隐患", "Open hazards", "处", "", False, "up",
        "周末（周日）仍未整改的隐患数。", "Hazards still not rectified at the end of the week (Sunday).",
    ),
    Figure(
        "major_open", "重大隐患未整改", "Major hazards open", "处", "", False, "up",
        "周末仍未整改的重大隐患数。", "Major hazards still open at the end of the week.",
    ),
    Figure(
        "rectification_rate", "隐患整改率", "Rectification rate", "%", "%", True, "down",
        "今年以来：本年1月1日至本周日发现的隐患中，截至本周日已整改的比例。年初几周的隐患多为新近发现、尚未到整改用时，比率偏低属正常。",
        "Year to date: of hazards found from 1 January of the week's year to its Sunday, the share rectified by that Sunday. In the first weeks of a year the cohort is young (most of it was found days ago), so the rate reads low.",
    ),
    Figure(
        "overdue", "逾期未整改", "Overdue", "处", "", False, "up",
        "周末仍未整改且已过整改期限的隐患数。", "Hazards open at the end of the week and past their deadline.",
    ),
    Figure(
        "compliance_rate", "检查符合率", "Inspection compliance", "%", "%", True, "down",
        "本周网格巡查中，符合要求的检查项占检查项总数的比例。",
        "Share of items found compliant among all items checked in grid patrols during the week.",
    ),
)  # fmt: skip
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
# The drill-down shows it beside the six: a place's work done by the deadline.
ON_TIME_RATE = Figure(
    "on_time_rate", "按期整改率", "On-time rate", "%", "%", True, "down",
    "本年第1周至本周整改的隐患中，在整改期限内完成的比例（不论发现于哪一年）。",
    "Of the hazards rectified from the first week of the year to this week (found in any year), "
    "the share rectified by their deadline.",
)  # fmt: skip
