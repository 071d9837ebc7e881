"""The Chinese and English names of every enumerated value in the schema, beside it: what a page
shows for a key such as `ebike`, and what an office writes for it (电动自行车违规充电).

Keyed by "table.column" of the schema; docs/data-model.md lists the same names, and
tests/test_vocabulary.py checks that every key of every enumeration has one (and no more).
"""

from __future__ import annotations

ITEMS: dict[str, tuple[str, str]] = {
    "pump": ("抽水泵", "Pumps"),
    "sandbag": ("防汛沙袋", "Sandbags"),
    "generator": ("应急发电机", "Generators"),
    "life_jacket": ("救生衣", "Life jackets"),
    "extinguisher": ("灭火器", "Extinguishers"),
    "first_aid_kit": ("急救包", "First-aid kits"),
    "tent": ("救灾帐篷", "Tents"),
    "loudspeaker": ("应急喊话器", "Loudspeakers"),
}

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "districts.kind": {
        "district": ("区", "District"),
        "county": ("县", "County"),
        "city": ("县级市", "County-level city"),
    },
    "districts.terrain": {
        "urban_core": ("中心城区", "Urban core"),
        "suburban": ("近郊", "Suburban"),
        "plain": ("平原", "Plain"),
        "hilly": ("丘陵山区", "Hilly"),
    },
    "streets.kind": {
        "street": ("街道", "Street"),
        "town": ("镇", "Town"),
        "township": ("乡", "Township"),
    },
    "communities.kind": {"community": ("社区", "Community"), "village": ("村", "Village")},
    "resource_stocks.holder_kind": {
        "community": ("社区", "Community"),
        "depot": ("储备库", "Depot"),
    },
    "shelters.shelter_class": {
        "I": ("Ⅰ类", "Class I"),
        "II": ("Ⅱ类", "Class II"),
        "III": ("Ⅲ类", "Class III"),
    },
    "hazards.category": {
        "fire": ("消防安全", "Fire safety"),
        "ebike": ("电动自行车违规充电", "E-bike charging"),
        "wiring": ("电气线路老化", "Old wiring"),
        "gas": ("燃气安全", "Gas safety"),
        "flood": ("防汛内涝", "Flood and waterlogging"),
        "geological": ("地质灾害", "Geological"),
        "building": ("房屋建筑施工", "Building and construction"),
        "chemical": ("危险化学品", "Hazardous chemicals"),
        "traffic": ("道路交通", "Road traffic"),
        "forest_fire": ("森林防火", "Forest fire"),
    },
    "hazards.severity": {"general": ("一般隐患", "General"), "major": ("重大隐患", "Major")},
    "hazards.supervision_level": {
        "county": ("县级挂牌督办", "County-supervised"),
        "city": ("市级挂牌督办", "City-supervised"),
        "province": ("省级挂牌督办", "Province-supervised"),
    },
    "hazards.source": {
        "grid_patrol": ("网格巡查", "Grid patrol"),
        "special_check": ("专项检查", "Special check"),
        "resident_report": ("群众举报", "Resident report"),
        "department_referral": ("部门移交", "Department referral"),
    },
    "grids.grid_type": {
        "community": ("社区网格", "Community grid"),
        "micro": ("微网格", "Micro-grid"),
        "rural": ("农村网格", "Rural grid"),
        "dedicated": ("专属网格", "Dedicated grid"),
    },
    "resource_norms.item": ITEMS,
    "resource_stocks.item": ITEMS,
    "teams.team_type": {
        "full_time_group": ("专职应急小组", "Full-time group"),
        "squad": ("应急小队", "Emergency squad"),
        "volunteer": ("志愿者队", "Volunteer team"),
        "professional": ("专业救援队", "Professional rescue team"),
    },
    "drills.kind": {"drill": ("演练", "Drill"), "training": ("培训", "Training")},
    "drills.topic": {
        "flood": ("防汛", "Flood"),
        "fire": ("消防", "Fire"),
        "gas": ("燃气", "Gas"),
        "earthquake": ("地震", "Earthquake"),
        "first_aid": ("急救", "First aid"),
        "evacuation": ("疏散", "Evacuation"),
    },
    "social_orgs.org_type": {
        "volunteer": ("志愿服务", "Volunteer service"),
        "charity": ("公益慈善", "Charity"),
        "rescue": ("救援", "Rescue"),
        "property_service": ("物业服务", "Property service"),
    },
    "vulnerable_groups.group_type": {
        "elderly_alone": ("独居老人", "Elderly living alone"),
        "disabled": ("残疾人", "Disabled"),
        "seriously_ill": ("重病患者", "Seriously ill"),
        "left_behind_child": ("留守儿童", "Left-behind children"),
        "pregnant": ("孕产妇", "Pregnant women"),
    },
    "whistle_calls.department": {
        "emergency": ("应急管理", "Emergency management"),
        "fire_rescue": ("消防救援", "Fire and rescue"),
        "water": ("水务", "Water"),
        "gas": ("燃气", "Gas"),
        "power": ("供电", "Power"),
        "housing": ("住房城乡建设", "Housing and construction"),
        "urban_mgmt": ("城市管理", "Urban management"),
        "police": ("公安", "Police"),
    },
}


def label(column: str, key: str, lang: str) -> str:
    """The name of an enumerated value of "table.column" in Chinese or English; an unknown key
    shows as itself."""
    names = LABELS.get(column, {}).get(key)
    return key if names is None else names[0 if lang == "zh" else 1]
