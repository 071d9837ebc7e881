"""What offices call our tables and columns: the one alias list an import reads headers with.

For every column of `schema.TABLES`, the headers that mean it. The first is the Chinese header the
templates write (`safetynet template`); the column's own name (hazard_id) is always accepted too.
Headers are compared after `header_key`: NFKC (full-width letters), lower case, no spaces,
brackets or units in brackets, so 发现日期（年月日）, "Found Date" and found_date all match.
For every table, the names a file or sheet may carry (隐患台账.xlsx, sheet 隐患).
docs/data-model.md lists the same; tests/test_aliases.py checks that every column has an entry and
that no header means two columns of one table.
"""

from __future__ import annotations

import re
import unicodedata

from safetynet.warehouse.schema import TABLES

# table → names of a file or sheet holding it (Chinese first); the table's own name counts too.
TABLE_NAMES: dict[str, tuple[str, ...]] = {
    "districts": ("县级单位", "区县", "区县市", "units"),
    "streets": ("乡镇街道", "街道", "街道乡镇"),
    "communities": ("社区村", "社区", "村社区"),
    "grids": ("网格", "网格台账", "网格信息"),
    "hazards": ("隐患", "隐患台账", "隐患排查", "隐患清单"),
    "inspections": ("巡查", "网格巡查", "巡查记录", "patrols"),
    "resource_norms": ("物资标准", "物资配备标准"),
    "depots": ("储备库", "物资储备库"),
    "resource_stocks": ("物资储备", "物资库存", "应急物资", "stocks"),
    "teams": ("应急队伍", "队伍"),
    "drills": ("演练培训", "演练", "应急演练"),
    "social_orgs": ("社会组织", "社区社会组织"),
    "vulnerable_groups": ("弱势群体", "特殊群体"),
    "shelters": ("避难场所", "应急避难场所"),
    "readiness": ("应急准备", "准备情况", "社区应急准备"),
    "whistle_calls": ("吹哨报到", "吹哨", "whistles"),
    "funding": ("经费", "应急经费", "经费投入"),
}

_DISTRICT = ("县级单位编码", "单位编码", "区县编码", "区县代码", "所属区县", "区县", "所属单位")
_STREET = ("乡镇街道编码", "街道编码", "街道代码", "所属街道", "乡镇街道", "街道")
_COMMUNITY = ("社区编码", "社区代码", "村社区编码", "所属社区", "社区村", "社区")
_GRID = ("网格编码", "网格代码", "网格编号", "所属网格", "网格")
_LON = ("经度", "longitude", "lng")
_LAT = ("纬度", "latitude")

# "table.column" → headers meaning it; the first is the template's header.
HEADERS: dict[str, tuple[str, ...]] = {
    "districts.district_code": _DISTRICT,
    "districts.name_zh": ("单位名称", "区县名称", "名称"),
    "districts.name_en": ("英文名称", "english name"),
    "districts.kind": ("单位类型", "类型"),
    "districts.terrain": ("地形", "地形类型"),
    "districts.population": ("常住人口", "人口", "人口数"),
    "districts.area_km2": ("面积", "面积平方公里", "土地面积"),
    "districts.boundary_geojson": ("边界", "边界geojson", "boundary"),
    "streets.street_code": _STREET,
    "streets.district_code": _DISTRICT,
    "streets.name_zh": ("街道名称", "乡镇街道名称", "名称"),
    "streets.kind": ("街道类型", "类型"),
    "communities.community_code": _COMMUNITY,
    "communities.street_code": _STREET,
    "communities.name_zh": ("社区名称", "村社区名称", "名称"),
    "communities.kind": ("社区类型", "类型"),
    "communities.population": ("常住人口", "人口", "人口数"),
    "communities.households": ("户数", "住户数"),
    "communities.people_65plus": ("65岁以上人口", "65岁及以上人口", "老年人口"),
    "communities.lon": _LON,
    "communities.lat": _LAT,
    "communities.flood_prone": ("易涝区", "是否易涝", "易涝"),
    "communities.hilly": ("山区丘陵", "是否山区", "丘陵山区"),
    "grids.grid_code": _GRID,
    "grids.community_code": _COMMUNITY,
    "grids.grid_type": ("网格类型", "类型"),
    "grids.households": ("户数", "覆盖户数"),
    "grids.workers": ("网格员数", "网格员人数", "网格员"),
    "grids.has_group": ("专职应急小组", "是否有专职应急小组"),
    "grids.has_squad": ("应急小队", "是否有应急小队"),
    "hazards.hazard_id": ("隐患编号", "隐患编码", "编号", "id"),
    "hazards.grid_code": _GRID,
    "hazards.category": ("隐患类别", "类别", "隐患类型"),
    "hazards.severity": ("隐患等级", "等级", "严重程度"),
    "hazards.source": ("发现方式", "来源", "隐患来源"),
    "hazards.found_date": ("发现日期", "发现时间", "排查日期"),
    "hazards.deadline": ("整改期限", "整改时限", "限期"),
    "hazards.rectified_date": ("整改完成日期", "整改日期", "销号日期", "整改完成时间"),
    "hazards.supervision_level": ("挂牌督办", "督办级别", "挂牌督办级别"),
    "inspections.grid_code": _GRID,
    "inspections.week_start": ("周一日期", "周起始日", "所在周", "周"),
    "inspections.patrols": ("巡查次数", "巡查", "次数"),
    "inspections.items_checked": ("检查项数", "检查项"),
    "inspections.items_compliant": ("符合项数", "符合项"),
    "resource_norms.item": ("物资种类", "物资", "品类"),
    "resource_norms.name_zh": ("物资名称", "名称"),
    "resource_norms.unit_zh": ("计量单位", "单位"),
    "resource_norms.norm_per_1000": ("每千人标准", "千人配备标准", "配备标准"),
    "resource_norms.flood_item": ("防汛物资", "是否防汛物资"),
    "depots.depot_code": ("储备库编号", "储备库编码", "编号"),
    "depots.district_code": _DISTRICT,
    "depots.name_zh": ("储备库名称", "名称"),
    "depots.lon": _LON,
    "depots.lat": _LAT,
    "resource_stocks.holder_code": ("储备单位编码", "储备点编码", "社区或储备库编码"),
    "resource_stocks.holder_kind": ("储备单位类型", "储备点类型"),
    "resource_stocks.item": ("物资种类", "物资", "品类"),
    "resource_stocks.quantity": ("数量", "库存数量", "储备数量"),
    "teams.team_id": ("队伍编号", "编号"),
    "teams.community_code": _COMMUNITY,
    "teams.team_type": ("队伍类型", "类型"),
    "teams.members": ("队员人数", "人数", "成员数"),
    "teams.founded_date": ("成立日期", "成立时间"),
    "drills.drill_id": ("演练编号", "编号"),
    "drills.community_code": _COMMUNITY,
    "drills.held_date": ("举办日期", "演练日期", "日期"),
    "drills.kind": ("形式", "演练或培训", "类型"),
    "drills.topic": ("主题", "科目"),
    "drills.participants": ("参与人数", "参加人数"),
    "drills.participants_65plus": ("65岁以上参与人数", "老年人参与人数"),
    "drills.social_orgs": ("参与社会组织数", "社会组织数"),
    "social_orgs.org_id": ("组织编号", "编号"),
    "social_orgs.community_code": _COMMUNITY,
    "social_orgs.org_type": ("组织类型", "类型"),
    "social_orgs.members": ("成员人数", "人数", "成员数"),
    "vulnerable_groups.community_code": _COMMUNITY,
    "vulnerable_groups.group_type": ("群体类型", "类型"),
    "vulnerable_groups.people": ("人数",),
    "vulnerable_groups.with_helper": ("已结对帮扶人数", "结对帮扶人数", "有帮扶人数"),
    "shelters.shelter_code": ("避难场所编号", "编号"),
    "shelters.community_code": _COMMUNITY,
    "shelters.name_zh": ("避难场所名称", "名称"),
    "shelters.shelter_class": ("场所类别", "类别", "等级"),
    "shelters.area_m2": ("有效面积", "面积"),
    "shelters.capacity": ("容纳人数", "可容纳人数"),
    "shelters.lon": _LON,
    "shelters.lat": _LAT,
    "readiness.community_code": _COMMUNITY,
    "readiness.has_plan": ("应急预案", "有应急预案"),
    "readiness.has_risk_map": ("灾害风险地图", "有风险地图"),
    "readiness.has_evacuation_routes": ("疏散路线", "有疏散路线"),
    "readiness.has_vulnerable_list": ("弱势群体名单", "有弱势群体名单"),
    "readiness.last_assessed": ("最近风险评估日期", "风险评估日期"),
    "whistle_calls.call_id": ("吹哨编号", "编号"),
    "whistle_calls.community_code": _COMMUNITY,
    "whistle_calls.department": ("报到部门", "部门"),
    "whistle_calls.called_at": ("吹哨时间", "呼叫时间"),
    "whistle_calls.arrived_at": ("到达时间", "报到时间"),
    "whistle_calls.resolved_at": ("办结时间", "解决时间"),
    "whistle_calls.promised_hours": ("承诺到达时限", "承诺时限"),
    "funding.district_code": _DISTRICT,
    "funding.year": ("年度", "年份"),
    "funding.prevention_wan": ("预防准备经费", "预防经费"),
    "funding.response_wan": ("救援恢复经费", "救援经费"),
}

_BRACKETED = re.compile(r"[（(【\[].*?[)）】\]]")  # （年月日）, (万元): a note on the header


def header_key(header: str) -> str:
    """A header as compared: NFKC, lower case, without bracketed notes, spaces, _ or -."""
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    text = _BRACKETED.sub("", text) or text
    return re.sub(r"[\s_\-.:：*]+", "", text)


def template_header(table: str, column: str) -> str:
    """The header a template writes for the column: its first alias."""
    return HEADERS[f"{table}.{column}"][0]


def column_for(table: str) -> dict[str, str]:
    """Header key → column name for one table: every alias and every column's own name."""
    found: dict[str, str] = {}
    for column in next(t for t in TABLES if t.name == table).columns:
        for header in (column.name, *HEADERS[f"{table}.{column.name}"]):
            found.setdefault(header_key(header), column.name)
    return found


def table_for(name: str) -> str | None:
    """The table a file or sheet name means (隐患台账 → hazards), or None. A name of parts
    (隐患_hazards, as templates are named, or 2026-隐患台账) is read part by part too."""
    parts = [name, *re.split(r"[\s_\-]+", name)]
    for part in parts:
        key = header_key(part)
        for table in TABLES:
            if key and key in {header_key(n) for n in (table.name, *TABLE_NAMES[table.name])}:
                return table.name
    return None
