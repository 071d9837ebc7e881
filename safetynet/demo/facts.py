"""Published facts about Zhengzhou that shape the demo city, and the few choices we made beside them.

Sources are listed in docs/demo-city.md. Where nothing was published (urban shares, the capacity
factor that makes some units thinner than others), the value is our choice and is marked so.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_POPULATION = 12_600_574  # 2020 census
# Grid counts published by 郑州日报 (2023).
GRID_TOTALS = {"community": 7_876, "micro": 46_817, "rural": 11_381, "dedicated": 4_744}


@dataclass(frozen=True)
class Unit:
    code: str
    name_zh: str
    name_en: str
    kind: str  # district / county / city
    terrain: str
    population: int  # census figure, or the 2019 estimate before scaling to the census total
    census: bool  # True when `population` is a 2020 census figure
    area_km2: float
    streets: int
    towns: int
    townships: int
    urban_share: float  # our choice; the weighted mean, 79.5 %, is near the census 78.4 %
    capacity: float  # our choice: >1 better resourced, <1 thinner (the article's imbalance)
    hilly_villages: float  # our choice: share of the unit's villages that lie in the hills


# fmt: off
UNITS: tuple[Unit, ...] = (
    # code, name, English, kind, terrain, population, census?, km², streets, towns, townships,
    # urban share, capacity, share of villages in the hills: the western hilly cities; a few in
    # 上街 (峡窝镇) and 新郑 (具茨山, 辛店镇), named in the city's geological-hazard warnings;
    # none in the urban core, 惠济 or on the 中牟 plain
    Unit("410102", "中原区", "Zhongyuan", "district", "urban_core", 962_642, True, 195, 14, 0, 0, 0.95, 1.05, 0.0),
    Unit("410103", "二七区", "Erqi", "district", "urban_core", 848_000, False, 156.2, 15, 1, 0, 0.96, 1.00, 0.0),
    Unit("410104", "管城回族区", "Guancheng Hui", "district", "urban_core", 585_000, False, 204, 13, 0, 1, 0.94, 0.90, 0.0),
    Unit("410105", "金水区", "Jinshui", "district", "urban_core", 1_333_000, False, 136.66, 24, 0, 0, 0.99, 1.15, 0.0),
    Unit("410106", "上街区", "Shangjie", "district", "suburban", 163_000, False, 64.7, 5, 1, 0, 0.92, 0.95, 0.3),
    Unit("410108", "惠济区", "Huiji", "district", "suburban", 311_000, False, 206, 6, 2, 0, 0.86, 0.85, 0.0),
    Unit("410122", "中牟县", "Zhongmou", "county", "plain", 524_000, False, 1393, 6, 10, 1, 0.60, 0.75, 0.0),
    Unit("410181", "巩义市", "Gongyi", "city", "hilly", 844_000, False, 1041, 5, 15, 0, 0.66, 0.80, 0.7),
    Unit("410182", "荥阳市", "Xingyang", "city", "hilly", 670_000, False, 908, 2, 9, 3, 0.63, 0.75, 0.6),
    Unit("410183", "新密市", "Xinmi", "city", "hilly", 817_000, False, 1001, 4, 12, 1, 0.62, 0.70, 0.7),
    Unit("410184", "新郑市", "Xinzheng", "city", "plain", 653_000, False, 873, 3, 9, 1, 0.70, 0.85, 0.1),
    Unit("410185", "登封市", "Dengfeng", "city", "hilly", 729_332, True, 1220, 4, 8, 3, 0.60, 0.70, 0.8),
)
# fmt: on


def unit_populations() -> dict[str, int]:
    """Census figures as they are; the 2019 estimates scaled so the 12 units sum to the census.

    The 2019 figures are sample estimates that leave out most of the functional zones' residents,
    which the census counts inside these units; scaling is the documented choice of zhengzhou-facts.
    """
    fixed = sum(u.population for u in UNITS if u.census)
    estimated = {u.code: u.population for u in UNITS if not u.census}
    factor = (CITY_POPULATION - fixed) / sum(estimated.values())
    scaled = {code: int(p * factor) for code, p in estimated.items()}
    # Hand the rounding remainder to the largest unit so the total is exact.
    largest = max(scaled, key=scaled.__getitem__)
    scaled[largest] += CITY_POPULATION - fixed - sum(scaled.values())
    return {u.code: (u.population if u.census else scaled[u.code]) for u in UNITS}


@dataclass(frozen=True)
class Scale:
    name: str
    factor: float  # multiplies populations, grid counts and event volumes
    years: int  # years of history before the as-of date


SCALES = {
    "small": Scale("small", 0.05, 3),
    "city": Scale("city", 1.0, 3),
    "province": Scale("province", 10.0, 3),
}

# Syllables for synthetic place names: real counts, made-up names (no street list is published
# in a reusable form, and real names placed at random would mislead more than invented ones).
NAME_STEMS = (  # noqa: SIM905 — a table of syllables reads better as text
    "和平 友谊 振兴 幸福 光明 新华 建业 胜利 团结 朝阳 东风 红旗 育才 "
    "兴业 康宁 安泰 顺和 长青 丰收 永安 双桥 枣园 柳林 杏花 桃源 槐荫 "
    "松山 石桥 清泉 龙湖 凤鸣 青龙 白沙 金岭 银河 翠竹 梧桐 玉兰 海棠 "
    "紫荆 秀水 春华 秋实 嘉禾 瑞丰 同乐 惠民 福寿 吉祥 如意 文昌 武胜 "
    "崇德 明礼 尚贤 积善 乐业 安居 广厦 锦绣 天成 汇通 聚源 宏图 远航 "
    "晨曦 晓月 星辰 云岭 雾峰 泉井 溪口 河湾 "
).split()
VILLAGE_STEMS = (  # noqa: SIM905 — a table of syllables reads better as text
    "张 王 李 赵 刘 陈 杨 黄 周 吴 郭 孙 马 朱 胡 高 林 何 罗 郑 梁 宋 谢 韩 唐 冯 于 董 "
).split()
VILLAGE_SUFFIXES = ("庄", "寨", "营", "沟", "岭", "河", "湾", "集", "楼", "店", "屯", "坡")
