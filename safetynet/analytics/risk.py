"""The risk index's indicator table: what each indicator measures, and how it becomes a 0–10 score.

The scores themselves are computed in the build SQL (queries/build/60_mart_risk.sql), which
writes this same table as ``dim_risk_indicator``; tests/test_risk.py checks the two agree and
recomputes the marts from the raw files with :func:`scale` and ``safetynet.metrics``.
docs/risk-index.md explains every indicator to a reader.

Every score is "higher = worse": capacities are scaled and then inverted (10 − score), so that
an indicator of the coping-capacity dimension reads as *lack of* that capacity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "DIMENSIONS",
    "HAZARD_GROUPS",
    "INDICATORS",
    "INDICATORS_BY_KEY",
    "SEVERITY_WEIGHTS",
    "Indicator",
    "scale",
]

# Open hazards are counted with these weights: a major hazard (重大隐患) counts as five general
# ones, as it may cause mass casualties and must be put under supervision (挂牌督办).
SEVERITY_WEIGHTS: dict[str, int] = {"general": 1, "major": 5}

# Which hazard categories (schema.HAZARD_CATEGORIES) feed which hazard indicator.
HAZARD_GROUPS: dict[str, tuple[str, ...]] = {
    "hz_flood": ("flood",),  # floods and urban waterlogging (内涝)
    "hz_fire": ("fire", "ebike", "wiring", "forest_fire"),
    "hz_gas": ("gas",),
    "hz_geological": ("geological",),
    "hz_other": ("building", "chemical", "traffic"),
}

# The three INFORM dimensions, in display order: key, Chinese and English names.
DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("ha", "危险与暴露", "Hazard & exposure"),
    ("vu", "脆弱性", "Vulnerability"),
    ("cc", "应对能力不足", "Lack of coping capacity"),
)


@dataclass(frozen=True)
class Indicator:
    """One indicator: where its value comes from and how it is scaled to 0–10."""

    key: str  # column prefix in the marts: <key>_value, <key>_score
    dimension: str  # "ha" | "vu" | "cc"
    component: str  # group combined first inside the dimension ("hazard", "exposure", …)
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    transform: str  # "linear" | "log"
    lower: float  # value scaled to 0
    upper: float  # value scaled to 10 (values beyond are clipped)
    inverted: bool  # a capacity: the score is 10 − scaled, "lack of" it


def _hazard(key: str, zh: str, en: str) -> Indicator:
    return Indicator(
        key, "ha", "hazard", zh, en, "加权隐患数/千人", "weighted hazards per 1,000 residents",
        "log", 0.0, 2.0, False,
    )  # fmt: skip


# Order matters: it is the order of the columns, of the pages' lists, and breaks ties between
# equally strong drivers in the "why" strings.
INDICATORS: tuple[Indicator, ...] = (
    _hazard("hz_flood", "洪涝隐患", "Flood hazards"),
    _hazard("hz_fire", "火灾隐患", "Fire hazards"),
    _hazard("hz_gas", "燃气隐患", "Gas hazards"),
    _hazard("hz_geological", "地质灾害隐患", "Geological hazards"),
    _hazard("hz_other", "其他隐患", "Other hazards"),
    Indicator("ex_flood_prone", "ha", "exposure", "位于易涝区", "In a flood-prone area",
              "是=1", "yes = 1", "linear", 0.0, 1.0, False),
    Indicator("ex_hilly", "ha", "exposure", "位于丘陵山区", "In hilly terrain",
              "是=1", "yes = 1", "linear", 0.0, 1.0, False),
    Indicator("ex_density", "ha", "exposure", "人口密度", "Population density",
              "人/平方公里", "residents per km²", "log", 100.0, 20000.0, False),
    Indicator("vu_elderly", "vu", "vulnerability", "65岁以上人口占比", "Share aged 65+",
              "比例", "share", "linear", 0.05, 0.25, False),
    Indicator("vu_vulnerable", "vu", "vulnerability", "弱势群体密度", "Vulnerable people per 1,000",
              "人/千人", "per 1,000 residents", "linear", 20.0, 120.0, False),
    Indicator("vu_no_helper", "vu", "vulnerability", "弱势群体未结对帮扶",
              "Vulnerable people without a helper", "比例", "share", "linear", 0.0, 1.0, False),
    Indicator("cc_stock", "cc", "capacity", "应急物资不足", "Short of emergency supplies",
              "达标比例", "share of norm", "linear", 0.0, 1.0, True),
    Indicator("cc_flood_stock", "cc", "capacity", "防汛物资不足", "Short of flood supplies",
              "达标比例", "share of norm", "linear", 0.0, 1.0, True),
    Indicator("cc_team", "cc", "capacity", "应急队伍人员少", "Few team members",
              "人/千人", "per 1,000 residents", "log", 0.0, 50.0, True),
    Indicator("cc_drills", "cc", "capacity", "演练少", "Few drills",
              "次/12个月", "drills in 12 months", "linear", 0.0, 4.0, True),
    Indicator("cc_participants", "cc", "capacity", "演练培训参与少", "Few residents drilled",
              "人次/千人/12个月", "participants per 1,000 in 12 months", "log", 0.0, 200.0, True),
    Indicator("cc_shelter", "cc", "capacity", "避难场所可达不足", "Little shelter within reach",
              "位/人", "places per resident", "linear", 0.0, 1.0, True),
    Indicator("cc_readiness", "cc", "capacity", "应急准备不完善", "Readiness checklist incomplete",
              "项（0–4）", "items (0–4)", "linear", 0.0, 4.0, True),
)  # fmt: skip

INDICATORS_BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}


def scale(indicator: Indicator, value: float) -> float:
    """The indicator's 0–10 score of a raw value ("higher = worse").

    linear: 10 · (x − lower) / (upper − lower)
    log:    10 · (ln(1 + x) − ln(1 + lower)) / (ln(1 + upper) − ln(1 + lower))

    both clipped to [0, 10]; an inverted (capacity) indicator scores 10 minus that.
    """
    lo, hi, x = indicator.lower, indicator.upper, float(value)
    if indicator.transform == "log":
        share = (math.log1p(x) - math.log1p(lo)) / (math.log1p(hi) - math.log1p(lo))
    else:
        share = (x - lo) / (hi - lo)
    scaled = 10.0 * min(1.0, max(0.0, share))
    return 10.0 - scaled if indicator.inverted else scaled
